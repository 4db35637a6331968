import { binanceKlinesPage } from './binance/klines.ts';
import type { FetchKlinesPage } from './download.ts';
import { okxKlinesPage } from './okx/klines.ts';

/**
 * The venues' public candle endpoints, each as the page function `downloadCandles` walks: the one
 * map the CLI (`data download`) and the server (the strategy lab) both use. A base URL sends the
 * requests elsewhere (a simulator). OKX pages newest first (`after`/`before`); okxKlinesPage turns
 * that into oldest-first pages and takes `BTCUSDT` or `BTC-USDT-SWAP`.
 */
export const KLINES_PAGES = {
  binance: (baseUrl?: string): FetchKlinesPage => binanceKlinesPage(baseUrl !== undefined ? { baseUrl } : {}),
  okx: (baseUrl?: string): FetchKlinesPage => okxKlinesPage(baseUrl !== undefined ? { baseUrl } : {}),
} as const;

export type KlinesVenue = keyof typeof KLINES_PAGES;
