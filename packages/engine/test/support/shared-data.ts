import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** ../shared/data beside the repository: real candles for tests, never copied into the repo. */
export const SHARED_DATA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/data');

export function sharedDataFile(name: string): string | null {
  const path = resolve(SHARED_DATA_DIR, name);
  return existsSync(path) ? path : null;
}

export const SKIP_REASON = `real candles not found in ${SHARED_DATA_DIR} (../shared/data beside the repo): skipped`;
