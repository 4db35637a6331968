import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_CANDLES, SHARED_DATA } from './support/run-cli.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = join(ROOT, 'apps/cli/bin/tradingbot.js');
const FULL = join(SHARED_DATA, 'BTCUSDT-1h.csv');
// Without ../shared/data: the vendored sample, whose last candle opens at 2018-01-31 02:00 UTC.
const [REAL, LAST_TIME] = existsSync(FULL) ? [FULL, '1713708000000'] : [SAMPLE_CANDLES, '1517364000000'];

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'indicators', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
let small: string;
const T0 = Date.UTC(2023, 0, 1);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tb-cli-ind-'));
  small = join(dir, 'small.csv');
  // closes 1..5, hourly
  const rows = [1, 2, 3, 4, 5].map((c, i) => `${T0 + i * 3_600_000},${c},${c + 1},${c - 0.5},${c},10`);
  await writeFile(small, `time,open,high,low,close,volume\n${rows.join('\n')}\n`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tradingbot indicators (spawned)', () => {
  it('prints a table: ISO time, one column per output, empty cells during warm-up', () => {
    const r = run('--data', small, '--list', 'sma(3),rsi(2)');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]!.split(/\s+/)).toEqual(['time', 'sma(3)', 'rsi(2)']);
    // sma(3) of 1..5: -, -, (1+2+3)/3 = 2, 3, 4; rsi(2) of a rising series: -, -, 100, 100, 100
    expect(lines[1]!.trim()).toBe('2023-01-01T00:00:00Z');
    expect(lines[3]!.split(/\s+/)).toEqual(['2023-01-01T02:00:00Z', '2', '100']);
    expect(lines[5]!.split(/\s+/)).toEqual(['2023-01-01T04:00:00Z', '4', '100']);
    expect(lines.length).toBe(6);
  });

  it('--csv: epoch ms times, empty warm-up fields', () => {
    const r = run('--data', small, '--list', 'sma(3),tr', '--csv');
    expect(r.code).toBe(0);
    // tr: bar 0 = high - low = 2 - 0.5 = 1.5; later max(1.5, |c+1 - (c-1)| = 2, |c-0.5-(c-1)| = 0.5) = 2
    expect(r.stdout).toBe(
      [
        'time,sma(3),tr',
        `${T0},,1.5`,
        `${T0 + 3_600_000},,2`,
        `${T0 + 7_200_000},2,2`,
        `${T0 + 10_800_000},3,2`,
        `${T0 + 14_400_000},4,2`,
        '',
      ].join('\n'),
    );
  });

  it.each([
    [
      'missing file',
      ['--data', '/nonexistent/x.csv', '--list', 'rsi(14)'],
      /candle file not found: \/nonexistent\/x\.csv/,
    ],
    ['unknown indicator', ['--data', 'sample', '--list', 'rsi(14),wma(3)'], /unknown indicator "wma"/],
    ['bad argument', ['--list', 'bb(20,x)'], /bb: mult must be a number/],
    ['missing --list', ['--data', 'sample'], /--list is required/],
    ['unknown flag', ['--list', 'rsi', '--bogus'], /unknown option '--bogus'/],
    ['bad --last', ['--list', 'rsi', '--last', '0'], /--last must be at least 1/],
  ])('%s → exit 2 with a one-line message', (_name, args, message) => {
    const r = run(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a garbled file → exit 2 naming file and line', async () => {
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, `time,open,high,low,close,volume\n${T0},100,99,101,100,1\n`);
    const r = run('--data', bad, '--list', 'rsi');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.csv:2: high 99 is below low 101/);
  });

  it('the built-in synthetic sample works offline', () => {
    const r = run('--list', 'ema(20)', '--last', '3', '--csv');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^\d{13},\d+(\.\d+)?$/);
  });

  it('real data: last bars of BTCUSDT 1h with every indicator', () => {
    const r = run(
      '--data',
      REAL,
      '--list',
      'rsi(14),atr(14),supertrend(3,10),macd(12,26,9),stoch(14,1,3),bb(20,2),ichimoku(9,26,52,26)',
      '--last',
      '30',
      '--csv',
    );
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(31);
    // headers with commas are quoted
    expect(lines[0]).toBe(
      'time,rsi(14),atr(14),"supertrend(3,10).line","supertrend(3,10).direction",' +
        '"macd(12,26,9).macd","macd(12,26,9).signal","macd(12,26,9).hist","stoch(14,1,3).k","stoch(14,1,3).d",' +
        '"bb(20,2).basis","bb(20,2).upper","bb(20,2).lower","ichimoku(9,26,52,26).conversion",' +
        '"ichimoku(9,26,52,26).base","ichimoku(9,26,52,26).spanA","ichimoku(9,26,52,26).spanB",' +
        '"ichimoku(9,26,52,26).lagging"',
    );
    // the last bar: every column filled except the displayed lagging span (a future close)
    const last = lines[30]!.split(',');
    expect(last[0]).toBe(LAST_TIME);
    expect(last.slice(1, 17).every((v) => v !== '' && Number.isFinite(Number(v)))).toBe(true);
    expect(last[17]).toBe('');
    // no trailing noise: at most 8 decimals
    expect(lines.slice(1).every((l) => l.split(',').every((v) => !/\.\d{9,}/.test(v)))).toBe(true);
  });
});
