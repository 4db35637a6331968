import { createHmac } from 'node:crypto';

/** A request parameter as callers give it; `undefined` drops the parameter. */
export type ParamValue = string | number | boolean | undefined;
export type Params = Record<string, ParamValue>;

/**
 * Encodes parameters as `application/x-www-form-urlencoded` in insertion order, the way the
 * official connector does (`encodeURIComponent` on keys and values). The signature is computed
 * over exactly these bytes, so the order here is the order on the wire.
 */
export function encodeParams(params: Params): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  }
  return parts.join('&');
}

/** `hex(HMAC-SHA256(secret, payload))`: Binance's signature over `queryString + body` (no `&` between). */
export function hmacSha256Hex(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload, 'utf8').digest('hex');
}

/** Appends `signature` as the last parameter of an already-encoded string. */
export function appendSignature(encoded: string, secret: string, prefix = ''): string {
  const signature = hmacSha256Hex(secret, prefix + encoded);
  return encoded === '' ? `signature=${signature}` : `${encoded}&signature=${signature}`;
}
