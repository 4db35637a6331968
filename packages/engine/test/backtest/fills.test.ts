import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/index.ts';
import { bars, HOUR, opts, sig, T0 } from './helpers.ts';

// Four quiet bars used by the market-order tests. Opens: 100, 102, 104, 106, 103.
const quiet = bars([
  [100, 101, 99, 100],
  [102, 103, 101, 102],
  [104, 105, 103, 104],
  [106, 107, 105, 106],
  [103, 104, 102, 103],
]);

describe('market orders', () => {
  it('fills an entry decided at close N at the open of N+1, and the exit likewise', () => {
    const r = runBacktest(quiet, sig(5, { le: [0], lx: [2] }), opts());
    expect(r.trades).toHaveLength(1);
    const t = r.trades[0]!;
    expect(t.side).toBe('long');
    expect(t.entryBar).toBe(1);
    expect(t.entryPrice).toBe(102); // open[1]
    expect(t.entryTime).toBe(T0 + 1 * HOUR);
    expect(t.exitBar).toBe(3);
    expect(t.exitPrice).toBe(106); // open[3]
    expect(t.exitTime).toBe(T0 + 3 * HOUR);
    expect(t.exitReason).toBe('signal');
    expect(t.pnl).toBe(106 - 102);
    expect(t.barsHeld).toBe(2);
    expect(r.openTrade).toBeNull();
  });

  it('fills at the close of the decision bar with fillOnClose', () => {
    const r = runBacktest(quiet, sig(5, { le: [0], lx: [2] }), opts({ fillOnClose: true }));
    const t = r.trades[0]!;
    expect(t.entryBar).toBe(0);
    expect(t.entryPrice).toBe(100); // close[0]
    expect(t.exitBar).toBe(2);
    expect(t.exitPrice).toBe(104); // close[2]
    expect(t.pnl).toBe(4);
  });

  it('applies slippage ticks against the trader on both market fills, long and short', () => {
    // 2 ticks × 0.5 = 1.0 of slippage.
    const o = opts({ slippageTicks: 2, tickSize: 0.5 });
    const long = runBacktest(quiet, sig(5, { le: [0], lx: [2] }), o).trades[0]!;
    expect(long.entryPrice).toBe(102 + 1); // buy higher
    expect(long.exitPrice).toBe(106 - 1); // sell lower
    expect(long.pnl).toBe(105 - 103);
    const short = runBacktest(quiet, sig(5, { se: [0], sx: [2] }), o).trades[0]!;
    expect(short.entryPrice).toBe(102 - 1); // sell lower
    expect(short.exitPrice).toBe(106 + 1); // buy higher
    expect(short.pnl).toBe(101 - 107);
  });

  it('charges commission on both fills', () => {
    const r = runBacktest(quiet, sig(5, { le: [0], lx: [2] }), opts({ commissionPct: 0.1, sizeValue: 2 }));
    const t = r.trades[0]!;
    const entryFee = 0.001 * 102 * 2; // 0.204
    const exitFee = 0.001 * 106 * 2; // 0.212
    expect(t.fees).toBeCloseTo(entryFee + exitFee, 12);
    expect(t.pnl).toBeCloseTo((106 - 102) * 2 - 0.416, 12); // 7.584
    expect(r.metrics.commissionPaid).toBeCloseTo(0.416, 12);
    // pnlPct is of the margin: entry × qty / leverage = 204.
    expect(t.pnlPct).toBeCloseTo((7.584 / 204) * 100, 10);
  });

  it('reverses long → short in one order at one price, paying commission on both legs, sized from equity with open profit', () => {
    const o = opts({ commissionPct: 0.1, sizing: 'percent', sizeValue: 10, initialCapital: 10_000 });
    const r = runBacktest(quiet, sig(5, { le: [0], se: [2], sx: [3] }), o);
    expect(r.trades).toHaveLength(2);
    const [long, short] = r.trades as [(typeof r.trades)[0], (typeof r.trades)[0]];
    // Decision at close[0] = 100 with equity 10,000: qty = 10,000 × 10% / 100 = 10.
    expect(long.qty).toBeCloseTo(10, 12);
    expect(long.entryPrice).toBe(102);
    expect(long.exitPrice).toBe(106);
    expect(long.exitReason).toBe('reverse');
    expect(long.fees).toBeCloseTo(0.001 * 102 * 10 + 0.001 * 106 * 10, 12); // 1.02 + 1.06
    expect(long.pnl).toBeCloseTo(40 - 2.08, 10);
    // Decision at close[2] = 104: equity = 10,000 + (104 − 102) × 10 − 1.02 (entry fee) = 10,018.98.
    const q2 = (10_018.98 * 0.1) / 104;
    expect(short.side).toBe('short');
    expect(short.qty).toBeCloseTo(q2, 10);
    expect(short.entryBar).toBe(3);
    expect(short.entryPrice).toBe(106); // same fill as the long's exit
    expect(short.exitPrice).toBe(103); // open[4], exit decided at close[3]
    expect(short.exitReason).toBe('signal');
    expect(short.fees).toBeCloseTo(0.001 * 106 * q2 + 0.001 * 103 * q2, 10);
    expect(short.pnl).toBeCloseTo((106 - 103) * q2 - 0.209 * q2, 10);
  });

  it('reverses at the close with fillOnClose, both legs at close ∓ slippage', () => {
    // Slippage 1 tick × 0.5. Long bought at close[0] + 0.5 = 100.5; reversal at close[2] = 104 sells
    // both legs at 103.5; the short is bought back at close[3] + 0.5 = 106.5.
    const o = opts({ fillOnClose: true, slippageTicks: 1, tickSize: 0.5 });
    const r = runBacktest(quiet, sig(5, { le: [0], se: [2], sx: [3] }), o);
    expect(r.trades.map((t) => [t.side, t.entryPrice, t.exitPrice, t.exitReason])).toEqual([
      ['long', 100.5, 103.5, 'reverse'],
      ['short', 103.5, 106.5, 'signal'],
    ]);
    expect(r.trades[0]!.pnl).toBe(103.5 - 100.5);
    expect(r.trades[1]!.pnl).toBe(103.5 - 106.5);
  });

  it('sizes the next entry from the equity left after a loss', () => {
    // 10 % of 10,000 at close[0] = 100 → qty 10; short 102 → 106 loses 40.
    // Next entry decided at close[3] = 106 with equity 9,960: qty = 9,960 × 10 % / 106, filled at open[4] = 103.
    const o = opts({ sizing: 'percent', sizeValue: 10 });
    const r = runBacktest(quiet, sig(5, { se: [0], sx: [2], le: [3] }), o);
    expect(r.trades[0]!.pnl).toBeCloseTo((102 - 106) * 10, 10);
    expect(r.openTrade!.qty).toBeCloseTo((9_960 * 0.1) / 106, 10);
    expect(r.openTrade!.entryPrice).toBe(103);
  });

  it('sizes by cash and by percent, multiplied by leverage', () => {
    // cash 1,000 at 3×: qty = 3,000 / close[0] = 30.
    const cash = runBacktest(
      quiet,
      sig(5, { le: [0] }),
      opts({ sizing: 'cash', sizeValue: 1000, leverage: 3 }),
    );
    expect(cash.openTrade!.qty).toBeCloseTo(30, 12);
    // 10% of 10,000 at 5×: qty = 10,000 × 0.1 × 5 / 100 = 50.
    const pct = runBacktest(
      quiet,
      sig(5, { le: [0] }),
      opts({ sizing: 'percent', sizeValue: 10, leverage: 5 }),
    );
    expect(pct.openTrade!.qty).toBeCloseTo(50, 12);
    // qty sizing is a fixed base quantity.
    const qty = runBacktest(
      quiet,
      sig(5, { le: [0] }),
      opts({ sizing: 'qty', sizeValue: 0.25, leverage: 5 }),
    );
    expect(qty.openTrade!.qty).toBe(0.25);
    expect(pct.metrics.maxContractsHeld).toBeCloseTo(50, 12);
  });

  it('long-only: a short signal closes the long and opens nothing; a short signal while flat does nothing', () => {
    const r = runBacktest(quiet, sig(5, { le: [0], se: [2] }), opts({ direction: 'long' }));
    expect(r.trades).toHaveLength(1);
    expect(r.trades[0]!.exitReason).toBe('signal');
    expect(r.trades[0]!.exitPrice).toBe(106);
    expect(r.openTrade).toBeNull();
    const flat = runBacktest(quiet, sig(5, { se: [0] }), opts({ direction: 'long' }));
    expect(flat.trades).toHaveLength(0);
    expect(flat.openTrade).toBeNull();
  });

  it('short-only mirrors long-only', () => {
    const r = runBacktest(quiet, sig(5, { se: [0], le: [2] }), opts({ direction: 'short' }));
    expect(r.trades).toHaveLength(1);
    expect(r.trades[0]!.side).toBe('short');
    expect(r.trades[0]!.pnl).toBe(102 - 106);
    expect(r.openTrade).toBeNull();
  });

  it('ignores a bar where long and short entries are both true, and entries in the held direction', () => {
    const both = runBacktest(quiet, sig(5, { le: [0], se: [0] }), opts());
    expect(both.trades).toHaveLength(0);
    expect(both.openTrade).toBeNull();
    const pyramid = runBacktest(quiet, sig(5, { le: [0, 1, 2] }), opts());
    expect(pyramid.trades).toHaveLength(0);
    expect(pyramid.openTrade!.entryPrice).toBe(102);
    expect(pyramid.openTrade!.qty).toBe(1);
  });

  it('does not fill an order decided on the last bar (next-open mode)', () => {
    const r = runBacktest(quiet, sig(5, { le: [4] }), opts());
    expect(r.trades).toHaveLength(0);
    expect(r.openTrade).toBeNull();
    // …but fills it at that close with fillOnClose.
    const c = runBacktest(quiet, sig(5, { le: [4] }), opts({ fillOnClose: true }));
    expect(c.openTrade!.entryPrice).toBe(103);
  });

  it('leaves a position open at the end as the open trade, outside the closed-trade metrics', () => {
    const r = runBacktest(quiet, sig(5, { le: [0] }), opts({ commissionPct: 0.1, sizeValue: 2 }));
    expect(r.trades).toHaveLength(0);
    const t = r.openTrade!;
    expect(t.exitReason).toBe('end_of_data');
    expect(t.exitPrice).toBe(103); // last close
    expect(t.exitBar).toBe(4);
    expect(t.fees).toBeCloseTo(0.001 * 102 * 2, 12); // entry commission only
    expect(t.pnl).toBeCloseTo((103 - 102) * 2 - 0.204, 12);
    const m = r.metrics;
    expect(m.totalTrades).toBe(0);
    expect(m.netProfit).toBe(0);
    expect(m.openTrades).toBe(1);
    expect(m.openPnl).toBeCloseTo(1.796, 12);
    expect(m.long.openTrades).toBe(1);
    expect(m.short.openTrades).toBe(0);
    expect(r.equity[4]).toBeCloseTo(10_000 + 1.796, 9);
  });
});

describe('stop-loss and take-profit', () => {
  // SL and TP both 2 % of the decision close (100) = 2.0 from the fill.
  const sltp = {
    stopLoss: { type: 'percent', percent: 2 },
    takeProfit: { type: 'percent', percent: 2 },
  } as const;

  it('open nearer the high: the path goes to the high first, so a long takes profit', () => {
    // Fill 100.5 → stop 98.5, limit 102.5. Bar 1: high − open = 2.5 < open − low = 3.5.
    const s = bars([
      [100, 100, 100, 100],
      [100.5, 103, 97, 100],
      [100, 100, 100, 100],
    ]);
    const t = runBacktest(s, sig(3, { le: [0] }), opts(sltp)).trades[0]!;
    expect(t.exitReason).toBe('take_profit');
    expect(t.exitBar).toBe(1); // active on the entry bar itself
    expect(t.exitPrice).toBe(102.5);
    expect(t.pnl).toBeCloseTo(2, 12);
  });

  it('open nearer the low: the path goes to the low first, so a long is stopped', () => {
    // Fill 99.5 → stop 97.5, limit 101.5. high − open = 3.5 > open − low = 2.5.
    const s = bars([
      [100, 100, 100, 100],
      [99.5, 103, 97, 100],
      [100, 100, 100, 100],
    ]);
    const t = runBacktest(s, sig(3, { le: [0] }), opts(sltp)).trades[0]!;
    expect(t.exitReason).toBe('stop_loss');
    expect(t.exitPrice).toBe(97.5);
    expect(t.pnl).toBeCloseTo(-2, 12);
  });

  it('a tie (open equidistant) takes the low first', () => {
    // Fill 100 → stop 98, limit 102; high − open = 3 = open − low.
    const s = bars([
      [100, 100, 100, 100],
      [100, 103, 97, 100],
      [100, 100, 100, 100],
    ]);
    const long = runBacktest(s, sig(3, { le: [0] }), opts(sltp)).trades[0]!;
    expect(long.exitReason).toBe('stop_loss');
    expect(long.exitPrice).toBe(98);
    // For a short the low is its take-profit: limit 98 reached first.
    const short = runBacktest(s, sig(3, { se: [0] }), opts(sltp)).trades[0]!;
    expect(short.exitReason).toBe('take_profit');
    expect(short.exitPrice).toBe(98);
  });

  it('a short with the open nearer the high is stopped first, with slippage on the stop only', () => {
    // Slippage 1 tick of 0.5. Short fill 100.5 − 0.5 = 100 → stop 102, limit 98.
    // Bar 1 high − open = 2.5 < open − low = 3.5 → high first → stop at 102 + 0.5.
    const s = bars([
      [100, 100, 100, 100],
      [100.5, 103, 97, 100],
      [100, 100, 100, 100],
    ]);
    const t = runBacktest(s, sig(3, { se: [0] }), opts({ ...sltp, slippageTicks: 1, tickSize: 0.5 }))
      .trades[0]!;
    expect(t.entryPrice).toBe(100);
    expect(t.exitReason).toBe('stop_loss');
    expect(t.exitPrice).toBe(102.5);
  });

  it('fills a limit at its level without slippage', () => {
    // Long fill 100 + 0.5 = 100.5 → limit 102.5; bar 2 reaches it.
    const s = bars([
      [100, 100, 100, 100],
      [100, 100.5, 99.5, 100],
      [101, 103, 100.9, 102],
    ]);
    const t = runBacktest(s, sig(3, { le: [0] }), opts({ ...sltp, slippageTicks: 1, tickSize: 0.5 }))
      .trades[0]!;
    expect(t.exitReason).toBe('take_profit');
    expect(t.exitPrice).toBe(102.5);
  });

  it('a gap through the stop fills at the open (minus slippage), not at the stop', () => {
    // Fill 100 → stop 98. Bar 2 opens at 95.
    const s = bars([
      [100, 100, 100, 100],
      [100, 101, 99, 100],
      [95, 96, 94, 95],
    ]);
    const t = runBacktest(s, sig(3, { le: [0] }), opts({ ...sltp, slippageTicks: 1 })).trades[0]!;
    expect(t.exitReason).toBe('stop_loss');
    expect(t.exitBar).toBe(2);
    expect(t.exitPrice).toBeCloseTo(95 - 0.01, 12);
  });

  it('a gap through the take-profit fills at the open, better than the limit', () => {
    // Fill 100 → limit 102. Bar 2 opens at 105.
    const s = bars([
      [100, 100, 100, 100],
      [100, 101, 99, 100],
      [105, 106, 104, 105],
    ]);
    const t = runBacktest(s, sig(3, { le: [0] }), opts({ ...sltp, slippageTicks: 1 })).trades[0]!;
    expect(t.exitReason).toBe('take_profit');
    expect(t.exitPrice).toBe(105);
  });

  it('a short gapping through its stop fills at the open plus slippage, through its limit at the open', () => {
    // Short fill 100 − 0.01 = 99.99 → stop 101.99, limit 97.99.
    const up = bars([
      [100, 100, 100, 100],
      [100, 101, 99, 100],
      [105, 106, 104, 105],
    ]);
    const stopped = runBacktest(up, sig(3, { se: [0] }), opts({ ...sltp, slippageTicks: 1 })).trades[0]!;
    expect(stopped.exitReason).toBe('stop_loss');
    expect(stopped.exitPrice).toBeCloseTo(105 + 0.01, 12);
    const down = bars([
      [100, 100, 100, 100],
      [100, 101, 99, 100],
      [95, 96, 94, 95],
    ]);
    const won = runBacktest(down, sig(3, { se: [0] }), opts({ ...sltp, slippageTicks: 1 })).trades[0]!;
    expect(won.exitReason).toBe('take_profit');
    expect(won.exitPrice).toBe(95);
  });

  it('records MAE / MFE over the prices visited, up to the exit on the exit bar', () => {
    // Long 2 units from open[1] = 100; exit at open[3] = 103. Visited: 100, 104, 97, 106, 99, 103.
    const s = bars([
      [100, 100, 100, 100],
      [100, 104, 97, 101],
      [101, 106, 99, 102],
      [103, 110, 90, 100],
    ]);
    const t = runBacktest(s, sig(4, { le: [0], lx: [2] }), opts({ sizeValue: 2 })).trades[0]!;
    expect(t.mfe).toBe((106 - 100) * 2);
    expect(t.mae).toBe((100 - 97) * 2);
    // TP 2 % → 102 on the second path segment (open nearer the low): low 98.5 visited, high 103 not.
    const tp = bars([
      [100, 100, 100, 100],
      [100, 103, 98.5, 101],
      [101, 101, 101, 101],
    ]);
    const u = runBacktest(tp, sig(3, { le: [0] }), opts({ takeProfit: { type: 'percent', percent: 2 } }))
      .trades[0]!;
    expect(u.exitPrice).toBe(102);
    expect(u.mae).toBe(100 - 98.5);
    expect(u.mfe).toBe(102 - 100);
  });

  it('with fillOnClose the levels are active from the bar after the entry', () => {
    // Entry at close[0] = 100 → stop 98. Bar 0 itself dips to 97 before the close: no exit there.
    const s = bars([
      [100, 101, 97, 100],
      [100, 100, 97, 99],
      [99, 99, 99, 99],
    ]);
    const t = runBacktest(s, sig(3, { le: [0] }), opts({ ...sltp, fillOnClose: true })).trades[0]!;
    expect(t.entryBar).toBe(0);
    expect(t.exitBar).toBe(1);
    expect(t.exitPrice).toBe(98);
  });

  it('measures ATR distances with the decision bar ATR from the fill price (slippage included)', () => {
    // atr[0] = 2 (decision bar); atr[1] = 10 must not be used. SL 1.5 × 2 = 3, TP 2 × 2 = 4.
    // Fill = 101 + 5 ticks × 0.1 = 101.5 → stop 98.5, limit 105.5.
    const s = bars([
      [100, 100, 100, 100],
      [101, 102, 99, 101],
      [101, 105.4, 100, 105],
      [105, 105.6, 104, 105],
    ]);
    const atr = new Float64Array([2, 10, 10, 10]);
    const o = opts({
      stopLoss: { type: 'atr', multiplier: 1.5 },
      takeProfit: { type: 'atr', multiplier: 2 },
      slippageTicks: 5,
      tickSize: 0.1,
    });
    const t = runBacktest(s, sig(4, { le: [0] }), o, atr).trades[0]!;
    expect(t.entryPrice).toBeCloseTo(101.5, 12);
    expect(t.exitReason).toBe('take_profit');
    expect(t.exitBar).toBe(3); // bar 2's high 105.4 < 105.5
    expect(t.exitPrice).toBeCloseTo(105.5, 12);
  });

  it('sets no level when the decision bar ATR is na', () => {
    const s = bars([
      [100, 100, 100, 100],
      [100, 100, 50, 60],
      [60, 60, 60, 60],
    ]);
    const atr = new Float64Array([NaN, 1, 1]);
    const r = runBacktest(s, sig(3, { le: [0] }), opts({ stopLoss: { type: 'atr', multiplier: 1 } }), atr);
    expect(r.trades).toHaveLength(0);
    expect(r.openTrade!.pnl).toBe(60 - 100);
  });

  it('rounds levels to the nearest tick', () => {
    // tick 0.5; 1.3 % of close 100 = 1.3 → stop 98.7 → 98.5, limit 101.3 → 101.5.
    const s = bars([
      [100, 100, 100, 100],
      [100, 101.4, 98.6, 100], // neither 98.5 nor 101.5 reached
      [100, 101.5, 99, 101],
    ]);
    const o = opts({
      tickSize: 0.5,
      stopLoss: { type: 'percent', percent: 1.3 },
      takeProfit: { type: 'percent', percent: 1.3 },
    });
    const t = runBacktest(s, sig(3, { le: [0] }), o).trades[0]!;
    expect(t.exitBar).toBe(2);
    expect(t.exitReason).toBe('take_profit');
    expect(t.exitPrice).toBe(101.5);
  });

  it('a level touched exactly fills; one tick short does not', () => {
    // Fill 100 → stop 98, limit 102. Bar 1 stays a tick inside both; bar 2 touches the stop exactly.
    const s = bars([
      [100, 100, 100, 100],
      [100, 101.99, 98.01, 100],
      [99, 99, 98, 98.5],
      [98.5, 98.5, 98.5, 98.5],
    ]);
    const long = runBacktest(s, sig(4, { le: [0] }), opts(sltp)).trades[0]!;
    expect(long.exitBar).toBe(2);
    expect(long.exitReason).toBe('stop_loss');
    expect(long.exitPrice).toBe(98);
    // A short's limit 98 is touched by the same bar.
    const short = runBacktest(s, sig(4, { se: [0] }), opts(sltp)).trades[0]!;
    expect(short.exitBar).toBe(2);
    expect(short.exitReason).toBe('take_profit');
    expect(short.exitPrice).toBe(98);
  });

  it('a bar whose stop fired is flat at its close and may open again', () => {
    // Fill 100 → stop 98 hit on bar 1; long entry again at close[1] → fill at open[2] = 99.
    const s = bars([
      [100, 100, 100, 100],
      [100, 100, 97, 99],
      [99, 99, 99, 99],
    ]);
    const r = runBacktest(s, sig(3, { le: [0, 1] }), opts(sltp));
    expect(r.trades).toHaveLength(1);
    expect(r.trades[0]!.exitReason).toBe('stop_loss');
    expect(r.openTrade!.entryPrice).toBe(99);
  });
});

describe('liquidation (isolated margin)', () => {
  it('liquidates a 10× long at entry × (1 − 1/10 + 0.5 %), losing exactly the margin', () => {
    // Fill 100, qty 1, margin 10. liq = 100 × (1 − 0.1 + 0.005) = 90.5. Bar 2 low 90.
    const s = bars([
      [100, 100, 100, 100],
      [100, 101, 95, 96],
      [96, 97, 90, 91],
      [91, 91, 91, 91],
    ]);
    const o = opts({ leverage: 10, commissionPct: 0.04 });
    const r = runBacktest(s, sig(4, { le: [0] }), o);
    const t = r.trades[0]!;
    expect(t.exitReason).toBe('liquidation');
    expect(t.exitBar).toBe(2);
    expect(t.exitPrice).toBeCloseTo(90.5, 12);
    const entryFee = 0.0004 * 100 * 1; // 0.04
    expect(t.pnl).toBeCloseTo(-10 - entryFee, 12);
    expect(t.pnlPct).toBeCloseTo((-10.04 / 10) * 100, 10);
    expect(r.metrics.liquidations).toBe(1);
    expect(r.metrics.long.liquidations).toBe(1);
  });

  it('a stop beyond the liquidation price never fills', () => {
    // SL 9.6 % of 100 → stop 90.4 < liq 90.5.
    const s = bars([
      [100, 100, 100, 100],
      [100, 101, 90, 91],
      [91, 91, 91, 91],
    ]);
    const r = runBacktest(
      s,
      sig(3, { le: [0] }),
      opts({ leverage: 10, stopLoss: { type: 'percent', percent: 9.6 } }),
    );
    expect(r.trades[0]!.exitReason).toBe('liquidation');
    // A stop above the liquidation price fills first: 9 % → 91.
    const ok = runBacktest(
      s,
      sig(3, { le: [0] }),
      opts({ leverage: 10, stopLoss: { type: 'percent', percent: 9 } }),
    );
    expect(ok.trades[0]!.exitReason).toBe('stop_loss');
    expect(ok.trades[0]!.exitPrice).toBe(91);
  });

  it('liquidates a 10× short at entry × (1 + 1/10 − 0.5 %)', () => {
    // liq = 100 × 1.095 = 109.5
    const s = bars([
      [100, 100, 100, 100],
      [100, 109.4, 99, 109],
      [109, 110, 108, 109],
      [109, 109, 109, 109],
    ]);
    const r = runBacktest(s, sig(4, { se: [0] }), opts({ leverage: 10 }));
    const t = r.trades[0]!;
    expect(t.exitReason).toBe('liquidation');
    expect(t.exitBar).toBe(2);
    expect(t.exitPrice).toBeCloseTo(109.5, 12);
    expect(t.pnl).toBeCloseTo(-10, 12);
  });

  it('a gap through the liquidation price still loses only the margin', () => {
    const s = bars([
      [100, 100, 100, 100],
      [100, 100, 99, 99],
      [80, 81, 79, 80],
    ]);
    const t = runBacktest(
      s,
      sig(3, { le: [0] }),
      opts({ leverage: 10, stopLoss: { type: 'percent', percent: 5 } }),
    ).trades[0]!;
    expect(t.exitReason).toBe('liquidation');
    expect(t.pnl).toBeCloseTo(-10, 12);
  });

  it('does not simulate liquidation at 1×', () => {
    const s = bars([
      [100, 100, 100, 100],
      [100, 100, 1, 1],
      [1, 1, 1, 1],
    ]);
    const r = runBacktest(s, sig(3, { le: [0] }), opts());
    expect(r.trades).toHaveLength(0);
    expect(r.openTrade!.pnl).toBe(1 - 100);
  });
});
