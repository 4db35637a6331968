import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBinanceSimulator, type BinanceSimulator } from '../../src/binance/simulator.ts';
import { PaperExchange } from '../../src/paper/index.ts';
import { API_KEY, API_SECRET, opensslHmac } from './helpers.ts';

/**
 * The simulator against requests built by hand, curl-style, and signed with openssl — nothing of our
 * client involved — in the shapes third-party libraries send (query string, form body, both).
 */
let sim: BinanceSimulator;
let symbol: string;
let price: number;

beforeAll(async () => {
  sim = await startBinanceSimulator({ port: 0, apiKey: API_KEY, apiSecret: API_SECRET, balance: 10_000 });
  const info = (await (await fetch(`${sim.url}/fapi/v1/exchangeInfo`)).json()) as {
    symbols: { symbol: string }[];
  };
  symbol =
    info.symbols.find((s) => s.symbol === 'BTCUSDT')?.symbol ??
    (info.symbols[0] as { symbol: string }).symbol;
  const ticker = (await (await fetch(`${sim.url}/fapi/v2/ticker/price?symbol=${symbol}`)).json()) as {
    price: string;
  };
  price = Number(ticker.price);
});
afterAll(() => sim.close());

type Raw = { status: number; body: Record<string, unknown>; headers: Headers };

async function raw(method: string, path: string, query: string, body?: string, key = API_KEY): Promise<Raw> {
  const response = await fetch(`${sim.url}${path}${query === '' ? '' : `?${query}`}`, {
    method,
    headers: {
      'X-MBX-APIKEY': key,
      ...(body !== undefined ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
    },
    ...(body !== undefined ? { body } : {}),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

describe('simulator: signed requests from an independent implementation', () => {
  it('accepts a GET signed over the query string', async () => {
    const query = `timestamp=${Date.now()}&recvWindow=5000`;
    const res = await raw('GET', '/fapi/v3/balance', `${query}&signature=${opensslHmac(API_SECRET, query)}`);
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
    expect(res.body).toEqual(
      expect.arrayContaining([expect.objectContaining({ asset: 'USDT', balance: expect.any(String) })]),
    );
    expect(res.headers.get('x-mbx-used-weight-1m')).toMatch(/^\d+$/);
  });

  it('accepts an order POST signed over the form body (ccxt style, x- client id), with order-count headers', async () => {
    const qty = (Math.ceil((200 / price) * 1000) / 1000).toFixed(3);
    const body = `symbol=${symbol}&side=BUY&type=MARKET&quantity=${qty}&newClientOrderId=x-xcKtGhcu1a2b3c4d5e6f7g8h9i0j1k&timestamp=${Date.now()}`;
    const res = await raw('POST', '/fapi/v1/order', '', `${body}&signature=${opensslHmac(API_SECRET, body)}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      symbol,
      side: 'BUY',
      positionSide: 'BOTH',
      type: 'MARKET',
      clientOrderId: 'x-xcKtGhcu1a2b3c4d5e6f7g8h9i0j1k',
      origQty: qty,
    });
    expect(typeof res.body.orderId).toBe('number');
    expect(res.headers.get('x-mbx-order-count-1m')).toBe('1');
    expect(res.headers.get('x-mbx-order-count-10s')).toBe('1');
  });

  it('accepts mixed query + body: signature over query then body with no "&" between (docs example 3 layout)', async () => {
    const query = `symbol=${symbol}&side=SELL&type=MARKET`;
    const qty = (Math.ceil((200 / price) * 1000) / 1000).toFixed(3);
    const body = `quantity=${qty}&recvWindow=5000&timestamp=${Date.now()}`;
    const signature = opensslHmac(API_SECRET, query + body);
    const res = await raw('POST', '/fapi/v1/order', query, `${body}&signature=${signature}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ side: 'SELL', origQty: qty });
  });

  it('accepts an order POST with every parameter in the query string and an empty body (python connector style)', async () => {
    const qty = (Math.ceil((200 / price) * 1000) / 1000).toFixed(3);
    const query = `symbol=${symbol}&side=BUY&type=MARKET&quantity=${qty}&timestamp=${Date.now()}`;
    const res = await raw('POST', '/fapi/v1/order', `${query}&signature=${opensslHmac(API_SECRET, query)}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ side: 'BUY', origQty: qty, status: 'NEW' });
  });

  it('lets the query-string value win over the body value', async () => {
    const query = `symbol=${symbol}&leverage=7`;
    const body = `leverage=9&timestamp=${Date.now()}`;
    const res = await raw(
      'POST',
      '/fapi/v1/leverage',
      query,
      `${body}&signature=${opensslHmac(API_SECRET, query + body)}`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ symbol, leverage: 7 });
  });

  it('verifies the bytes as sent: a raw "@" or ":" and their %-encoded forms both verify', async () => {
    for (const id of ['a:b/c', 'a%3Ab%2Fc']) {
      const query = `symbol=${symbol}&origClientOrderId=${id}&timestamp=${Date.now()}&note=x@y`;
      const res = await raw('GET', '/fapi/v1/order', `${query}&signature=${opensslHmac(API_SECRET, query)}`);
      // Signature accepted; the order simply does not exist.
      expect(res.body).toEqual({ code: -2013, msg: 'Order does not exist.' });
    }
  });

  it('accepts an upper-case hex signature (the parameter is not case-sensitive)', async () => {
    const query = `timestamp=${Date.now()}`;
    const res = await raw(
      'GET',
      '/fapi/v1/positionSide/dual',
      `${query}&signature=${opensslHmac(API_SECRET, query).toUpperCase()}`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ dualSidePosition: false });
  });
});

describe('simulator: authentication and parameter errors', () => {
  it('-1022 for a bad signature', async () => {
    const query = `timestamp=${Date.now()}`;
    const res = await raw(
      'GET',
      '/fapi/v3/balance',
      `${query}&signature=${opensslHmac('wrong-secret', query)}`,
    );
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: -1022, msg: 'Signature for this request is not valid.' });
  });

  it('-2015 (HTTP 401) for an unknown API key', async () => {
    const query = `timestamp=${Date.now()}`;
    const res = await raw(
      'GET',
      '/fapi/v3/balance',
      `${query}&signature=${opensslHmac(API_SECRET, query)}`,
      undefined,
      'nope',
    );
    expect(res.status).toBe(401);
    expect(res.body.code).toBe(-2015);
  });

  it('-1021 for a stale or future timestamp', async () => {
    for (const ts of [Date.now() - 6000, Date.now() + 5000]) {
      const query = `timestamp=${ts}`;
      const res = await raw(
        'GET',
        '/fapi/v3/balance',
        `${query}&signature=${opensslHmac(API_SECRET, query)}`,
      );
      expect(res.body.code).toBe(-1021);
    }
  });

  it('-1102 for a missing timestamp or a missing mandatory parameter', async () => {
    const noTs = 'recvWindow=5000';
    expect(
      (await raw('GET', '/fapi/v3/balance', `${noTs}&signature=${opensslHmac(API_SECRET, noTs)}`)).body.code,
    ).toBe(-1102);
    const body = `symbol=${symbol}&side=BUY&type=MARKET&timestamp=${Date.now()}`;
    const res = await raw('POST', '/fapi/v1/order', '', `${body}&signature=${opensslHmac(API_SECRET, body)}`);
    expect(res.body).toEqual({
      code: -1102,
      msg: "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.",
    });
  });

  it('-1100 for a malformed number', async () => {
    const body = `symbol=${symbol}&side=BUY&type=MARKET&quantity=1e-3&timestamp=${Date.now()}`;
    const res = await raw('POST', '/fapi/v1/order', '', `${body}&signature=${opensslHmac(API_SECRET, body)}`);
    expect(res.body.code).toBe(-1100);
  });

  it('-4120 for STOP_MARKET on /fapi/v1/order (the algo endpoint is required since 2025-12)', async () => {
    const body = `symbol=${symbol}&side=SELL&type=STOP_MARKET&stopPrice=1000&closePosition=true&timestamp=${Date.now()}`;
    const res = await raw('POST', '/fapi/v1/order', '', `${body}&signature=${opensslHmac(API_SECRET, body)}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      code: -4120,
      msg: 'Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.',
    });
  });

  it('-4059 / -4046 for "no need to change"', async () => {
    const a = `dualSidePosition=false&timestamp=${Date.now()}`;
    expect(
      (await raw('POST', '/fapi/v1/positionSide/dual', '', `${a}&signature=${opensslHmac(API_SECRET, a)}`))
        .body,
    ).toEqual({
      code: -4059,
      msg: 'No need to change position side.',
    });
    const b = `symbol=${symbol}&marginType=CROSSED&timestamp=${Date.now()}`;
    expect(
      (await raw('POST', '/fapi/v1/marginType', '', `${b}&signature=${opensslHmac(API_SECRET, b)}`)).body,
    ).toEqual({
      code: -4046,
      msg: 'No need to change margin type.',
    });
  });

  it('serves public endpoints without a key: time, klines layout', async () => {
    const time = (await (await fetch(`${sim.url}/fapi/v1/time`)).json()) as { serverTime: number };
    expect(Math.abs(time.serverTime - Date.now())).toBeLessThan(2000);
    const rows = (await (
      await fetch(`${sim.url}/fapi/v1/klines?symbol=${symbol}&interval=1h&limit=3`)
    ).json()) as unknown[][];
    expect(rows).toHaveLength(3);
    const [first] = rows as [unknown[]];
    expect(first).toHaveLength(12);
    expect(typeof first[0]).toBe('number');
    expect(typeof first[1]).toBe('string');
    expect(first[6]).toBe((first[0] as number) + 3_600_000 - 1);
  });
});

describe('simulator: endpoints third-party clients call (ccxt loadMarkets / fetchBalance / fetchPositions)', () => {
  it('serves account v2/v3, leverageBracket and ticker/24hr', async () => {
    const query = `timestamp=${Date.now()}`;
    const signed = `${query}&signature=${opensslHmac(API_SECRET, query)}`;
    const v3 = await raw('GET', '/fapi/v3/account', signed);
    expect(v3.status).toBe(200);
    expect(v3.body).toMatchObject({
      assets: expect.arrayContaining([expect.objectContaining({ asset: 'USDT' })]),
    });
    expect(typeof v3.body.availableBalance).toBe('string');
    const v2 = await raw('GET', '/fapi/v2/account', signed);
    expect((v2.body.positions as Record<string, unknown>[])[0]).toHaveProperty('leverage');
    const sq = `symbol=${symbol}&timestamp=${Date.now()}`;
    const bracket = await raw(
      'GET',
      '/fapi/v1/leverageBracket',
      `${sq}&signature=${opensslHmac(API_SECRET, sq)}`,
    );
    expect(bracket.body).toMatchObject({
      symbol,
      brackets: [expect.objectContaining({ bracket: 1, initialLeverage: 125 })],
    });
    const stats = (await (await fetch(`${sim.url}/fapi/v1/ticker/24hr?symbol=${symbol}`)).json()) as Record<
      string,
      unknown
    >;
    expect(stats).toMatchObject({ symbol, lastPrice: expect.stringMatching(/^\d+\.\d$/) });
  });

  it('answers an unknown path with -5000 (404) and a wrong method with 405', async () => {
    expect((await fetch(`${sim.url}/fapi/v1/nope`)).status).toBe(404);
    expect((await fetch(`${sim.url}/fapi/v1/exchangeInfo`, { method: 'DELETE' })).status).toBe(405);
  });
});

describe('simulator: business errors from the paper venue, as Binance codes', () => {
  const order = async (params: string, target: BinanceSimulator = sim) => {
    const body = `${params}&timestamp=${Date.now()}`;
    const response = await fetch(`${target.url}/fapi/v1/order`, {
      method: 'POST',
      headers: { 'X-MBX-APIKEY': API_KEY, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `${body}&signature=${opensslHmac(API_SECRET, body)}`,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it.each([
    ['more decimals than quantityPrecision', 'side=BUY&type=MARKET&quantity=0.0101', -1111],
    [
      'price with more decimals than pricePrecision',
      'side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.010&price=50000.05',
      -1111,
    ],
    ['below the minimum notional', 'side=BUY&type=MARKET&quantity=0.001', -4164],
    ['margin insufficient', 'side=BUY&type=MARKET&quantity=100', -2019],
    ['LONG in one-way mode', 'side=BUY&positionSide=LONG&type=MARKET&quantity=0.010', -4061],
    ['price on a MARKET order', 'side=BUY&type=MARKET&quantity=0.010&price=50000', -1106],
    ['invalid client id', 'side=BUY&type=MARKET&quantity=0.010&newClientOrderId=has%20space', -4015],
  ])('%s', async (_name, params, code) => {
    const res = await order(`symbol=BTCUSDT&${params}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(code);
    expect(typeof res.body.msg).toBe('string');
  });

  it('-4014 price off the tick grid and -4023 quantity off the step grid (within the precision)', async () => {
    // A tick and step of 0.5: one decimal passes the precision check, the grid check refuses .3.
    const venue = new PaperExchange({
      instruments: [
        {
          venueSymbol: 'HALFUSDT',
          base: 'HALF',
          quote: 'USDT',
          tickSize: '0.5',
          stepSize: '0.5',
          minQty: '0.5',
          minNotional: '5',
          contractSize: '1',
          maxLeverage: 20,
        },
      ],
      prices: { HALFUSDT: '100' },
    });
    const half = await startBinanceSimulator({ port: 0, apiKey: API_KEY, apiSecret: API_SECRET, venue });
    try {
      const tick = await order(
        'symbol=HALFUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1.0&price=99.3',
        half,
      );
      expect(tick.body).toEqual({ code: -4014, msg: 'Price not increased by tick size.' });
      const step = await order('symbol=HALFUSDT&side=BUY&type=MARKET&quantity=1.3', half);
      expect(step.body).toEqual({ code: -4023, msg: 'Quantity not increased by step size.' });
      const ok = await order(
        'symbol=HALFUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1.5&price=99.5',
        half,
      );
      expect(ok.body).toMatchObject({ status: 'NEW', price: '99.5', origQty: '1.5' });
    } finally {
      await half.close();
    }
  });

  it('-2022 reduce-only with nothing to reduce; -1106 reduceOnly in hedge mode; -4061 BOTH in hedge mode', async () => {
    const flat = await startBinanceSimulator({ port: 0, apiKey: API_KEY, apiSecret: API_SECRET });
    const hedged = await startBinanceSimulator({
      port: 0,
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      hedge: true,
    });
    try {
      expect(
        (await order('symbol=ETHUSDT&side=SELL&type=MARKET&quantity=0.100&reduceOnly=true', flat)).body,
      ).toEqual({
        code: -2022,
        msg: 'ReduceOnly Order is rejected.',
      });
      expect(
        (
          await order(
            'symbol=ETHUSDT&side=SELL&positionSide=LONG&type=MARKET&quantity=0.100&reduceOnly=true',
            hedged,
          )
        ).body.code,
      ).toBe(-1106);
      expect((await order('symbol=ETHUSDT&side=BUY&type=MARKET&quantity=0.100', hedged)).body.code).toBe(
        -4061,
      );
      // Closing a leg that does not exist (SELL LONG in hedge mode reduces the long leg).
      expect(
        (await order('symbol=ETHUSDT&side=SELL&positionSide=LONG&type=MARKET&quantity=0.100', hedged)).body
          .code,
      ).toBe(-2022);
    } finally {
      await flat.close();
      await hedged.close();
    }
  });
});

describe('simulator: TRAILING_STOP_MARKET on /fapi/v1/algoOrder, built by hand', () => {
  const algo = async (params: string) => {
    const body = `${params}&timestamp=${Date.now()}`;
    const response = await fetch(`${sim.url}/fapi/v1/algoOrder`, {
      method: 'POST',
      headers: { 'X-MBX-APIKEY': API_KEY, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `${body}&signature=${opensslHmac(API_SECRET, body)}`,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const base = 'algoType=CONDITIONAL&symbol=BTCUSDT&side=SELL&type=TRAILING_STOP_MARKET&quantity=0.010';

  it.each([
    ['a callback below 0.1 %', `${base}&callbackRate=0.05`, -1111],
    ['a callback of 0.0 %', `${base}&callbackRate=0.0`, -1130],
    ['a callback above 10 %', `${base}&callbackRate=10.1`, -1130],
    ['no callback', base, -1102],
    ['closePosition (trailing stops take a quantity)', `${base}&callbackRate=1&closePosition=true`, -1106],
    ['a sell activation price below the market', `${base}&callbackRate=1&activatePrice=1000`, -2021],
  ])('refuses %s', async (_name, params, code) => {
    const res = await algo(params);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(code);
  });

  it('accepts 0.1 and 10 % and answers the algo order with its callbackRate and activatePrice', async () => {
    const activate = (Math.ceil(price * 1.05 * 10) / 10).toFixed(1);
    const low = await algo(`${base}&callbackRate=0.1&clientAlgoId=trailLow`);
    expect(low.status).toBe(200);
    expect(low.body).toMatchObject({
      orderType: 'TRAILING_STOP_MARKET',
      algoStatus: 'NEW',
      callbackRate: '0.1',
    });
    const high = await algo(`${base}&callbackRate=10&activatePrice=${activate}&clientAlgoId=trailHigh`);
    expect(high.status).toBe(200);
    expect(high.body).toMatchObject({ callbackRate: '10', clientAlgoId: 'trailHigh' });
    expect(Number(high.body.activatePrice)).toBe(Number(activate));
  });
});
