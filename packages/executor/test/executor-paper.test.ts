import { describe, expect, it } from 'vitest';
import { ExchangeErrors, PaperExchange, type PositionMode } from '@tradingbot/exchange';
import { AccountQueue, OrderExecutor, atrOfKlines } from '../src/index.ts';
import { ATR3, CANDLES, HOUR, T0, harness, instrument, signal } from './helpers.ts';

/**
 * The executor against the real PaperExchange. Fees are zero so every quantity and price below is
 * computed by hand in the comments. SOLUSDT rules (paper defaults): tick 0.01, step 1, min qty 1,
 * min notional 5. The five hand-made candles (helpers.ts) give ATR(3) = 278/27 ≈ 10.296296.
 */
function venue(options: { mode?: PositionMode; usdt?: string; price?: string } = {}): PaperExchange {
  const paper = new PaperExchange({
    positionMode: options.mode ?? 'one_way',
    balances: { USDT: options.usdt ?? '1000' },
    makerFeeRate: 0,
    takerFeeRate: 0,
  });
  CANDLES.forEach((c, i) =>
    paper.applyCandle('SOLUSDT', { openTime: T0 + i * HOUR, closeTime: T0 + (i + 1) * HOUR, ...c }),
  );
  // The forming 6th hour: its range must not enter the ATR.
  paper.setPrice('SOLUSDT', '150', T0 + 5 * HOUR + 30_000);
  paper.setPrice('SOLUSDT', options.price ?? '98', T0 + 5 * HOUR + 60_000);
  return paper;
}

const fast = { protectionBackoffMs: 1, fillPollIntervalMs: 1, sleep: async () => {} };

function setup(
  options: {
    mode?: PositionMode;
    usdt?: string;
    tpAtr?: number;
    executor?: ConstructorParameters<typeof OrderExecutor>[0];
  } = {},
) {
  const paper = venue(options);
  const { exchange, calls } = instrument(paper);
  // Without tpAtr the account states no take-profit (0), as these scenarios were written; the plan's
  // default (3×ATR, for an account that states nothing) has its own test.
  const h = harness(
    exchange,
    { tpAtr: options.tpAtr ?? 0 },
    {
      now: () => paper.now(),
    },
  );
  const executor = new OrderExecutor({ ...fast, ...options.executor });
  return { paper, exchange, calls, executor, ...h };
}

describe('ATR from the venue klines', () => {
  it('equals the hand computation over closed candles only', async () => {
    const paper = venue();
    const klines = await paper.klines({ venueSymbol: 'SOLUSDT', timeframe: '1h', limit: 300 });
    expect(klines).toHaveLength(6);
    expect(klines.at(-1)?.closed).toBe(false);
    expect(atrOfKlines(klines, 3)).toBeCloseTo(ATR3, 10);
    // With the forming candle (H150) included the value would differ.
    expect(
      atrOfKlines(
        klines.map((k) => ({ ...k, closed: true })),
        3,
      ),
    ).not.toBeCloseTo(ATR3, 3);
  });
});

describe('the trade plan: what an alert states, else the account, else the plan default', () => {
  it('an alert that states no protection, on an account with no settings: SL 2×ATR and TP 3×ATR, answered as the default', async () => {
    const paper = venue();
    const h = harness(paper, {}, { now: () => paper.now() });
    const result = await new OrderExecutor(fast).executeSignal(signal({ action: 'long' }), h.context);
    expect(result.success).toBe(true);
    const r = result.order_details.results;
    // The same prices as the first scenario below: entry 98, ATR(14) 278/27.
    expect(r.stop_loss).toMatchObject({
      trigger_price: '77.4',
      basis: { kind: 'atr', multiplier: 2, source: 'default' },
    });
    expect(r.take_profit).toMatchObject({
      trigger_price: '128.89',
      basis: { kind: 'atr', multiplier: 3, source: 'default' },
    });
  });

  it('an alert that states "none" (sl_atr 0, tp_atr 0, as the exported script sends) gets no stop and no take-profit', async () => {
    const paper = venue();
    const h = harness(paper, { slAtr: 1.5, tpAtr: 2 }, { now: () => paper.now() });
    const result = await new OrderExecutor(fast).executeSignal(
      signal({ action: 'long', sl_atr: 0, tp_atr: 0 }),
      h.context,
    );
    expect(result.success).toBe(true);
    expect(result.order_details.results.stop_loss).toBeUndefined();
    expect(result.order_details.results.take_profit).toBeUndefined();
    expect(await paper.openOrders('SOLUSDT')).toEqual([]);
    expect(h.audits.filter((a) => a.type === 'protection_skipped')).toHaveLength(1);
  });

  it('an account setting applies when the alert is silent, and the answer says so', async () => {
    const paper = venue();
    const h = harness(paper, { slAtr: 1, tpAtr: 0 }, { now: () => paper.now() });
    const result = await new OrderExecutor(fast).executeSignal(signal({ action: 'long' }), h.context);
    expect(result.order_details.results.stop_loss).toMatchObject({
      basis: { kind: 'atr', multiplier: 1, source: 'account' },
    });
    expect(result.order_details.results.take_profit).toBeUndefined();
  });
});

describe.each<PositionMode>(['one_way', 'hedge'])('OrderExecutor on PaperExchange, %s mode', (mode) => {
  const legSide = (leg: 'long' | 'short') => (mode === 'hedge' ? leg : 'net');

  it('LONG: 10% of available × leverage ÷ price, rounded down; SL 2×ATR and TP 3×ATR from the fill', async () => {
    const t = setup({ mode, tpAtr: 3 });
    const result = await t.executor.executeSignal(signal({ action: 'long' }), t.context);
    expect(result.message).toBe('LONG order executed on binance');
    expect(result.success).toBe(true);
    const r = result.order_details.results;
    // 1000 × 10% = 100 margin × 5 = 500 USDT / 98 = 5.10… → 5 SOL (step 1)
    expect(r.sizing).toMatchObject({
      available_balance: '1000',
      margin: '100',
      leverage: 5,
      qty: '5',
      notional: '490',
    });
    expect(r.entry).toMatchObject({
      side: 'buy',
      position_side: legSide('long'),
      qty: '5',
      avg_price: '98',
      status: 'filled',
    });
    expect(r.leverage).toEqual({ leverage: 5, changed: true });
    // SL = 98 − 2 × 278/27 = 77.4074… → down to the tick → 77.40; TP = 98 + 3 × 278/27 = 128.888… → up → 128.89
    expect(r.stop_loss).toMatchObject({
      trigger_price: '77.4',
      side: 'sell',
      position_side: legSide('long'),
      reference_price: '98',
    });
    expect(r.take_profit).toMatchObject({
      trigger_price: '128.89',
      side: 'sell',
      position_side: legSide('long'),
    });
    expect(Number(r.stop_loss?.basis.kind === 'atr' ? r.stop_loss.basis.atr : NaN)).toBeCloseTo(ATR3, 10);

    const positions = await t.paper.positions('SOLUSDT');
    expect(positions.map((p) => [p.side, p.qty, p.entryPrice])).toEqual([[legSide('long'), '5', '98']]);
    const resting = await t.paper.openOrders('SOLUSDT');
    expect(resting.map((o) => [o.type, o.side, o.positionSide, o.triggerPrice]).sort()).toEqual(
      [
        ['stop_market', 'sell', legSide('long'), '77.4'],
        ['take_profit_market', 'sell', legSide('long'), '128.89'],
      ].sort(),
    );
    // Every order went to recordOrder with the venue's ids.
    expect(t.records.map((rec) => [rec.role, rec.status])).toEqual([
      ['entry', 'placed'],
      ['sl', 'placed'],
      ['tp', 'placed'],
    ]);
    expect(t.records[0]?.order?.venueOrderId).toBe(r.entry?.order_id);
    expect(t.audits.map((a) => a.type)).toEqual(
      expect.arrayContaining([
        'signal_received',
        'leverage_set',
        'sizing_computed',
        'order_placed',
        'protection_placed',
        'execution_completed',
      ]),
    );
  });

  it('SHORT: SL above, TP below, rounded away from the entry', async () => {
    const t = setup({ mode, tpAtr: 3 });
    const result = await t.executor.executeSignal(signal({ action: 'short' }), t.context);
    expect(result.message).toBe('SHORT order executed on binance');
    const r = result.order_details.results;
    expect(r.entry).toMatchObject({ side: 'sell', position_side: legSide('short'), qty: '5' });
    // SL = 98 + 20.5925… = 118.5925… → up → 118.60; TP = 98 − 30.888… = 67.111… → down → 67.11
    expect(r.stop_loss).toMatchObject({
      trigger_price: '118.6',
      side: 'buy',
      position_side: legSide('short'),
    });
    expect(r.take_profit).toMatchObject({ trigger_price: '67.11', side: 'buy' });
    expect((await t.paper.positions('SOLUSDT')).map((p) => [p.side, p.qty])).toEqual([
      [legSide('short'), '-5'],
    ]);
  });

  it('CLOSE_LONG cancels the resting SL/TP first, then closes', async () => {
    const t = setup({ mode, tpAtr: 3 });
    await t.executor.executeSignal(signal({ action: 'long' }), t.context);
    t.calls.length = 0;
    const result = await t.executor.executeSignal(signal({ action: 'close_long' }), t.context);
    expect(result).toMatchObject({ success: true, message: 'CLOSE_LONG order executed on binance' });
    const r = result.order_details.results;
    expect(r.closed).toHaveLength(1);
    expect(r.closed?.[0]).toMatchObject({
      side: 'sell',
      qty: '5',
      status: 'filled',
      position_side: legSide('long'),
    });
    expect(r.canceled?.map((c) => c.type).sort()).toEqual(['stop_market', 'take_profit_market']);
    const methods = t.calls.map((c) => c.method);
    expect(methods.lastIndexOf('cancelOrder')).toBeLessThan(methods.indexOf('closePosition'));
    expect(await t.paper.positions('SOLUSDT')).toEqual([]);
    expect(await t.paper.openOrders('SOLUSDT')).toEqual([]);
  });

  it('CLOSE_LONG with close_pct closes that part (rounded down to the step) and leaves SL/TP for the rest', async () => {
    const t = setup({ mode, tpAtr: 3 });
    await t.executor.executeSignal(signal({ action: 'long' }), t.context);
    // 5 × 70 % = 3.5 → 3 (step 1); 2 stay, with their stop and take-profit.
    const part = await t.executor.executeSignal(signal({ action: 'close_long', close_pct: 70 }), t.context);
    expect(part).toMatchObject({ success: true, message: 'CLOSE_LONG order executed on binance' });
    expect(part.order_details.results.closed?.[0]).toMatchObject({
      side: 'sell',
      qty: '3',
      status: 'filled',
      position_side: legSide('long'),
    });
    expect(part.order_details.results.canceled).toBeUndefined();
    expect((await t.paper.positions('SOLUSDT')).map((p) => p.qty)).toEqual(['2']);
    expect((await t.paper.openOrders('SOLUSDT')).map((o) => o.type).sort()).toEqual([
      'stop_market',
      'take_profit_market',
    ]);
    expect(t.audits.some((a) => a.type === 'position_reduced')).toBe(true);
    // 2 × 50 % = 1, which leaves 1 (the minimum): a part again.
    await t.executor.executeSignal(signal({ action: 'close_long', close_pct: 50 }), t.context);
    expect((await t.paper.positions('SOLUSDT')).map((p) => p.qty)).toEqual(['1']);
    // 1 × 50 % = 0.5 → 0, below the minimum quantity: refused, nothing sent.
    const refused = await t.executor.executeSignal(
      signal({ action: 'close_long', close_pct: 50 }),
      t.context,
    );
    expect(refused).toMatchObject({ success: false, code: 'INVALID_SIGNAL' });
    expect((await t.paper.positions('SOLUSDT')).map((p) => p.qty)).toEqual(['1']);
    // close_pct 100 is the whole position, with its SL/TP cancelled.
    const all = await t.executor.executeSignal(signal({ action: 'close_long', close_pct: 100 }), t.context);
    expect(all.order_details.results.canceled?.length).toBe(2);
    expect(await t.paper.positions('SOLUSDT')).toEqual([]);
  });

  it('an entry whose alert states trail_pct places a trailing stop after the fill; a run and a retrace close the long', async () => {
    const t = setup({ mode });
    const result = await t.executor.executeSignal(
      signal({ action: 'long', trail_pct: 1.5, trail_activation_pct: 2 }),
      t.context,
    );
    expect(result.success).toBe(true);
    expect(result.warning).toBeUndefined();
    // Entry 98: the callback is the percent as stated; activation 98 × 1.02 = 99.96 (on the tick).
    expect(result.order_details.results.trailing_stop).toMatchObject({
      type: 'trailing_stop_market',
      side: 'sell',
      position_side: legSide('long'),
      qty: '5',
      callback_rate_pct: '1.5',
      requested_callback_rate_pct: '1.5',
      clamped: false,
      activation_price: '99.96',
      reference_price: '98',
      basis: { unit: 'pct', offset: 1.5, activation: 2, source: 'alert' },
    });
    const trail = t.records.find((r) => r.role === 'trail');
    expect(trail).toMatchObject({ status: 'placed', idempotencyKey: expect.stringMatching(/:trail$/) });
    const resting = (await t.paper.openOrders('SOLUSDT')).find((o) => o.type === 'trailing_stop_market');
    expect(resting).toMatchObject({
      callbackRatePct: '1.5',
      activationPrice: '99.96',
      qty: '5',
      isAlgo: true,
    });
    // Up to 105 (activated; the stop rests at 105 × 0.985 = 103.425), 104 holds, 103.4 closes it.
    t.paper.setPrice('SOLUSDT', '105');
    t.paper.setPrice('SOLUSDT', '104');
    expect((await t.paper.positions('SOLUSDT')).map((p) => p.qty)).toEqual(['5']);
    t.paper.setPrice('SOLUSDT', '103.4');
    expect(await t.paper.positions('SOLUSDT')).toEqual([]);
    const exit = t.paper.fills().at(-1);
    expect(exit).toMatchObject({ side: 'sell', qty: '5', price: '103.4', reason: 'trigger' });
    expect(exit?.order.type).toBe('trailing_stop_market');
  });

  it('CLOSE_SHORT closes a short; CLOSE_SHORT with only a long is a no-op', async () => {
    const t = setup({ mode });
    await t.executor.executeSignal(signal({ action: 'long' }), t.context);
    const noop = await t.executor.executeSignal(signal({ action: 'close_short' }), t.context);
    expect(noop).toMatchObject({ success: true, code: 'NO_POSITION_TO_CLOSE' });
    expect(noop.message).toBe(
      'CLOSE_SHORT on binance: no SHORT position on SOLUSDT to close; no order was sent',
    );
    expect((await t.paper.positions('SOLUSDT')).map((p) => p.qty)).toEqual(['5']);
    // The long's stop is still there.
    expect((await t.paper.openOrders('SOLUSDT')).map((o) => o.type)).toEqual(['stop_market']);

    const t2 = setup({ mode });
    await t2.executor.executeSignal(signal({ action: 'short' }), t2.context);
    const closed = await t2.executor.executeSignal(signal({ action: 'close_short' }), t2.context);
    expect(closed.order_details.results.closed?.[0]).toMatchObject({ side: 'buy', qty: '5' });
    expect(await t2.paper.positions('SOLUSDT')).toEqual([]);
  });

  it('CLOSE_ALL closes what is open', async () => {
    const t = setup({ mode });
    await t.executor.executeSignal(signal({ action: 'long' }), t.context);
    if (mode === 'hedge') {
      // A second leg opened by hand: CLOSE_ALL closes both.
      t.paper.submitOrder({
        venueSymbol: 'SOLUSDT',
        side: 'sell',
        type: 'market',
        qty: '2',
        positionSide: 'short',
      });
    }
    const result = await t.executor.executeSignal(signal({ action: 'close_all' }), t.context);
    expect(result.message).toBe('CLOSE_ALL order executed on binance');
    expect(result.order_details.results.closed?.map((c) => [c.side, c.qty])).toEqual(
      mode === 'hedge'
        ? [
            ['sell', '5'],
            ['buy', '2'],
          ]
        : [['sell', '5']],
    );
    expect(await t.paper.positions('SOLUSDT')).toEqual([]);
    expect(await t.paper.openOrders('SOLUSDT')).toEqual([]);
  });

  it('close when flat: a clear message and no order', async () => {
    const t = setup({ mode });
    const result = await t.executor.executeSignal(signal({ action: 'close_long' }), t.context);
    expect(result).toMatchObject({
      success: true,
      code: 'NO_POSITION_TO_CLOSE',
      message: 'CLOSE_LONG on binance: no LONG position on SOLUSDT to close; no order was sent',
    });
    expect(t.paper.orderHistory('SOLUSDT')).toEqual([]);
    expect(t.audits.map((a) => a.type)).toContain('close_skipped');
  });

  it('reverse: SHORT while long closes the long (and its SL), then opens the short sized from the new balance', async () => {
    const t = setup({ mode });
    await t.executor.executeSignal(signal({ action: 'long' }), t.context);
    // Price to 100: the long gains 5 × 2 = 10 USDT → wallet 1010 after the close.
    t.paper.setPrice('SOLUSDT', '100', T0 + 5 * HOUR + 120_000);
    const result = await t.executor.executeSignal(signal({ action: 'short' }), t.context);
    expect(result.message).toBe('SHORT order executed on binance');
    const r = result.order_details.results;
    expect(r.closed?.[0]).toMatchObject({ side: 'sell', qty: '5', position_side: legSide('long') });
    expect(r.canceled?.map((c) => c.type)).toEqual(['stop_market']);
    // 1010 × 10% = 101 × 5 = 505 / 100 = 5.05 → 5 SOL
    expect(r.sizing).toMatchObject({ available_balance: '1010', qty: '5' });
    expect(r.entry).toMatchObject({
      side: 'sell',
      qty: '5',
      avg_price: '100',
      position_side: legSide('short'),
    });
    // SL = 100 + 20.5925… → 120.60 (up)
    expect(r.stop_loss?.trigger_price).toBe('120.6');
    expect((await t.paper.positions('SOLUSDT')).map((p) => [p.side, p.qty])).toEqual([
      [legSide('short'), '-5'],
    ]);
    expect((await t.paper.openOrders('SOLUSDT')).map((o) => [o.side, o.triggerPrice])).toEqual([
      ['buy', '120.6'],
    ]);
    expect(t.records.map((rec) => rec.role)).toEqual(['entry', 'sl', 'reverse-close', 'entry', 'sl']);
  });

  it('same direction again is a no-op (no pyramiding)', async () => {
    const t = setup({ mode });
    await t.executor.executeSignal(signal({ action: 'long' }), t.context);
    const again = await t.executor.executeSignal(signal({ action: 'long' }), t.context);
    expect(again).toMatchObject({ success: true, code: 'ALREADY_IN_POSITION' });
    expect(again.message).toContain('a LONG position of 5 SOL on SOLUSDT is already open');
    expect(t.paper.orderHistory('SOLUSDT').filter((o) => o.type === 'market')).toHaveLength(1);
  });
});

describe('sizing refusals (before anything is sent)', () => {
  it('uses the AVAILABLE balance, not the wallet', async () => {
    const t = setup();
    // An ETH position takes 1 × 2000 / 20 (paper default leverage) = 100 USDT of margin: 900 available.
    t.paper.setPrice('ETHUSDT', '2000');
    t.paper.submitOrder({ venueSymbol: 'ETHUSDT', side: 'buy', type: 'market', qty: '1' });
    const result = await t.executor.executeSignal(signal({ action: 'long' }), t.context);
    // 900 × 10% = 90 × 5 = 450 / 98 = 4.59 → 4 SOL
    expect(result.order_details.results.sizing).toMatchObject({
      available_balance: '900',
      margin: '90',
      qty: '4',
    });
    expect(result.order_details.results.entry?.qty).toBe('4');
  });

  it('below min notional: refused with a clear reason, nothing sent', async () => {
    const t = setup();
    t.paper.setPrice('BTCUSDT', '65000');
    // 1000 × 10% = 100 × 1 = 100 USDT / 65000 = 0.0015 → 0.001 BTC = 65 USDT < 100 minimum notional
    const result = await t.executor.executeSignal(
      signal({ action: 'long', symbol: 'BINANCE:BTCUSDT.P', leverage: 1, sl_pct: 2 }),
      t.context,
    );
    expect(result).toMatchObject({ success: false, code: 'ORDER_TOO_SMALL' });
    expect(result.message).toContain(
      'LONG order failed on binance: The order is below the instrument minimum',
    );
    expect(result.message).toContain('below the minimum of 100 USDT');
    expect(t.paper.orderHistory('BTCUSDT')).toEqual([]);
    expect(t.calls.some((c) => c.method === 'placeOrder')).toBe(false);
  });

  it('"Insufficient balance" with nothing available, or a margin above it', async () => {
    const t = setup({ usdt: '0' });
    const zero = await t.executor.executeSignal(signal({ action: 'long' }), t.context);
    expect(zero).toMatchObject({ success: false, code: 'INSUFFICIENT_BALANCE' });
    expect(zero.error?.message).toBe('Insufficient balance');
    expect(zero.message).toBe(
      'LONG order failed on binance: Insufficient balance (0 USDT available on the account)',
    );

    const t2 = setup({ usdt: '50' });
    const tooMuch = await t2.executor.executeSignal(signal({ action: 'long', size_usdt: 80 }), t2.context);
    expect(tooMuch).toMatchObject({ success: false, code: 'INSUFFICIENT_BALANCE' });
    expect(t2.paper.orderHistory('SOLUSDT')).toEqual([]);
  });
});

describe('protection failures', () => {
  const rejection = () =>
    ExchangeErrors.create('ORDER_REJECTED', {
      message: 'Stop rejected by the venue',
      details: { venue: 'paper' },
    });

  it('SL rejected twice, placed on the third attempt', async () => {
    const paper = venue();
    const { exchange, calls } = instrument(paper, { placeConditional: [rejection, rejection] });
    const h = harness(exchange, { tpAtr: 0 }, { now: () => paper.now() });
    const result = await new OrderExecutor(fast).executeSignal(signal({ action: 'long' }), h.context);
    expect(result.success).toBe(true);
    expect(result.order_details.results.stop_loss).toMatchObject({ trigger_price: '77.4', attempts: 3 });
    expect(calls.filter((c) => c.method === 'placeConditional')).toHaveLength(3);
    expect(h.audits.filter((a) => a.type === 'protection_retry')).toHaveLength(2);
    expect(h.records.map((r) => [r.role, r.status])).toEqual([
      ['entry', 'placed'],
      ['sl', 'failed'],
      ['sl', 'failed'],
      ['sl', 'placed'],
    ]);
    expect((await paper.openOrders('SOLUSDT')).map((o) => o.triggerPrice)).toEqual(['77.4']);
  });

  it('SL rejected permanently: loud failure, and the position is closed (default)', async () => {
    const paper = venue();
    const { exchange } = instrument(paper, { placeConditional: [rejection, rejection, rejection] });
    const h = harness(exchange, {}, { now: () => paper.now() });
    const result = await new OrderExecutor(fast).executeSignal(signal({ action: 'long' }), h.context);
    expect(result).toMatchObject({ success: false, code: 'PROTECTION_FAILED' });
    expect(result.message).toBe(
      'LONG order executed on binance, but the stop-loss could not be placed (Stop rejected by the venue); the position was closed because it could not be protected',
    );
    expect(result.warning).toBe(result.message);
    expect(result.order_details.results.flattened).toMatchObject({
      side: 'sell',
      qty: '5',
      status: 'filled',
    });
    expect(await paper.positions('SOLUSDT')).toEqual([]);
    expect(h.audits.filter((a) => a.type === 'protection_failed').map((a) => a.level)).toEqual(['error']);
    expect(h.records.map((r) => r.role)).toEqual(['entry', 'sl', 'sl', 'sl', 'protect-close']);
  });

  it('a take-profit that cannot be placed is a warning: the stop stays, the position stays', async () => {
    const paper = venue();
    const pass = () => undefined;
    const { exchange } = instrument(paper, { placeConditional: [pass, rejection, rejection, rejection] });
    const h = harness(exchange, { tpAtr: 3 }, { now: () => paper.now() });
    const result = await new OrderExecutor(fast).executeSignal(signal({ action: 'long' }), h.context);
    expect(result.success).toBe(true);
    expect(result.message).toBe('LONG order executed on binance');
    expect(result.warning).toBe('The take-profit could not be placed: Stop rejected by the venue');
    expect(result.order_details.results.stop_loss?.trigger_price).toBe('77.4');
    expect(result.order_details.results.take_profit).toBeUndefined();
    expect((await paper.positions('SOLUSDT')).map((p) => p.qty)).toEqual(['5']);
  });

  it('with closeOnProtectionFailure off the position stays, and the answer says it has no stop', async () => {
    const paper = venue();
    const { exchange } = instrument(paper, { placeConditional: [rejection, rejection, rejection] });
    const h = harness(exchange, {}, { now: () => paper.now() });
    const result = await new OrderExecutor({ ...fast, closeOnProtectionFailure: false }).executeSignal(
      signal({ action: 'long' }),
      h.context,
    );
    expect(result).toMatchObject({ success: false, code: 'PROTECTION_FAILED' });
    expect(result.message).toContain('the position is OPEN WITHOUT A STOP-LOSS');
    expect((await paper.positions('SOLUSDT')).map((p) => p.qty)).toEqual(['5']);
  });
});

describe('idempotency and ordering', () => {
  it('the same signal executed twice places each order once', async () => {
    const t = setup({ tpAtr: 3 });
    const s = signal({ action: 'long' });
    const first = await t.executor.executeSignal(s, t.context);
    const second = await t.executor.executeSignal(s, t.context);
    expect(first.success && second.success).toBe(true);
    expect(second.order_details.results.entry).toMatchObject({
      reused: true,
      order_id: first.order_details.results.entry?.order_id,
    });
    expect(second.order_details.results.stop_loss?.reused).toBe(true);
    expect(second.order_details.results.take_profit?.reused).toBe(true);
    const history = t.paper.orderHistory('SOLUSDT');
    expect(history.filter((o) => o.type === 'market')).toHaveLength(1);
    expect(history.filter((o) => o.type === 'stop_market')).toHaveLength(1);
    expect(history.filter((o) => o.type === 'take_profit_market')).toHaveLength(1);
    expect(t.calls.filter((c) => c.method === 'placeOrder')).toHaveLength(1);
  });

  it('a re-execution after a crash between entry and stop completes the stop, without a second entry', async () => {
    const paper = venue();
    const crash = () => new Error('process killed');
    const { exchange } = instrument(paper, { placeConditional: [crash] });
    const h = harness(exchange, {}, { now: () => paper.now() });
    const s = signal({ action: 'long' });
    const crashed = await new OrderExecutor({
      ...fast,
      protectionAttempts: 1,
      closeOnProtectionFailure: false,
    }).executeSignal(s, h.context);
    expect(crashed.success).toBe(false);
    // The pipeline runs the signal again (same key) on a healthy process.
    const h2 = harness(paper, {}, { now: () => paper.now() });
    const resumed = await new OrderExecutor(fast).executeSignal(s, h2.context);
    expect(resumed.success).toBe(true);
    expect(resumed.order_details.results.entry?.reused).toBe(true);
    expect(resumed.order_details.results.stop_loss).toMatchObject({ trigger_price: '77.4' });
    expect(paper.orderHistory('SOLUSDT').filter((o) => o.type === 'market')).toHaveLength(1);
    expect(paper.orderHistory('SOLUSDT').filter((o) => o.type === 'stop_market')).toHaveLength(1);
  });

  it('a duplicate close does not close a position opened after it', async () => {
    const t = setup();
    await t.executor.executeSignal(signal({ action: 'long' }), t.context);
    const close = signal({ action: 'close_long' });
    await t.executor.executeSignal(close, t.context);
    await t.executor.executeSignal(signal({ action: 'long' }), t.context);
    const dup = await t.executor.executeSignal(close, t.context);
    expect(dup.order_details.results.closed?.[0]?.reused).toBe(true);
    expect((await t.paper.positions('SOLUSDT')).map((p) => p.qty)).toEqual(['5']);
  });

  it('two signals for one account submitted together run in arrival order', async () => {
    const t = setup();
    const queue = new AccountQueue();
    const run = (action: string) =>
      queue.run('acc-1', () => t.executor.executeSignal(signal({ action }), t.context));
    const [open, close] = await Promise.all([run('long'), run('close_long')]);
    expect(open.message).toBe('LONG order executed on binance');
    expect(close.message).toBe('CLOSE_LONG order executed on binance');
    const signalOrder = t.audits.map((a) => a.signalKey).filter((k, i, all) => all.indexOf(k) === i);
    expect(signalOrder).toEqual([open.idempotency_key, close.idempotency_key]);
    // No interleaving: every event of the first signal precedes every event of the second.
    const lastOfFirst = t.audits.map((a) => a.signalKey).lastIndexOf(open.idempotency_key);
    const firstOfSecond = t.audits.map((a) => a.signalKey).indexOf(close.idempotency_key);
    expect(lastOfFirst).toBeLessThan(firstOfSecond);
    expect(await t.paper.positions('SOLUSDT')).toEqual([]);
  });

  it('the same alert delivered twice at once places one entry', async () => {
    const t = setup();
    const queue = new AccountQueue();
    const s = signal({ action: 'long' });
    await Promise.all([1, 2].map(() => queue.run('acc-1', () => t.executor.executeSignal(s, t.context))));
    expect(t.paper.orderHistory('SOLUSDT').filter((o) => o.type === 'market')).toHaveLength(1);
  });
});

describe('leverage, actions, staleness', () => {
  it('leverage is not re-sent when unchanged', async () => {
    const t = setup();
    const setLeverage = () => t.calls.filter((c) => c.method === 'setLeverage').length;
    await t.executor.executeSignal(signal({ action: 'long' }), t.context);
    await t.executor.executeSignal(signal({ action: 'close_long' }), t.context);
    const again = await t.executor.executeSignal(signal({ action: 'long' }), t.context);
    expect(again.order_details.results.leverage).toEqual({ leverage: 5, changed: false });
    expect(setLeverage()).toBe(1);
    await t.executor.executeSignal(signal({ action: 'close_long' }), t.context);
    const seven = await t.executor.executeSignal(signal({ action: 'long', leverage: 7 }), t.context);
    expect(seven.order_details.results.leverage).toEqual({ leverage: 7, changed: true });
    expect(setLeverage()).toBe(2);
    expect(t.audits.filter((a) => a.type === 'leverage_skipped')).toHaveLength(1);
  });

  it("TradingView's buy/sell + market_position", async () => {
    const t = setup();
    const open = await t.executor.executeSignal(
      signal({ action: 'buy', market_position: 'long' }),
      t.context,
    );
    expect(open.order_details.action).toBe('LONG');
    const close = await t.executor.executeSignal(
      signal({ action: 'sell', market_position: 'flat' }),
      t.context,
    );
    expect(close.order_details.action).toBe('CLOSE_LONG');
    const short = await t.executor.executeSignal(
      signal({ action: 'sell', market_position: 'short' }),
      t.context,
    );
    expect(short.order_details.results.entry?.side).toBe('sell');
    const cover = await t.executor.executeSignal(
      signal({ action: 'buy', market_position: 'flat' }),
      t.context,
    );
    expect(cover.order_details.action).toBe('CLOSE_SHORT');
    expect(await t.paper.positions('SOLUSDT')).toEqual([]);
  });

  it('a signal older than max_lag is refused', async () => {
    const t = setup();
    const stale = signal({
      action: 'long',
      timestamp: new Date(t.paper.now() - 120_000).toISOString(),
      max_lag: 60,
    });
    const result = await t.executor.executeSignal(stale, t.context);
    expect(result).toMatchObject({ success: false, code: 'STALE_SIGNAL' });
    expect(t.paper.orderHistory('SOLUSDT')).toEqual([]);
  });

  it('a paper account refuses an alert that names another venue, as the webhook does', async () => {
    const paper = venue();
    const { exchange, calls } = instrument(paper);
    const h = harness(exchange, {}, { accountExchange: 'paper', now: () => paper.now() });
    const result = await new OrderExecutor(fast).executeSignal(signal({ action: 'long' }), h.context);
    expect(result).toMatchObject({
      success: false,
      code: 'EXCHANGE_MISMATCH',
      error: { code: 'EXCHANGE_MISMATCH', status: 400 },
    });
    expect(result.message).toContain('is a paper account');
    expect(calls).toEqual([]);
    const own = await new OrderExecutor(fast).executeSignal(
      signal({ action: 'long', exchange: 'paper' }),
      h.context,
    );
    expect(own).toMatchObject({ success: true });
  });

  it('percent SL / TP from the payload', async () => {
    const t = setup();
    const result = await t.executor.executeSignal(
      signal({ action: 'long', sl_pct: 2, tp_pct: 4 }),
      t.context,
    );
    // 98 × 0.98 = 96.04; 98 × 1.04 = 101.92
    expect(result.order_details.results.stop_loss?.trigger_price).toBe('96.04');
    expect(result.order_details.results.take_profit?.trigger_price).toBe('101.92');
  });
});

describe('position mode changed behind the cache (-4061 / 51000 posSide)', () => {
  it('reads the mode again and places the order with the right position side', async () => {
    const t = setup();
    await t.executor.executeSignal(signal({ action: 'long' }), t.context);
    await t.executor.executeSignal(signal({ action: 'close_long' }), t.context);
    // The user switches the account to hedge mode on the venue; the executor still believes one-way.
    t.paper.setPositionMode('hedge');
    const result = await t.executor.executeSignal(signal({ action: 'long' }), t.context);
    expect(result.message).toBe('LONG order executed on binance');
    expect(result.order_details.results.entry?.position_side).toBe('long');
    expect(result.order_details.results.stop_loss?.position_side).toBe('long');
    expect((await t.paper.positions('SOLUSDT')).map((p) => [p.side, p.qty])).toEqual([['long', '5']]);
    expect(t.audits.some((a) => a.type === 'position_mode' && a.level === 'warn')).toBe(true);
  });
});

describe('limit entries', () => {
  it('say that a trailing stop the alert states is not placed on a limit entry', async () => {
    const t = setup();
    const result = await t.executor.executeSignal(
      signal({ action: 'long', order_type: 'limit', price: '95', trail_pct: 1 }),
      t.context,
    );
    expect(result.success).toBe(true);
    expect(result.warning).toMatch(/placed after market entries only, not on a limit entry/);
    expect((await t.paper.openOrders('SOLUSDT')).map((o) => o.type)).toEqual(['limit']);
  });

  it('rest with their stop computed from the limit price and attached; the stop appears on the fill', async () => {
    const t = setup();
    const result = await t.executor.executeSignal(
      signal({ action: 'long', order_type: 'limit', price: '95.005' }),
      t.context,
    );
    // Limit 95.005 → down to the tick → 95.00 (a long never pays more than asked).
    // Size at the limit price: 1000 × 10% × 5 / 95 = 5.26 → 5. SL = 95 − 2·278/27 = 74.407… → 74.40
    expect(result.message).toBe(
      'LONG order executed on binance (limit order resting at 95, with stop-loss 74.4 attached)',
    );
    expect(result.order_details.results.entry).toMatchObject({
      type: 'limit',
      status: 'new',
      price: '95',
      qty: '5',
    });
    expect(await t.paper.positions('SOLUSDT')).toEqual([]);
    t.paper.setPrice('SOLUSDT', '95', T0 + 5 * HOUR + 120_000);
    expect((await t.paper.positions('SOLUSDT')).map((p) => p.qty)).toEqual(['5']);
    expect((await t.paper.openOrders('SOLUSDT')).map((o) => [o.type, o.triggerPrice])).toEqual([
      ['stop_market', '74.4'],
    ]);
  });
});

describe('trailing stops: the plan offset in the venue unit', () => {
  it('an ATR offset becomes a percent of the entry, rounded to the venue grid; the activation is entry + ATRs', async () => {
    const t = setup();
    const result = await t.executor.executeSignal(
      signal({ action: 'long', trail_atr: 0.5, trail_activation_atr: 1 }),
      t.context,
    );
    expect(result.success).toBe(true);
    const trailing = result.order_details.results.trailing_stop;
    // 0.5 × 278/27 / 98 × 100 = 5.2532… % → 5.3 (one decimal); activation 98 + 278/27 = 108.296… → up → 108.30
    expect(Number(trailing?.requested_callback_rate_pct)).toBeCloseTo(((0.5 * 278) / 27 / 98) * 100, 6);
    expect(trailing).toMatchObject({
      callback_rate_pct: '5.3',
      clamped: false,
      activation_price: '108.3',
      basis: { unit: 'atr', offset: 0.5, activation: 1 },
    });
    expect(Number(trailing?.basis.atr)).toBeCloseTo(ATR3, 9);
    expect(result.warning).toBeUndefined();
  });

  it("an offset outside the venue's range is placed at its bound, and the answer and the audit say so", async () => {
    const t = setup();
    const result = await t.executor.executeSignal(signal({ action: 'long', trail_atr: 1.5 }), t.context);
    expect(result.success).toBe(true);
    // 1.5 × 278/27 / 98 × 100 = 15.76 % > Binance's (and paper's) 10 %.
    expect(result.order_details.results.trailing_stop).toMatchObject({
      callback_rate_pct: '10',
      clamped: true,
    });
    expect(result.order_details.results.trailing_stop?.activation_price).toBeUndefined();
    expect(result.warning).toMatch(/outside paper's range 0\.1–10 %: the trailing stop was placed at 10 %/);
    const computed = t.audits.find((a) => a.type === 'protection_computed' && a.data?.kind === 'trailing');
    expect(computed).toMatchObject({ level: 'warn', data: { clamped: true, pct: '10' } });
    const resting = (await t.paper.openOrders('SOLUSDT')).find((o) => o.type === 'trailing_stop_market');
    expect(resting?.callbackRatePct).toBe('10');
  });

  it('a venue without trailing stops: the entry and its stop-loss stand, the answer says the trailing stop was not placed', async () => {
    const paper = venue();
    const bybitLike = new Proxy(paper, {
      get: (target, prop, receiver) => (prop === 'id' ? 'bybit' : Reflect.get(target, prop, receiver)),
    });
    const { exchange, calls } = instrument(bybitLike);
    const h = harness(exchange, { tpAtr: 0 }, { now: () => paper.now() });
    const result = await new OrderExecutor(fast).executeSignal(
      signal({ action: 'long', sl_pct: 2, trail_atr: 1 }),
      h.context,
    );
    expect(result.success).toBe(true);
    expect(result.warning).toMatch(/trailing stop .* not placed on bybit yet/);
    expect(h.audits.some((a) => a.type === 'protection_skipped' && a.data?.kind === 'trailing')).toBe(true);
    expect((await paper.openOrders('SOLUSDT')).map((o) => o.type)).toEqual(['stop_market']);
    // An ATR it will not use is not read: a percent stop and an unplaced trailing stop need no klines.
    expect(calls.some((c) => c.method === 'klines')).toBe(false);
  });

  it('the market already past the activation when the trailing stop goes out: placed again to trail from now', async () => {
    const paper = venue();
    const { exchange } = instrument(paper, {
      // The price runs to 100 between the fill and the trailing stop: its activation 98.98 is passed.
      placeTrailingStop: [
        () => {
          paper.setPrice('SOLUSDT', '100');
          return undefined;
        },
      ],
    });
    const h = harness(exchange, { tpAtr: 0 }, { now: () => paper.now() });
    const result = await new OrderExecutor(fast).executeSignal(
      signal({ action: 'long', trail_pct: 1, trail_activation_pct: 1 }),
      h.context,
    );
    expect(result.success).toBe(true);
    expect(result.warning).toBeUndefined();
    expect(result.order_details.results.trailing_stop).toMatchObject({ callback_rate_pct: '1', attempts: 2 });
    expect(result.order_details.results.trailing_stop?.activation_price).toBeUndefined();
    expect(h.audits.some((a) => a.type === 'protection_retry' && a.data?.role === 'trail')).toBe(true);
    // Trailing from 100: the stop rests at 99, and 98.9 closes the long.
    const resting = (await paper.openOrders('SOLUSDT')).find((o) => o.type === 'trailing_stop_market');
    expect(resting).toMatchObject({ triggerPrice: '99' });
    expect(resting?.activationPrice).toBeUndefined();
    paper.setPrice('SOLUSDT', '98.9');
    expect(await paper.positions('SOLUSDT')).toEqual([]);
  });

  it('a trailing stop the venue refuses is a warning: the position keeps its stop-loss', async () => {
    const paper = venue();
    const { exchange } = instrument(paper, {
      placeTrailingStop: [() => ExchangeErrors.create('ORDER_REJECTED', { message: 'no trailing today' })],
    });
    const h = harness(exchange, { tpAtr: 0 }, { now: () => paper.now() });
    const result = await new OrderExecutor(fast).executeSignal(
      signal({ action: 'long', trail_pct: 1 }),
      h.context,
    );
    expect(result.success).toBe(true);
    expect(result.warning).toBe('The trailing stop could not be placed: no trailing today');
    expect(h.records.find((r) => r.role === 'trail')?.status).toBe('failed');
    expect((await paper.openOrders('SOLUSDT')).map((o) => o.type)).toEqual(['stop_market']);
    expect((await paper.positions('SOLUSDT')).map((p) => p.qty)).toEqual(['5']);
  });

  it('a short trails from its low: activation below the entry, a rise of the callback closes it', async () => {
    const t = setup();
    const result = await t.executor.executeSignal(
      signal({ action: 'short', trail_pct: 2, trail_activation_pct: 1 }),
      t.context,
    );
    // Activation 98 × 0.99 = 97.02; the low 90 puts the stop at 90 × 1.02 = 91.8.
    expect(result.order_details.results.trailing_stop).toMatchObject({
      side: 'buy',
      callback_rate_pct: '2',
      activation_price: '97.02',
    });
    t.paper.setPrice('SOLUSDT', '90');
    t.paper.setPrice('SOLUSDT', '91.7');
    expect((await t.paper.positions('SOLUSDT')).map((p) => p.qty)).toEqual(['-5']);
    t.paper.setPrice('SOLUSDT', '91.8');
    expect(await t.paper.positions('SOLUSDT')).toEqual([]);
  });
});
