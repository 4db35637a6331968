import { describe, expect, it } from 'vitest';
import { checkPine, formatIssues } from '../src/checker/check.ts';
import { runPine, type PineCandles } from '../src/interpreter/run.ts';
import { readCandles, realCandlesFile } from './support/data.ts';

type Bar = [open: number, high: number, low: number, close: number];

function candles(bars: Bar[]): PineCandles {
  return {
    length: bars.length,
    time: bars.map((_, i) => 1_700_000_000_000 + i * 3_600_000),
    open: bars.map((b) => b[0]),
    high: bars.map((b) => b[1]),
    low: bars.map((b) => b[2]),
    close: bars.map((b) => b[3]),
    volume: bars.map(() => 1),
  };
}

const flat = (n: number, price = 100): Bar[] =>
  Array.from({ length: n }, () => [price, price + 1, price - 1, price]);

function strategyHeader(extra = ''): string {
  return `//@version=6
strategy("t", initial_capital = 1000, default_qty_type = strategy.percent_of_equity, default_qty_value = 10, commission_type = strategy.commission.percent, commission_value = 0.1, slippage = 1, pyramiding = 0${extra})
`;
}

function run(source: string, bars: Bar[]) {
  const check = checkPine(source);
  expect(formatIssues(check.errors)).toBe('');
  return runPine(source, candles(bars), { mintick: 0.01 });
}

/** A series from a script that assigns `out` on every bar. */
function series(body: string, values: number[], name = 'out') {
  const bars: Bar[] = values.map((v) => [v, v, v, v]);
  const result = runPine(`${strategyHeader()}${body}\n`, candles(bars));
  return result.series(name).map((v) => (typeof v === 'number' && Number.isNaN(v) ? null : v));
}

describe('ta.* built-ins (hand-computed)', () => {
  it('sma, ema and rma seed with the SMA of the first n values', () => {
    expect(series('out = ta.sma(close, 3)', [1, 2, 3, 4, 5])).toEqual([null, null, 2, 3, 4]);
    expect(series('out = ta.ema(close, 3)', [1, 2, 3, 4, 5])).toEqual([null, null, 2, 3, 4]);
    expect(series('out = ta.rma(close, 2)', [2, 4, 6])).toEqual([null, 3, 4.5]);
  });

  it('rsi: rma of gains over rma of losses, first value on bar n', () => {
    const out = series('out = ta.rsi(close, 2)', [1, 2, 1, 3]);
    expect(out.slice(0, 3)).toEqual([null, null, 50]);
    expect(out[3]).toBeCloseTo(100 - 100 / 6, 12);
    expect(series('out = ta.rsi(close, 2)', [1, 2, 3, 4])).toEqual([null, null, 100, 100]);
  });

  it('stdev is the population deviation; highest / lowest need n bars', () => {
    expect(series('out = ta.stdev(close, 4)', [1, 2, 3, 4])[3]).toBeCloseTo(Math.sqrt(1.25), 14);
    expect(series('out = ta.highest(close, 2)', [1, 3, 2])).toEqual([null, 3, 3]);
    expect(series('out = ta.lowest(close, 2)', [1, 3, 2])).toEqual([null, 1, 2]);
  });

  it('crossover / crossunder compare with the previous bar, false when either side was na', () => {
    expect(series('out = ta.crossover(close, 2)', [1, 3, 3, 1, 2, 4])).toEqual([
      false,
      true,
      false,
      false,
      false,
      true,
    ]);
    expect(series('out = ta.crossunder(close, 2)', [3, 1, 1, 3, 2, 1])).toEqual([
      false,
      true,
      false,
      false,
      false,
      true,
    ]);
  });

  it('na arithmetic is na, comparisons with na are false, division by zero is na', () => {
    expect(series('x = ta.sma(close, 2)\nout = x + 1 > 0', [1, 2])).toEqual([false, true]);
    expect(series('out = close / (close - close)', [1])).toEqual([null]);
    expect(series('out = nz(close[1], -1)', [5, 6])).toEqual([-1, 5]);
  });

  it('var keeps its value across bars; history of reassigned variables is the final value', () => {
    expect(series('var float total = 0\ntotal := total + close\nout = total', [1, 2, 3])).toEqual([1, 3, 6]);
    expect(series('x = close\nx := x * 2\nout = x[1]', [1, 2, 3])).toEqual([null, 2, 4]);
  });
});

// Without ../shared/data: the last 2,000 bars of the vendored BTCUSDT sample.
const real = realCandlesFile('ETHUSDT-1h.csv').path;

describe("ta.* built-ins against the manual's pseudo-code written in Pine (ETHUSDT-1h)", () => {
  const data = readCandles(real, 2000);
  const compare = (body: string, a: string, b: string) => {
    const source = `${strategyHeader()}${body}\n`;
    const check = checkPine(source);
    expect(formatIssues(check.errors)).toBe('');
    const result = runPine(source, data);
    const x = result.series(a) as number[];
    const y = result.series(b) as number[];
    let compared = 0;
    x.forEach((v, i) => {
      const w = y[i]!;
      expect(Number.isNaN(v), `bar ${i}: ${v} vs ${w}`).toBe(Number.isNaN(w));
      if (!Number.isNaN(v)) {
        expect(Math.abs(v - w)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(v)));
        compared++;
      }
    });
    expect(compared).toBeGreaterThan(1500);
  };

  it('ta.supertrend equals the reference implementation', () => {
    compare(
      `[st, dir] = ta.supertrend(3.0, 10)
stAtr = ta.atr(10)
upperBand = hl2 + 3.0 * stAtr
lowerBand = hl2 - 3.0 * stAtr
prevLowerBand = nz(lowerBand[1])
prevUpperBand = nz(upperBand[1])
lowerBand := lowerBand > prevLowerBand or close[1] < prevLowerBand ? lowerBand : prevLowerBand
upperBand := upperBand < prevUpperBand or close[1] > prevUpperBand ? upperBand : prevUpperBand
int direction = na
float superTrend = na
prevSuperTrend = superTrend[1]
if na(stAtr[1])
    direction := 1
else if prevSuperTrend == prevUpperBand
    direction := close > upperBand ? -1 : 1
else
    direction := close < lowerBand ? 1 : -1
superTrend := direction == -1 ? lowerBand : upperBand`,
      'st',
      'superTrend',
    );
    compare('[st, dir] = ta.supertrend(2.5, 7)\n[st2, dir2] = ta.supertrend(2.5, 7)', 'dir', 'dir2');
  });

  it('ta.rsi, ta.atr, ta.macd, ta.bb and ta.stoch equal their definitions', () => {
    compare(
      `r = ta.rsi(close, 14)
u = math.max(close - close[1], 0)
d = math.max(close[1] - close, 0)
ru = ta.rma(u, 14)
rd = ta.rma(d, 14)
ref = rd == 0 ? 100 : ru == 0 ? 0 : 100 - 100 / (1 + ru / rd)`,
      'r',
      'ref',
    );
    compare('a = ta.atr(14)\nref = ta.rma(ta.tr(true), 14)', 'a', 'ref');
    compare(
      '[m, s, h] = ta.macd(close, 12, 26, 9)\nline = ta.ema(close, 12) - ta.ema(close, 26)\nref = ta.ema(line, 9)',
      's',
      'ref',
    );
    compare(
      '[b, u, l] = ta.bb(close, 20, 2.0)\nref = ta.sma(close, 20) - 2.0 * ta.stdev(close, 20)',
      'l',
      'ref',
    );
    compare(
      'k = ta.stoch(close, high, low, 14)\nref = 100 * (close - ta.lowest(low, 14)) / (ta.highest(high, 14) - ta.lowest(low, 14))',
      'k',
      'ref',
    );
  });
});

describe('Strategy Tester emulation (hand-computed fills)', () => {
  const enterLongAt1 = (exit = 'loss = 500, profit = 1000') => `${strategyHeader()}if bar_index == 1
    strategy.entry("Long", strategy.long, alert_message = "enter")
    strategy.exit("X", from_entry = "Long", ${exit}, alert_message = "exit")
`;

  it('fills a market order at the next open with slippage, TP on the path (open nearer the low: low first)', () => {
    const r = run(enterLongAt1(), [...flat(2), [100, 112, 99, 105], ...flat(2, 105)]);
    expect(r.trades).toHaveLength(1);
    const t = r.trades[0]!;
    // qty = 1000 × 10 % / close 100 = 1; entry 100 + 1 tick; limit = 100.01 + 1000 ticks.
    expect(t).toMatchObject({
      side: 'long',
      entryBar: 2,
      entryPrice: 100.01,
      exitBar: 2,
      exitPrice: 110.01,
      qty: 1,
      exitReason: 'take_profit',
    });
    expect(t.fees).toBeCloseTo(0.001 * (100.01 + 110.01), 12);
    expect(t.pnl).toBeCloseTo(10 - 0.001 * (100.01 + 110.01), 12);
    expect(r.alerts).toEqual(['enter', 'exit']);
  });

  it('a gap through the stop fills at the open minus slippage', () => {
    const r = run(enterLongAt1(), [...flat(3), [90, 91, 89, 90], ...flat(1, 90)]);
    expect(r.trades[0]).toMatchObject({ exitBar: 3, exitPrice: 89.99, exitReason: 'stop_loss' });
  });

  it('a gap through the take-profit fills at the open', () => {
    const r = run(enterLongAt1(), [...flat(3), [115, 116, 114, 115], ...flat(1, 115)]);
    expect(r.trades[0]).toMatchObject({ exitBar: 3, exitPrice: 115, exitReason: 'take_profit' });
  });

  it('stop and limit in one bar: the path decides (open nearer the high: high first; a tie: low first)', () => {
    const highFirst = run(enterLongAt1(), [...flat(3), [105, 111, 94, 100], ...flat(1)]);
    expect(highFirst.trades[0]).toMatchObject({ exitReason: 'take_profit', exitPrice: 110.01 });
    const tie = run(enterLongAt1(), [...flat(3), [100, 111, 89, 100], ...flat(1)]);
    expect(tie.trades[0]).toMatchObject({ exitReason: 'stop_loss', exitPrice: 95.01 - 0.01 });
  });

  it('an entry against the position reverses it in one order; pyramiding 0 ignores a second entry', () => {
    const source = `${strategyHeader()}if bar_index == 1 or bar_index == 2
    strategy.entry("Long", strategy.long, alert_message = "long")
if bar_index == 3
    strategy.entry("Short", strategy.short, alert_message = "short")
`;
    const r = run(source, [...flat(4), [102, 103, 101, 102], ...flat(1, 102)]);
    expect(r.trades).toHaveLength(1);
    expect(r.trades[0]).toMatchObject({
      side: 'long',
      entryBar: 2,
      exitBar: 4,
      exitPrice: 101.99,
      exitReason: 'reverse',
    });
    expect(r.openTrade).toMatchObject({
      side: 'short',
      entryBar: 4,
      entryPrice: 101.99,
      exitReason: 'end_of_data',
    });
    expect(r.fills.map((f) => [f.kind, f.action, f.alertMessage])).toEqual([
      ['entry', 'buy', 'long'],
      ['entry', 'sell', 'short'],
    ]);
    // The reversal order carries the old position plus the new one.
    expect(r.fills[1]!.qty).toBeCloseTo(1 + r.openTrade!.qty, 12);
  });

  it('strategy.close fills at the next open with reason signal; process_orders_on_close fills at the close', () => {
    const source = (extra: string) => `${strategyHeader(extra)}if bar_index == 1
    strategy.entry("Long", strategy.long)
if bar_index == 3
    strategy.close("Long", alert_message = "close")
`;
    const bars: Bar[] = [...flat(3), [100, 101, 99, 100.5], [101, 102, 100, 101], ...flat(1)];
    const nextOpen = run(source(''), bars);
    expect(nextOpen.trades[0]).toMatchObject({
      entryBar: 2,
      entryPrice: 100.01,
      exitBar: 4,
      exitPrice: 100.99,
      exitReason: 'signal',
    });
    const onClose = run(source(', process_orders_on_close = true'), bars);
    expect(onClose.trades[0]).toMatchObject({
      entryBar: 1,
      entryPrice: 100.01,
      exitBar: 3,
      exitPrice: 100.49,
    });
  });

  it('an order decided on the last bar is not filled', () => {
    const source = `${strategyHeader()}if bar_index == 2
    strategy.entry("Long", strategy.long)
`;
    const r = run(source, flat(3));
    expect(r.trades).toEqual([]);
    expect(r.openTrade).toBeNull();
    expect(r.fills).toEqual([]);
  });

  it('sizes from equity at the decision close, including the open profit', () => {
    const source = `${strategyHeader()}if bar_index == 1
    strategy.entry("Long", strategy.long)
if bar_index == 3
    strategy.entry("Short", strategy.short)
`;
    const r = run(source, [...flat(3), [110, 111, 109, 120], [120, 121, 119, 120]]);
    // Equity at bar 3's close: 1000 + (120 − 100.01) × 1 − 0.10001 entry commission.
    const equity = 1000 + (120 - 100.01) - 0.001 * 100.01;
    expect(r.openTrade!.qty).toBeCloseTo((equity * 0.1) / 120, 12);
  });

  it('runtime.error stops the script with the message', () => {
    expect(() =>
      runPine(`${strategyHeader()}if close > 0\n    runtime.error("boom")\n`, candles(flat(2))),
    ).toThrow(/boom/);
  });
});

describe('strategy.exit brackets with qty_percent (hand-computed)', () => {
  // Fixed qty 4, no costs: a long from the open of bar 1 at 100, brackets of 50 % (TP 102) and the
  // rest (TP 106), each with the stop 97 (ticks of 0.01 from the entry).
  const header = `//@version=6
strategy("t", initial_capital = 1000, default_qty_type = strategy.fixed, default_qty_value = 4, commission_type = strategy.commission.percent, commission_value = 0, slippage = 0, pyramiding = 0)
`;
  const body = (breakEven: boolean) => `if bar_index == 0
    strategy.entry("Long", strategy.long)
    strategy.exit("Long TP1", from_entry = "Long", qty_percent = 50, loss = 300, profit = 200)
    strategy.exit("Long SL/TP", from_entry = "Long", loss = 300, profit = 600)
lastExitId = strategy.closedtrades > 0 ? strategy.closedtrades.exit_id(strategy.closedtrades - 1) : ""
if ${breakEven} and strategy.position_size > 0 and str.contains(lastExitId, " TP")
    strategy.exit("Long SL/TP", from_entry = "Long", stop = strategy.position_avg_price, profit = 600)
`;
  const rows = (trades: { exitBar: number; exitPrice: number; qty: number; exitReason: string }[]) =>
    trades.map((t) => [t.exitBar, t.exitPrice, t.qty, t.exitReason]);

  it('fills each bracket for its share; a stop fills every open bracket', () => {
    const stopped = run(`${header}${body(false)}`, [
      [100, 100, 100, 100],
      [100, 100.5, 96, 97], // high first, then through the stop 97: both brackets
    ]);
    expect(rows(stopped.trades)).toEqual([
      [1, 97, 2, 'stop_loss'],
      [1, 97, 2, 'stop_loss'],
    ]);
    const scaled = run(`${header}${body(false)}`, [
      [100, 100, 100, 100],
      [100, 103, 99.5, 102], // low first, then up to TP1 102: half
      [102, 106.5, 101.5, 106], // the rest at 106
    ]);
    expect(rows(scaled.trades)).toEqual([
      [1, 102, 2, 'take_profit'],
      [2, 106, 2, 'take_profit'],
    ]);
  });

  it('moves the rest to a stop at the entry price when the exit is issued again', () => {
    const bars: Bar[] = [
      [100, 100, 100, 100],
      [100, 103, 99.5, 102],
      [101.5, 101.8, 99, 100], // 99 passes the break-even stop 100, not the first stop 97
    ];
    expect(rows(run(`${header}${body(true)}`, bars).trades)).toEqual([
      [1, 102, 2, 'take_profit'],
      [2, 100, 2, 'stop_loss'],
    ]);
    expect(rows(run(`${header}${body(false)}`, bars).trades)).toEqual([[1, 102, 2, 'take_profit']]);
  });
});
