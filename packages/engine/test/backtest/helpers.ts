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

/**
 * The largest drawdown and run-up of an equity curve that starts at `capital`, computed bar by
 * bar the plain way: the reference the broker's maxima must equal exactly.
 */
export function equityExtremesBarByBar(equity: ArrayLike<number>, capital: number) {
  let peak = capital;
  let trough = capital;
  const worst = { maxDd: 0, maxDdPct: 0, maxRunUp: 0, maxRunUpPct: 0 };
  for (let i = 0; i < equity.length; i++) {
    const eq = equity[i]!;
    peak = Math.max(peak, eq);
    trough = Math.min(trough, eq);
    worst.maxDd = Math.max(worst.maxDd, peak - eq);
    worst.maxDdPct = Math.max(worst.maxDdPct, peak > 0 ? ((peak - eq) / peak) * 100 : 0);
    worst.maxRunUp = Math.max(worst.maxRunUp, eq - trough);
    worst.maxRunUpPct = Math.max(worst.maxRunUpPct, trough > 0 ? ((eq - trough) / trough) * 100 : 0);
  }
  return worst;
}
