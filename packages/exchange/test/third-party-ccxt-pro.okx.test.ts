import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ccxt, { type Exchange as CcxtExchange } from 'ccxt';
import { startOkxSimulator, type OkxSimulator } from '../src/okx/simulator.ts';
import { setSimPrice } from './contract/sim-control.ts';

/*
 * ccxt.pro's OKX client (it ships inside `ccxt`), unchanged except for its URLs: `urls.api.rest` and
 * `urls.api.ws` (ccxt's ts/src/pro/okx.ts builds `${ws}/public|private|business` from the latter and
 * sends candles and orders-algo to /business). It logs in, pings and parses in its own way, so a pass
 * means the simulator's streams speak OKX's protocol. Every watch is bounded by a timeout.
 */

const KEY = '6f1d2c3b-4a59-4e7d-8c1b-2a3f4e5d6c7b';
const SECRET = '0A1B2C3D4E5F60718293A4B5C6D7E8F9';
const PASSPHRASE = 'Ccxt-Passphrase-1';
const SYMBOL = 'BTC/USDT:USDT';
const INST = 'BTC-USDT-SWAP';

function bounded<T>(promise: Promise<T>, what: string, ms = 5000): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} timed out`)), ms)),
  ]);
}

let sim: OkxSimulator;
let pro: CcxtExchange;

function proClient(): CcxtExchange {
  const client = new ccxt.pro.okx({ apiKey: KEY, secret: SECRET, password: PASSPHRASE });
  const api = client.urls['api'] as Record<string, string>;
  api['rest'] = sim.url;
  api['ws'] = `${sim.url.replace('http://', 'ws://')}/ws/v5`;
  return client;
}

beforeAll(async () => {
  sim = await startOkxSimulator({
    port: 0,
    apiKey: KEY,
    apiSecret: SECRET,
    passphrase: PASSPHRASE,
    balance: 10_000,
    prices: { [INST]: 50_000 },
  });
  pro = proClient();
  // ccxt refuses plain ws:// until its HTTP agent is loaded (its own message says so).
  await pro.loadHttpProxyAgent();
});

afterAll(async () => {
  await pro?.close();
  await sim?.close();
});

describe('ccxt.pro.okx against the OKX simulator', () => {
  it('loads markets with default options (GET /api/v5/asset/currencies is served)', async () => {
    const markets = await bounded(pro.loadMarkets(), 'loadMarkets');
    expect(markets[SYMBOL]).toMatchObject({ id: INST, swap: true, contractSize: 0.01 });
    expect(pro.currencies['USDT']).toMatchObject({ id: 'USDT', code: 'USDT' });
    expect(sim.requests.some((r) => r.path === '/api/v5/asset/currencies' && r.status === 200)).toBe(true);
  });

  it('ccxt.okx (REST only) with default options loads markets too', async () => {
    const rest = new ccxt.okx({ apiKey: KEY, secret: SECRET, password: PASSPHRASE });
    (rest.urls['api'] as Record<string, string>)['rest'] = sim.url;
    const markets = await bounded(rest.loadMarkets(), 'loadMarkets');
    expect(markets[SYMBOL]?.id).toBe(INST);
    expect(Object.keys(rest.currencies)).toEqual(expect.arrayContaining(['USDT', 'BTC']));
  });

  it('watchTicker and watchOHLCV follow the simulator price', async () => {
    const first = await bounded(pro.watchTicker(SYMBOL), 'watchTicker');
    expect(first).toMatchObject({ symbol: SYMBOL, last: 50_000 });
    const next = pro.watchTicker(SYMBOL);
    await setSimPrice(sim.url, INST, '50123.4');
    expect((await bounded(next, 'watchTicker update')).last).toBe(50_123.4);

    const candles = await bounded(pro.watchOHLCV(SYMBOL, '1m'), 'watchOHLCV');
    const last = candles.at(-1) as number[];
    expect(last[0]! % 60_000).toBe(0);
    expect(last[4]).toBe(50_123.4);
    const updated = pro.watchOHLCV(SYMBOL, '1m');
    await setSimPrice(sim.url, INST, '50200');
    const after = (await bounded(updated, 'watchOHLCV update')).at(-1) as number[];
    expect(after[4]).toBe(50_200);
    expect(after[2]).toBeGreaterThanOrEqual(50_200);
  });

  it('watchBalance, watchOrders, watchMyTrades and watchPositions see a market buy', async () => {
    const balance = await bounded(pro.watchBalance(), 'watchBalance');
    expect(balance['USDT']?.total).toBe(10_000);
    // The positions channel sends its snapshot first (flat account: no positions).
    expect(await bounded(pro.watchPositions([SYMBOL]), 'watchPositions snapshot')).toEqual([]);

    const orders = pro.watchOrders(SYMBOL);
    const trades = pro.watchMyTrades(SYMBOL);
    const positions = pro.watchPositions([SYMBOL]);
    const balances = pro.watchBalance();
    // 10 contracts = 0.1 BTC at 50200: fee 0.04 % = 2.008 USDT.
    const rest = new ccxt.okx({ apiKey: KEY, secret: SECRET, password: PASSPHRASE });
    (rest.urls['api'] as Record<string, string>)['rest'] = sim.url;
    await rest.createOrder(SYMBOL, 'market', 'buy', 10, undefined, { tdMode: 'cross', clOrdId: 'ccxtpro1' });

    const [order] = await bounded(orders, 'watchOrders');
    expect(order).toMatchObject({
      symbol: SYMBOL,
      side: 'buy',
      status: 'closed',
      filled: 10,
      average: 50_200,
      clientOrderId: 'ccxtpro1',
    });
    const [trade] = await bounded(trades, 'watchMyTrades');
    expect(trade).toMatchObject({
      symbol: SYMBOL,
      side: 'buy',
      price: 50_200,
      amount: 10,
      takerOrMaker: 'taker',
    });
    // ccxt's orderToTrade (pro/okx.js) passes OKX's fillFee through as it is: a charge is
    // negative on OKX (ccxt's own sample in okx.js: "fillFee": "-0.00026284"), so -2.008 here.
    expect(trade?.fee).toMatchObject({ cost: -2.008, currency: 'USDT' });
    const pos = (await bounded(positions, 'watchPositions')).find((p) => p.symbol === SYMBOL);
    expect(pos).toMatchObject({ symbol: SYMBOL, contracts: 10, entryPrice: 50_200 });
    const after = await bounded(balances, 'watchBalance update');
    // The wallet paid the fee; equity is the wallet (mark = entry, no unrealised PnL).
    expect(after['USDT']?.total).toBeCloseTo(10_000 - 2.008, 8);
  });
});
