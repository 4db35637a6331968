import { createHmac } from 'node:crypto';

/** A query parameter as callers give it; `undefined` drops the parameter. */
export type BybitQueryValue = string | number | boolean | undefined;
export type BybitQuery = Record<string, BybitQueryValue>;

/**
 * `k=v&…` in the caller's order, values URL-encoded (Bybit signs the query string exactly as sent;
 * ours never needs encoding: symbols, numbers and ids are `[A-Za-z0-9_-]`).
 */
export function encodeBybitQuery(query: BybitQuery): string {
  return Object.entries(query)
    .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
}

/**
 * `X-BAPI-SIGN`: lower-case hex HMAC-SHA256 of `timestamp + apiKey + recvWindow + payload`, the
 * payload being the query string of a GET or the JSON body of a POST, byte for byte as sent
 * (streams.md §3.2).
 */
export function bybitSign(
  secret: string,
  timestamp: number | string,
  apiKey: string,
  recvWindow: number | string,
  payload: string,
): string {
  return createHmac('sha256', secret)
    .update(`${timestamp}${apiKey}${recvWindow}${payload}`, 'utf8')
    .digest('hex');
}

/** The private WebSocket's `auth` signature: hex HMAC-SHA256 of `GET/realtime` + expires (ms). */
export function bybitWsSign(secret: string, expires: number): string {
  return createHmac('sha256', secret).update(`GET/realtime${expires}`, 'utf8').digest('hex');
}
