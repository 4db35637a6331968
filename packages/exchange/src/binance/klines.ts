import { ExchangeErrors } from '../errors.ts';
import type { FetchKlinesPage } from '../download.ts';
import { BinanceHttp } from './http.ts';
import { BINANCE_FAPI_URL } from './client.ts';
import { parseKline, toBinanceInterval } from './parse.ts';

/** Binance's largest klines page. */
export const BINANCE_KLINES_PAGE_LIMIT = 1500;

/**
 * The Binance page function for `downloadCandles`: public `GET /fapi/v1/klines` (no key), up to
 * 1500 candles per call, through the same HTTP layer as the client (weight-aware, 429 back-off,
 * retries with jitter).
 */
export function binanceKlinesPage(
  options: { baseUrl?: string; fetch?: typeof fetch; timeoutMs?: number; now?: () => number } = {},
): FetchKlinesPage {
  const now = options.now ?? Date.now;
  const http = new BinanceHttp({
    baseUrl: options.baseUrl ?? BINANCE_FAPI_URL,
    apiKey: '',
    apiSecret: '',
    recvWindow: 5000,
    timeoutMs: options.timeoutMs ?? 15_000,
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    now,
    maxRetries: 5,
  });
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
