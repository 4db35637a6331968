import { ExchangeErrors } from '../errors.ts';
import type { FetchKlinesPage } from '../download.ts';
import type { FetchFundingPage, FundingRateRow } from '../funding-download.ts';
import { normalizeSymbol } from '../symbols.ts';
import { OkxHttp } from './http.ts';
import { OKX_REST_URL } from './client.ts';
import { okxBarMs, parseCandles, toOkxBar } from './parse.ts';

type PublicHttpOptions = { baseUrl?: string; fetch?: typeof fetch; timeoutMs?: number; now?: () => number };

/** The unsigned HTTP layer of the public market-data pages. */
function publicHttp(options: PublicHttpOptions): OkxHttp {
  return new OkxHttp({
    baseUrl: options.baseUrl ?? OKX_REST_URL,
    apiKey: '',
    apiSecret: '',
    passphrase: '',
    demo: false,
    timeoutMs: options.timeoutMs ?? 15_000,
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    now: options.now ?? Date.now,
    maxRetries: 5,
  });
}

/** `BTC-USDT-SWAP` as given, or mapped from `BTCUSDT`. */
function swapInstId(symbol: string): string {
  const raw = symbol.trim().toUpperCase();
  return /-SWAP$/.test(raw) ? raw : normalizeSymbol(raw, 'okx');
}

/** Events per OKX funding-rate history request (its documented page; newer docs allow more). */
export const OKX_FUNDING_PAGE_LIMIT = 100;

/**
 * The OKX page function for `downloadFunding`: public `GET /api/v5/public/funding-rate-history`
 * (no key; OKX keeps about three months). OKX pages newest first (`after` = older than, `before` =
 * newer than a funding time); one call of this function walks the window back from endTime in
 * pages of 100 and returns all of it oldest first. The rate is `realizedRate` (what was settled),
 * else `fundingRate`; OKX reports no mark price.
 */
export function okxFundingPage(options: PublicHttpOptions = {}): FetchFundingPage {
  const http = publicHttp(options);
  type Row = { fundingTime: string; fundingRate: string; realizedRate?: string };
  return async (query) => {
    const instId = swapInstId(query.symbol);
    const out: FundingRateRow[] = [];
    let after = query.endTime + 1;
    for (;;) {
      const rows = await http.request<Row>({
        method: 'GET',
        path: '/api/v5/public/funding-rate-history',
        query: { instId, after, before: query.startTime - 1, limit: OKX_FUNDING_PAGE_LIMIT },
        signed: false,
        safe: true,
      });
      for (const row of rows) {
        const realized =
          row.realizedRate === undefined || row.realizedRate === '' ? undefined : row.realizedRate;
        out.push({ time: Number(row.fundingTime), rate: Number(realized ?? row.fundingRate) });
      }
      const oldest = rows.length > 0 ? Number(rows[rows.length - 1]!.fundingTime) : NaN;
      if (rows.length < OKX_FUNDING_PAGE_LIMIT || !(oldest < after)) break;
      after = oldest;
    }
    return out.sort((a, b) => a.time - b.time);
  };
}

/** Candles per OKX page (history-candles documents at most 100). */
export const OKX_KLINES_PAGE_LIMIT = 100;
/** /market/candles serves only the latest 1440 bars (https://www.okx.com/docs-v5/en/#order-book-trading-market-data-get-candlesticks). */
const RECENT_CANDLES = 1440;
/** Empty windows skipped in one page call before reporting "no more data" (a listing gap). */
const MAX_EMPTY_WINDOWS = 50;

/**
 * The OKX page function for `downloadCandles`: public `GET /api/v5/market/candles` for the latest
 * 1440 bars and `/market/history-candles` before that (no key). OKX pages newest first with
 * `after` (older than) / `before` (newer than); each call asks the window
 * `(startTime − 1, startTime + 100 bars)`, so a page never skips candles, and returns it oldest
 * first with volumes in base units (contracts × ctVal). `BTCUSDT`-style symbols are mapped to
 * `BTC-USDT-SWAP`.
 */
export function okxKlinesPage(options: PublicHttpOptions = {}): FetchKlinesPage {
  const http = publicHttp(options);
  let synced = false;
  const ctVals = new Map<string, string>();
  return async (query) => {
    const bar = toOkxBar(query.timeframe);
    const step = bar === undefined ? undefined : okxBarMs(bar);
    if (bar === undefined || step === undefined) {
      throw ExchangeErrors.create('INVALID_REQUEST', {
        message: `OKX has no fixed-length candle bar "${query.timeframe}"`,
        details: { venue: 'okx', timeframe: query.timeframe },
      });
    }
    const instId = swapInstId(query.symbol);
    // The server clock decides which endpoint serves a window.
    if (!synced) {
      await http.syncTime();
      synced = true;
    }
    let ctVal = ctVals.get(instId);
    if (ctVal === undefined) {
      const rows = await http.request<{ ctVal: string }>({
        method: 'GET',
        path: '/api/v5/public/instruments',
        query: { instType: 'SWAP', instId },
        signed: false,
        safe: true,
      });
      ctVal = rows[0]?.ctVal ?? '1';
      ctVals.set(instId, ctVal);
    }
    let start = query.startTime;
    for (let window = 0; window < MAX_EMPTY_WINDOWS && start <= query.endTime; window++) {
      const after = Math.min(query.endTime + 1, start + OKX_KLINES_PAGE_LIMIT * step);
      const recent = after > http.serverNow() - RECENT_CANDLES * step;
      const rows = await http.request<unknown>({
        method: 'GET',
        path: recent ? '/api/v5/market/candles' : '/api/v5/market/history-candles',
        query: { instId, bar, after, before: start - 1, limit: OKX_KLINES_PAGE_LIMIT },
        signed: false,
        safe: true,
      });
      const page = parseCandles(rows, ctVal).filter((k) => k.openTime >= query.startTime);
      if (page.length > 0) return page;
      start = after;
    }
    return [];
  };
}
