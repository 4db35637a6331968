import { describe, expect, it } from 'vitest';
import { runBacktest, type Trade } from '../../src/backtest/index.ts';
import { computeTradeStats } from '../../src/backtest/metrics.ts';
import { TradeLog } from '../../src/backtest/trade-log.ts';
import { bars, opts, sig } from './helpers.ts';

function trade(pnl: number, barsHeld: number, side: 'long' | 'short' = 'long', fees = 0): Trade {
  return {
    side,
    entryTime: 0,
    entryPrice: 100,
    entryBar: 0,
    exitTime: 0,
    exitPrice: 100,
    exitBar: barsHeld,
    qty: 1,
    fees,
    pnl,
    pnlPct: pnl,
    exitReason: 'signal',
    barsHeld,
  };
}

describe('trade statistics on a known trade list', () => {
  // W L W E L L W
  const list = [
    trade(10, 2, 'long', 1),
    trade(-5, 4, 'short', 1),
    trade(20, 6, 'long', 1),
    trade(0, 1, 'long', 1),
    trade(-5, 3, 'short', 1),
    trade(-10, 5, 'long', 1),
    trade(3, 2, 'short', 1),
  ];

  it('computes the All figures by hand', () => {
    const s = computeTradeStats(TradeLog.fromTrades(list), null, null, 1000, 7);
    expect(s.totalTrades).toBe(7);
    expect(s.winningTrades).toBe(3);
    expect(s.losingTrades).toBe(3);
    expect(s.evenTrades).toBe(1);
    expect(s.netProfit).toBe(10 - 5 + 20 + 0 - 5 - 10 + 3); // 13
    expect(s.netProfitPct).toBeCloseTo((13 / 1000) * 100, 12);
    expect(s.grossProfit).toBe(33);
    expect(s.grossLoss).toBe(20);
    expect(s.profitFactor).toBeCloseTo(33 / 20, 12);
    expect(s.winRate).toBeCloseTo((3 / 7) * 100, 12);
    expect(s.avgTrade).toBeCloseTo(13 / 7, 12);
    expect(s.avgWin).toBeCloseTo(11, 12);
    expect(s.avgLoss).toBeCloseTo(20 / 3, 12);
    expect(s.winLossRatio).toBeCloseTo(11 / (20 / 3), 12);
    expect(s.largestWin).toBe(20);
    expect(s.largestLoss).toBe(10);
    expect(s.avgBarsInTrade).toBeCloseTo((2 + 4 + 6 + 1 + 3 + 5 + 2) / 7, 12);
    expect(s.avgBarsInWinningTrade).toBeCloseTo((2 + 6 + 2) / 3, 12);
    expect(s.avgBarsInLosingTrade).toBeCloseTo((4 + 3 + 5) / 3, 12);
    expect(s.maxConsecutiveWins).toBe(1); // the even trade breaks W…W
    expect(s.maxConsecutiveLosses).toBe(2);
    expect(s.commissionPaid).toBe(7);
    // expectancy = 3/7 × 11 − 3/7 × 20/3 = 13/7
    expect(s.expectancy).toBeCloseTo((3 / 7) * 11 - (3 / 7) * (20 / 3), 12);
    expect(s.expectancyRatio).toBeCloseTo(13 / 7 / (20 / 3), 12);
    expect(s.openTrades).toBe(0);
    expect(s.openPnl).toBe(0);
  });

  it('splits by direction', () => {
    const long = computeTradeStats(TradeLog.fromTrades(list), 'long', null, 1000, 1);
    expect(long.totalTrades).toBe(4); // 10, 20, 0, −10
    expect(long.netProfit).toBe(20);
    expect(long.profitFactor).toBeCloseTo(30 / 10, 12);
    expect(long.maxConsecutiveWins).toBe(2);
    const short = computeTradeStats(TradeLog.fromTrades(list), 'short', null, 1000, 1);
    expect(short.totalTrades).toBe(3); // −5, −5, 3
    expect(short.maxConsecutiveLosses).toBe(2);
    expect(short.largestWin).toBe(3);
  });

  it('reports null, never NaN, where a figure is undefined', () => {
    const none = computeTradeStats(TradeLog.fromTrades([]), null, null, 1000, 0);
    expect(none.winRate).toBeNull();
    expect(none.profitFactor).toBeNull();
    expect(none.avgTrade).toBeNull();
    expect(none.largestLoss).toBeNull();
    expect(none.expectancy).toBeNull();
    const onlyWins = computeTradeStats(TradeLog.fromTrades([trade(5, 1)]), null, null, 1000, 1);
    expect(onlyWins.profitFactor).toBeNull();
    expect(onlyWins.winLossRatio).toBeNull();
    expect(JSON.parse(JSON.stringify(none))).toEqual(none);
  });
});

describe('backtest metrics', () => {
  it('counts long and short trades of a real run separately', () => {
    // Opens: 100, 100, 110, 120, 115, 130, 130.
    // long 100 → 110 (+10, 1 bar, reverse), short 110 → 120 (−10, 1 bar, reverse), long 120 → 130 (+10, 2 bars).
    const s = bars([
      [100, 100, 100, 100],
      [100, 100, 100, 100],
      [110, 110, 110, 110],
      [120, 120, 120, 120],
      [115, 115, 115, 115],
      [130, 130, 130, 130],
      [130, 130, 130, 130],
    ]);
    const r = runBacktest(s, sig(7, { le: [0, 2], se: [1], lx: [4] }), opts({ initialCapital: 1000 }));
    expect(r.trades.map((t) => t.pnl)).toEqual([10, -10, 10]);
    expect(r.trades.map((t) => t.exitReason)).toEqual(['reverse', 'reverse', 'signal']);
    const m = r.metrics;
    expect(m.totalTrades).toBe(3);
    expect(m.profitFactor).toBeCloseTo(20 / 10, 12);
    expect(m.winRate).toBeCloseTo((2 / 3) * 100, 12);
    expect(m.avgBarsInTrade).toBeCloseTo((1 + 1 + 2) / 3, 12);
    expect(m.maxConsecutiveWins).toBe(1);
    expect(m.maxConsecutiveLosses).toBe(1);
    expect(m.long.totalTrades).toBe(2);
    expect(m.long.winRate).toBe(100);
    expect(m.long.profitFactor).toBeNull();
    expect(m.short.totalTrades).toBe(1);
    expect(m.short.profitFactor).toBe(0);
    expect(m.netProfit).toBe(10);
    expect(m.finalEquity).toBe(1010);
  });

  it('measures drawdown, run-up, time in market and buy & hold on a known equity path', () => {
    // Long 1 unit from open[1] = 100. Closes 100, 110, 90, 120, 100, 130 → equity
    // 1000, 1010, 990, 1020, 1000, 1030.
    const s = bars([
      [100, 100, 100, 100],
      [100, 110, 100, 110],
      [110, 110, 90, 90],
      [90, 120, 90, 120],
      [120, 120, 100, 100],
      [100, 130, 100, 130],
    ]);
    const r = runBacktest(s, sig(6, { le: [0] }), opts({ initialCapital: 1000 }));
    expect(Array.from(r.equity)).toEqual([1000, 1010, 990, 1020, 1000, 1030]);
    const dd = [0, 0, (20 / 1010) * 100, 0, (20 / 1020) * 100, 0];
    Array.from(r.drawdown).forEach((v, i) => expect(v).toBeCloseTo(dd[i]!, 12));
    const m = r.metrics;
    expect(m.maxDrawdown).toBe(20);
    expect(m.maxDrawdownPct).toBeCloseTo((20 / 1010) * 100, 12);
    expect(m.maxRunUp).toBe(1030 - 990); // from the running trough 990 (bar 2) to 1030
    expect(m.maxRunUpPct).toBeCloseTo((40 / 990) * 100, 12);
    expect(m.timeInMarketPct).toBeCloseTo((5 / 6) * 100, 12); // closes 1–5 in the position
    expect(m.buyHoldReturnPct).toBeCloseTo((130 / 100 - 1) * 100, 12); // from the first entry's open
    expect(m.openPnl).toBe(30);
    expect(m.finalEquity).toBe(1030);
    expect(m.maxContractsHeld).toBe(1);
  });

  it('computes Sharpe and Sortino from calendar-month returns (sample stdev, rf 2 %/yr)', () => {
    // Bars on Jan 1, Jan 15, Feb 1, Mar 1, Apr 1 2024; long 1 unit at close[0] = 100 (fillOnClose).
    // Closes 100, 90, 110, 105, 125 → equity 1000, 990, 1010, 1005, 1025.
    // Month-end equity: Jan 990 (the Jan 15 bar), Feb 1010, Mar 1005, Apr 1025; Jan starts at 1000.
    const s = bars([
      [100, 100, 100, 100],
      [90, 90, 90, 90],
      [110, 110, 110, 110],
      [105, 105, 105, 105],
      [125, 125, 125, 125],
    ]);
    const times = [
      Date.UTC(2024, 0, 1),
      Date.UTC(2024, 0, 15),
      Date.UTC(2024, 1, 1),
      Date.UTC(2024, 2, 1),
      Date.UTC(2024, 3, 1),
    ];
    times.forEach((t, i) => (s.time[i] = t));
    const r = runBacktest(s, sig(5, { le: [0] }), opts({ initialCapital: 1000, fillOnClose: true }));
    const ret = [990 / 1000 - 1, 1010 / 990 - 1, 1005 / 1010 - 1, 1025 / 1005 - 1];
    const rf = 0.02 / 12;
    const mean = (ret[0]! + ret[1]! + ret[2]! + ret[3]!) / 4;
    const sd = Math.sqrt(ret.reduce((a, x) => a + (x - mean) ** 2, 0) / 3);
    const dd = Math.sqrt(ret.reduce((a, x) => a + Math.min(0, x - rf) ** 2, 0) / 4);
    expect(r.metrics.months).toBe(4);
    expect(r.metrics.sharpe).toBeCloseTo((mean - rf) / sd, 10);
    expect(r.metrics.sortino).toBeCloseTo((mean - rf) / dd, 10);

    // Fewer than 3 months: undefined.
    const short = runBacktest(
      bars([
        [100, 100, 100, 100],
        [101, 101, 101, 101],
      ]),
      sig(2, { le: [0] }),
      opts(),
    );
    expect(short.metrics.sharpe).toBeNull();
    expect(short.metrics.sortino).toBeNull();
  });

  it('computes CAGR over the data span and Calmar = CAGR / max drawdown %', () => {
    // Three bars of a third of a year each → span 1 year. 10 units at close[0] = 100, closes 100, 90, 110:
    // equity 1000, 900, 1100 → CAGR 10 %, max drawdown 100/1000 = 10 % → Calmar 1.
    const third = (365.25 * 24 * 3600 * 1000) / 3;
    const s = bars(
      [
        [100, 100, 100, 100],
        [90, 90, 90, 90],
        [110, 110, 110, 110],
      ],
      third,
    );
    const r = runBacktest(
      s,
      sig(3, { le: [0] }),
      opts({ initialCapital: 1000, sizeValue: 10, fillOnClose: true }),
    );
    expect(r.metrics.cagrPct).toBeCloseTo(10, 9);
    expect(r.metrics.maxDrawdownPct).toBeCloseTo(10, 12);
    expect(r.metrics.calmar).toBeCloseTo(1, 9);
  });

  it('final equity = capital + Σ closed PnL + open PnL, and metrics serialise to valid JSON', () => {
    const s = bars([
      [100, 101, 99, 100],
      [102, 103, 101, 102],
      [104, 105, 103, 104],
      [106, 107, 105, 106],
      [103, 104, 102, 103],
      [101, 102, 100, 101],
    ]);
    const r = runBacktest(
      s,
      sig(6, { le: [0, 3], se: [1] }),
      opts({ commissionPct: 0.04, sizing: 'percent' }),
    );
    const closed = r.trades.reduce((a, t) => a + t.pnl, 0);
    expect(r.equity[5]! - 10_000).toBeCloseTo(closed + r.openTrade!.pnl, 9);
    expect(r.metrics.finalEquity).toBe(r.equity[5]);
    const json = JSON.parse(JSON.stringify(r.metrics));
    expect(json.sharpe).toBeNull();
    expect(json.long.totalTrades).toBe(r.metrics.long.totalTrades);
  });
});
