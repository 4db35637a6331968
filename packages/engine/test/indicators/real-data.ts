import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCandlesCsv, type CandleSeries } from '../../src/index.ts';

/** /work/shared/data: `../shared/data` beside the repository root; never copied into the repo. */
export const DATA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/data');

export function dataFile(name: string): string | null {
  const path = resolve(DATA_DIR, name);
  return existsSync(path) ? path : null;
}

export const skipMessage = (name: string) =>
  `SKIPPED: real candles ${name} not found in ${DATA_DIR} (../shared/data beside the repo)`;

/** The first `bars` candles of a shared data file, or null when the file is absent. */
export async function loadReal(name: string, bars?: number): Promise<CandleSeries | null> {
  const path = dataFile(name);
  if (path === null) {
    console.warn(skipMessage(name));
    return null;
  }
  const s = await loadCandlesCsv(path);
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
