import { ExchangeErrors } from '../errors.ts';
import type { FetchKlinesPage } from '../download.ts';
import { BYBIT_REST_URLS } from './client.ts';
import { BybitHttp } from './http.ts';
import { bybitIntervalMs, parseKlines, toBybitInterval } from './parse.ts';

/** Bybit's largest kline page. */
export const BYBIT_KLINES_PAGE_LIMIT = 1000;

/**
 * The Bybit page function for `downloadCandles`: public `GET /v5/market/kline` (no key), up to
 * 1000 candles a call. Bybit answers the newest `limit` candles of [start, end], so each page asks
 * for exactly the window it can hold from `startTime` and returns it oldest first.
 */
export function bybitKlinesPage(
  options: { baseUrl?: string; fetch?: typeof fetch; timeoutMs?: number; now?: () => number } = {},
): FetchKlinesPage {
  const now = options.now ?? Date.now;
  const http = new BybitHttp({
    baseUrl: options.baseUrl ?? BYBIT_REST_URLS.live,
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
    const interval = toBybitInterval(query.timeframe);
    const step = interval === undefined ? undefined : bybitIntervalMs(interval);
    if (interval === undefined || step === undefined) {
      throw ExchangeErrors.create('INVALID_REQUEST', {
        message: `Bybit has no fixed-length kline interval "${query.timeframe}"`,
        details: { venue: 'bybit', timeframe: query.timeframe },
      });
    }
    if (!synced) {
      await http.syncTime();
      synced = true;
    }
    const end = Math.min(query.endTime, query.startTime + (BYBIT_KLINES_PAGE_LIMIT - 1) * step);
    const result = await http.request<{ list: unknown[] }>({
      method: 'GET',
      path: '/v5/market/kline',
      query: {
        category: 'linear',
        symbol: query.symbol.trim().toUpperCase(),
        interval,
        start: query.startTime,
        end,
        limit: BYBIT_KLINES_PAGE_LIMIT,
      },
      signed: false,
      safe: true,
    });
    return parseKlines(result.list, query.timeframe, http.serverNow()).filter(
      (k) => k.openTime >= query.startTime,
    );
  };
}
