import { eq } from 'drizzle-orm';
import { isAppError, type TradePlan } from '@tradingbot/core';
import { accounts, bots, type AccountRow, type BotRow, type BotState, type Database } from '@tradingbot/db';
import {
  LiveStrategy,
  getStrategy,
  warmupBars,
  type CandleRow,
  type LiveAction,
  type PositionState,
} from '@tradingbot/engine';
import { admitAccount, admitEntry, type ExecutionResult } from '@tradingbot/executor';
import { parseDecimal, type Exchange, type Kline, type KlineQuery } from '@tradingbot/exchange';
import { storedPlan } from './plan.ts';
import { recordCheckpoint, recordSentDecision, recordSkippedDecision } from './bot-signals.ts';

/** The part of the signal worker a bot needs (`SignalWorker`): run the account's queue, await a result. */
export type BotSignalQueue = {
  kick(accountId: string): void;
  waitFor(signalId: string, ms: number): Promise<ExecutionResult | 'timeout'>;
};

export type BotSessionDeps = {
  database: Database;
  exchange: Exchange;
  /** How history pages are read (default `exchange.klines`; the runner shares one read among its bots, `sharedKlineReads`). */
  klines?: (query: KlineQuery) => Promise<Kline[]>;
  queue: BotSignalQueue;
  /** The market's clock (ms): bar ages are measured on it. */
  now: () => number;
  /** Wall-clock time a signal is recorded at (the worker's start-delay rule reads it). */
  wallNow: () => number;
  defaultMaxSignalAgeMs: number;
  /** How long a bar's evaluation waits for the bot's previous signal to finish before reading the position. */
  settleMs: number;
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** Called after every bar evaluated (tests, the CLI's status line). */
  onBar?: (
    bot: BotRow,
    bar: ClosedBar,
    action: LiveAction | null,
    outcome: 'sent' | 'skipped' | null,
  ) => void;
};

/**
 * Kline reads of one venue client where identical requests in flight at once share one request: an
 * account's bots of one strategy, symbol and timeframe starting together read the same history
 * pages, and a hundred separate reads ran into the client's timeout (`npm run bench:bots`). Nothing is
 * kept once a read is answered, so a page is never served stale.
 */
export function sharedKlineReads(
  exchange: Pick<Exchange, 'klines'>,
): (query: KlineQuery) => Promise<Kline[]> {
  const inFlight = new Map<string, Promise<Kline[]>>();
  return (query) => {
    const key = JSON.stringify([
      query.venueSymbol,
      query.timeframe,
      query.startTime,
      query.endTime,
      query.limit,
    ]);
    let read = inFlight.get(key);
    if (read === undefined) {
      read = exchange.klines(query).finally(() => inFlight.delete(key));
      inFlight.set(key, read);
    }
    return read;
  };
}

export type ClosedBar = Pick<Kline, 'openTime' | 'open' | 'high' | 'low' | 'close' | 'volume'>;

const candleRow = (bar: ClosedBar): CandleRow => ({
  time: bar.openTime,
  open: bar.open,
  high: bar.high,
  low: bar.low,
  close: bar.close,
  volume: bar.volume,
});

/** Candles per REST page while warming up and catching up (OKX serves 100 at most from history). */
const PAGE = 100;
/** Most bars read at start (warm-up plus catch-up): a longer outage catches up only the latest ones. */
const MAX_HISTORY_BARS = 5_000;

/**
 * One running bot: its `LiveStrategy` warmed up from the venue's REST history, then fed each closed
 * kline once, in order. Each action becomes a signal in the webhook's pipeline (`recordSentDecision`),
 * unless the catch-up rules, the account's state or the signal's age say otherwise
 * (`recordSkippedDecision`). The checkpoint (`bots.last_bar_time`) moves with every bar, so a bar is
 * evaluated once across restarts; a gap in the stream is filled from REST before the next bar.
 */
export class BotSession {
  readonly tfMs: number;
  #bot: BotRow;
  readonly #plan: TradePlan;
  readonly #strategy: LiveStrategy;
  readonly #warmup: number;
  #lastBar: number | undefined;
  #chain: Promise<void> = Promise.resolve();
  #stopped = false;
  #failed = false;
  /** The bot's last signal, until it is known to be finished. */
  #pending: string | undefined;

  constructor(
    private readonly deps: BotSessionDeps,
    bot: BotRow,
    tfMs: number,
  ) {
    this.#bot = bot;
    this.tfMs = tfMs;
    this.#plan = storedPlan(bot.plan);
    const declaration = getStrategy(bot.strategy);
    this.#strategy = new LiveStrategy(declaration, bot.params, this.#plan.direction);
    this.#warmup = warmupBars(declaration, this.#strategy.params);
    this.#lastBar = bot.lastBarTime?.getTime();
  }

  get bot(): BotRow {
    return this.#bot;
  }

  get lastBar(): number | undefined {
    return this.#lastBar;
  }

  get position(): PositionState {
    return this.#strategy.position;
  }

  /** Evaluation failed (the venue, the database): the runner starts the bot again from its checkpoint. */
  get failed(): boolean {
    return this.#failed;
  }

  /** Warms up, evaluates the bars missed since the checkpoint (catch-up rules), then takes live bars. */
  start(): Promise<void> {
    return this.#enqueue(async () => {
      await this.#setStatus('warming_up', null);
      const now = this.deps.now();
      const checkpoint = this.#lastBar;
      const from = (checkpoint ?? this.#latestOpen(now)) - this.#warmup * this.tfMs;
      const history = await this.#closedBars(
        Math.max(from, this.#latestOpen(now) - MAX_HISTORY_BARS * this.tfMs),
        now,
      );
      const warm = history.filter((bar) => checkpoint === undefined || bar.openTime <= checkpoint);
      for (const bar of warm) this.#strategy.update(candleRow(bar));
      await this.#syncPosition(true);
      if (checkpoint === undefined) {
        // First start: history is only warm-up; the first bar traded is the next one to close.
        const last = warm.at(-1);
        if (last !== undefined) {
          this.#lastBar = last.openTime;
          await recordCheckpoint(this.deps.database, this.#bot.id, last.openTime, this.#strategy.position);
        }
      } else {
        await this.#evaluate(history.filter((bar) => bar.openTime > checkpoint));
      }
      await this.#setStatus('running', null);
    });
  }

  /** A kline of the bot's symbol and timeframe from the stream; only closed ones are evaluated. */
  onClosedBar(bar: ClosedBar): void {
    void this.#enqueue(() => this.#onBar(bar));
  }

  /** The stream came back after a gap: evaluate every bar closed meanwhile (catch-up rules). */
  catchUp(): void {
    void this.#enqueue(async () => {
      if (this.#lastBar === undefined) return;
      const now = this.deps.now();
      await this.#evaluate(await this.#closedBars(this.#lastBar + this.tfMs, now));
    });
  }

  /** Stops taking bars; what is being evaluated finishes (`idle`). */
  stop(): void {
    this.#stopped = true;
  }

  async idle(): Promise<void> {
    for (let chain = this.#chain; ; chain = this.#chain) {
      await chain;
      if (chain === this.#chain) return;
    }
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.#chain.then(async () => {
      if (this.#stopped) return;
      try {
        await task();
      } catch (error) {
        this.#failed = true;
        this.#stopped = true;
        await this.#reportFailure(error);
      }
    });
    this.#chain = run;
    return run;
  }

  async #onBar(bar: ClosedBar): Promise<void> {
    if (this.#lastBar === undefined || bar.openTime <= this.#lastBar) return; // seen (warm-up, a replay)
    if (bar.openTime > this.#lastBar + this.tfMs) {
      // Bars missing before this one (the stream skipped them): read them, then this one.
      const missing = await this.#closedBars(this.#lastBar + this.tfMs, bar.openTime - 1);
      await this.#evaluate([...missing.filter((b) => b.openTime < bar.openTime), bar]);
      return;
    }
    await this.#evaluate([bar]);
  }

  /**
   * Evaluates closed bars in order. Only the last one's action may trade, and only while it is
   * younger than the bot's max signal age; earlier ones (a catch-up) and older ones are recorded as
   * skipped, and the strategy keeps the position it really holds.
   */
  async #evaluate(bars: ClosedBar[]): Promise<void> {
    if (bars.length === 0) return;
    await this.#syncPosition(false);
    const maxAge = this.#bot.maxSignalAgeMs ?? this.deps.defaultMaxSignalAgeMs;
    for (const [index, bar] of bars.entries()) {
      if (this.#stopped) return;
      if (this.#lastBar !== undefined && bar.openTime <= this.#lastBar) continue;
      const before = this.#strategy.position;
      const { action } = this.#strategy.update(candleRow(bar));
      let outcome: 'sent' | 'skipped' | null = null;
      if (action === null) {
        await recordCheckpoint(this.deps.database, this.#bot.id, bar.openTime, this.#strategy.position);
      } else {
        const age = this.deps.now() - (bar.openTime + this.tfMs);
        const reason =
          index < bars.length - 1
            ? `catch-up: a later bar (${new Date(bars.at(-1)!.openTime).toISOString()}) has closed since; only the latest closed bar may trade`
            : age > maxAge
              ? `too old: its bar closed ${Math.round(age / 1000)} s ago, more than the bot's max signal age of ${Math.round(maxAge / 1000)} s`
              : await this.#refusal(action);
        outcome = reason === undefined ? 'sent' : 'skipped';
        if (reason === undefined) await this.#send(bar.openTime, action);
        else {
          this.#strategy.setPosition(before);
          await recordSkippedDecision(this.deps.database, {
            bot: this.#bot,
            account: await this.#account(),
            barOpenTime: bar.openTime,
            action,
            reason,
          });
          await recordCheckpoint(this.deps.database, this.#bot.id, bar.openTime, before);
        }
      }
      this.#lastBar = bar.openTime;
      this.deps.onBar?.(this.#bot, bar, action, outcome);
    }
  }

  async #send(barOpenTime: number, action: LiveAction): Promise<void> {
    const account = await this.#account();
    const { signalId } = await recordSentDecision(this.deps.database, {
      bot: this.#bot,
      account,
      plan: this.#plan,
      barOpenTime,
      action,
      position: this.#strategy.position,
      receivedAt: this.deps.wallNow(),
    });
    this.#pending = signalId;
    this.deps.queue.kick(account.id);
  }

  /** Why the account takes no such signal now (inactive, entries paused), or undefined. */
  async #refusal(action: LiveAction): Promise<string | undefined> {
    const account = await this.#account();
    try {
      admitAccount(account, account.exchange);
      admitEntry(account, action === 'long' ? 'LONG' : action === 'short' ? 'SHORT' : 'CLOSE_ALL');
      return undefined;
    } catch (error) {
      if (!isAppError(error)) throw error;
      if (error.code === 'ACCOUNT_INACTIVE') {
        // Nothing trades on a switched-off account: the bot stops and says why.
        this.stop();
        await this.#setStatus('error', `${error.code}: the account was deactivated; the bot stopped trading`);
      }
      return `${error.code}: ${error.message}`;
    }
  }

  async #account(): Promise<AccountRow> {
    const [account] = await this.deps.database.db
      .select()
      .from(accounts)
      .where(eq(accounts.id, this.#bot.accountId));
    if (!account) throw new Error('the bot account was deleted');
    return account;
  }

  /**
   * The strategy's position as the venue holds it: a stop-loss or take-profit may have closed it
   * (the backtester's rule: a bar whose stop fired is flat at its close). Waits for the bot's last
   * signal first, so an entry still executing is not mistaken for none. Flat is trusted without a
   * call unless `always` (start).
   */
  async #syncPosition(always: boolean): Promise<void> {
    if (this.#pending !== undefined) {
      const result = await this.deps.queue.waitFor(this.#pending, this.deps.settleMs);
      if (result !== 'timeout') this.#pending = undefined;
    }
    if (!always && this.#strategy.position === 'flat') return;
    const held = await this.deps.exchange.positions(this.#bot.symbol);
    let position: PositionState = 'flat';
    for (const p of held) {
      const qty = parseDecimal(p.qty);
      if (qty === undefined || qty.isZero()) continue;
      position = p.side === 'short' || (p.side === 'net' && qty.isNegative()) ? 'short' : 'long';
    }
    this.#strategy.setPosition(position);
  }

  /** Closed bars with open times in [from, to], oldest first, page by page. */
  async #closedBars(from: number, to: number): Promise<Kline[]> {
    const out: Kline[] = [];
    for (let cursor = Math.ceil(from / this.tfMs) * this.tfMs; cursor <= to;) {
      const page = await (this.deps.klines ?? ((q: KlineQuery) => this.deps.exchange.klines(q)))({
        venueSymbol: this.#bot.symbol,
        timeframe: this.#bot.timeframe,
        startTime: cursor,
        limit: PAGE,
      });
      // Closed once its end has passed on the market clock: a client's own flag follows its
      // server-time estimate, which it may not have measured yet (public reads are not signed).
      const now = this.deps.now();
      const fresh = page
        .filter((k) => k.openTime >= cursor && k.openTime <= to)
        .map((k) => ({ ...k, closed: k.openTime + this.tfMs <= now }));
      const last = fresh.at(-1);
      for (const k of fresh) if (k.closed) out.push(k);
      if (last === undefined || !last.closed) break; // nothing more, or the bar still forming
      cursor = last.openTime + this.tfMs;
    }
    return out;
  }

  #latestOpen(now: number): number {
    return Math.floor(now / this.tfMs) * this.tfMs - this.tfMs;
  }

  async #setStatus(status: BotState, reason: string | null): Promise<void> {
    const [row] = await this.deps.database.db
      .update(bots)
      .set({ status, statusReason: reason, statusSince: new Date(), updatedAt: new Date() })
      .where(eq(bots.id, this.#bot.id))
      .returning();
    if (row) this.#bot = row;
  }

  async #reportFailure(error: unknown): Promise<void> {
    const message = isAppError(error) ? `${error.code}: ${error.message}` : 'the bot failed unexpectedly';
    if (!isAppError(error))
      this.deps.log?.error({ err: error, botId: this.#bot.id }, 'bot: evaluation failed');
    else this.deps.log?.warn({ botId: this.#bot.id, code: error.code }, 'bot: evaluation failed');
    try {
      await this.#setStatus('error', message);
    } catch {
      // the database is gone: the next sweep reports it
    }
  }
}
