import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CandleSeries } from '@tradingbot/engine';

/** ../shared/data beside the repository root: real candles, never copied into the repo. */
export const SHARED_DATA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/data');

export function sharedDataFile(name: string): string | null {
  const path = resolve(SHARED_DATA_DIR, name);
  return existsSync(path) ? path : null;
}

export const SKIP_REASON = `real candles not found in ${SHARED_DATA_DIR} (../shared/data beside the repo): parity on real data skipped`;

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
