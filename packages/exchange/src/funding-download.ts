import { existsSync } from 'node:fs';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { ExchangeErrors } from './errors.ts';

/**
 * Venue-agnostic funding-rate download (`tradingbot data download --funding`): pages through a
 * venue's public funding-rate history, appends the events to a CSV after each page and resumes
 * after the last event of an existing file. The CSV is what `tradingbot backtest --funding` reads
 * (the engine's `parseFundingCsv`): `time,rate,mark_price` — funding time in epoch ms (UTC), the
 * rate settled as a fraction (0.0001 = 0.01 %; positive: longs pay shorts), the mark price it was
 * settled at in quote currency, empty when the venue does not report it (OKX).
 */

export type FundingRateRow = { time: number; rate: number; markPrice?: number | undefined };

export type FundingPageQuery = {
  symbol: string;
  /** First funding time wanted (inclusive, epoch ms). */
  startTime: number;
  /** Last funding time wanted (inclusive, epoch ms). */
  endTime: number;
};

/** Events with startTime ≤ time ≤ endTime, oldest first; an empty page means no more data. */
export type FetchFundingPage = (query: FundingPageQuery) => Promise<FundingRateRow[]>;

export const FUNDING_CSV_HEADER = 'time,rate,mark_price';

export type FundingDownloadOptions = {
  fetchPage: FetchFundingPage;
  symbol: string;
  /** First funding time (epoch ms). Ignored when resuming past it. */
  from: number;
  /** End of the range (exclusive, epoch ms); defaults to now. */
  to?: number;
  out: string;
  now?: () => number;
  onProgress?: (progress: { written: number; lastTime: number }) => void;
  /** Safety cap on the number of pages. */
  maxPages?: number;
};

export type FundingDownloadResult = {
  written: number;
  startTime: number;
  lastTime: number | undefined;
  resumed: boolean;
  pages: number;
};

async function lastFundingTime(path: string): Promise<number | undefined> {
  const lines = (await readFile(path, 'utf8')).trimEnd().split(/\r?\n/);
  const header = lines[0]?.trim();
  if (header !== undefined && header !== '' && header !== FUNDING_CSV_HEADER) {
    throw ExchangeErrors.create('INVALID_REQUEST', {
      message: `${path} exists but is not a funding CSV (header "${header}", expected "${FUNDING_CSV_HEADER}")`,
      details: { path },
    });
  }
  const last = lines.length > 1 ? lines[lines.length - 1]!.split(',')[0] : undefined;
  return last !== undefined && /^\d+$/.test(last.trim()) ? Number(last) : undefined;
}

const csvLine = (row: FundingRateRow): string => `${row.time},${row.rate},${row.markPrice ?? ''}`;

/** Downloads the funding events of `[from, to)` into `out`, page by page. */
export async function downloadFunding(options: FundingDownloadOptions): Promise<FundingDownloadResult> {
  const now = options.now ?? Date.now;
  const to = Math.min(options.to ?? Number.POSITIVE_INFINITY, now());
  let cursor = options.from;
  const last = existsSync(options.out) ? await lastFundingTime(options.out) : undefined;
  if (last === undefined) await writeFile(options.out, `${FUNDING_CSV_HEADER}\n`);
  else cursor = Math.max(cursor, last + 1);
  const startTime = cursor;
  let written = 0;
  let pages = 0;
  let lastTime: number | undefined;
  const maxPages = options.maxPages ?? 10_000;
  while (cursor < to && pages < maxPages) {
    const page = await options.fetchPage({ symbol: options.symbol, startTime: cursor, endTime: to - 1 });
    pages++;
    const fresh = page.filter((row) => row.time >= cursor && row.time < to);
    if (fresh.length === 0) break;
    await appendFile(options.out, `${fresh.map(csvLine).join('\n')}\n`);
    written += fresh.length;
    lastTime = fresh[fresh.length - 1]!.time;
    cursor = lastTime + 1;
    options.onProgress?.({ written, lastTime });
  }
  return { written, startTime, lastTime, resumed: last !== undefined, pages };
}
