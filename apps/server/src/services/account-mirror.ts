import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import {
  accounts,
  fills,
  fundingPayments,
  orders,
  positions,
  type AccountRow,
  type Database,
  type FillReason,
  type PositionRow,
} from '@tradingbot/db';
import {
  CLIENT_ORDER_ID_PREFIX,
  ExchangeDecimal,
  isStreamingVenue,
  parseDecimal,
  type AccountEvent,
  type AccountStream,
  type Exchange,
  type FundingPayment,
  type Order,
  type Position,
  type StreamStatus,
  type StreamingVenue,
  type VenueFill,
} from '@tradingbot/exchange';
import { decryptCredentials, type KeyRing } from '../crypto/credentials.ts';
import type { ServerEventBus } from '../events.ts';
import type { ConnectExchange } from '../exchange-factory.ts';
import { audit, roleReason } from './audit.ts';
import { observeBalance, QUOTE_ASSET, recordBalance } from './balance-history.ts';
import { reconcileAccount, type ReconcileState } from './reconcile.ts';
import type { WarmStates } from './warm-state.ts';

export type MirrorLog = {
  info?(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
};

export type AccountMirrorOptions = {
  database: Database;
  keyRing: KeyRing;
  connectExchange: ConnectExchange;
  events: ServerEventBus;
  /** Lease of an account's stream (ms); another process takes it over this long after its holder died. */
  leaseMs?: number;
  /** How often accounts without a stream are looked for, and leases renewed (default a third of the lease). */
  sweepIntervalMs?: number;
  /** How often the mirror is compared with the venue's REST answers (positions, resting stops). */
  reconcileIntervalMs?: number;
  /** Streams connected and re-synced at once. */
  startConcurrency?: number;
  /** A re-sync reads fills from the last event seen minus this (ms): clocks and late events. */
  resyncMarginMs?: number;
  /** Delay between a reason to look at an account's stops (a stop cancelled, a position changed) and the look. */
  protectionCheckDelayMs?: number;
  /** The accounts' warm states for the executor (services/warm-state.ts), fed by these streams. */
  warm?: WarmStates;
  /** Stream reconnect backoff (tests: short). */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  log?: MirrorLog;
};

const DEFAULT_LEASE_MS = 15_000;
const DEFAULT_RESYNC_MARGIN_MS = 60_000;

/** Waits before re-reading a warm snapshot the stream overlapped: doubling from the first to the last. */
const WARM_RETRY_MIN_MS = 250;
const WARM_RETRY_MAX_MS = 30_000;

/** Our venue client order ids: `tb` + 24 base62 characters (+ a role suffix); see client-order-id.ts. */
const OUR_CLIENT_ID = new RegExp(`^${CLIENT_ORDER_ID_PREFIX}[0-9A-Za-z]{24}([0-9A-Za-z]{0,4})$`);

/** A client order id this server derived (whether or not its `orders` row is written yet). */
export function isOurClientOrderId(clientOrderId: string): boolean {
  return OUR_CLIENT_ID.test(clientOrderId);
}

const isZero = (qty: string) => parseDecimal(qty)?.isZero() ?? true;
const canonical = (value: string) => parseDecimal(value)?.toFixed() ?? value;

/** One account's stream, owned by this process while it holds the account's stream lease. */
export type MirrorSession = {
  account: AccountRow;
  exchange: Exchange & StreamingVenue;
  stream: AccountStream;
  /** Events and re-syncs run one at a time, in arrival order. */
  chain: Promise<void>;
  /** Set while the stream is down (ms), for `stream.up`'s downMs. */
  downSince: number | undefined;
  connectedOnce: boolean;
  closing: boolean;
  problems: Set<string>;
  protectionTimer: NodeJS.Timeout | undefined;
  /** The latest venue event time seen, and the pending write of it. */
  lastSeen: number;
  seenTimer: NodeJS.Timeout | undefined;
  /** A warm-state re-read waiting (a snapshot overlapped stream events), and the wait before the next one. */
  warmRetry: NodeJS.Timeout | undefined;
  warmRetryMs: number;
  reconcile: ReconcileState;
  unsubscribe: Array<() => void>;
};

/**
 * The account mirror: one private venue stream per active account (`StreamingVenue`), run by the
 * process holding the account's stream lease (`account_stream_state.holder`, renewed every sweep,
 * taken over by another process once it expires). Every event is written idempotently: fills once
 * per venue trade id (`fill.received` once per new row), funding once per ledger entry, positions
 * as they are now (`position.changed`), order states by their venue update time; the wallet
 * balance goes into its UTC day's row (`balance-history.ts`), where transfers add up (the one
 * write that is not idempotent). On every (re)connect the mirror re-syncs from REST (fills and
 * funding since the last event seen, minus a margin; positions; open orders; the balance) before
 * it trusts the stream, then reconciles (`reconcile.ts`: drift, lost stop-losses and the account's
 * protection policy).
 */
export class AccountMirror {
  readonly holder = `mirror-${randomUUID()}`;
  readonly #sessions = new Map<string, MirrorSession>();
  readonly #starting = new Map<string, Promise<void>>();
  /** Accounts whose venue does not stream: not asked again until the process restarts. */
  readonly #notStreaming = new Set<string>();
  /** Accounts whose stream could not start (credentials undecryptable, venue refused): tried again after a backoff, logged once per cause. */
  readonly #failed = new Map<string, { until: number; attempts: number; code: string }>();
  readonly #leaseMs: number;
  #sweeper: NodeJS.Timeout | undefined;
  #reconciler: NodeJS.Timeout | undefined;
  #stopped = false;
  #sweeping: Promise<void> | undefined;
  #refreshedAt = Date.now();
  #slots: number;
  readonly #waiting: Array<() => void> = [];

  constructor(private readonly options: AccountMirrorOptions) {
    this.#leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.#slots = options.startConcurrency ?? 8;
  }

  /** Accounts whose stream this process runs now. */
  get accountIds(): string[] {
    return [...this.#sessions.keys()];
  }

  session(accountId: string): MirrorSession | undefined {
    return this.#sessions.get(accountId);
  }

  start(): void {
    if (this.#sweeper) return;
    this.#stopped = false;
    void this.sweep();
    this.#sweeper = setInterval(() => void this.sweep(), this.options.sweepIntervalMs ?? this.#leaseMs / 3);
    this.#sweeper.unref();
    const every = this.options.reconcileIntervalMs ?? 30_000;
    this.#reconciler = setInterval(() => this.reconcileAll('schedule'), every);
    this.#reconciler.unref();
  }

  /** Closes every stream and lets go of their leases (another process takes them over at once). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#sweeper) clearInterval(this.#sweeper);
    if (this.#reconciler) clearInterval(this.#reconciler);
    this.#sweeper = this.#reconciler = undefined;
    await this.#sweeping;
    await Promise.allSettled([...this.#starting.values()]);
    await Promise.allSettled([...this.#sessions.keys()].map((id) => this.#end(id, true)));
  }

  /**
   * Stops as a crash would: streams closed, leases NOT let go and no longer renewed, so other
   * processes take the accounts over only once the leases expire (tests of the hand-over).
   */
  async halt(): Promise<void> {
    this.#stopped = true;
    if (this.#sweeper) clearInterval(this.#sweeper);
    if (this.#reconciler) clearInterval(this.#reconciler);
    this.#sweeper = this.#reconciler = undefined;
    await this.#sweeping;
    await Promise.allSettled([...this.#starting.values()]);
    await Promise.allSettled([...this.#sessions.keys()].map((id) => this.#end(id, false)));
  }

  /** Waits until every queued event and re-sync of every stream has been written (tests, benchmarks). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.#starting.values()]);
    for (const session of this.#sessions.values()) await session.chain;
  }

  /** Renews this process's leases, ends streams it lost, and starts streams for accounts nobody runs. */
  sweep(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    this.#sweeping ??= this.#sweep()
      .catch((error: unknown) => this.options.log?.error({ err: error }, 'account mirror: sweep failed'))
      .finally(() => (this.#sweeping = undefined));
    return this.#sweeping;
  }

  /**
   * Queues a reconciliation of the streams this process runs. The schedule looks only at accounts
   * with an open position in the mirror (nothing else can lose a stop, and a position opened
   * meanwhile arrives by the stream or the next re-sync); `manual` looks at all.
   */
  reconcileAll(reason: 'schedule' | 'manual' = 'manual'): void {
    void (async () => {
      let open: Set<string> | undefined;
      if (reason === 'schedule') {
        const rows = await this.options.database.query<{ account_id: string }>(
          `SELECT DISTINCT account_id FROM positions WHERE qty <> '0'`,
        );
        open = new Set(rows.map((r) => r.account_id));
      }
      for (const session of this.#sessions.values()) {
        if (open && !open.has(session.account.id)) continue;
        void this.#enqueue(session, () => this.#reconcile(session, reason));
      }
    })().catch((error: unknown) =>
      this.options.log?.error({ err: error }, 'account mirror: scheduling reconciliation failed'),
    );
  }

  /** Reconciles one account now (tests). */
  async reconcile(accountId: string): Promise<void> {
    const session = this.#sessions.get(accountId);
    if (session) await this.#enqueue(session, () => this.#reconcile(session, 'manual'));
  }

  async #sweep(): Promise<void> {
    const { database } = this.options;
    const held = await database.query<{ account_id: string }>(
      `UPDATE account_stream_state SET expires_at = now() + $2 * interval '1 millisecond', updated_at = now()
        WHERE holder = $1 RETURNING account_id`,
      [this.holder, this.#leaseMs],
    );
    const stillHeld = new Set(held.map((r) => r.account_id));
    for (const id of [...this.#sessions.keys()]) {
      if (!stillHeld.has(id)) {
        this.options.log?.warn({ accountId: id }, 'account mirror: lost a stream lease; closing the stream');
        await this.#end(id, false);
      }
    }
    const candidates = await database.query<{ id: string; is_active: boolean }>(
      `SELECT a.id, a.is_active FROM api_keys a
         LEFT JOIN account_stream_state s ON s.account_id = a.id
        WHERE (a.is_active AND (s.holder IS NULL OR s.expires_at IS NULL OR s.expires_at < now() OR s.holder = $1))
           OR s.holder = $1`,
      [this.holder],
    );
    const wanted = new Set(candidates.filter((c) => c.is_active).map((c) => c.id));
    // Deactivated or deleted accounts: their streams end.
    for (const id of [...this.#sessions.keys()]) if (!wanted.has(id)) await this.#end(id, true);
    // Venue clients the factory rebuilt (a paper venue evicted and restored, credentials changed): once a
    // minute, not every sweep (each look decrypts the account's credentials).
    if (Date.now() - this.#refreshedAt >= 60_000) {
      this.#refreshedAt = Date.now();
      for (const session of [...this.#sessions.values()]) await this.#refreshClient(session);
    }
    for (const id of wanted) {
      if (this.#stopped) return;
      if (this.#sessions.has(id) || this.#starting.has(id) || this.#notStreaming.has(id)) continue;
      if ((this.#failed.get(id)?.until ?? 0) > Date.now()) continue;
      const starting = this.#withSlot(() => this.#open(id))
        .then(() => void this.#failed.delete(id))
        .catch(async (error: unknown) => {
          await this.#release(id).catch(() => undefined);
          const code = (error as { code?: string }).code ?? 'error';
          const previous = this.#failed.get(id);
          const attempts = (previous?.attempts ?? 0) + 1;
          this.#failed.set(id, {
            until: Date.now() + Math.min(300_000, 5_000 * 2 ** (attempts - 1)),
            attempts,
            code,
          });
          if (previous?.code !== code) {
            this.options.log?.error(
              { err: error, accountId: id },
              'account mirror: starting a stream failed',
            );
          }
        })
        .finally(() => this.#starting.delete(id));
      this.#starting.set(id, starting);
    }
  }

  /** A bounded number of streams connect and re-sync at once. */
  async #withSlot<T>(task: () => Promise<T>): Promise<T> {
    if (this.#slots === 0) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#slots--;
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#slots++;
    }
  }

  async #acquire(accountId: string): Promise<boolean> {
    const rows = await this.options.database.query(
      `INSERT INTO account_stream_state (account_id, holder, expires_at, status, status_since)
            VALUES ($1, $2, now() + $3 * interval '1 millisecond', 'connecting', now())
       ON CONFLICT (account_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at, updated_at = now()
            WHERE account_stream_state.holder IS NULL OR account_stream_state.expires_at IS NULL
               OR account_stream_state.expires_at < now() OR account_stream_state.holder = excluded.holder
       RETURNING account_id`,
      [accountId, this.holder, this.#leaseMs],
    );
    return rows.length === 1;
  }

  async #release(accountId: string): Promise<void> {
    await this.options.database.query(
      `UPDATE account_stream_state SET holder = NULL, expires_at = NULL, updated_at = now()
        WHERE account_id = $1 AND holder = $2`,
      [accountId, this.holder],
    );
  }

  #client(account: AccountRow): Exchange {
    const credentials = decryptCredentials(this.options.keyRing, account.id, account);
    return this.options.connectExchange(account, credentials);
  }

  async #open(accountId: string): Promise<void> {
    if (this.#stopped || !(await this.#acquire(accountId))) return;
    const [account] = await this.options.database.db
      .select()
      .from(accounts)
      .where(eq(accounts.id, accountId));
    if (!account?.isActive) {
      await this.#release(accountId);
      return;
    }
    const exchange = this.#client(account);
    if (!isStreamingVenue(exchange)) {
      this.#notStreaming.add(accountId);
      await this.#release(accountId);
      return;
    }
    const session = this.#newSession(account, exchange);
    this.#sessions.set(accountId, session);
    try {
      await session.stream.start();
    } catch (error) {
      // The stream keeps reconnecting by itself; a failed first connect is a `down` status.
      this.options.log?.warn({ err: error, accountId }, 'account mirror: the stream did not connect yet');
    }
    if (this.#stopped) await this.#end(accountId, true);
    else await session.chain;
  }

  #newSession(account: AccountRow, exchange: Exchange & StreamingVenue): MirrorSession {
    const log = this.options.log;
    const problems = new Set<string>();
    const stream = exchange.accountStream({
      ...(this.options.reconnectMinMs !== undefined ? { reconnectMinMs: this.options.reconnectMinMs } : {}),
      ...(this.options.reconnectMaxMs !== undefined ? { reconnectMaxMs: this.options.reconnectMaxMs } : {}),
      onProblem: (problem) => {
        // Logged once per distinct problem: a venue repeating a bad frame does not flood the log.
        if (problems.has(problem.code)) return;
        problems.add(problem.code);
        log?.warn(
          { accountId: account.id, problem },
          'account mirror: the venue stream sent something unusable',
        );
      },
    });
    const session: MirrorSession = {
      account,
      exchange,
      stream,
      chain: Promise.resolve(),
      downSince: undefined,
      connectedOnce: false,
      closing: false,
      problems,
      protectionTimer: undefined,
      lastSeen: 0,
      seenTimer: undefined,
      warmRetry: undefined,
      warmRetryMs: WARM_RETRY_MIN_MS,
      reconcile: { handledAt: new Map() },
      unsubscribe: [],
    };
    session.unsubscribe.push(
      stream.onEvent((event) => void this.#enqueue(session, () => this.#handle(session, event))),
      stream.onStatus((status) => this.#status(session, status)),
    );
    // The warm state hears each event as it arrives, before the mirror's database writes.
    if (this.options.warm) session.unsubscribe.push(this.options.warm.attach(account.id, exchange, stream));
    return session;
  }

  /** A paper venue rebuilt by the factory (evicted, credentials changed): the stream follows the new client. */
  async #refreshClient(session: MirrorSession): Promise<void> {
    let exchange: Exchange;
    try {
      exchange = this.#client(session.account);
    } catch {
      return;
    }
    if (exchange === session.exchange) return;
    const { id } = session.account;
    await this.#end(id, false, false);
    if (!isStreamingVenue(exchange)) return;
    const next = this.#newSession(session.account, exchange);
    this.#sessions.set(id, next);
    await next.stream.start().catch(() => undefined);
  }

  async #end(accountId: string, release: boolean, remove = true): Promise<void> {
    const session = this.#sessions.get(accountId);
    if (!session) return;
    session.closing = true;
    if (remove) this.#sessions.delete(accountId);
    if (session.protectionTimer) clearTimeout(session.protectionTimer);
    await session.stream.close().catch(() => undefined);
    for (const off of session.unsubscribe) off();
    await session.chain;
    if (session.seenTimer) clearTimeout(session.seenTimer);
    if (session.warmRetry) clearTimeout(session.warmRetry);
    if (session.lastSeen > 0) await this.#seen(accountId, session.lastSeen).catch(() => undefined);
    if (release) await this.#release(accountId).catch(() => undefined);
  }

  #enqueue(session: MirrorSession, task: () => Promise<void>): Promise<void> {
    const run = session.chain.then(task).catch((error: unknown) => {
      const code = (error as { code?: string }).code ?? 'error';
      const key = `task:${code}`;
      if (!session.problems.has(key)) {
        session.problems.add(key);
        this.options.log?.error(
          { err: error, accountId: session.account.id },
          'account mirror: an event could not be recorded',
        );
      }
    });
    session.chain = run;
    return run;
  }

  #status(session: MirrorSession, status: StreamStatus): void {
    if (session.closing) return;
    const { account } = session;
    if (status.state === 'down') {
      if (session.downSince !== undefined) return;
      session.downSince = status.time;
      void this.#writeStatus(account.id, 'down', status.reason);
      this.options.events.emit('stream.down', {
        accountId: account.id,
        userId: account.userId,
        exchange: account.exchange,
        reason: status.reason,
        at: status.time,
      });
      return;
    }
    if (status.state !== 'up') return;
    const downMs =
      session.downSince === undefined || !session.connectedOnce ? 0 : status.time - session.downSince;
    void this.#enqueue(session, async () => {
      // Events may have been missed: REST first, then the stream is trusted again.
      await this.#resync(session);
      session.connectedOnce = true;
      session.downSince = undefined;
      await this.#writeStatus(account.id, 'up', null);
      this.options.events.emit('stream.up', {
        accountId: account.id,
        userId: account.userId,
        exchange: account.exchange,
        downMs: Math.max(0, downMs),
        at: Date.now(),
      });
      await this.#reconcile(session, 'connect');
    });
  }

  async #writeStatus(accountId: string, status: 'up' | 'down', reason: string | null): Promise<void> {
    await this.options.database
      .query(
        `UPDATE account_stream_state SET status = $2, status_reason = $3, status_since = now(), updated_at = now()
          WHERE account_id = $1`,
        [accountId, status, reason],
      )
      .catch(() => undefined);
  }

  async #handle(session: MirrorSession, event: AccountEvent): Promise<void> {
    switch (event.kind) {
      case 'fill':
        await this.recordFill(session, event.fill);
        break;
      case 'order':
        await this.#recordOrder(session, event.order, event.updateTime);
        break;
      case 'positions':
        for (const position of event.positions) await this.recordPosition(session, position, event.time);
        this.#scheduleProtectionCheck(session);
        break;
      case 'funding':
        await this.#recordFunding(session, event.payment);
        break;
      case 'margin_call':
        await audit(this.options.database, {
          userId: session.account.userId,
          accountId: session.account.id,
          action: 'mirror.margin_call',
          details: { venueSymbol: event.venueSymbol ?? null, detail: event.detail },
        });
        break;
      case 'balances': {
        // The wallet balance of the day (balance_days): one upsert per event, for returns in percent.
        const observation = observeBalance(event.balances, event.time, event.reason);
        if (observation) await recordBalance(this.options.database, session.account.id, observation);
        break;
      }
      default:
        // An event kind this version does not know: recorded nowhere, never fatal.
        break;
    }
    this.#noteSeen(session, event.time);
  }

  /**
   * The last event time seen, written at most once a second (a write per event would double the
   * mirror's database work on a busy account); a crash loses at most that second, which the
   * re-sync margin covers.
   */
  #noteSeen(session: MirrorSession, time: number): void {
    if (!Number.isFinite(time) || time <= 0) return;
    session.lastSeen = Math.max(session.lastSeen, time);
    if (session.seenTimer) return;
    session.seenTimer = setTimeout(() => {
      session.seenTimer = undefined;
      void this.#seen(session.account.id, session.lastSeen).catch(() => undefined);
    }, 1_000);
    session.seenTimer.unref();
  }

  async #seen(accountId: string, time: number): Promise<void> {
    if (!Number.isFinite(time) || time <= 0) return;
    await this.options.database.query(
      `UPDATE account_stream_state SET last_event_at = GREATEST(COALESCE(last_event_at, to_timestamp(0)), to_timestamp($2 / 1000.0))
        WHERE account_id = $1`,
      [accountId, time],
    );
  }

  /** REST reads that fill the gap: fills and funding since the last event seen (minus a margin), positions, open orders. */
  async #resync(session: MirrorSession): Promise<void> {
    const { account, exchange } = session;
    const [state] = await this.options.database.query<{ last_event_at: Date | string | null }>(
      `SELECT last_event_at FROM account_stream_state WHERE account_id = $1`,
      [account.id],
    );
    const lastSeen = state?.last_event_at
      ? new Date(state.last_event_at).getTime()
      : account.createdAt.getTime();
    const since = Math.max(0, lastSeen - (this.options.resyncMarginMs ?? DEFAULT_RESYNC_MARGIN_MS));
    let latest = 0;
    for (const fill of await exchange.fillsSince({ since })) {
      await this.recordFill(session, fill);
      latest = Math.max(latest, fill.time);
    }
    for (const payment of await exchange.fundingSince({ since })) {
      await this.#recordFunding(session, payment);
      latest = Math.max(latest, payment.time);
    }
    const now = Date.now();
    const started = this.options.warm?.syncStarted(account.id);
    const positions = await exchange.positions();
    await this.syncPositions(session, positions, now);
    const openOrders = await exchange.openOrders();
    await this.#syncOpenOrders(session, openOrders);
    await this.#syncBalance(session, now);
    this.#handToWarm(session, { positions, openOrders }, started);
    if (latest > 0) await this.#seen(account.id, latest);
  }

  /**
   * The wallet balance as the venue's REST answers it now (balance_days), so an account has its first
   * balance point as soon as its stream starts. A failed read only costs that point: the re-sync's
   * fills and positions matter more than a balance the next event brings anyway.
   */
  async #syncBalance(session: MirrorSession, now: number): Promise<void> {
    const { account, exchange } = session;
    let balance;
    try {
      balance = await exchange.balance(QUOTE_ASSET);
    } catch (error) {
      this.options.log?.warn(
        { err: error, accountId: account.id },
        'account mirror: the balance was not read',
      );
      return;
    }
    const observation = observeBalance([balance], now);
    if (observation) await recordBalance(this.options.database, account.id, observation);
  }

  /** The snapshot to the warm state; one the stream overlapped is taken again soon (positions and orders only). */
  #handToWarm(
    session: MirrorSession,
    snapshot: { positions: Position[]; openOrders: Order[] },
    started: number | undefined,
  ): void {
    const { warm } = this.options;
    if (warm === undefined || session.closing || session.stream.status.state !== 'up') return;
    if (warm.synced(session.account.id, snapshot, started)) {
      session.warmRetryMs = WARM_RETRY_MIN_MS;
      return;
    }
    if (session.warmRetry !== undefined) return;
    const delayMs = session.warmRetryMs;
    session.warmRetryMs = Math.min(delayMs * 2, WARM_RETRY_MAX_MS);
    session.warmRetry = setTimeout(() => {
      session.warmRetry = undefined;
      void this.#enqueue(session, async () => {
        if (session.closing || session.stream.status.state !== 'up') return;
        const again = warm.syncStarted(session.account.id);
        const [positions, openOrders] = await Promise.all([
          session.exchange.positions(),
          session.exchange.openOrders(),
        ]);
        this.#handToWarm(session, { positions, openOrders }, again);
      });
    }, delayMs);
    session.warmRetry.unref();
  }

  /** Positions as the venue holds them now: rows it no longer lists are closed. */
  async syncPositions(session: MirrorSession, venue: Position[], time: number): Promise<void> {
    const listed = new Set<string>();
    for (const position of venue) {
      listed.add(`${position.venueSymbol}|${position.side}`);
      await this.recordPosition(session, position, time);
    }
    const rows = await this.options.database.db
      .select()
      .from(positions)
      .where(eq(positions.accountId, session.account.id));
    for (const row of rows) {
      if (listed.has(`${row.symbol}|${row.side}`) || isZero(row.qty)) continue;
      await this.recordPosition(
        session,
        {
          venueSymbol: row.symbol,
          side: row.side,
          qty: '0',
          entryPrice: '0',
          markPrice: row.markPrice,
          unrealizedPnl: '0',
          leverage: row.leverage,
          marginMode: 'cross',
        },
        time,
      );
    }
  }

  /** Orders of ours the venue still lists are open; ours it no longer lists while we think them open have ended. */
  async #syncOpenOrders(session: MirrorSession, open: Order[]): Promise<void> {
    const { account } = session;
    const openIds = new Set(open.map((o) => o.venueOrderId));
    const openClientIds = new Set(open.map((o) => o.clientOrderId));
    for (const order of open) await this.#recordOrder(session, order, undefined);
    const ours = await this.options.database.db
      .select()
      .from(orders)
      .where(and(eq(orders.accountId, account.id), sql`${orders.status} IN ('new', 'partially_filled')`));
    for (const row of ours) {
      if ((row.venueOrderId && openIds.has(row.venueOrderId)) || openClientIds.has(row.clientOrderId))
        continue;
      const [filled] = await this.options.database.db
        .select({ id: fills.id })
        .from(fills)
        .where(
          and(
            eq(fills.accountId, account.id),
            or(
              eq(fills.clientOrderId, row.clientOrderId),
              row.venueOrderId ? eq(fills.venueOrderId, row.venueOrderId) : undefined,
            ),
          ),
        )
        .limit(1);
      const status = filled ? 'filled' : 'canceled';
      await this.options.database.db
        .update(orders)
        .set({ status, venueUpdatedAt: new Date() })
        .where(eq(orders.id, row.id));
      await audit(this.options.database, {
        userId: account.userId,
        accountId: account.id,
        signalId: row.signalId,
        action: 'mirror.order_ended_unseen',
        details: { clientOrderId: row.clientOrderId, role: row.role, status },
      });
    }
  }

  /** Why a fill happened, and whose signal it was. */
  async classify(
    session: MirrorSession,
    fill: VenueFill,
  ): Promise<{ reason: FillReason; signalId: string | null }> {
    if (fill.cause === 'liquidation') return { reason: 'liquidation', signalId: null };
    if (fill.cause === 'adl') return { reason: 'adl', signalId: null };
    const { account } = session;
    const [row] = await this.options.database.db
      .select({ role: orders.role, signalId: orders.signalId })
      .from(orders)
      .where(
        and(
          eq(orders.accountId, account.id),
          fill.clientOrderId
            ? or(eq(orders.clientOrderId, fill.clientOrderId), eq(orders.venueOrderId, fill.venueOrderId))
            : eq(orders.venueOrderId, fill.venueOrderId),
        ),
      )
      .limit(1);
    const triggered = fill.cause === 'trigger' ? fill.trigger : undefined;
    if (row) {
      return { reason: triggered ?? roleReason(row.role), signalId: row.signalId };
    }
    if (isOurClientOrderId(fill.clientOrderId)) {
      // Ours, its row not written yet (the stream can be faster than the executor's record).
      const suffix = fill.clientOrderId.slice(26);
      if (triggered) return { reason: triggered, signalId: null };
      if (suffix === 'sl') return { reason: 'stop_loss', signalId: null };
      if (suffix === 'tp') return { reason: 'take_profit', signalId: null };
      return { reason: 'signal', signalId: null };
    }
    // Not ours by its id: by hand on a position we opened (manual), or on one we did not (external).
    const [position] = await this.options.database.db
      .select()
      .from(positions)
      .where(and(eq(positions.accountId, account.id), eq(positions.symbol, fill.venueSymbol)));
    // Open now, or closed by this very fill (a venue may push the position before the execution).
    const ourPosition =
      position !== undefined &&
      !position.external &&
      (!isZero(position.qty) || position.venueTime.getTime() >= fill.time - 10_000);
    if (ourPosition && fill.cause === 'trigger') {
      // A venue that names the triggered child order afresh (OKX: an empty clOrdId, the algo's id
      // elsewhere) still says it was a trigger: on our position, it is our stop or take-profit.
      const reason = triggered ?? 'stop_loss';
      const [protective] = await this.options.database.db
        .select({ signalId: orders.signalId })
        .from(orders)
        .where(
          and(
            eq(orders.accountId, account.id),
            eq(orders.symbol, fill.venueSymbol),
            inArray(
              orders.role,
              reason === 'take_profit' ? ['tp', 'tp1', 'tp2'] : reason === 'trailing' ? ['trail'] : ['sl'],
            ),
          ),
        )
        .orderBy(desc(orders.createdAt))
        .limit(1);
      return { reason, signalId: protective?.signalId ?? null };
    }
    return { reason: ourPosition ? 'manual' : 'external', signalId: null };
  }

  /** Writes a fill once per venue trade id; `fill.received` for a new row only. Returns whether it was new. */
  async recordFill(session: MirrorSession, fill: VenueFill): Promise<boolean> {
    const { account } = session;
    let { reason, signalId } = await this.classify(session, fill);
    const inserted = await this.options.database.db
      .insert(fills)
      .values({
        accountId: account.id,
        venueTradeId: fill.venueTradeId,
        venueOrderId: fill.venueOrderId,
        clientOrderId: fill.clientOrderId,
        signalId,
        symbol: fill.venueSymbol,
        side: fill.side,
        positionSide: fill.positionSide,
        qty: canonical(fill.qty),
        price: canonical(fill.price),
        fee: canonical(fill.fee),
        feeAsset: fill.feeAsset,
        realizedPnl: canonical(fill.realizedPnl),
        liquidity: fill.liquidity,
        reason,
        venueTime: new Date(fill.time),
      })
      .onConflictDoNothing({ target: [fills.accountId, fills.venueTradeId] })
      .returning({ id: fills.id });
    if (inserted.length === 0) return false;
    if (signalId === null && fill.clientOrderId && reason !== 'liquidation' && reason !== 'adl') {
      // The executor may have written the order row between the look-up above and this insert, and
      // looked for this fill before it was here (`attachEarlyFills`): whichever writes second links.
      const [row] = await this.options.database.db
        .select({ role: orders.role, signalId: orders.signalId })
        .from(orders)
        .where(and(eq(orders.accountId, account.id), eq(orders.clientOrderId, fill.clientOrderId)))
        .limit(1);
      if (row) {
        if (reason === 'external' || reason === 'manual') reason = roleReason(row.role);
        signalId = row.signalId;
        await this.options.database.db
          .update(fills)
          .set({ signalId, reason })
          .where(and(eq(fills.id, inserted[0]!.id), isNull(fills.signalId)));
      }
    }
    this.options.events.emit('fill.received', {
      accountId: account.id,
      userId: account.userId,
      exchange: account.exchange,
      venueSymbol: fill.venueSymbol,
      venueTradeId: fill.venueTradeId,
      venueOrderId: fill.venueOrderId,
      clientOrderId: fill.clientOrderId,
      side: fill.side,
      positionSide: fill.positionSide,
      qty: canonical(fill.qty),
      price: canonical(fill.price),
      fee: canonical(fill.fee),
      feeAsset: fill.feeAsset,
      realizedPnl: canonical(fill.realizedPnl),
      reason,
      signalId,
      at: fill.time,
    });
    return true;
  }

  /**
   * Funding once per ledger entry. Binance's stream names a payment `stream:<E>:…` (its event has no
   * ledger id) and REST by `tranId`: the REST row replaces a stream row of the same symbol, asset and
   * amount within a minute, and a stream row is not written when its REST row is already there.
   */
  async #recordFunding(session: MirrorSession, payment: FundingPayment): Promise<void> {
    const { database } = this.options;
    const accountId = session.account.id;
    const amount = canonical(payment.amount);
    const fromStream = payment.venueEntryId.startsWith('stream:');
    const twin = await database.query<{ id: string }>(
      `SELECT id FROM funding_payments
        WHERE account_id = $1 AND symbol = $2 AND asset = $3 AND amount = $4
          AND abs(extract(epoch FROM venue_time) * 1000 - $5) <= 60000
          AND (venue_entry_id LIKE 'stream:%') = $6`,
      [accountId, payment.venueSymbol, payment.asset, amount, payment.time, !fromStream],
    );
    if (twin.length > 0) {
      if (fromStream) return;
      await database.query(`DELETE FROM funding_payments WHERE id = ANY($1::bigint[])`, [
        twin.map((t) => t.id),
      ]);
    }
    await database.db
      .insert(fundingPayments)
      .values({
        accountId,
        venueEntryId: payment.venueEntryId,
        symbol: payment.venueSymbol,
        amount,
        asset: payment.asset,
        venueTime: new Date(payment.time),
      })
      .onConflictDoNothing({ target: [fundingPayments.accountId, fundingPayments.venueEntryId] });
  }

  /** An order's state, never older than what is stored (venue update time). Our orders only: the venue's others are not ours to list. */
  async #recordOrder(session: MirrorSession, order: Order, updateTime: number | undefined): Promise<void> {
    const { account } = session;
    const at = updateTime !== undefined && Number.isFinite(updateTime) ? new Date(updateTime) : new Date();
    const match = order.clientOrderId
      ? or(eq(orders.clientOrderId, order.clientOrderId), eq(orders.venueOrderId, order.venueOrderId))
      : eq(orders.venueOrderId, order.venueOrderId);
    const changed = await this.options.database.db
      .update(orders)
      .set({
        status: order.status,
        venueUpdatedAt: at,
        ...(order.venueOrderId ? { venueOrderId: order.venueOrderId } : {}),
      })
      .where(
        and(
          eq(orders.accountId, account.id),
          match,
          sql`(${orders.venueUpdatedAt} IS NULL OR ${orders.venueUpdatedAt} <= ${at.toISOString()}::timestamptz)`,
          sql`${orders.status} IS DISTINCT FROM ${order.status}`,
        ),
      )
      .returning({ id: orders.id });
    const ended = order.status === 'canceled' || order.status === 'rejected' || order.status === 'expired';
    if (ended && (order.type === 'stop_market' || order.isAlgo)) this.#scheduleProtectionCheck(session);
    void changed;
  }

  /** Whether this server opened the position just seen: a signal of the account is executing, or one of our fills is recent. */
  async #openedByUs(accountId: string, venueSymbol: string, time: number): Promise<boolean> {
    const rows = await this.options.database.query<{ ours: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM account_leases WHERE account_id = $1 AND expires_at > now())
           OR EXISTS (SELECT 1 FROM fills WHERE account_id = $1 AND symbol = $2
                        AND client_order_id ~ '^tb[0-9A-Za-z]{24}' AND venue_time >= to_timestamp($3 / 1000.0) - interval '2 minutes')
           OR EXISTS (SELECT 1 FROM orders WHERE account_id = $1 AND symbol = $2 AND role = 'entry'
                        AND created_at >= now() - interval '2 minutes') AS ours`,
      [accountId, venueSymbol, time],
    );
    return rows[0]?.ours === true;
  }

  /** The position as the venue holds it now; `position.changed` when its size or entry moved. */
  async recordPosition(session: MirrorSession, position: Position, time: number): Promise<void> {
    const { account } = session;
    const { database } = this.options;
    const qty = canonical(position.qty);
    const entryPrice = canonical(position.entryPrice);
    const [current] = await database.db
      .select()
      .from(positions)
      .where(
        and(
          eq(positions.accountId, account.id),
          eq(positions.symbol, position.venueSymbol),
          eq(positions.side, position.side),
        ),
      );
    if (current && current.venueTime.getTime() > time) return; // an older picture
    const opening = !isZero(qty) && (current === undefined || isZero(current.qty));
    let external = current?.external ?? false;
    // Kept when it closes: a late fill of the closing still knows whose position it was.
    if (opening) external = !(await this.#openedByUs(account.id, position.venueSymbol, time));
    const values = {
      qty,
      entryPrice,
      markPrice: canonical(position.markPrice),
      unrealizedPnl: canonical(position.unrealizedPnl),
      leverage: Math.max(1, Math.round(position.leverage || 1)),
      external,
      openedAt: opening ? new Date(time) : isZero(qty) ? null : (current?.openedAt ?? new Date(time)),
      venueTime: new Date(time),
      updatedAt: new Date(),
    };
    await database.db
      .insert(positions)
      .values({ accountId: account.id, symbol: position.venueSymbol, side: position.side, ...values })
      .onConflictDoUpdate({ target: [positions.accountId, positions.symbol, positions.side], set: values });
    const moved =
      current === undefined ? !isZero(qty) : current.qty !== qty || current.entryPrice !== entryPrice;
    if (!moved) return;
    this.options.events.emit('position.changed', {
      accountId: account.id,
      userId: account.userId,
      exchange: account.exchange,
      venueSymbol: position.venueSymbol,
      side: position.side,
      qty,
      entryPrice,
      external,
      at: time,
    });
  }

  /** Looks at the account's stops shortly (debounced): a stop cancelled or a position changed. */
  #scheduleProtectionCheck(session: MirrorSession): void {
    if (session.closing || session.protectionTimer) return;
    session.protectionTimer = setTimeout(() => {
      session.protectionTimer = undefined;
      if (session.closing) return;
      void this.#enqueue(session, () => this.#reconcile(session, 'event'));
    }, this.options.protectionCheckDelayMs ?? 1_000);
    session.protectionTimer.unref();
  }

  async #reconcile(
    session: MirrorSession,
    reason: 'connect' | 'schedule' | 'event' | 'manual',
  ): Promise<void> {
    if (session.closing) return;
    const outcome = await reconcileAccount(
      {
        database: this.options.database,
        events: this.options.events,
        recordPosition: (position, time) => this.recordPosition(session, position, time),
        syncPositions: (venue, time) => this.syncPositions(session, venue, time),
      },
      session,
      reason,
    );
    // A signal was executing: its stops may be on their way; look again shortly.
    if (outcome === 'busy') this.#scheduleProtectionCheck(session);
  }
}

/** Realized PnL of fills (decimal), for the summaries. */
export function sumDecimal(values: Iterable<string>): InstanceType<typeof ExchangeDecimal> {
  let total = new ExchangeDecimal(0);
  for (const value of values) {
    const parsed = parseDecimal(value);
    if (parsed !== undefined) total = total.plus(parsed);
  }
  return total;
}

/** The mirror's positions of an account, open ones only. */
export async function openPositions(database: Database, accountId: string): Promise<PositionRow[]> {
  const rows = await database.db
    .select()
    .from(positions)
    .where(eq(positions.accountId, accountId))
    .orderBy(desc(positions.updatedAt));
  return rows.filter((r) => !isZero(r.qty));
}
