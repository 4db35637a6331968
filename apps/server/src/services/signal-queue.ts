import { eq } from 'drizzle-orm';
import { accounts, type signals, type Database } from '@tradingbot/db';
import { ExecutionSlots, type SlotLimits } from '@tradingbot/executor';

export type SignalRow = typeof signals.$inferSelect;

/** A signal this process has just claimed, and whether an earlier attempt had started it (a resume). */
export type ClaimedSignal = { row: SignalRow; resumed: boolean };

/** Whose an account is: the venue its signals trade on and its user (the slots' fairness). */
export type AccountOwner = { venue: string; userId: string };

/** Default slot limits: executions at once per process, and per venue within it. */
export const DEFAULT_SLOT_LIMITS: SlotLimits = { perProcess: 64, perVenue: 32 };

export type SignalQueueOptions = {
  database: Database;
  /** This process's name in `account_leases.holder` and `signals.locked_by`. */
  holder: string;
  leaseMs: number;
  sweepIntervalMs: number;
  now: () => number;
  /** Runs one signal, claimed by this process, while it holds its account's lease and a slot. */
  run: (claimed: ClaimedSignal) => Promise<void>;
  /** Executions at once (process, venue); shared with whoever reports venue back-offs. */
  slots?: ExecutionSlots;
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
  /** Accounts whose lease this process holds now (results are known here, no need to poll the table). */
  readonly #held = new Set<string>();
  readonly slots: ExecutionSlots;
  #sweeper: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(private readonly options: SignalQueueOptions) {
    this.slots = options.slots ?? new ExecutionSlots(DEFAULT_SLOT_LIMITS);
  }

  /** Whether this process is working on the account (queued for a slot, or holding its lease). */
  worksOn(accountId: string): boolean {
    return this.#held.has(accountId) || (this.#draining.has(accountId) && !this.#stopped);
  }

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
  kick(accountId: string, owner?: AccountOwner): void {
    if (this.#stopped) return;
    if (this.#draining.has(accountId)) {
      this.#rerun.add(accountId);
      return;
    }
    const run = this.#drain(accountId, owner)
      .catch((error: unknown) =>
        this.options.log?.error({ err: error, accountId }, 'signal worker: draining an account failed'),
      )
      .finally(() => {
        this.#draining.delete(accountId);
        if (this.#rerun.delete(accountId)) this.kick(accountId, owner);
      });
    this.#draining.set(accountId, run);
  }

  /** Finds accounts with unfinished signals nobody is working on, and works on them. */
  async sweep(): Promise<void> {
    if (this.#stopped) return;
    try {
      const rows = await this.options.database.query<{
        account_id: string;
        exchange: string;
        user_id: string;
      }>(
        `SELECT DISTINCT s.account_id, a.exchange, a.user_id FROM signals s
           JOIN api_keys a ON a.id = s.account_id
           LEFT JOIN account_leases l ON l.account_id = s.account_id
          WHERE s.status IN ('received', 'executing') AND (l.account_id IS NULL OR l.expires_at < now())`,
      );
      for (const row of rows) this.kick(row.account_id, { venue: row.exchange, userId: row.user_id });
    } catch (error) {
      this.options.log?.error({ err: error }, 'signal worker: sweep failed');
    }
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

  /**
   * Runs the account's pending signals one by one. Each signal waits for a slot (`ExecutionSlots`:
   * bounded per process and per venue, fair between users) before it is claimed; the account's
   * lease is taken with the first slot and kept until the account is drained.
   */
  async #drain(accountId: string, known?: AccountOwner): Promise<void> {
    const owner = known ?? (await this.#ownerOf(accountId));
    if (!owner) return; // deleted with its signals
    const claim = { venue: owner.venue, userId: owner.userId, accountId };
    for (;;) {
      let leased = false;
      try {
        for (;;) {
          if (this.#stopped) return;
          const release = await this.slots.acquire(claim);
          try {
            if (this.#stopped) return;
            if (!leased) {
              if (!(await this.#acquire(accountId))) return; // the holder drains it, and looks again after letting go
              leased = true;
              this.#held.add(accountId);
            }
            // One statement: extend the lease (a drain can outlast it), take the oldest pending
            // signal and mark it executing. Nothing when the lease was lost (this process stalled
            // past it and another one took over) or nothing is pending.
            const next = await this.#claimNext(accountId);
            if (!next) break;
            await this.options.run(next);
          } finally {
            release();
          }
        }
      } finally {
        if (leased) {
          this.#held.delete(accountId);
          await this.#release(accountId);
        }
      }
      if (this.#stopped || !(await this.#hasPending(accountId))) return;
    }
  }

  async #ownerOf(accountId: string): Promise<AccountOwner | undefined> {
    const [row] = await this.options.database.db
      .select({ venue: accounts.exchange, userId: accounts.userId })
      .from(accounts)
      .where(eq(accounts.id, accountId));
    return row;
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

  /**
   * Claims the account's oldest unfinished signal for this process (one more attempt; `startedAt`
   * kept from the first) and extends the account's lease, in one statement; undefined when nothing
   * is pending or the lease is no longer this process's.
   */
  async #claimNext(accountId: string): Promise<ClaimedSignal | undefined> {
    const { database, holder, leaseMs } = this.options;
    const rows = await database.query<Record<string, unknown>>(
      `WITH lease AS (
         UPDATE account_leases SET expires_at = now() + $3 * interval '1 millisecond'
          WHERE account_id = $1 AND holder = $2 RETURNING account_id
       ), next AS (
         SELECT id, status AS previous_status FROM signals
          WHERE account_id = $1 AND status IN ('received', 'executing') AND EXISTS (SELECT 1 FROM lease)
          ORDER BY received_at, id LIMIT 1 FOR UPDATE
       )
       UPDATE signals s SET status = 'executing', locked_by = $2,
              locked_until = now() + $3 * interval '1 millisecond',
              started_at = coalesce(s.started_at, to_timestamp($4 / 1000.0)), attempts = s.attempts + 1
         FROM next WHERE s.id = next.id
       RETURNING s.*, next.previous_status`,
      [accountId, holder, leaseMs, this.options.now()],
    );
    const row = rows[0];
    return row ? { row: signalRowOf(row), resumed: row.previous_status === 'executing' } : undefined;
  }

  async #hasPending(accountId: string): Promise<boolean> {
    const rows = await this.options.database.query(
      `SELECT 1 FROM signals WHERE account_id = $1 AND status IN ('received', 'executing') LIMIT 1`,
      [accountId],
    );
    return rows.length > 0;
  }
}

/** A `signals` row read with raw SQL, in Drizzle's shape. */
function signalRowOf(raw: Record<string, unknown>): SignalRow {
  const date = (value: unknown) =>
    value === null || value === undefined ? null : value instanceof Date ? value : new Date(String(value));
  const json = (value: unknown) => (typeof value === 'string' ? (JSON.parse(value) as unknown) : value);
  return {
    id: String(raw.id),
    accountId: String(raw.account_id),
    userId: String(raw.user_id),
    idempotencyKey: String(raw.idempotency_key),
    payload: json(raw.payload) as Record<string, unknown>,
    sourceIp: (raw.source_ip as string | null) ?? null,
    receivedAt: date(raw.received_at)!,
    status: raw.status as SignalRow['status'],
    result: json(raw.result) ?? null,
    errorCode: (raw.error_code as string | null) ?? null,
    errorMessage: (raw.error_message as string | null) ?? null,
    startedAt: date(raw.started_at),
    finishedAt: date(raw.finished_at),
    attempts: Number(raw.attempts),
    lockedBy: (raw.locked_by as string | null) ?? null,
    lockedUntil: date(raw.locked_until),
  };
}
