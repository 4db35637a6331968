import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ccxt, { type Exchange as CcxtExchange } from 'ccxt';
import { startBinanceSimulator, type BinanceSimulator } from '../src/binance/simulator.ts';

/*
 * ccxt.pro's binanceusdm (shipped inside the `ccxt` package) against our Binance simulator,
 * unchanged except for its base URLs: REST `fapi` and `urls.api.ws.future`. ccxt derives the
 * routed paths itself (`/market/ws` for klines and tickers, `/private/ws?listenKey=…` for user
 * data: ccxt js/src/pro/binance.js getWsUrl / getPrivateWsUrl), creates the listenKey over REST
 * and parses the frames with its own code — so a pass means the simulator speaks Binance's stream
 * protocol, not only our client's dialect. Expected values are hand-computed from the paper
 * venue's 0.04 % taker fee.
 */

const KEY = 'c'.repeat(64);
const SECRET = 'x'.repeat(64);
const SYMBOL = 'BTC/USDT:USDT';

let sim: BinanceSimulator;
let exchange: CcxtExchange;

/** A ccxt promise, or a clear failure after `ms` (no test waits on ccxt for ever). */
function within<T>(promise: Promise<T>, what: string, ms = 5000): Promise<T> {
  promise.catch(() => undefined); // a watcher failing after the race is over stays handled
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`ccxt.pro ${what} gave nothing within ${ms} ms`)), ms),
    ),
  ]);
}

async function streams(body: Record<string, unknown>): Promise<Record<string, number>> {
  const response = await fetch(`${sim.url}/__sim/streams`, { method: 'POST', body: JSON.stringify(body) });
  return (await response.json()) as Record<string, number>;
}

async function until(check: () => Promise<boolean> | boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  sim = await startBinanceSimulator({
    port: 0,
    apiKey: KEY,
    apiSecret: SECRET,
    balance: 10_000,
    prices: { BTCUSDT: 50_000 },
  });
  exchange = new ccxt.pro.binanceusdm({
    apiKey: KEY,
    secret: SECRET,
    options: { fetchMarkets: ['linear'], fetchCurrencies: false },
  });
  const api = exchange.urls['api'] as Record<string, unknown>;
  for (const [name, url] of Object.entries(api)) {
    if (typeof url !== 'string') continue;
    api[name] = url.startsWith('https://fapi.binance.com')
      ? url.replace('https://fapi.binance.com', sim.url)
      : 'http://127.0.0.1:9/not-a-futures-endpoint';
  }
  const ws = api['ws'] as Record<string, string>;
  for (const name of Object.keys(ws)) ws[name] = 'ws://127.0.0.1:9/not-a-usdm-stream';
  ws['future'] = `${sim.url.replace('http://', 'ws://')}/ws`;
  // ccxt's own switch for plain ws:// (non-TLS) stream URLs on Node (its error message names it).
  await exchange.loadHttpProxyAgent();
  await exchange.loadMarkets();
});

afterAll(async () => {
  await exchange?.close();
  await sim?.close();
});

describe('ccxt.pro binanceusdm ↔ Binance simulator streams', () => {
  it('watchOrders, watchMyTrades, watchPositions, watchBalance see a market entry', async () => {
    const orders = exchange.watchOrders(SYMBOL);
    const trades = exchange.watchMyTrades(SYMBOL);
    // watchPositions answers first with its REST snapshot (flat); the next call waits for the stream.
    expect(await within(exchange.watchPositions([SYMBOL]), 'watchPositions (snapshot)')).toEqual([]);
    const positions = exchange.watchPositions([SYMBOL]);
    const balance = exchange.watchBalance();
    // The user-data connection must be open before the order, or its events go nowhere.
    await until(async () => (await streams({ action: 'connections' })).private! >= 1, 'the private stream');

    await exchange.createOrder(SYMBOL, 'market', 'buy', 0.01);

    const [order] = await within(orders, 'watchOrders');
    expect(order).toMatchObject({ symbol: SYMBOL, side: 'buy', type: 'market', amount: 0.01 });
    const [trade] = await within(trades, 'watchMyTrades');
    // 0.01 × 50 000 × 0.0004 = 0.2 USDT.
    expect(trade).toMatchObject({ symbol: SYMBOL, side: 'buy', price: 50_000, amount: 0.01 });
    expect(trade?.fee).toMatchObject({ cost: 0.2, currency: 'USDT' });
    const seenPositions = await within(positions, 'watchPositions');
    const long = seenPositions.find((p) => p.symbol === SYMBOL && p.side === 'long');
    expect(long).toMatchObject({ contracts: 0.01, entryPrice: 50_000 });
    const seenBalance = await within(balance, 'watchBalance');
    // ccxt reads `wb` (wallet balance) by default: 10 000 − 0.2.
    expect((seenBalance['USDT'] as { total?: number } | undefined)?.total).toBe(9999.8);

    // The order reaches "closed" on the same stream (the fill frame carries X FILLED): ccxt's cache.
    const cached = (): { id: string; status: string } | undefined =>
      (exchange.orders as unknown as { id: string; status: string }[]).find((o) => o.id === order?.id);
    await until(() => cached()?.status === 'closed', 'the closed order in ccxt’s cache', 2000);
    expect(cached()).toMatchObject({ status: 'closed', filled: 0.01, average: 50_000 });
  });

  it('watchTicker and watchOHLCV follow the price moves', async () => {
    const ticker = exchange.watchTicker(SYMBOL);
    const candles = exchange.watchOHLCV(SYMBOL, '1m');
    await until(async () => (await streams({ action: 'connections' })).market! >= 1, 'the market stream');
    // Both subscriptions are live before the move (each SUBSCRIBE is answered).
    await new Promise((r) => setTimeout(r, 300));
    await fetch(`${sim.url}/__sim/price`, {
      method: 'POST',
      body: JSON.stringify({ symbol: 'BTCUSDT', price: '50250' }),
    });
    const seenTicker = await within(ticker, 'watchTicker');
    expect(seenTicker).toMatchObject({ symbol: SYMBOL, last: 50_250 });
    const seenCandles = await within(candles, 'watchOHLCV');
    const last = seenCandles.at(-1);
    expect(last?.[4]).toBe(50_250); // close
    expect(last?.[0]).toBe(Math.floor(Date.now() / 60_000) * 60_000);
  });
});
