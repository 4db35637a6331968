export type {
  BacktestInputs,
  BacktestMetrics,
  BacktestOptions,
  BacktestResult,
  ExitReason,
  ExitRule,
  TrailingRule,
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
export { lowerTimeframeBars, runBacktest, type BarTimes } from './run.ts';
export { packSignals, SIGNAL_BITS, unpackSignals } from './signals.ts';
export { buyAndHoldEquity } from './buy-hold.ts';
export {
  FUNDING_CSV_HEADER,
  fundingSeries,
  parseFundingCsv,
  type FundingRow,
  type FundingSeries,
} from './funding.ts';
