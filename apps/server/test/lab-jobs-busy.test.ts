import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrate, openTestDatabase, type Database } from '@tradingbot/db';
import { ServerErrors } from '../src/errors.ts';
import { LabJobs } from '../src/services/lab-jobs.ts';
import type { LabPool } from '../src/services/lab-pool.ts';
import { InProcessQueue } from '../src/services/lab-queue.ts';

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase(undefined);
  await migrate(database);
  await database.query(`INSERT INTO users (id, email, password_hash) VALUES ('u1', 'u1@example.com', 'x')`);
});
afterAll(async () => database.close());

it('an optimization job waits while backtests fill the lab pool (LAB_BUSY) instead of failing', async () => {
  // The pool's answers are scripted: twice full, then the result (the real pool refuses with LAB_BUSY
  // exactly when its threads and queue are taken, lab-workers.test.ts).
  let calls = 0;
  const pool = {
    checkData: async () => ({ bars: 500 }),
    optimize: async () => {
      calls += 1;
      if (calls <= 2) throw ServerErrors.create('LAB_BUSY');
      return { candidates: 3, ranking: [] };
    },
  } as unknown as LabPool;
  const jobs = new LabJobs({ database, pool, queue: new InProcessQueue({ database }) });
  await jobs.start();
  const job = await jobs.submit('u1', {
    strategy: 'ema_cross',
    data: { source: 'sample' },
    objective: 'sharpe',
    method: 'random',
    trials: 3,
    seed: 1,
    min_trades: 1,
    walk_forward: 0,
    in_sample_ratio: 3,
  });
  let current = job;
  for (let k = 0; k < 100 && (current.status === 'queued' || current.status === 'running'); k++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    current = await jobs.get('u1', job.id);
  }
  expect(current.error).toBeNull();
  expect(current.status).toBe('done');
  expect(calls).toBe(3);
  await jobs.close();
});
