import { describe, expect, it } from 'vitest';
import { ExchangeErrors } from '../../src/errors.ts';
import { codeForOkxError, okxError } from '../../src/okx/errors.ts';
import { OkxHttp } from '../../src/okx/http.ts';
import { mapPosSide } from '../../src/okx/client.ts';
import {
  algoClientId,
  parseAlgoOrder,
  parseCandles,
  parseInstrument,
  parsePosition,
  toOkxBar,
} from '../../src/okx/parse.ts';

describe('OKX code → typed error', () => {
  const cases: [string, number, string, string][] = [
    // [code, http, message, typed]
    ['50011', 429, 'Too Many Requests', 'EXCHANGE_RATE_LIMITED'],
    ['50011', 200, 'Rate limit reached', 'EXCHANGE_RATE_LIMITED'],
    ['50102', 401, 'Timestamp request expired', 'EXCHANGE_TIMESTAMP_REJECTED'],
    ['50105', 401, 'Passphrase incorrect', 'EXCHANGE_AUTH_FAILED'],
    ['50111', 401, 'Invalid OK-ACCESS-KEY', 'EXCHANGE_AUTH_FAILED'],
    ['50113', 401, 'Invalid signature', 'EXCHANGE_AUTH_FAILED'],
    ['50101', 401, 'APIKey does not match current environment', 'EXCHANGE_AUTH_FAILED'],
    ['50004', 200, 'API endpoint request timeout', 'EXCHANGE_RESULT_UNKNOWN'],
    ['51000', 200, 'Parameter posSide error', 'POSITION_SIDE_MISMATCH'],
    ['51000', 200, 'Parameter sz error', 'INVALID_QUANTITY'],
    ['51000', 200, 'Parameter px error', 'INVALID_PRICE'],
    ['51000', 200, 'Parameter foo error', 'INVALID_REQUEST'],
    ['51001', 200, "Instrument ID doesn't exist", 'UNKNOWN_SYMBOL'],
    ['51007', 200, 'at least 1 contract', 'ORDER_BELOW_MIN_QTY'],
    ['51020', 200, 'minimum order amount', 'ORDER_BELOW_MIN_QTY'],
    ['51008', 200, 'Order failed. Insufficient USDT margin in account', 'INSUFFICIENT_BALANCE'],
    ['51016', 200, 'Duplicated clOrdId', 'DUPLICATE_CLIENT_ORDER_ID'],
    ['51121', 200, 'Order quantity must be a multiple of the lot size', 'INVALID_QUANTITY'],
    ['51169', 200, "you don't have any positions in this direction", 'REDUCE_ONLY_REJECTED'],
    ['51400', 200, 'Cancellation failed', 'ORDER_NOT_FOUND'],
    ['51603', 200, 'Order does not exist', 'ORDER_NOT_FOUND'],
    ['59102', 200, 'Leverage exceeds the maximum leverage', 'LEVERAGE_OUT_OF_RANGE'],
    // families
    ['50199', 401, 'some auth error', 'EXCHANGE_AUTH_FAILED'],
    ['51999', 200, 'some order rule', 'ORDER_REJECTED'],
    ['50999', 200, 'some request error', 'INVALID_REQUEST'],
    ['50001', 503, 'Service temporarily unavailable', 'EXCHANGE_UNAVAILABLE'],
  ];
  for (const [code, http, message, typed] of cases) {
    it(`${code} (HTTP ${http}, "${message}") → ${typed}`, () => {
      expect(codeForOkxError({ venueCode: code, venueMessage: message, httpStatus: http })).toBe(typed);
    });
  }

  it('keeps the venue code, message and envelope in details', () => {
    const error = okxError({
      venueCode: '51008',
      venueMessage: 'Order failed. Insufficient USDT margin in account ',
      httpStatus: 200,
      envelopeCode: '1',
      envelopeMessage: 'All operations failed',
      path: '/api/v5/trade/order',
    });
    expect(ExchangeErrors.is(error, 'INSUFFICIENT_BALANCE')).toBe(true);
    expect(error.details).toMatchObject({
      venue: 'okx',
      venueCode: '51008',
      envelopeCode: '1',
      httpStatus: 200,
      path: '/api/v5/trade/order',
    });
    expect(error.message).toContain('OKX 51008');
  });
});

/** A fetch that answers from a script and records what was sent. */
function scripted(answers: { status: number; body: unknown }[]) {
  const sent: { url: string; init: RequestInit }[] = [];
  const fetch = (async (url: string | URL, init?: RequestInit) => {
    sent.push({ url: String(url), init: init ?? {} });
    const next = answers.shift() ?? {
      status: 500,
      body: { code: '50001', msg: 'script exhausted', data: [] },
    };
    return new Response(JSON.stringify(next.body), { status: next.status });
  }) as typeof globalThis.fetch;
  return { fetch, sent };
}

function http(fetch: typeof globalThis.fetch, sleeps: number[] = []): OkxHttp {
  return new OkxHttp({
    baseUrl: 'http://okx.test',
    apiKey: 'k',
    apiSecret: 's',
    passphrase: 'p',
    demo: false,
    timeoutMs: 1000,
    fetch,
    now: () => 1_700_000_000_000,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0,
  });
}

describe('the {code, msg, data[{sCode, sMsg}]} envelope', () => {
  it('code "1" with an item sCode (HTTP 200) is that item\'s error, the envelope kept', async () => {
    const { fetch } = scripted([
      {
        status: 200,
        body: {
          code: '1',
          msg: '',
          data: [
            {
              clOrdId: '',
              ordId: '',
              sCode: '51119',
              sMsg: 'Order placement failed due to insufficient balance. ',
              tag: '',
            },
          ],
        },
      },
    ]);
    const error = await http(fetch)
      .request({ method: 'POST', path: '/api/v5/trade/order', body: {}, signed: false, safe: false })
      .catch((e: unknown) => e);
    // 51119 is OKX's insufficient-balance code (https://www.okx.com/docs-v5/en/#error-code), as CCXT logs it.
    expect(ExchangeErrors.is(error, 'INSUFFICIENT_BALANCE')).toBe(true);
    expect((error as { details: Record<string, unknown> }).details).toMatchObject({
      venueCode: '51119',
      envelopeCode: '1',
    });
  });

  it('code "0" returns data; an item with a non-zero sCode under code "0" is still an error', async () => {
    const { fetch } = scripted([
      { status: 200, body: { code: '0', msg: '', data: [{ ts: '1' }] } },
      { status: 200, body: { code: '0', msg: '', data: [{ algoId: '1', sCode: '51400', sMsg: 'gone' }] } },
    ]);
    const client = http(fetch);
    expect(await client.request({ method: 'GET', path: '/x', signed: false, safe: true })).toEqual([
      { ts: '1' },
    ]);
    const error = await client
      .request({ method: 'POST', path: '/y', body: [], signed: false, safe: false })
      .catch((e: unknown) => e);
    expect(ExchangeErrors.is(error, 'ORDER_NOT_FOUND')).toBe(true);
  });

  it('429 / 50011 is waited out with backoff and resent, even for a POST (it was not executed)', async () => {
    const { fetch, sent } = scripted([
      { status: 429, body: { code: '50011', msg: 'Too Many Requests', data: [] } },
      { status: 200, body: { code: '50011', msg: 'Rate limit reached', data: [] } },
      { status: 200, body: { code: '0', msg: '', data: [{ ordId: '9' }] } },
    ]);
    const sleeps: number[] = [];
    const data = await http(fetch, sleeps).request({
      method: 'POST',
      path: '/api/v5/trade/order',
      body: {},
      signed: false,
      safe: false,
    });
    expect(data).toEqual([{ ordId: '9' }]);
    expect(sent).toHaveLength(3);
    // OKX windows are 2 s and carry no Retry-After: at least 1 s (backoff 125, 250 ms is shorter)
    expect(sleeps).toEqual([1000, 1000]);
  });

  it('a 5xx on a GET is retried; on a POST it is not', async () => {
    const five = { status: 502, body: { code: '50001', msg: 'Service temporarily unavailable', data: [] } };
    const ok = { status: 200, body: { code: '0', msg: '', data: [] } };
    const get = scripted([five, ok]);
    await http(get.fetch).request({ method: 'GET', path: '/a', signed: false, safe: true });
    expect(get.sent).toHaveLength(2);
    const post = scripted([five, ok]);
    const error = await http(post.fetch)
      .request({ method: 'POST', path: '/b', body: {}, signed: false, safe: false })
      .catch((e: unknown) => e);
    expect(ExchangeErrors.is(error, 'EXCHANGE_UNAVAILABLE')).toBe(true);
    expect(post.sent).toHaveLength(1);
  });

  it('a non-JSON error page keeps its text and status', async () => {
    const fetch = (async () =>
      new Response('<html>bad gateway</html>', { status: 502 })) as typeof globalThis.fetch;
    const error = await new OkxHttp({
      baseUrl: 'http://okx.test',
      apiKey: '',
      apiSecret: '',
      passphrase: '',
      demo: false,
      timeoutMs: 100,
      fetch,
      now: Date.now,
      maxRetries: 0,
    })
      .request({ method: 'GET', path: '/c', signed: false, safe: true })
      .catch((e: unknown) => e);
    expect(ExchangeErrors.is(error, 'EXCHANGE_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toContain('bad gateway');
  });
});

describe('wire parsing', () => {
  it('instrument rules in base units: lotSz × ctVal, minSz × ctVal, maxLmtSz × ctVal', () => {
    const i = parseInstrument({
      instType: 'SWAP',
      instId: 'BTC-USDT-SWAP',
      instFamily: 'BTC-USDT',
      ctVal: '0.01',
      ctValCcy: 'BTC',
      ctType: 'linear',
      settleCcy: 'USDT',
      tickSz: '0.1',
      lotSz: '0.01',
      minSz: '0.01',
      maxLmtSz: '100000000',
      maxMktSz: '5000',
      lever: '100',
      state: 'live',
    });
    expect(i).toMatchObject({
      base: 'BTC',
      quote: 'USDT',
      stepSize: '0.0001',
      minQty: '0.0001',
      maxQty: '1000000',
      contractSize: '0.01',
      maxLeverage: 100,
      minNotional: '0',
    });
  });

  it('positions: contracts × ctVal; the short leg of long/short mode is negated, net stays signed', () => {
    const row = {
      instId: 'ETH-USDT-SWAP',
      mgnMode: 'isolated',
      avgPx: '3000',
      markPx: '3010',
      upl: '-1',
      lever: '5',
      liqPx: '',
    };
    expect(parsePosition({ ...row, posSide: 'short', pos: '7' }, '0.1')).toMatchObject({
      side: 'short',
      qty: '-0.7',
      marginMode: 'isolated',
      leverage: 5,
    });
    expect(parsePosition({ ...row, posSide: 'long', pos: '7' }, '0.1')).toMatchObject({
      side: 'long',
      qty: '0.7',
    });
    expect(parsePosition({ ...row, posSide: 'net', pos: '-12' }, '0.1')).toMatchObject({
      side: 'net',
      qty: '-1.2',
    });
    expect(parsePosition({ ...row, posSide: 'net', pos: '-12' }, '0.1')).not.toHaveProperty(
      'liquidationPrice',
    );
  });

  it('an oco algo is two legs sharing the algoId; a conditional is one; closeFraction means the whole position', () => {
    const base = {
      instId: 'BTC-USDT-SWAP',
      algoId: '77',
      algoClOrdId: 'abc',
      side: 'sell',
      posSide: 'net',
      state: 'live',
      closeFraction: '1',
      sz: '',
    };
    const oco = parseAlgoOrder(
      { ...base, ordType: 'oco', slTriggerPx: '49000', tpTriggerPx: '52000' },
      '0.01',
    );
    expect(
      oco.map((o) => [o.type, o.triggerPrice, o.clientOrderId, o.venueOrderId, o.qty, o.reduceOnly]),
    ).toEqual([
      ['stop_market', '49000', 'abc/sl', '77', '0', true],
      ['take_profit_market', '52000', 'abc/tp', '77', '0', true],
    ]);
    expect(oco.map((o) => algoClientId(o.clientOrderId))).toEqual(['abc', 'abc']);
    const one = parseAlgoOrder(
      {
        ...base,
        ordType: 'conditional',
        tpTriggerPx: '52000',
        closeFraction: '',
        sz: '3',
        state: 'effective',
        actualSz: '3',
      },
      '0.01',
    );
    expect(one).toHaveLength(1);
    expect(one[0]).toMatchObject({
      type: 'take_profit_market',
      clientOrderId: 'abc',
      qty: '0.03',
      status: 'filled',
      filledQty: '0.03',
    });
  });

  it('candles: newest first on the wire → oldest first; confirm "0" is open; vol in contracts → base', () => {
    const rows = [
      ['1700000120000', '3', '4', '2', '3.5', '20', '2', '7', '0'],
      ['1700000060000', '2', '3', '1', '3', '10', '1', '3', '1'],
    ];
    const k = parseCandles(rows, '0.1');
    expect(k.map((c) => [c.openTime, c.closed, c.volume])).toEqual([
      [1700000060000, true, 1],
      [1700000120000, false, 2],
    ]);
  });

  it('candles in the older 8-field layout read confirm from index 7', () => {
    const k = parseCandles([
      ['1700000120000', '3', '4', '2', '3.5', '20', '2', '0'],
      ['1700000060000', '2', '3', '1', '3', '10', '1', '1'],
    ]);
    expect(k.map((c) => c.closed)).toEqual([true, false]);
  });

  it('bars: our spellings → OKX (upper-case H/D/W; UTC variants from 6 h up); unknown → undefined', () => {
    expect(
      ['1m', '5m', '1h', '1H', '4h', '60', '6h', '1d', '1D', '1w', '1M', '1Dutc', '6H', '7m'].map(toOkxBar),
    ).toEqual([
      '1m',
      '5m',
      '1H',
      '1H',
      '4H',
      '1H',
      '6Hutc',
      '1Dutc',
      '1Dutc',
      '1Wutc',
      '1Mutc',
      '1Dutc',
      '6Hutc',
      undefined,
    ]);
  });
});

describe('posSide per account mode', () => {
  it('net_mode: always net; naming the leg being closed adds reduceOnly', () => {
    expect(mapPosSide('one_way', 'buy', undefined, false)).toEqual({ posSide: 'net', reduceOnly: false });
    expect(mapPosSide('one_way', 'sell', 'long', false)).toEqual({ posSide: 'net', reduceOnly: true });
    expect(mapPosSide('one_way', 'buy', 'long', false)).toEqual({ posSide: 'net', reduceOnly: false });
    expect(mapPosSide('one_way', 'buy', 'short', false)).toEqual({ posSide: 'net', reduceOnly: true });
  });

  it('long_short_mode: the leg, never reduceOnly; net or a reduce-only opening order is refused locally', () => {
    expect(mapPosSide('hedge', 'sell', 'long', true)).toEqual({ posSide: 'long', reduceOnly: false });
    expect(mapPosSide('hedge', 'sell', 'short', false)).toEqual({ posSide: 'short', reduceOnly: false });
    expect(() => mapPosSide('hedge', 'buy', 'net', false)).toThrow(/long or short/);
    let caught: unknown;
    try {
      mapPosSide('hedge', 'buy', 'long', true);
    } catch (error) {
      caught = error;
    }
    expect(ExchangeErrors.is(caught, 'REDUCE_ONLY_REJECTED')).toBe(true);
  });
});
