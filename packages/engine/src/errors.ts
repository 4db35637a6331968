import { defineErrors } from '@tradingbot/core';

/** Errors raised by the engine: bad candle files, bad indicator specs, bad strategy input. */
export const EngineErrors = defineErrors({
  UNKNOWN_STRATEGY: { status: 400, message: 'Unknown strategy' },
  INVALID_STRATEGY_PARAMS: { status: 400, message: 'Invalid strategy parameters' },
  INVALID_OPTIMIZE_OPTIONS: { status: 400, message: 'Invalid optimization options' },
  INVALID_RESEARCH_OPTIONS: { status: 400, message: 'Invalid Monte Carlo, robustness or portfolio options' },
  INVALID_BACKTEST_OPTIONS: { status: 400, message: 'Invalid backtest options' },
  INVALID_BACKTEST_INPUT: { status: 400, message: 'Invalid backtest input' },
  CANDLES_FILE_NOT_FOUND: { status: 400, message: 'Candle file not found' },
  CANDLES_EMPTY: { status: 400, message: 'Candle file has no candles' },
  CANDLES_MALFORMED_ROW: { status: 400, message: 'Malformed candle row' },
  CANDLES_INVALID_VALUE: { status: 400, message: 'Invalid candle value' },
  CANDLES_UNSORTED: { status: 400, message: 'Candles are not sorted by time' },
  CANDLES_DUPLICATE_TIME: { status: 400, message: 'Duplicate candle time' },
  INVALID_TIMEFRAME: { status: 400, message: 'Invalid timeframe' },
  INVALID_INDICATOR: { status: 400, message: 'Invalid indicator' },
});
