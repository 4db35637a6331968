import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CandleRow } from '@tradingbot/engine';

/** Real hourly candles the bot tests replay: the vendored BTCUSDT sample (packages/engine/test/fixtures). */
export const SAMPLE = join(
  resolve(dirname(fileURLToPath(import.meta.url)), '../../../..'),
  'packages/engine/test/fixtures/BTCUSDT-1h-sample.csv',
);
export const HOUR = 3_600_000;

/** The sample's rows after its last exchange gap: consecutive hourly bars only. */
export function sampleRows(): CandleRow[] {
  const lines = readFileSync(SAMPLE, 'utf8').trim().split('\n').slice(1);
  const rows = lines.map((line) => {
    const [time, open, high, low, close, volume] = line.split(',').map(Number) as number[];
    return { time: time!, open: open!, high: high!, low: low!, close: close!, volume: volume! };
  });
  let start = 0;
  for (let i = 1; i < rows.length; i++) if (rows[i]!.time - rows[i - 1]!.time !== HOUR) start = i;
  return rows.slice(start);
}
