import type { CandleSeries } from '../../src/candles/series.ts';
import {
  resolveBacktestOptions,
  type BacktestOptions,
  type StrategySignals,
} from '../../src/backtest/index.ts';

export const HOUR = 3_600_000;
export const T0 = Date.UTC(2024, 0, 1);

/** A series from rows of [open, high, low, close], one bar per `stepMs` from `t0`. */
export function bars(
  rows: readonly (readonly [number, number, number, number])[],
  stepMs = HOUR,
  t0 = T0,
): CandleSeries {
  const n = rows.length;
  const s = {
    length: n,
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n).fill(1),
    source: 'test',
    timeframeMs: stepMs,
  };
  rows.forEach(([o, h, l, c], i) => {
    s.time[i] = t0 + i * stepMs;
    s.open[i] = o;
    s.high[i] = h;
    s.low[i] = l;
    s.close[i] = c;
  });
  return s;
}

/** Signals with 1 at the listed bar indexes. */
export function sig(
  n: number,
  on: { le?: number[]; lx?: number[]; se?: number[]; sx?: number[] },
): StrategySignals {
  const make = (idx: number[] = []) => {
    const a = new Uint8Array(n);
    for (const i of idx) a[i] = 1;
    return a;
  };
  return { longEntry: make(on.le), longExit: make(on.lx), shortEntry: make(on.se), shortExit: make(on.sx) };
}

/** Options for hand-checked tests: no commission and a fixed quantity of 1 unless overridden. */
export function opts(partial: Partial<BacktestOptions> = {}): BacktestOptions {
  return resolveBacktestOptions({ commissionPct: 0, sizing: 'qty', sizeValue: 1, ...partial });
}
