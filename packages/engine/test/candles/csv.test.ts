import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@tradingbot/core';
import { loadCandlesCsv, parseCandlesCsv, writeCandlesCsv } from '../../src/index.ts';
import { dataFile, skipMessage } from '../indicators/real-data.ts';
import { realCandlesFile } from '../support/shared-data.ts';

const H = 'time,open,high,low,close,volume';
const T0 = Date.UTC(2023, 0, 1); // 1672531200000

function errorOf(text: string, name = 'data/BTCUSDT.csv'): AppError {
  try {
    parseCandlesCsv(text, name);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected parseCandlesCsv to throw');
}

describe('parseCandlesCsv: layouts', () => {
  it('reads the header format, detects the timeframe', () => {
    const s = parseCandlesCsv(
      `${H}\n${T0},100,110,90,105,12.5\n${T0 + 3_600_000},105,106,101,102,0\n${T0 + 7_200_000},102,103,100,101,3\n`,
      'x.csv',
    );
    expect(s.length).toBe(3);
    expect(Array.from(s.time)).toEqual([T0, T0 + 3_600_000, T0 + 7_200_000]);
    expect(Array.from(s.open)).toEqual([100, 105, 102]);
    expect(Array.from(s.high)).toEqual([110, 106, 103]);
    expect(Array.from(s.low)).toEqual([90, 101, 100]);
    expect(Array.from(s.close)).toEqual([105, 102, 101]);
    expect(Array.from(s.volume)).toEqual([12.5, 0, 3]);
    expect(s.timeframeMs).toBe(3_600_000);
    expect(s.source).toBe('x.csv');
  });

  it('timeframe = the most common step (a gap does not change it)', () => {
    const rows = [0, 1, 2, 5, 6].map((k) => `${T0 + k * 300_000},1,1,1,1,1`);
    expect(parseCandlesCsv(`${H}\n${rows.join('\n')}`, 'x.csv').timeframeMs).toBe(300_000);
  });

  it('ISO-8601 times (with Z, with an offset, without a zone = UTC), CRLF, BOM, blank lines', () => {
    const text = `\ufeff${H}\r\n2023-01-01T00:00:00Z,1,2,1,2,1\r\n2023-01-01T02:00:00+01:00,2,3,2,3,1\r\n\r\n2023-01-01 02:00,3,4,3,4,1\r\n\r\n`;
    const s = parseCandlesCsv(text, 'iso.csv');
    expect(Array.from(s.time)).toEqual([T0, T0 + 3_600_000, T0 + 7_200_000]);
  });

  it('Binance klines without a header (12 columns, ms times)', () => {
    const row = (t: number, o: number) =>
      `${t},${o},${o + 2},${o - 1},${o + 1},10,${t + 59_999},1000,5,4,400,0`;
    const s = parseCandlesCsv([row(T0, 100), row(T0 + 60_000, 101)].join('\n'), 'BTCUSDT-1m-2023-01.csv');
    expect(Array.from(s.time)).toEqual([T0, T0 + 60_000]);
    expect(Array.from(s.close)).toEqual([101, 102]);
    expect(s.timeframeMs).toBe(60_000);
  });

  it('Binance klines with the newer header and 16-digit microsecond times', () => {
    const us = (ms: number) => `${ms}000`;
    const text =
      'open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore\n' +
      `${us(T0)},100,102,99,101,10,${us(T0 + 299_999)},1000,5,4,400,0\n` +
      `${us(T0 + 300_000)},101,103,100,102,10,${us(T0 + 599_999)},1000,5,4,400,0\n`;
    const s = parseCandlesCsv(text, 'BTCUSDT-5m-2025-01.csv');
    expect(Array.from(s.time)).toEqual([T0, T0 + 300_000]);
    expect(s.timeframeMs).toBe(300_000);
  });

  it('10-digit epoch seconds', () => {
    const s = parseCandlesCsv(`${H}\n${T0 / 1000},1,1,1,1,1\n${T0 / 1000 + 3600},1,1,1,1,1`, 's.csv');
    expect(Array.from(s.time)).toEqual([T0, T0 + 3_600_000]);
  });

  it('writeCandlesCsv → parseCandlesCsv gives the same series back', () => {
    const text = `${H}\n${T0},16541.77,16544.76,16527.51,16535.38,486.60903\n${T0 + 300_000},16534.91,16540.43,16522.55,16526.67,391.19043\n`;
    const s = parseCandlesCsv(text, 'a.csv');
    expect(writeCandlesCsv(s)).toBe(text);
  });
});

describe('parseCandlesCsv: validation errors name the file and the line', () => {
  const ok = (k: number) => `${T0 + k * 60_000},100,101,99,100,1`;
  const cases: Array<[string, string, string, RegExp]> = [
    [
      'too few columns',
      `${H}\n${ok(0)}\n${T0 + 60_000},1,2,3`,
      'CANDLES_MALFORMED_ROW',
      /^BTCUSDT\.csv:3: expected 6 columns, found 4$/,
    ],
    [
      'unparsable number',
      `${H}\n${ok(0)}\n${T0 + 60_000},100,abc,99,100,1`,
      'CANDLES_MALFORMED_ROW',
      /^BTCUSDT\.csv:3: high "abc" is not a number$/,
    ],
    [
      'empty field',
      `${H}\n${T0},100,101,,100,1`,
      'CANDLES_MALFORMED_ROW',
      /^BTCUSDT\.csv:2: low "" is not a number$/,
    ],
    [
      'NaN price',
      `${H}\n${T0},NaN,101,99,100,1`,
      'CANDLES_MALFORMED_ROW',
      /^BTCUSDT\.csv:2: open "NaN" is not a number$/,
    ],
    [
      'zero price',
      `${H}\n${ok(0)}\n${ok(1)}\n${T0 + 120_000},0,101,0,100,1`,
      'CANDLES_INVALID_VALUE',
      /^BTCUSDT\.csv:4: open 0 is not a positive price$/,
    ],
    [
      'negative price',
      `${H}\n${T0},100,101,-1,100,1`,
      'CANDLES_INVALID_VALUE',
      /^BTCUSDT\.csv:2: low -1 is not a positive price$/,
    ],
    [
      'negative volume',
      `${H}\n${T0},100,101,99,100,-5`,
      'CANDLES_INVALID_VALUE',
      /^BTCUSDT\.csv:2: volume -5 is negative$/,
    ],
    [
      'high < low',
      `${H}\n${ok(0)}\n${ok(1)}\n${ok(2)}\n${T0 + 180_000},100,100,101,100,1`,
      'CANDLES_INVALID_VALUE',
      /^BTCUSDT\.csv:5: high 100 is below low 101$/,
    ],
    [
      'high < open',
      `${H}\n${T0},102,101,99,100,1`,
      'CANDLES_INVALID_VALUE',
      /^BTCUSDT\.csv:2: high 101 is below open 102$/,
    ],
    [
      'high < close',
      `${H}\n${T0},100,101,99,102,1`,
      'CANDLES_INVALID_VALUE',
      /^BTCUSDT\.csv:2: high 101 is below close 102$/,
    ],
    [
      'low > open',
      `${H}\n${T0},98,101,99,100,1`,
      'CANDLES_INVALID_VALUE',
      /^BTCUSDT\.csv:2: low 99 is above open 98$/,
    ],
    [
      'low > close',
      `${H}\n${T0},100,101,99,98.5,1`,
      'CANDLES_INVALID_VALUE',
      /^BTCUSDT\.csv:2: low 99 is above close 98.5$/,
    ],
    [
      'unsorted',
      `${H}\n${ok(0)}\n${ok(2)}\n${ok(1)}`,
      'CANDLES_UNSORTED',
      /^BTCUSDT\.csv:4: time 2023-01-01T00:01:00\.000Z is before/,
    ],
    [
      'duplicate',
      `${H}\n${ok(0)}\n${ok(1)}\n${ok(1)}`,
      'CANDLES_DUPLICATE_TIME',
      /^BTCUSDT\.csv:4: time 2023-01-01T00:01:00\.000Z appears twice$/,
    ],
    [
      'garbled time',
      `${H}\n${ok(0)}\nyesterday,100,101,99,100,1`,
      'CANDLES_MALFORMED_ROW',
      /^BTCUSDT\.csv:3: time "yesterday" is neither/,
    ],
    [
      'unknown header',
      `date,o,h,l,c,v\n${ok(0)}`,
      'CANDLES_MALFORMED_ROW',
      /^BTCUSDT\.csv:1: unrecognised header/,
    ],
    [
      'wrong column count without header',
      `${T0},1,2,0.5,1`,
      'CANDLES_MALFORMED_ROW',
      /^BTCUSDT\.csv:1: expected 6 columns .* or 12 .*found 5$/,
    ],
    [
      'mixed time units',
      `${H}\n${T0},100,101,99,100,1\n${T0 / 1000 + 60},100,101,99,100,1`,
      'CANDLES_MALFORMED_ROW',
      /^BTCUSDT\.csv:3: time \d+ has 10 digits.*mixed time units/,
    ],
    ['no rows', `${H}\n\n`, 'CANDLES_EMPTY', /^BTCUSDT\.csv: no candles found$/],
  ];
  it.each(cases)('%s', (_name, text, code, message) => {
    const error = errorOf(text);
    expect(error.code).toBe(code);
    expect(error.status).toBe(400);
    expect(error.message).toMatch(message);
  });
});

describe('loadCandlesCsv', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tb-engine-csv-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a missing file is a clear CANDLES_FILE_NOT_FOUND error', async () => {
    const path = join(dir, 'nope.csv');
    await expect(loadCandlesCsv(path)).rejects.toMatchObject({
      code: 'CANDLES_FILE_NOT_FOUND',
      status: 400,
      message: `candle file not found: ${path}`,
    });
    await expect(loadCandlesCsv(dir)).rejects.toMatchObject({ code: 'CANDLES_FILE_NOT_FOUND' });
  });

  it('loads a file (source = path) and resamples on request', async () => {
    const path = join(dir, 'five.csv');
    const rows = [0, 1, 2, 3].map((k) => `${T0 + k * 300_000},${10 + k},${12 + k},${9 + k},${11 + k},1`);
    await writeFile(path, `${H}\n${rows.join('\n')}\n`);
    const s = await loadCandlesCsv(path);
    expect(s.source).toBe(path);
    const q = await loadCandlesCsv(path, { timeframe: '15m' });
    // 00:00 bucket: rows 0..2 → open 10, high max(12,13,14) = 14, low 9, close 13, volume 3
    expect(Array.from(q.time)).toEqual([T0, T0 + 900_000]);
    expect([q.open[0], q.high[0], q.low[0], q.close[0], q.volume[0]]).toEqual([10, 14, 9, 13, 3]);
  });

  const big = dataFile('BTCUSDT-5m.csv');
  // Its speed is measured by `npm run bench` (timing goals live in benchmarks, not in tests).
  it.skipIf(big === null)('parses the 104,816-row 5m file', async () => {
    const s = await loadCandlesCsv(big!);
    expect(s.length).toBe(104_816);
    expect(s.timeframeMs).toBe(300_000);
    expect(s.time[0]).toBe(1672531200000);
    expect(s.time[s.length - 1]).toBe(1703980500000);
  });
  if (big === null) console.warn(skipMessage('BTCUSDT-5m.csv'));
});

describe('number parsing equals Number() (the fast decimal path is exact)', () => {
  it('random decimal strings (property)', () => {
    const decimal = fc
      .tuple(fc.bigInt({ min: 1n, max: 10n ** 17n }), fc.integer({ min: 0, max: 18 }))
      .map(([m, k]) => {
        const digits = m.toString().padStart(k + 1, '0');
        return k === 0 ? digits : `${digits.slice(0, digits.length - k)}.${digits.slice(digits.length - k)}`;
      });
    fc.assert(
      fc.property(decimal, (x) => {
        const s = parseCandlesCsv(`${H}\n${T0},${x},${x},${x},${x},${x}`, 'p.csv');
        return s.open[0] === Number(x) && s.volume[0] === Number(x);
      }),
      { numRuns: 2000 },
    );
  });

  const real = realCandlesFile('BTCUSDT-1h.csv').path;
  it('every value of BTCUSDT-1h.csv equals a naive split + Number() parse', () => {
    const text = readFileSync(real, 'utf8');
    const s = parseCandlesCsv(text, real);
    const lines = text.trim().split('\n').slice(1);
    expect(s.length).toBe(lines.length);
    const cols = [s.time, s.open, s.high, s.low, s.close, s.volume];
    lines.forEach((line, i) => {
      const parts = line.split(',').map(Number);
      for (let k = 0; k < 6; k++) if (cols[k]![i] !== parts[k]) throw new Error(`row ${i} col ${k}`);
    });
  });
});
