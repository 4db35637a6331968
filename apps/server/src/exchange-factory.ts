import { createHash } from 'node:crypto';
import type { LiveVenueId, PaperMarketVenue } from '@tradingbot/core';
import {
  VENUES,
  createPublicMarketFeed,
  isStatefulVenue,
  type PublicMarketFeed,
  type AccountRef,
  type Exchange,
  type MinuteCandleSource,
} from '@tradingbot/exchange';
import { ServerErrors } from './errors.ts';
import type { Credentials } from './crypto/credentials.ts';
import type { PaperStateStore } from './services/paper-state.ts';
import { VenueGates } from './services/venue-gate.ts';

export type ConnectExchange = (account: AccountRef, credentials: Credentials) => Exchange;

/** The factory: `connect` plus keeping its venues' state (paper accounts) and its size in check. */
export type ExchangeFactory = ConnectExchange & {
  /** Stores a paper account's venue state now (after a signal). No-op for live venues. */
  persist(accountId: string): Promise<void>;
  /** Drops venues idle longer than `idleMs` (paper ones after storing their state); stores changed ones. */
  sweep(): Promise<void>;
  /** Stops the sweep timer and stores every changed paper venue (shutdown). */
  close(): Promise<void>;
  /** How many venue clients are held. */
  size(): number;
  /** The live venues' rate-limit state, shared by every account's client. */
  gates: VenueGates;
};

export type ExchangeFactoryOptions = {
  /** Base URL overrides per venue, e.g. a local simulator (`tradingbot sim binance`). */
  baseUrls?: Partial<Record<LiveVenueId, string>>;
  /**
   * Public stream base URLs of the venues paper accounts can follow (`market_data`); unset: beside
   * that venue's `baseUrls` entry, else its production host.
   */
  publicStreamUrls?: Partial<Record<PaperMarketVenue, string>>;
  /** Stream reconnect backoff of the paper accounts' public market feeds (tests; ms). */
  publicStreamBackoffMs?: { min: number; max: number };
  /**
   * What moves paper prices. Default: the synthetic minute candles (clearly not market data), so a
   * paper account trades with no network. `false`: no feed (tests drive the venue themselves).
   */
  paperFeed?: MinuteCandleSource | false;
  /** Clock of the paper feed (tests). */
  now?: () => number;
  /** Per-request timeout of venue clients (default: the client's own, 10 s). */
  requestTimeoutMs?: number;
  /** Where paper venues' states are stored and restored from; without it they live in memory only. */
  paperState?: PaperStateStore;
  /** A venue unused this long is dropped at the next sweep (default 30 min). */
  idleMs?: number;
  /** Most venues held; the least recently used beyond it is dropped (default 1000). */
  maxVenues?: number;
  /** Shared rate-limit state of the live venues (default: one of its own). */
  gates?: VenueGates;
  /** Sweep period (default: a quarter of `idleMs`, at most a minute); 0 = no timer (tests sweep). */
  sweepEveryMs?: number;
  log?: { warn(obj: object, msg: string): void };
};

/** `lastUsed` / `savedAt`: a use counter (Date.now() repeats within a millisecond); `usedAt`: ms. */
type Held = { fingerprint: string; exchange: Exchange; lastUsed: number; usedAt: number; savedAt: number };

/**
 * The one place that turns a stored account into a venue client. Clients are kept per account
 * (their server-time offset, rate-limit state and position-mode knowledge survive between
 * signals) and rebuilt when the account's credentials or network change.
 *
 * A paper account's venue IS the account (10,000 USDT to start, its positions and orders): it is
 * stored (`paperState`) after each signal, at each sweep when it changed, when it is dropped and at
 * shutdown, and taken over again by the venue built next (after eviction or a restart). Venues idle
 * for `idleMs`, or beyond `maxVenues`, are dropped; a live client holds only caches.
 */
export function createExchangeFactory(options: ExchangeFactoryOptions = {}): ExchangeFactory {
  const held = new Map<string, Held>();
  const idleMs = options.idleMs ?? 30 * 60_000;
  const maxVenues = options.maxVenues ?? 1000;
  let sequence = 0;
  const gates = options.gates ?? new VenueGates();
  /** One public market feed per venue, shared by every paper account that follows it; built on first use. */
  const markets = new Map<PaperMarketVenue, PublicMarketFeed>();
  const marketOf = (venue: PaperMarketVenue): PublicMarketFeed => {
    let feed = markets.get(venue);
    if (feed === undefined) {
      const backoff = options.publicStreamBackoffMs;
      feed = createPublicMarketFeed(venue, {
        baseUrl: options.baseUrls?.[venue] || undefined,
        streamUrl: options.publicStreamUrls?.[venue],
        now: options.now,
        ...(backoff
          ? {
              reconnectMinMs: backoff.min,
              reconnectMaxMs: backoff.max,
              retryMinMs: backoff.min,
              retryMaxMs: backoff.max,
            }
          : {}),
      });
      markets.set(venue, feed);
    }
    return feed;
  };

  /** Saves under way per account: a venue rebuilt meanwhile restores only after them. */
  const saving = new Map<string, Promise<boolean>>();
  const save = (accountId: string, entry: Held): Promise<boolean> => {
    const run = (saving.get(accountId) ?? Promise.resolve(true)).then(() => saveNow(accountId, entry));
    saving.set(accountId, run);
    void run.finally(() => {
      if (saving.get(accountId) === run) saving.delete(accountId);
    });
    return run;
  };
  const saveNow = async (accountId: string, entry: Held): Promise<boolean> => {
    if (!isStatefulVenue(entry.exchange) || options.paperState === undefined) return true;
    const usedAt = entry.lastUsed;
    try {
      const snapshot = await entry.exchange.saveState();
      if (snapshot !== undefined) await options.paperState.save(accountId, snapshot);
      entry.savedAt = Math.max(entry.savedAt, usedAt);
      return true;
    } catch (error) {
      options.log?.warn({ accountId, err: error }, 'storing a paper venue state failed; it stays in memory');
      return false;
    }
  };

  /** Drops a venue once its state is stored, unless it was used meanwhile. */
  const evict = async (accountId: string, entry: Held): Promise<void> => {
    const usedAt = entry.lastUsed;
    if (!(await save(accountId, entry))) return;
    if (held.get(accountId) === entry && entry.lastUsed === usedAt) held.delete(accountId);
  };

  const connect: ConnectExchange = (account, credentials) => {
    const fingerprint = fingerprintOf(account, credentials);
    const cached = held.get(account.id);
    held.delete(account.id); // re-inserted last: the map's order is least recently used first
    if (cached?.fingerprint === fingerprint) {
      cached.lastUsed = ++sequence;
      cached.usedAt = Date.now();
      held.set(account.id, cached);
      return cached.exchange;
    }
    // A paper venue replaced (its price source changed) hands its state on: the new one restores after this save.
    if (cached !== undefined) void save(account.id, cached);
    const exchange = build(account, credentials, options, gates, () => saving.get(account.id), marketOf);
    held.set(account.id, { fingerprint, exchange, lastUsed: ++sequence, usedAt: Date.now(), savedAt: 0 });
    for (const [id, entry] of held) {
      if (held.size <= maxVenues) break;
      held.delete(id);
      void save(id, entry);
    }
    return exchange;
  };

  const sweep = async (): Promise<void> => {
    for (const [id, entry] of [...held]) {
      if (Date.now() - entry.usedAt >= idleMs) await evict(id, entry);
      else if (entry.lastUsed > entry.savedAt) await save(id, entry);
    }
  };

  const every = options.sweepEveryMs ?? Math.min(60_000, Math.max(1000, Math.floor(idleMs / 4)));
  const timer = every > 0 ? setInterval(() => void sweep(), every) : undefined;
  timer?.unref();

  return Object.assign(connect, {
    async persist(accountId: string) {
      const entry = held.get(accountId);
      if (entry !== undefined) await save(accountId, entry);
    },
    sweep,
    async close() {
      if (timer !== undefined) clearInterval(timer);
      for (const [id, entry] of [...held]) if (entry.lastUsed > entry.savedAt) await save(id, entry);
      await Promise.all(saving.values());
      await Promise.all([...markets.values()].map((feed) => feed.close()));
    },
    size: () => held.size,
    gates,
  });
}

function fingerprintOf(account: AccountRef, credentials: Credentials): string {
  return (
    createHash('sha256')
      // A paper venue is the account's state itself: only a change of venue or of price source replaces it.
      .update(
        JSON.stringify(
          VENUES[account.exchange].live
            ? [account.exchange, account.testnet, credentials]
            : [account.exchange, account.marketData ?? 'synthetic'],
        ),
      )
      .digest('hex')
  );
}

function build(
  account: AccountRef,
  credentials: Credentials,
  options: ExchangeFactoryOptions,
  gates: VenueGates,
  savingNow: () => Promise<unknown> | undefined,
  marketOf: (venue: PaperMarketVenue) => PublicMarketFeed,
): Exchange {
  const venue = VENUES[account.exchange];
  if (venue.needsPassphrase && (credentials.passphrase === undefined || credentials.passphrase === '')) {
    throw ServerErrors.create('VALIDATION_FAILED', {
      message: `This ${venue.label} account has no passphrase stored; register it again with its passphrase`,
    });
  }
  const store = options.paperState;
  return venue.createClient({
    credentials,
    testnet: account.testnet,
    baseUrl: options.baseUrls?.[account.exchange as LiveVenueId] || undefined,
    timeoutMs: options.requestTimeoutMs,
    fetch: venue.live ? gates.fetchFor(account.exchange as LiveVenueId, account.id) : undefined,
    paperFeed: options.paperFeed,
    paperMarket:
      !venue.live && account.marketData !== undefined && account.marketData !== 'synthetic'
        ? marketOf(account.marketData)
        : undefined,
    now: options.now,
    restoreState:
      store === undefined
        ? undefined
        : async () => {
            await savingNow(); // the state of the venue this one replaces, when still being stored
            return store.load(account.id);
          },
  });
}
