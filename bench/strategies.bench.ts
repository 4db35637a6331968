/**
 * Full backtests of every strategy over one year of 1-minute candles (525,600 bars), and a
 * 1,000-combination optimization over one year of 1-hour candles on all cores.
 * Goals: each backtest ≤ 50 ms on one core (≥ 10 M bars/s); the optimization ≤ 2 s on 2 cores.
 */
import { availableParallelism } from 'node:os';
import {
  atr,
  backtestStrategy,
  defaultParams,
  getStrategy,
  optimize,
  runBacktest,
  SeriesEvaluator,
  resolveBacktestOptions,
  STRATEGY_IDS,
  type CandleSeries,
} from '@tradingbot/engine';
import { compileSignals } from '../packages/engine/src/strategy/compile-signals.ts';

export type StrategyBench = {
  strategy: string;
  bars: number;
  medianMs: number;
  /** The first run of the strategy in this process (cold: nothing warmed up for it yet). */
  firstMs: number;
  /** Fastest run: the computation when the shared machine is quiet. */
  minMs: number;
  barsPerSecond: number;
  trades: number;
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Median wall time of a full backtest (indicators + signals + broker + metrics) per strategy, over
 * 11 runs after 5 that warm up: the JIT settles within 4 runs, the process's memory (the heap's
 * limits, the allocator, the lent work arrays) within about 8, and until then a run takes up to
 * three times as long. The first run is reported too: what a one-off backtest in a fresh process
 * costs. Medians move by ±20 % between runs of the bench on our shared 2-core machines; the
 * minimum is printed beside them.
 */
export function benchStrategies(candles: CandleSeries, runs = 11, warmUp = 5): StrategyBench[] {
  const options = resolveBacktestOptions({
    stopLoss: { type: 'atr', multiplier: 2 },
    takeProfit: { type: 'atr', multiplier: 3 },
  });
  return STRATEGY_IDS.map((strategy) => {
    let trades = 0;
    const times: number[] = [];
    let firstMs = 0;
    for (let run = 0; run < runs + warmUp; run++) {
      const started = performance.now();
      const result = backtestStrategy(strategy, candles, {}, options).result;
      const elapsed = performance.now() - started;
      if (run === 0) firstMs = elapsed;
      if (run >= warmUp) times.push(elapsed);
      trades = result.metrics.totalTrades;
    }
    const medianMs = median(times);
    return {
      strategy,
      bars: candles.length,
      medianMs,
      minMs: Math.min(...times),
      firstMs,
      barsPerSecond: candles.length / (medianMs / 1000),
      trades,
    };
  });
}

export type OptimizeBench = {
  strategy: string;
  combinations: number;
  bars: number;
  workers: number;
  seconds: number;
};

/** A 1,000-combination random search of one strategy on all cores. */
export async function benchOptimize(candles: CandleSeries, strategy = 'supertrend'): Promise<OptimizeBench> {
  const workers = availableParallelism();
  const started = performance.now();
  const result = await optimize({
    strategy,
    candles,
    backtest: resolveBacktestOptions({}),
    method: 'random',
    trials: 1000,
    seed: 1,
    objective: 'sharpe',
    workers,
  });
  return {
    strategy,
    combinations: result.candidates,
    bars: candles.length,
    workers,
    seconds: (performance.now() - started) / 1000,
  };
}

export type GridBench = {
  strategy: string;
  combinations: number;
  bars: number;
  workers: number;
  cachedSeconds: number;
  uncachedSeconds: number;
  /** The best set and its score agree between the two paths (they must: the cache changes no result). */
  sameBest: boolean;
};

/** Two 10,000-set grids: cheap indicators (two EMAs) and costly ones (MACD + stochastic). */
export const GRIDS = {
  // 50 fast × 200 slow lengths: 250 distinct EMAs.
  ema_cross: { fastLength: { min: 2, max: 51 }, slowLength: { min: 60, max: 259 } },
  // 4 × 5 × 5 MACD and 5 × 5 × 4 stochastic settings: 100 distinct of each.
  macd_stoch: {
    fast: { min: 8, max: 11 },
    slow: { min: 24, max: 28 },
    signal: { min: 7, max: 11 },
    stochLength: { min: 12, max: 16 },
    stochSmoothK: { min: 1, max: 5 },
    stochSmoothD: { min: 2, max: 5 },
    oversold: 20,
    overbought: 80,
  },
} as const;

/**
 * A 10,000-set grid on 2 workers, with the indicator cache and without it, back to back in this
 * process: the speed-up is the ratio of the two.
 */
export async function benchOptimizeGrid(
  candles: CandleSeries,
  strategy: keyof typeof GRIDS,
  workers = 2,
): Promise<GridBench> {
  const request = {
    strategy,
    candles,
    backtest: resolveBacktestOptions({}),
    method: 'grid' as const,
    space: GRIDS[strategy],
    trials: 100_000,
    objective: 'sharpe' as const,
    workers,
  };
  const timed = async (indicatorCache: boolean) => {
    const started = performance.now();
    const result = await optimize({ ...request, indicatorCache });
    return { result, seconds: (performance.now() - started) / 1000 };
  };
  const cached = await timed(true);
  const uncached = await timed(false);
  const best = (r: typeof cached) => JSON.stringify(r.result.ranking[0]);
  return {
    strategy: request.strategy,
    combinations: cached.result.candidates,
    bars: candles.length,
    workers,
    cachedSeconds: cached.seconds,
    uncachedSeconds: uncached.seconds,
    sameBest: best(cached) === best(uncached),
  };
}

export type BreakdownBench = {
  strategy: string;
  totalMs: number;
  indicatorsMs: number;
  kernelMs: number;
  stopAtrMs: number;
  brokerMs: number;
};

/**
 * Where the time of a full backtest goes, per strategy (medians of `runs` after `warmUp`): the
 * indicator series the rules read, the compiled signal loop, the stop ATR, and the broker emulator
 * with its metrics. The parts are timed separately, so they add up to about the total.
 */
export function benchBreakdown(candles: CandleSeries, runs = 9, warmUp = 4): BreakdownBench[] {
  const options = resolveBacktestOptions({
    stopLoss: { type: 'atr', multiplier: 2 },
    takeProfit: { type: 'atr', multiplier: 3 },
  });
  return STRATEGY_IDS.map((strategy) => {
    const declaration = getStrategy(strategy);
    const params = defaultParams(declaration);
    const { leaves, scalarInputs, kernel } = compileSignals(declaration.signals);
    const parts = {
      total: [] as number[],
      indicators: [] as number[],
      kernel: [] as number[],
      atr: [] as number[],
      broker: [] as number[],
    };
    for (let run = 0; run < runs + warmUp; run++) {
      const keep = run >= warmUp;
      let t = performance.now();
      backtestStrategy(strategy, candles, params, options);
      if (keep) parts.total.push(performance.now() - t);

      t = performance.now();
      const evaluator = new SeriesEvaluator(candles, params);
      const series = leaves.map((leaf) => evaluator.number(leaf));
      const scalars = scalarInputs.map((s) => evaluator.scalar(s));
      if (keep) parts.indicators.push(performance.now() - t);

      const packed = new Uint8Array(candles.length);
      t = performance.now();
      kernel(candles.length, series, scalars, packed);
      if (keep) parts.kernel.push(performance.now() - t);

      t = performance.now();
      const atrValues = atr(candles.high, candles.low, candles.close, options.atrPeriod);
      if (keep) parts.atr.push(performance.now() - t);

      t = performance.now();
      runBacktest(candles, packed, options, atrValues);
      if (keep) parts.broker.push(performance.now() - t);
    }
    return {
      strategy,
      totalMs: median(parts.total),
      indicatorsMs: median(parts.indicators),
      kernelMs: median(parts.kernel),
      stopAtrMs: median(parts.atr),
      brokerMs: median(parts.broker),
    };
  });
}
