import { afterEach, describe, expect, it } from 'vitest';
import { ExchangeErrors } from '../../src/errors.ts';
import { OkxSwapClient } from '../../src/okx/client.ts';
import { harness, API_KEY, API_SECRET, PASSPHRASE, type Harness } from './helpers.ts';

/**
 * Network and venue faults injected into the real simulator over loopback; the assertions look at
 * what the venue holds afterwards (exactly one order / position), not at what the client says.
 */
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ORDER = '/api/v5/trade/order';
const SYMBOL = 'BTC-USDT-SWAP';

async function start(hedge = false): Promise<Harness> {
  h = await harness({ hedge, balance: 100_000 });
  return h;
}

const buy = (key: string, qty = '0.01') =>
  ({ venueSymbol: SYMBOL, side: 'buy', type: 'market', qty, idempotencyKey: key }) as const;

async function netQty(x: Harness): Promise<string> {
  const positions = await x.sim.venue.positions(SYMBOL);
  return positions.find((p) => p.side === 'net')?.qty ?? '0';
}

describe('idempotent placement under faults', () => {
  it('connection dropped after the venue accepted the order: found by clOrdId, exactly one order', async () => {
    const x = await start();
    x.sim.faults.add({ kind: 'drop_after_accept', path: ORDER, method: 'POST' });
    const order = await x.client.placeOrder(buy('drop-after'));
    expect(order).toMatchObject({ status: 'filled', qty: '0.01' });
    expect(x.seen('POST', ORDER)).toHaveLength(1);
    expect(x.seen('GET', ORDER).some((r) => new URLSearchParams(r.query).has('clOrdId'))).toBe(true);
    expect(await netQty(x)).toBe('0.01');
  });

  it('answer delayed past the client timeout after acceptance: exactly one order', async () => {
    const x = await start();
    x.sim.faults.add({ kind: 'delay_after_accept', path: ORDER, method: 'POST', ms: 2500 });
    const order = await x.client.placeOrder(buy('delayed'));
    expect(order.clientOrderId).toMatch(/^tb/);
    expect(x.seen('POST', ORDER)).toHaveLength(1);
    expect(await netQty(x)).toBe('0.01');
  });

  it('50004 "unknown result" after execution: looked up, not treated as a failure, no duplicate', async () => {
    const x = await start();
    x.sim.faults.add({ kind: 'unknown_result', path: ORDER, method: 'POST', execute: true });
    const order = await x.client.placeOrder(buy('unknown-executed'));
    expect(order.status).toBe('filled');
    expect(x.seen('POST', ORDER)).toHaveLength(1);
    expect(x.seen('POST', ORDER)[0]?.code).toBe('50004');
    expect(await netQty(x)).toBe('0.01');
  });

  it('50004 without execution: confirmed absent after expTime, sent once more, one order', async () => {
    const x = await start();
    x.sim.faults.add({ kind: 'unknown_result', path: ORDER, method: 'POST' });
    const order = await x.client.placeOrder(buy('unknown-lost'));
    expect(order.status).toBe('filled');
    expect(x.seen('POST', ORDER)).toHaveLength(2);
    expect(await netQty(x)).toBe('0.01');
  });

  it('request lost before the venue (connection dropped): resent once after the lookup, one order', async () => {
    const x = await start();
    x.sim.faults.add({ kind: 'drop_before_accept', path: ORDER, method: 'POST' });
    await x.client.placeOrder(buy('drop-before'));
    expect(await netQty(x)).toBe('0.01');
    expect(x.seen('POST', ORDER).map((r) => r.status)).toEqual([0, 200]);
  });

  it('request held in the network past the timeout and its expTime: refused by the venue (50037), resent once, one order', async () => {
    const x = await start();
    x.sim.faults.add({ kind: 'latency', path: ORDER, method: 'POST', ms: 3000 });
    await x.client.placeOrder(buy('late'));
    // Let the held request reach the handler, where its expTime has passed.
    await new Promise((r) => setTimeout(r, 1800));
    expect(await netQty(x)).toBe('0.01');
    const posts = x.seen('POST', ORDER);
    expect(posts).toHaveLength(2);
    expect(posts.map((p) => p.sCode ?? p.code).sort()).toEqual(['0', '50037']);
  });

  it('when the lookups keep failing the outcome stays unknown and nothing is resent', async () => {
    const x = await start();
    x.sim.faults.add({ kind: 'unknown_result', path: ORDER, method: 'POST', execute: true });
    x.sim.faults.add({ kind: 'http_error', path: ORDER, method: 'GET', status: 502, times: Infinity });
    const error = await x.client.placeOrder(buy('unknowable')).catch((e: unknown) => e);
    expect(ExchangeErrors.is(error, 'EXCHANGE_RESULT_UNKNOWN')).toBe(true);
    expect(x.seen('POST', ORDER)).toHaveLength(1);
    expect(await netQty(x)).toBe('0.01');
  });

  it('51016 duplicate clOrdId (a restarted process re-placing a resting order): returns the existing order', async () => {
    const x = await start();
    const limit = {
      venueSymbol: SYMBOL,
      side: 'buy',
      type: 'limit',
      qty: '0.01',
      price: '45000',
      idempotencyKey: 'dup-key',
    } as const;
    const first = await x.client.placeOrder(limit);
    const restarted = new OkxSwapClient({
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      passphrase: PASSPHRASE,
      baseUrl: x.sim.url,
    });
    const again = await restarted.placeOrder(limit);
    expect(again.venueOrderId).toBe(first.venueOrderId);
    expect(x.seen('POST', ORDER).map((p) => p.sCode ?? p.code)).toEqual(['0', '51016']);
    expect(await x.client.openOrders(SYMBOL)).toHaveLength(1);
  });

  it('the same key placed twice at once sends one request', async () => {
    const x = await start();
    const [a, b] = await Promise.all([x.client.placeOrder(buy('twice')), x.client.placeOrder(buy('twice'))]);
    expect(a.venueOrderId).toBe(b.venueOrderId);
    expect(x.seen('POST', ORDER)).toHaveLength(1);
    expect(await netQty(x)).toBe('0.01');
  });

  it('an algo order whose answer was dropped is found by algoClOrdId and never resent', async () => {
    const x = await start();
    await x.client.placeOrder(buy('algo-entry'));
    x.sim.faults.add({ kind: 'drop_after_accept', path: '/api/v5/trade/order-algo', method: 'POST' });
    const legs = await x.client.placeProtection({
      venueSymbol: SYMBOL,
      positionSide: 'long',
      stopLoss: '48000',
      takeProfit: '53000',
      idempotencyKey: 'algo-dropped',
    });
    expect(legs).toHaveLength(2);
    expect(x.seen('POST', '/api/v5/trade/order-algo')).toHaveLength(1);
    expect(x.sim.venue.openConditionals(SYMBOL)).toHaveLength(2);
  });

  it('an algo order lost before the venue is confirmed absent and reported, not resent', async () => {
    const x = await start();
    await x.client.placeOrder(buy('algo-entry-2'));
    x.sim.faults.add({ kind: 'drop_before_accept', path: '/api/v5/trade/order-algo', method: 'POST' });
    const error = await x.client
      .placeConditional({
        venueSymbol: SYMBOL,
        kind: 'stop_loss',
        side: 'sell',
        triggerPrice: '48000',
        idempotencyKey: 'algo-lost',
      })
      .catch((e: unknown) => e);
    expect(ExchangeErrors.is(error, 'EXCHANGE_UNAVAILABLE')).toBe(true);
    expect((error as { details: Record<string, unknown> }).details.confirmedAbsent).toBe(true);
    expect(x.seen('POST', '/api/v5/trade/order-algo')).toHaveLength(1);
    // the caller may retry with the same key: now it goes through
    await x.client.placeConditional({
      venueSymbol: SYMBOL,
      kind: 'stop_loss',
      side: 'sell',
      triggerPrice: '48000',
      idempotencyKey: 'algo-lost',
    });
    expect(x.sim.venue.openConditionals(SYMBOL)).toHaveLength(1);
  });

  it('close-position whose answer was dropped: found by clOrdId, position flat, one request', async () => {
    const x = await start();
    await x.client.placeOrder(buy('to-close', '0.02'));
    x.sim.faults.add({ kind: 'drop_after_accept', path: '/api/v5/trade/close-position', method: 'POST' });
    const close = await x.client.closePosition(SYMBOL, 'net', 'close-dropped');
    expect(close).toMatchObject({ side: 'sell', qty: '0.02', status: 'filled' });
    expect(x.seen('POST', '/api/v5/trade/close-position')).toHaveLength(1);
    expect(await netQty(x)).toBe('0');
  });
});

describe('rate limits, 5xx and clock', () => {
  it('429 (50011) on an order: backed off and resent (not executed), one order', async () => {
    const x = await start();
    x.sim.faults.add({ kind: 'rate_limit', path: ORDER, method: 'POST' });
    await x.client.placeOrder(buy('limited'));
    expect(x.seen('POST', ORDER).map((r) => r.status)).toEqual([429, 200]);
    expect(await netQty(x)).toBe('0.01');
  });

  it('the venue trade rate limit (orders per instrument per 2 s) is waited out: every order placed once', async () => {
    h = await harness({ balance: 100_000, tradeRateLimits: { order: 2 } }, { maxDelayMs: 1000 });
    const x = h;
    const orders = [];
    for (let i = 0; i < 3; i++) orders.push(await x.client.placeOrder(buy(`burst-${i}`)));
    expect(orders.every((o) => o.status === 'filled')).toBe(true);
    const statuses = x.seen('POST', ORDER).map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(await netQty(x)).toBe('0.03');
  });

  it('5xx on a GET is retried with backoff', async () => {
    const x = await start();
    x.sim.faults.add({
      kind: 'http_error',
      path: '/api/v5/account/positions',
      method: 'GET',
      status: 503,
      times: 2,
    });
    expect(await x.client.positions(SYMBOL)).toEqual([]);
    expect(x.seen('GET', '/api/v5/account/positions').map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('5xx on an order POST is not blindly retried: the order is looked up first', async () => {
    const x = await start();
    x.sim.faults.add({ kind: 'http_error', path: ORDER, method: 'POST', status: 500 });
    await x.client.placeOrder(buy('five-hundred'));
    const trail = x.sim.requests.filter((r) => r.path === ORDER).map((r) => `${r.method} ${r.status}`);
    expect(trail[0]).toBe('POST 500');
    expect(trail[1]).toBe('GET 200'); // the lookup (51603: not there) before anything is resent
    expect(trail.filter((t) => t.startsWith('POST'))).toEqual(['POST 500', 'POST 200']);
    expect(await netQty(x)).toBe('0.01');
  });

  it('5xx on a settings POST is reported, not retried', async () => {
    const x = await start();
    x.sim.faults.add({
      kind: 'http_error',
      path: '/api/v5/account/set-leverage',
      method: 'POST',
      status: 502,
    });
    const error = await x.client.setLeverage(SYMBOL, 5).catch((e: unknown) => e);
    expect(ExchangeErrors.is(error, 'EXCHANGE_UNAVAILABLE')).toBe(true);
    expect(x.seen('POST', '/api/v5/account/set-leverage')).toHaveLength(1);
  });

  it('50102 timestamp expired (server clock moved): one re-sync from /public/time, then the request passes', async () => {
    const x = await start();
    await x.client.balance();
    const syncs = x.seen('GET', '/api/v5/public/time').length;
    x.sim.faults.clockOffsetMs = 90_000;
    const balance = await x.client.balance();
    expect(balance.asset).toBe('USDT');
    expect(x.seen('GET', '/api/v5/account/balance').map((r) => r.code)).toEqual(['0', '50102', '0']);
    expect(x.seen('GET', '/api/v5/public/time').length).toBe(syncs + 1);
    expect(Math.abs((x.client.transport.timeOffsetMs ?? 0) - 90_000)).toBeLessThan(2000);
  });

  it('50037 (expTime already passed on arrival: our clock is behind): re-sync, resend with a fresh expTime, one order', async () => {
    const x = await start();
    await x.client.balance(); // synced while the clocks agree
    x.sim.faults.clockOffsetMs = 20_000; // inside the 30 s signature window, past the 1 s order expiry
    const order = await x.client.placeOrder(buy('clock-behind'));
    expect(order.status).toBe('filled');
    const posts = x.seen('POST', ORDER);
    expect(posts.map((p) => p.sCode ?? p.code)).toEqual(['50037', '0']);
    expect(Number(posts[1]?.headers.exptime)).toBeGreaterThan(Number(posts[0]?.headers.exptime) + 15_000);
    expect(await netQty(x)).toBe('0.01');
  });

  it('a timeout on a GET is retried; the data comes back', async () => {
    const x = await start();
    x.sim.faults.add({ kind: 'latency', path: '/api/v5/account/config', method: 'GET', ms: 1500 });
    expect(await x.client.positionMode()).toBe('one_way');
    expect(x.seen('GET', '/api/v5/account/config').length).toBe(2);
  });
});
