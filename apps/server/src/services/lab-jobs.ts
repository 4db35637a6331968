import { randomUUID } from 'node:crypto';
import { getStrategy } from '@tradingbot/engine';
import { isAppError } from '@tradingbot/core';
import type { Database } from '@tradingbot/db';
import { ServerErrors } from '../errors.ts';
import { backtestOptions, fetchData, LAB_LIMITS, type KlineSources, type OptimizationInput } from './lab.ts';
import type { LabPool } from './lab-pool.ts';
import type { JobQueue } from './lab-queue.ts';

type JobStatus = 'queued' | 'running' | 'done' | 'failed';

/** A `lab_jobs` row as this service reads it. */
export type LabJob = {
  id: string;
  ownerId: string;
  strategy: string;
  status: JobStatus;
  done: number;
  total: number;
  result: unknown;
  error: { code: string; message: string } | null;
  createdAt: Date;
  finishedAt: Date | null;
};

type JobRow = {
  id: string;
  owner_id: string;
  strategy: string;
  status: JobStatus;
  done: number;
  total: number;
  input: OptimizationInput;
  result: unknown;
  error: { code: string; message: string } | null;
  created_at: Date | string;
  finished_at: Date | string | null;
};

const JOB_COLUMNS = 'id, owner_id, strategy, status, done, total, result, error, created_at, finished_at';

function toJob(row: Omit<JobRow, 'input'>): LabJob {
  return {
    id: row.id,
    ownerId: row.owner_id,
    strategy: row.strategy,
    status: row.status,
    done: row.done,
    total: row.total,
    result: row.result ?? null,
    error: row.error ?? null,
    createdAt: new Date(row.created_at),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
  };
}

/** Progress is written to the job's row at most this often. */
const PROGRESS_WRITE_MS = 500;

/** Raised inside a job that was stopped by shutdown: it goes back to the queue, it did not fail. */
class JobInterrupted extends Error {}

function isUniqueViolation(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause)
    if ((cause as { code?: unknown }).code === '23505') return true;
  return false;
}

/**
 * Optimization jobs, durable: each is a `lab_jobs` row (status, progress, result) owned by the user
 * who started it (others get 404), run on the lab worker pool by whichever process takes it from
 * the queue — pg-boss on PostgreSQL, so any server sharing the database may run it; in this process
 * on PGlite, where a restart puts unfinished jobs back in the queue. A job stopped by shutdown goes
 * back to the queue and runs again from the start. Finished jobs are deleted an hour after.
 */
export class LabJobs {
  private readonly running = new Map<string, AbortController>();

  constructor(
    private readonly deps: {
      database: Database;
      pool: LabPool;
      queue: JobQueue;
      sources?: KlineSources;
      now?: () => number;
      log?: { warn(obj: object, msg: string): void };
    },
  ) {}

  private now() {
    return new Date(this.deps.now?.() ?? Date.now());
  }

  /** Starts taking jobs from the queue (when this process runs jobs). */
  async start(): Promise<void> {
    await this.deps.queue.start((id) => this.execute(id));
  }

  private async sweep() {
    const now = this.now().getTime();
    await this.deps.database.query('DELETE FROM lab_jobs WHERE finished_at < $1', [
      new Date(now - LAB_LIMITS.jobTtlMs),
    ]);
    // A job still "running" long after any optimization could last lost its process for good (pg-boss
    // gave up on it): it fails with a code, so its owner may start another.
    const abandoned = ServerErrors.create('OPTIMIZATION_ABANDONED');
    await this.deps.database.query(
      `UPDATE lab_jobs SET status = 'failed', error = $1::jsonb, finished_at = $2
        WHERE status = 'running' AND started_at < $3`,
      [
        JSON.stringify({ code: abandoned.code, message: abandoned.message }),
        new Date(now),
        new Date(now - LAB_LIMITS.jobAbandonedMs),
      ],
    );
  }

  private async unfinished(ownerId: string) {
    return this.deps.database.query<{ id: string }>(
      `SELECT id FROM lab_jobs WHERE owner_id = $1 AND status IN ('queued', 'running')`,
      [ownerId],
    );
  }

  /** Checks the request (strategy, options, data: 4xx before any job exists), stores the job, queues it. */
  async submit(ownerId: string, input: OptimizationInput): Promise<LabJob> {
    return this.submitRequest(ownerId, async () => input);
  }

  /**
   * `submit` for a request still to be read (`readInput`: the raw body parsed and validated on a lab
   * worker): a user with a job unfinished is refused first, without waiting for a lab thread that
   * may be busy with that very job; then the validated request is checked and stored.
   */
  async submitRequest(ownerId: string, readInput: () => Promise<OptimizationInput>): Promise<LabJob> {
    await this.sweep();
    const busy = await this.unfinished(ownerId);
    if (busy.length >= LAB_LIMITS.runningPerUser)
      throw ServerErrors.create('OPTIMIZATION_BUSY', { details: { running: busy.map((j) => j.id) } });
    const input = await readInput();
    const declaration = getStrategy(input.strategy);
    backtestOptions(input.options);
    // Downloaded once here; the stored job carries its candles, whichever process runs it.
    const stored: OptimizationInput = { ...input, data: await fetchData(input.data, this.deps.sources) };
    await this.deps.pool.checkData(stored.data);
    const id = randomUUID();
    try {
      // The partial unique index (one unfinished job per owner) settles two requests at once.
      await this.deps.database.query(
        `INSERT INTO lab_jobs (id, owner_id, strategy, status, input, created_at) VALUES ($1, $2, $3, 'queued', $4::jsonb, $5)`,
        [id, ownerId, declaration.id, JSON.stringify(stored), this.now()],
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw ServerErrors.create('OPTIMIZATION_BUSY');
      throw error;
    }
    await this.deps.queue.send(id);
    return this.get(ownerId, id);
  }

  /** The caller's job; someone else's is as unknown as a job that never existed. */
  async get(ownerId: string, id: string): Promise<LabJob> {
    const [row] = await this.deps.database.query<JobRow>(
      `SELECT ${JOB_COLUMNS} FROM lab_jobs WHERE id = $1 AND owner_id = $2`,
      [id, ownerId],
    );
    if (row === undefined) throw ServerErrors.create('OPTIMIZATION_NOT_FOUND');
    return toJob(row);
  }

  /** Runs one job (the queue's handler); throws only when shutdown interrupted it, to be run again. */
  private async execute(id: string): Promise<void> {
    const { database } = this.deps;
    const [row] = await database.query<JobRow>(
      `UPDATE lab_jobs SET status = 'running', started_at = $2, attempts = attempts + 1, done = 0
        WHERE id = $1 AND status IN ('queued', 'running') RETURNING id, input`,
      [id, this.now()],
    );
    if (row === undefined) return; // finished already, or deleted with its user
    const abort = new AbortController();
    this.running.set(id, abort);
    const progress = this.progressWriter(id);
    try {
      const result = await this.optimizeWhenFree(row.input, progress.report, abort.signal).catch(
        (error: unknown) => {
          throw abort.signal.aborted ? new JobInterrupted() : error;
        },
      );
      await progress.flush();
      await database.query(
        `UPDATE lab_jobs SET status = 'done', result = $2::jsonb, done = $3, total = $3, finished_at = $4 WHERE id = $1`,
        [id, JSON.stringify(result), result.candidates, this.now()],
      );
    } catch (error) {
      await progress.flush();
      if (error instanceof JobInterrupted) {
        await database.query(`UPDATE lab_jobs SET status = 'queued' WHERE id = $1 AND status = 'running'`, [
          id,
        ]);
        throw error;
      }
      if (!isAppError(error)) this.deps.log?.warn({ err: error, job: id }, 'lab optimization failed');
      const failure = isAppError(error)
        ? { code: error.code, message: error.message }
        : { code: 'INTERNAL', message: 'The optimization failed' };
      await database.query(
        `UPDATE lab_jobs SET status = 'failed', error = $2::jsonb, finished_at = $3 WHERE id = $1`,
        [id, JSON.stringify(failure), this.now()],
      );
    } finally {
      this.running.delete(id);
    }
  }

  /** A job waits for room in the lab pool (backtests filled its queue) rather than failing with LAB_BUSY. */
  private async optimizeWhenFree(
    input: OptimizationInput,
    report: (done: number, total: number) => void,
    signal: AbortSignal,
  ) {
    for (;;) {
      try {
        return await this.deps.pool.optimize(input, report, signal);
      } catch (error) {
        if (!ServerErrors.is(error, 'LAB_BUSY') || signal.aborted) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  }

  /** Progress from the worker, written to the row at most every PROGRESS_WRITE_MS, one write at a time. */
  private progressWriter(id: string) {
    let latest: { done: number; total: number } | null = null;
    let lastWrite = 0;
    let writing: Promise<unknown> = Promise.resolve();
    const write = () => {
      const values = latest;
      latest = null;
      lastWrite = Date.now();
      if (values === null) return writing;
      writing = writing
        .then(() =>
          this.deps.database.query(
            `UPDATE lab_jobs SET done = $2, total = $3 WHERE id = $1 AND status = 'running'`,
            [id, values.done, values.total],
          ),
        )
        .catch(() => undefined);
      return writing;
    };
    return {
      report: (done: number, total: number) => {
        latest = { done, total };
        if (Date.now() - lastWrite >= PROGRESS_WRITE_MS) void write();
      },
      flush: () => write(),
    };
  }

  /** Shutdown: running jobs are stopped and go back to the queue; the queue stops taking jobs. */
  async close(): Promise<void> {
    for (const abort of this.running.values()) abort.abort();
    await this.deps.queue.stop();
  }
}

export function jobJson(job: LabJob) {
  return {
    id: job.id,
    strategy: job.strategy,
    status: job.status,
    progress: { done: job.done, total: job.total },
    created_at: job.createdAt.toISOString(),
    finished_at: job.finishedAt?.toISOString() ?? null,
    result: job.result as never,
    error: job.error,
  };
}
