import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientOrderId } from '../../src/client-order-id.ts';
import { harness, opensslHmac, API_SECRET, type Harness } from './helpers.ts';

/**
 * ccxt-static-test style: a call and the exact bytes it must put on the wire. Client and simulator
 * share a frozen clock so timestamps are fixed; signatures are recomputed with openssl.
 */
const T = 1591702613943;
let h: Harness;
let hedge: Harness;

beforeAll(async () => {
  h = await harness({ now: () => T }, { now: () => T });
  hedge = await harness({ now: () => T, hedge: true }, { now: () => T });
  await h.setPrice('BTCUSDT', '50000');
  await hedge.setPrice('BTCUSDT', '50000');
});
afterAll(async () => {
  await h.close();
  await hedge.close();
});

function lastBody(x: Harness, method: string, path: string): string {
  const list = x.seen(method, path);
  const last = list[list.length - 1];
  if (last === undefined) throw new Error(`no ${method} ${path}`);
  return method === 'GET' || method === 'DELETE' ? last.query : last.body;
}

function expectSigned(sent: string, unsigned: string): void {
  expect(sent).toBe(`${unsigned}&signature=${opensslHmac(API_SECRET, unsigned)}`);
}

describe('request building', () => {
  it('market order, one-way: form body in a fixed order, signature last', async () => {
    await h.client.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.010',
      idempotencyKey: 'static-1',
    });
    const cid = clientOrderId('static-1', 'binance');
    expectSigned(
      lastBody(h, 'POST', '/fapi/v1/order'),
      `symbol=BTCUSDT&side=BUY&positionSide=BOTH&type=MARKET&quantity=0.01&newClientOrderId=${cid}` +
        `&newOrderRespType=RESULT&recvWindow=1000&timestamp=${T}`,
    );
    const post = h.seen('POST', '/fapi/v1/order')[0];
    expect(post?.query).toBe('');
    expect(post?.apiKey).toBeDefined();
  });

  it('closing in one-way mode sends reduceOnly=true with BOTH', async () => {
    await h.client.closePosition('BTCUSDT', 'net', 'static-close');
    const cid = clientOrderId('static-close', 'binance');
    expectSigned(
      lastBody(h, 'POST', '/fapi/v1/order'),
      `symbol=BTCUSDT&side=SELL&positionSide=BOTH&type=MARKET&quantity=0.01&reduceOnly=true&newClientOrderId=${cid}` +
        `&newOrderRespType=RESULT&recvWindow=1000&timestamp=${T}`,
    );
  });

  it('limit order, hedge: positionSide SHORT, GTC, price on the tick grid, no reduceOnly', async () => {
    await hedge.client.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'sell',
      type: 'limit',
      qty: '0.01',
      price: '60000.50',
      positionSide: 'short',
      idempotencyKey: 'static-2',
    });
    const cid = clientOrderId('static-2', 'binance');
    expectSigned(
      lastBody(hedge, 'POST', '/fapi/v1/order'),
      `symbol=BTCUSDT&side=SELL&positionSide=SHORT&type=LIMIT&timeInForce=GTC&quantity=0.01&price=60000.5` +
        `&newClientOrderId=${cid}&newOrderRespType=RESULT&recvWindow=1000&timestamp=${T}`,
    );
  });

  it('closing the long leg in hedge mode: SELL LONG without reduceOnly (Binance refuses it there)', async () => {
    await hedge.client.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.02',
      positionSide: 'long',
      idempotencyKey: 'static-3',
    });
    await hedge.client.closePosition('BTCUSDT', 'long', 'static-4');
    const cid = clientOrderId('static-4', 'binance');
    expectSigned(
      lastBody(hedge, 'POST', '/fapi/v1/order'),
      `symbol=BTCUSDT&side=SELL&positionSide=LONG&type=MARKET&quantity=0.02&newClientOrderId=${cid}` +
        `&newOrderRespType=RESULT&recvWindow=1000&timestamp=${T}`,
    );
  });

  it('stop-loss: POST /fapi/v1/algoOrder, CONDITIONAL STOP_MARKET with closePosition and clientAlgoId', async () => {
    await h.client.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.01',
      idempotencyKey: 'static-5',
    });
    await h.client.placeProtection({
      venueSymbol: 'BTCUSDT',
      positionSide: 'long',
      stopLoss: '45000',
      idempotencyKey: 'static-6',
    });
    const cid = clientOrderId('static-6', 'binance', 'sl');
    expectSigned(
      lastBody(h, 'POST', '/fapi/v1/algoOrder'),
      `algoType=CONDITIONAL&symbol=BTCUSDT&side=SELL&positionSide=BOTH&type=STOP_MARKET&closePosition=true` +
        `&triggerPrice=45000&workingType=MARK_PRICE&clientAlgoId=${cid}&recvWindow=1000&timestamp=${T}`,
    );
    expect(h.seen('POST', '/fapi/v1/order').every((r) => !r.body.includes('STOP_MARKET'))).toBe(true);
  });

  it('take-profit with a quantity in one-way mode: quantity + reduceOnly', async () => {
    await h.client.placeConditional({
      venueSymbol: 'BTCUSDT',
      kind: 'take_profit',
      side: 'sell',
      triggerPrice: '55000.1',
      qty: '0.005',
      idempotencyKey: 'static-7',
    });
    const cid = clientOrderId('static-7', 'binance');
    expectSigned(
      lastBody(h, 'POST', '/fapi/v1/algoOrder'),
      `algoType=CONDITIONAL&symbol=BTCUSDT&side=SELL&positionSide=BOTH&type=TAKE_PROFIT_MARKET&quantity=0.005` +
        `&reduceOnly=true&triggerPrice=55000.1&workingType=MARK_PRICE&clientAlgoId=${cid}&recvWindow=1000&timestamp=${T}`,
    );
  });

  it('cancel by client id: DELETE with the parameters in the query string', async () => {
    const order = await h.client.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      qty: '0.01',
      price: '40000',
      idempotencyKey: 'static-8',
    });
    await h.client.cancelOrder('BTCUSDT', { clientOrderId: order.clientOrderId, isAlgo: false });
    expectSigned(
      lastBody(h, 'DELETE', '/fapi/v1/order'),
      `symbol=BTCUSDT&origClientOrderId=${order.clientOrderId}&recvWindow=1000&timestamp=${T}`,
    );
    expect(h.seen('DELETE', '/fapi/v1/order').at(-1)?.body).toBe('');
  });

  it('leverage and margin type (on a flat symbol: the venue refuses a margin change with a position, -4048)', async () => {
    await h.client.setLeverage('ETHUSDT', 10, 'isolated');
    expectSigned(
      lastBody(h, 'POST', '/fapi/v1/marginType'),
      `symbol=ETHUSDT&marginType=ISOLATED&recvWindow=1000&timestamp=${T}`,
    );
    expectSigned(
      lastBody(h, 'POST', '/fapi/v1/leverage'),
      `symbol=ETHUSDT&leverage=10&recvWindow=1000&timestamp=${T}`,
    );
  });

  it('lookup by idempotency key: GET /fapi/v1/order?origClientOrderId=', async () => {
    const found = await h.client.orderByIdempotencyKey('BTCUSDT', 'static-1');
    expect(found).toMatchObject({
      clientOrderId: clientOrderId('static-1', 'binance'),
      status: 'filled',
      qty: '0.01',
    });
    expectSigned(
      h.seen('GET', '/fapi/v1/order').at(-1)?.query ?? '',
      `symbol=BTCUSDT&origClientOrderId=${clientOrderId('static-1', 'binance')}&recvWindow=1000&timestamp=${T}`,
    );
  });

  it('public calls are unsigned and carry no timestamp', async () => {
    await h.client.klines({
      venueSymbol: 'BTCUSDT',
      timeframe: '1h',
      startTime: T - 3_600_000 * 3,
      limit: 2,
    });
    expect(lastBody(h, 'GET', '/fapi/v1/klines')).toBe(
      `symbol=BTCUSDT&interval=1h&startTime=${T - 10_800_000}&limit=2`,
    );
    expect(lastBody(h, 'GET', '/fapi/v2/ticker/price')).toBe('symbol=BTCUSDT');
  });
});
