export {
  BinanceFuturesClient,
  BINANCE_FAPI_URL,
  BINANCE_DEMO_FAPI_URL,
  mapPositionSide,
  type BinanceFuturesClientOptions,
} from './client.ts';
export { binanceKlinesPage, BINANCE_KLINES_PAGE_LIMIT } from './klines.ts';
export { encodeParams, hmacSha256Hex, appendSignature } from './signing.ts';
export { binanceError, codeForVenueError } from './errors.ts';
