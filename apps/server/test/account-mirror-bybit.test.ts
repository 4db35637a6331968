import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { fills, migrate, openTestDatabase, type Database } from '@tradingbot/db';
import { startBybitSimulator } from '@tradingbot/exchange/sim';
import { buildApp } from '../src/app.ts';
import { createExchangeFactory } from '../src/exchange-factory.ts';
import { TEST_DATABASE_URL, signUp, testConfig } from './helpers.ts';

/*
 * The account mirror on a Bybit account, through real sockets: the Bybit simulator's REST API and
 * its private stream (/v5/private: auth, order / execution / position / wallet), the webhook and the
 * mirror. The mirror is venue-neutral (it reads AccountEvents); this shows the Bybit stream feeds it
 * like the Binance one (account-mirror.test.ts has the full scenarios).
 */

const KEY = 'BybitMirrorKey0123';
const SECRET = 'BybitMirrorSecret0123456789abcdefghi';
const SYMBOL = 'BTCUSDT';

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the account mirror against the Bybit simulator', () => {
  let sim: Awaited<ReturnType<typeof startBybitSimulator>>;
  let database: Database;
  let app: FastifyInstance;
  let account: { id: string; webhook_secret: string };

  beforeAll(async () => {
    sim = await startBybitSimulator({
      port: 0,
      host: '127.0.0.1',
      apiKey: KEY,
      apiSecret: SECRET,
      balance: 10_000,
      prices: { [SYMBOL]: 50_000 },
    });
    database = await openTestDatabase(TEST_DATABASE_URL);
    await migrate(database);
    app = await buildApp({
      config: testConfig({ STREAMS_ENABLED: 'true' }),
      database,
      connectExchange: createExchangeFactory({ baseUrls: { bybit: sim.url }, requestTimeoutMs: 2_000 }),
      mirror: {
        sweepIntervalMs: 150,
        leaseMs: 1_500,
        protectionCheckDelayMs: 150,
        reconnectMinMs: 50,
        reconnectMaxMs: 300,
        reconcileIntervalMs: 60_000,
      },
      worker: { sweepIntervalMs: 200 },
    });
    const user = await signUp(app, 'bybit-mirror@example.com');
    const registered = await app.inject({
      method: 'POST',
      url: '/api/v1/accounts-secure/register',
      headers: user.auth,
      payload: { exchange: 'bybit', api_key: KEY, api_secret: SECRET },
    });
    if (registered.statusCode !== 200) throw new Error(`registration failed: ${registered.body}`);
    account = registered.json() as { id: string; webhook_secret: string };
    await until('the Bybit stream to be up', async () => {
      const session = app.mirror?.session(account.id);
      return session?.connectedOnce && session.stream.status.state === 'up' ? session : undefined;
    });
  });
  afterAll(async () => {
    await app?.close();
    await sim?.close();
    await database?.close();
  });

  it('the entry and a stop that fires on the venue are recorded as signal and stop_loss fills', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/webhook/tradingview',
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify({
        account_id: account.id,
        secret: account.webhook_secret,
        exchange: 'bybit',
        symbol: 'BYBIT:BTCUSDT.P',
        action: 'long',
        leverage: 5,
        qty: 0.1,
        sl_pct: 2,
        id: 'bybit-mirror-1',
      }),
    });
    expect(response.json()).toMatchObject({ success: true });
    const rows = () => database.db.select().from(fills).where(eq(fills.accountId, account.id));
    const entry = await until('the entry fill', async () =>
      (await rows()).find((f) => f.reason === 'signal'),
    );
    expect(entry).toMatchObject({ side: 'buy', qty: '0.1', symbol: SYMBOL });

    const price = await fetch(`${sim.url}/__sim/price`, {
      method: 'POST',
      body: JSON.stringify({ symbol: SYMBOL, price: '48500' }), // the stop rests at 49,000
    });
    expect(price.ok).toBe(true);
    const stop = await until(
      'the stop-loss fill',
      async () => (await rows()).find((f) => f.reason === 'stop_loss'),
      3_000,
    );
    expect(stop).toMatchObject({ side: 'sell', qty: '0.1' });
    expect(Number(stop.realizedPnl)).toBeLessThan(0);
    expect(Number(stop.fee)).toBeGreaterThan(0);
  });
});
