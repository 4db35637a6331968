import type { BacktestInputs, BacktestOptions } from '../backtest/index.ts';
import type { CandleSeries } from '../candles/series.ts';
import { evaluateCandidate, type MetricsSummary } from '../optimize/evaluate-candidate.ts';
import type { Objective } from '../optimize/objective.ts';
import { rangeValues, type SearchSpace } from '../optimize/space.ts';
import { resolveParams, type ParamValues, type StrategyDeclaration } from '../strategy/declaration.ts';
import type { IndicatorCache } from '../strategy/indicator-cache.ts';

export type Neighbour = { param: string; value: number; score: number };

export type RobustnessReport = {
  params: ParamValues;
  score: number;
  /** Every valid set one grid step away in one parameter, with its score. */
  neighbours: Neighbour[];
  meanNeighbourScore: number | null;
  worstNeighbourScore: number | null;
  /**
   * Mean neighbour score ÷ the set's own score (both finite, own score > 0), else null: near 1 is
   * a plateau, near 0 or below is a spike that one step of any parameter loses.
   */
  robustness: number | null;
  /** The largest drop of the score one step away, in percent of the set's own score. */
  worstDropPct: number | null;
};

export type RobustnessInput = {
  declaration: StrategyDeclaration;
  candles: CandleSeries;
  options: BacktestOptions;
  objective: Objective;
  minTrades: number;
  params: ParamValues;
  /** The grid the steps are taken on (the optimizer's search space). */
  space: SearchSpace;
  /** The set's own summary when already known (skips one backtest). */
  own?: MetricsSummary;
  cache?: IndicatorCache;
  /** Funding and bar-magnifier candles, as the search had them. */
  inputs?: BacktestInputs;
};

/**
 * Parameter-neighbourhood robustness: how much the objective drops one step away from the chosen
 * parameters. Each parameter is moved one step of its search range down and up (the others kept),
 * sets the declaration refuses (fast ≥ slow, out of range) are skipped, and each neighbour is
 * backtested on the same data.
 */
export function neighbourhoodRobustness(input: RobustnessInput): RobustnessReport {
  const { declaration, candles, options, objective, minTrades, params, space, cache, inputs } = input;
  const context = {
    declaration,
    candles,
    options,
    objective,
    minTrades,
    ...(cache ? { cache } : {}),
    ...(inputs ? { inputs } : {}),
  };
  const ranges = [{ from: 0, to: candles.length }];
  const evaluate = (p: ParamValues) => evaluateCandidate(context, { params: p, ranges })[0]!;
  const own = input.own ?? evaluate(params);
  const neighbours: Neighbour[] = [];
  for (const [name, range] of Object.entries(space)) {
    const values = rangeValues(range);
    const current = params[name];
    if (current === undefined) continue;
    // The nearest grid values below and above the current one.
    const below = values.filter((v) => v < current).pop();
    const above = values.find((v) => v > current);
    for (const value of [below, above]) {
      if (value === undefined) continue;
      const candidate = { ...params, [name]: value };
      try {
        resolveParams(declaration, candidate);
      } catch {
        continue;
      }
      neighbours.push({ param: name, value, score: evaluate(candidate).score });
    }
  }
  const scores = neighbours.map((n) => n.score);
  const mean = scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null;
  const worst = scores.length ? Math.min(...scores) : null;
  const finite = (x: number | null): x is number => x !== null && Number.isFinite(x);
  const usable = Number.isFinite(own.score) && own.score > 0;
  return {
    params,
    score: own.score,
    neighbours,
    meanNeighbourScore: mean,
    worstNeighbourScore: worst,
    robustness: usable && finite(mean) ? mean / own.score : null,
    worstDropPct: usable && finite(worst) ? ((own.score - worst) / own.score) * 100 : null,
  };
}
