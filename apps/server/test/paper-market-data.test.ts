import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { accounts } from '@tradingbot/db';
import type { Exchange } from '@tradingbot/exchange';
import { startBinanceSimulator, type Candle } from '@tradingbot/exchange/sim';
import { decryptCredentials } from '../src/crypto/credentials.ts';
import { createExchangeFactory, type ExchangeFactory } from '../src/exchange-factory.ts';
import { databasePaperStateStore } from '../src/services/paper-state.ts';
import { signUp, testApp, type TestApp } from './helpers.ts';

/*
 * Paper trading on the real market (issue 20 item 4) through the API: a paper account chooses its
 * market data (`synthetic`, `binance`, `okx`), validated; a Binance-following account's position
 * marks to the price the (simulated) public stream sends; its state survives a restart of the
 * venue factory (stored in paper_venue_state, restored by the next one, which follows the stream
 * again); switching the source keeps the account.
 */

const MINUTE = 60_000;
const T0 = Math.floor(Date.now() / MINUTE) * MINUTE;

function flatHistory(): Candle[] {
  const out: Candle[] = [];
  for (let t = T0 - 14 * 60 * MINUTE; t <= T0 + 60 * MINUTE; t += MINUTE) {
    out.push({ time: t, open: 50_000, high: 50_000, low: 50_000, close: 50_000, volume: 10 });
  }
  return out;
}

type Sim = Awaited<ReturnType<typeof startBinanceSimulator>>;
let sim: Sim;
let t: TestApp;
let factory: ExchangeFactory;
let owner: Awaited<ReturnType<typeof signUp>>;
let stranger: Awaited<ReturnType<typeof signUp>>;

const newFactory = (): ExchangeFactory =>
  createExchangeFactory({
    baseUrls: { binance: sim.url },
    paperState: {
      load: (id) => databasePaperStateStore(t.database).load(id),
      save: (id, snapshot) => databasePaperStateStore(t.database).save(id, snapshot),
    },
    publicStreamBackoffMs: { min: 50, max: 200 },
    sweepEveryMs: 0,
  });

async function setSimPrice(price: string): Promise<void> {
  const response = await fetch(`${sim.url}/__sim/price`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ symbol: 'BTCUSDT', price }),
  });
  if (!response.ok) throw new Error(await response.text());
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 8_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const register = (auth: Record<string, string>, payload: object) =>
  t.app.inject({ method: 'POST', url: '/api/v1/accounts-secure/register', headers: auth, payload });

type PositionsBody = {
  positions: Array<{ venue_symbol: string; qty: string; mark_price: string; unrealized_pnl: string }>;
  market_data?: { source: string; state: string; reason?: string };
};
const positions = async (id: string): Promise<PositionsBody> =>
  (
    await t.app.inject({ method: 'GET', url: `/api/v1/accounts-secure/${id}/positions`, headers: owner.auth })
  ).json();

/** The account's venue client as the server builds it (the executor's view). */
async function venueOf(id: string): Promise<Exchange> {
  const [row] = await t.database.db.select().from(accounts).where(eq(accounts.id, id));
  if (row === undefined) throw new Error('no such account');
  return factory(row, decryptCredentials(t.config.keyRing, row.id, row));
}

beforeAll(async () => {
  sim = await startBinanceSimulator({
    apiKey: 'k'.repeat(20),
    apiSecret: 's'.repeat(20),
    candles: flatHistory(),
  });
  t = await testApp({ connectExchange: (account, credentials) => factory(account, credentials) });
  factory = newFactory();
  owner = await signUp(t.app, 'paper-market@example.com');
  stranger = await signUp(t.app, 'paper-market-stranger@example.com');
});
afterAll(async () => {
  await factory.close();
  await t.close();
  await sim.close();
});

describe('paper accounts on real market data', () => {
  it('validates the choice: paper only, one of synthetic | binance | okx; synthetic by default and labelled', async () => {
    const live = await register(owner.auth, {
      exchange: 'binance',
      api_key: 'B'.repeat(64),
      api_secret: 'C'.repeat(64),
      market_data: 'binance',
    });
    expect(live.statusCode).toBe(400);
    expect(live.json().error.details.issues).toEqual([expect.objectContaining({ field: 'market_data' })]);

    const unknown = await register(owner.auth, { exchange: 'paper', market_data: 'kraken' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details.issues).toEqual([
      expect.objectContaining({ field: 'market_data', code: 'invalid_value' }),
    ]);

    const plain = await register(owner.auth, { exchange: 'paper' });
    expect(plain.json()).toMatchObject({ exchange: 'paper', market_data: 'synthetic' });
    expect((await positions(plain.json().id)).market_data).toMatchObject({
      source: 'synthetic',
      state: 'up',
    });
  });

  it('marks a position to the streamed price, survives a restart, and keeps the account when the source changes', async () => {
    const created = await register(owner.auth, { exchange: 'paper', market_data: 'binance', label: 'real' });
    expect(created.statusCode, created.body).toBe(200);
    const id = created.json().id as string;
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/accounts-secure/list',
      headers: owner.auth,
    });
    expect(list.json().accounts).toContainEqual(expect.objectContaining({ id, market_data: 'binance' }));

    await positions(id); // the first call warms up from REST and opens the public stream
    await setSimPrice('50100');
    await eventually(
      () => venueOf(id).then((v) => v.ticker('BTCUSDT')),
      (x) => x.price === '50100',
      'the mark',
    );
    const order = await (
      await venueOf(id)
    ).placeOrder({ venueSymbol: 'BTCUSDT', side: 'buy', type: 'market', qty: '0.01', idempotencyKey: 'k1' });
    expect(order.avgPrice).toBe('50100');

    await setSimPrice('50250');
    const marked = await eventually(
      () => positions(id),
      (body) => body.positions[0]?.mark_price === '50250',
      'the position marked to the stream',
    );
    expect(marked.market_data).toMatchObject({ source: 'binance', state: 'up' });
    expect(Number(marked.positions[0]?.unrealized_pnl)).toBeCloseTo(1.5, 8); // 0.01 × 150

    // Restart: the factory stores the state and closes its feed; a new one restores it and follows the stream again.
    await factory.close();
    factory = newFactory();
    const restored = await eventually(
      // The simulator streams a mark when its price is set (the venue every second): set it until the new feed hears it.
      async () => {
        await setSimPrice('50300');
        return positions(id);
      },
      (body) => body.positions[0]?.mark_price === '50300',
      'the restored position marked to the stream',
    );
    expect(restored.positions).toEqual([expect.objectContaining({ venue_symbol: 'BTCUSDT', qty: '0.01' })]);

    // Another user cannot switch it; the owner can, and the position stays.
    const foreign = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/accounts-secure/${id}/market-data`,
      headers: stranger.auth,
      payload: { market_data: 'synthetic' },
    });
    expect(foreign.statusCode).toBe(404);
    const switched = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/accounts-secure/${id}/market-data`,
      headers: owner.auth,
      payload: { market_data: 'synthetic' },
    });
    expect(switched.json()).toMatchObject({ id, market_data: 'synthetic' });
    const synthetic = await positions(id);
    expect(synthetic.market_data).toMatchObject({ source: 'synthetic' });
    expect(synthetic.positions).toEqual([expect.objectContaining({ venue_symbol: 'BTCUSDT', qty: '0.01' })]);
  });

  it('a live account cannot switch to paper market data', async () => {
    const live = await register(owner.auth, {
      exchange: 'binance',
      api_key: 'B'.repeat(64),
      api_secret: 'C'.repeat(64),
    });
    expect(live.json().market_data).toBeNull();
    const refused = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/accounts-secure/${live.json().id}/market-data`,
      headers: owner.auth,
      payload: { market_data: 'okx' },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });
});
