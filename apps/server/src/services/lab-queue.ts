import PgBoss from 'pg-boss';
import type { Database } from '@tradingbot/db';

/** Runs the job with this id; a rejection means "not finished, run it again later". */
export type JobHandler = (id: string) => Promise<void>;

/** Where lab jobs wait for a process to run them. The job itself is a `lab_jobs` row. */
export type JobQueue = {
  /** Starts taking jobs (a no-op taker in a process that does not run jobs). */
  start(handler: JobHandler): Promise<void>;
  send(id: string): Promise<void>;
  /** Stops taking jobs and waits for the handlers that are running (they are told to stop first). */
  stop(): Promise<void>;
};

/**
 * The embedded database's queue: jobs run in this process, `concurrency` at a time. The rows are
 * the only state, so a restart takes every job that was queued or running back into the queue
 * (PGlite has one process, so a running row at start-up belongs to a process that is gone).
 */
export class InProcessQueue implements JobQueue {
  private handler: JobHandler | null = null;
  private readonly waiting: string[] = [];
  private readonly runs = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly options: { database: Database; concurrency?: number }) {}

  async start(handler: JobHandler): Promise<void> {
    this.handler = handler;
    const rows = await this.options.database.query<{ id: string }>(
      `SELECT id FROM lab_jobs WHERE status IN ('queued', 'running') ORDER BY created_at, id`,
    );
    this.waiting.push(...rows.map((row) => row.id));
    this.pump();
  }

  async send(id: string): Promise<void> {
    this.waiting.push(id);
    this.pump();
  }

  private pump() {
    const handler = this.handler;
    if (handler === null) return;
    while (!this.stopped && this.runs.size < (this.options.concurrency ?? 1) && this.waiting.length > 0) {
      const id = this.waiting.shift()!;
      const run: Promise<void> = handler(id)
        .catch(() => undefined) // interrupted: its row says queued, the next start takes it
        .finally(() => {
          this.runs.delete(run);
          this.pump();
        });
      this.runs.add(run);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.runs]);
  }
}

export const LAB_QUEUE_NAME = 'lab-optimization';

/**
 * Creates pg-boss's schema under a transaction-scoped advisory lock before pg-boss starts: two
 * processes starting at once on a fresh database both ran `CREATE SCHEMA IF NOT EXISTS`, which is
 * not safe against itself (one failed with a duplicate key on pg_namespace, a race pg-boss does not
 * recognise); the rest of pg-boss's set-up takes its own lock.
 */
async function createSchemaOnce(database: Database, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new TypeError(`invalid pg-boss schema name ${schema}`);
  await database.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('pgboss-schema:' || $1, 0))`, [schema]);
    await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  });
}

/**
 * Runs `step` again when PostgreSQL chose it as a deadlock's victim (SQLSTATE 40P01; the victim's
 * transaction is rolled back, so a retry is the remedy): two server processes starting together
 * on one database can deadlock in pg-boss's `create_queue`, whose insert is `ON CONFLICT DO NOTHING`
 * and so safe to repeat. Up to five tries, a little apart.
 */
export async function retryOnDeadlock<T>(step: () => Promise<T>, tries = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (attempt >= tries || (error as { code?: unknown } | null)?.code !== '40P01') throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.random() * 50));
    }
  }
}

/**
 * PostgreSQL's queue: pg-boss (https://github.com/timgit/pg-boss), in its own schema, over the
 * server's connection pool. Every server process sharing the database can send; those with
 * `runJobs` (LAB_JOBS_RUN) also take jobs. A job whose process stopped is failed by pg-boss and
 * retried; one whose process died is retried once it expires (`expireInSeconds`).
 */
export class PgBossQueue implements JobQueue {
  private readonly boss: PgBoss;
  private readonly ready: Promise<void>;
  private readonly runs = new Set<Promise<void>>();

  constructor(
    private readonly options: {
      database: Database;
      /** pg-boss's schema (default `pgboss`); tests use one of their own. */
      schema?: string;
      runJobs: boolean;
      /** Seconds between looks for new jobs. */
      pollingIntervalSeconds?: number;
      log?: { error(obj: object, msg: string): void };
    },
  ) {
    const { database } = options;
    const schema = options.schema ?? 'pgboss';
    this.boss = new PgBoss({
      db: { executeSql: async (text, values) => ({ rows: await database.query(text, values ?? []) }) },
      schema,
      schedule: false,
      supervise: options.runJobs,
    });
    this.boss.on('error', (error) => options.log?.error({ err: error }, 'pg-boss error'));
    this.ready = createSchemaOnce(database, schema).then(async () => {
      await this.boss.start();
      await retryOnDeadlock(() =>
        this.boss.createQueue(LAB_QUEUE_NAME, {
          name: LAB_QUEUE_NAME,
          retryLimit: 20,
          retryDelay: 1,
          // A job of a process that died without stopping it is run again after this long.
          expireInSeconds: 60 * 60,
        }),
      );
    });
    this.ready.catch(() => undefined);
  }

  async start(handler: JobHandler): Promise<void> {
    await this.ready;
    if (!this.options.runJobs) return;
    await this.boss.work<{ id: string }>(
      LAB_QUEUE_NAME,
      { batchSize: 1, pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 2 },
      async ([job]) => {
        if (job === undefined) return;
        const run = handler(job.data.id);
        this.runs.add(run);
        try {
          await run;
        } finally {
          this.runs.delete(run);
        }
      },
    );
  }

  async send(id: string): Promise<void> {
    await this.ready;
    await this.boss.send(LAB_QUEUE_NAME, { id });
  }

  async stop(): Promise<void> {
    await this.ready.catch(() => undefined);
    await Promise.allSettled([...this.runs]);
    await this.boss.stop({ graceful: true, wait: true, timeout: 5_000, close: false });
  }
}
