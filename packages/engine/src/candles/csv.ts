import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { EngineErrors } from '../errors.ts';
import type { CandleSeries } from './series.ts';
import { detectTimeframeMs } from './timeframe.ts';
import { resample } from './resample.ts';

/**
 * Candle CSV reading and writing.
 *
 * Accepted layouts (detected from the first non-empty line):
 * - `time,open,high,low,close,volume` header, 6 columns (the project's own format);
 * - Binance kline dumps, 12 columns (openTime, open, high, low, close, volume, closeTime,
 *   quoteVolume, trades, takerBuyBase, takerBuyQuote, ignore), with no header or with the
 *   `open_time,open,high,low,close,volume,close_time,…` header of newer dumps; only the first six
 *   columns are read;
 * - a headerless 6-column file in the order of the header above.
 *
 * Times: ISO-8601 (`2023-01-01T00:00:00Z`; without a zone it is read as UTC) or an integer epoch.
 * The unit of integer times is decided once per file from the digit count of the first row:
 * 16 digits = microseconds (Binance spot dumps since 2025), 10 digits = seconds (2001-09-09 …
 * 2286-11-20 as seconds; the same digits as milliseconds would be January–April 1970, which no
 * market data uses), anything else = milliseconds. Every later row must have the same digit class.
 */

export type LoadCandlesOptions = {
  /** Resample to this timeframe after loading ('4h', '1d', …). */
  timeframe?: string;
};

/** Reads and validates a candle CSV file; `source` of the result is the path. */
export async function loadCandlesCsv(path: string, options: LoadCandlesOptions = {}): Promise<CandleSeries> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw EngineErrors.create('CANDLES_FILE_NOT_FOUND', {
      message:
        code === 'ENOENT'
          ? `candle file not found: ${path}`
          : code === 'EISDIR'
            ? `candle file is a directory: ${path}`
            : `cannot read candle file ${path}: ${(error as Error).message}`,
      details: { path, code },
      cause: error,
    });
  }
  const series = parseCandlesCsv(text, path);
  return options.timeframe === undefined ? series : resample(series, options.timeframe);
}

type TimeUnit = 'ms' | 's' | 'us';

const HEADER_6 = 'time,open,high,low,close,volume';

/**
 * Parses candle CSV text (see the module comment for the layouts). Errors name the file (base
 * name of `sourceName`) and the 1-based line: `BTCUSDT.csv:17: high 100 is below low 101`.
 */
// eslint-disable-next-line max-lines-per-function -- the CSV hot loop (timed in test/candles/csv.test.ts): one pass over the characters with its checks inline
export function parseCandlesCsv(text: string, sourceName: string): CandleSeries {
  const file = basename(sourceName);
  const fail = (
    code: 'CANDLES_MALFORMED_ROW' | 'CANDLES_INVALID_VALUE' | 'CANDLES_UNSORTED' | 'CANDLES_DUPLICATE_TIME',
    line: number,
    what: string,
  ) =>
    EngineErrors.create(code, {
      message: `${file}:${line}: ${what}`,
      details: { file: sourceName, line },
    });

  // Upper bound on the row count, so the columns are allocated once.
  let capacity = 1;
  for (let p = text.indexOf('\n'); p !== -1; p = text.indexOf('\n', p + 1)) capacity++;
  const time = new Float64Array(capacity);
  const open = new Float64Array(capacity);
  const high = new Float64Array(capacity);
  const low = new Float64Array(capacity);
  const close = new Float64Array(capacity);
  const volume = new Float64Array(capacity);

  let columns = 0; // expected column count, decided by the first non-empty line
  let unit: TimeUnit | undefined;
  let unitDigits = 0;
  let n = 0;
  let lineNo = 0;
  let pos = 0;
  const length = text.length;
  if (text.charCodeAt(0) === 0xfeff) pos = 1; // BOM
  const starts = new Int32Array(6);
  const ends = new Int32Array(6);
  const values = new Float64Array(5);

  while (pos < length) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = length;
    lineNo++;
    let lineEnd = end;
    if (lineEnd > pos && text.charCodeAt(lineEnd - 1) === 13) lineEnd--; // \r\n
    const lineStart = pos;
    pos = end + 1;
    if (isBlank(text, lineStart, lineEnd)) continue;

    if (columns === 0) {
      const line = text.slice(lineStart, lineEnd);
      const lower = line
        .trim()
        .toLowerCase()
        .replace(/\s*,\s*/g, ',');
      if (lower === HEADER_6) {
        columns = 6;
        continue;
      }
      if (lower.startsWith('open_time,open,high,low,close,volume')) {
        columns = lower.split(',').length;
        if (columns !== 12)
          throw fail(
            'CANDLES_MALFORMED_ROW',
            lineNo,
            `Binance kline header has ${columns} columns, expected 12`,
          );
        continue;
      }
      if (/^[a-z_"]/.test(lower)) {
        throw fail(
          'CANDLES_MALFORMED_ROW',
          lineNo,
          `unrecognised header "${line.trim().slice(0, 80)}" (expected "${HEADER_6}" or a Binance kline layout)`,
        );
      }
      const count = line.split(',').length;
      if (count !== 6 && count !== 12) {
        throw fail(
          'CANDLES_MALFORMED_ROW',
          lineNo,
          `expected 6 columns (${HEADER_6}) or 12 (Binance klines), found ${count}`,
        );
      }
      columns = count;
    }

    // Field boundaries without allocating: starts[k]..ends[k] within `text`.
    let count = 0;
    let a = lineStart;
    while (true) {
      const c = text.indexOf(',', a);
      const b = c === -1 || c > lineEnd ? lineEnd : c;
      if (count < 6) {
        starts[count] = a;
        ends[count] = b;
      }
      count++;
      if (b === lineEnd) break;
      a = b + 1;
    }
    if (count !== columns) {
      throw fail('CANDLES_MALFORMED_ROW', lineNo, `expected ${columns} columns, found ${count}`);
    }

    // Time: an epoch integer (unit from the digit count of the first row) or ISO-8601.
    let t = parseDigits(text, starts[0]!, ends[0]!);
    if (t >= 0) {
      const digits = digitCount(text, starts[0]!, ends[0]!);
      const rowUnit: TimeUnit = digits === 16 ? 'us' : digits === 10 ? 's' : 'ms';
      if (unit === undefined) {
        unit = rowUnit;
        unitDigits = digits;
      } else if (rowUnit !== unit) {
        throw fail(
          'CANDLES_MALFORMED_ROW',
          lineNo,
          `time ${t} has ${digits} digits, but the first row's time had ${unitDigits} (mixed time units)`,
        );
      }
      if (unit === 'us') t = Math.floor(t / 1000);
      else if (unit === 's') t *= 1000;
    } else {
      const tField = text.slice(starts[0]!, ends[0]!).trim();
      t = parseIsoTime(tField);
      if (Number.isNaN(t))
        throw fail(
          'CANDLES_MALFORMED_ROW',
          lineNo,
          `time "${tField}" is neither an epoch integer nor an ISO-8601 date`,
        );
    }
    if (!Number.isSafeInteger(t)) throw fail('CANDLES_INVALID_VALUE', lineNo, `time ${t} is out of range`);

    for (let k = 1; k <= 5; k++) {
      const x = parseDecimal(text, starts[k]!, ends[k]!);
      if (Number.isNaN(x)) {
        const field = text.slice(starts[k]!, ends[k]!).trim();
        throw fail('CANDLES_MALFORMED_ROW', lineNo, `${FIELD_NAMES[k - 1]} "${field}" is not a number`);
      }
      values[k - 1] = x;
    }
    const o = values[0]!;
    const h = values[1]!;
    const l = values[2]!;
    const c = values[3]!;
    const v = values[4]!;
    for (let k = 0; k < 4; k++) {
      const x = values[k]!;
      if (!(x > 0) || x === Infinity)
        throw fail('CANDLES_INVALID_VALUE', lineNo, `${FIELD_NAMES[k]} ${x} is not a positive price`);
    }
    if (!(v >= 0) || v === Infinity) throw fail('CANDLES_INVALID_VALUE', lineNo, `volume ${v} is negative`);
    if (h < l) throw fail('CANDLES_INVALID_VALUE', lineNo, `high ${h} is below low ${l}`);
    if (h < o) throw fail('CANDLES_INVALID_VALUE', lineNo, `high ${h} is below open ${o}`);
    if (h < c) throw fail('CANDLES_INVALID_VALUE', lineNo, `high ${h} is below close ${c}`);
    if (l > o) throw fail('CANDLES_INVALID_VALUE', lineNo, `low ${l} is above open ${o}`);
    if (l > c) throw fail('CANDLES_INVALID_VALUE', lineNo, `low ${l} is above close ${c}`);
    if (n > 0) {
      const prev = time[n - 1]!;
      if (t === prev)
        throw fail('CANDLES_DUPLICATE_TIME', lineNo, `time ${new Date(t).toISOString()} appears twice`);
      if (t < prev) {
        throw fail(
          'CANDLES_UNSORTED',
          lineNo,
          `time ${new Date(t).toISOString()} is before the previous row's ${new Date(prev).toISOString()} (rows must be sorted ascending)`,
        );
      }
    }
    time[n] = t;
    open[n] = o;
    high[n] = h;
    low[n] = l;
    close[n] = c;
    volume[n] = v;
    n++;
  }

  if (n === 0) {
    throw EngineErrors.create('CANDLES_EMPTY', {
      message: `${file}: no candles found`,
      details: { file: sourceName },
    });
  }
  const t = time.slice(0, n);
  const timeframeMs = detectTimeframeMs(t);
  return {
    length: n,
    time: t,
    open: open.slice(0, n),
    high: high.slice(0, n),
    low: low.slice(0, n),
    close: close.slice(0, n),
    volume: volume.slice(0, n),
    source: sourceName,
    ...(timeframeMs === undefined ? {} : { timeframeMs }),
  };
}

const FIELD_NAMES = ['open', 'high', 'low', 'close', 'volume'] as const;

function isBlank(text: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) {
    const ch = text.charCodeAt(i);
    if (ch !== 32 && ch !== 9 && ch !== 13) return false;
  }
  return true;
}

/** The value of text[a..b) when it is only digits (at most 16), else -1. */
function parseDigits(text: string, a: number, b: number): number {
  if (b <= a || b - a > 16) return -1;
  let v = 0;
  for (let i = a; i < b; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

function digitCount(text: string, a: number, b: number): number {
  return b - a;
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * A decimal number in text[a..b); NaN for an empty or garbled field. Fast path for plain
 * `digits[.digits]` with at most 15 significant digits: the integer mantissa and the power of ten
 * are both exact doubles, so one division gives the correctly rounded value, the same as Number().
 * Anything else (sign, exponent, spaces, long mantissas) goes through Number().
 */
function parseDecimal(text: string, a: number, b: number): number {
  let m = 0;
  let digits = 0;
  let frac = -1;
  for (let i = a; i < b; i++) {
    const ch = text.charCodeAt(i);
    if (ch >= 48 && ch <= 57) {
      m = m * 10 + (ch - 48);
      digits++;
      if (frac >= 0) frac++;
    } else if (ch === 46 && frac < 0) frac = 0;
    else {
      digits = -1;
      break;
    }
  }
  if (digits > 0 && digits <= 15) return frac > 0 ? m / POW10[frac]! : m;
  const field = text.slice(a, b);
  if (field.trim() === '') return NaN;
  return Number(field);
}

/** ISO-8601 date or date-time; a date-time without a zone is read as UTC. NaN when garbled. */
function parseIsoTime(field: string): number {
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(field)) return NaN;
  let s = field.replace(' ', 'T');
  if (s.length > 10 && !/(Z|[+-]\d{2}:?\d{2})$/.test(s)) s += 'Z';
  return Date.parse(s);
}

/** Shortest round-trip form of a number ("16541.77", not "16541.770000000001"). */
function formatNumber(x: number): string {
  return String(x);
}

/** The series as CSV text with the `time,open,high,low,close,volume` header (epoch ms times). */
export function writeCandlesCsv(series: CandleSeries): string {
  const parts: string[] = [HEADER_6];
  for (let i = 0; i < series.length; i++) {
    parts.push(
      `${series.time[i]!},${formatNumber(series.open[i]!)},${formatNumber(series.high[i]!)},${formatNumber(series.low[i]!)},${formatNumber(series.close[i]!)},${formatNumber(series.volume[i]!)}`,
    );
  }
  return parts.join('\n') + '\n';
}
