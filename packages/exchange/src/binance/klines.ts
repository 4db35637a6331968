import { ExchangeErrors } from '../errors.ts';
import type { FetchKlinesPage } from '../download.ts';
import type { FetchFundingPage } from '../funding-download.ts';
import { BinanceHttp } from './http.ts';
import { BINANCE_FAPI_URL } from './client.ts';
import { parseKline, toBinanceInterval } from './parse.ts';

type PublicHttpOptions = { baseUrl?: string; fetch?: typeof fetch; timeoutMs?: number; now?: () => number };

/** The unsigned HTTP layer of the public market-data pages (weight-aware, 429 back-off, retries). */
function publicHttp(options: PublicHttpOptions): BinanceHttp {
  return new BinanceHttp({
    baseUrl: options.baseUrl ?? BINANCE_FAPI_URL,
    apiKey: '',
    apiSecret: '',
    recvWindow: 5000,
    timeoutMs: options.timeoutMs ?? 15_000,
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    now: options.now ?? Date.now,
    maxRetries: 5,
  });
}

/** Binance's largest funding-rate history page. */
export const BINANCE_FUNDING_PAGE_LIMIT = 1000;

/**
 * The Binance page function for `downloadFunding`: public `GET /fapi/v1/fundingRate` (no key), up
 * to 1000 events from startTime, oldest first, with the mark price each was settled at (empty on
 * old records: left out).
 */
export function binanceFundingPage(options: PublicHttpOptions = {}): FetchFundingPage {
  const http = publicHttp(options);
  return async (query) => {
    const rows = await http.request<Array<{ fundingTime: number; fundingRate: string; markPrice?: string }>>({
      method: 'GET',
      path: '/fapi/v1/fundingRate',
      params: {
        symbol: query.symbol.trim().toUpperCase(),
        startTime: query.startTime,
        endTime: query.endTime,
        limit: BINANCE_FUNDING_PAGE_LIMIT,
      },
      signed: false,
      safe: true,
    });
    return rows.map((row) => {
      const mark = row.markPrice === undefined || row.markPrice === '' ? undefined : Number(row.markPrice);
      return { time: Number(row.fundingTime), rate: Number(row.fundingRate), markPrice: mark };
    });
  };
}

/** Binance's largest klines page. */
export const BINANCE_KLINES_PAGE_LIMIT = 1500;

/**
 * The Binance page function for `downloadCandles`: public `GET /fapi/v1/klines` (no key), up to
 * 1500 candles per call, through the same HTTP layer as the client (weight-aware, 429 back-off,
 * retries with jitter).
 */
export function binanceKlinesPage(options: PublicHttpOptions = {}): FetchKlinesPage {
  const http = publicHttp(options);
  let synced = false;
  return async (query) => {
    const interval = toBinanceInterval(query.timeframe);
    if (interval === undefined) {
      throw ExchangeErrors.create('INVALID_REQUEST', {
        message: `Binance has no kline interval "${query.timeframe}"`,
        details: { venue: 'binance', timeframe: query.timeframe },
      });
    }
    // The server clock decides which candle is still forming.
    if (!synced) {
      await http.syncTime();
      synced = true;
    }
    const rows = await http.request<unknown[]>({
      method: 'GET',
      path: '/fapi/v1/klines',
      params: {
        symbol: query.symbol.trim().toUpperCase(),
        interval,
        startTime: query.startTime,
        endTime: query.endTime,
        limit: BINANCE_KLINES_PAGE_LIMIT,
      },
      signed: false,
      safe: true,
    });
    const serverNow = http.serverNow();
    return rows.map((row) => parseKline(row, serverNow));
  };
}
