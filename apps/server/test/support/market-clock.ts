import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The market clock of replayed candles, shared by a simulator in this process (`now`) and the bots
 * of a server process (serve-market-clock.ts reads `file`): epoch ms in a file in `dir`, replaced
 * atomically by `set`.
 */
export function marketClock(dir: string, first: number) {
  const file = join(dir, 'clock');
  let value = first;
  const set = (ms: number) => {
    value = ms;
    writeFileSync(`${file}.tmp`, String(ms));
    renameSync(`${file}.tmp`, file);
  };
  set(first);
  return { file, now: () => value, set };
}
