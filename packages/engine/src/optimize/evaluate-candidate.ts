import type { CandleSeries } from '../candles/series.ts';
import { withStopAtr } from '../strategy/stop-atr.ts';
import {
  runBacktest,
  usesAtrStops,
  type BacktestInputs,
  type BacktestMetrics,
  type BacktestOptions,
} from '../backtest/index.ts';
import { atr } from '../indicators/index.ts';
import { withScratch } from '../indicators/scratch.ts';
import type { IndicatorCache } from '../strategy/indicator-cache.ts';
import type { ParamValues, StrategyDeclaration } from '../strategy/declaration.ts';
import { evaluateStrategy } from '../strategy/evaluate.ts';
import { score, type Objective } from './objective.ts';

/** A half-open bar range [from, to) of the data. */
export type BarRange = { from: number; to: number };

/** The figures an optimization reports for one parameter set on one range. */
export type MetricsSummary = {
  score: number;
  netProfit: number;
  netProfitPct: number;
  maxDrawdownPct: number | null;
  sharpe: number | null;
  sortino: number | null;
  calmar: number | null;
  profitFactor: number | null;
  winRate: number | null;
  expectancy: number | null;
  totalTrades: number;
};

export type CandidateTask = {
  params: ParamValues;
  ranges: BarRange[];
};

export type EvaluationContext = {
  declaration: StrategyDeclaration;
  candles: CandleSeries;
  options: BacktestOptions;
  objective: Objective;
  minTrades: number;
  /** Indicator series shared across parameter sets (one per worker); absent = each set computes its own. */
  cache?: IndicatorCache;
  /** Funding and bar-magnifier candles (keyed by time, so every range finds its own); absent = off. */
  inputs?: BacktestInputs;
};

export function sliceCandles(candles: CandleSeries, range: BarRange): CandleSeries {
  const { from, to } = range;
  return {
    length: to - from,
    time: candles.time.subarray(from, to),
    open: candles.open.subarray(from, to),
    high: candles.high.subarray(from, to),
    low: candles.low.subarray(from, to),
    close: candles.close.subarray(from, to),
    volume: candles.volume.subarray(from, to),
    source: candles.source,
    ...(candles.timeframeMs === undefined ? {} : { timeframeMs: candles.timeframeMs }),
  };
}

export function summarize(metrics: BacktestMetrics, objective: Objective, minTrades: number): MetricsSummary {
  return {
    score: score(objective, metrics, minTrades),
    netProfit: metrics.netProfit,
    netProfitPct: metrics.netProfitPct,
    maxDrawdownPct: metrics.maxDrawdownPct,
    sharpe: metrics.sharpe,
    sortino: metrics.sortino,
    calmar: metrics.calmar,
    profitFactor: metrics.profitFactor,
    winRate: metrics.winRate,
    expectancy: metrics.expectancy,
    totalTrades: metrics.totalTrades,
  };
}

/**
 * Backtests one parameter set on several ranges. Signals and the ATR are computed once over the
 * whole series (indicators are causal, so each range sees warmed-up values from its own past) and
 * each range is then backtested on a view of the arrays, starting flat.
 */
export function evaluateCandidate(context: EvaluationContext, task: CandidateTask): MetricsSummary[] {
  const { declaration, candles, options, objective, minTrades, cache, inputs } = context;
  const { packedSignals } = evaluateStrategy(declaration, candles, task.params, cache);
  // Only the metrics are kept: the equity curves of all ranges go to one lent work array.
  const run = (atrValues: Float64Array | undefined) =>
    withScratch(candles.length, (equity) =>
      task.ranges.map((range) => {
        const result = runBacktest(
          sliceCandles(candles, range),
          packedSignals.subarray(range.from, range.to),
          options,
          atrValues?.subarray(range.from, range.to),
          equity.subarray(0, range.to - range.from),
          inputs,
        );
        return summarize(result.metrics, objective, minTrades);
      }),
    );
  if (cache !== undefined && usesAtrStops(options)) {
    // The stop ATR depends on the candles and the period only: once per worker, like any indicator.
    const { value } = cache.get(candles, `stop-atr:${options.atrPeriod}`, () => ({
      value: atr(candles.high, candles.low, candles.close, options.atrPeriod),
    }));
    return run(value);
  }
  return withStopAtr(candles, options, run);
}
