import { existsSync } from 'node:fs';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { ExchangeErrors } from './errors.ts';
import type { Kline } from './types.ts';
import { timeframeMs } from './paper/paper-exchange.ts';

/**
 * Venue-agnostic candle download: pages through a venue's public klines endpoint, keeps only closed
 * candles, appends them to a CSV (`time,open,high,low,close,volume`, epoch-ms open times) after
 * each page, and resumes after the last candle of an existing file. A venue plugs in one
 * `FetchKlinesPage` function (Binance: `binanceKlinesPage`).
 */

export type KlinesPageQuery = {
  symbol: string;
  timeframe: string;
  /** First open time wanted (inclusive, epoch ms). */
  startTime: number;
  /** Last open time wanted (inclusive, epoch ms). */
  endTime: number;
};

/** One page of candles, oldest first, with open times ≥ startTime; an empty page means no more data. */
export type FetchKlinesPage = (query: KlinesPageQuery) => Promise<Kline[]>;

export type CandleRow = {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
};

export const CANDLE_CSV_HEADER = 'time,open,high,low,close,volume';

export type DownloadOptions = {
  fetchPage: FetchKlinesPage;
  symbol: string;
  timeframe: string;
  /** First open time (epoch ms). Ignored when resuming past it. */
  from: number;
  /** End of the range (exclusive, epoch ms); defaults to now. */
  to?: number;
  out: string;
  now?: () => number;
  /** Called after each page is written. */
  onProgress?: (progress: { written: number; lastTime: number; from: number; to: number }) => void;
  /** Safety cap on the number of pages. */
  maxPages?: number;
};

export type DownloadResult = {
  written: number;
  /** Open time the download started at (after the existing file's last candle when resuming). */
  startTime: number;
  lastTime: number | undefined;
  resumed: boolean;
  pages: number;
};

/** Reads `time,open,high,low,close,volume` CSV text (header optional) into rows, oldest first. */
export function parseCandlesCsv(text: string): CandleRow[] {
  const rows: CandleRow[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || (index === 0 && /^[a-z]/i.test(trimmed))) return;
    const cells = trimmed.split(',').map(Number);
    if (cells.length < 6 || cells.slice(0, 6).some((c) => !Number.isFinite(c))) {
      throw ExchangeErrors.create('INVALID_REQUEST', {
        message: `Line ${index + 1} of the candle CSV is not time,open,high,low,close,volume: "${trimmed.slice(0, 80)}"`,
        details: { line: index + 1 },
      });
    }
    const [time, open, high, low, close, volume] = cells as [number, number, number, number, number, number];
    rows.push({ time, open, high, low, close, volume });
  });
  return rows;
}

async function lastCandleTime(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8');
  const lines = text.trimEnd().split(/\r?\n/);
  const header = lines[0]?.trim();
  if (header !== undefined && header !== '' && /^[a-z]/i.test(header) && header !== CANDLE_CSV_HEADER) {
    throw ExchangeErrors.create('INVALID_REQUEST', {
      message: `${path} exists but is not a candle CSV (header "${header}", expected "${CANDLE_CSV_HEADER}")`,
      details: { path },
    });
  }
  for (let i = lines.length - 1; i >= 0; i--) {
    const first = lines[i]?.split(',')[0];
    if (first !== undefined && /^\d+$/.test(first.trim())) return Number(first);
  }
  return undefined;
}

/**
 * Downloads closed candles for `[from, to)` into `out`, page by page. Rate limits are the page
 * function's concern (the venue clients wait out 429s and weight limits).
 */
export async function downloadCandles(options: DownloadOptions): Promise<DownloadResult> {
  const now = options.now ?? Date.now;
  const step = timeframeMs(options.timeframe);
  const to = Math.min(options.to ?? Number.POSITIVE_INFINITY, now());
  let cursor = options.from;
  let resumed = false;
  if (existsSync(options.out)) {
    const last = await lastCandleTime(options.out);
    if (last !== undefined) {
      resumed = true;
      cursor = Math.max(cursor, last + step);
    } else {
      await writeFile(options.out, `${CANDLE_CSV_HEADER}\n`);
    }
  } else {
    await writeFile(options.out, `${CANDLE_CSV_HEADER}\n`);
  }
  const startTime = cursor;
  let written = 0;
  let pages = 0;
  let lastTime: number | undefined;
  const maxPages = options.maxPages ?? 100_000;
  while (cursor < to && pages < maxPages) {
    const page = await options.fetchPage({
      symbol: options.symbol,
      timeframe: options.timeframe,
      startTime: cursor,
      endTime: to - 1,
    });
    pages++;
    const current = now();
    const fresh = page.filter(
      (k) => k.openTime >= cursor && k.openTime < to && k.closed && k.openTime + step <= current,
    );
    if (fresh.length === 0) break;
    const lines = fresh
      .map((k) => `${k.openTime},${k.open},${k.high},${k.low},${k.close},${k.volume}`)
      .join('\n');
    await appendFile(options.out, `${lines}\n`);
    written += fresh.length;
    lastTime = (fresh[fresh.length - 1] as Kline).openTime;
    cursor = lastTime + step;
    options.onProgress?.({ written, lastTime, from: startTime, to });
  }
  return { written, startTime, lastTime, resumed, pages };
}
