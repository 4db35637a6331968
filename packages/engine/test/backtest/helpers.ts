import { seriesFromRows, type CandleSeries } from '../../src/candles/series.ts';
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
  return seriesFromRows(
    rows.map(([open, high, low, close], i) => ({ time: t0 + i * stepMs, open, high, low, close, volume: 1 })),
    'test',
    stepMs,
  );
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
