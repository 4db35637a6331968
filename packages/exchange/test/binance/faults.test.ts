import { afterEach, describe, expect, it } from 'vitest';
import { ExchangeErrors } from '../../src/errors.ts';
import { BinanceFuturesClient } from '../../src/binance/client.ts';
import { harness, API_KEY, API_SECRET, type Harness } from './helpers.ts';

/**
 * Network and venue faults injected into the real simulator over loopback; the assertions look at
 * what the venue holds afterwards (exactly one order / position), not at what the client says.
 */
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(hedge = false): Promise<Harness> {
  h = await harness({ hedge, balance: 100_000 });
  await h.setPrice('BTCUSDT', '50000');
  return h;
}

const buy = (key: string, qty = '0.01') =>
  ({ venueSymbol: 'BTCUSDT', side: 'buy', type: 'market', qty, idempotencyKey: key }) as const;

async function netQty(x: Harness): Promise<string> {
  const positions = await x.sim.venue.positions('BTCUSDT');
  return positions.find((p) => p.side === 'net')?.qty ?? '0';
}

describe('idempotent placement under faults', () => {
  it('connection dropped after the venue accepted the order: found by client id, exactly one order', async () => {
    const x = await start();
    x.sim.faults.add({ kind: 'drop_after_accept', path: '/fapi/v1/order', method: 'POST' });
    const order = await x.client.placeOrder(buy('drop-after'));
    expect(order).toMatchObject({ status: 'filled', qty: '0.01' });
    expect(x.seen('POST', '/fapi/v1/order')).toHaveLength(1);
    expect(await netQty(x)).toBe('0.01');
  });

  it('answer delayed past the client timeout after acceptance: exactly one order', async () => {
    const x = await start();
    x.sim.faults.add({ kind: 'delay_after_accept', path: '/fapi/v1/order', method: 'POST', ms: 2500 });
    const order = await x.client.placeOrder(buy('delayed'));
    expect(order.clientOrderId).toMatch(/^tb/);
    expect(x.seen('POST', '/fapi/v1/order')).toHaveLength(1);
    expect(await netQty(x)).toBe('0.01');
  });

  it('503 "Unknown error" after execution: looked up, not treated as a failure, no duplicate', async () => {
    const x = await start();
    x.sim.faults.add({ kind: 'unknown_503', path: '/fapi/v1/order', method: 'POST', execute: true });
    const order = await x.client.placeOrder(buy('unknown-executed'));
    expect(order.status).toBe('filled');
    expect(x.seen('POST', '/fapi/v1/order')).toHaveLength(1);
    expect(x.seen('GET', '/fapi/v1/order').length).toBeGreaterThanOrEqual(1);
    expect(await netQty(x)).toBe('0.01');
  });

  it('503 "Unknown error" without execution: confirmed absent after recvWindow, sent once more, one order', async () => {
    const x = await start();
    x.sim.faults.add({ kind: 'unknown_503', path: '/fapi/v1/order', method: 'POST' });
    const order = await x.client.placeOrder(buy('unknown-lost'));
    expect(order.status).toBe('filled');
    expect(x.seen('POST', '/fapi/v1/order')).toHaveLength(2);
    expect(await netQty(x)).toBe('0.01');
  });

  it('request lost before the venue (connection dropped): resent once after the lookup, one order', async () => {
    const x = await start();
    x.sim.faults.add({ kind: 'drop_before_accept', path: '/fapi/v1/order', method: 'POST' });
    await x.client.placeOrder(buy('drop-before'));
    expect(await netQty(x)).toBe('0.01');
    // 0 = the connection was dropped before anything was executed.
    expect(x.seen('POST', '/fapi/v1/order').map((r) => r.status)).toEqual([0, 200]);
  });

  it('request held in the network past the timeout and recvWindow: refused by the venue (-1021), resent once, one order', async () => {
    const x = await start();
    x.sim.faults.add({ kind: 'latency', path: '/fapi/v1/order', method: 'POST', ms: 3000 });
    await x.client.placeOrder(buy('late'));
    // Let the held request reach the handler, where its stale timestamp is refused.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await netQty(x)).toBe('0.01');
    const posts = x.seen('POST', '/fapi/v1/order');
    expect(posts).toHaveLength(2);
    expect(posts.map((p) => p.venueCode ?? p.status).sort()).toEqual([-1021, 200].sort());
  });

  it('when the lookups keep failing the outcome stays unknown and nothing is resent', async () => {
    const x = await start();
    x.sim.faults.add({ kind: 'unknown_503', path: '/fapi/v1/order', method: 'POST', execute: true });
    x.sim.faults.add({
      kind: 'http_error',
      path: '/fapi/v1/order',
      method: 'GET',
      status: 502,
      times: Infinity,
    });
    const error = await x.client.placeOrder(buy('unknowable')).catch((e: unknown) => e);
    expect(ExchangeErrors.is(error, 'EXCHANGE_RESULT_UNKNOWN')).toBe(true);
    expect(x.seen('POST', '/fapi/v1/order')).toHaveLength(1);
    expect(await netQty(x)).toBe('0.01');
  });

  it('-4116 duplicate client id (a restarted process re-placing a resting order): returns the existing order', async () => {
    const x = await start();
    const first = await x.client.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      qty: '0.01',
      price: '45000',
      idempotencyKey: 'dup-key',
    });
    const restarted = new BinanceFuturesClient({
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      baseUrl: x.sim.url,
    });
    const again = await restarted.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      qty: '0.01',
      price: '45000',
      idempotencyKey: 'dup-key',
    });
    expect(again.venueOrderId).toBe(first.venueOrderId);
    expect(x.seen('POST', '/fapi/v1/order').map((r) => r.venueCode ?? r.status)).toEqual([200, -4116]);
    expect(await x.client.openOrders('BTCUSDT')).toHaveLength(1);
  });

  it('the same key from two concurrent calls (racing alerts): one request, both get the same order', async () => {
    const x = await start();
    x.sim.faults.add({ kind: 'latency', path: '/fapi/v1/order', method: 'POST', ms: 200 });
    const [a, b] = await Promise.all([
      x.client.placeOrder(buy('racing')),
      x.client.placeOrder(buy('racing')),
    ]);
    expect(b.venueOrderId).toBe(a.venueOrderId);
    expect(x.seen('POST', '/fapi/v1/order')).toHaveLength(1);
    expect(await netQty(x)).toBe('0.01');
  });

  it('the same key twice in one process: looked up, never sent twice', async () => {
    const x = await start();
    const a = await x.client.placeOrder(buy('same-process'));
    const b = await x.client.placeOrder(buy('same-process'));
    expect(b.venueOrderId).toBe(a.venueOrderId);
    expect(x.seen('POST', '/fapi/v1/order')).toHaveLength(1);
    expect(await netQty(x)).toBe('0.01');
  });
});

describe('closing', () => {
  it('closePosition twice with one key: the second reports the first close and sends nothing', async () => {
    const x = await start();
    await x.client.placeOrder(buy('to-close'));
    const first = await x.client.closePosition('BTCUSDT', 'net', 'close-once');
    const second = await x.client.closePosition('BTCUSDT', 'net', 'close-once');
    expect(first).toMatchObject({ status: 'filled', qty: '0.01', reduceOnly: true });
    expect(second?.venueOrderId).toBe(first?.venueOrderId);
    expect(x.seen('POST', '/fapi/v1/order')).toHaveLength(2);
    expect(await x.client.closePosition('BTCUSDT', 'net', 'never-opened')).toBeNull();
  });

  it('closing a hedge leg below the minimum notional is not refused (closes are exempt, as reduce-only)', async () => {
    const x = await start(true);
    await x.client.placeOrder({ ...buy('leg'), qty: '0.003', positionSide: 'long' });
    const part = await x.client.placeOrder({
      ...buy('part-close'),
      side: 'sell',
      qty: '0.001',
      positionSide: 'long',
    });
    expect(part.status).toBe('filled');
    expect((await x.client.positions('BTCUSDT'))[0]).toMatchObject({ side: 'long', qty: '0.002' });
  });
});

describe('time, rate limits and bans', () => {
  it('-1021 after the server clock moved: one resync, then success', async () => {
    const x = await start();
    await x.client.balance();
    x.sim.faults.clockOffsetMs = 4000;
    const balance = await x.client.balance();
    expect(Number(balance.total)).toBeGreaterThan(0);
    const log = x.sim.requests.map((r) => `${r.method} ${r.path} ${r.venueCode ?? r.status}`);
    const i = log.lastIndexOf('GET /fapi/v3/balance -1021');
    expect(i).toBeGreaterThan(0);
    expect(log.slice(i + 1)).toEqual(['GET /fapi/v1/time 200', 'GET /fapi/v3/balance 200']);
    expect(Math.abs((x.client.transport.timeOffsetMs ?? 0) - 4000)).toBeLessThan(300);
  });

  it('-1021 on an order POST: resync and resend is safe (the venue refused it), one order', async () => {
    const x = await start();
    await x.client.instruments();
    await x.client.positionMode();
    x.sim.faults.clockOffsetMs = -4000;
    await x.client.placeOrder(buy('skewed'));
    expect(x.seen('POST', '/fapi/v1/order').map((r) => r.venueCode ?? r.status)).toEqual([-1021, 200]);
    expect(await netQty(x)).toBe('0.01');
  });

  it('429 with Retry-After: waits that long, then succeeds (orders too: a 429 was not executed)', async () => {
    const x = await start();
    await x.client.instruments();
    x.sim.faults.add({ kind: 'rate_limit', path: '/fapi/v1/order', method: 'POST', retryAfterSec: 1 });
    const started = Date.now();
    await x.client.placeOrder(buy('limited'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(x.seen('POST', '/fapi/v1/order').map((r) => r.status)).toEqual([429, 200]);
    expect(await netQty(x)).toBe('0.01');
  });

  it('418: typed EXCHANGE_RATE_LIMITED with retryAfter, and nothing is sent until the ban passes', async () => {
    const x = await start();
    await x.client.instruments();
    x.sim.faults.add({ kind: 'ban', path: '/fapi/v3/balance', retryAfterSec: 120 });
    const error = await x.client.balance().catch((e: unknown) => e);
    expect(ExchangeErrors.is(error, 'EXCHANGE_RATE_LIMITED')).toBe(true);
    expect((error as { details: Record<string, unknown> }).details).toMatchObject({
      venue: 'binance',
      venueCode: -1003,
      httpStatus: 418,
      retryAfter: 120,
    });
    const before = x.sim.requests.length;
    const second = await x.client.ticker('BTCUSDT').catch((e: unknown) => e);
    expect(ExchangeErrors.is(second, 'EXCHANGE_RATE_LIMITED')).toBe(true);
    expect(x.sim.requests.length).toBe(before);
  });

  it('5xx on a read is retried with backoff; on an order POST it is resolved by lookup, never blindly resent', async () => {
    const x = await start();
    x.sim.faults.add({ kind: 'http_error', path: '/fapi/v3/balance', status: 502, times: 2 });
    await x.client.balance();
    expect(x.seen('GET', '/fapi/v3/balance').map((r) => r.status)).toEqual([502, 502, 200]);
    // A 503 "Unknown error" on a read is simply asked again.
    x.sim.faults.add({ kind: 'unknown_503', path: '/fapi/v2/positionRisk' });
    await x.client.positions();
    expect(x.seen('GET', '/fapi/v2/positionRisk').map((r) => r.status)).toEqual([503, 200]);
    // A timed-out cancel is repeated (a cancel is safe to repeat).
    const resting = await x.client.placeOrder({ ...buy('to-cancel'), type: 'limit', price: '45000' });
    x.sim.faults.add({ kind: 'delay_after_accept', path: '/fapi/v1/order', method: 'DELETE', ms: 1500 });
    await x.client.cancelOrder('BTCUSDT', { venueOrderId: resting.venueOrderId, isAlgo: false });
    expect(x.seen('DELETE', '/fapi/v1/order').length).toBeGreaterThanOrEqual(2);
    expect(await x.client.openOrders('BTCUSDT')).toEqual([]);
  });

  it("the simulator's own weight limit: a 429 when exceeded, Retry-After to the minute's end, then success", async () => {
    // One clock for venue and client; the client's sleep advances it, so minutes pass instantly.
    let t = Date.UTC(2026, 0, 1, 0, 0, 10);
    const waits: number[] = [];
    h = await harness(
      { weightLimit: 20, now: () => t },
      { now: () => t, sleep: async (ms) => void (waits.push(ms), (t += ms)) },
    );
    // time (1) + 3 × balance (5) = 16 < 0.9 × 20, so the fourth balance is sent and crosses 20.
    for (let i = 0; i < 4; i++) await h.client.balance();
    expect(h.seen('GET', '/fapi/v3/balance').map((r) => r.status)).toEqual([200, 200, 200, 429, 200]);
    expect(waits).toEqual([50_000]); // Retry-After: 50 s to the end of the minute (00:00:10 → 00:01:00)
  });

  it('near the limit (learnt from exchangeInfo rateLimits) the client waits for the next minute instead of a 429', async () => {
    let t = Date.UTC(2026, 0, 1, 0, 0, 10);
    const waits: number[] = [];
    h = await harness(
      { weightLimit: 24, now: () => t },
      { now: () => t, sleep: async (ms) => void (waits.push(ms), (t += ms)) },
    );
    await h.client.instruments(); // exchangeInfo (1) + time (1) + leverageBracket (1) = 3; REQUEST_WEIGHT limit 24
    // Balances weigh 5: 8, 13, 18, 23 — and 23 ≥ 0.9 × 24, so the fifth waits for 00:01:00.
    for (let i = 0; i < 5; i++) await h.client.balance();
    expect(h.seen('GET', '/fapi/v3/balance').map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(waits).toEqual([50_000]);
  });

  it('slows down when the reported weight nears the limit', async () => {
    const x = await start();
    const client = new BinanceFuturesClient({
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      baseUrl: x.sim.url,
      sleep: async (ms) => void waits.push(ms),
    });
    const waits: number[] = [];
    // Each balance call weighs 5; 2400 × 0.9 = 2160 → the throttle engages after 432 calls. Cheaper: lower the limit.
    client.transport.setWeightLimit(20);
    for (let i = 0; i < 5; i++) await client.balance();
    expect(waits.some((ms) => ms > 0 && ms <= 60_000)).toBe(true);
  });
});

describe('position mode', () => {
  it('detected from /fapi/v1/positionSide/dual and cached: hedge orders carry LONG/SHORT', async () => {
    const x = await start(true);
    expect(await x.client.positionMode()).toBe('hedge');
    await x.client.placeOrder({ ...buy('hedge-1'), positionSide: 'long' });
    await x.client.placeOrder({ ...buy('hedge-2'), positionSide: 'long' });
    expect(x.seen('GET', '/fapi/v1/positionSide/dual')).toHaveLength(1);
    expect(x.seen('POST', '/fapi/v1/order').every((r) => r.body.includes('positionSide=LONG'))).toBe(true);
    const legs = await x.client.positions('BTCUSDT');
    expect(legs).toEqual([expect.objectContaining({ side: 'long', qty: '0.02' })]);
  });

  it('mode changed behind the cache: -4061 surfaces as POSITION_SIDE_MISMATCH for an ambiguous order, then the next succeeds', async () => {
    const x = await start(false);
    expect(await x.client.positionMode()).toBe('one_way');
    await fetch(`${x.sim.url}/__sim/position-mode`, {
      method: 'POST',
      body: JSON.stringify({ hedge: true }),
    });
    const error = await x.client.placeOrder(buy('stale-mode')).catch((e: unknown) => e);
    expect(ExchangeErrors.is(error, 'POSITION_SIDE_MISMATCH')).toBe(true);
    expect(x.seen('POST', '/fapi/v1/order').map((r) => r.venueCode)).toEqual([-4061]);
    expect(await x.client.positionMode()).toBe('hedge');
    await x.client.placeOrder({ ...buy('fresh-mode'), positionSide: 'long' });
    expect(x.seen('POST', '/fapi/v1/order').at(-1)?.status).toBe(200);
  });

  it('mode changed behind the cache with an explicit leg: re-detected and resent once, transparently', async () => {
    const x = await start(true);
    expect(await x.client.positionMode()).toBe('hedge');
    await fetch(`${x.sim.url}/__sim/position-mode`, {
      method: 'POST',
      body: JSON.stringify({ hedge: false }),
    });
    const order = await x.client.placeOrder({ ...buy('leg-explicit'), positionSide: 'long' });
    expect(order.positionSide).toBe('net');
    expect(x.seen('POST', '/fapi/v1/order').map((r) => r.venueCode ?? r.status)).toEqual([-4061, 200]);
  });
});

describe('validation before sending (no order request reaches the venue)', () => {
  const cases: [string, object, string][] = [
    ['unknown symbol', { venueSymbol: 'NOPEUSDT' }, 'UNKNOWN_SYMBOL'],
    ['negative size', { qty: '-0.01' }, 'INVALID_QUANTITY'],
    ['size off the step grid', { qty: '0.0105' }, 'INVALID_QUANTITY'],
    ['below min notional', { qty: '0.001' }, 'ORDER_BELOW_MIN_NOTIONAL'],
    ['limit price off the tick grid', { type: 'limit', price: '50000.05' }, 'INVALID_PRICE'],
  ];
  it.each(cases)('%s', async (_name, patch, code) => {
    const x = await start();
    await x.setPrice('BTCUSDT', '50000');
    const error = await x.client.placeOrder({ ...buy(`bad-${code}`), ...patch }).catch((e: unknown) => e);
    expect(ExchangeErrors.is(error, code as never)).toBe(true);
    expect(x.seen('POST', '/fapi/v1/order')).toHaveLength(0);
  });

  it('maximum leverage per symbol comes from /fapi/v1/leverageBracket (ETHUSDT: 100 on the paper venue)', async () => {
    const x = await start();
    expect((await x.client.instrument('ETHUSDT')).maxLeverage).toBe(100);
    expect((await x.client.instrument('BTCUSDT')).maxLeverage).toBe(125);
    const error = await x.client.setLeverage('ETHUSDT', 101).catch((e: unknown) => e);
    expect(ExchangeErrors.is(error, 'LEVERAGE_OUT_OF_RANGE')).toBe(true);
    expect(x.seen('POST', '/fapi/v1/leverage')).toHaveLength(0);
    expect((await x.client.setLeverage('ETHUSDT', 100)).leverage).toBe(100);
  });

  it('leverage above the maximum', async () => {
    const x = await start();
    const error = await x.client.setLeverage('BTCUSDT', 200).catch((e: unknown) => e);
    expect(ExchangeErrors.is(error, 'LEVERAGE_OUT_OF_RANGE')).toBe(true);
    expect(x.seen('POST', '/fapi/v1/leverage')).toHaveLength(0);
  });
});

describe('conditionals and cancellation', () => {
  it('cancelAllOrders cancels regular and algo orders', async () => {
    const x = await start();
    await x.client.placeOrder(buy('pos'));
    await x.client.placeOrder({ ...buy('resting'), type: 'limit', price: '45000' });
    await x.client.placeProtection({
      venueSymbol: 'BTCUSDT',
      positionSide: 'long',
      stopLoss: '40000',
      takeProfit: '60000',
      idempotencyKey: 'prot',
    });
    const open = await x.client.openOrders('BTCUSDT');
    expect(
      open
        .filter((o) => o.isAlgo)
        .map((o) => o.type)
        .sort(),
    ).toEqual(['stop_market', 'take_profit_market']);
    expect(open.filter((o) => !o.isAlgo)).toHaveLength(1);
    await x.client.cancelAllOrders('BTCUSDT');
    expect(await x.client.openOrders('BTCUSDT')).toEqual([]);
    expect(x.seen('DELETE', '/fapi/v1/allOpenOrders')).toHaveLength(1);
    expect(x.seen('DELETE', '/fapi/v1/algoOpenOrders')).toHaveLength(1);
  });

  it('a stop-loss triggers on the venue when the price crosses it', async () => {
    const x = await start();
    await x.client.placeOrder(buy('to-stop'));
    const [sl] = await x.client.placeProtection({
      venueSymbol: 'BTCUSDT',
      positionSide: 'long',
      stopLoss: '49000',
      idempotencyKey: 'stop',
    });
    expect(sl).toMatchObject({ isAlgo: true, type: 'stop_market', status: 'new', triggerPrice: '49000' });
    await x.setPrice('BTCUSDT', '49100');
    expect(await netQty(x)).toBe('0.01');
    await x.setPrice('BTCUSDT', '48900');
    expect(await netQty(x)).toBe('0');
    expect((await x.client.openOrders('BTCUSDT')).filter((o) => o.isAlgo)).toEqual([]);
  });

  it('cancels an algo order by id and a regular one by client id', async () => {
    const x = await start();
    await x.client.placeOrder(buy('p2'));
    const tp = await x.client.placeConditional({
      venueSymbol: 'BTCUSDT',
      kind: 'take_profit',
      side: 'sell',
      triggerPrice: '70000',
      idempotencyKey: 'tp-only',
    });
    await x.client.cancelOrder('BTCUSDT', { venueOrderId: tp.venueOrderId, isAlgo: true });
    expect(x.seen('DELETE', '/fapi/v1/algoOrder')).toHaveLength(1);
    const limit = await x.client.placeOrder({ ...buy('l2'), type: 'limit', price: '41000' });
    await x.client.cancelOrder('BTCUSDT', { clientOrderId: limit.clientOrderId });
    expect(await x.client.openOrders('BTCUSDT')).toEqual([]);
  });
});

describe('the nine everyday operations through the Exchange interface', () => {
  it('balance, positions, leverage, market/limit orders, stop-loss, take-profit, close, cancel', async () => {
    const x = await start(true);
    expect(await x.client.balance()).toMatchObject({ asset: 'USDT', total: '100000' });
    expect(await x.client.setLeverage('BTCUSDT', 10)).toEqual({ leverage: 10 });
    const entry = await x.client.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.02',
      positionSide: 'long',
      idempotencyKey: 'w-1',
    });
    expect(entry).toMatchObject({ status: 'filled', positionSide: 'long', qty: '0.02' });
    expect(await x.client.positions('BTCUSDT')).toEqual([
      expect.objectContaining({ side: 'long', qty: '0.02', entryPrice: '50000', leverage: 10 }),
    ]);
    const limit = await x.client.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      qty: '0.01',
      price: '45000',
      positionSide: 'long',
      idempotencyKey: 'w-limit',
    });
    expect(limit).toMatchObject({ status: 'new', price: '45000', type: 'limit' });
    const sl = await x.client.placeConditional({
      venueSymbol: 'BTCUSDT',
      kind: 'stop_loss',
      side: 'sell',
      positionSide: 'long',
      triggerPrice: '48000',
      idempotencyKey: 'w-sl',
    });
    const tp = await x.client.placeConditional({
      venueSymbol: 'BTCUSDT',
      kind: 'take_profit',
      side: 'sell',
      positionSide: 'long',
      triggerPrice: '55000',
      qty: '0.01',
      idempotencyKey: 'w-tp',
    });
    expect(sl).toMatchObject({
      isAlgo: true,
      type: 'stop_market',
      side: 'sell',
      positionSide: 'long',
      triggerPrice: '48000',
    });
    expect(tp).toMatchObject({
      isAlgo: true,
      type: 'take_profit_market',
      qty: '0.01',
      triggerPrice: '55000',
    });
    await x.client.cancelOrder('BTCUSDT', { venueOrderId: limit.venueOrderId });
    await x.client.cancelOrder('BTCUSDT', { clientOrderId: tp.clientOrderId, isAlgo: true });
    expect((await x.client.openOrders('BTCUSDT')).map((o) => o.venueOrderId)).toEqual([sl.venueOrderId]);
    const closed = await x.client.closePosition('BTCUSDT', 'long', 'w-close');
    expect(closed).toMatchObject({ status: 'filled', side: 'sell', positionSide: 'long', qty: '0.02' });
    expect(await x.client.positions('BTCUSDT')).toEqual([]);
  });
});
