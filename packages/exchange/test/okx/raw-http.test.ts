import { afterEach, describe, expect, it } from 'vitest';
import { startOkxSimulator, type OkxSimulator } from '../../src/okx/simulator.ts';
import { OKX_STYLE_INSTRUMENTS } from '../../src/paper/instruments.ts';
import type { Instrument } from '../../src/types.ts';
import { API_KEY, API_SECRET, PASSPHRASE, rawRequest } from './helpers.ts';

/**
 * The simulator spoken to directly over HTTP, with headers built here (not by OkxSwapClient): the
 * checks and codes a third-party client (python-okx, ccxt) would meet.
 */
let sim: OkxSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(
  options: { hedge?: boolean; instruments?: Instrument[]; balance?: number } = {},
): Promise<string> {
  sim = await startOkxSimulator({
    port: 0,
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    passphrase: PASSPHRASE,
    ...options,
  });
  return sim.url;
}

const BALANCE = '/api/v5/account/balance?ccy=USDT';
const ORDER = '/api/v5/trade/order';

describe('authentication', () => {
  it('accepts a correctly signed request', async () => {
    const url = await start();
    const r = await rawRequest(url, 'GET', BALANCE);
    expect(r.status).toBe(200);
    expect(r.body.code).toBe('0');
    expect((r.body.data[0]?.details as { ccy: string; eq: string }[])[0]).toMatchObject({
      ccy: 'USDT',
      eq: '10000',
    });
  });

  it('bad key → 401 50111, bad signature → 401 50113, bad passphrase → 401 50105', async () => {
    const url = await start();
    const key = await rawRequest(url, 'GET', BALANCE, '', { key: 'someone-else' });
    expect([key.status, key.body.code]).toEqual([401, '50111']);
    const sign = await rawRequest(url, 'GET', BALANCE, '', { secret: 'wrong-secret' });
    expect([sign.status, sign.body.code]).toEqual([401, '50113']);
    const pass = await rawRequest(url, 'GET', BALANCE, '', { passphrase: 'wrong' });
    expect([pass.status, pass.body.code]).toEqual([401, '50105']);
  });

  it('a signature over other query bytes is refused (the query is part of the signed path)', async () => {
    const url = await start();
    const timestamp = new Date().toISOString();
    const { okxSign } = await import('../../src/okx/signing.ts');
    const signedForBtc = okxSign(API_SECRET, timestamp, 'GET', '/api/v5/account/balance?ccy=BTC');
    const r = await rawRequest(url, 'GET', BALANCE, '', { timestamp, sign: signedForBtc });
    expect([r.status, r.body.code]).toEqual([401, '50113']);
  });

  it('timestamps: 29 s old passes, 31 s old or ahead → 50102, epoch-ms format → 50112', async () => {
    const url = await start();
    const iso = (offset: number) => new Date(Date.now() + offset).toISOString();
    expect((await rawRequest(url, 'GET', BALANCE, '', { timestamp: iso(-29_000) })).body.code).toBe('0');
    const old = await rawRequest(url, 'GET', BALANCE, '', { timestamp: iso(-31_000) });
    expect([old.status, old.body.code, old.body.msg]).toEqual([401, '50102', 'Timestamp request expired.']);
    expect((await rawRequest(url, 'GET', BALANCE, '', { timestamp: iso(31_000) })).body.code).toBe('50102');
    expect((await rawRequest(url, 'GET', BALANCE, '', { timestamp: String(Date.now()) })).body.code).toBe(
      '50112',
    );
  });

  it('missing headers: key 50103, sign 50106, timestamp 50107, passphrase 50104', async () => {
    const url = await start();
    const missing = async (header: string): Promise<string> => {
      const response = await fetch(`${url}${BALANCE}`, {
        headers: Object.fromEntries(
          Object.entries({
            'OK-ACCESS-KEY': API_KEY,
            'OK-ACCESS-SIGN': 'x',
            'OK-ACCESS-TIMESTAMP': new Date().toISOString(),
            'OK-ACCESS-PASSPHRASE': PASSPHRASE,
          }).filter(([k]) => k !== header),
        ),
      });
      expect(response.status).toBe(401);
      return ((await response.json()) as { code: string }).code;
    };
    expect(await missing('OK-ACCESS-KEY')).toBe('50103');
    expect(await missing('OK-ACCESS-SIGN')).toBe('50106');
    expect(await missing('OK-ACCESS-TIMESTAMP')).toBe('50107');
    expect(await missing('OK-ACCESS-PASSPHRASE')).toBe('50104');
  });

  it('public endpoints need no signature', async () => {
    const url = await start();
    const response = await fetch(`${url}/api/v5/public/instruments?instType=SWAP`);
    const body = (await response.json()) as {
      code: string;
      data: { instId: string; ctVal: string; lotSz: string }[];
    };
    expect(body.code).toBe('0');
    expect(body.data.map((i) => [i.instId, i.ctVal, i.lotSz])).toEqual([
      ['BTC-USDT-SWAP', '0.01', '0.01'],
      ['ETH-USDT-SWAP', '0.1', '0.01'],
      ['SOL-USDT-SWAP', '1', '0.01'],
    ]);
  });
});

describe('bodies as python-okx and ccxt send them', () => {
  it('JSON with spaces after ":" and "," (python-okx json.dumps), signed over those bytes, is accepted', async () => {
    const url = await start();
    const body = JSON.stringify({
      instId: 'BTC-USDT-SWAP',
      tdMode: 'cross',
      side: 'buy',
      ordType: 'market',
      sz: '2',
    })
      .replace(/":/g, '": ')
      .replace(/,"/g, ', "');
    expect(body).toContain('"instId": "BTC-USDT-SWAP", "tdMode"');
    const r = await rawRequest(url, 'POST', ORDER, body);
    expect(r.body).toMatchObject({ code: '0', data: [{ sCode: '0' }] });
    expect((await sim?.venue.positions('BTC-USDT-SWAP'))?.[0]?.qty).toBe('0.02');
  });

  it('the same order signed compact but sent spaced is refused: the raw bytes are what is verified', async () => {
    const url = await start();
    const compact = '{"instId":"BTC-USDT-SWAP","tdMode":"cross","side":"buy","ordType":"market","sz":"2"}';
    const timestamp = new Date().toISOString();
    const { okxSign } = await import('../../src/okx/signing.ts');
    const sign = okxSign(API_SECRET, timestamp, 'POST', ORDER, compact);
    const r = await rawRequest(url, 'POST', ORDER, compact.replace(/,/g, ', '), { timestamp, sign });
    expect([r.status, r.body.code]).toEqual([401, '50113']);
  });

  it('"" and null fields count as absent (python-okx sends "ccy":"", "attachAlgoOrds":null, "px":"")', async () => {
    const url = await start();
    const body = JSON.stringify({
      instId: 'BTC-USDT-SWAP',
      tdMode: 'cross',
      side: 'sell',
      ordType: 'market',
      sz: '1',
      ccy: '',
      clOrdId: '',
      tag: '',
      posSide: '',
      px: '',
      reduceOnly: '',
      tgtCcy: '',
      attachAlgoOrds: null,
    });
    const r = await rawRequest(url, 'POST', ORDER, body);
    expect(r.body).toMatchObject({ code: '0', data: [{ sCode: '0', clOrdId: '' }] });
    expect((await sim?.venue.positions('BTC-USDT-SWAP'))?.[0]?.qty).toBe('-0.01');
  });

  it('a JSON syntax error is 400 50002', async () => {
    const url = await start();
    const r = await rawRequest(url, 'POST', ORDER, '{"instId": ');
    expect([r.status, r.body.code]).toEqual([400, '50002']);
  });
});

describe('order failures: HTTP 200, code "1", the reason in data[0].sCode', () => {
  const order = (fields: Record<string, unknown>) =>
    JSON.stringify({
      instId: 'BTC-USDT-SWAP',
      tdMode: 'cross',
      side: 'buy',
      ordType: 'market',
      sz: '1',
      ...fields,
    });

  async function place(
    url: string,
    fields: Record<string, unknown>,
  ): Promise<{ status: number; code: string; sCode: unknown; sMsg: unknown }> {
    const r = await rawRequest(url, 'POST', ORDER, order(fields));
    return { status: r.status, code: r.body.code, sCode: r.body.data[0]?.sCode, sMsg: r.body.data[0]?.sMsg };
  }

  it('insufficient margin → 51008', async () => {
    const url = await start({ balance: 100 });
    // 100 contracts = 1 BTC ≈ 50 000 USDT at 20× needs ~2 500 USDT of margin
    expect(await place(url, { sz: '100' })).toMatchObject({ status: 200, code: '1', sCode: '51008' });
  });

  it('below the minimum size → 51020; off the lot grid → 51121', async () => {
    // lotSz 1, minSz 10 contracts (base: step 0.01, min 0.1 BTC)
    const coarse: Instrument = {
      ...(OKX_STYLE_INSTRUMENTS[0] as Instrument),
      stepSize: '0.01',
      minQty: '0.1',
    };
    const url = await start({ instruments: [coarse] });
    expect(await place(url, { sz: '5' })).toMatchObject({ code: '1', sCode: '51020' });
    expect(await place(url, { sz: '10.5' })).toMatchObject({ code: '1', sCode: '51121' });
    expect((await place(url, { sz: '10' })).sCode).toBe('0');
  });

  it('posSide that does not fit the mode → 51000 "Parameter posSide error" (python-okx#34), both ways', async () => {
    const netUrl = await start();
    expect(await place(netUrl, { posSide: 'long' })).toMatchObject({
      code: '1',
      sCode: '51000',
      sMsg: 'Parameter posSide error',
    });
    await sim?.close();
    const hedgeUrl = await start({ hedge: true });
    expect(await place(hedgeUrl, {})).toMatchObject({ sCode: '51000', sMsg: 'Parameter posSide error' });
    expect((await place(hedgeUrl, { posSide: 'long' })).sCode).toBe('0');
  });

  it('reduce-only rejected: no position → 51169, same direction as the position → 51170', async () => {
    const url = await start();
    expect(await place(url, { side: 'sell', reduceOnly: true })).toMatchObject({ sCode: '51169' });
    expect((await place(url, {})).sCode).toBe('0');
    expect(await place(url, { side: 'buy', reduceOnly: true })).toMatchObject({ sCode: '51170' });
    expect((await place(url, { side: 'sell', reduceOnly: 'true' })).sCode).toBe('0');
  });

  it('unknown instrument → 51001; duplicate clOrdId → 51016; malformed clOrdId → 51000', async () => {
    const url = await start();
    expect(await place(url, { instId: 'NOPE-USDT-SWAP' })).toMatchObject({ code: '1', sCode: '51001' });
    expect((await place(url, { clOrdId: 'abc123' })).sCode).toBe('0');
    expect(await place(url, { clOrdId: 'abc123' })).toMatchObject({ sCode: '51016' });
    expect(await place(url, { clOrdId: 'has-dash' })).toMatchObject({
      sCode: '51000',
      sMsg: 'Parameter clOrdId error',
    });
  });

  it('GET an order that does not exist → code 51603, HTTP 200, no data', async () => {
    const url = await start();
    const r = await rawRequest(url, 'GET', '/api/v5/trade/order?instId=BTC-USDT-SWAP&clOrdId=nothere1');
    expect([r.status, r.body.code, r.body.data]).toEqual([200, '51603', []]);
  });
});

describe('algo orders', () => {
  const ALGO = '/api/v5/trade/order-algo';
  const algo = (fields: Record<string, unknown>) =>
    JSON.stringify({
      instId: 'BTC-USDT-SWAP',
      tdMode: 'cross',
      side: 'sell',
      ordType: 'conditional',
      ...fields,
    });

  it('a conditional carrying both SL and TP runs only the stop (OKX docs): use oco for both', async () => {
    const url = await start();
    await rawRequest(
      url,
      'POST',
      ORDER,
      JSON.stringify({ instId: 'BTC-USDT-SWAP', tdMode: 'cross', side: 'buy', ordType: 'market', sz: '1' }),
    );
    const both = await rawRequest(
      url,
      'POST',
      ALGO,
      algo({
        sz: '1',
        reduceOnly: true,
        slTriggerPx: '49000',
        slOrdPx: '-1',
        tpTriggerPx: '52000',
        tpOrdPx: '-1',
      }),
    );
    expect(both.body.code).toBe('0');
    expect(sim?.venue.openConditionals('BTC-USDT-SWAP').map((o) => o.type)).toEqual(['stop_market']);
    const oco = await rawRequest(
      url,
      'POST',
      ALGO,
      algo({
        ordType: 'oco',
        closeFraction: '1',
        reduceOnly: true,
        slTriggerPx: '48000',
        slOrdPx: '-1',
        tpTriggerPx: '53000',
        tpOrdPx: '-1',
      }),
    );
    expect(oco.body.code).toBe('0');
    expect(sim?.venue.openConditionals('BTC-USDT-SWAP').map((o) => o.type)).toEqual([
      'stop_market',
      'stop_market',
      'take_profit_market',
    ]);
  });

  it('move_order_stop: callbackRatio within 0.001–0.1, no closeFraction, no callbackSpread; listed only when asked for by its type', async () => {
    const url = await start();
    const trail = (fields: Record<string, unknown>) =>
      rawRequest(
        url,
        'POST',
        ALGO,
        algo({ ordType: 'move_order_stop', sz: '1', reduceOnly: true, ...fields }),
      );
    for (const [fields, what] of [
      [{ callbackRatio: '0.2' }, 'Parameter callbackRatio error'],
      [{ callbackRatio: '0.0005' }, 'Parameter callbackRatio error'],
      [{ callbackRatio: '0.01', closeFraction: '1', sz: undefined }, 'Parameter closeFraction error'],
      [{ callbackSpread: '100' }, 'Parameter callbackSpread error'],
      [{ callbackRatio: '0.01', activePx: '49000' }, 'Parameter activePx error'],
    ] as const) {
      expect((await trail(fields)).body, JSON.stringify(fields)).toMatchObject({
        code: '1',
        data: [{ sCode: '51000', sMsg: what }],
      });
    }
    const placed = await trail({ callbackRatio: '0.015', activePx: '51000', algoClOrdId: 'trail1' });
    expect(placed.body).toMatchObject({ code: '0', data: [{ sCode: '0', algoClOrdId: 'trail1' }] });
    const pending = (type: string) =>
      rawRequest(url, 'GET', `/api/v5/trade/orders-algo-pending?instType=SWAP&ordType=${type}`);
    expect((await pending('conditional,oco')).body.data).toEqual([]);
    expect((await pending('move_order_stop')).body.data).toEqual([
      expect.objectContaining({
        ordType: 'move_order_stop',
        algoClOrdId: 'trail1',
        callbackRatio: '0.015',
        activePx: '51000',
        moveTriggerPx: '',
        state: 'live',
      }),
    ]);
  });

  it('closeFraction on a net position needs reduceOnly; sz with closeFraction → 50024; a stop above the last price → 51280', async () => {
    const url = await start();
    const noReduce = await rawRequest(
      url,
      'POST',
      ALGO,
      algo({ closeFraction: '1', slTriggerPx: '49000', slOrdPx: '-1' }),
    );
    expect(noReduce.body).toMatchObject({
      code: '1',
      data: [{ sCode: '51000', sMsg: 'Parameter reduceOnly error' }],
    });
    const both = await rawRequest(
      url,
      'POST',
      ALGO,
      algo({ sz: '1', closeFraction: '1', slTriggerPx: '49000' }),
    );
    expect(both.body.code).toBe('50024');
    const above = await rawRequest(
      url,
      'POST',
      ALGO,
      algo({ sz: '1', reduceOnly: true, slTriggerPx: '51000', slOrdPx: '-1' }),
    );
    expect(above.body.data[0]?.sCode).toBe('51280');
  });

  it('one whole-position (closeFraction) TP/SL per position: a second one → 51088', async () => {
    const url = await start();
    await rawRequest(
      url,
      'POST',
      ORDER,
      JSON.stringify({ instId: 'BTC-USDT-SWAP', tdMode: 'cross', side: 'buy', ordType: 'market', sz: '1' }),
    );
    const whole = (px: Record<string, string>) => algo({ closeFraction: '1', reduceOnly: true, ...px });
    expect(
      (await rawRequest(url, 'POST', ALGO, whole({ slTriggerPx: '49000', slOrdPx: '-1' }))).body.code,
    ).toBe('0');
    const second = await rawRequest(url, 'POST', ALGO, whole({ tpTriggerPx: '52000', tpOrdPx: '-1' }));
    expect(second.body).toMatchObject({ code: '1', data: [{ sCode: '51088' }] });
    // sized to the position instead, it rests beside the first
    const sized = await rawRequest(
      url,
      'POST',
      ALGO,
      algo({ sz: '1', reduceOnly: true, tpTriggerPx: '52000', tpOrdPx: '-1' }),
    );
    expect(sized.body.code).toBe('0');
  });

  it('cancel-algos takes a JSON array; one unknown id makes it a partial success (code "2")', async () => {
    const url = await start();
    const placed = await rawRequest(
      url,
      'POST',
      ALGO,
      algo({ sz: '1', slTriggerPx: '49000', slOrdPx: '-1' }),
    );
    const algoId = placed.body.data[0]?.algoId;
    const r = await rawRequest(
      url,
      'POST',
      '/api/v5/trade/cancel-algos',
      JSON.stringify([
        { instId: 'BTC-USDT-SWAP', algoId },
        { instId: 'BTC-USDT-SWAP', algoId: '1' },
      ]),
    );
    expect(r.body.code).toBe('2');
    expect(r.body.data.map((d) => d.sCode)).toEqual(['0', '51400']);
    expect(sim?.venue.openConditionals()).toHaveLength(0);
  });
});

describe('simulator controls and routing', () => {
  it('/__sim/price moves the price; /__sim/position-mode switches the account', async () => {
    const url = await start();
    await fetch(`${url}/__sim/price`, {
      method: 'POST',
      body: JSON.stringify({ symbol: 'BTC-USDT-SWAP', price: '61000' }),
    });
    const ticker = (await (await fetch(`${url}/api/v5/market/ticker?instId=BTC-USDT-SWAP`)).json()) as {
      data: { last: string }[];
    };
    expect(ticker.data[0]?.last).toBe('61000.0');
    await fetch(`${url}/__sim/position-mode`, { method: 'POST', body: JSON.stringify({ hedge: true }) });
    const config = await rawRequest(url, 'GET', '/api/v5/account/config');
    expect(config.body.data[0]?.posMode).toBe('long_short_mode');
  });

  it('candle page limits: candles up to 300, history-candles up to 100 (51000 beyond)', async () => {
    const url = await start();
    const get = async (path: string, limit: number) =>
      (await (await fetch(`${url}${path}?instId=BTC-USDT-SWAP&bar=1m&limit=${limit}`)).json()) as {
        code: string;
        data: unknown[];
      };
    expect((await get('/api/v5/market/candles', 300)).data).toHaveLength(300);
    expect((await get('/api/v5/market/candles', 301)).code).toBe('51000');
    expect((await get('/api/v5/market/history-candles', 100)).data).toHaveLength(100);
    expect((await get('/api/v5/market/history-candles', 101)).code).toBe('51000');
  });

  it('orders beyond the per-instrument limit in a 2 s window → 429 / 50011, not executed', async () => {
    sim = await startOkxSimulator({
      port: 0,
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      passphrase: PASSPHRASE,
      tradeRateLimits: { order: 2 },
    });
    const body = JSON.stringify({
      instId: 'BTC-USDT-SWAP',
      tdMode: 'cross',
      side: 'buy',
      ordType: 'market',
      sz: '1',
    });
    // align to the start of a 2 s window so the three requests share it
    await new Promise((r) => setTimeout(r, 2000 - (Date.now() % 2000)));
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await rawRequest(sim.url, 'POST', ORDER, body));
    expect(answers.map((a) => [a.status, a.body.code])).toEqual([
      [200, '0'],
      [200, '0'],
      [429, '50011'],
    ]);
    expect((await sim.venue.positions('BTC-USDT-SWAP'))[0]?.qty).toBe('0.02');
  });

  it('tickers for every swap, and leverage-info after set-leverage', async () => {
    const url = await start();
    const tickers = (await (await fetch(`${url}/api/v5/market/tickers?instType=SWAP`)).json()) as {
      data: { instId: string; last: string }[];
    };
    expect(tickers.data.map((t) => [t.instId, t.last])).toEqual([
      ['BTC-USDT-SWAP', '50000.0'],
      ['ETH-USDT-SWAP', '3000.00'],
      ['SOL-USDT-SWAP', '150.00'],
    ]);
    const set = await rawRequest(
      url,
      'POST',
      '/api/v5/account/set-leverage',
      '{"instId": "ETH-USDT-SWAP", "lever": "7", "mgnMode": "cross"}',
    );
    expect(set.body).toMatchObject({
      code: '0',
      data: [{ instId: 'ETH-USDT-SWAP', lever: '7', mgnMode: 'cross' }],
    });
    const info = await rawRequest(
      url,
      'GET',
      '/api/v5/account/leverage-info?instId=ETH-USDT-SWAP&mgnMode=cross',
    );
    expect(info.body.data).toEqual([
      { instId: 'ETH-USDT-SWAP', mgnMode: 'cross', posSide: 'net', lever: '7' },
    ]);
    const tooHigh = await rawRequest(
      url,
      'POST',
      '/api/v5/account/set-leverage',
      '{"instId": "ETH-USDT-SWAP", "lever": "101", "mgnMode": "cross"}',
    );
    expect(tooHigh.body.code).toBe('59102');
  });

  it('unknown paths are 404, known paths with the wrong method 405', async () => {
    const url = await start();
    expect((await fetch(`${url}/api/v5/trade/nothing`)).status).toBe(404);
    expect((await fetch(`${url}/api/v5/public/time`, { method: 'POST' })).status).toBe(405);
  });
});
