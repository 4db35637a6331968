import { describe, expect, it } from 'vitest';
import { buyAndHoldEquity, runBacktest } from '../../src/backtest/index.ts';
import { bars, opts, sig } from './helpers.ts';

const closes = [100, 110, 90, 125, 80];
const series = bars(closes.map((c) => [c, c + 1, c - 1, c] as const));

describe('buyAndHoldEquity', () => {
  it('is capital × close_t / close_0 minus the entry commission, by hand', () => {
    // 10,000 buys 100 units at 100; 0.1 % commission on 10,000 notional = 10, charged once.
    const equity = buyAndHoldEquity(series, { initialCapital: 10_000, commissionPct: 0.1 });
    expect(Array.from(equity)).toEqual([9_990, 10_990, 8_990, 12_490, 7_990]);
  });

  it('without commission ends at the buy-and-hold return of the whole range', () => {
    const equity = buyAndHoldEquity(series, { initialCapital: 2_500, commissionPct: 0 });
    expect(equity[0]).toBe(2_500);
    expect(equity[4]).toBeCloseTo(2_500 * (80 / 100), 10);
  });

  it('equals the broker’s equity for an all-in long entered on the first close (fill on close)', () => {
    // An independent path: the backtester's own mark-to-close of a 100 %-of-equity, 1× long.
    const capital = 10_000;
    const options = opts({
      initialCapital: capital,
      commissionPct: 0.04,
      sizing: 'percent',
      sizeValue: 100,
      fillOnClose: true,
    });
    const broker = runBacktest(series, sig(closes.length, { le: [0] }), options);
    const held = buyAndHoldEquity(series, { initialCapital: capital, commissionPct: 0.04 });
    for (let i = 0; i < closes.length; i++) expect(held[i]).toBeCloseTo(broker.equity[i]!, 8);
  });

  it('starts at the first usable close and keeps the last mark through na closes', () => {
    const gappy = bars([
      [NaN, NaN, NaN, NaN],
      [50, 51, 49, 50],
      [NaN, NaN, NaN, NaN],
      [60, 61, 59, 60],
    ]);
    const equity = buyAndHoldEquity(gappy, { initialCapital: 1_000, commissionPct: 0 });
    expect(Number.isNaN(equity[0])).toBe(true);
    expect(Array.from(equity.subarray(1))).toEqual([1_000, 1_000, 1_200]);
  });

  it('is all NaN when no close is usable', () => {
    const empty = bars([[NaN, NaN, NaN, NaN]]);
    expect(Number.isNaN(buyAndHoldEquity(empty, { initialCapital: 1, commissionPct: 0 })[0])).toBe(true);
  });
});
