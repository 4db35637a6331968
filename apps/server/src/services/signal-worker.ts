import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { isAppError } from '@tradingbot/core';
import { apiKeys, auditLog, orders, signals, users, type Database } from '@tradingbot/db';
import {
  InMemoryLeverageCache,
  OrderExecutor,
  levelForXp,
  toSignal,
  xpForTrade,
  type AccountSettings,
  type ExecutionResult,
  type Signal,
  type SignalPayload,
} from '@tradingbot/executor';
import { ExchangeErrors, type Exchange } from '@tradingbot/exchange';
import type { Counter, Histogram } from 'prom-client';
import { decryptCredentials, type KeyRing } from '../crypto/credentials.ts';
import type { ConnectExchange } from '../exchange-factory.ts';

export type SignalWorkerOptions = {
  database: Database;
  keyRing: KeyRing;
  connectExchange: ConnectExchange;
  executionSeconds: Histogram;
  /** Counts every error a venue answers (labels venue, code, venue_code); optional. */
  exchangeErrors?: Counter;
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
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
};

export const DEFAULT_LEASE_MS = 15_000;
export const DEFAULT_MAX_START_DELAY_MS = 120_000;

type SignalRow = typeof signals.$inferSelect;
type AccountRow = typeof apiKeys.$inferSelect;

/**
 * Executes recorded signals exactly once, across any number of server processes on one database.
 *
 * An account's signals run one at a time, oldest first, in whichever process holds the account's
 * lease (`account_leases`); the holder renews it while it works and drains the account before
 * letting go, then looks once more, so a signal recorded by another process while it was letting
 * go is never stranded. A lease that is not renewed expires: the sweeper (at start and every few
 * seconds) finds accounts with unfinished signals and takes them over. A signal caught mid-way by
 * a crash is run again; the executor finds each of its orders on the venue by client order id and
 * places only what is missing — nothing lost, nothing doubled.
 */
export class SignalWorker {
  readonly id = `worker-${randomUUID()}`;
  readonly #executor = new OrderExecutor();
  readonly #leverage = new InMemoryLeverageCache();
  readonly #draining = new Map<string, Promise<void>>();
  readonly #rerun = new Set<string>();
  readonly #waiters = new Map<string, Set<(result: ExecutionResult) => void>>();
  readonly #leaseMs: number;
  #sweeper: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(private readonly options: SignalWorkerOptions) {
    this.#leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  }

  #now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Starts the sweeper; the first sweep (crash recovery) runs now. */
  start(): void {
    if (this.#sweeper) return;
    void this.sweep();
    this.#sweeper = setInterval(() => void this.sweep(), this.options.sweepIntervalMs ?? 5_000);
    this.#sweeper.unref();
  }

  /** Stops taking work and waits for the accounts this process is draining. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#sweeper) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    await this.idle();
  }

  async idle(): Promise<void> {
    while (this.#draining.size > 0) await Promise.allSettled([...this.#draining.values()]);
  }

  /** Makes sure someone works on the account: this process, unless another one holds its lease. */
  kick(accountId: string): void {
    if (this.#stopped) return;
    if (this.#draining.has(accountId)) {
      this.#rerun.add(accountId);
      return;
    }
    const run = this.#drain(accountId)
      .catch((error: unknown) =>
        this.options.log?.error({ err: error, accountId }, 'signal worker: draining an account failed'),
      )
      .finally(() => {
        this.#draining.delete(accountId);
        if (this.#rerun.delete(accountId)) this.kick(accountId);
      });
    this.#draining.set(accountId, run);
  }

  /**
   * Resolves with the signal's result once it has been executed (here or by another process), or
   * with 'timeout' after `ms`.
   */
  async waitFor(signalId: string, ms: number): Promise<ExecutionResult | 'timeout'> {
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
    let done = false;
    const deadline = this.#nowMono() + ms;
    // Another process may run it: look at the row now and then (local results arrive sooner).
    const polled = (async (): Promise<ExecutionResult | 'timeout'> => {
      for (let delay = 100; !done; delay = Math.min(delay * 1.5, 400)) {
        const remaining = deadline - this.#nowMono();
        if (remaining <= 0) return 'timeout';
        await sleep(Math.min(delay, remaining));
        if (done) break;
        const [row] = await this.options.database.db
          .select({ status: signals.status, result: signals.result })
          .from(signals)
          .where(eq(signals.id, signalId));
        if (row && (row.status === 'executed' || row.status === 'failed') && row.result) {
          return row.result as ExecutionResult;
        }
      }
      return 'timeout';
    })();
    try {
      return await Promise.race([local, polled]);
    } finally {
      done = true;
      release();
    }
  }

  #nowMono(): number {
    return performance.now();
  }

  /** Finds accounts with unfinished signals nobody is working on, and works on them. */
  async sweep(): Promise<void> {
    if (this.#stopped) return;
    try {
      const rows = await this.options.database.query<{ account_id: string }>(
        `SELECT DISTINCT s.account_id FROM signals s
           LEFT JOIN account_leases l ON l.account_id = s.account_id
          WHERE s.status IN ('received', 'executing') AND (l.account_id IS NULL OR l.expires_at < now())`,
      );
      for (const { account_id } of rows) this.kick(account_id);
    } catch (error) {
      this.options.log?.error({ err: error }, 'signal worker: sweep failed');
    }
  }

  async #drain(accountId: string): Promise<void> {
    for (;;) {
      if (!(await this.#acquire(accountId))) return; // the holder drains it, and looks again after letting go
      try {
        for (;;) {
          if (this.#stopped) return;
          const next = await this.#nextPending(accountId);
          if (!next) break;
          // A drain can outlast the lease (many short signals): extend it before every signal, and
          // stop at once if it was lost (this process stalled past it and another one took over).
          if (!(await this.#renew(accountId))) {
            this.options.log?.error(
              { accountId },
              'signal worker: lost an account lease; leaving it to its holder',
            );
            return;
          }
          await this.#run(next);
        }
      } finally {
        await this.#release(accountId);
      }
      if (this.#stopped || !(await this.#nextPending(accountId))) return;
    }
  }

  async #acquire(accountId: string): Promise<boolean> {
    const rows = await this.options.database.query(
      `INSERT INTO account_leases (account_id, holder, expires_at)
            VALUES ($1, $2, now() + $3 * interval '1 millisecond')
       ON CONFLICT (account_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
            WHERE account_leases.expires_at < now() OR account_leases.holder = excluded.holder
       RETURNING account_id`,
      [accountId, this.id, this.#leaseMs],
    );
    return rows.length === 1;
  }

  /** Extends this process's lease on the account (and its lock on the signal it runs); false if lost. */
  async #renew(accountId: string, signalId?: string): Promise<boolean> {
    const rows = await this.options.database.query(
      `UPDATE account_leases SET expires_at = now() + $3 * interval '1 millisecond'
        WHERE account_id = $1 AND holder = $2 RETURNING account_id`,
      [accountId, this.id, this.#leaseMs],
    );
    if (signalId !== undefined) {
      await this.options.database.query(
        `UPDATE signals SET locked_until = now() + $3 * interval '1 millisecond' WHERE id = $1 AND locked_by = $2`,
        [signalId, this.id, this.#leaseMs],
      );
    }
    return rows.length === 1;
  }

  async #release(accountId: string): Promise<void> {
    await this.options.database.query(`DELETE FROM account_leases WHERE account_id = $1 AND holder = $2`, [
      accountId,
      this.id,
    ]);
  }

  async #nextPending(accountId: string): Promise<SignalRow | undefined> {
    const [row] = await this.options.database.db
      .select()
      .from(signals)
      .where(and(eq(signals.accountId, accountId), inArray(signals.status, ['received', 'executing'])))
      .orderBy(asc(signals.receivedAt), asc(signals.id))
      .limit(1);
    return row;
  }

  /** Runs one signal while holding its account's lease. */
  async #run(row: SignalRow): Promise<void> {
    const { database } = this.options;
    const recovering = row.status === 'executing';
    const [claimed] = await database.db
      .update(signals)
      .set({
        status: 'executing',
        lockedBy: this.id,
        lockedUntil: sql`now() + ${this.#leaseMs} * interval '1 millisecond'`,
        startedAt: row.startedAt ?? new Date(this.#now()),
        attempts: sql`${signals.attempts} + 1`,
      })
      .where(and(eq(signals.id, row.id), inArray(signals.status, ['received', 'executing'])))
      .returning();
    if (!claimed) return;
    const [account] = await database.db.select().from(apiKeys).where(eq(apiKeys.id, row.accountId));
    if (!account) return; // deleted with its signals (cascade)

    let result: ExecutionResult;
    const refusal = this.#refusal(claimed, recovering);
    if (refusal) {
      result = refusal;
      await this.#audit(account, claimed.id, 'signal_not_executed', 'warn', refusal.message);
    } else {
      if (recovering) {
        await this.#audit(
          account,
          claimed.id,
          'signal_resumed',
          'warn',
          `Resuming a signal interrupted mid-execution (attempt ${claimed.attempts}); orders already on the venue are found by client order id, not sent again`,
        );
      }
      const heartbeat = setInterval(() => {
        void this.#renew(account.id, claimed.id).then((held) => {
          if (!held)
            this.options.log?.error({ accountId: account.id }, 'signal worker: lost an account lease');
        });
      }, this.#leaseMs / 3);
      heartbeat.unref();
      try {
        result = await this.#execute(claimed, account);
      } finally {
        clearInterval(heartbeat);
      }
    }
    await database.db
      .update(signals)
      .set({
        status: result.success ? 'executed' : 'failed',
        result,
        errorCode: result.success ? null : (result.code ?? null),
        errorMessage: result.success ? null : result.message,
        finishedAt: new Date(this.#now()),
        lockedBy: null,
        lockedUntil: null,
      })
      .where(eq(signals.id, claimed.id));
    await this.#creditXp(account, result);
    for (const resolve of this.#waiters.get(claimed.id) ?? []) resolve(result);
  }

  /** Why a signal must not run now, as its result; undefined when it may. */
  #refusal(row: SignalRow, recovering: boolean): ExecutionResult | undefined {
    const maxAttempts = this.options.maxAttempts ?? 5;
    const base = {
      success: false,
      idempotency_key: row.idempotencyKey,
      order_details: {
        exchange: String(row.payload.exchange ?? '') as ExecutionResult['order_details']['exchange'],
        action: String(row.payload.action ?? '') as ExecutionResult['order_details']['action'],
        symbol: String(row.payload.symbol ?? ''),
        results: {},
      },
    };
    if (row.attempts > maxAttempts) {
      return {
        ...base,
        code: 'EXECUTION_ABANDONED',
        message: `Execution was interrupted ${row.attempts - 1} times; abandoned — check the orders and position on the exchange`,
      };
    }
    const delay = this.#now() - row.receivedAt.getTime();
    const maxDelay = this.options.maxStartDelayMs ?? DEFAULT_MAX_START_DELAY_MS;
    if (!recovering && delay > maxDelay) {
      return {
        ...base,
        code: 'SIGNAL_EXPIRED',
        message: `Not executed: its turn came ${Math.round(delay / 1000)} s after it arrived (the server was down or busy), more than the ${Math.round(maxDelay / 1000)} s limit`,
      };
    }
    if (!recovering) {
      let signal: Signal | undefined;
      try {
        signal = this.#signalOf(row);
      } catch {
        return undefined; // execution reports the payload's problem
      }
      const lagMs = signal.signalTime === undefined ? 0 : this.#now() - signal.signalTime;
      if (signal.maxLagSeconds !== undefined && lagMs > signal.maxLagSeconds * 1000) {
        return {
          ...base,
          code: 'STALE_SIGNAL',
          message: `Not executed: the alert was ${Math.round(lagMs / 1000)} s old when its turn came, more than its max_lag of ${signal.maxLagSeconds} s`,
        };
      }
    }
    return undefined;
  }

  #signalOf(row: SignalRow): Signal {
    const signal = toSignal(row.payload as SignalPayload, { receivedAt: row.receivedAt.getTime() });
    return { ...signal, idempotencyKey: row.idempotencyKey };
  }

  async #execute(row: SignalRow, account: AccountRow): Promise<ExecutionResult> {
    const { database } = this.options;
    const started = performance.now();
    let result: ExecutionResult;
    let signal: Signal | undefined;
    try {
      signal = this.#signalOf(row);
      const credentials = decryptCredentials(this.options.keyRing, account.id, account);
      const exchange = countingErrors(
        this.options.connectExchange(account, credentials),
        this.options.exchangeErrors,
      );
      result = await this.#executor.executeSignal(signal, {
        exchange,
        account: { id: account.id, exchange: account.exchange, settings: accountSettings(account.settings) },
        leverageCache: this.#leverage,
        now: () => this.#now(),
        recordOrder: async (record) => {
          const values = {
            venueOrderId: record.order?.venueOrderId ?? null,
            symbol: record.venueSymbol,
            side: String(record.request.side ?? record.order?.side ?? ''),
            type: String(record.request.type ?? record.order?.type ?? ''),
            qty: record.order?.qty ?? (record.request.qty as string | undefined) ?? null,
            price: record.order?.avgPrice ?? record.order?.price ?? record.order?.triggerPrice ?? null,
            status: record.order?.status ?? record.status,
            request: record.request,
            response: record.order ? { ...record.order, raw: undefined } : null,
            error: record.error ?? null,
          };
          // A resumed signal meets its orders again: one row per client order id, kept current.
          await database.db
            .insert(orders)
            .values({
              id: randomUUID(),
              signalId: row.id,
              accountId: account.id,
              role: record.role,
              clientOrderId: record.order?.clientOrderId ?? record.idempotencyKey,
              ...values,
            })
            .onConflictDoUpdate({ target: [orders.accountId, orders.clientOrderId], set: values });
        },
        audit: async (event) => {
          await database.db.insert(auditLog).values({
            userId: account.userId,
            accountId: account.id,
            signalId: row.id,
            action: `executor.${event.type}`,
            details: { level: event.level, message: event.message, ...(event.data ?? {}) },
          });
        },
      });
    } catch (error) {
      // executeSignal reports trading outcomes itself; this is decryption or a programming error.
      const code = isAppError(error) ? error.code : 'INTERNAL';
      const message = isAppError(error) ? error.message : 'Execution failed unexpectedly';
      if (!isAppError(error))
        this.options.log?.error({ err: error, signalId: row.id }, 'signal execution failed');
      result = {
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
    }
    this.options.executionSeconds.observe(
      { exchange: account.exchange, success: String(result.success) },
      (performance.now() - started) / 1000,
    );
    return result;
  }

  async #audit(account: AccountRow, signalId: string, type: string, level: string, message: string) {
    await this.options.database.db.insert(auditLog).values({
      userId: account.userId,
      accountId: account.id,
      signalId,
      action: `worker.${type}`,
      details: { level, message, worker: this.id },
    });
  }

  async #creditXp(account: AccountRow, result: ExecutionResult): Promise<void> {
    const xp = xpForTrade(result);
    if (xp <= 0) return;
    const { db } = this.options.database;
    const [user] = await db
      .update(users)
      .set({ totalXp: sql`${users.totalXp} + ${xp}`, totalTrades: sql`${users.totalTrades} + 1` })
      .where(eq(users.id, account.userId))
      .returning({ totalXp: users.totalXp });
    if (user)
      await db
        .update(users)
        .set({ level: levelForXp(user.totalXp) })
        .where(eq(users.id, account.userId));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function accountSettings(settings: Record<string, unknown>): AccountSettings {
  const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
  return {
    defaultLeverage: num(settings.defaultLeverage) ?? 1,
    ...(num(settings.defaultSizePct) !== undefined ? { defaultSizePct: num(settings.defaultSizePct)! } : {}),
    ...(num(settings.slAtr) !== undefined ? { slAtr: num(settings.slAtr)! } : {}),
    ...(num(settings.tpAtr) !== undefined ? { tpAtr: num(settings.tpAtr)! } : {}),
  };
}

/** The venue, with every error it answers counted (metrics only: errors pass through untouched). */
function countingErrors(exchange: Exchange, counter: Counter | undefined): Exchange {
  if (counter === undefined) return exchange;
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
            counter.inc({
              venue: target.id,
              code: error.code,
              venue_code: details.venueCode === undefined ? '' : String(details.venueCode),
            });
          }
          throw error;
        });
      };
    },
  });
}
