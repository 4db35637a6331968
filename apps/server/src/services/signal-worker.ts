import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { isAppError, type AppError } from '@tradingbot/core';
import { accounts, signals, type AccountRow, type Database } from '@tradingbot/db';
import {
  ExecutionSlots,
  InMemoryLeverageCache,
  OrderExecutor,
  admitSignal,
  describeError,
  toSignal,
  type ExecutionResult,
  type Signal,
  type SignalPayload,
  type WarmStateView,
  type SlotLimits,
} from '@tradingbot/executor';
import { ExchangeErrors, withVenueDeadline, type Exchange } from '@tradingbot/exchange';
import { decryptCredentials, type KeyRing } from '../crypto/credentials.ts';
import { EventBus, type OrderRecorded, type ServerEventBus } from '../events.ts';
import type { ConnectExchange } from '../exchange-factory.ts';
import { executorSettings } from './account-controls.ts';
import { SignalTrail } from './audit.ts';
import { enforceDailyLoss } from './daily-loss.ts';
import {
  DEFAULT_SLOT_LIMITS,
  SignalQueue,
  type AccountOwner,
  type ClaimedSignal,
  type SignalRow,
} from './signal-queue.ts';

export type SignalWorkerOptions = {
  database: Database;
  keyRing: KeyRing;
  connectExchange: ConnectExchange;
  /** Where `signal.finished`, `order.recorded` and `exchange.error` go; default a bus nobody listens to. */
  events?: ServerEventBus;
  now?: () => number;
  /** How long an account's lease lasts without renewal; a crashed holder's work resumes after it. */
  leaseMs?: number;
  /** How often unfinished signals are looked for (crashed processes, missed hand-offs). */
  sweepIntervalMs?: number;
  /**
   * A signal that never started and is older than this when its turn comes (the server was down)
   * is not executed at a price long gone: it fails with SIGNAL_EXPIRED. Signals that had started
   * are always finished, so a filled entry still gets its stop-loss.
   */
  maxStartDelayMs?: number;
  /** A signal whose execution has been attempted this often without finishing is abandoned. */
  maxAttempts?: number;
  /**
   * Deadline of one signal's venue work (ms, default 20 s): past it every venue request of the
   * signal is aborted and none is sent, the signal ends failed (an order whose answer was lost is
   * uncertain, as after a timeout) and the account's next signal runs.
   */
  venueDeadlineMs?: number;
  /** The accounts' warm states (services/warm-state.ts): an account found here executes from memory while fresh. */
  warmStates?: { get(accountId: string): WarmStateView | undefined };
  /** Executions at once, per process and per venue (default `DEFAULT_SLOT_LIMITS`). */
  slots?: SlotLimits;
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
};

export const DEFAULT_LEASE_MS = 15_000;
export const DEFAULT_MAX_START_DELAY_MS = 120_000;
export const DEFAULT_VENUE_DEADLINE_MS = 20_000;

/** The row's payload as a signal, parsed once per turn (a payload that does not parse fails in execution). */
type ParsedSignal = { ok: true; signal: Signal } | { ok: false; error: unknown };

type Outcome = { result: ExecutionResult; executionMs?: number; orders: readonly OrderRecorded[] };

/**
 * Executes recorded signals exactly once, across any number of server processes on one database.
 *
 * The lease queue (`signal-queue.ts`) decides which process runs an account's signals, one at a
 * time and oldest first; this class runs each one: admission when its turn comes, the executor,
 * the final status, then `signal.finished` for the listeners (XP, metrics, notifiers). A signal
 * caught mid-way by a crash is run again; the executor finds each of its orders on the venue by
 * client order id and places only what is missing — nothing lost, nothing doubled.
 */
export class SignalWorker {
  readonly id = `worker-${randomUUID()}`;
  readonly #executor = new OrderExecutor();
  readonly #leverage = new InMemoryLeverageCache();
  readonly #waiters = new Map<string, Set<(result: ExecutionResult) => void>>();
  readonly #queue: SignalQueue;
  readonly #events: ServerEventBus;
  /** Executions at once in this process, per venue, and the venues' rate-limit back-offs. */
  readonly slots: ExecutionSlots;

  constructor(private readonly options: SignalWorkerOptions) {
    this.#events = options.events ?? new EventBus();
    this.slots = new ExecutionSlots(options.slots ?? DEFAULT_SLOT_LIMITS);
    this.#queue = new SignalQueue({
      database: options.database,
      holder: this.id,
      leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
      sweepIntervalMs: options.sweepIntervalMs ?? 5_000,
      now: () => this.#now(),
      run: (claimed) => this.#run(claimed),
      slots: this.slots,
      ...(options.log ? { log: options.log } : {}),
    });
  }

  #now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Starts the sweeper; the first sweep (crash recovery) runs now. */
  start(): void {
    this.#queue.start();
  }

  /** Stops taking work and waits for the accounts this process is draining. */
  async stop(): Promise<void> {
    await this.#queue.stop();
  }

  /** Started and not stopped. */
  get isRunning(): boolean {
    return this.#queue.isRunning;
  }

  async idle(): Promise<void> {
    await this.#queue.idle();
  }

  /** Makes sure someone works on the account: this process, unless another one holds its lease. */
  kick(accountId: string, owner?: AccountOwner): void {
    this.#queue.kick(accountId, owner);
  }

  /** Finds accounts with unfinished signals nobody is working on, and works on them. */
  async sweep(): Promise<void> {
    await this.#queue.sweep();
  }

  /**
   * Resolves with the signal's result once it has been executed (here or by another process), or
   * with 'timeout' after `ms`.
   */
  async waitFor(signalId: string, ms: number, accountId?: string): Promise<ExecutionResult | 'timeout'> {
    let release = () => {};
    const local = new Promise<ExecutionResult>((resolve) => {
      const set = this.#waiters.get(signalId) ?? new Set();
      set.add(resolve);
      this.#waiters.set(signalId, set);
      release = () => {
        set.delete(resolve);
        if (set.size === 0) this.#waiters.delete(signalId);
      };
    });
    const stop = { done: false };
    try {
      return await Promise.race([local, this.#poll(signalId, performance.now() + ms, stop, accountId)]);
    } finally {
      stop.done = true;
      release();
    }
  }

  /**
   * Another process may run the signal: look at its row now and then (local results arrive sooner).
   * Not while this process works on the account itself: in a burst, a thousand waiters reading the
   * table would only slow the writes they wait for.
   */
  async #poll(signalId: string, deadline: number, stop: { done: boolean }, accountId: string | undefined) {
    for (let delay = 100; !stop.done; delay = Math.min(delay * 1.5, 400)) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) return 'timeout';
      await sleep(Math.min(delay, remaining));
      if (stop.done) break;
      if (accountId !== undefined && this.#queue.worksOn(accountId)) continue;
      const [row] = await this.options.database.db
        .select({ status: signals.status, result: signals.result })
        .from(signals)
        .where(eq(signals.id, signalId));
      if (row && (row.status === 'executed' || row.status === 'failed') && row.result) {
        return row.result as ExecutionResult;
      }
    }
    return 'timeout';
  }

  /** Runs one signal, claimed by this process while it holds its account's lease. */
  async #run({ row: claimed, resumed: recovering }: ClaimedSignal): Promise<void> {
    const { database } = this.options;
    const [found] = await database.db.select().from(accounts).where(eq(accounts.id, claimed.accountId));
    if (!found) return; // deleted with its signals (cascade)
    const account = await this.#withDailyLoss(claimed, found);

    const trail = new SignalTrail(database, this.#events, claimed.id, account);
    const outcome = await this.#outcome(claimed, account, recovering, trail);
    // The status, the orders and the audit rows: one transaction, the signal's only write since its claim.
    await trail.commit(outcome.result, new Date(this.#now()));
    const { result } = outcome;
    this.#events.emit('signal.finished', {
      signalId: claimed.id,
      accountId: account.id,
      userId: account.userId,
      exchange: account.exchange,
      status: result.success ? 'executed' : 'failed',
      result,
      ...(result.code !== undefined ? { code: result.code } : {}),
      message: result.message,
      orders: outcome.orders,
      ...(outcome.executionMs !== undefined ? { executionMs: outcome.executionMs } : {}),
      resumed: recovering,
    });
    for (const resolve of this.#waiters.get(claimed.id) ?? []) resolve(result);
  }

  /**
   * Before an entry's turn: today's losses checked against the account's daily loss limit (which
   * may pause entries now, `account.daily_loss_reached`); admission then refuses the entry.
   */
  async #withDailyLoss(row: SignalRow, account: AccountRow): Promise<AccountRow> {
    const parsed = this.#signalOf(row);
    if (!parsed.ok || (parsed.signal.action !== 'LONG' && parsed.signal.action !== 'SHORT')) return account;
    try {
      return await enforceDailyLoss(this.options.database, account, this.#now(), this.#events);
    } catch (error) {
      this.options.log?.error({ err: error, accountId: account.id }, 'daily loss check failed');
      return account;
    }
  }

  /** The signal's result: refused now, or executed (resumed after a crash when `recovering`). */
  async #outcome(
    row: SignalRow,
    account: AccountRow,
    recovering: boolean,
    trail: SignalTrail,
  ): Promise<Outcome> {
    const parsed = this.#signalOf(row);
    const refusal = this.#refusal(row, account, recovering, parsed);
    if (refusal) {
      trail.worker({
        type: 'signal_not_executed',
        level: 'warn',
        message: refusal.message,
        worker: this.id,
      });
      return { result: refusal, orders: [] };
    }
    if (recovering) {
      trail.worker({
        type: 'signal_resumed',
        level: 'warn',
        message: `Resuming a signal interrupted mid-execution (attempt ${row.attempts}); orders already on the venue are found by client order id, not sent again`,
        worker: this.id,
      });
    }
    return this.#queue.whileHeld(account.id, row.id, () =>
      this.#execute(row, account, parsed, recovering, trail),
    );
  }

  /** Why a signal must not run now, as its result; undefined when it may. */
  #refusal(
    row: SignalRow,
    account: AccountRow,
    recovering: boolean,
    parsed: ParsedSignal,
  ): ExecutionResult | undefined {
    const refused = (code: string, message: string, error?: AppError): ExecutionResult => ({
      success: false,
      code,
      message,
      ...(error ? { error: describeError(error) } : {}),
      idempotency_key: row.idempotencyKey,
      order_details: {
        exchange: String(row.payload.exchange ?? '') as ExecutionResult['order_details']['exchange'],
        action: String(row.payload.action ?? '') as ExecutionResult['order_details']['action'],
        symbol: String(row.payload.symbol ?? ''),
        results: {},
      },
    });
    const maxAttempts = this.options.maxAttempts ?? 5;
    if (row.attempts > maxAttempts) {
      return refused(
        'EXECUTION_ABANDONED',
        `Execution was interrupted ${row.attempts - 1} times; abandoned — check the orders and position on the exchange`,
      );
    }
    // A signal that had started is always finished, so a filled entry still gets its stop-loss.
    if (recovering) return undefined;
    const delay = this.#now() - row.receivedAt.getTime();
    const maxDelay = this.options.maxStartDelayMs ?? DEFAULT_MAX_START_DELAY_MS;
    if (delay > maxDelay) {
      return refused(
        'SIGNAL_EXPIRED',
        `Not executed: its turn came ${Math.round(delay / 1000)} s after it arrived (the server was down or busy), more than the ${Math.round(maxDelay / 1000)} s limit`,
      );
    }
    if (!parsed.ok) return undefined; // execution reports the payload's problem
    try {
      admitSignal(parsed.signal, account, this.#now(), 'turn');
    } catch (error) {
      if (!isAppError(error)) throw error;
      return refused(error.code, error.message, error);
    }
    return undefined;
  }

  /** The row's signal; admission judges `max_lag` when it first started (a resumed one is finished). */
  #signalOf(row: SignalRow): ParsedSignal {
    try {
      const signal = toSignal(row.payload as SignalPayload, { receivedAt: row.receivedAt.getTime() });
      return {
        ok: true,
        signal: {
          ...signal,
          idempotencyKey: row.idempotencyKey,
          ...(row.startedAt ? { startedAt: row.startedAt.getTime() } : {}),
        },
      };
    } catch (error) {
      return { ok: false, error };
    }
  }

  async #execute(
    row: SignalRow,
    account: AccountRow,
    parsed: ParsedSignal,
    recovering: boolean,
    ports: SignalTrail,
  ): Promise<Outcome> {
    const started = performance.now();
    let result: ExecutionResult;
    let signal: Signal | undefined;
    try {
      if (!parsed.ok) throw parsed.error;
      signal = parsed.signal;
      const credentials = decryptCredentials(this.options.keyRing, account.id, account);
      const exchange = reportingErrors(
        this.options.connectExchange(account, credentials),
        account.id,
        this.#events,
      );
      const context = {
        exchange,
        account: { id: account.id, exchange: account.exchange, settings: executorSettings(account.settings) },
        leverageCache: this.#leverage,
        now: () => this.#now(),
        recordOrder: ports.recordOrder,
        audit: ports.audit,
        // A resumed signal looks every order up before sending it; a fresh one on warm state does not.
        resumed: recovering || row.attempts > 1,
        ...warmStateOf(this.options.warmStates, account.id),
      };
      const run = signal;
      result = await withVenueDeadline(this.options.venueDeadlineMs ?? DEFAULT_VENUE_DEADLINE_MS, () =>
        this.#executor.executeSignal(run, context),
      );
    } catch (error) {
      result = this.#unexpected(error, row, account, signal);
    }
    return { result, executionMs: performance.now() - started, orders: ports.recorded };
  }

  /** executeSignal reports trading outcomes itself; this is decryption or a programming error. */
  #unexpected(error: unknown, row: SignalRow, account: AccountRow, signal: Signal | undefined) {
    const code = isAppError(error) ? error.code : 'INTERNAL';
    const message = isAppError(error) ? error.message : 'Execution failed unexpectedly';
    if (!isAppError(error))
      this.options.log?.error({ err: error, signalId: row.id }, 'signal execution failed');
    const result: ExecutionResult = {
      success: false,
      message,
      code,
      idempotency_key: row.idempotencyKey,
      order_details: {
        exchange: account.exchange as ExecutionResult['order_details']['exchange'],
        action: (signal?.action ??
          String(row.payload.action ?? '')) as ExecutionResult['order_details']['action'],
        symbol: signal?.symbol ?? String(row.payload.symbol ?? ''),
        results: {},
      },
    };
    return result;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** The venue, with every error it answers reported as `exchange.error` (errors pass through untouched). */
function reportingErrors(exchange: Exchange, accountId: string, events: ServerEventBus): Exchange {
  return new Proxy(exchange, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (!(result instanceof Promise)) return result;
        return result.catch((error: unknown) => {
          if (ExchangeErrors.is(error)) {
            const details = (error.details ?? {}) as { venueCode?: unknown };
            events.emit('exchange.error', {
              accountId,
              venue: target.id,
              code: error.code,
              venueCode: details.venueCode === undefined ? '' : String(details.venueCode),
            });
          }
          throw error;
        });
      };
    },
  });
}

/** The account's warm state for the execution context, when this process follows its stream. */
function warmStateOf(
  states: SignalWorkerOptions['warmStates'],
  accountId: string,
): { warmState?: WarmStateView } {
  const warmState = states?.get(accountId);
  return warmState === undefined ? {} : { warmState };
}
