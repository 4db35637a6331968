/**
 * The interpreter's bar magnifier (`strategy(use_bar_magnifier = true)` and lower-timeframe candles),
 * hand-computed: a bar whose stop and take-profit both lie inside it is decided by its
 * lower-timeframe bars, each walked with the assumed-path rule, in order. Trade-for-trade agreement
 * with the backtester on real data is in parity.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { checkPine, formatIssues } from '../src/checker/check.ts';
import { runPine, type PineCandles } from '../src/interpreter/run.ts';

type Bar = [open: number, high: number, low: number, close: number];

const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;
const QUARTER = HOUR / 4;

function candles(bars: Bar[], spacing: number, start = T0): PineCandles {
  return {
    length: bars.length,
    time: bars.map((_, i) => start + i * spacing),
    open: bars.map((b) => b[0]),
    high: bars.map((b) => b[1]),
    low: bars.map((b) => b[2]),
    close: bars.map((b) => b[3]),
    volume: bars.map(() => 1),
    timeframeMs: spacing,
  };
}

// Fixed qty 1, no commission, 1 tick (0.01) slippage; a long decided on bar 0 fills at the open of
// bar 1 at 100 + 0.01, with the stop 500 ticks below (95.01) and the take-profit 500 above (105.01).
const script = (magnifier: boolean) => `//@version=6
strategy("t", initial_capital = 1000, default_qty_type = strategy.fixed, default_qty_value = 1, commission_type = strategy.commission.percent, commission_value = 0, slippage = 1, pyramiding = 0, use_bar_magnifier = ${magnifier})
if bar_index == 0
    strategy.entry("Long", strategy.long)
    strategy.exit("Long SL/TP", from_entry = "Long", loss = 500, profit = 500)
`;

function run(bars: Bar[], lower?: PineCandles, magnifier = true) {
  const source = script(magnifier);
  expect(formatIssues(checkPine(source).errors)).toBe('');
  return runPine(source, candles(bars, HOUR), {
    mintick: 0.01,
    ...(lower === undefined ? {} : { lowerTimeframe: lower }),
  });
}

const exit = (r: ReturnType<typeof run>) => {
  expect(r.trades).toHaveLength(1);
  const { exitBar, exitPrice, exitReason, exitTime } = r.trades[0]!;
  return { exitBar, exitPrice: Math.round(exitPrice * 100) / 100, exitReason, exitTime };
};

// Bar 1 reaches both levels. Its open 100 is as far from the high 106 as from the low 94: the
// assumed path takes the low first (a tie), so without the magnifier the stop fills.
const BOTH_INSIDE: Bar[] = [
  [100, 100, 100, 100],
  [100, 106, 94, 100],
  [100, 100.5, 99.5, 100],
];
// Its four 15-minute bars (from bar 1's open time) reach 106 in the first quarter, 94 only in the third.
const UP_FIRST = candles(
  [
    [100, 106, 99, 105.5], // open nearer the low → 99, then 106 ≥ 105.01: the take-profit
    [105.5, 105.5, 96, 97],
    [97, 97, 94, 95],
    [95, 100, 95, 100],
    [100, 100.5, 99.5, 100], // bar 2
  ],
  QUARTER,
  T0 + HOUR,
);

describe('bar magnifier in the Pine interpreter (hand-computed)', () => {
  it('without lower-timeframe candles the bar keeps its assumed path: the stop (a tie takes the low first)', () => {
    // 95.01 − 1 tick of slippage.
    expect(exit(run(BOTH_INSIDE))).toMatchObject({ exitBar: 1, exitPrice: 95, exitReason: 'stop_loss' });
  });

  it('with them, the lower-timeframe path decides: the take-profit, reached in the first 15 minutes', () => {
    const r = run(BOTH_INSIDE, UP_FIRST);
    // The limit fills at its level (no slippage on limits), dated by the 1-hour bar.
    expect(exit(r)).toEqual({
      exitBar: 1,
      exitPrice: 105.01,
      exitReason: 'take_profit',
      exitTime: T0 + HOUR,
    });
    expect(r.settings.useBarMagnifier).toBe(true);
  });

  it('the other way round: a bar the assumed path closes at the take-profit is stopped first by its lower bars', () => {
    // Entry at the open 103 + 0.01: stop 98.01, take-profit 108.01. The open is nearer the high
    // 109 than the low 94: the assumed path takes the high first, the take-profit.
    const bars: Bar[] = [BOTH_INSIDE[0]!, [103, 109, 94, 100], BOTH_INSIDE[2]!];
    expect(exit(run(bars))).toMatchObject({ exitPrice: 108.01, exitReason: 'take_profit' });
    const lower = candles(
      [
        [100, 100.5, 99.5, 100],
        [103, 103.5, 94.5, 95], // bar 1, 00:00: up to 103.5, then down through the stop 98.01
        [95, 109, 94, 100],
        [100, 100.5, 99.5, 100],
      ],
      QUARTER,
      T0 + HOUR - QUARTER,
    );
    expect(exit(run(bars, lower))).toMatchObject({ exitBar: 1, exitPrice: 98, exitReason: 'stop_loss' });
  });

  it('a gap between two lower-timeframe bars fills at the later one’s open', () => {
    // Assumed path of the hour: open 100 nearer the high 101 → 101, then 93.5: the stop at 95.01 − 0.01.
    const bars: Bar[] = [BOTH_INSIDE[0]!, [100, 101, 93.5, 95.5], [95.5, 96, 95, 95.5]];
    expect(exit(run(bars))).toMatchObject({ exitPrice: 95, exitReason: 'stop_loss' });
    const lower = candles(
      [
        [100, 101, 99, 100.5], // bar 1, 00:00
        [94, 96, 93.5, 95.5], // 00:15 opens below the stop: fills at 94 − 0.01
      ],
      QUARTER,
      T0 + HOUR,
    );
    expect(exit(run(bars, lower))).toMatchObject({ exitBar: 1, exitPrice: 93.99, exitReason: 'stop_loss' });
  });

  it('a bar without lower-timeframe bars keeps its own path', () => {
    // Lower bars for bar 0 only (and one for bar 2): bar 1 is walked as one bar, the stop.
    const lower = candles([[100, 100.5, 99.5, 100]], QUARTER, T0);
    expect(exit(run(BOTH_INSIDE, lower))).toMatchObject({
      exitBar: 1,
      exitPrice: 95,
      exitReason: 'stop_loss',
    });
  });

  it('a script without use_bar_magnifier ignores the lower-timeframe candles', () => {
    const r = run(BOTH_INSIDE, UP_FIRST, false);
    expect(exit(r)).toMatchObject({ exitPrice: 95, exitReason: 'stop_loss' });
    expect(r.settings.useBarMagnifier).toBe(false);
  });

  it('refuses lower-timeframe candles that are not of a shorter timeframe, as the backtester does', () => {
    expect(() => run(BOTH_INSIDE, candles(BOTH_INSIDE, HOUR))).toThrow(/shorter timeframe/);
  });

  it('fills qty_percent brackets one lower bar after another; the break-even move waits for the bar close', () => {
    // Fixed qty 4, no costs: entry 100 at bar 1's open; 50 % at TP1 102, the rest at 106; stop 97;
    // once TP1 filled, the script re-issues the rest's exit with the stop at the entry (at the close).
    const source = `//@version=6
strategy("t", initial_capital = 1000, default_qty_type = strategy.fixed, default_qty_value = 4, commission_type = strategy.commission.percent, commission_value = 0, slippage = 0, pyramiding = 0, use_bar_magnifier = true)
if bar_index == 0
    strategy.entry("Long", strategy.long)
    strategy.exit("Long TP1", from_entry = "Long", qty_percent = 50, loss = 300, profit = 200)
    strategy.exit("Long SL/TP", from_entry = "Long", loss = 300, profit = 600)
lastExitId = strategy.closedtrades > 0 ? strategy.closedtrades.exit_id(strategy.closedtrades - 1) : ""
if strategy.position_size > 0 and str.contains(lastExitId, " TP")
    strategy.exit("Long SL/TP", from_entry = "Long", stop = strategy.position_avg_price, profit = 600)
`;
    expect(formatIssues(checkPine(source).errors)).toBe('');
    // The hour: open 100 nearer the low 96 (4 < 4.5): the low first, the stop 97 fills both brackets.
    const bars: Bar[] = [BOTH_INSIDE[0]!, [100, 104.5, 96, 98], [98, 98.5, 97.5, 98]];
    const rows = (r: ReturnType<typeof runPine>) =>
      r.trades.map((t) => [t.exitBar, t.exitPrice, t.qty, t.exitReason]);
    expect(rows(runPine(source, candles(bars, HOUR), { mintick: 0.01 }))).toEqual([
      [1, 97, 2, 'stop_loss'],
      [1, 97, 2, 'stop_loss'],
    ]);
    const lower = candles(
      [
        [100, 102.5, 99.8, 102], // 00:00: 99.8, then 102.5: TP1 fills 2 at 102
        [102, 104.5, 96, 98], // 00:15: 104.5 (short of 106), then 96: the rest's stop, still 97
      ],
      QUARTER,
      T0 + HOUR,
    );
    expect(rows(runPine(source, candles(bars, HOUR), { mintick: 0.01, lowerTimeframe: lower }))).toEqual([
      [1, 102, 2, 'take_profit'],
      [1, 97, 2, 'stop_loss'],
    ]);
  });

  it('moves a trailing stop along the lower-timeframe path', () => {
    // No slippage: entry 100; the trailing stop activates at 102 and trails 1.00 behind the best price.
    const source = `//@version=6
strategy("t", initial_capital = 1000, default_qty_type = strategy.fixed, default_qty_value = 1, commission_type = strategy.commission.percent, commission_value = 0, slippage = 0, pyramiding = 0, use_bar_magnifier = true)
if bar_index == 0
    strategy.entry("Long", strategy.long)
    strategy.exit("Long SL/TP", from_entry = "Long", loss = 500, trail_points = 200, trail_offset = 100)
`;
    // Entry 100. The hour: open 100 nearer the low 99 (1 < 5) → 99, 105, close 104.5: the trailing
    // stop follows the high to 104, and the close 104.5 does not reach it.
    const bars: Bar[] = [BOTH_INSIDE[0]!, [100, 105, 99, 104.5], [104.5, 104.6, 104.4, 104.5]];
    const plain = runPine(source, candles(bars, HOUR), { mintick: 0.01 });
    expect(plain.trades).toHaveLength(0);
    // Its quarters: 99.8, then 105 first (the trail to 104); the next opens at its high and falls to
    // 99: the trailing stop fills at 104.
    const lower = candles(
      [
        [100, 105, 99.8, 104.8],
        [104.8, 104.8, 99, 104.5],
      ],
      QUARTER,
      T0 + HOUR,
    );
    const magnified = runPine(source, candles(bars, HOUR), { mintick: 0.01, lowerTimeframe: lower });
    expect(magnified.trades.map((t) => [t.exitBar, t.exitPrice, t.exitReason])).toEqual([
      [1, 104, 'trailing_stop'],
    ]);
  });
});
