import type { AppError } from '@tradingbot/core';
import { ExchangeErrors } from '../errors.ts';

// Helpers of the shared venue HTTP protocol (signed-http.ts) and the venue parsers.

/**
 * A request that got no HTTP answer, as a typed error: EXCHANGE_TIMEOUT, or EXCHANGE_UNAVAILABLE
 * with the system code — marked `notSent` when the connection was never made (refused or
 * unresolvable), so callers know the request cannot have executed.
 */
export function networkError(
  venue: { id: string; name: string },
  request: { method: string; path: string },
  error: unknown,
  timeoutMs: number,
): AppError {
  const name = error instanceof Error ? error.name : '';
  const details: Record<string, unknown> = { venue: venue.id, path: request.path, method: request.method };
  if (name === 'TimeoutError' || name === 'AbortError') {
    return ExchangeErrors.create('EXCHANGE_TIMEOUT', {
      message: `${venue.name} did not answer ${request.method} ${request.path} within ${timeoutMs} ms`,
      details,
      cause: error,
    });
  }
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
  const sysCode = cause?.code ?? '';
  details.networkCode = sysCode;
  if (sysCode === 'ECONNREFUSED' || sysCode === 'ENOTFOUND' || sysCode === 'EAI_AGAIN')
    details.notSent = true;
  return ExchangeErrors.create('EXCHANGE_UNAVAILABLE', {
    message: `Could not reach ${venue.name} for ${request.method} ${request.path}: ${sysCode || (error instanceof Error ? error.message : String(error))}`,
    details,
    cause: error,
  });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Exponential backoff with jitter: `min(max, base·2^attempt)` scaled by a random factor in [0.5, 1). */
export function jitteredBackoffMs(
  attempt: number,
  options: { baseDelayMs: number; maxDelayMs: number; random: () => number },
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling * (0.5 + options.random() * 0.5));
}

/** A query or form parameter as callers give it; `undefined` drops the parameter. */
export type QueryValue = string | number | boolean | undefined;
export type QueryParams = Record<string, QueryValue>;

/**
 * Encodes parameters as `application/x-www-form-urlencoded` in insertion order
 * (`encodeURIComponent` on keys and values), skipping undefined values. Venues sign exactly these
 * bytes, so the order here is the order on the wire.
 */
export function encodeQuery(params: QueryParams): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  }
  return parts.join('&');
}
