import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ccxt, { type Exchange as CcxtExchange } from 'ccxt';
import { startBybitSimulator, type BybitSimulator } from '../src/bybit/simulator.ts';
import { setSimPrice } from './contract/sim-control.ts';

/*
 * ccxt.pro's Bybit client (it ships inside `ccxt`), unchanged except for its URLs: every REST host
 * and the linear public and contract private sockets point at the simulator. It authenticates,
 * pings and parses in its own way, so a pass means the simulator's streams speak Bybit V5's
 * protocol. Every watch is bounded by a timeout.
 */

const KEY = 'CcxtProBybitKey012';
const SECRET = 'CcxtProBybitSecret0123456789abcdefgh';
const SYMBOL = 'BTC/USDT:USDT';

function bounded<T>(promise: Promise<T>, what: string, ms = 5000): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} timed out`)), ms)),
  ]);
}

let sim: BybitSimulator;
let pro: CcxtExchange;

function pointAt<T extends CcxtExchange>(client: T): T {
  const api = client.urls['api'] as Record<string, unknown>;
  for (const name of Object.keys(api)) if (typeof api[name] === 'string') api[name] = sim.url;
  const ws = api['ws'] as { public: Record<string, string>; private: Record<string, unknown> } | undefined;
  if (ws !== undefined) {
    const base = sim.url.replace('http://', 'ws://');
    ws.public['linear'] = `${base}/v5/public/linear`;
    ws.private['contract'] = `${base}/v5/private`;
  }
  client.has['fetchCurrencies'] = false;
  return client;
}

beforeAll(async () => {
  sim = await startBybitSimulator({
    port: 0,
    apiKey: KEY,
    apiSecret: SECRET,
    balance: 10_000,
    prices: { BTCUSDT: 50_000 },
  });
  pro = pointAt(
    new ccxt.pro.bybit({
      apiKey: KEY,
      secret: SECRET,
      options: { fetchMarkets: { types: ['linear'] }, defaultType: 'swap' },
    }),
  );
  // ccxt refuses plain ws:// until its HTTP agent is loaded (its own message says so).
  await pro.loadHttpProxyAgent();
  await pro.loadMarkets();
});

afterAll(async () => {
  await pro?.close();
  await sim?.close();
});

describe('ccxt.pro.bybit against the Bybit simulator', () => {
  it('watchTicker and watchOHLCV follow the simulator price', async () => {
    const first = pro.watchTicker(SYMBOL);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await setSimPrice(sim.url, 'BTCUSDT', '50100');
    expect((await bounded(first, 'watchTicker')).last).toBe(50_100);
    const next = pro.watchTicker(SYMBOL);
    await setSimPrice(sim.url, 'BTCUSDT', '50123.4');
    expect((await bounded(next, 'watchTicker update')).last).toBe(50_123.4);

    const candles = pro.watchOHLCV(SYMBOL, '1m');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await setSimPrice(sim.url, 'BTCUSDT', '50200');
    const last = (await bounded(candles, 'watchOHLCV')).at(-1) as number[];
    expect(last[0]! % 60_000).toBe(0);
    expect(last[4]).toBe(50_200);
  });

  it('watchOrders, watchMyTrades and watchBalance see a market buy', async () => {
    const orders = pro.watchOrders(SYMBOL);
    const trades = pro.watchMyTrades(SYMBOL);
    const balance = pro.watchBalance();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const rest = pointAt(
      new ccxt.bybit({ apiKey: KEY, secret: SECRET, options: { fetchMarkets: { types: ['linear'] } } }),
    );
    await rest.createOrder(SYMBOL, 'market', 'buy', 0.01, undefined, { clientOrderId: 'ccxtpro1' });

    const [order] = await bounded(orders, 'watchOrders');
    expect(order).toMatchObject({ symbol: SYMBOL, side: 'buy', filled: 0.01, clientOrderId: 'ccxtpro1' });
    const [trade] = await bounded(trades, 'watchMyTrades');
    expect(trade).toMatchObject({ symbol: SYMBOL, side: 'buy', price: 50_200, amount: 0.01 });
    const after = await bounded(balance, 'watchBalance');
    expect(after['USDT']?.total).toBeLessThan(10_000); // the taker fee was paid
  });

  it('watchPositions: the REST snapshot first (linear and inverse), then the position push after a buy', async () => {
    // ccxt.pro first loads every position by REST, linear and inverse (the simulator holds none inverse).
    const snapshot = await bounded(pro.watchPositions([SYMBOL]), 'watchPositions snapshot');
    const before = snapshot.find((p) => p.symbol === SYMBOL)?.contracts ?? 0;
    const next = pro.watchPositions([SYMBOL]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const rest = pointAt(
      new ccxt.bybit({ apiKey: KEY, secret: SECRET, options: { fetchMarkets: { types: ['linear'] } } }),
    );
    await rest.createOrder(SYMBOL, 'market', 'buy', 0.01, undefined, { clientOrderId: 'ccxtpro2' });
    const [position] = await bounded(next, 'watchPositions update');
    expect(position).toMatchObject({ symbol: SYMBOL, side: 'long' });
    expect(position?.contracts).toBeCloseTo(before + 0.01, 10);
  });
});
