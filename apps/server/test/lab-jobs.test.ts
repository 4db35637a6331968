import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openTestDatabase, type Database } from '@tradingbot/db';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '../src/app.ts';
import type { Config } from '../src/config.ts';
import { signUp, TEST_DATABASE_URL, testConfig } from './helpers.ts';

/**
 * Optimization jobs are rows in the database: they outlive the server that accepted them. A server
 * closed before or while a job runs puts it back in the queue; the next server (or, on PostgreSQL,
 * any server sharing the database) runs it, and GET answers its result.
 */
type Job = {
  id: string;
  status: string;
  progress: { done: number; total: number };
  result: unknown;
  error: unknown;
};

const optimization = {
  strategy: 'ema_cross',
  data: { source: 'sample', timeframe: '1h' },
  trials: 60,
  method: 'random',
  walk_forward: 2,
};

async function server(
  database: Database,
  config: Config,
  labQueue: AppDeps['labQueue'] = {},
): Promise<FastifyInstance> {
  const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
  return buildApp({ config, database, logStream: quiet, labQueue });
}

async function readJob(app: FastifyInstance, id: string, auth: Record<string, string>): Promise<Job> {
  const response = await app.inject({ method: 'GET', url: `/api/v1/optimizations/${id}`, headers: auth });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as Job;
}

async function waitForFinish(app: FastifyInstance, id: string, auth: Record<string, string>): Promise<Job> {
  for (let k = 0; k < 900; k++) {
    const job = await readJob(app, id, auth);
    if (job.status === 'done' || job.status === 'failed') return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the optimization did not finish');
}

async function submit(app: FastifyInstance, auth: Record<string, string>): Promise<Job> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/optimizations',
    headers: auth,
    payload: optimization,
  });
  expect(response.statusCode, response.body).toBe(202);
  return response.json() as Job;
}

describe(`durable optimization jobs (${TEST_DATABASE_URL ? 'PostgreSQL, pg-boss' : 'PGlite, in-process'})`, () => {
  let database: Database;
  const config = testConfig();
  const pgBossSchema = `pgboss_${randomBytes(5).toString('hex')}`;
  const queue = { pgBossSchema, pollingIntervalSeconds: 0.5 };

  beforeAll(async () => {
    database = await openTestDatabase(TEST_DATABASE_URL);
    await migrate(database);
  });
  afterAll(async () => {
    if (database.kind === 'postgres') await database.exec(`DROP SCHEMA IF EXISTS ${pgBossSchema} CASCADE`);
    await database.close();
  });

  it('survives a restart: a job accepted by one server is finished by the next, and GET shows its result', async () => {
    const first = await server(database, config, queue);
    const alice = await signUp(first, 'alice-jobs@example.com');
    const job = await submit(first, alice.auth);
    expect(['queued', 'running']).toContain(job.status);
    // Closed while the job is queued or running: it is stopped and goes back to the queue.
    await first.close();
    const [row] = await database.query<{ status: string }>('SELECT status FROM lab_jobs WHERE id = $1', [
      job.id,
    ]);
    expect(row?.status).toBe('queued');

    const second = await server(database, config, queue);
    try {
      const finished = await waitForFinish(second, job.id, alice.auth);
      expect(finished.error).toBeNull();
      expect(finished.status).toBe('done');
      expect(finished.progress).toEqual({ done: 60, total: 60 });
      expect((finished.result as { ranking: unknown[] }).ranking.length).toBeGreaterThan(0);
      // Owner-scoped, from the database: another user does not see it.
      const bob = await signUp(second, 'bob-jobs@example.com');
      const foreign = await second.inject({
        method: 'GET',
        url: `/api/v1/optimizations/${job.id}`,
        headers: bob.auth,
      });
      expect(foreign.statusCode).toBe(404);
      expect(foreign.json().error.code).toBe('OPTIMIZATION_NOT_FOUND');
    } finally {
      await second.close();
    }
  });

  it('fails a job whose process was lost for good (still running hours later), so its owner can start another', async () => {
    const app = await server(database, config, queue);
    try {
      const dave = await signUp(app, 'dave-jobs@example.com');
      const started = new Date(Date.now() - 4 * 60 * 60 * 1000);
      await database.query(
        `INSERT INTO lab_jobs (id, owner_id, strategy, status, input, created_at, started_at)
          VALUES ('lost-job', $1, 'ema_cross', 'running', '{}'::jsonb, $2, $2)`,
        [dave.user.id, started],
      );
      const job = await submit(app, dave.auth);
      const lost = await readJob(app, 'lost-job', dave.auth);
      expect(lost.status).toBe('failed');
      expect((lost.error as { code: string }).code).toBe('OPTIMIZATION_ABANDONED');
      expect((await waitForFinish(app, job.id, dave.auth)).status).toBe('done');
    } finally {
      await app.close();
    }
  });

  it.skipIf(!TEST_DATABASE_URL)(
    'a web-only server (LAB_JOBS_RUN=false) queues the job; a worker server sharing the database runs it',
    async () => {
      const web = await server(database, testConfigLike(config, { LAB_JOBS_RUN: 'false' }), queue);
      let worker: FastifyInstance | undefined;
      try {
        const carol = await signUp(web, 'carol-jobs@example.com');
        const job = await submit(web, carol.auth);
        // Nobody takes it while only the web-only server is up (pg-boss polls every 0.5 s here).
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        expect((await readJob(web, job.id, carol.auth)).status).toBe('queued');
        worker = await server(database, config, queue);
        const finished = await waitForFinish(web, job.id, carol.auth);
        expect(finished.status).toBe('done');
        const [row] = await database.query<{ attempts: number }>(
          'SELECT attempts FROM lab_jobs WHERE id = $1',
          [job.id],
        );
        expect(row?.attempts).toBe(1);
      } finally {
        await web.close();
        await worker?.close();
      }
    },
  );
});

/** The same secrets (sessions work on both servers), other settings. */
function testConfigLike(config: Config, overrides: Record<string, string>): Config {
  return { ...config, lab: { ...config.lab, runJobs: overrides['LAB_JOBS_RUN'] !== 'false' } };
}
