import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ccxt, { type Exchange as CcxtExchange } from 'ccxt';
import { startBinanceSimulator } from '../src/binance/simulator.ts';
import { startOkxSimulator } from '../src/okx/simulator.ts';
import { startBybitSimulator } from '../src/bybit/simulator.ts';
import type { PaperExchange } from '../src/paper/paper-exchange.ts';

/*
 * An independent client against our simulators: ccxt (the most used exchange library), unchanged
 * except for its base URLs. It signs, encodes and parses in its own way, and maps venue error
 * codes onto its own error classes — so a pass here means the simulators speak the venues'
 * protocols, not just the dialect of our own clients. Wallet endpoints (currencies) are outside a
 * futures venue and switched off.
 */

type Venue = {
  name: string;
  client: (credentials?: { bad?: boolean }) => CcxtExchange;
  venue: PaperExchange;
  venueSymbol: string;
  /** ccxt's amount for 0.01 BTC: base units on Binance, contracts (ctVal 0.01) on OKX. */
  amount: number;
  params: Record<string, unknown>;
  close(): Promise<void>;
};

const BINANCE_KEY = 'c'.repeat(64);
const BINANCE_SECRET = 'x'.repeat(64);
const OKX_KEY = '6f1d2c3b-4a59-4e7d-8c1b-2a3f4e5d6c7b';
const OKX_SECRET = '0A1B2C3D4E5F60718293A4B5C6D7E8F9';
const OKX_PASSPHRASE = 'Ccxt-Passphrase-1';
const BYBIT_KEY = 'CcxtBybitKey012345';
const BYBIT_SECRET = 'CcxtBybitSecret0123456789abcdefghijk';
const SYMBOL = 'BTC/USDT:USDT';

async function binance(): Promise<Venue> {
  const sim = await startBinanceSimulator({
    port: 0,
    apiKey: BINANCE_KEY,
    apiSecret: BINANCE_SECRET,
    balance: 10_000,
    prices: { BTCUSDT: 50_000 },
  });
  return {
    name: 'binance (ccxt.binanceusdm)',
    client: ({ bad } = {}) => {
      const client = new ccxt.binanceusdm({
        apiKey: bad ? 'z'.repeat(64) : BINANCE_KEY,
        secret: BINANCE_SECRET,
        options: { fetchMarkets: ['linear'], fetchCurrencies: false },
      });
      const api = client.urls['api'] as Record<string, string>;
      for (const [name, url] of Object.entries(api)) {
        // fapi → the simulator; anything else would be a call a futures client should not make
        api[name] = url.startsWith('https://fapi.binance.com')
          ? url.replace('https://fapi.binance.com', sim.url)
          : 'http://127.0.0.1:9/not-a-futures-endpoint';
      }
      return client;
    },
    venue: sim.venue,
    venueSymbol: 'BTCUSDT',
    amount: 0.01,
    params: {},
    close: () => sim.close(),
  };
}

async function okx(): Promise<Venue> {
  const sim = await startOkxSimulator({
    port: 0,
    apiKey: OKX_KEY,
    apiSecret: OKX_SECRET,
    passphrase: OKX_PASSPHRASE,
    balance: 10_000,
    prices: { 'BTC-USDT-SWAP': 50_000 },
  });
  return {
    name: 'okx (ccxt.okx)',
    client: ({ bad } = {}) => {
      const client = new ccxt.okx({
        apiKey: OKX_KEY,
        secret: OKX_SECRET,
        password: bad ? 'wrong-passphrase' : OKX_PASSPHRASE,
        options: { fetchMarkets: { types: ['swap'] }, defaultType: 'swap' },
      });
      (client.urls['api'] as Record<string, string>)['rest'] = sim.url;
      client.has['fetchCurrencies'] = false;
      return client;
    },
    venue: sim.venue,
    venueSymbol: 'BTC-USDT-SWAP',
    amount: 1,
    params: { tdMode: 'cross' },
    close: () => sim.close(),
  };
}

async function bybit(): Promise<Venue> {
  const sim = await startBybitSimulator({
    port: 0,
    apiKey: BYBIT_KEY,
    apiSecret: BYBIT_SECRET,
    balance: 10_000,
    prices: { BTCUSDT: 50_000 },
  });
  return {
    name: 'bybit (ccxt.bybit)',
    client: ({ bad } = {}) => {
      const client = new ccxt.bybit({
        apiKey: BYBIT_KEY,
        secret: bad ? 'WrongSecret0123456789abcdefghijklmno' : BYBIT_SECRET,
        options: { fetchMarkets: { types: ['linear'] }, defaultType: 'swap' },
      });
      const api = client.urls['api'] as Record<string, string>;
      for (const name of Object.keys(api)) api[name] = sim.url;
      client.has['fetchCurrencies'] = false;
      return client;
    },
    venue: sim.venue,
    venueSymbol: 'BTCUSDT',
    amount: 0.01,
    params: {},
    close: () => sim.close(),
  };
}

describe.each([{ start: binance }, { start: okx }, { start: bybit }])(
  'ccxt against our simulator',
  ({ start }) => {
    let v: Venue;
    let client: CcxtExchange;
    beforeAll(async () => {
      v = await start();
      client = v.client();
    });
    afterAll(async () => v?.close());

    it('loads the swap market with its trading rules, the balance and the ticker', async () => {
      const markets = await client.loadMarkets();
      const market = markets[SYMBOL]!;
      expect(market).toMatchObject({ id: v.venueSymbol, swap: true, linear: true, settle: 'USDT' });
      expect(market.contractSize).toBe(v.name.startsWith('okx') ? 0.01 : 1);
      const balance = await client.fetchBalance();
      expect(balance['USDT']?.free).toBe(10_000);
      expect((await client.fetchTicker(SYMBOL)).last).toBe(50_000);
      const candles = await client.fetchOHLCV(SYMBOL, '1h', undefined, 5);
      expect(candles.length).toBeGreaterThan(0);
      for (const [time, open, high, low, close] of candles) {
        expect(time! % 3_600_000).toBe(0);
        expect(high!).toBeGreaterThanOrEqual(Math.max(open!, close!));
        expect(low!).toBeLessThanOrEqual(Math.min(open!, close!));
      }
    });

    it('sets leverage, opens a position with a market order, protects it, and sees it', async () => {
      await client.setLeverage(5, SYMBOL, v.name.startsWith('okx') ? { marginMode: 'cross' } : {});
      const order = await client.createOrder(SYMBOL, 'market', 'buy', v.amount, undefined, v.params);
      expect(order.id).toBeTruthy();
      // what the venue holds: 0.01 BTC whichever unit the client speaks
      expect((await v.venue.positions(v.venueSymbol)).map((p) => Number(p.qty))).toEqual([0.01]);
      const [position] = await client.fetchPositions([SYMBOL]);
      expect(position).toMatchObject({ symbol: SYMBOL, side: 'long', contracts: v.amount });
      await client.createOrder(SYMBOL, 'market', 'sell', v.amount, undefined, {
        ...v.params,
        stopLossPrice: 45_000,
        reduceOnly: true,
      });
      const stops = (await v.venue.openOrders(v.venueSymbol)).filter((o) => o.type === 'stop_market');
      expect(stops.map((o) => [o.side, Number(o.triggerPrice)])).toEqual([['sell', 45_000]]);
    });

    it('rests a limit order, lists it, and cancels it', async () => {
      const limit = await client.createOrder(SYMBOL, 'limit', 'buy', v.amount, 40_000, v.params);
      const open = await client.fetchOpenOrders(SYMBOL);
      expect(open.map((o) => [o.id, o.price, o.side])).toContainEqual([limit.id, 40_000, 'buy']);
      await client.cancelOrder(String(limit.id), SYMBOL);
      expect((await client.fetchOpenOrders(SYMBOL)).map((o) => o.id)).not.toContain(limit.id);
    });

    it("raises ccxt's own error classes for our error codes: bad credentials, no margin", async () => {
      const impostor = v.client({ bad: true });
      impostor.markets = client.markets;
      impostor.marketsById = client.marketsById;
      await expect(impostor.fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
      const refusal = await client
        .createOrder(SYMBOL, 'market', 'buy', v.amount * 1_000, undefined, v.params)
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(refusal).toBeInstanceOf(ccxt.ExchangeError);
      if (!(refusal instanceof ccxt.InsufficientFunds)) {
        // ccxt's binance picks its futures error table by hostname (fapi.binance.com), which a loopback
        // URL cannot match: look our code up in that table, as ccxt would on the real host.
        const code = /"code":(-?\d+)/.exec(String(refusal))?.[1];
        const linear = (client.exceptions as Record<string, { exact: Record<string, unknown> }>)['linear'];
        expect(linear?.exact[code!], String(refusal)).toBe(ccxt.InsufficientFunds);
      }
    });
  },
);
