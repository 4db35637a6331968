import { EngineErrors } from '../errors.ts';
import type { CandleSeries } from './series.ts';
import { detectTimeframeMs, parseTimeframe } from './timeframe.ts';

/**
 * Aggregates candles into a higher timeframe. Buckets are aligned to multiples of the target
 * duration since the Unix epoch (UTC): a 4h bucket starts at 00:00, 04:00, … UTC, a 1d bucket at
 * 00:00 UTC. open = first open, high = max, low = min, close = last close, volume = sum; a bucket
 * with no source candle is absent (gaps stay gaps). The target must be a whole multiple of the
 * source timeframe (`series.timeframeMs`, or detected from the times).
 */
export function resample(series: CandleSeries, timeframe: string): CandleSeries {
  const target = parseTimeframe(timeframe);
  const sourceTf = series.timeframeMs ?? detectTimeframeMs(series.time);
  if (sourceTf !== undefined && (target < sourceTf || target % sourceTf !== 0)) {
    throw EngineErrors.create('INVALID_TIMEFRAME', {
      message: `cannot resample ${series.source} from ${describe(sourceTf)} to ${timeframe}: the target must be a multiple of the source timeframe`,
      details: { source: series.source, sourceTimeframeMs: sourceTf, timeframe },
    });
  }
  if (sourceTf === target) return { ...series, timeframeMs: target };

  const n = series.length;
  const { time, open, high, low, close, volume } = series;
  const oTime = new Float64Array(n);
  const oOpen = new Float64Array(n);
  const oHigh = new Float64Array(n);
  const oLow = new Float64Array(n);
  const oClose = new Float64Array(n);
  const oVolume = new Float64Array(n);
  let m = -1;
  let bucket = NaN;
  for (let i = 0; i < n; i++) {
    const t = time[i]!;
    const b = t - (((t % target) + target) % target);
    if (b !== bucket) {
      bucket = b;
      m++;
      oTime[m] = b;
      oOpen[m] = open[i]!;
      oHigh[m] = high[i]!;
      oLow[m] = low[i]!;
      oClose[m] = close[i]!;
      oVolume[m] = volume[i]!;
    } else {
      if (high[i]! > oHigh[m]!) oHigh[m] = high[i]!;
      if (low[i]! < oLow[m]!) oLow[m] = low[i]!;
      oClose[m] = close[i]!;
      oVolume[m] = oVolume[m]! + volume[i]!;
    }
  }
  const len = m + 1;
  return {
    length: len,
    time: oTime.slice(0, len),
    open: oOpen.slice(0, len),
    high: oHigh.slice(0, len),
    low: oLow.slice(0, len),
    close: oClose.slice(0, len),
    volume: oVolume.slice(0, len),
    source: series.source,
    timeframeMs: target,
  };
}

function describe(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms}ms`;
}
