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
  const fields: string[] = [];

  while (pos < length) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = length;
    lineNo++;
    let lineEnd = end;
    if (lineEnd > pos && text.charCodeAt(lineEnd - 1) === 13) lineEnd--; // \r\n
    const line = text.slice(pos, lineEnd);
    pos = end + 1;
    if (line.trim() === '') continue;

    if (columns === 0) {
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

    // Split into fields without a regex.
    fields.length = 0;
    let start = 0;
    for (let c = line.indexOf(','); c !== -1; c = line.indexOf(',', start)) {
      fields.push(line.slice(start, c));
      start = c + 1;
    }
    fields.push(line.slice(start));
    if (fields.length !== columns) {
      throw fail('CANDLES_MALFORMED_ROW', lineNo, `expected ${columns} columns, found ${fields.length}`);
    }

    // Time.
    const tField = fields[0]!.trim();
    let t: number;
    if (/^\d+$/.test(tField)) {
      const digits = tField.length;
      const rowUnit: TimeUnit = digits === 16 ? 'us' : digits === 10 ? 's' : 'ms';
      if (unit === undefined) {
        unit = rowUnit;
        unitDigits = digits;
      } else if (rowUnit !== unit) {
        throw fail(
          'CANDLES_MALFORMED_ROW',
          lineNo,
          `time ${tField} has ${digits} digits, but the first row's time had ${unitDigits} (mixed time units)`,
        );
      }
      const v = Number(tField);
      t = unit === 'us' ? Math.floor(v / 1000) : unit === 's' ? v * 1000 : v;
    } else {
      t = parseIsoTime(tField);
      if (Number.isNaN(t))
        throw fail(
          'CANDLES_MALFORMED_ROW',
          lineNo,
          `time "${tField}" is neither an epoch integer nor an ISO-8601 date`,
        );
    }
    if (!Number.isSafeInteger(t))
      throw fail('CANDLES_INVALID_VALUE', lineNo, `time ${tField} is out of range`);

    const o = parseNumber(fields[1]!);
    const h = parseNumber(fields[2]!);
    const l = parseNumber(fields[3]!);
    const c = parseNumber(fields[4]!);
    const v = parseNumber(fields[5]!);
    const names = ['open', 'high', 'low', 'close', 'volume'] as const;
    const values = [o, h, l, c, v];
    for (let k = 0; k < 5; k++) {
      if (Number.isNaN(values[k]!)) {
        throw fail('CANDLES_MALFORMED_ROW', lineNo, `${names[k]} "${fields[k + 1]!.trim()}" is not a number`);
      }
    }
    for (let k = 0; k < 4; k++) {
      const x = values[k]!;
      if (!(x > 0) || !Number.isFinite(x))
        throw fail('CANDLES_INVALID_VALUE', lineNo, `${names[k]} ${x} is not a positive price`);
    }
    if (!(v >= 0) || !Number.isFinite(v))
      throw fail('CANDLES_INVALID_VALUE', lineNo, `volume ${v} is negative`);
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

/** A decimal number; NaN for an empty or garbled field. */
function parseNumber(field: string): number {
  const x = Number(field);
  if (x === 0 && field.trim() === '') return NaN;
  return x;
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
