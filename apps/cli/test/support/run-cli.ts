import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/tradingbot.js');
const override = process.env.TRADINGBOT_SHARED_DATA_DIR;
/** Full-size real candles (../shared/data beside the repo, or TRADINGBOT_SHARED_DATA_DIR); never in the repo. */
export const SHARED_DATA =
  override !== undefined && override !== ''
    ? resolve(override)
    : resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/data');
/** The vendored fallback: the first 4,000 BTCUSDT 1h candles (2017-08-17 → 2018-01-31), see its README. */
export const SAMPLE_CANDLES = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../packages/engine/test/fixtures/BTCUSDT-1h-sample.csv',
);

export type CliRun = { code: number; stdout: string; stderr: string };

/** Runs the real `tradingbot` binary in a child process, as a user would. */
export function runCli(
  args: string[],
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CliRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: 64 * 1024 * 1024,
        ...(options.env ? { env: options.env } : {}),
        ...(options.cwd ? { cwd: options.cwd } : {}),
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}
