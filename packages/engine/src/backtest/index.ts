export type {
  BacktestMetrics,
  BacktestOptions,
  BacktestResult,
  ExitReason,
  ExitRule,
  PackedSignals,
  StrategySignals,
  Trade,
  TradeStats,
} from './types.ts';
export {
  DEFAULT_BACKTEST_OPTIONS,
  resolveBacktestOptions,
  usesAtrStops,
  validateBacktestOptions,
} from './options.ts';
export { runBacktest } from './run.ts';
export { packSignals, SIGNAL_BITS, unpackSignals } from './signals.ts';
