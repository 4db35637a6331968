import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clientOrderId } from '../../src/client-order-id.ts';
import { ExchangeErrors } from '../../src/errors.ts';
import { bybitSign } from '../../src/bybit/signing.ts';
import { codeForBybitError } from '../../src/bybit/errors.ts';
import { API_KEY, API_SECRET, harness, type Harness } from './helpers.ts';

/**
 * What the client puts on the wire (headers, bodies, signatures recomputed here), and how it meets
 * Bybit's faults: 10002 (clock), 10006 with the X-Bapi-Limit-* headers, an order accepted but never
 * answered (looked up by orderLinkId, placed once), 110043 "leverage not modified".
 */
let h: Harness;
beforeAll(async () => {
  h = await harness();
  await h.setPrice('BTCUSDT', '50000');
});
afterAll(() => h.close());
afterEach(async () => {
  h.sim.faults.clear();
  h.sim.faults.clockOffsetMs = 0;
  await h.client.closePosition('BTCUSDT', 'net', `flat-${Date.now()}`);
  await h.client.cancelAllOrders('BTCUSDT');
});

const lastCreate = () => {
  const all = h.seen('POST', '/v5/order/create');
  const last = all[all.length - 1];
  if (last === undefined) throw new Error('no order sent');
  return last;
};

describe('request building', () => {
  it('a market order: X-BAPI headers, a JSON body in a fixed order, the signature over exactly those bytes', async () => {
    await h.client.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.010',
      idempotencyKey: 'req-1',
    });
    const sent = lastCreate();
    expect(sent.body).toBe(
      JSON.stringify({
        category: 'linear',
        symbol: 'BTCUSDT',
        side: 'Buy',
        orderType: 'Market',
        qty: '0.01',
        positionIdx: 0,
        orderLinkId: clientOrderId('req-1', 'bybit'),
      }),
    );
    const ts = sent.headers['x-bapi-timestamp']!;
    expect(sent.headers['x-bapi-api-key']).toBe(API_KEY);
    expect(sent.headers['x-bapi-recv-window']).toBe('1000');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers['x-bapi-sign']).toBe(bybitSign(API_SECRET, ts, API_KEY, '1000', sent.body));
    expect(sent.retCode).toBe(0);
  });

  it('a GET signs its query string; a limit order carries price and GTC; a close is reduce-only', async () => {
    await h.client.openOrders('BTCUSDT');
    const get = h.seen('GET', '/v5/order/realtime').at(-1)!;
    expect(get.query).toBe('category=linear&symbol=BTCUSDT&limit=50');
    expect(get.headers['x-bapi-sign']).toBe(
      bybitSign(API_SECRET, get.headers['x-bapi-timestamp']!, API_KEY, '1000', get.query),
    );
    await h.client.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      qty: '0.01',
      price: '40000.5',
      idempotencyKey: 'req-limit',
    });
    expect(JSON.parse(lastCreate().body)).toMatchObject({
      orderType: 'Limit',
      price: '40000.5',
      timeInForce: 'GTC',
    });
    await h.client.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'sell',
      type: 'market',
      qty: '0.01',
      idempotencyKey: 'req-2',
    });
    expect(await h.client.positions('BTCUSDT')).toHaveLength(1);
    await h.client.closePosition('BTCUSDT', 'short', 'req-close');
    expect(JSON.parse(lastCreate().body)).toMatchObject({ side: 'Buy', reduceOnly: true, positionIdx: 0 });
  });

  it('a stop-loss is a conditional reduce-only market order falling to its trigger', async () => {
    await h.client.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.02',
      idempotencyKey: 'req-3',
    });
    const [stop] = await h.client.placeProtection({
      venueSymbol: 'BTCUSDT',
      positionSide: 'long',
      stopLoss: '45000',
      idempotencyKey: 'req-3',
    });
    expect(JSON.parse(lastCreate().body)).toEqual({
      category: 'linear',
      symbol: 'BTCUSDT',
      side: 'Sell',
      orderType: 'Market',
      qty: '0.02',
      triggerPrice: '45000',
      triggerDirection: 2,
      triggerBy: 'MarkPrice',
      positionIdx: 0,
      reduceOnly: true,
      closeOnTrigger: true,
      orderLinkId: clientOrderId('req-3', 'bybit', 'sl'),
    });
    expect(stop).toMatchObject({ type: 'stop_market', status: 'new', isAlgo: true, triggerPrice: '45000' });
  });

  it('leverage: both sides as strings; setting the same again (110043) is success', async () => {
    await h.client.setLeverage('BTCUSDT', 7);
    await h.client.setLeverage('BTCUSDT', 7);
    const sent = h.seen('POST', '/v5/position/set-leverage');
    expect(JSON.parse(sent.at(-1)!.body)).toEqual({
      category: 'linear',
      symbol: 'BTCUSDT',
      buyLeverage: '7',
      sellLeverage: '7',
    });
    expect(sent.map((r) => r.retCode).slice(-2)).toEqual([0, 110043]);
  });
});

describe('faults', () => {
  it('10002 (our clock is off): one re-sync and resend', async () => {
    h.sim.faults.clockOffsetMs = 5_000;
    expect((await h.client.balance('USDT')).asset).toBe('USDT');
    const codes = h.seen('GET', '/v5/account/wallet-balance').map((r) => r.retCode);
    expect(codes.slice(-2)).toEqual([10002, 0]);
    expect(h.client.transport.timeOffsetMs).toBeGreaterThan(4_000);
  });

  it('10006: the X-Bapi-Limit-* headers are read, the reset waited for, the order placed once', async () => {
    h.sim.faults.add({ kind: 'rate_limit', path: '/v5/order/create', method: 'POST', ms: 150 });
    const started = Date.now();
    await h.client.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.01',
      idempotencyKey: 'rl-1',
    });
    const creates = h.seen('POST', '/v5/order/create').slice(-2);
    expect(creates.map((r) => r.retCode)).toEqual([10006, 0]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(await h.client.positions('BTCUSDT')).toMatchObject([{ qty: '0.01' }]);
  });

  it('an order accepted but never answered: looked up by orderLinkId, placed once', async () => {
    h.sim.faults.add({ kind: 'drop_after_accept', path: '/v5/order/create', method: 'POST' });
    const order = await h.client.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.01',
      idempotencyKey: 'lost-1',
    });
    expect(order).toMatchObject({ status: 'filled', clientOrderId: clientOrderId('lost-1', 'bybit') });
    expect(
      h.seen('GET', '/v5/order/realtime').some((r) => r.query.includes(`orderLinkId=${order.clientOrderId}`)),
    ).toBe(true);
    expect(
      h.sim.venue.orderHistory('BTCUSDT').filter((o) => o.clientOrderId === order.clientOrderId),
    ).toHaveLength(1);
  });

  it('a wrong secret is EXCHANGE_AUTH_FAILED (10004); a wrong key 10003', async () => {
    const { BybitLinearClient } = await import('../../src/bybit/client.ts');
    const wrongSecret = new BybitLinearClient({
      apiKey: API_KEY,
      apiSecret: 'nope'.repeat(9),
      baseUrl: h.sim.url,
    });
    await expect(wrongSecret.balance()).rejects.toMatchObject({
      code: 'EXCHANGE_AUTH_FAILED',
      details: { venueCode: 10004 },
    });
    const wrongKey = new BybitLinearClient({
      apiKey: 'someoneElse01',
      apiSecret: API_SECRET,
      baseUrl: h.sim.url,
    });
    await expect(wrongKey.balance()).rejects.toMatchObject({ details: { venueCode: 10003 } });
  });
});

describe('retCodes onto the typed errors', () => {
  const code = (venueCode: number, venueMessage = '', httpStatus = 200) =>
    codeForBybitError({ venueCode, venueMessage, httpStatus });
  it('maps the documented codes', () => {
    expect(code(10002)).toBe('EXCHANGE_TIMESTAMP_REJECTED');
    expect(code(10003)).toBe('EXCHANGE_AUTH_FAILED');
    expect(code(10004)).toBe('EXCHANGE_AUTH_FAILED');
    expect(code(10006)).toBe('EXCHANGE_RATE_LIMITED');
    expect(code(110007)).toBe('INSUFFICIENT_BALANCE');
    expect(code(110001)).toBe('ORDER_NOT_FOUND');
    expect(code(110072)).toBe('DUPLICATE_CLIENT_ORDER_ID');
    expect(code(110017)).toBe('REDUCE_ONLY_REJECTED');
    expect(code(10001, 'position idx not match position mode')).toBe('POSITION_SIDE_MISMATCH');
    expect(code(10001, 'params error: symbol invalid')).toBe('UNKNOWN_SYMBOL');
    expect(code(110999)).toBe('ORDER_REJECTED');
    expect(
      codeForBybitError({ venueCode: undefined, venueMessage: 'access too frequent', httpStatus: 403 }),
    ).toBe('EXCHANGE_RATE_LIMITED');
    expect(ExchangeErrors.table[code(10016)].status).toBe(503);
  });
});
