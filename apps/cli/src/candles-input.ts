import { loadCandlesCsv, resample, syntheticCandles, type CandleSeries } from '@tradingbot/engine';
import { CliUsageError } from './cli-error.ts';

/** The built-in data set when no --data is given: one year of synthetic hourly candles. */
export const SAMPLE_DATA = 'sample';

/**
 * Loads the candles a command works on: a CSV file, or `sample` for the deterministic synthetic
 * series the product ships with (no third-party data, no network). Optionally resampled and cut
 * to a date range.
 */
export async function loadCandlesInput(
  data: string | undefined,
  options: { timeframe?: string; from?: number; to?: number } = {},
): Promise<CandleSeries> {
  let series =
    data === undefined || data === SAMPLE_DATA
      ? syntheticCandles({
          bars: 24 * 365,
          timeframe: '1h',
          seed: 42,
          startPrice: 30_000,
          startTime: Date.UTC(2023, 0, 1),
        })
      : await loadCandlesCsv(data);
  if (options.timeframe !== undefined) series = resample(series, options.timeframe);
  if (options.from !== undefined || options.to !== undefined) {
    const from = options.from ?? -Infinity;
    const to = options.to ?? Infinity;
    let start = 0;
    while (start < series.length && series.time[start]! < from) start++;
    let end = start;
    while (end < series.length && series.time[end]! < to) end++;
    if (end - start < 2)
      throw new CliUsageError(`no candles in the requested date range of ${series.source}`);
    series = {
      ...series,
      length: end - start,
      time: series.time.subarray(start, end),
      open: series.open.subarray(start, end),
      high: series.high.subarray(start, end),
      low: series.low.subarray(start, end),
      close: series.close.subarray(start, end),
      volume: series.volume.subarray(start, end),
    };
  }
  return series;
}
