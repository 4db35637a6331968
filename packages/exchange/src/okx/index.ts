export {
  OkxSwapClient,
  OKX_REST_URL,
  mapPosSide,
  okxStreamUrlBeside,
  type OkxSwapClientOptions,
} from './client.ts';
export { okxFundingPage, okxKlinesPage, OKX_FUNDING_PAGE_LIMIT, OKX_KLINES_PAGE_LIMIT } from './klines.ts';
export { okxSign, okxTimestamp, encodeQuery as encodeOkxQuery } from './signing.ts';
export { okxError, codeForOkxError, type OkxErrorInput } from './errors.ts';
export { toOkxBar, OCO_LEG_SUFFIX } from './parse.ts';
export {
  OKX_WS_URLS,
  OkxAccountStream,
  OkxMarketStream,
  type OkxStreamHost,
  type OkxStreamOptions,
} from './stream.ts';
