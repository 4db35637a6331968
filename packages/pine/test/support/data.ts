import { readFileSync } from 'node:fs';
import type { CandleSeries } from '@tradingbot/engine';

// One place decides where real candles come from: ../shared/data (or TRADINGBOT_SHARED_DATA_DIR)
// when present, else the engine's vendored sample.
export {
  realCandlesFile,
  SAMPLE_FILE,
  SHARED_DATA_DIR,
  sharedDataFile,
} from '../../../engine/test/support/shared-data.ts';

/** Reads a `time,open,high,low,close,volume` CSV; keeps the last `bars` rows when given. */
export function readCandles(path: string, bars?: number): CandleSeries {
  const lines = readFileSync(path, 'utf8').trim().split('\n').slice(1);
  const rows = bars === undefined ? lines : lines.slice(-bars);
  const n = rows.length;
  const cols = {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  rows.forEach((line, i) => {
    const [t, o, h, l, c, v] = line.split(',').map(Number);
    cols.time[i] = t!;
    cols.open[i] = o!;
    cols.high[i] = h!;
    cols.low[i] = l!;
    cols.close[i] = c!;
    cols.volume[i] = v!;
  });
  return {
    length: n,
    ...cols,
    source: path,
    timeframeMs: n > 1 ? cols.time[1]! - cols.time[0]! : undefined,
  } as CandleSeries;
}
