/**
 * @tradingbot/pine — exports our strategies as TradingView Pine Script v6 with webhook alert
 * messages built in, checks the emitted Pine, and executes it bar by bar (an independent
 * interpreter + Strategy Tester emulator) to prove the script trades like our backtester.
 */
export {
  ACCOUNT_PLACEHOLDER,
  addWebhookAlerts,
  DEFAULT_PINE_BACKTEST,
  exportStrategy,
  pineString,
  resolvePineOptions,
  SECRET_PLACEHOLDER,
  type PineBacktestInput,
  type PineBacktestSettings,
  type PineExchange,
  type PineExportOptions,
  type ResolvedPineOptions,
} from './exporter.ts';
export {
  generateWebhookSetupGuide,
  TRADINGVIEW_WEBHOOK_IPS,
  type ExpectedTesterFigures,
  type SetupGuideOptions,
} from './guide.ts';
export { buildPineExport, type BuildPineExportInput, type PineExport } from './build.ts';
export { checkPine, formatIssues, type PineCheckResult, type PineIssue } from './checker/check.ts';
export { parseScript, PineSyntaxError, type Script } from './checker/parser.ts';
export { runPine, type PineCandles, type PineRunResult, type RunPineOptions } from './interpreter/run.ts';
export type { PineExitReason, PineFill, PineTrade, StrategySettings } from './interpreter/broker.ts';
export { PineErrors } from './errors.ts';
/** The shared webhook contract, re-exported for callers of this package. */
export { WebhookPayloadSchema, type WebhookPayload } from '@tradingbot/core';
