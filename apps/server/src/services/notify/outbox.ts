import { randomUUID } from 'node:crypto';
import { and, eq, inArray, like, sql } from 'drizzle-orm';
import {
  notificationChannels,
  notificationOutbox,
  type Database,
  type NotificationChannelRow,
} from '@tradingbot/db';
import type { NotifyConfig } from '../../config.ts';
import type { KeyRing } from '../../crypto/credentials.ts';
import type { ChannelKind, ChannelSender, OutgoingMessage, SendOutcome } from './channel.ts';
import { loadTarget } from './channels.ts';
import type { NotifyEventKind, NotifyFacts } from './facts.ts';
import { renderDigest, renderMessage } from './render.ts';
import type { Senders } from './senders.ts';

/**
 * The durable notification outbox. `enqueue` writes one row per message per channel (the listener
 * calls it; it never runs inside the signal pipeline), keyed so the same event queued twice inserts
 * nothing. The dispatcher claims due rows atomically — status `sending` with a lease, `FOR UPDATE
 * SKIP LOCKED`, so any number of processes share the work — and a row whose lease ran out (its
 * process died between claiming and sending) is claimed again: a crash loses no message. Per
 * channel it waits for a quiet moment (NOTIFY_QUIET_MS, at most NOTIFY_MAX_HOLD_MS), sends more than
 * NOTIFY_DIGEST_AFTER due messages as one digest, paces sends (Telegram ~1 per second per chat),
 * honours the service's `retryAfterMs`, retries with exponential back-off, and disables a channel
 * whose messages keep failing, with the reason shown to its owner.
 */
export type OutboxDeps = {
  database: Database;
  config: NotifyConfig;
  keyRing: KeyRing;
  senders: Senders;
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  now?: () => number;
};

type ClaimedRow = {
  id: string;
  channel_id: string;
  payload: NotifyFacts;
  attempts: number;
  digest_key: string | null;
};

/** Least time between two sends to one channel, per kind (Telegram: ~1 message a second per chat). */
const PACE_MS: Record<ChannelKind, number> = { telegram: 1000, discord: 250, email: 0, webhook: 0 };
/** A message's lease while one process sends it; past it another may. */
const LEASE_MS = 60_000;
const MAX_BACKOFF_MS = 15 * 60_000;
/** A channel whose service is not configured here (no SMTP_URL, no Telegram bot): look again later. */
const NO_SENDER_WAIT_MS = 60_000;
/** Sent and failed rows are kept this long (for support questions), then deleted, at most once an hour. */
const KEEP_MS = 30 * 24 * 3600_000;
const PRUNE_EVERY_MS = 3600_000;

export function backoffMs(attempts: number, random = Math.random): number {
  const base = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

export class NotificationOutbox {
  readonly #lastSent = new Map<string, number>();
  readonly #blockedUntil = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  /** When the pending timer fires: a kick never postpones it (a steady stream of events must not starve sending). */
  #timerDue = 0;
  #running: Promise<void> | undefined;
  #started = false;
  #prunedAt = 0;

  constructor(private readonly deps: OutboxDeps) {}

  #now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /**
   * Queues `facts` for every enabled channel of the user that wants `kind` (or only `channelIds`).
   * `key` names the event: with the channel id it is the row's idempotency key. Returns the rows written.
   */
  async enqueue(
    userId: string,
    kind: NotifyEventKind | 'test',
    facts: NotifyFacts,
    key: string,
    options: {
      channelIds?: string[];
      /** Not sent before this time (a stream-down message waits to see whether the stream comes back). */
      notBefore?: Date;
    } = {},
  ): Promise<number> {
    const { db } = this.deps.database;
    const channels = await db
      .select({ id: notificationChannels.id })
      .from(notificationChannels)
      .where(
        and(
          eq(notificationChannels.userId, userId),
          eq(notificationChannels.enabled, true),
          options.channelIds
            ? inArray(notificationChannels.id, options.channelIds)
            : sql`${notificationChannels.events} @> ${JSON.stringify([kind])}::jsonb`,
        ),
      );
    if (channels.length === 0) return 0;
    const now = new Date(this.#now());
    const due = options.notBefore && options.notBefore > now ? options.notBefore : now;
    const inserted = await db
      .insert(notificationOutbox)
      .values(
        channels.map((channel) => ({
          id: randomUUID(),
          channelId: channel.id,
          userId,
          event: kind,
          payload: facts as unknown as Record<string, unknown>,
          idempotencyKey: `${key}:${channel.id}`,
          createdAt: now,
          nextAttemptAt: due,
        })),
      )
      .onConflictDoNothing()
      .returning({ id: notificationOutbox.id });
    if (inserted.length > 0) this.kick(due.getTime() - now.getTime());
    return inserted.length;
  }

  /**
   * Takes back `userId`'s messages of `kind` whose key starts with `keyPrefix` and that no
   * dispatcher has claimed yet (a stream that came back before its message was due). Returns how many.
   */
  async withdraw(userId: string, kind: NotifyEventKind, keyPrefix: string): Promise<number> {
    const removed = await this.deps.database.db
      .delete(notificationOutbox)
      .where(
        and(
          eq(notificationOutbox.userId, userId),
          eq(notificationOutbox.event, kind),
          eq(notificationOutbox.status, 'queued'),
          eq(notificationOutbox.attempts, 0),
          like(notificationOutbox.idempotencyKey, `${keyPrefix.replace(/[\\%_]/g, '\\$&')}%`),
        ),
      )
      .returning({ id: notificationOutbox.id });
    return removed.length;
  }

  /** Starts sending in the background (NOTIFY_DISPATCH). */
  start(): void {
    this.#started = true;
    this.#schedule(0);
  }

  /** Stops the dispatcher; a send in flight finishes (its row is marked) first. */
  async stop(): Promise<void> {
    this.#started = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** Something was queued: look again once the channel may have gone quiet (or the message is due). */
  kick(dueInMs = 0): void {
    if (this.#started) this.#schedule(Math.max(this.deps.config.quietMs + 20, dueInMs));
  }

  #schedule(delayMs: number): void {
    const wait = Math.min(delayMs, this.deps.config.pollMs);
    const due = Date.now() + wait;
    if (this.#timer !== undefined && this.#timerDue <= due) return;
    clearTimeout(this.#timer);
    this.#timerDue = due;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#tick();
    }, wait);
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    if (this.#running) return;
    this.#running = (async () => {
      try {
        while (this.#started && (await this.dispatchOnce()) > 0);
      } catch (error) {
        this.deps.log?.error({ err: error }, 'notifications: dispatch failed');
      }
    })();
    await this.#running;
    this.#running = undefined;
    if (this.#started) this.#schedule(this.deps.config.pollMs);
  }

  /** One round: claims the due rows and sends them. Returns how many rows it claimed. */
  async dispatchOnce(): Promise<number> {
    await this.#prune();
    const rows = await this.#claim();
    if (rows.length === 0) return 0;
    const byChannel = new Map<string, ClaimedRow[]>();
    for (const row of rows) byChannel.set(row.channel_id, [...(byChannel.get(row.channel_id) ?? []), row]);
    const channels = await this.deps.database.db
      .select()
      .from(notificationChannels)
      .where(inArray(notificationChannels.id, [...byChannel.keys()]));
    const found = new Map(channels.map((channel) => [channel.id, channel]));
    await Promise.all(
      [...byChannel].map(([channelId, claimed]) => this.#sendChannel(found.get(channelId), claimed)),
    );
    return rows.length;
  }

  async #prune(): Promise<void> {
    const now = this.#now();
    if (now - this.#prunedAt < PRUNE_EVERY_MS) return;
    this.#prunedAt = now;
    await this.deps.database.query(
      `DELETE FROM notification_outbox WHERE status IN ('sent', 'failed') AND created_at < $1::timestamptz`,
      [new Date(now - KEEP_MS).toISOString()],
    );
  }

  async #claim(): Promise<ClaimedRow[]> {
    const { quietMs, maxHoldMs } = this.deps.config;
    const now = this.#now();
    const iso = (ms: number) => new Date(ms).toISOString();
    return this.deps.database.query<ClaimedRow>(
      `UPDATE notification_outbox SET status = 'sending', lease_until = $4::timestamptz, attempts = attempts + 1
       WHERE id IN (
         SELECT o.id FROM notification_outbox o
         WHERE (o.status = 'sending' AND o.lease_until < $1::timestamptz)
            OR (o.status = 'queued' AND o.next_attempt_at <= $1::timestamptz AND o.channel_id IN (
                 SELECT q.channel_id FROM notification_outbox q WHERE q.status = 'queued'
                 GROUP BY q.channel_id
                 HAVING max(q.created_at) <= $2::timestamptz OR min(q.created_at) <= $3::timestamptz))
         ORDER BY o.created_at, o.id
         LIMIT 500
         FOR UPDATE SKIP LOCKED)
       RETURNING id, channel_id, payload, attempts, digest_key`,
      [iso(now), iso(now - quietMs), iso(now - maxHoldMs), iso(now + LEASE_MS)],
    );
  }

  async #sendChannel(channel: NotificationChannelRow | undefined, rows: ClaimedRow[]): Promise<void> {
    if (channel === undefined || !channel.enabled) {
      await this.#finish(rows, { status: 'failed', lastError: 'the channel is disabled or deleted' });
      return;
    }
    const sender = this.deps.senders[channel.kind] as ChannelSender | undefined;
    if (sender === undefined) {
      await this.#putBack(rows, this.#now() + NO_SENDER_WAIT_MS, `no ${channel.kind} sender is configured`);
      return;
    }
    // Sorted oldest first by the claim; a burst becomes one digest.
    const batches: ClaimedRow[][] =
      rows.length > this.deps.config.digestAfter ? [rows] : rows.map((row) => [row]);
    for (const [index, batch] of batches.entries()) {
      const outcome = await this.#sendBatch(channel, sender, batch);
      if (outcome === 'stop') {
        await this.#putBack(
          batches.slice(index + 1).flat(),
          this.#blockedUntil.get(channel.id) ?? this.#now(),
        );
        return;
      }
    }
  }

  /** Sends one message (or one digest); 'stop' when the channel must not be sent to for now. */
  async #sendBatch(
    channel: NotificationChannelRow,
    sender: ChannelSender,
    batch: ClaimedRow[],
  ): Promise<'next' | 'stop'> {
    const blocked = this.#blockedUntil.get(channel.id) ?? 0;
    if (blocked > this.#now()) {
      await this.#putBack(batch, blocked);
      return 'stop';
    }
    await this.#pace(channel);
    const message = this.#message(channel, batch);
    let target;
    try {
      target = loadTarget(this.deps.keyRing, channel);
    } catch {
      await this.#permanent(
        channel,
        batch,
        'the stored target cannot be decrypted (was ENCRYPTION_KEY changed?)',
      );
      return 'stop';
    }
    const outcome = await sender.send(target, message).catch((error: unknown): SendOutcome => {
      this.deps.log?.error({ err: error, channel_id: channel.id }, 'notifications: sender threw');
      return { ok: false, permanent: false, reason: 'the sender failed unexpectedly' };
    });
    this.#lastSent.set(channel.id, this.#now());
    if (outcome.ok) {
      await this.#finish(batch, {
        status: 'sent',
        sentAt: new Date(this.#now()),
        digestKey: batch.length > 1 ? message.id : null,
      });
      if (channel.failures > 0) await this.#resetFailures(channel.id);
      return 'next';
    }
    if (outcome.permanent) {
      await this.#permanent(channel, batch, outcome.reason);
      return 'next';
    }
    return this.#transient(channel, batch, outcome);
  }

  #message(channel: NotificationChannelRow, batch: ClaimedRow[]): OutgoingMessage {
    const { linkBase } = this.deps.config;
    if (batch.length === 1) return renderMessage(batch[0]!.id, batch[0]!.payload, channel.locale, linkBase);
    const id = batch[0]!.digest_key ?? `digest-${batch[0]!.id}`;
    return renderDigest(
      id,
      batch.map((row) => row.payload),
      channel.locale,
      linkBase,
    );
  }

  async #pace(channel: NotificationChannelRow): Promise<void> {
    const wait = (this.#lastSent.get(channel.id) ?? 0) + PACE_MS[channel.kind] - this.#now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }

  async #transient(
    channel: NotificationChannelRow,
    batch: ClaimedRow[],
    outcome: Extract<SendOutcome, { ok: false }>,
  ): Promise<'next' | 'stop'> {
    const attempts = Math.max(...batch.map((row) => row.attempts));
    if (attempts >= this.deps.config.maxAttempts) {
      await this.#permanent(channel, batch, `gave up after ${attempts} attempts: ${outcome.reason}`);
      return 'next';
    }
    const waitMs = outcome.retryAfterMs ?? backoffMs(attempts);
    const at = this.#now() + waitMs;
    if (outcome.retryAfterMs !== undefined) this.#blockedUntil.set(channel.id, at);
    const digestKey = batch.length > 1 ? `digest-${batch[0]!.id}` : null;
    await this.#finish(batch, {
      status: 'queued',
      nextAttemptAt: new Date(at),
      lastError: outcome.reason,
      digestKey,
    });
    return outcome.retryAfterMs !== undefined ? 'stop' : 'next';
  }

  /** Given up: the rows fail, and the channel is disabled once this keeps happening (NOTIFY_DISABLE_AFTER). */
  async #permanent(channel: NotificationChannelRow, batch: ClaimedRow[], reason: string): Promise<void> {
    await this.#finish(batch, { status: 'failed', lastError: reason });
    await this.deps.database.query(
      `UPDATE notification_channels SET failures = failures + 1,
         enabled = CASE WHEN failures + 1 >= $2 THEN false ELSE enabled END,
         disabled_reason = CASE WHEN failures + 1 >= $2 THEN $3 ELSE disabled_reason END,
         updated_at = now()
       WHERE id = $1`,
      [channel.id, this.deps.config.disableAfter, reason],
    );
    this.deps.log?.warn(
      { channel_id: channel.id, kind: channel.kind, reason },
      'notifications: message given up',
    );
  }

  async #resetFailures(channelId: string): Promise<void> {
    await this.deps.database.db
      .update(notificationChannels)
      .set({ failures: 0 })
      .where(eq(notificationChannels.id, channelId));
  }

  /** Back to the queue without counting an attempt (the channel was paced or blocked, not tried). */
  async #putBack(rows: ClaimedRow[], at: number, lastError?: string): Promise<void> {
    if (rows.length === 0) return;
    await this.deps.database.db
      .update(notificationOutbox)
      .set({
        status: 'queued',
        attempts: sql`${notificationOutbox.attempts} - 1`,
        nextAttemptAt: new Date(at),
        leaseUntil: null,
        ...(lastError ? { lastError } : {}),
      })
      .where(
        inArray(
          notificationOutbox.id,
          rows.map((row) => row.id),
        ),
      );
  }

  async #finish(
    rows: ClaimedRow[],
    set: {
      status: 'sent' | 'failed' | 'queued';
      sentAt?: Date;
      nextAttemptAt?: Date;
      lastError?: string;
      digestKey?: string | null;
    },
  ): Promise<void> {
    await this.deps.database.db
      .update(notificationOutbox)
      .set({ ...set, leaseUntil: null })
      .where(
        inArray(
          notificationOutbox.id,
          rows.map((row) => row.id),
        ),
      );
  }
}
