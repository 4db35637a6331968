import { parentPort, workerData } from 'node:worker_threads';
import type { CandleSeries } from '../candles/series.ts';
import type { BacktestOptions } from '../backtest/index.ts';
import { getStrategy } from '../strategy/strategies/index.ts';
import { evaluateCandidate, type CandidateTask, type EvaluationContext } from './evaluate-candidate.ts';
import type { Objective } from './objective.ts';
import { IndicatorCache } from '../strategy/indicator-cache.ts';

type Init = {
  strategy: string;
  options: BacktestOptions;
  objective: Objective;
  minTrades: number;
  candles: CandleSeries;
  /** Bytes of the worker's indicator cache; null = no cache. */
  cacheBytes: number | null;
};

const init = workerData as Init;
const context: EvaluationContext = {
  declaration: getStrategy(init.strategy),
  candles: init.candles,
  options: init.options,
  objective: init.objective,
  minTrades: init.minTrades,
  ...(init.cacheBytes === null ? {} : { cache: new IndicatorCache(init.cacheBytes) }),
};

parentPort!.on('message', (message: { start: number; tasks: CandidateTask[] }) => {
  const results = message.tasks.map((task) => evaluateCandidate(context, task));
  parentPort!.postMessage({ start: message.start, results });
});
