/**
 * Trade management in the broker emulator (docs/backtest-semantics.md, "Trailing stop" and
 * "Partial close"), each case computed by hand from the bars.
 */
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/index.ts';
import { bars, opts, sig } from './helpers.ts';

describe('trailing stop', () => {
  it('activates once the best price is `activation` beyond the entry, then follows it at `offset`', () => {
    // Long entry decided at close[0] = 100 (percent rule: 2 % of 100 = 2 activation, 3 % = 3 offset),
    // filled at open[1] = 100: activation at 102, the stop trails 3 behind the best price.
    const candles = bars([
      [100, 100, 100, 100],
      [100, 101, 99.5, 100.5], // best 101 < 102: not active
      [101, 106, 100.5, 105], // high first? open 101: 106−101=5 > 101−100.5=0.5 → low first; best 106 → stop 103
      [105, 105.5, 104, 104.5], // 104 > 103: holds
      [104, 104.5, 102, 103], // high first; then 102 ≤ 103: trailing stop at 103
    ]);
    const r = runBacktest(
      candles,
      sig(5, { le: [0] }),
      opts({ trailing: { type: 'percent', activation: 2, offset: 3 } }),
    );
    expect(r.trades).toHaveLength(1);
    const t = r.trades[0]!;
    expect(t.entryBar).toBe(1);
    expect(t.exitBar).toBe(4);
    expect(t.exitReason).toBe('trailing_stop');
    expect(t.exitPrice).toBe(103);
    expect(t.pnl).toBe(3);
    expect(t.mfe).toBe(6); // the best price 106
  });

  it('is reached on the way from the high to the close of the bar that raised it', () => {
    // Path open → low → high → close: the high lifts the stop to 108 − 2 = 106, the close 105 is below it.
    const candles = bars([
      [100, 100, 100, 100],
      [100, 108, 99.8, 105],
    ]);
    const r = runBacktest(
      candles,
      sig(2, { le: [0] }),
      opts({ trailing: { type: 'percent', activation: 0, offset: 2 } }),
    );
    const t = r.trades[0]!;
    expect(t.exitBar).toBe(1);
    expect(t.exitReason).toBe('trailing_stop');
    expect(t.exitPrice).toBe(106);
  });

  it('takes the nearer of the fixed and the trailing stop; a gap fills at the open, with slippage', () => {
    // Short at open[1] = 200 (decision close 200): fixed stop 2 % = 204, trailing 1 % activation
    // (198) and 1.5 % offset (3). Bar 1 reaches 195: trailing stop 198. Bar 2 gaps up to 199 ≥ 198.
    const candles = bars([
      [200, 200, 200, 200],
      [200, 200.5, 195, 196],
      [199, 200, 198.5, 199.5],
    ]);
    const r = runBacktest(
      candles,
      sig(3, { se: [0] }),
      opts({
        stopLoss: { type: 'percent', percent: 2 },
        trailing: { type: 'percent', activation: 1, offset: 1.5 },
        slippageTicks: 10,
        tickSize: 0.01,
      }),
    );
    const t = r.trades[0]!;
    expect(t.side).toBe('short');
    expect(t.entryPrice).toBeCloseTo(199.9, 10); // 200 − 0.1 slippage
    expect(t.exitBar).toBe(2);
    expect(t.exitReason).toBe('trailing_stop');
    expect(t.exitPrice).toBeCloseTo(199.1, 10); // the open + 0.1 slippage, not the level 198
  });

  it('with ATR distances, measures them on the decision bar and leaves the fixed stop when it is nearer', () => {
    // ATR 4 on bar 0: activation 1 × 4, offset 2 × 4 = 8; stop 1 × 4 = 4 → 96. Bar 1 runs to 103
    // (not active: 103 < 104) and falls to 95: the fixed stop fills at 96.
    const candles = bars([
      [100, 100, 100, 100],
      [100, 103, 95, 96],
    ]);
    const atr = Float64Array.from([4, 4]);
    const r = runBacktest(
      candles,
      sig(2, { le: [0] }),
      opts({ stopLoss: { type: 'atr', multiplier: 1 }, trailing: { type: 'atr', activation: 1, offset: 2 } }),
      atr,
    );
    const t = r.trades[0]!;
    expect(t.exitReason).toBe('stop_loss');
    expect(t.exitPrice).toBe(96);
  });

  it('is not set while the ATR is na on the decision bar', () => {
    const candles = bars([
      [100, 100, 100, 100],
      [100, 120, 80, 90],
    ]);
    const r = runBacktest(
      candles,
      sig(2, { le: [0] }),
      opts({ trailing: { type: 'atr', activation: 0, offset: 1 } }),
      Float64Array.from([NaN, 4]),
    );
    expect(r.trades).toHaveLength(0);
    expect(r.openTrade?.entryPrice).toBe(100);
  });
});

describe('partial close', () => {
  const candles = bars([
    [100, 100, 100, 100],
    [100, 101, 99, 100],
    [110, 111, 109, 110],
    [120, 121, 119, 120],
    [130, 131, 129, 130],
  ]);

  it('closes closePct of the open position on each exit signal, each part a trade with its share of the entry commission', () => {
    // qty 4 long at 100; exit signals at closes 1 and 2 fill at opens 110 (2 units) and 120 (1 unit).
    const r = runBacktest(
      candles,
      sig(5, { le: [0], lx: [1, 2] }),
      opts({ sizeValue: 4, closePct: 50, commissionPct: 0.1 }),
    );
    expect(r.trades).toHaveLength(2);
    const [a, b] = r.trades as [(typeof r.trades)[0], (typeof r.trades)[0]];
    expect(a.qty).toBe(2);
    expect(a.exitPrice).toBe(110);
    expect(a.exitReason).toBe('signal');
    // Entry commission 0.1 % × 100 × 4 = 0.4, half of it on this part; exit 0.1 % × 110 × 2 = 0.22.
    expect(a.fees).toBeCloseTo(0.2 + 0.22, 12);
    expect(a.pnl).toBeCloseTo(20 - 0.42, 12);
    expect(b.qty).toBe(1);
    expect(b.exitPrice).toBe(120);
    expect(b.fees).toBeCloseTo(0.1 + 0.12, 12);
    expect(b.entryBar).toBe(1);
    // The last unit is still open at the end, with the rest of the entry commission.
    expect(r.openTrade?.qty).toBe(1);
    expect(r.openTrade?.fees).toBeCloseTo(0.1, 12);
    expect(r.openTrade?.pnl).toBeCloseTo(30 - 0.1, 12);
  });

  it('a reversal still closes the whole position', () => {
    const r = runBacktest(
      candles,
      sig(5, { le: [0], lx: [1], se: [2] }),
      opts({ sizeValue: 4, closePct: 25 }),
    );
    expect(r.trades.map((t) => [t.qty, t.exitPrice, t.exitReason])).toEqual([
      [1, 110, 'signal'],
      [3, 120, 'reverse'],
    ]);
    expect(r.openTrade?.side).toBe('short');
  });

  it('with fillOnClose, closes the part at the decision close', () => {
    const r = runBacktest(
      candles,
      sig(5, { le: [0], lx: [2] }),
      opts({ sizeValue: 4, closePct: 75, fillOnClose: true }),
    );
    expect(r.trades.map((t) => [t.qty, t.exitBar, t.exitPrice])).toEqual([[3, 2, 110]]);
    expect(r.openTrade?.qty).toBe(1);
  });

  it('rejects a closePct outside (0, 100] and a trailing offset of 0', () => {
    expect(() => opts({ closePct: 0 })).toThrow(/closePct/);
    expect(() => opts({ closePct: 120 })).toThrow(/closePct/);
    expect(() => opts({ trailing: { type: 'percent', activation: 1, offset: 0 } })).toThrow(
      /trailing.offset/,
    );
  });
});
