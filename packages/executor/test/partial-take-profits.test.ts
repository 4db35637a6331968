import { describe, expect, it } from 'vitest';
import { isAppError } from '@tradingbot/core';
import { PaperExchange, type Instrument } from '@tradingbot/exchange';
import { OrderExecutor, partialTakeProfitQty, toSignal, type SignalPayload } from '../src/index.ts';
import { CANDLES, HOUR, T0, harness, instrument, signal } from './helpers.ts';

// Binance-style BTCUSDT rules, written out by hand.
const BTC: Instrument = {
  venueSymbol: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  tickSize: '0.1',
  stepSize: '0.001',
  minQty: '0.001',
  minNotional: '100',
  contractSize: '1',
  maxLeverage: 125,
};

describe('partialTakeProfitQty: a share of the entry, rounded DOWN to the step', () => {
  it('50 % of 0.123 with step 0.001 is 0.061 (0.0615 rounded down)', () => {
    expect(partialTakeProfitQty(BTC, '0.123', 50)).toBe('0.061');
  });
  it('30 % of 0.123 is 0.036 (0.0369 rounded down, never more than asked)', () => {
    expect(partialTakeProfitQty(BTC, '0.123', 30)).toBe('0.036');
  });
  it('a share below the minimum quantity is not placed: 50 % of 0.001 = 0.0005 → 0', () => {
    expect(partialTakeProfitQty(BTC, '0.001', 50)).toBeUndefined();
    expect(partialTakeProfitQty({ ...BTC, minQty: '0.01' }, '0.015', 50)).toBeUndefined();
  });
});

describe('toSignal reads tp1_*, tp2_* and break_even', () => {
  const base = {
    account_id: 'acc-1',
    exchange: 'binance',
    symbol: 'BTCUSDT',
    action: 'long',
    id: 'a-1',
  };
  it('carries the partials nearest first with their roles, and break_even', () => {
    const s = toSignal({
      ...base,
      tp1_atr: 1.5,
      tp1_qty_pct: 50,
      tp2_pct: 4,
      tp2_qty_pct: '25',
      tp_pct: 6,
      break_even: 1,
    } as SignalPayload);
    expect(s.protection.partialTakeProfits).toEqual([
      { role: 'tp1', distance: { kind: 'atr', multiplier: 1.5 }, qtyPct: 50 },
      { role: 'tp2', distance: { kind: 'pct', pct: 4 }, qtyPct: 25 },
    ]);
    expect(s.protection.breakEven).toBe(true);
  });
  it('an alert without them carries neither (the plan as before)', () => {
    const s = toSignal({ ...base, sl_atr: 2, tp_atr: 3 } as SignalPayload);
    expect(s.protection).toEqual({ slAtr: 2, tpAtr: 3 });
  });
  it("refuses what the trade plan's rule refuses: a partial beyond the last take-profit", () => {
    let error: unknown;
    try {
      toSignal({ ...base, tp1_atr: 4, tp1_qty_pct: 50, tp_atr: 3 } as SignalPayload);
    } catch (e) {
      error = e;
    }
    expect(isAppError(error) && error.code).toBe('INVALID_SIGNAL');
  });
  it('break_even without tp1 is refused', () => {
    expect(() => toSignal({ ...base, break_even: 1 } as SignalPayload)).toThrow(/break_even needs tp1/);
  });
});

/**
 * On the paper venue (SOLUSDT: tick 0.01, step 1, min qty 1; no fees). Entry at 98 with the
 * default size: 1000 × 10 % × 5 / 98 = 5.10 → 5 SOL. ATR(3) = 278/27 ≈ 10.296296 (helpers.ts):
 * SL 2 ATR = 98 − 20.5926 = 77.407 → 77.4 (down); TP1 1 ATR = 108.2963 → 108.30 (up), 50 % of 5 =
 * 2.5 → 2; last TP 3 ATR = 128.8889 → 128.89 (up), closing the rest.
 */
function venue(): PaperExchange {
  const paper = new PaperExchange({
    positionMode: 'one_way',
    balances: { USDT: '1000' },
    makerFeeRate: 0,
    takerFeeRate: 0,
  });
  CANDLES.forEach((c, i) =>
    paper.applyCandle('SOLUSDT', { openTime: T0 + i * HOUR, closeTime: T0 + (i + 1) * HOUR, ...c }),
  );
  paper.setPrice('SOLUSDT', '98', T0 + 5 * HOUR + 60_000);
  return paper;
}

const fast = { protectionBackoffMs: 1, fillPollIntervalMs: 1, sleep: async () => {} };
const LADDER = { action: 'long', sl_atr: 2, tp1_atr: 1, tp1_qty_pct: 50, tp_atr: 3, break_even: 1 };

describe('partial take-profits and the break-even move on the paper venue', () => {
  it('places SL and the last TP for the whole position and TP1 for half the entry, rounded down', async () => {
    const paper = venue();
    const h = harness(paper, {}, { now: () => paper.now() });
    const result = await new OrderExecutor(fast).executeSignal(signal(LADDER), h.context);
    expect(result.success, result.message).toBe(true);
    expect(result.warning).toBeUndefined();
    const r = result.order_details.results;
    expect(r.entry?.filled_qty).toBe('5');
    expect(r.stop_loss?.trigger_price).toBe('77.4');
    expect(r.take_profit?.trigger_price).toBe('128.89');
    expect(r.partial_take_profits).toHaveLength(1);
    expect(r.partial_take_profits?.[0]).toMatchObject({
      role: 'tp1',
      qty_pct: 50,
      trigger_price: '108.3',
      qty: '2',
    });
    const resting = await paper.openOrders('SOLUSDT');
    const tps = resting.filter((o) => o.type === 'take_profit_market');
    expect(tps.map((o) => [o.triggerPrice, o.qty, o.reduceOnly]).sort()).toEqual([
      ['108.3', '2', true],
      ['128.89', '0', true],
    ]);
    expect(h.records.filter((rec) => rec.role === 'tp1').map((rec) => rec.status)).toEqual(['placed']);
    expect(h.records.find((rec) => rec.role === 'tp1')?.idempotencyKey).toMatch(/:tp1$/);
  });

  it('a share that rounds below the minimum is skipped with a warning; SL and the last TP as without it', async () => {
    const paper = venue();
    const h = harness(paper, {}, { now: () => paper.now() });
    // 10 % of 5 = 0.5 → 0 with step 1.
    const result = await new OrderExecutor(fast).executeSignal(
      signal({ action: 'long', sl_atr: 2, tp1_atr: 1, tp1_qty_pct: 10, tp_atr: 3 }),
      h.context,
    );
    expect(result.success).toBe(true);
    expect(result.warning).toMatch(/tp1 .*below the minimum order quantity/);
    expect(result.order_details.results.partial_take_profits).toBeUndefined();
    expect((await paper.openOrders('SOLUSDT')).map((o) => o.type).sort()).toEqual([
      'stop_market',
      'take_profit_market',
    ]);
  });

  it('a resumed signal finds TP1 by its key and does not place it twice', async () => {
    const paper = venue();
    const s = signal(LADDER);
    await new OrderExecutor(fast).executeSignal(s, harness(paper, {}, { now: () => paper.now() }).context);
    const again = harness(paper, {}, { now: () => paper.now() });
    again.context.resumed = true;
    const resumed = await new OrderExecutor(fast).executeSignal(s, again.context);
    expect(resumed.success).toBe(true);
    expect(resumed.order_details.results.partial_take_profits?.[0]).toMatchObject({ reused: true });
    const history = paper.orderHistory('SOLUSDT');
    expect(history.filter((o) => o.type === 'take_profit_market')).toHaveLength(2);
    expect(history.filter((o) => o.type === 'market')).toHaveLength(1);
  });

  it('after TP1 fills, MOVE_STOP_TO_ENTRY moves the stop to 98 once; back at the entry the rest closes there', async () => {
    const paper = venue();
    const { exchange, calls } = instrument(paper);
    const h = harness(exchange, {}, { now: () => paper.now() });
    const executor = new OrderExecutor(fast);
    await executor.executeSignal(signal(LADDER), h.context);
    paper.setPrice('SOLUSDT', '109', T0 + 5 * HOUR + 120_000);
    expect((await paper.positions('SOLUSDT')).map((p) => p.qty)).toEqual(['3']);

    const move = signal({ action: 'move_stop_to_entry', market_position: 'long' });
    const moved = await executor.executeSignal(move, h.context);
    expect(moved.success, moved.message).toBe(true);
    expect(moved.order_details.results.break_even).toMatchObject({
      leg: 'long',
      entry_price: '98',
      trigger_price: '98',
      previous: [{ trigger_price: '77.4' }],
    });
    const stops = (await paper.openOrders('SOLUSDT')).filter((o) => o.type === 'stop_market');
    expect(stops.map((o) => o.triggerPrice)).toEqual(['98']);
    expect(h.records.filter((rec) => rec.role === 'sl').at(-1)?.idempotencyKey).toBe(
      `${move.idempotencyKey}:sl`,
    );

    // The same move delivered again (or another one): the stop is at the entry, nothing is sent.
    const placed = calls.filter((c) => c.method === 'placeConditional').length;
    const twice = await executor.executeSignal(move, h.context);
    expect(twice.code).toBe('STOP_AT_ENTRY_ALREADY');
    const resumedHarness = harness(exchange, {}, { now: () => paper.now() });
    resumedHarness.context.resumed = true;
    const resumed = await executor.executeSignal(move, resumedHarness.context);
    expect(resumed.code).toBe('STOP_AT_ENTRY_ALREADY');
    expect(calls.filter((c) => c.method === 'placeConditional')).toHaveLength(placed);
    expect(calls.filter((c) => c.method === 'cancelOrder')).toHaveLength(1);

    paper.setPrice('SOLUSDT', '97.5', T0 + 5 * HOUR + 180_000);
    expect(await paper.positions('SOLUSDT')).toEqual([]);
    // And once closed, a late move does nothing.
    const late = await executor.executeSignal(
      signal({ action: 'move_stop_to_entry', market_position: 'long' }),
      h.context,
    );
    expect(late.code).toBe('NO_POSITION_TO_CLOSE');
  });

  it('without break_even the stop stays; after TP1 the last TP closes the rest (3 of 5)', async () => {
    const paper = venue();
    const h = harness(paper, {}, { now: () => paper.now() });
    await new OrderExecutor(fast).executeSignal(
      signal({ action: 'long', sl_atr: 2, tp1_atr: 1, tp1_qty_pct: 50, tp_atr: 3 }),
      h.context,
    );
    paper.setPrice('SOLUSDT', '109', T0 + 5 * HOUR + 120_000);
    expect((await paper.positions('SOLUSDT')).map((p) => p.qty)).toEqual(['3']);
    expect(
      (await paper.openOrders('SOLUSDT')).filter((o) => o.type === 'stop_market').map((o) => o.triggerPrice),
    ).toEqual(['77.4']);
    paper.setPrice('SOLUSDT', '129', T0 + 5 * HOUR + 180_000);
    expect(await paper.positions('SOLUSDT')).toEqual([]);
  });

  it('an alert without partials places exactly SL and TP, as before', async () => {
    const paper = venue();
    const h = harness(paper, {}, { now: () => paper.now() });
    const result = await new OrderExecutor(fast).executeSignal(
      signal({ action: 'long', sl_atr: 2, tp_atr: 3 }),
      h.context,
    );
    expect(result.order_details.results.partial_take_profits).toBeUndefined();
    expect(h.records.map((rec) => rec.role)).toEqual(['entry', 'sl', 'tp']);
  });
});
