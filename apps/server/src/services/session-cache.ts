import type { Database } from '@tradingbot/db';

/**
 * How long a process trusts its last look at a session. A JWT is checked against its session
 * (`sid`) on every request; within this process a logout or revocation drops the entry at once,
 * and a revocation made by another server process on the same database takes effect here within
 * this many milliseconds at most.
 */
export const SESSION_CACHE_TTL_MS = 2_000;
const MAX_ENTRIES = 10_000;

type Entry = { userId: string; active: boolean; checkedAt: number };

export class SessionCache {
  readonly #entries = new Map<string, Entry>();

  constructor(readonly ttlMs = SESSION_CACHE_TTL_MS) {}

  get(sessionId: string, nowMs = performance.now()): Entry | undefined {
    const entry = this.#entries.get(sessionId);
    if (entry && nowMs - entry.checkedAt < this.ttlMs) return entry;
    this.#entries.delete(sessionId);
    return undefined;
  }

  set(sessionId: string, entry: Omit<Entry, 'checkedAt'>, nowMs = performance.now()): void {
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear(); // bounded: a miss only costs one query
    this.#entries.set(sessionId, { ...entry, checkedAt: nowMs });
  }

  forget(sessionIds: Iterable<string>): void {
    for (const id of sessionIds) this.#entries.delete(id);
  }
}

const caches = new WeakMap<Database, SessionCache>();

/** One cache per database handle (so one per app in tests, one per process in production). */
export function sessionCacheFor(database: Database): SessionCache {
  let cache = caches.get(database);
  if (!cache) caches.set(database, (cache = new SessionCache()));
  return cache;
}
