import { createHmac } from 'node:crypto';
import { encodeQuery, type QueryParams, type QueryValue } from '../venue/http-common.ts';

/** A query parameter as callers give it; `undefined` drops the parameter. */
export type { QueryValue };
export type Query = QueryParams;

/** Encodes query parameters in insertion order (`encodeURIComponent`), skipping undefined values. */
export { encodeQuery };

/**
 * `OK-ACCESS-TIMESTAMP`: ISO-8601 UTC with milliseconds, e.g. `2020-12-08T09:08:57.715Z`
 * (https://www.okx.com/docs-v5/en/#overview-rest-authentication-signature). The same string is
 * the first part of the signed payload.
 */
export function okxTimestamp(epochMs: number): string {
  return new Date(Math.round(epochMs)).toISOString();
}

/**
 * `OK-ACCESS-SIGN = Base64(HMAC-SHA256(secret, timestamp + METHOD + requestPath + body))`
 * (the signature doc above). `requestPath` includes the query string of a GET
 * (`/api/v5/account/balance?ccy=BTC`);
 * `body` is the raw JSON text sent, "" when there is none. The server verifies these exact bytes.
 */
export function okxSign(
  secret: string,
  timestamp: string,
  method: string,
  requestPath: string,
  body = '',
): string {
  return createHmac('sha256', secret)
    .update(`${timestamp}${method.toUpperCase()}${requestPath}${body}`, 'utf8')
    .digest('base64');
}
