import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { signals } from '@tradingbot/db';
import { startBinanceSimulator } from '@tradingbot/exchange/sim';
import { createExchangeFactory } from '../src/exchange-factory.ts';
import { signUp, testApp, type TestApp } from './helpers.ts';

// Issue 15, finding 12: a venue that accepts connections and never answers must not hold an
// account's signal queue for tens of seconds. The request timeout here is a minute (longer than
// the test may take): only the signal's venue deadline can end the first signal.

const KEY = 'D'.repeat(32) + 'd'.repeat(32);
const SECRET = 'E'.repeat(32) + 'e'.repeat(32);
const DEADLINE_MS = 1500;

let t: TestApp;
let sim: Awaited<ReturnType<typeof startBinanceSimulator>>;
let account: { id: string; webhook_secret: string };

beforeAll(async () => {
  sim = await startBinanceSimulator({
    port: 0,
    host: '127.0.0.1',
    apiKey: KEY,
    apiSecret: SECRET,
    balance: 10_000,
    prices: { BTCUSDT: 50_000 },
  });
  t = await testApp({
    connectExchange: createExchangeFactory({ baseUrls: { binance: sim.url }, requestTimeoutMs: 60_000 }),
    worker: { venueDeadlineMs: DEADLINE_MS },
    answerWithinMs: 100,
  });
  const user = await signUp(t.app, 'deadline@example.com');
  account = (
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/accounts-secure/register',
      headers: user.auth,
      payload: { exchange: 'binance', api_key: KEY, api_secret: SECRET },
    })
  ).json();
});
afterAll(async () => {
  await t.close();
  await sim.close();
});

const alert = (id: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/webhook/tradingview',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({
      account_id: account.id,
      exchange: 'binance',
      action: 'long',
      symbol: 'BINANCE:BTCUSDT.P',
      leverage: 2,
      qty_pct: 5,
      id,
      secret: account.webhook_secret,
    }),
  });

async function finalStatus(signalId: string, withinMs: number): Promise<string> {
  const until = Date.now() + withinMs;
  for (;;) {
    const [row] = await t.database.db.select().from(signals).where(eq(signals.id, signalId));
    if (row && row.status !== 'received' && row.status !== 'executing') return row.status;
    if (Date.now() > until) return row?.status ?? 'missing';
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a hung venue and the per-signal deadline', () => {
  it('ends the signal failed at its deadline and runs the account’s next signal', async () => {
    sim.faults.add({ kind: 'hang', times: Infinity });
    const first = (await alert('deadline-1')).json() as { signal_id: string };
    expect(first.signal_id).toBeDefined();
    // the venue never answers: only the deadline can end it (the request timeout is a minute)
    expect(await finalStatus(first.signal_id, 15_000)).toBe('failed');
    const [row] = await t.database.db.select().from(signals).where(eq(signals.id, first.signal_id));
    expect(JSON.stringify(row?.result)).toMatch(/EXCHANGE_TIMEOUT|EXCHANGE_RESULT_UNKNOWN/);

    sim.faults.clear();
    const second = await alert('deadline-2');
    const body = second.json() as { signal_id: string };
    const status = await finalStatus(body.signal_id, 15_000);
    const [next] = await t.database.db.select().from(signals).where(eq(signals.id, body.signal_id));
    expect(status, JSON.stringify(next?.result)).toBe('executed');
  });
});
