import { loadCandlesCsv, type CandleSeries } from '../../src/index.ts';
import { realCandlesFile, SHARED_DATA_DIR, sharedDataFile } from '../support/shared-data.ts';

export const DATA_DIR = SHARED_DATA_DIR;

export const dataFile = sharedDataFile;

export const skipMessage = (name: string) =>
  `SKIPPED: real candles ${name} not found in ${DATA_DIR} (../shared/data beside the repo)`;

/** The first `bars` candles of a shared data file, or null when the file is absent. */
export async function loadReal(name: string, bars?: number): Promise<CandleSeries | null> {
  const path = dataFile(name);
  if (path === null) {
    console.warn(skipMessage(name));
    return null;
  }
  return firstBars(await loadCandlesCsv(path), bars);
}

/** The first `bars` candles of a full-size data file, or of the vendored sample when it is absent. */
export async function loadRealOrSample(name: string, bars?: number): Promise<CandleSeries> {
  return firstBars(await loadCandlesCsv(realCandlesFile(name).path), bars);
}

function firstBars(s: CandleSeries, bars: number | undefined): CandleSeries {
  if (bars === undefined || bars >= s.length) return s;
  return {
    ...s,
    length: bars,
    time: s.time.slice(0, bars),
    open: s.open.slice(0, bars),
    high: s.high.slice(0, bars),
    low: s.low.slice(0, bars),
    close: s.close.slice(0, bars),
    volume: s.volume.slice(0, bars),
  };
}

/** Compares two series: same NaN positions, and |a-b| ≤ tol·max(1,|b|) elsewhere. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
  what = '',
): void {
  if (actual.length !== expected.length)
    throw new Error(`${what}: length ${actual.length} ≠ ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) !== Number.isNaN(a)) throw new Error(`${what}[${i}]: ${a} vs ${e} (NaN mismatch)`);
      continue;
    }
    if (Math.abs(a - e) > tol * Math.max(1, Math.abs(e))) throw new Error(`${what}[${i}]: ${a} vs ${e}`);
  }
}
