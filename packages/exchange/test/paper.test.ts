import { describe, expect, it } from 'vitest';
import { AppError } from '@tradingbot/core';
import { PaperExchange, type PaperExchangeOptions, type PaperFill } from '../src/paper/paper-exchange.ts';
import { OKX_STYLE_INSTRUMENTS } from '../src/paper/instruments.ts';

/*
 * The paper venue's accounting. Every expected number is worked out by hand in the comment above
 * its assertion. Defaults: taker 0.04 %, maker 0.02 %, maintenance margin rate 0.5 %, 10,000 USDT.
 */

const T0 = Date.UTC(2026, 0, 1, 7, 0, 0);
const HOUR = 3_600_000;

function venue(options: PaperExchangeOptions = {}): PaperExchange {
  return new PaperExchange({ prices: { BTCUSDT: 50_000, ETHUSDT: 3_000 }, now: undefined, ...options });
}

function caught(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

function market(p: PaperExchange, side: 'buy' | 'sell', qty: string, extra: Record<string, unknown> = {}) {
  return p.submitOrder({ venueSymbol: 'BTCUSDT', side, type: 'market', qty, ...extra });
}

describe('PnL and fees', () => {
  it('long: taker fees on both fills, unrealised then realised PnL', async () => {
    const p = venue();
    p.setLeverageSync('BTCUSDT', 10);
    market(p, 'buy', '0.1');
    // fee 0.1 × 50000 × 0.0004 = 2 → wallet 9998; cross initial margin 0.1 × 50000 / 10 = 500
    expect(await p.balance('USDT')).toEqual({
      asset: 'USDT',
      total: '9998',
      available: '9498',
      unrealizedPnl: '0',
    });

    p.setPrice('BTCUSDT', 51_000);
    // uPnL 0.1 × (51000 − 50000) = 100; total 9998 + 100 = 10098
    // available 9998 + 100 − 0.1 × 51000 / 10 (510) = 9588
    expect(await p.balance('USDT')).toEqual({
      asset: 'USDT',
      total: '10098',
      available: '9588',
      unrealizedPnl: '100',
    });

    market(p, 'sell', '0.1', { reduceOnly: true });
    // realised 100, fee 0.1 × 51000 × 0.0004 = 2.04 → 9998 + 100 − 2.04 = 10095.96
    expect(p.accountState().balances.find((b) => b.asset === 'USDT')?.wallet).toBe('10095.96');
    expect(await p.positions()).toEqual([]);
    expect(p.fills().map((f) => [f.side, f.price, f.fee, f.realizedPnl, f.liquidity])).toEqual([
      ['buy', '50000', '2', '0', 'taker'],
      ['sell', '51000', '2.04', '100', 'taker'],
    ]);
  });

  it('short: profit when the price falls', async () => {
    const p = venue();
    market(p, 'sell', '0.2');
    p.setPrice('BTCUSDT', 49_000);
    // uPnL −0.2 × (49000 − 50000) = +200
    expect((await p.positions())[0]).toMatchObject({
      qty: '-0.2',
      entryPrice: '50000',
      unrealizedPnl: '200',
    });
    market(p, 'buy', '0.2', { reduceOnly: true });
    // 10000 − 4 (0.2 × 50000 × 0.0004) + 200 − 3.92 (0.2 × 49000 × 0.0004) = 10192.08
    expect((await p.balance()).total).toBe('10192.08');
  });

  it('adding averages the entry; a reduction realises against it', async () => {
    const p = venue();
    market(p, 'buy', '0.1');
    p.setPrice('BTCUSDT', 53_000);
    market(p, 'buy', '0.2');
    // entry (0.1 × 50000 + 0.2 × 53000) / 0.3 = 15600 / 0.3 = 52000
    expect((await p.positions())[0]).toMatchObject({ qty: '0.3', entryPrice: '52000' });
    p.setPrice('BTCUSDT', 54_000);
    const order = market(p, 'sell', '0.15', { reduceOnly: true });
    // realised 0.15 × (54000 − 52000) = 300
    expect((order.raw as { realizedPnl: string }).realizedPnl).toBe('300');
    expect((await p.positions())[0]).toMatchObject({ qty: '0.15', entryPrice: '52000' });
  });

  it('one-way: a larger opposite order closes and flips at the fill price', async () => {
    const p = venue();
    market(p, 'buy', '0.1');
    p.setPrice('BTCUSDT', 51_000);
    const flip = market(p, 'sell', '0.3');
    // realised 0.1 × 1000 = 100; fee 0.3 × 51000 × 0.0004 = 6.12; new short 0.2 at 51000
    expect((flip.raw as { realizedPnl: string; fee: string }).realizedPnl).toBe('100');
    expect((flip.raw as { fee: string }).fee).toBe('6.12');
    expect((await p.positions())[0]).toMatchObject({ side: 'net', qty: '-0.2', entryPrice: '51000' });
    // wallet 10000 − 2 + 100 − 6.12 = 10091.88
    expect(p.accountState().balances.find((b) => b.asset === 'USDT')?.wallet).toBe('10091.88');
  });

  it('a reduce-only order larger than the position is clipped to it', async () => {
    const p = venue();
    market(p, 'buy', '0.1');
    const order = market(p, 'sell', '0.5', { reduceOnly: true });
    expect(order.filledQty).toBe('0.1');
    expect(await p.positions()).toEqual([]);
  });

  it('a resting limit order reserves margin, then fills at its price with the maker fee', async () => {
    const p = venue();
    p.setLeverageSync('BTCUSDT', 10);
    const order = p.submitOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      qty: '0.1',
      price: '49000',
    });
    expect(order.status).toBe('new');
    // reserved 0.1 × 49000 / 10 = 490 → available 9510
    expect((await p.balance()).available).toBe('9510');
    p.setPrice('BTCUSDT', 48_900);
    const filled = p.findOrder({ venueOrderId: order.venueOrderId });
    // a resting order fills at its limit, not at the tick that crossed it
    expect(filled).toMatchObject({ status: 'filled', avgPrice: '49000', filledQty: '0.1' });
    // maker fee 0.1 × 49000 × 0.0002 = 0.98
    expect(p.fills()[0]).toMatchObject({ fee: '0.98', liquidity: 'maker', reason: 'limit' });
    expect(p.accountState().balances.find((b) => b.asset === 'USDT')?.wallet).toBe('9999.02');
  });

  it('cancelling a resting order releases its reserved margin', async () => {
    const p = venue();
    p.setLeverageSync('BTCUSDT', 10);
    const order = p.submitOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      qty: '0.1',
      price: '49000',
    });
    expect((await p.balance()).available).toBe('9510');
    p.cancel('BTCUSDT', { venueOrderId: order.venueOrderId });
    expect((await p.balance()).available).toBe('10000');
  });

  it('a marketable limit order fills at once at the current price as taker', () => {
    const p = venue();
    const order = p.submitOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      qty: '0.1',
      price: '50500',
    });
    expect(order).toMatchObject({ status: 'filled', avgPrice: '50000' });
    expect(p.fills()[0]?.liquidity).toBe('taker');
  });

  it('configurable fee rates', () => {
    const p = venue({ takerFeeRate: '0.0005', makerFeeRate: '0' });
    market(p, 'buy', '0.1');
    // 0.1 × 50000 × 0.0005 = 2.5
    expect(p.fills()[0]?.fee).toBe('2.5');
  });

  it('many small fills do not drift', async () => {
    const p = venue();
    for (let i = 0; i < 10; i++) market(p, 'buy', '0.003');
    expect((await p.positions())[0]?.qty).toBe('0.03');
    // 10 × 0.003 × 50000 × 0.0004 = 0.6
    expect(p.accountState().balances.find((b) => b.asset === 'USDT')?.wallet).toBe('9999.4');
  });
});

describe('margin', () => {
  it('refuses an order the available balance cannot margin', () => {
    const p = venue({ balances: { USDT: 100 } });
    p.setLeverageSync('BTCUSDT', 1);
    // margin 0.003 × 50000 / 1 = 150, fee 0.06 → 150.06 > 100
    const error = caught(() => market(p, 'buy', '0.003'));
    expect(error.code).toBe('INSUFFICIENT_BALANCE');
    expect(error.details).toMatchObject({
      reason: 'insufficient_margin',
      required: '150.06',
      available: '100',
    });
    expect(error.message).toBe('The order needs 150.06 USDT of margin and fees; 100 USDT is available');
    // at 2× it needs 75 + 0.06
    p.setLeverageSync('BTCUSDT', 2);
    expect(market(p, 'buy', '0.003').status).toBe('filled');
  });

  it('cross margin is shared across symbols', async () => {
    const p = venue();
    p.setLeverageSync('BTCUSDT', 10);
    p.setLeverageSync('ETHUSDT', 5);
    market(p, 'buy', '0.1'); // fee 2, IM 500
    p.submitOrder({ venueSymbol: 'ETHUSDT', side: 'sell', type: 'market', qty: '1' }); // fee 1 × 3000 × 0.0004 = 1.2
    p.setPrice('ETHUSDT', 3_100);
    // wallet 10000 − 2 − 1.2 = 9996.8; ETH uPnL −1 × (3100 − 3000) = −100
    // available 9996.8 − 100 − 500 − 1 × 3100 / 5 (620) = 8776.8; total 9896.8
    expect(await p.balance()).toEqual({
      asset: 'USDT',
      total: '9896.8',
      available: '8776.8',
      unrealizedPnl: '-100',
    });
  });

  it('isolated margin is fixed at the entry and kept out of the cross balance', async () => {
    const p = venue();
    p.setMarginMode('BTCUSDT', 'isolated');
    p.setLeverageSync('BTCUSDT', 10);
    market(p, 'buy', '0.1');
    // isolated margin 0.1 × 50000 / 10 = 500; wallet 9998 → available 9998 − 500 = 9498
    p.setPrice('BTCUSDT', 52_000);
    // an isolated profit does not raise the cross available balance
    expect(await p.balance()).toEqual({
      asset: 'USDT',
      total: '10198',
      available: '9498',
      unrealizedPnl: '200',
    });
    const [position] = p.accountState().positions;
    expect(position).toMatchObject({ marginMode: 'isolated', isolatedMargin: '500', initialMargin: '500' });
    market(p, 'sell', '0.05', { reduceOnly: true });
    // half the position, half the margin released
    expect(p.accountState().positions[0]?.isolatedMargin).toBe('250');
  });

  it('refuses to change the margin mode with a position or an open order on the symbol', () => {
    const p = venue();
    p.submitOrder({ venueSymbol: 'BTCUSDT', side: 'buy', type: 'limit', qty: '0.1', price: '40000' });
    expect(caught(() => p.setMarginMode('BTCUSDT', 'isolated')).details?.reason).toBe(
      'margin_mode_open_orders',
    );
    p.cancelAll('BTCUSDT');
    market(p, 'buy', '0.1');
    expect(caught(() => p.setMarginMode('BTCUSDT', 'isolated')).details?.reason).toBe(
      'margin_mode_open_positions',
    );
    expect(p.setMarginMode('BTCUSDT', 'cross')).toEqual({ changed: false });
    expect(p.setMarginMode('ETHUSDT', 'isolated')).toEqual({ changed: true });
  });

  it('leverage: 1…maxLeverage, integers only', () => {
    const p = venue();
    expect(caught(() => p.setLeverageSync('BTCUSDT', 126)).code).toBe('LEVERAGE_OUT_OF_RANGE');
    expect(caught(() => p.setLeverageSync('ETHUSDT', 101)).code).toBe('LEVERAGE_OUT_OF_RANGE');
    expect(caught(() => p.setLeverageSync('BTCUSDT', 2.5)).code).toBe('LEVERAGE_OUT_OF_RANGE');
    expect(p.setLeverageSync('BTCUSDT', 125)).toBe(125);
    // default 20, capped by the instrument
    expect(new PaperExchange({ defaultLeverage: 200 }).accountState().leverage.BTCUSDT).toBe(125);
  });
});

describe('liquidation', () => {
  it('isolated long: LP = (q·E − M) / (q·(1 − mmr)); closed there, the margin is lost', async () => {
    const p = venue();
    p.setMarginMode('BTCUSDT', 'isolated');
    p.setLeverageSync('BTCUSDT', 10);
    market(p, 'buy', '0.1');
    // M = 500; LP = (5000 − 500) / (0.1 × 0.995) = 4500 / 0.0995 = 45226.1306…, first tick below: 45226.1
    expect((await p.positions())[0]?.liquidationPrice).toBe('45226.1');
    p.setPrice('BTCUSDT', 45_300);
    expect(await p.positions()).toHaveLength(1);
    p.setPrice('BTCUSDT', 45_200);
    expect(await p.positions()).toHaveLength(0);
    const fill = p.fills().at(-1) as PaperFill;
    expect(fill.reason).toBe('liquidation');
    // realised 0.1 × (45226.1 − 50000) = −477.39; what is left of the margin, 500 − 477.39 = 22.61, goes too
    expect(fill).toMatchObject({ price: '45226.1', realizedPnl: '-477.39', fee: '22.61' });
    // wallet 9998 − 500 (the whole isolated margin) = 9498
    expect(p.accountState().balances.find((b) => b.asset === 'USDT')?.wallet).toBe('9498');
  });

  it('isolated short: LP = (q·E + M) / (q·(1 + mmr))', async () => {
    const p = venue();
    p.setMarginMode('BTCUSDT', 'isolated');
    p.setLeverageSync('BTCUSDT', 10);
    market(p, 'sell', '0.1');
    // (5000 + 500) / (0.1 × 1.005) = 5500 / 0.1005 = 54726.368…, first tick above: 54726.4
    expect((await p.positions())[0]?.liquidationPrice).toBe('54726.4');
    p.applyCandle('BTCUSDT', { openTime: T0, open: 50_000, high: 55_000, low: 49_900, close: 54_000 });
    expect(await p.positions()).toHaveLength(0);
    expect(p.fills().at(-1)?.price).toBe('54726.4');
    expect(p.accountState().balances.find((b) => b.asset === 'USDT')?.wallet).toBe('9498');
  });

  it('a stop beyond the liquidation price never fills: it expires', async () => {
    const p = venue();
    p.setMarginMode('BTCUSDT', 'isolated');
    p.setLeverageSync('BTCUSDT', 10);
    market(p, 'buy', '0.1');
    const stop = p.submitOrder({
      venueSymbol: 'BTCUSDT',
      side: 'sell',
      type: 'stop_market',
      triggerPrice: '45000',
      closePosition: true,
    });
    p.setPrice('BTCUSDT', 44_000);
    expect(p.fills().at(-1)?.reason).toBe('liquidation');
    expect(p.findOrder({ venueOrderId: stop.venueOrderId })?.status).toBe('expired');
  });

  it('cross: liquidated at the level where equity meets maintenance; the account is emptied', async () => {
    const p = venue({ balances: { USDT: 1_000 } });
    p.setLeverageSync('BTCUSDT', 20);
    market(p, 'buy', '0.3');
    // notional 15000, IM 750, fee 6 → wallet 994, available 244
    expect((await p.balance()).available).toBe('244');
    // LP = (q·E − C) / (q·(1 − mmr)) = (15000 − 994) / (0.3 × 0.995) = 14006 / 0.2985 = 46921.273…
    // first tick below: 46921.2
    expect((await p.positions())[0]?.liquidationPrice).toBe('46921.2');
    // open 50000, high 50100 (nearer) first, then low 46000 crosses the level
    p.applyCandle('BTCUSDT', { openTime: T0, open: 50_000, high: 50_100, low: 46_000, close: 47_000 });
    expect(await p.positions()).toHaveLength(0);
    // realised 0.3 × (46921.2 − 50000) = −923.64 → wallet 70.36; clearance min(0.005 × 0.3 × 46921.2 = 70.3818, 70.36)
    expect(p.fills().at(-1)).toMatchObject({ price: '46921.2', realizedPnl: '-923.64', fee: '70.36' });
    expect(p.accountState().balances[0]?.wallet).toBe('0');
  });

  it('cross without enough loss to reach maintenance has no liquidation price', async () => {
    const p = venue();
    p.setLeverageSync('BTCUSDT', 10);
    market(p, 'buy', '0.1');
    // (5000 − 9998) / (0.1 × 0.995) < 0: the position cannot be liquidated
    expect((await p.positions())[0]?.liquidationPrice).toBeUndefined();
  });
});

describe('hedge mode', () => {
  it('long and short legs are independent', async () => {
    const p = venue({ positionMode: 'hedge' });
    market(p, 'buy', '0.1', { positionSide: 'long' });
    market(p, 'sell', '0.1', { positionSide: 'short' });
    p.setPrice('BTCUSDT', 51_000);
    // long +100, short −100; wallet 10000 − 2 − 2 = 9996
    expect(await p.balance()).toEqual({
      asset: 'USDT',
      total: '9996',
      available: expect.any(String),
      unrealizedPnl: '0',
    });
    market(p, 'sell', '0.1', { positionSide: 'long' });
    // closing the long realises +100, fee 0.1 × 51000 × 0.0004 = 2.04 → 9996 + 100 − 2.04 = 10093.96
    expect(p.accountState().balances.find((b) => b.asset === 'USDT')?.wallet).toBe('10093.96');
    expect(await p.positions()).toEqual([
      expect.objectContaining({ side: 'short', qty: '-0.1', entryPrice: '50000', unrealizedPnl: '-100' }),
    ]);
  });

  it('isolated legs each have their own margin and liquidation price', async () => {
    const p = venue({ positionMode: 'hedge', defaultMarginMode: 'isolated' });
    p.setLeverageSync('BTCUSDT', 10);
    market(p, 'buy', '0.1', { positionSide: 'long' });
    market(p, 'sell', '0.1', { positionSide: 'short' });
    const byside = Object.fromEntries((await p.positions()).map((x) => [x.side, x.liquidationPrice]));
    expect(byside).toEqual({ long: '45226.1', short: '54726.4' });
    p.setPrice('BTCUSDT', 45_000);
    expect((await p.positions()).map((x) => x.side)).toEqual(['short']);
  });

  it('requires long/short, refuses net or nothing (Binance -4061)', () => {
    const p = venue({ positionMode: 'hedge' });
    expect(caught(() => market(p, 'buy', '0.1')).details).toMatchObject({
      reason: 'position_side_mismatch_hedge',
    });
    expect(caught(() => market(p, 'buy', '0.1', { positionSide: 'net' })).code).toBe(
      'POSITION_SIDE_MISMATCH',
    );
  });

  it('closing a leg that is not open, or reduce-only on the opening side, is REDUCE_ONLY_REJECTED', () => {
    const p = venue({ positionMode: 'hedge' });
    expect(caught(() => market(p, 'sell', '0.1', { positionSide: 'long' })).details?.reason).toBe(
      'reduce_only_no_position',
    );
    expect(
      caught(() => market(p, 'buy', '0.1', { positionSide: 'long', reduceOnly: true })).details?.reason,
    ).toBe('reduce_only_would_increase');
    expect(
      caught(() =>
        p.submitOrder({
          venueSymbol: 'BTCUSDT',
          side: 'buy',
          type: 'stop_market',
          triggerPrice: '60000',
          positionSide: 'long',
          closePosition: true,
        }),
      ).details?.reason,
    ).toBe('close_position_wrong_side');
  });
});

describe('position mode', () => {
  it('one-way refuses long/short at the venue layer (-4061); the Exchange layer maps them', async () => {
    const p = venue();
    expect(caught(() => market(p, 'buy', '0.1', { positionSide: 'long' })).details).toMatchObject({
      reason: 'position_side_mismatch_one_way',
    });
    await p.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.1',
      positionSide: 'long',
      idempotencyKey: 'k-open',
    });
    const close = await p.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'sell',
      type: 'market',
      qty: '0.2',
      positionSide: 'long',
      idempotencyKey: 'k-close',
    });
    // sell on the long leg = reduce-only: clipped to 0.1, no flip into a short
    expect(close).toMatchObject({ reduceOnly: true, filledQty: '0.1', positionSide: 'net' });
    expect(await p.positions()).toEqual([]);
  });

  it('cannot change with an open position or order; same mode is a no-op', () => {
    const p = venue();
    expect(p.setPositionMode('one_way')).toEqual({ changed: false });
    market(p, 'buy', '0.1');
    expect(caught(() => p.setPositionMode('hedge')).details?.reason).toBe('position_mode_open_positions');
    market(p, 'sell', '0.1', { reduceOnly: true });
    p.submitOrder({ venueSymbol: 'ETHUSDT', side: 'buy', type: 'limit', qty: '1', price: '2000' });
    expect(caught(() => p.setPositionMode('hedge')).details?.reason).toBe('position_mode_open_orders');
    p.cancelAll('ETHUSDT');
    expect(p.setPositionMode('hedge')).toEqual({ changed: true });
  });
});

describe('conditional orders and the candle path', () => {
  function protectedLong() {
    const p = venue();
    market(p, 'buy', '0.1');
    const [sl, tp] = [
      p.submitOrder({
        venueSymbol: 'BTCUSDT',
        side: 'sell',
        type: 'stop_market',
        triggerPrice: '49000',
        closePosition: true,
        ocoGroup: 'g',
      }),
      p.submitOrder({
        venueSymbol: 'BTCUSDT',
        side: 'sell',
        type: 'take_profit_market',
        triggerPrice: '51000',
        closePosition: true,
        ocoGroup: 'g',
      }),
    ];
    return { p, sl, tp };
  }

  it('open nearer the low: the low is walked first, the stop fills at its level', () => {
    const { p, sl, tp } = protectedLong();
    // high − open = 1600, open − low = 1400 → low first
    p.applyCandle('BTCUSDT', { openTime: T0, open: 49_900, high: 51_500, low: 48_500, close: 50_000 });
    expect(p.findOrder({ venueOrderId: sl.venueOrderId })).toMatchObject({
      status: 'filled',
      avgPrice: '49000',
    });
    expect(p.findOrder({ venueOrderId: tp.venueOrderId })?.status).toBe('canceled');
  });

  it('open nearer the high: the high first, the take-profit fills at its level', () => {
    const { p, sl, tp } = protectedLong();
    // high − open = 1100, open − low = 1600 → high first
    p.applyCandle('BTCUSDT', { openTime: T0, open: 50_400, high: 51_500, low: 48_800, close: 50_000 });
    expect(p.findOrder({ venueOrderId: tp.venueOrderId })).toMatchObject({
      status: 'filled',
      avgPrice: '51000',
    });
    expect(p.findOrder({ venueOrderId: sl.venueOrderId })?.status).toBe('canceled');
    // realised 0.1 × 1000 = 100, fees 2 + 0.1 × 51000 × 0.0004 (2.04)
    expect(p.accountState().balances[0]?.wallet).toBe('10095.96');
  });

  it('a gap through the stop fills at the open', () => {
    const { p, sl } = protectedLong();
    p.applyCandle('BTCUSDT', { openTime: T0, open: 48_000, high: 48_500, low: 47_500, close: 48_200 });
    expect(p.findOrder({ venueOrderId: sl.venueOrderId })?.avgPrice).toBe('48000');
  });

  it('a tick through the stop fills at the new price (a market order once triggered)', () => {
    const { p, sl } = protectedLong();
    p.setPrice('BTCUSDT', 48_700);
    expect(p.findOrder({ venueOrderId: sl.venueOrderId })?.avgPrice).toBe('48700');
  });

  it('refuses a trigger that would fire at once (Binance -2021)', () => {
    const p = venue();
    market(p, 'buy', '0.1');
    const error = caught(() =>
      p.submitOrder({
        venueSymbol: 'BTCUSDT',
        side: 'sell',
        type: 'stop_market',
        triggerPrice: '50100',
        closePosition: true,
      }),
    );
    expect([error.code, error.details?.reason]).toEqual(['ORDER_REJECTED', 'would_immediately_trigger']);
  });

  it('a close-position order with nothing to close expires when triggered', () => {
    const p = venue();
    const stop = p.submitOrder({
      venueSymbol: 'BTCUSDT',
      side: 'sell',
      type: 'stop_market',
      triggerPrice: '49000',
      closePosition: true,
    });
    p.setPrice('BTCUSDT', 48_000);
    expect(p.findOrder({ venueOrderId: stop.venueOrderId })?.status).toBe('expired');
    expect(p.fills()).toHaveLength(0);
  });

  it('a stop entry opens a position when triggered', async () => {
    const p = venue();
    p.submitOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'stop_market',
      triggerPrice: '51000',
      qty: '0.1',
    });
    p.applyCandle('BTCUSDT', { openTime: T0, open: 50_000, high: 51_500, low: 49_900, close: 51_200 });
    expect((await p.positions())[0]).toMatchObject({ qty: '0.1', entryPrice: '51000' });
  });

  it('attached SL/TP are placed (as an oco pair) once a limit entry fills', async () => {
    const p = venue();
    await p.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      qty: '0.1',
      price: '49000',
      idempotencyKey: 'entry-1',
      attachedStopLoss: '48000',
      attachedTakeProfit: '52000',
    });
    expect(p.openConditionals()).toHaveLength(0);
    p.setPrice('BTCUSDT', 48_950);
    expect(p.openConditionals().map((o) => [o.type, o.triggerPrice])).toEqual([
      ['stop_market', '48000'],
      ['take_profit_market', '52000'],
    ]);
  });

  it('klines: candles as given, ticks as 1-minute bars, aggregated by timeframe', async () => {
    const p = venue();
    p.applyCandle('BTCUSDT', {
      openTime: T0,
      open: 50_000,
      high: 50_500,
      low: 49_800,
      close: 50_100,
      volume: 3,
    });
    p.applyCandle('BTCUSDT', {
      openTime: T0 + 60_000,
      open: 50_100,
      high: 50_900,
      low: 50_000,
      close: 50_800,
      volume: 2,
    });
    const [bar] = await p.klines({ venueSymbol: 'BTCUSDT', timeframe: '5m' });
    expect(bar).toMatchObject({
      openTime: T0,
      open: 50_000,
      high: 50_900,
      low: 49_800,
      close: 50_800,
      volume: 5,
    });
    expect(await p.klines({ venueSymbol: 'BTCUSDT', timeframe: '1m', limit: 1 })).toHaveLength(1);
    await expect(p.klines({ venueSymbol: 'BTCUSDT', timeframe: '7x' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
  });

  it('klines: replayed candles with closeTime are closed; a 5m bucket only once covered', async () => {
    const p = new PaperExchange({ now: () => T0 + 120_000 });
    const minute = (i: number, price: number) => ({
      openTime: T0 + i * 60_000,
      closeTime: T0 + (i + 1) * 60_000 - 1,
      open: price,
      high: price,
      low: price,
      close: price,
    });
    p.applyCandle('BTCUSDT', minute(0, 50_000));
    p.applyCandle('BTCUSDT', minute(1, 50_100));
    expect((await p.klines({ venueSymbol: 'BTCUSDT', timeframe: '1m' })).map((k) => k.closed)).toEqual([
      true,
      true,
    ]);
    expect((await p.klines({ venueSymbol: 'BTCUSDT', timeframe: '5m' })).map((k) => k.closed)).toEqual([
      false,
    ]);
    for (let i = 2; i < 5; i++) p.applyCandle('BTCUSDT', minute(i, 50_000 + i));
    expect((await p.klines({ venueSymbol: 'BTCUSDT', timeframe: '5m' })).map((k) => k.closed)).toEqual([
      true,
    ]);
  });

  it('klines: an unknown timeframe is refused', async () => {
    const p = venue();
    await expect(p.klines({ venueSymbol: 'BTCUSDT', timeframe: '7x' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
  });
});

describe('funding', () => {
  it('longs pay a positive rate, shorts receive it', () => {
    const p = venue({ positionMode: 'hedge' });
    market(p, 'buy', '0.1', { positionSide: 'long' });
    market(p, 'sell', '0.2', { positionSide: 'short' });
    // long pays 0.1 × 50000 × 0.0001 = 0.5; short receives 0.2 × 50000 × 0.0001 = 1 → net +0.5
    expect(p.applyFunding('BTCUSDT', '0.0001')).toBe('0.5');
    // wallet 10000 − 2 − 4 (fees) + 0.5 = 9994.5
    expect(p.accountState().balances[0]?.wallet).toBe('9994.5');
  });

  it('is paid automatically at every 8-hour boundary the clock crosses', () => {
    const p = venue({ funding: { rate: '0.0001' } });
    p.setPrice('BTCUSDT', 50_000, T0); // 07:00
    market(p, 'buy', '0.1'); // fee 2
    p.setPrice('BTCUSDT', 50_000, T0 + 1.5 * HOUR); // 08:30: one payment of 0.5
    expect(p.accountState().balances[0]?.wallet).toBe('9997.5');
    p.setPrice('BTCUSDT', 50_000, T0 + 17.5 * HOUR); // 00:30 next day: 16:00 and 00:00 → 2 × 0.5
    expect(p.accountState().balances[0]?.wallet).toBe('9996.5');
  });

  it('isolated positions pay from their margin', () => {
    const p = venue({ defaultMarginMode: 'isolated' });
    p.setLeverageSync('BTCUSDT', 10);
    market(p, 'buy', '0.1');
    p.applyFunding('BTCUSDT', '0.001'); // 0.1 × 50000 × 0.001 = 5
    expect(p.accountState().positions[0]?.isolatedMargin).toBe('495');
  });
});

describe('orders, ids and events', () => {
  it('refuses a duplicate client id among open orders; a done id may be reused (venue rule)', () => {
    const p = venue();
    const limit = {
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      qty: '0.1',
      price: '40000',
      clientOrderId: 'abc',
    } as const;
    p.submitOrder(limit);
    const error = caught(() => p.submitOrder(limit));
    expect([error.code, error.details?.reason]).toEqual([
      'DUPLICATE_CLIENT_ORDER_ID',
      'duplicate_client_order_id',
    ]);
    p.cancel('BTCUSDT', { clientOrderId: 'abc' });
    expect(p.submitOrder(limit).status).toBe('new');
    expect(p.orderHistory().map((o) => o.status)).toEqual(['canceled', 'new']);
  });

  it('refuses a client id Binance would refuse', () => {
    const p = venue();
    expect(caught(() => market(p, 'buy', '0.1', { clientOrderId: 'has space' })).details?.reason).toBe(
      'invalid_client_order_id',
    );
  });

  it('unknown or finished orders cannot be cancelled (ORDER_NOT_FOUND)', () => {
    const p = venue();
    const done = market(p, 'buy', '0.1');
    expect(caught(() => p.cancel('BTCUSDT', { venueOrderId: '1' })).details?.reason).toBe('unknown_order');
    expect(caught(() => p.cancel('BTCUSDT', { venueOrderId: done.venueOrderId })).code).toBe(
      'ORDER_NOT_FOUND',
    );
  });

  it('keeps the full history: lookups by key work after the fill', async () => {
    const p = venue();
    const placed = await p.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.1',
      idempotencyKey: 'sig-1',
    });
    expect(await p.orderByIdempotencyKey('BTCUSDT', 'sig-1')).toMatchObject({
      venueOrderId: placed.venueOrderId,
      status: 'filled',
    });
    expect(p.findOrder({ clientOrderId: placed.clientOrderId })?.venueOrderId).toBe(placed.venueOrderId);
    // the Exchange layer returns the done order rather than a second one
    const again = await p.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.1',
      idempotencyKey: 'sig-1',
    });
    expect(again.venueOrderId).toBe(placed.venueOrderId);
    expect(p.orderHistory()).toHaveLength(1);
  });

  it('placeProtection: SL and TP get distinct deterministic ids and cancel each other', async () => {
    const p = venue();
    market(p, 'buy', '0.1');
    const orders = await p.placeProtection({
      venueSymbol: 'BTCUSDT',
      positionSide: 'long',
      stopLoss: '49000',
      takeProfit: '52000',
      idempotencyKey: 'sig-2',
    });
    expect(orders.map((o) => o.clientOrderId.slice(-2))).toEqual(['sl', 'tp']);
    expect(orders.every((o) => o.isAlgo && o.reduceOnly && o.qty === '0')).toBe(true);
    const retry = await p
      .placeProtection({
        venueSymbol: 'BTCUSDT',
        positionSide: 'long',
        stopLoss: '49000',
        takeProfit: '52000',
        idempotencyKey: 'sig-2',
      })
      .catch((error: AppError) => error.code);
    expect(retry).toBe('DUPLICATE_CLIENT_ORDER_ID');
    p.setPrice('BTCUSDT', 52_100);
    expect(p.openConditionals()).toHaveLength(0);
    expect(p.orderHistory().map((o) => o.status)).toEqual(['filled', 'canceled', 'filled']);
  });

  it('closePosition returns the earlier close for the same key, null when flat', async () => {
    const p = venue();
    market(p, 'buy', '0.1');
    const first = await p.closePosition('BTCUSDT', 'long', 'close-1');
    expect(first).toMatchObject({ side: 'sell', status: 'filled', reduceOnly: true });
    expect((await p.closePosition('BTCUSDT', 'long', 'close-1'))?.venueOrderId).toBe(first?.venueOrderId);
    expect(await p.closePosition('BTCUSDT', 'net', 'close-2')).toBeNull();
    market(p, 'sell', '0.1');
    // one-way: 'long' does not close a net short
    expect(await p.closePosition('BTCUSDT', 'long', 'close-3')).toBeNull();
  });

  it('reports each fill to listeners until unsubscribed', () => {
    const seen: string[] = [];
    const p = venue({ onFill: (fill) => seen.push(`option:${fill.qty}`) });
    const off = p.onFill((fill) => seen.push(`hook:${fill.qty}@${fill.price}`));
    market(p, 'buy', '0.1');
    off();
    market(p, 'buy', '0.2');
    expect(seen).toEqual(['option:0.1', 'hook:0.1@50000', 'option:0.2']);
  });

  it('uses the injected clock', async () => {
    let now = 1_000;
    const p = new PaperExchange({ prices: { BTCUSDT: 50_000 }, now: () => now });
    now = 5_000;
    expect(await p.serverTime()).toBe(5_000);
    market(p, 'buy', '0.1');
    expect(p.fills()[0]?.time).toBe(5_000);
  });

  it('unknown symbols get near matches; no price yet is EXCHANGE_UNAVAILABLE', async () => {
    const p = new PaperExchange();
    await expect(p.instrument('BTCUSTD')).rejects.toMatchObject({
      code: 'UNKNOWN_SYMBOL',
      details: { suggestions: ['BTCUSDT'] },
    });
    await expect(p.ticker('BTCUSDT')).rejects.toMatchObject({
      code: 'EXCHANGE_UNAVAILABLE',
      details: { reason: 'no_price' },
    });
  });

  it('runs OKX-style instruments in base units (ctVal kept as contractSize)', async () => {
    const p = new PaperExchange({ instruments: OKX_STYLE_INSTRUMENTS, prices: { 'BTC-USDT-SWAP': 50_000 } });
    p.submitOrder({ venueSymbol: 'BTC-USDT-SWAP', side: 'buy', type: 'market', qty: '0.0003' });
    expect((await p.positions())[0]).toMatchObject({ venueSymbol: 'BTC-USDT-SWAP', qty: '0.0003' });
    expect((await p.instrument('BTC-USDT-SWAP')).contractSize).toBe('0.01');
  });
});

describe('the first price of a symbol', () => {
  it('fills a limit order placed before any price once the first price crosses it', () => {
    const p = new PaperExchange();
    const order = p.submitOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      qty: '0.01',
      price: '49000',
    });
    expect(order.status).toBe('new');
    p.setPrice('BTCUSDT', 50_000);
    expect(p.findOrder({ venueOrderId: order.venueOrderId })?.status).toBe('new');
    p.setPrice('BTCUSDT', 48_000);
    expect(p.findOrder({ venueOrderId: order.venueOrderId })).toMatchObject({
      status: 'filled',
      avgPrice: '49000',
    });
  });

  it('a rejected order changes nothing (margin mode included)', () => {
    const p = new PaperExchange({ prices: { BTCUSDT: 50_000 }, balances: { USDT: 10 } });
    expect(() =>
      p.submitOrder({
        venueSymbol: 'BTCUSDT',
        side: 'buy',
        type: 'market',
        qty: '1',
        marginMode: 'isolated',
      }),
    ).toThrow();
    expect(p.accountState().marginModes.BTCUSDT).toBe('cross');
    expect(p.orderHistory()).toEqual([]);
  });
});
