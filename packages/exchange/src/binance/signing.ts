import { createHmac } from 'node:crypto';
import { encodeQuery, type QueryParams, type QueryValue } from '../venue/http-common.ts';

/** A request parameter as callers give it; `undefined` drops the parameter. */
export type ParamValue = QueryValue;
export type Params = QueryParams;

/**
 * Encodes parameters as `application/x-www-form-urlencoded` in insertion order, the way the
 * official connector does; the signature is computed over exactly these bytes.
 */
export const encodeParams: (params: Params) => string = encodeQuery;

/** `hex(HMAC-SHA256(secret, payload))`: Binance's signature over `queryString + body` (no `&` between). */
export function hmacSha256Hex(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload, 'utf8').digest('hex');
}

/** Appends `signature` as the last parameter of an already-encoded string. */
export function appendSignature(encoded: string, secret: string, prefix = ''): string {
  const signature = hmacSha256Hex(secret, prefix + encoded);
  return encoded === '' ? `signature=${signature}` : `${encoded}&signature=${signature}`;
}
