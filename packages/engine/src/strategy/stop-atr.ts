import { usesAtrStops, type BacktestOptions } from '../backtest/index.ts';
import type { CandleSeries } from '../candles/series.ts';
import { atr } from '../indicators/index.ts';
import { withScratch } from '../indicators/scratch.ts';

/**
 * Runs `use` with the atr(atrPeriod) series that ATR-based stop-loss / take-profit rules need, or
 * with undefined when neither rule is ATR-based. The series lives in a lent work array: the broker
 * emulator reads it during its pass and keeps nothing.
 */
export function withStopAtr<T>(
  candles: CandleSeries,
  options: BacktestOptions,
  use: (atrValues: Float64Array | undefined) => T,
): T {
  if (!usesAtrStops(options)) return use(undefined);
  return withScratch(candles.length, (values) =>
    use(atr(candles.high, candles.low, candles.close, options.atrPeriod, values)),
  );
}
