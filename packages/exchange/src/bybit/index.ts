export {
  BybitLinearClient,
  BYBIT_REST_URLS,
  mapPositionIdx,
  type BybitLinearClientOptions,
} from './client.ts';
export { BybitHttp, type BybitHttpOptions, type BybitRequestSpec } from './http.ts';
export { BYBIT_VENUE, bybitError, codeForBybitError } from './errors.ts';
export { bybitKlinesPage, BYBIT_KLINES_PAGE_LIMIT } from './klines.ts';
export { bybitSign, bybitWsSign, encodeBybitQuery } from './signing.ts';
export { toBybitInterval } from './parse.ts';
