import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { isAppError } from '@tradingbot/core';
import { accounts, bots, type AccountRow, type BotRow, type Database } from '@tradingbot/db';
import {
  isStreamingVenue,
  venueTimeframeMs,
  type Exchange,
  type MarketEvent,
  type MarketStream,
  type StreamingVenue,
} from '@tradingbot/exchange';
import { decryptCredentials, type KeyRing } from '../../crypto/credentials.ts';
import type { ConnectExchange } from '../../exchange-factory.ts';
import { BotSession, sharedKlineReads, type BotSessionDeps, type BotSignalQueue } from './bot-session.ts';

export type BotRunnerOptions = {
  database: Database;
  keyRing: KeyRing;
  connectExchange: ConnectExchange;
  /** The signal worker that executes the bots' signals, like every alert's. */
  queue: BotSignalQueue;
  /** Lease of an account's bots (ms); another process takes them over this long after its holder died. */
  leaseMs?: number;
  /** How often leases are renewed and bots to run are looked for (default a third of the lease). */
  sweepIntervalMs?: number;
  /** Default of a bot's max signal age (ms). */
  maxSignalAgeMs: number;
  /** The market's clock (ms; tests replaying old candles set it). Default Date.now. */
  now?: () => number;
  /** How long a bar waits for the bot's previous signal before reading the venue's position (default 10 s). */
  settleMs?: number;
  /** Market stream reconnect backoff (tests: short). */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Run only these bots (`tradingbot bot run`); default every bot asked to run. */
  botIds?: readonly string[];
  onBar?: BotSessionDeps['onBar'];
  log?: {
    info?(obj: object, msg: string): void;
    warn(obj: object, msg: string): void;
    error(obj: object, msg: string): void;
  };
};

const DEFAULT_LEASE_MS = 15_000;

/** One account's bots in this process: its venue client, its public market stream and a session per bot. */
type AccountRun = {
  account: AccountRow;
  exchange: Exchange & StreamingVenue;
  /** The account's history reads, shared by its bots (`sharedKlineReads`). */
  klines: NonNullable<BotSessionDeps['klines']>;
  stream: MarketStream;
  sessions: Map<string, BotSession>;
  /** Kline subscriptions by `symbol timeframe`, with how many sessions read each. */
  subscriptions: Map<string, number>;
  /** The stream went down since it was last up: the bars closed meanwhile are read from REST. */
  gap: boolean;
};

/**
 * Runs the bots asked to run (`bots.desired_state = 'running'`), each account's bots in the one
 * process holding the account's bot lease (`bot_leases`, renewed every sweep, taken over by another
 * process once it expires; let go on a clean stop). Per account one public market stream carries
 * the closed klines of its bots' symbols and timeframes to their sessions (`bot-session.ts`); after
 * a gap in the stream every session reads the bars it missed from REST.
 */
export class BotRunner {
  readonly holder = `bots-${randomUUID()}`;
  readonly #runs = new Map<string, AccountRun>();
  readonly #leaseMs: number;
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(private readonly options: BotRunnerOptions) {
    this.#leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  }

  /** Accounts whose bots run here now. */
  get accountIds(): string[] {
    return [...this.#runs.keys()];
  }

  /** The session of a bot running here (tests, the CLI's status line). */
  session(botId: string): BotSession | undefined {
    for (const run of this.#runs.values()) {
      const session = run.sessions.get(botId);
      if (session) return session;
    }
    return undefined;
  }

  start(): void {
    if (this.#timer) return;
    this.#stopped = false;
    void this.sweep();
    this.#timer = setInterval(() => void this.sweep(), this.options.sweepIntervalMs ?? this.#leaseMs / 3);
    this.#timer.unref();
  }

  /** Stops every bot here and lets go of the leases: another process takes them over at once. */
  async stop(): Promise<void> {
    await this.#halt(true);
  }

  /** Stops as a crash would: leases kept and no longer renewed (tests of the hand-over). */
  async halt(): Promise<void> {
    await this.#halt(false);
  }

  async #halt(release: boolean): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#sweeping;
    await Promise.allSettled([...this.#runs.keys()].map((id) => this.#end(id, release)));
  }

  /** An account's bots changed (start, stop, delete): look now rather than at the next sweep. */
  kick(_accountId?: string): void {
    if (!this.#stopped && this.#timer) void this.sweep();
  }

  /** Waits until every session here has evaluated what it was given (tests, the benchmark). */
  async idle(): Promise<void> {
    await this.#sweeping;
    for (const run of this.#runs.values()) for (const session of run.sessions.values()) await session.idle();
  }

  /** Renews leases, ends what was lost or is no longer asked for, starts what nobody runs. */
  sweep(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#sweeping) {
      this.#again = true;
      return this.#sweeping;
    }
    this.#sweeping = this.#sweep()
      .catch((error: unknown) => this.options.log?.error({ err: error }, 'bots: sweep failed'))
      .finally(() => {
        this.#sweeping = undefined;
        if (this.#again) {
          this.#again = false;
          void this.sweep();
        }
      });
    return this.#sweeping;
  }

  async #sweep(): Promise<void> {
    for (const accountId of [...this.#runs.keys()]) {
      if (!(await this.#renew(accountId))) {
        this.options.log?.warn({ accountId }, 'bots: lost an account lease; its bots run elsewhere now');
        await this.#end(accountId, false);
      }
    }
    const { database, botIds } = this.options;
    const wanted = await database.db
      .selectDistinct({ accountId: bots.accountId })
      .from(bots)
      .where(and(eq(bots.desiredState, 'running'), botIds ? inArray(bots.id, [...botIds]) : undefined));
    const accountIds = new Set(wanted.map((row) => row.accountId));
    for (const accountId of [...this.#runs.keys()]) {
      if (!accountIds.has(accountId)) await this.#end(accountId, true);
    }
    for (const accountId of accountIds) {
      if (this.#stopped) return;
      const run = this.#runs.get(accountId);
      if (run) await this.#syncSessions(run);
      else if (await this.#acquire(accountId)) await this.#startRun(accountId);
    }
  }

  async #startRun(accountId: string): Promise<void> {
    const { database } = this.options;
    const [account] = await database.db.select().from(accounts).where(eq(accounts.id, accountId));
    if (!account) return this.#release(accountId);
    if (!account.isActive) {
      await this.#markBots(
        accountId,
        'ACCOUNT_INACTIVE: the account is deactivated; the bot trades again when it is switched on',
      );
      return this.#release(accountId);
    }
    let exchange: Exchange;
    try {
      exchange = this.options.connectExchange(
        account,
        decryptCredentials(this.options.keyRing, account.id, account),
      );
    } catch (error) {
      await this.#markBots(
        accountId,
        isAppError(error) ? `${error.code}: ${error.message}` : 'the venue client could not be built',
      );
      return this.#release(accountId);
    }
    if (!isStreamingVenue(exchange)) {
      await this.#markBots(accountId, `${account.exchange} has no market stream here; bots cannot run on it`);
      return this.#release(accountId);
    }
    const stream = exchange.marketStream({
      ...(this.options.reconnectMinMs !== undefined ? { reconnectMinMs: this.options.reconnectMinMs } : {}),
      ...(this.options.reconnectMaxMs !== undefined ? { reconnectMaxMs: this.options.reconnectMaxMs } : {}),
    });
    const run: AccountRun = {
      account,
      exchange,
      klines: sharedKlineReads(exchange),
      stream,
      sessions: new Map(),
      subscriptions: new Map(),
      gap: false,
    };
    stream.onEvent((event) => this.#onMarketEvent(run, event));
    stream.onStatus((status) => {
      if (status.state === 'down') run.gap = true;
      if (status.state === 'up' && run.gap) {
        run.gap = false;
        for (const session of run.sessions.values()) session.catchUp();
      }
    });
    this.#runs.set(accountId, run);
    try {
      await stream.start();
    } catch (error) {
      this.#runs.delete(accountId);
      await stream.close().catch(() => undefined);
      await this.#markBots(
        accountId,
        isAppError(error) ? `${error.code}: ${error.message}` : 'the market stream did not start',
      );
      return this.#release(accountId);
    }
    await this.#syncSessions(run);
  }

  #onMarketEvent(run: AccountRun, event: MarketEvent): void {
    if (event.kind !== 'kline' || !event.closed) return;
    const tf = venueTimeframeMs(run.account.exchange, event.timeframe);
    for (const session of run.sessions.values()) {
      if (session.bot.symbol !== event.venueSymbol || session.tfMs !== tf) continue;
      session.onClosedBar({
        openTime: event.openTime,
        open: Number(event.open),
        high: Number(event.high),
        low: Number(event.low),
        close: Number(event.close),
        volume: Number(event.volume),
      });
    }
  }

  /** Starts a session per bot asked to run, ends those no longer asked; a failed one starts again. */
  async #syncSessions(run: AccountRun): Promise<void> {
    const { database, botIds } = this.options;
    const [account] = await database.db.select().from(accounts).where(eq(accounts.id, run.account.id));
    if (!account?.isActive) {
      await this.#end(run.account.id, true);
      if (account)
        await this.#markBots(
          account.id,
          'ACCOUNT_INACTIVE: the account is deactivated; the bot stopped trading',
        );
      return;
    }
    run.account = account;
    const rows = await database.db
      .select()
      .from(bots)
      .where(
        and(
          eq(bots.accountId, account.id),
          eq(bots.desiredState, 'running'),
          botIds ? inArray(bots.id, [...botIds]) : undefined,
        ),
      );
    const wanted = new Map(rows.map((row) => [row.id, row]));
    for (const [id, session] of run.sessions) {
      if (wanted.has(id) && !session.failed) continue;
      session.stop();
      run.sessions.delete(id);
      await this.#unsubscribe(run, session.bot);
    }
    for (const row of rows) {
      if (run.sessions.has(row.id)) continue;
      if (row.status === 'error' && this.#recentlyFailed(row)) continue;
      await this.#startSession(run, row);
    }
  }

  /** A bot that failed is started again only after a pause (a venue that is down is not hammered). */
  #recentlyFailed(row: BotRow): boolean {
    return Date.now() - row.statusSince.getTime() < Math.max(this.#leaseMs, 5_000);
  }

  async #startSession(run: AccountRun, row: BotRow): Promise<void> {
    const tf = venueTimeframeMs(run.account.exchange, row.timeframe);
    if (tf === undefined) {
      await this.#markBot(row.id, `${run.account.exchange} has no ${row.timeframe} candles`);
      return;
    }
    const session = new BotSession(
      {
        database: this.options.database,
        exchange: run.exchange,
        klines: run.klines,
        queue: this.options.queue,
        now: this.options.now ?? Date.now,
        wallNow: Date.now,
        defaultMaxSignalAgeMs: this.options.maxSignalAgeMs,
        settleMs: this.options.settleMs ?? 10_000,
        ...(this.options.log ? { log: this.options.log } : {}),
        ...(this.options.onBar ? { onBar: this.options.onBar } : {}),
      },
      row,
      tf,
    );
    run.sessions.set(row.id, session);
    // Subscribed before the warm-up reads history: a bar closing meanwhile is queued, not lost.
    const key = `${row.symbol} ${row.timeframe}`;
    const count = run.subscriptions.get(key) ?? 0;
    run.subscriptions.set(key, count + 1);
    if (count === 0)
      await run.stream.subscribe({ kind: 'kline', venueSymbol: row.symbol, timeframe: row.timeframe });
    void session.start();
  }

  async #unsubscribe(run: AccountRun, bot: BotRow): Promise<void> {
    const key = `${bot.symbol} ${bot.timeframe}`;
    const count = (run.subscriptions.get(key) ?? 1) - 1;
    if (count > 0) {
      run.subscriptions.set(key, count);
      return;
    }
    run.subscriptions.delete(key);
    await run.stream
      .unsubscribe({ kind: 'kline', venueSymbol: bot.symbol, timeframe: bot.timeframe })
      .catch(() => undefined);
  }

  async #end(accountId: string, release: boolean): Promise<void> {
    const run = this.#runs.get(accountId);
    if (!run) return;
    this.#runs.delete(accountId);
    for (const session of run.sessions.values()) session.stop();
    await Promise.allSettled([...run.sessions.values()].map((session) => session.idle()));
    await run.stream.close().catch(() => undefined);
    if (release) {
      await this.#release(accountId);
      const ids = [...run.sessions.keys()];
      if (ids.length > 0) {
        // Still asked to run: say so until a process takes them over.
        await this.options.database.db
          .update(bots)
          .set({ status: 'stopped', statusReason: 'waiting for a server to run it', statusSince: new Date() })
          .where(and(inArray(bots.id, ids), eq(bots.desiredState, 'running')));
      }
    }
  }

  async #markBots(accountId: string, reason: string): Promise<void> {
    await this.options.database.db
      .update(bots)
      .set({ status: 'error', statusReason: reason, statusSince: new Date(), updatedAt: new Date() })
      .where(and(eq(bots.accountId, accountId), eq(bots.desiredState, 'running')));
  }

  async #markBot(botId: string, reason: string): Promise<void> {
    await this.options.database.db
      .update(bots)
      .set({ status: 'error', statusReason: reason, statusSince: new Date(), updatedAt: new Date() })
      .where(eq(bots.id, botId));
  }

  async #acquire(accountId: string): Promise<boolean> {
    const rows = await this.options.database.query(
      `INSERT INTO bot_leases (account_id, holder, expires_at)
            VALUES ($1, $2, now() + $3 * interval '1 millisecond')
       ON CONFLICT (account_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
            WHERE bot_leases.expires_at < now() OR bot_leases.holder = excluded.holder
       RETURNING account_id`,
      [accountId, this.holder, this.#leaseMs],
    );
    return rows.length === 1;
  }

  async #renew(accountId: string): Promise<boolean> {
    const rows = await this.options.database.query(
      `UPDATE bot_leases SET expires_at = now() + $3 * interval '1 millisecond'
        WHERE account_id = $1 AND holder = $2 RETURNING account_id`,
      [accountId, this.holder, this.#leaseMs],
    );
    return rows.length === 1;
  }

  async #release(accountId: string): Promise<void> {
    await this.options.database.query(`DELETE FROM bot_leases WHERE account_id = $1 AND holder = $2`, [
      accountId,
      this.holder,
    ]);
  }
}
