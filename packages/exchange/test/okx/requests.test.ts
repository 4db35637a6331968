import { afterEach, describe, expect, it } from 'vitest';
import { ExchangeErrors } from '../../src/errors.ts';
import { clientOrderId } from '../../src/client-order-id.ts';
import { opensslHmacBase64, harness, API_KEY, PASSPHRASE, API_SECRET, type Harness } from './helpers.ts';

/**
 * What OkxSwapClient puts on the wire for each operation, read from the simulator's request log
 * (raw bytes as received). Sizes are contracts: BTC-USDT-SWAP ctVal 0.01, ETH-USDT-SWAP 0.1,
 * SOL-USDT-SWAP 1 (the simulator's instruments, served by /api/v5/public/instruments).
 */
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

type Body = Record<string, unknown>;
const bodies = (x: Harness, path: string): Body[] =>
  x.seen('POST', path).map((r) => JSON.parse(r.body) as Body);
const lastBody = (x: Harness, path: string): Body => {
  const all = bodies(x, path);
  return all[all.length - 1] as Body;
};
const queryOf = (x: Harness, path: string): URLSearchParams[] =>
  x.seen('GET', path).map((r) => new URLSearchParams(r.query));

describe('signed request headers', () => {
  it('sends key, ISO-ms timestamp, passphrase and a Base64 HMAC over timestamp+METHOD+path?query+body', async () => {
    h = await harness();
    await h.client.balance('USDT');
    const [request] = h.seen('GET', '/api/v5/account/balance');
    expect(request).toBeDefined();
    const headers = request?.headers ?? {};
    expect(headers['ok-access-key']).toBe(API_KEY);
    expect(headers['ok-access-passphrase']).toBe(PASSPHRASE);
    expect(headers['ok-access-timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(request?.query).toBe('ccy=USDT');
    const payload = `${headers['ok-access-timestamp']}GET/api/v5/account/balance?ccy=USDT`;
    expect(headers['ok-access-sign']).toBe(opensslHmacBase64(API_SECRET, payload));
    expect(headers['x-simulated-trading']).toBeUndefined();
  });

  it('signs a POST over the exact JSON bytes it sends', async () => {
    h = await harness();
    await h.client.setLeverage('BTC-USDT-SWAP', 7);
    const [request] = h.seen('POST', '/api/v5/account/set-leverage');
    const headers = request?.headers ?? {};
    expect(request?.body).toBe('{"instId":"BTC-USDT-SWAP","lever":"7","mgnMode":"cross"}');
    expect(headers['content-type']).toBe('application/json');
    const payload = `${headers['ok-access-timestamp']}POST/api/v5/account/set-leverage${request?.body}`;
    expect(headers['ok-access-sign']).toBe(opensslHmacBase64(API_SECRET, payload));
  });

  it('demo / testnet adds x-simulated-trading: 1; a demo key used live is 50101', async () => {
    h = await harness({ demo: true }, { demo: true });
    await h.client.balance();
    expect(h.seen('GET', '/api/v5/account/balance')[0]?.headers['x-simulated-trading']).toBe('1');
    const { OkxSwapClient } = await import('../../src/okx/client.ts');
    const live = new OkxSwapClient({
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      passphrase: PASSPHRASE,
      baseUrl: h.sim.url,
    });
    const error = await live.balance().catch((e: unknown) => e);
    expect(ExchangeErrors.is(error, 'EXCHANGE_AUTH_FAILED')).toBe(true);
    expect((error as { details: Body }).details).toMatchObject({ venueCode: '50101', httpStatus: 401 });
    const testnet = new OkxSwapClient({
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      passphrase: PASSPHRASE,
      baseUrl: h.sim.url,
      testnet: true,
    });
    expect((await testnet.balance()).asset).toBe('USDT');
  });

  it('defaults to https://www.okx.com', async () => {
    const { OkxSwapClient } = await import('../../src/okx/client.ts');
    expect(new OkxSwapClient({ apiKey: 'k', apiSecret: 's', passphrase: 'p' }).baseUrl).toBe(
      'https://www.okx.com',
    );
  });
});

describe('orders: base units in, contracts (sz = qty / ctVal) on the wire', () => {
  it('market buy 0.05 BTC on BTC-USDT-SWAP (ctVal 0.01) is sz "5", with clOrdId from the key and expTime', async () => {
    h = await harness();
    const before = Date.now();
    const order = await h.client.placeOrder({
      venueSymbol: 'BTC-USDT-SWAP',
      side: 'buy',
      type: 'market',
      qty: '0.05',
      idempotencyKey: 'req-market-1',
    });
    const body = lastBody(h, '/api/v5/trade/order');
    expect(body).toEqual({
      instId: 'BTC-USDT-SWAP',
      tdMode: 'cross',
      side: 'buy',
      posSide: 'net',
      ordType: 'market',
      sz: '5',
      clOrdId: clientOrderId('req-market-1', 'okx'),
    });
    expect(String(body.clOrdId)).toMatch(/^[A-Za-z0-9]{1,32}$/);
    const expTime = Number(h.seen('POST', '/api/v5/trade/order')[0]?.headers.exptime);
    expect(expTime).toBeGreaterThan(before);
    // back in base units, filled at the simulator's price
    expect(order).toMatchObject({ status: 'filled', qty: '0.05', filledQty: '0.05', avgPrice: '50000' });
    const [position] = await h.client.positions('BTC-USDT-SWAP');
    expect(position?.qty).toBe('0.05');
    // the venue holds 5 contracts = 0.05 BTC
    expect((await h.sim.venue.positions('BTC-USDT-SWAP'))[0]?.qty).toBe('0.05');
  });

  it('an instrument with ctVal 1 (SOL-USDT-SWAP) sends the base quantity unchanged; ETH (ctVal 0.1) ×10', async () => {
    h = await harness();
    await h.client.placeOrder({
      venueSymbol: 'SOL-USDT-SWAP',
      side: 'sell',
      type: 'market',
      qty: '3',
      idempotencyKey: 'req-sol',
    });
    expect(lastBody(h, '/api/v5/trade/order')).toMatchObject({
      instId: 'SOL-USDT-SWAP',
      side: 'sell',
      sz: '3',
    });
    await h.client.placeOrder({
      venueSymbol: 'ETH-USDT-SWAP',
      side: 'buy',
      type: 'limit',
      qty: '0.5',
      price: '2900.5',
      idempotencyKey: 'req-eth',
    });
    expect(lastBody(h, '/api/v5/trade/order')).toMatchObject({ ordType: 'limit', sz: '5', px: '2900.5' });
    const positions = await h.client.positions();
    expect(positions.find((p) => p.venueSymbol === 'SOL-USDT-SWAP')?.qty).toBe('-3');
    const open = await h.client.openOrders('ETH-USDT-SWAP');
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ qty: '0.5', price: '2900.5', status: 'new', type: 'limit' });
  });

  it('refuses a quantity that is not a whole number of lots before sending', async () => {
    h = await harness();
    const error = await h.client
      .placeOrder({
        venueSymbol: 'BTC-USDT-SWAP',
        side: 'buy',
        type: 'market',
        qty: '0.00005',
        idempotencyKey: 'k',
      })
      .catch((e: unknown) => e);
    expect(ExchangeErrors.is(error)).toBe(true);
    expect(['INVALID_QUANTITY', 'ORDER_BELOW_MIN_QTY']).toContain((error as { code: string }).code);
    expect(h.seen('POST', '/api/v5/trade/order')).toHaveLength(0);
  });

  it('net mode: naming the long leg on a sell becomes posSide net + reduceOnly', async () => {
    h = await harness();
    await h.client.placeOrder({
      venueSymbol: 'BTC-USDT-SWAP',
      side: 'buy',
      type: 'market',
      qty: '0.02',
      idempotencyKey: 'o1',
    });
    await h.client.placeOrder({
      venueSymbol: 'BTC-USDT-SWAP',
      side: 'sell',
      type: 'market',
      qty: '0.01',
      positionSide: 'long',
      idempotencyKey: 'o2',
    });
    expect(lastBody(h, '/api/v5/trade/order')).toMatchObject({ posSide: 'net', reduceOnly: true, sz: '1' });
  });

  it("reducing orders without a margin mode trade in their position's (tdMode isolated for an isolated long)", async () => {
    h = await harness();
    await h.client.placeOrder({
      venueSymbol: 'BTC-USDT-SWAP',
      side: 'buy',
      type: 'market',
      qty: '0.02',
      marginMode: 'isolated',
      idempotencyKey: 'iso-open',
    });
    expect(lastBody(h, '/api/v5/trade/order').tdMode).toBe('isolated');
    expect((await h.client.positions())[0]?.marginMode).toBe('isolated');
    await h.client.placeProtection({
      venueSymbol: 'BTC-USDT-SWAP',
      positionSide: 'long',
      stopLoss: '49000',
      idempotencyKey: 'iso-sl',
    });
    expect(lastBody(h, '/api/v5/trade/order-algo').tdMode).toBe('isolated');
    await h.client.placeOrder({
      venueSymbol: 'BTC-USDT-SWAP',
      side: 'sell',
      type: 'market',
      qty: '0.01',
      reduceOnly: true,
      idempotencyKey: 'iso-reduce',
    });
    expect(lastBody(h, '/api/v5/trade/order').tdMode).toBe('isolated');
    // a new opening order without a mode uses the default (cross)
    await h.client.placeOrder({
      venueSymbol: 'ETH-USDT-SWAP',
      side: 'buy',
      type: 'market',
      qty: '0.1',
      idempotencyKey: 'x-open',
    });
    expect(lastBody(h, '/api/v5/trade/order').tdMode).toBe('cross');
    expect((await h.client.positions('BTC-USDT-SWAP'))[0]?.qty).toBe('0.01');
  });

  it('long/short mode: posSide long/short and never reduceOnly; net is refused before sending', async () => {
    h = await harness({ hedge: true });
    await h.client.placeOrder({
      venueSymbol: 'BTC-USDT-SWAP',
      side: 'buy',
      type: 'market',
      qty: '0.02',
      positionSide: 'long',
      idempotencyKey: 'h1',
    });
    await h.client.placeOrder({
      venueSymbol: 'BTC-USDT-SWAP',
      side: 'sell',
      type: 'market',
      qty: '0.01',
      positionSide: 'long',
      reduceOnly: true,
      idempotencyKey: 'h2',
    });
    const [open, close] = bodies(h, '/api/v5/trade/order');
    expect(open).toMatchObject({ side: 'buy', posSide: 'long' });
    expect(close).toMatchObject({ side: 'sell', posSide: 'long', sz: '1' });
    expect(close).not.toHaveProperty('reduceOnly');
    const error = await h.client
      .placeOrder({
        venueSymbol: 'BTC-USDT-SWAP',
        side: 'buy',
        type: 'market',
        qty: '0.01',
        idempotencyKey: 'h3',
      })
      .catch((e: unknown) => e);
    expect(ExchangeErrors.is(error, 'POSITION_SIDE_MISMATCH')).toBe(true);
    expect(h.seen('POST', '/api/v5/trade/order')).toHaveLength(2);
    expect((await h.client.positions())[0]).toMatchObject({ side: 'long', qty: '0.01' });
  });

  it('mode switched behind the cache: 51000 posSide, config re-read, sent once more in the new mode', async () => {
    h = await harness();
    expect(await h.client.positionMode()).toBe('one_way');
    h.sim.venue.setPositionMode('hedge');
    await h.client.placeOrder({
      venueSymbol: 'BTC-USDT-SWAP',
      side: 'buy',
      type: 'market',
      qty: '0.01',
      positionSide: 'long',
      idempotencyKey: 'switched',
    });
    const posts = h.seen('POST', '/api/v5/trade/order');
    expect(posts.map((p) => p.sCode ?? p.code)).toEqual(['51000', '0']);
    expect(posts.map((p) => (JSON.parse(p.body) as Body).posSide)).toEqual(['net', 'long']);
    expect(h.seen('GET', '/api/v5/account/config')).toHaveLength(2);
  });

  it('attached TP/SL ride on the order (attachAlgoOrds, market legs) and appear as one oco algo once filled', async () => {
    h = await harness();
    await h.client.placeOrder({
      venueSymbol: 'BTC-USDT-SWAP',
      side: 'buy',
      type: 'market',
      qty: '0.01',
      attachedStopLoss: '49000',
      attachedTakeProfit: '52000',
      idempotencyKey: 'attached',
    });
    expect(lastBody(h, '/api/v5/trade/order').attachAlgoOrds).toEqual([
      {
        attachAlgoClOrdId: clientOrderId('attached', 'okx', 'p'),
        tpTriggerPx: '52000',
        tpOrdPx: '-1',
        tpTriggerPxType: 'mark',
        slTriggerPx: '49000',
        slOrdPx: '-1',
        slTriggerPxType: 'mark',
      },
    ]);
    const algos = (await h.client.openOrders('BTC-USDT-SWAP')).filter((o) => o.isAlgo);
    expect(algos.map((o) => [o.type, o.triggerPrice, o.side])).toEqual([
      ['stop_market', '49000', 'sell'],
      ['take_profit_market', '52000', 'sell'],
    ]);
    expect(algos[0]?.venueOrderId).toBe(algos[1]?.venueOrderId);
    expect(queryOf(h, '/api/v5/trade/orders-algo-pending')[0]?.get('ordType')).toBe('conditional,oco');
  });

  it('attachedProtection finds the attached algo by the attachAlgoClOrdId derived from the key: one GET, [] when none', async () => {
    h = await harness();
    expect(await h.client.attachedProtection('BTC-USDT-SWAP', 'not-placed')).toEqual([]);
    await h.client.placeOrder({
      venueSymbol: 'BTC-USDT-SWAP',
      side: 'buy',
      type: 'market',
      qty: '0.01',
      attachedStopLoss: '49000',
      idempotencyKey: 'attached-sl',
    });
    const before = h.seen('GET', '/api/v5/trade/order-algo').length;
    const legs = await h.client.attachedProtection('BTC-USDT-SWAP', 'attached-sl');
    expect(h.seen('GET', '/api/v5/trade/order-algo')).toHaveLength(before + 1);
    expect(queryOf(h, '/api/v5/trade/order-algo').at(-1)?.get('algoClOrdId')).toBe(
      clientOrderId('attached-sl', 'okx', 'p'),
    );
    // One trigger → a conditional, reported as one leg named by the algo's client id.
    expect(legs.map((o) => [o.type, o.triggerPrice, o.side, o.status, o.clientOrderId])).toEqual([
      ['stop_market', '49000', 'sell', 'new', clientOrderId('attached-sl', 'okx', 'p')],
    ]);
  });
});

describe('algo orders, close-position, leverage and mode', () => {
  it('SL + TP for a whole net long: one oco algo, closeFraction "1", reduceOnly, market legs', async () => {
    h = await harness();
    await h.client.placeOrder({
      venueSymbol: 'BTC-USDT-SWAP',
      side: 'buy',
      type: 'market',
      qty: '0.01',
      idempotencyKey: 'p0',
    });
    const legs = await h.client.placeProtection({
      venueSymbol: 'BTC-USDT-SWAP',
      positionSide: 'long',
      stopLoss: '49000',
      takeProfit: '52000',
      idempotencyKey: 'protect-1',
    });
    expect(bodies(h, '/api/v5/trade/order-algo')).toEqual([
      {
        instId: 'BTC-USDT-SWAP',
        tdMode: 'cross',
        side: 'sell',
        posSide: 'net',
        ordType: 'oco',
        closeFraction: '1',
        reduceOnly: true,
        tpTriggerPx: '52000',
        tpOrdPx: '-1',
        tpTriggerPxType: 'mark',
        slTriggerPx: '49000',
        slOrdPx: '-1',
        slTriggerPxType: 'mark',
        algoClOrdId: clientOrderId('protect-1', 'okx', 'p'),
      },
    ]);
    expect(legs.map((l) => l.type)).toEqual(['stop_market', 'take_profit_market']);
    expect(legs.map((l) => l.clientOrderId)).toEqual([
      `${clientOrderId('protect-1', 'okx', 'p')}/sl`,
      `${clientOrderId('protect-1', 'okx', 'p')}/tp`,
    ]);
    // cancelling one leg cancels the algo: cancel-algos takes a JSON array
    await h.client.cancelOrder('BTC-USDT-SWAP', {
      clientOrderId: legs[1]?.clientOrderId as string,
      isAlgo: true,
    });
    expect(lastBody(h, '/api/v5/trade/cancel-algos')).toEqual([
      { instId: 'BTC-USDT-SWAP', algoId: legs[0]?.venueOrderId },
    ]);
    expect(await h.client.openOrders('BTC-USDT-SWAP')).toHaveLength(0);
    // a leg named only by its clientOrderId (isAlgo not given) goes straight to the algo endpoints
    const again = await h.client.placeProtection({
      venueSymbol: 'BTC-USDT-SWAP',
      positionSide: 'long',
      stopLoss: '48000',
      takeProfit: '53000',
      idempotencyKey: 'protect-2',
    });
    const cancelsBefore = h.seen('POST', '/api/v5/trade/cancel-order').length;
    await h.client.cancelOrder('BTC-USDT-SWAP', { clientOrderId: again[0]?.clientOrderId as string });
    expect(h.seen('POST', '/api/v5/trade/cancel-order')).toHaveLength(cancelsBefore);
    expect(await h.client.openOrders('BTC-USDT-SWAP')).toHaveLength(0);
  });

  it('one leg with a size is a conditional with sz in contracts; hedge legs carry posSide', async () => {
    h = await harness({ hedge: true });
    await h.client.placeOrder({
      venueSymbol: 'ETH-USDT-SWAP',
      side: 'sell',
      type: 'market',
      qty: '1',
      positionSide: 'short',
      idempotencyKey: 'eth-short',
    });
    const order = await h.client.placeConditional({
      venueSymbol: 'ETH-USDT-SWAP',
      kind: 'stop_loss',
      side: 'buy',
      positionSide: 'short',
      triggerPrice: '3100',
      qty: '0.4',
      idempotencyKey: 'eth-sl',
    });
    expect(lastBody(h, '/api/v5/trade/order-algo')).toEqual({
      instId: 'ETH-USDT-SWAP',
      tdMode: 'cross',
      side: 'buy',
      posSide: 'short',
      ordType: 'conditional',
      sz: '4',
      slTriggerPx: '3100',
      slOrdPx: '-1',
      slTriggerPxType: 'mark',
      algoClOrdId: clientOrderId('eth-sl', 'okx'),
    });
    expect(order).toMatchObject({
      type: 'stop_market',
      qty: '0.4',
      triggerPrice: '3100',
      isAlgo: true,
      status: 'new',
    });
    expect((await h.client.orderByIdempotencyKey('ETH-USDT-SWAP', 'eth-sl'))?.venueOrderId).toBe(
      order.venueOrderId,
    );
    expect(
      queryOf(h, '/api/v5/trade/order-algo').some(
        (q) => q.get('algoClOrdId') === clientOrderId('eth-sl', 'okx'),
      ),
    ).toBe(true);
  });

  it('SL then TP as two whole-position conditionals: OKX keeps one closeFraction per position, so the second is sized', async () => {
    h = await harness();
    await h.client.placeOrder({
      venueSymbol: 'BTC-USDT-SWAP',
      side: 'buy',
      type: 'market',
      qty: '0.03',
      idempotencyKey: 'e',
    });
    await h.client.placeConditional({
      venueSymbol: 'BTC-USDT-SWAP',
      kind: 'stop_loss',
      side: 'sell',
      positionSide: 'net',
      triggerPrice: '49000',
      idempotencyKey: 'sl-key',
    });
    const tp = await h.client.placeConditional({
      venueSymbol: 'BTC-USDT-SWAP',
      kind: 'take_profit',
      side: 'sell',
      positionSide: 'net',
      triggerPrice: '52000',
      idempotencyKey: 'tp-key',
    });
    const [first, second] = bodies(h, '/api/v5/trade/order-algo');
    expect(first).toMatchObject({ ordType: 'conditional', closeFraction: '1', reduceOnly: true });
    expect(first).not.toHaveProperty('sz');
    expect(second).toMatchObject({ ordType: 'conditional', sz: '3', reduceOnly: true, tpTriggerPx: '52000' });
    expect(second).not.toHaveProperty('closeFraction');
    expect(tp.qty).toBe('0.03');
    expect((await h.client.openOrders('BTC-USDT-SWAP')).filter((o) => o.isAlgo)).toHaveLength(2);
    await h.setPrice('BTC-USDT-SWAP', '52500');
    expect(await h.client.positions('BTC-USDT-SWAP')).toEqual([]);
  });

  it('closePosition uses /trade/close-position with the clOrdId from the key; flat → null, no request', async () => {
    h = await harness({ hedge: true });
    await h.client.placeOrder({
      venueSymbol: 'BTC-USDT-SWAP',
      side: 'sell',
      type: 'market',
      qty: '0.03',
      positionSide: 'short',
      idempotencyKey: 'short',
    });
    const close = await h.client.closePosition('BTC-USDT-SWAP', 'short', 'close-key');
    expect(lastBody(h, '/api/v5/trade/close-position')).toEqual({
      instId: 'BTC-USDT-SWAP',
      mgnMode: 'cross',
      posSide: 'short',
      autoCxl: true,
      clOrdId: clientOrderId('close-key', 'okx'),
    });
    expect(close).toMatchObject({ side: 'buy', qty: '0.03', status: 'filled', positionSide: 'short' });
    // the same key again: flat, the earlier close is reported and nothing is sent
    expect((await h.client.closePosition('BTC-USDT-SWAP', 'short', 'close-key'))?.venueOrderId).toBe(
      close?.venueOrderId,
    );
    expect(await h.client.closePosition('BTC-USDT-SWAP', 'long', 'other-key')).toBeNull();
    expect(h.seen('POST', '/api/v5/trade/close-position')).toHaveLength(1);
  });

  it('isolated leverage in long/short mode is set per leg; the mode is set with posMode', async () => {
    h = await harness();
    await h.client.setPositionMode('hedge');
    expect(lastBody(h, '/api/v5/account/set-position-mode')).toEqual({ posMode: 'long_short_mode' });
    await h.client.setLeverage('SOL-USDT-SWAP', 3, 'isolated');
    expect(bodies(h, '/api/v5/account/set-leverage')).toEqual([
      { instId: 'SOL-USDT-SWAP', lever: '3', mgnMode: 'isolated', posSide: 'long' },
      { instId: 'SOL-USDT-SWAP', lever: '3', mgnMode: 'isolated', posSide: 'short' },
    ]);
  });

  it('instruments are read from /public/instruments?instType=SWAP and converted to base units', async () => {
    h = await harness();
    const btc = await h.client.instrument('btc-usdt-swap');
    expect(btc).toMatchObject({
      venueSymbol: 'BTC-USDT-SWAP',
      base: 'BTC',
      quote: 'USDT',
      contractSize: '0.01',
      stepSize: '0.0001', // lotSz 0.01 × ctVal 0.01
      minQty: '0.0001',
      tickSize: '0.1',
      minNotional: '0',
      maxLeverage: 100,
    });
    expect(queryOf(h, '/api/v5/public/instruments')[0]?.get('instType')).toBe('SWAP');
    const error = await h.client.instrument('BTC-USDT').catch((e: unknown) => e);
    expect(ExchangeErrors.is(error, 'UNKNOWN_SYMBOL')).toBe(true);
    expect((error as Error).message).toContain('BTC-USDT-SWAP');
  });
});

describe('market data', () => {
  it('klines: 1h → bar 1H, 1d → 1Dutc; newest-first rows come back oldest first with confirm → closed', async () => {
    h = await harness();
    const klines = await h.client.klines({ venueSymbol: 'BTC-USDT-SWAP', timeframe: '1h', limit: 5 });
    expect(queryOf(h, '/api/v5/market/candles')[0]?.get('bar')).toBe('1H');
    expect(klines).toHaveLength(5);
    const times = klines.map((k) => k.openTime);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(times[4]! - times[0]!).toBe(4 * 3_600_000);
    expect(klines.map((k) => k.closed)).toEqual([true, true, true, true, false]);
    expect(klines[4]?.close).toBe(50000);
    await h.client.klines({ venueSymbol: 'BTC-USDT-SWAP', timeframe: '1d', limit: 2 });
    expect(queryOf(h, '/api/v5/market/candles')[1]?.get('bar')).toBe('1Dutc');
  });

  it('klines: startTime/endTime map onto before/after; old ranges go to history-candles', async () => {
    h = await harness();
    const end = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
    const start = end - 4 * 60_000;
    const klines = await h.client.klines({
      venueSymbol: 'BTC-USDT-SWAP',
      timeframe: '1m',
      startTime: start,
      endTime: end,
    });
    expect(klines.map((k) => k.openTime)).toEqual([0, 1, 2, 3, 4].map((i) => start + i * 60_000));
    const q = queryOf(h, '/api/v5/market/candles')[0];
    expect(q?.get('before')).toBe(String(start - 1));
    expect(q?.get('after')).toBe(String(end + 1));
    const old = Date.now() - 30 * 86_400_000;
    const history = await h.client.klines({
      venueSymbol: 'BTC-USDT-SWAP',
      timeframe: '1m',
      startTime: old,
      limit: 3,
    });
    expect(history).toHaveLength(3);
    expect(h.seen('GET', '/api/v5/market/history-candles')).toHaveLength(1);
  });

  it('ticker and server time', async () => {
    h = await harness();
    await h.setPrice('ETH-USDT-SWAP', '3123.45');
    expect(await h.client.ticker('ETH-USDT-SWAP')).toMatchObject({
      venueSymbol: 'ETH-USDT-SWAP',
      price: '3123.45',
    });
    const t = await h.client.serverTime();
    expect(Math.abs(t - Date.now())).toBeLessThan(5000);
  });
});
