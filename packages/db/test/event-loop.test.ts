import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type Database } from '../src/index.ts';

/*
 * A backlog of queries must not starve the event loop: PGlite runs in this thread, and without a
 * yield between queries a queue of them ran back to back in microtasks, so no timer (the webhook's
 * 2.5 s answer) and no socket fired until the whole queue was done (300 queries: 0 timer ticks).
 */

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase(process.env.TEST_DATABASE_URL);
});
afterAll(async () => {
  await database?.close();
});

describe('a queue of queries', () => {
  it('lets a timer fire before the last of 300 concurrent queries finishes', async () => {
    let timerFiredAt = -1;
    let finished = 0;
    const timer = setTimeout(() => (timerFiredAt = finished), 0);
    await Promise.all(
      Array.from({ length: 300 }, async (_, i) => {
        await database.query('SELECT $1::int AS n', [i]);
        finished++;
      }),
    );
    clearTimeout(timer);
    expect(timerFiredAt).toBeGreaterThanOrEqual(0);
    expect(timerFiredAt).toBeLessThan(300);
  });

  it('and through the query builder and transactions alike', async () => {
    let timerFiredAt = -1;
    let finished = 0;
    const timer = setTimeout(() => (timerFiredAt = finished), 0);
    await Promise.all(
      Array.from({ length: 300 }, async (_, i) => {
        if (i % 2 === 0) await database.db.execute(`SELECT ${i} AS n`);
        else await database.transaction((tx) => tx.query('SELECT $1::int AS n', [i]));
        finished++;
      }),
    );
    clearTimeout(timer);
    expect(timerFiredAt).toBeGreaterThanOrEqual(0);
    expect(timerFiredAt).toBeLessThan(300);
  });
});
