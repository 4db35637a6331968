export {
  BinanceFuturesClient,
  BINANCE_FAPI_URL,
  BINANCE_DEMO_FAPI_URL,
  BINANCE_FSTREAM_URL,
  BINANCE_DEMO_FSTREAM_URL,
  mapPositionSide,
  type BinanceFuturesClientOptions,
} from './client.ts';
export {
  binanceFundingPage,
  binanceKlinesPage,
  BINANCE_FUNDING_PAGE_LIMIT,
  BINANCE_KLINES_PAGE_LIMIT,
} from './klines.ts';
export {
  encodeParams,
  hmacSha256Hex,
  appendSignature,
  binanceSigner,
  ed25519PrivateKey,
  ed25519PublicKey,
  ed25519Signature,
  isPemKey,
  verifyEd25519,
} from './signing.ts';
export { binanceError, codeForVenueError } from './errors.ts';
export { BinanceAccountStream, BinanceMarketStream, type BinanceStreamOptions } from './stream.ts';
export { parseUserFrame, parseMarketFrame } from './stream-parse.ts';
