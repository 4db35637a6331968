export type {
  BacktestMetrics,
  BacktestOptions,
  BacktestResult,
  ExitReason,
  ExitRule,
  StrategySignals,
  Trade,
  TradeStats,
} from './types.ts';
export { DEFAULT_BACKTEST_OPTIONS, resolveBacktestOptions, validateBacktestOptions } from './options.ts';
export { runBacktest } from './run.ts';
