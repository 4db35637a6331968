import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * Full-size real candles, never copied into the repo: `../shared/data` beside the repository, or
 * the directory TRADINGBOT_SHARED_DATA_DIR names (point it at an empty directory to see what a
 * fresh clone runs).
 */
const override = process.env.TRADINGBOT_SHARED_DATA_DIR;
export const SHARED_DATA_DIR =
  override !== undefined && override !== '' ? resolve(override) : resolve(HERE, '../../../../../shared/data');

/**
 * The vendored fallback: the first 4,000 hourly BTCUSDT candles (two exchange gaps included), with
 * its source and licence in fixtures/README.md. Tests that need real candles use it when the full
 * files are absent, with the same assertions.
 */
export const SAMPLE_NAME = 'BTCUSDT-1h-sample.csv';
export const SAMPLE_FILE = resolve(HERE, '../fixtures', SAMPLE_NAME);

/** The path of a full-size data file, or null when it is absent. */
export function sharedDataFile(name: string): string | null {
  const path = resolve(SHARED_DATA_DIR, name);
  return existsSync(path) ? path : null;
}

/** The full-size file when present, else the vendored sample (saying so once per file). */
export function realCandlesFile(name: string): { path: string; sample: boolean } {
  const path = sharedDataFile(name);
  if (path !== null) return { path, sample: false };
  console.warn(`${name} not found in ${SHARED_DATA_DIR}: using the vendored ${SAMPLE_NAME} instead`);
  return { path: SAMPLE_FILE, sample: true };
}
