import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/tradingbot.js');
export const SHARED_DATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/data');

export type CliRun = { code: number; stdout: string; stderr: string };

/** Runs the real `tradingbot` binary in a child process, as a user would. */
export function runCli(args: string[], options: { timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}
