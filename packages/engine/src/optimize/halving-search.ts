import { mulberry32 } from '../candles/synthetic.ts';
import { EngineErrors } from '../errors.ts';
import { resolveParams, type ParamValues, type StrategyDeclaration } from '../strategy/declaration.ts';
import { IndicatorCache } from '../strategy/indicator-cache.ts';
import {
  evaluateCandidate,
  type BarRange,
  type EvaluationContext,
  type MetricsSummary,
} from './evaluate-candidate.ts';
import { successiveHalving, type HalvingBudget } from './halving.ts';
import { rangeValues, type SearchSpace } from './space.ts';

export type HalvingSearchResult = {
  /** Finalists on the whole data, best first, with their full-data summaries. */
  ranking: Array<{ params: ParamValues; metrics: MetricsSummary }>;
  /** Per walk-forward window: the best in-sample finalist of a search run on the in-sample bars only. */
  windows: Array<{ best: ParamValues; inSampleMetrics: MetricsSummary; outOfSampleMetrics: MetricsSummary }>;
  search: { brackets: number; evaluations: number; cost: number; seconds: number };
};

/** A sampler of distinct valid grid points (null once `maxMisses` draws in a row found nothing new). */
function gridSampler(declaration: StrategyDeclaration, space: SearchSpace, maxMisses = 200) {
  const names = Object.keys(space);
  const axes = names.map((name) => rangeValues(space[name]!));
  const seen = new Set<string>();
  return (random: () => number): ParamValues | null => {
    for (let miss = 0; miss < maxMisses; miss++) {
      const params = Object.fromEntries(
        names.map((name, k) => [name, axes[k]![Math.floor(random() * axes[k]!.length)]!]),
      );
      const key = JSON.stringify(params);
      if (seen.has(key)) continue;
      seen.add(key);
      try {
        resolveParams(declaration, params);
        return params;
      } catch {
        continue;
      }
    }
    return null;
  };
}

/** The most recent `fidelity` share of a range (at least 50 bars, or the whole range). */
function trailing(range: BarRange, fidelity: number): BarRange {
  const length = range.to - range.from;
  const keep = Math.min(length, Math.max(50, Math.ceil(length * fidelity)));
  return { from: range.to - keep, to: range.to };
}

/**
 * The 'halving' method of `optimize`: successive halving over random grid points, fidelity = the
 * most recent part of the data. The budget applies to each search: the whole data, and each
 * walk-forward window's in-sample part (searched on its own, so the out-of-sample bars never
 * influence which set a window picks).
 */
export function halvingSearch(input: {
  context: EvaluationContext;
  space: SearchSpace;
  budget: HalvingBudget;
  eta?: number;
  seed: number;
  windows: Array<{ inSample: BarRange; outOfSample: BarRange }>;
  cacheBytes: number | null;
}): HalvingSearchResult {
  const { space, budget, seed, windows } = input;
  const context: EvaluationContext =
    input.cacheBytes === null
      ? input.context
      : { ...input.context, cache: new IndicatorCache(input.cacheBytes) };
  const summary = (params: ParamValues, range: BarRange) =>
    evaluateCandidate(context, { params, ranges: [range] })[0]!;
  const search = (range: BarRange, runSeed: number) =>
    successiveHalving<ParamValues>({
      sample: gridSampler(context.declaration, space),
      evaluate: (params, fidelity) => summary(params, trailing(range, fidelity)).score,
      budget,
      ...(input.eta === undefined ? {} : { eta: input.eta }),
      seed: runSeed,
    });
  const whole = { from: 0, to: context.candles.length };
  const main = search(whole, seed);
  if (main.finalists.length === 0) {
    throw EngineErrors.create('INVALID_OPTIMIZE_OPTIONS', {
      message:
        'the budget ran out before any parameter set was scored on the whole data; give more evaluations or seconds',
    });
  }
  const ranking = main.finalists.map(({ candidate }) => ({
    params: candidate,
    metrics: summary(candidate, whole),
  }));
  const seeds = mulberry32(seed ^ 0x5bd1e995);
  const windowReports = windows.map((window) => {
    const result = search(window.inSample, Math.floor(seeds() * 2 ** 31));
    const best = result.finalists[0]?.candidate ?? ranking[0]!.params;
    return {
      best,
      inSampleMetrics: summary(best, window.inSample),
      outOfSampleMetrics: summary(best, window.outOfSample),
    };
  });
  return {
    ranking,
    windows: windowReports,
    search: {
      brackets: main.brackets,
      evaluations: main.evaluations,
      cost: main.cost,
      seconds: main.seconds,
    },
  };
}
