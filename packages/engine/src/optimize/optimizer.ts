import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CandleSeries } from '../candles/series.ts';
import type { BacktestInputs, BacktestOptions } from '../backtest/index.ts';
import { EngineErrors } from '../errors.ts';
import type { ParamValues } from '../strategy/declaration.ts';
import { getStrategy } from '../strategy/strategies/index.ts';
import {
  evaluateCandidate,
  type BarRange,
  type CandidateTask,
  type EvaluationContext,
  type MetricsSummary,
} from './evaluate-candidate.ts';
import { OBJECTIVE_NAMES, type Objective } from './objective.ts';
import { DEFAULT_INDICATOR_CACHE_BYTES, IndicatorCache } from '../strategy/indicator-cache.ts';
import { halvingSearch, type HalvingSearchResult } from './halving-search.ts';
import type { HalvingBudget } from './halving.ts';
import { neighbourhoodRobustness, type RobustnessReport } from '../research/robustness.ts';
import { gridCandidates, gridSize, randomCandidates, searchSpace, type ParamRange } from './space.ts';

export type OptimizeRequest = {
  strategy: string;
  candles: CandleSeries;
  backtest: BacktestOptions;
  objective?: Objective;
  /**
   * 'auto' = the full grid when it has at most `trials` points, otherwise a random sample;
   * 'halving' = random sampling with successive halving under `budget` (for spaces too large to grid).
   */
  method?: 'grid' | 'random' | 'auto' | 'halving';
  /** For 'halving': evaluations (full-data equivalents; default `trials`) and/or seconds, per search. */
  budget?: HalvingBudget;
  /** For 'halving': keep the best 1/eta at each rung (default 3). */
  eta?: number;
  trials?: number;
  seed?: number;
  /** Narrow or fix parameters (`{ atrPeriod: 10 }`, `{ factor: { min: 2, max: 4 } }`). */
  space?: Record<string, Partial<ParamRange> | number>;
  /** Parameter sets with fewer closed trades rank last. */
  minTrades?: number;
  /** Rolling walk-forward: this many windows, each in-sample then out-of-sample. 0 = off. */
  walkForward?: number;
  /** In-sample length as a multiple of the out-of-sample length (default 3: 75 % / 25 %). */
  inSampleRatio?: number;
  /** Worker threads; default: every core. 1 runs in this thread. */
  workers?: number;
  /**
   * Funding history and bar-magnifier candles every backtest of the search takes (off when absent).
   * With either, the search runs in this thread (`workers` is not used).
   */
  inputs?: BacktestInputs;
  /**
   * Share indicator series across parameter sets: true (default) with a 128 MiB LRU per worker, a
   * number of bytes per worker, or false to compute every set's indicators afresh.
   */
  indicatorCache?: boolean | number;
  /** Score the best set's one-step neighbours on the whole data (default true). */
  robustness?: boolean;
  onProgress?: (done: number, total: number) => void;
};

export type RankedCandidate = { params: ParamValues; metrics: MetricsSummary };

export type WalkForwardWindow = {
  inSample: BarRange & { fromTime: number; toTime: number };
  outOfSample: BarRange & { fromTime: number; toTime: number };
  best: ParamValues;
  inSampleMetrics: MetricsSummary;
  outOfSampleMetrics: MetricsSummary;
};

export type OptimizeResult = {
  strategy: string;
  objective: Objective;
  method: 'grid' | 'random' | 'halving';
  candidates: number;
  /** For 'halving': what the search on the whole data spent. */
  search?: HalvingSearchResult['search'];
  /** Every candidate on the whole data, best first. */
  ranking: RankedCandidate[];
  /** How the best set's score holds one grid step away in each parameter (null when turned off or nothing ranked). */
  robustness: RobustnessReport | null;
  walkForward: null | {
    windows: WalkForwardWindow[];
    /** Out-of-sample net profit of the best in-sample parameters, summed over windows. */
    outOfSampleNetProfit: number;
    /** Mean out-of-sample score ÷ mean in-sample score: near 1 is robust, near 0 or below is a curve fit. */
    efficiency: number | null;
  };
};

const MAX_GRID = 100_000;

/** Rolling windows whose out-of-sample parts tile the end of the data. */
export function walkForwardRanges(bars: number, windows: number, inSampleRatio: number) {
  const oos = Math.floor(bars / (windows + inSampleRatio));
  const is = Math.floor(oos * inSampleRatio);
  if (oos < 50) {
    throw EngineErrors.create('INVALID_OPTIMIZE_OPTIONS', {
      message: `walk-forward with ${windows} windows leaves ${oos} bars per out-of-sample window; use fewer windows or more data (at least 50 bars each)`,
    });
  }
  const start = bars - windows * oos - is;
  return Array.from({ length: windows }, (_, k) => {
    const from = start + k * oos;
    return { inSample: { from, to: from + is }, outOfSample: { from: from + is, to: from + is + oos } };
  });
}

/** Checks the request and settles the objective, the space and the method. */
function plan(request: OptimizeRequest) {
  const declaration = getStrategy(request.strategy);
  const objective = request.objective ?? 'sharpe';
  if (!OBJECTIVE_NAMES.includes(objective)) {
    throw EngineErrors.create('INVALID_OPTIMIZE_OPTIONS', {
      message: `Unknown objective "${String(objective)}"; choose one of ${OBJECTIVE_NAMES.join(', ')}`,
    });
  }
  const trials = request.trials ?? 200;
  if (!Number.isInteger(trials) || trials < 1 || trials > MAX_GRID) {
    throw EngineErrors.create('INVALID_OPTIMIZE_OPTIONS', {
      message: `trials must be a whole number from 1 to ${MAX_GRID}`,
    });
  }
  const space = searchSpace(declaration, request.space);
  const size = gridSize(space);
  const method =
    request.method === undefined || request.method === 'auto'
      ? size <= trials
        ? 'grid'
        : 'random'
      : request.method;
  if (method === 'grid' && size > MAX_GRID) {
    throw EngineErrors.create('INVALID_OPTIMIZE_OPTIONS', {
      message: `the full grid has ${size} points (more than ${MAX_GRID}); use random search or narrow the ranges`,
    });
  }
  return { declaration, objective, trials, space, method };
}

function hasInputs(inputs: BacktestInputs | undefined): inputs is BacktestInputs {
  return inputs?.funding !== undefined || inputs?.lowerTimeframe !== undefined;
}

export async function optimize(request: OptimizeRequest): Promise<OptimizeResult> {
  const { declaration, objective, trials, space, method } = plan(request);
  const candles = request.candles;
  const windows = request.walkForward
    ? walkForwardRanges(candles.length, request.walkForward, request.inSampleRatio ?? 3)
    : [];
  const ranges: BarRange[] = [
    { from: 0, to: candles.length },
    ...windows.flatMap((w) => [w.inSample, w.outOfSample]),
  ];
  const context: EvaluationContext = {
    declaration,
    candles,
    options: request.backtest,
    objective,
    minTrades: request.minTrades ?? 1,
    ...(hasInputs(request.inputs) ? { inputs: request.inputs } : {}),
  };
  const cacheBytes = cacheBytesOf(request.indicatorCache);
  let ranking: RankedCandidate[];
  let picks: WindowPick[];
  let candidateCount: number;
  let searchSpent: HalvingSearchResult['search'] | undefined;
  if (method === 'halving') {
    const found = halvingSearch({
      context,
      space,
      budget: request.budget ?? { evaluations: trials },
      ...(request.eta === undefined ? {} : { eta: request.eta }),
      seed: request.seed ?? 1,
      windows,
      cacheBytes,
    });
    ranking = found.ranking;
    picks = found.windows;
    candidateCount = found.search.evaluations;
    searchSpent = found.search;
  } else {
    const candidates =
      method === 'grid'
        ? gridCandidates(declaration, space)
        : randomCandidates(declaration, space, trials, request.seed ?? 1);
    const results = await runTasks(
      context,
      cacheBytes,
      candidates.map((params) => ({ params, ranges })),
      // The worker threads are handed the candles only: with market inputs, this thread runs them all.
      context.inputs !== undefined ? 1 : (request.workers ?? availableParallelism()),
      request.onProgress,
    );
    ranking = candidates
      .map((params, k) => ({ params, metrics: results[k]![0]! }))
      .sort((a, b) => b.metrics.score - a.metrics.score);
    picks = windows.map((_, w) => bestOfWindow(candidates, results, w));
    candidateCount = candidates.length;
  }
  const walkForward = windows.length > 0 ? walkForwardReport(candles, windows, picks) : null;
  const top = ranking[0];
  const robustness =
    request.robustness === false || top === undefined
      ? null
      : neighbourhoodRobustness({
          declaration,
          candles,
          options: request.backtest,
          objective,
          minTrades: context.minTrades,
          params: top.params,
          space,
          own: top.metrics,
          ...(cacheBytes === null ? {} : { cache: new IndicatorCache(cacheBytes) }),
          ...(context.inputs === undefined ? {} : { inputs: context.inputs }),
        });
  return {
    strategy: declaration.id,
    objective,
    method,
    candidates: candidateCount,
    ...(searchSpent === undefined ? {} : { search: searchSpent }),
    ranking,
    robustness,
    walkForward,
  };
}

type WindowPick = { best: ParamValues; inSampleMetrics: MetricsSummary; outOfSampleMetrics: MetricsSummary };

/** The candidate with the best in-sample score of window `w` (results: [whole, IS 1, OOS 1, IS 2, …]). */
function bestOfWindow(candidates: ParamValues[], results: MetricsSummary[][], w: number): WindowPick {
  let best = 0;
  for (let k = 1; k < candidates.length; k++) {
    if (results[k]![1 + 2 * w]!.score > results[best]![1 + 2 * w]!.score) best = k;
  }
  return {
    best: candidates[best]!,
    inSampleMetrics: results[best]![1 + 2 * w]!,
    outOfSampleMetrics: results[best]![2 + 2 * w]!,
  };
}

/** The walk-forward windows' reports: the best in-sample set of each and its out-of-sample figures. */
function walkForwardReport(
  candles: CandleSeries,
  windows: ReturnType<typeof walkForwardRanges>,
  picks: WindowPick[],
): NonNullable<OptimizeResult['walkForward']> {
  const time = (bar: number) => candles.time[Math.min(bar, candles.length - 1)]!;
  const reports = windows.map((window, w) => ({
    inSample: {
      ...window.inSample,
      fromTime: time(window.inSample.from),
      toTime: time(window.inSample.to - 1),
    },
    outOfSample: {
      ...window.outOfSample,
      fromTime: time(window.outOfSample.from),
      toTime: time(window.outOfSample.to - 1),
    },
    ...picks[w]!,
  }));
  const finite = (values: number[]) => values.filter(Number.isFinite);
  const mean = (values: number[]) =>
    values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
  const isMean = mean(finite(reports.map((r) => r.inSampleMetrics.score)));
  const oosMean = mean(finite(reports.map((r) => r.outOfSampleMetrics.score)));
  return {
    windows: reports,
    outOfSampleNetProfit: reports.reduce((sum, r) => sum + r.outOfSampleMetrics.netProfit, 0),
    efficiency:
      Number.isFinite(isMean) && Number.isFinite(oosMean) && isMean !== 0 ? oosMean / Math.abs(isMean) : null,
  };
}

/** Runs the tasks on a pool of worker threads (or inline for one worker / few tasks), keeping order. */
function cacheBytesOf(option: boolean | number | undefined): number | null {
  if (option === false) return null;
  if (option === undefined || option === true) return DEFAULT_INDICATOR_CACHE_BYTES;
  if (!(Number.isFinite(option) && option >= 0)) {
    throw EngineErrors.create('INVALID_OPTIMIZE_OPTIONS', {
      message: 'indicatorCache must be true, false or a number of bytes ≥ 0',
    });
  }
  return option;
}

async function runTasks(
  context: EvaluationContext,
  cacheBytes: number | null,
  tasks: CandidateTask[],
  workerCount: number,
  onProgress?: (done: number, total: number) => void,
): Promise<MetricsSummary[][]> {
  const results = new Array<MetricsSummary[]>(tasks.length);
  const total = tasks.length;
  const threads = Math.max(1, Math.min(workerCount, Math.ceil(total / 16)));
  if (threads === 1) {
    if (cacheBytes !== null) context = { ...context, cache: new IndicatorCache(cacheBytes) };
    tasks.forEach((task, k) => {
      results[k] = evaluateCandidate(context, task);
      onProgress?.(k + 1, total);
    });
    return results;
  }
  const { candles } = context;
  const init = {
    strategy: context.declaration.id,
    options: context.options,
    objective: context.objective,
    minTrades: context.minTrades,
    cacheBytes,
    candles: {
      length: candles.length,
      source: candles.source,
      timeframeMs: candles.timeframeMs,
      time: candles.time,
      open: candles.open,
      high: candles.high,
      low: candles.low,
      close: candles.close,
      volume: candles.volume,
    },
  };
  let next = 0;
  let done = 0;
  const chunk = Math.max(1, Math.min(32, Math.floor(total / (threads * 8))));
  const workers = Array.from(
    { length: threads },
    () => new Worker(new URL('./worker.js', import.meta.url), { workerData: init }),
  );
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const send = () => {
              if (next >= total) return resolve();
              const start = next;
              next = Math.min(total, next + chunk);
              worker.postMessage({ start, tasks: tasks.slice(start, next) });
            };
            worker.on('message', (message: { start: number; results: MetricsSummary[][] }) => {
              message.results.forEach((result, k) => (results[message.start + k] = result));
              done += message.results.length;
              onProgress?.(done, total);
              send();
            });
            worker.on('error', reject);
            worker.on('exit', (code) =>
              next < total || code !== 0
                ? reject(new Error(`optimizer worker exited with ${code}`))
                : undefined,
            );
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  return results;
}
