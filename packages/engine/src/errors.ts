import { defineErrors } from '@tradingbot/core';

/** Errors raised by the engine: bad candle files, bad indicator specs, bad strategy input. */
export const EngineErrors = defineErrors({
  UNKNOWN_STRATEGY: { status: 400, message: 'Unknown strategy' },
  INVALID_STRATEGY_PARAMS: { status: 400, message: 'Invalid strategy parameters' },
  INVALID_OPTIMIZE_OPTIONS: { status: 400, message: 'Invalid optimization options' },
  INVALID_BACKTEST_OPTIONS: { status: 400, message: 'Invalid backtest options' },
  INVALID_BACKTEST_INPUT: { status: 400, message: 'Invalid backtest input' },
});
