import { createHmac } from 'node:crypto';

/** A query parameter as callers give it; `undefined` drops the parameter. */
export type QueryValue = string | number | boolean | undefined;
export type Query = Record<string, QueryValue>;

/**
 * `OK-ACCESS-TIMESTAMP`: ISO-8601 UTC with milliseconds, e.g. `2020-12-08T09:08:57.715Z`
 * (exchanges.md §2.2). The same string is the first part of the signed payload.
 */
export function okxTimestamp(epochMs: number): string {
  return new Date(Math.round(epochMs)).toISOString();
}

/**
 * `OK-ACCESS-SIGN = Base64(HMAC-SHA256(secret, timestamp + METHOD + requestPath + body))`
 * (exchanges.md §2.2). `requestPath` includes the query string of a GET (`/api/v5/account/balance?ccy=BTC`);
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

/** Encodes query parameters in insertion order (`encodeURIComponent`), skipping undefined values. */
export function encodeQuery(query: Query): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  }
  return parts.join('&');
}
