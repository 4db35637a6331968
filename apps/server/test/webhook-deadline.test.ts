import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { signals } from '@tradingbot/db';
import { signUp, testApp, type TestApp } from './helpers.ts';

/*
 * The webhook answers within its deadline counted from the request's arrival, even while the
 * database cannot record the alert yet (held here by a transaction locking `signals`: on PGlite
 * the whole database waits, on PostgreSQL the insert does). The answer names the signal's id,
 * chosen before the insert, and the alert is recorded and executed afterwards under that id.
 */

let t: TestApp;
let account: { id: string; webhook_secret: string };
let auth: Record<string, string>;

beforeAll(async () => {
  t = await testApp({ answerWithinMs: 400 });
  const user = await signUp(t.app, 'deadline@example.com');
  auth = user.auth;
  const registered = await t.app.inject({
    method: 'POST',
    url: '/api/v1/accounts-secure/register',
    headers: user.auth,
    payload: { exchange: 'paper', api_key: 'k', api_secret: 's' },
  });
  account = registered.json();
});
afterAll(async () => {
  await t?.close();
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Holds `signals` locked until `release()`; resolves once the lock is taken. */
async function holdSignalsTable() {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let taken!: () => void;
  const isTaken = new Promise<void>((resolve) => (taken = resolve));
  const transaction = t.database.transaction(async (tx) => {
    await tx.query('LOCK TABLE signals IN EXCLUSIVE MODE');
    taken();
    await held;
  });
  await isTaken;
  return async () => {
    release();
    await transaction;
  };
}

describe('the webhook answer is due from arrival', () => {
  it('answers 202 with the signal id while the database cannot record the alert, then records and runs it', async () => {
    const release = await holdSignalsTable();
    let answer: Awaited<ReturnType<typeof t.app.inject>> | 'no answer';
    try {
      answer = await Promise.race([
        t.app.inject({
          method: 'POST',
          url: '/api/v1/webhook/tradingview',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify({
            account_id: account.id,
            secret: account.webhook_secret,
            exchange: 'paper',
            action: 'long',
            symbol: 'BTCUSDT',
            leverage: 2,
            id: 'slow-database-1',
          }),
        }),
        // far beyond the 400 ms deadline: without one, the request waits for the lock
        sleep(15_000).then(() => 'no answer' as const),
      ]);
    } finally {
      await release();
    }
    expect(answer).not.toBe('no answer');
    if (answer === 'no answer') return;
    expect(answer.statusCode).toBe(202);
    const body = answer.json() as { status: string; signal_id: string; success: boolean };
    expect(body).toMatchObject({ success: true, status: 'receiving' });
    expect(body.signal_id).toMatch(/^[0-9a-f-]{36}$/);

    // recorded under the id the answer gave, and executed
    let row: typeof signals.$inferSelect | undefined;
    for (let i = 0; i < 100; i++) {
      [row] = await t.database.db.select().from(signals).where(eq(signals.id, body.signal_id));
      if (row && (row.status === 'executed' || row.status === 'failed')) break;
      await sleep(200);
    }
    expect([row?.status, row?.errorCode, row?.errorMessage]).toEqual(['executed', null, null]);
    const read = await t.app.inject({
      method: 'GET',
      url: `/api/v1/signals/${body.signal_id}`,
      headers: auth,
    });
    expect(read.statusCode).toBe(200);
  });
});
