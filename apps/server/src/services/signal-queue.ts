import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { signals, type Database } from '@tradingbot/db';
import type { ExecutionResult } from '@tradingbot/executor';

export type SignalRow = typeof signals.$inferSelect;

export type SignalQueueOptions = {
  database: Database;
  /** This process's name in `account_leases.holder` and `signals.locked_by`. */
  holder: string;
  leaseMs: number;
  sweepIntervalMs: number;
  now: () => number;
  /** Runs one signal while this process holds its account's lease. */
  run: (row: SignalRow) => Promise<void>;
  log?: { error(obj: object, msg: string): void };
};

/**
 * The lease queue: an account's signals run one at a time, oldest first, in whichever process
 * holds the account's lease (`account_leases`); the holder renews it while it works and drains the
 * account before letting go, then looks once more, so a signal recorded by another process while
 * it was letting go is never stranded. A lease that is not renewed expires: the sweeper (at start
 * and every few seconds) finds accounts with unfinished signals and takes them over.
 */
export class SignalQueue {
  readonly #draining = new Map<string, Promise<void>>();
  readonly #rerun = new Set<string>();
  #sweeper: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(private readonly options: SignalQueueOptions) {}

  /** Started and not stopped: it takes work. */
  get isRunning(): boolean {
    return this.#sweeper !== undefined && !this.#stopped;
  }

  /** Starts the sweeper; the first sweep (crash recovery) runs now. */
  start(): void {
    if (this.#sweeper) return;
    void this.sweep();
    this.#sweeper = setInterval(() => void this.sweep(), this.options.sweepIntervalMs);
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

  /**
   * Marks the signal as executing by this process (one more attempt); undefined when another
   * process finished it meanwhile. `startedAt` is kept from the first attempt.
   */
  async claim(row: SignalRow): Promise<SignalRow | undefined> {
    const [claimed] = await this.options.database.db
      .update(signals)
      .set({
        status: 'executing',
        lockedBy: this.options.holder,
        lockedUntil: sql`now() + ${this.options.leaseMs} * interval '1 millisecond'`,
        startedAt: row.startedAt ?? new Date(this.options.now()),
        attempts: sql`${signals.attempts} + 1`,
      })
      .where(and(eq(signals.id, row.id), inArray(signals.status, ['received', 'executing'])))
      .returning();
    return claimed;
  }

  /** Writes the signal's final status and result, and lets go of its lock. */
  async finish(signalId: string, result: ExecutionResult): Promise<void> {
    await this.options.database.db
      .update(signals)
      .set({
        status: result.success ? 'executed' : 'failed',
        result,
        errorCode: result.success ? null : (result.code ?? null),
        errorMessage: result.success ? null : result.message,
        finishedAt: new Date(this.options.now()),
        lockedBy: null,
        lockedUntil: null,
      })
      .where(eq(signals.id, signalId));
  }

  /** Renews the account's lease (and the signal's lock) every third of a lease until `task` settles. */
  async whileHeld<T>(accountId: string, signalId: string, task: () => Promise<T>): Promise<T> {
    const heartbeat = setInterval(() => {
      void this.#renew(accountId, signalId).then((held) => {
        if (!held) this.options.log?.error({ accountId }, 'signal worker: lost an account lease');
      });
    }, this.options.leaseMs / 3);
    heartbeat.unref();
    try {
      return await task();
    } finally {
      clearInterval(heartbeat);
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
          await this.options.run(next);
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
      [accountId, this.options.holder, this.options.leaseMs],
    );
    return rows.length === 1;
  }

  /** Extends this process's lease on the account (and its lock on the signal it runs); false if lost. */
  async #renew(accountId: string, signalId?: string): Promise<boolean> {
    const { database, holder, leaseMs } = this.options;
    const rows = await database.query(
      `UPDATE account_leases SET expires_at = now() + $3 * interval '1 millisecond'
        WHERE account_id = $1 AND holder = $2 RETURNING account_id`,
      [accountId, holder, leaseMs],
    );
    if (signalId !== undefined) {
      await database.query(
        `UPDATE signals SET locked_until = now() + $3 * interval '1 millisecond' WHERE id = $1 AND locked_by = $2`,
        [signalId, holder, leaseMs],
      );
    }
    return rows.length === 1;
  }

  async #release(accountId: string): Promise<void> {
    await this.options.database.query(`DELETE FROM account_leases WHERE account_id = $1 AND holder = $2`, [
      accountId,
      this.options.holder,
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
}
