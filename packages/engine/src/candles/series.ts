/**
 * A columnar candle series: one typed array per field, so indicator and backtest loops read
 * contiguous memory. `time` is the candle OPEN time in epoch milliseconds (UTC), ascending and
 * unique. Missing candles are simply absent (gaps are not filled).
 */
export type CandleSeries = {
  readonly length: number;
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  /** Where the candles came from (file path, "synthetic:…"), for error messages and reports. */
  readonly source: string;
  /** Bar duration in ms when known (detected from the data or given by the resampler). */
  readonly timeframeMs?: number;
};

export type CandleRow = {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
};

/** Builds a series from row objects (already validated by the caller). */
export function seriesFromRows(
  rows: readonly CandleRow[],
  source: string,
  timeframeMs?: number,
): CandleSeries {
  const n = rows.length;
  const series = {
    length: n,
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    source,
    ...(timeframeMs === undefined ? {} : { timeframeMs }),
  };
  rows.forEach((row, i) => {
    series.time[i] = row.time;
    series.open[i] = row.open;
    series.high[i] = row.high;
    series.low[i] = row.low;
    series.close[i] = row.close;
    series.volume[i] = row.volume;
  });
  return series;
}

/** The candle at index `i` of a series, as a row (what the streaming, bar-at-a-time APIs take). */
export function candleAt(series: CandleSeries, i: number): CandleRow {
  return {
    time: series.time[i]!,
    open: series.open[i]!,
    high: series.high[i]!,
    low: series.low[i]!,
    close: series.close[i]!,
    volume: series.volume[i]!,
  };
}
