import { runBacktest, type BacktestOptions } from '../backtest/index.ts';
import type { CandleSeries } from '../candles/series.ts';
import { EngineErrors } from '../errors.ts';
import type { MetricsSummary } from '../optimize/evaluate-candidate.ts';
import { optimize, type OptimizeRequest, type OptimizeResult } from '../optimize/optimizer.ts';
import { resolveParams, type ParamValues, type StrategyDeclaration } from '../strategy/declaration.ts';
import { evaluateStrategy } from '../strategy/evaluate.ts';
import { getStrategy } from '../strategy/strategies/index.ts';
import { withStopAtr } from '../strategy/stop-atr.ts';

export type RankBy = 'worst' | 'median';

export type MultiRankedCandidate = {
  params: ParamValues;
  /** The worst (or median) of the per-symbol scores: what the ranking sorts by. */
  score: number;
  /** One summary per data set, in the order given. */
  perSymbol: MetricsSummary[];
};

export type MultiOptimizeResult = {
  strategy: string;
  rankBy: RankBy;
  candidates: number;
  /** Each data set's own optimization (its ranking, walk-forward and robustness). */
  symbols: Array<{ source: string; bars: number; result: OptimizeResult }>;
  /** Every parameter set by its worst (or median) symbol, best first. */
  ranking: MultiRankedCandidate[];
};

/** The worst or the median (lower median for an even count) of per-symbol scores. */
export function aggregateScore(scores: readonly number[], rankBy: RankBy): number {
  if (scores.length === 0) return Number.NEGATIVE_INFINITY;
  const sorted = [...scores].sort((a, b) => a - b);
  return rankBy === 'worst' ? sorted[0]! : sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/**
 * One optimization over several data sets (symbols or timeframes): the same parameter sets on each
 * (grid order, or the same seeded sample), each data set optimized as by `optimize` (walk-forward
 * included), and a ranking by the worst or the median symbol — never by the best one, which rewards
 * the set that fits one market's noise.
 */
export async function optimizeMany(
  request: Omit<OptimizeRequest, 'candles'> & { datasets: CandleSeries[]; rankBy?: RankBy },
): Promise<MultiOptimizeResult> {
  const { datasets, rankBy = 'worst', ...rest } = request;
  if (datasets.length === 0) {
    throw EngineErrors.create('INVALID_RESEARCH_OPTIONS', { message: 'give at least one data set' });
  }
  if (rankBy !== 'worst' && rankBy !== 'median') {
    throw EngineErrors.create('INVALID_RESEARCH_OPTIONS', { message: 'rank by "worst" or "median"' });
  }
  const symbols: MultiOptimizeResult['symbols'] = [];
  for (const candles of datasets) {
    const result = await optimize({ ...rest, candles });
    symbols.push({ source: candles.source, bars: candles.length, result });
  }
  const byParams = symbols.map(
    ({ result }) => new Map(result.ranking.map((r) => [JSON.stringify(r.params), r.metrics])),
  );
  const ranking = symbols[0]!.result.ranking
    .map(({ params }) => {
      const key = JSON.stringify(params);
      const perSymbol = byParams.map((map) => map.get(key)!);
      return {
        params,
        score: aggregateScore(
          perSymbol.map((m) => m.score),
          rankBy,
        ),
        perSymbol,
      };
    })
    .sort((a, b) => b.score - a.score);
  return {
    strategy: symbols[0]!.result.strategy,
    rankBy,
    candidates: ranking.length,
    symbols,
    ranking,
  };
}

export type PortfolioSleeve = {
  source: string;
  capital: number;
  netProfit: number;
  totalTrades: number;
  maxDrawdownPct: number;
};

export type PortfolioResult = {
  strategy: string;
  params: ParamValues;
  initialCapital: number;
  /** The union of all data sets' bar times, ascending. */
  time: Float64Array;
  /** Combined equity at each time: every sleeve's equity, the last known value carried forward. */
  equity: Float64Array;
  finalEquity: number;
  netProfit: number;
  netProfitPct: number;
  /** Largest fall of the combined equity below its running peak. */
  maxDrawdown: number;
  maxDrawdownPct: number;
  sleeves: PortfolioSleeve[];
};

/**
 * One capital over several symbols: the capital is split equally into one sleeve per data set,
 * each sleeve trades its symbol with the strategy under `options` (sizing, fees, stops as for a
 * single backtest, from the sleeve's capital), and the combined equity is the sum of the sleeves on
 * the union of the bar times (a sleeve counts its capital before its first bar and its last equity
 * after its last). Fixed allocation, no rebalancing between sleeves; margin is not shared.
 */
export function backtestPortfolio(
  strategy: string | StrategyDeclaration,
  datasets: CandleSeries[],
  params: Record<string, unknown>,
  options: BacktestOptions,
): PortfolioResult {
  if (datasets.length === 0) {
    throw EngineErrors.create('INVALID_RESEARCH_OPTIONS', { message: 'give at least one data set' });
  }
  const declaration = typeof strategy === 'string' ? getStrategy(strategy) : strategy;
  const values = resolveParams(declaration, params);
  const capital = options.initialCapital;
  const sleeveCapital = capital / datasets.length;
  const sleeveOptions = { ...options, initialCapital: sleeveCapital };
  const runs = datasets.map((candles) => {
    const { packedSignals } = evaluateStrategy(declaration, candles, values);
    return withStopAtr(candles, sleeveOptions, (atr) =>
      runBacktest(candles, packedSignals, sleeveOptions, atr),
    );
  });
  const time = unionTimes(datasets.map((d) => d.time));
  const equity = new Float64Array(time.length);
  datasets.forEach((candles, s) => {
    const curve = runs[s]!.equity;
    let j = 0;
    let last = sleeveCapital;
    for (let i = 0; i < time.length; i++) {
      while (j < candles.length && candles.time[j]! <= time[i]!) last = curve[j++]!;
      equity[i] = equity[i]! + last;
    }
  });
  let peak = capital;
  let maxDrawdown = 0;
  let maxDrawdownPct = 0;
  for (let i = 0; i < equity.length; i++) {
    const eq = equity[i]!;
    if (eq > peak) peak = eq;
    if (peak - eq > maxDrawdown) maxDrawdown = peak - eq;
    if (peak > 0 && ((peak - eq) / peak) * 100 > maxDrawdownPct) maxDrawdownPct = ((peak - eq) / peak) * 100;
  }
  const finalEquity = equity.length ? equity[equity.length - 1]! : capital;
  return {
    strategy: declaration.id,
    params: values,
    initialCapital: capital,
    time,
    equity,
    finalEquity,
    netProfit: finalEquity - capital,
    netProfitPct: ((finalEquity - capital) / capital) * 100,
    maxDrawdown,
    maxDrawdownPct,
    sleeves: runs.map((run, s) => ({
      source: datasets[s]!.source,
      capital: sleeveCapital,
      netProfit: run.metrics.finalEquity - sleeveCapital,
      totalTrades: run.metrics.totalTrades,
      maxDrawdownPct: run.metrics.maxDrawdownPct,
    })),
  };
}

/** The sorted union of ascending time columns, without duplicates. */
function unionTimes(columns: Float64Array[]): Float64Array {
  const all = new Set<number>();
  for (const column of columns) for (const t of column) all.add(t);
  return Float64Array.from(all).sort();
}
