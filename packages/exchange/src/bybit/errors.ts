import type { AppError } from '@tradingbot/core';
import type { ExchangeErrorCode } from '../errors.ts';
import { venueError } from '../venue/venue-error.ts';

/** How the shared venue protocol (src/venue/) names this venue in messages and details. */
export const BYBIT_VENUE = { id: 'bybit', name: 'Bybit' } as const;

/**
 * Bybit V5 `retCode`s (https://bybit-exchange.github.io/docs/v5/error; streams.md §3.3) and the
 * typed error each maps onto — the same typed errors the other clients raise.
 */
const CODE_MAP: ReadonlyMap<number, ExchangeErrorCode> = new Map<number, ExchangeErrorCode>([
  [10001, 'INVALID_REQUEST'], // Request parameter error (refined by its message, see below)
  [10002, 'EXCHANGE_TIMESTAMP_REJECTED'], // request time outside the time window
  [10003, 'EXCHANGE_AUTH_FAILED'], // API key invalid (or key and domain do not match)
  [10004, 'EXCHANGE_AUTH_FAILED'], // Error sign
  [10005, 'EXCHANGE_AUTH_FAILED'], // Permission denied for this key
  [10006, 'EXCHANGE_RATE_LIMITED'], // Too many visits (per-UID rate limit)
  [10010, 'EXCHANGE_AUTH_FAILED'], // Unmatched IP
  [10016, 'EXCHANGE_UNAVAILABLE'], // Server error / service restarting
  [10017, 'INVALID_REQUEST'], // Route not found
  [10018, 'EXCHANGE_RATE_LIMITED'], // Exceeded the IP rate limit
  [110001, 'ORDER_NOT_FOUND'], // Order does not exist
  [110004, 'INSUFFICIENT_BALANCE'], // Wallet balance is insufficient
  [110007, 'INSUFFICIENT_BALANCE'], // available balance is insufficient
  [110012, 'INSUFFICIENT_BALANCE'], // Insufficient available balance
  [110008, 'ORDER_NOT_FOUND'], // Order already completed or cancelled
  [110017, 'REDUCE_ONLY_REJECTED'], // reduce-only rule not satisfied / qty truncated to zero
  [110020, 'ORDER_REJECTED'], // more than 500 active orders
  [110009, 'ORDER_REJECTED'], // too many stop orders
  [110024, 'ORDER_REJECTED'], // position mode switch blocked by positions
  [110028, 'ORDER_REJECTED'], // position mode switch blocked by open orders
  [110072, 'DUPLICATE_CLIENT_ORDER_ID'], // orderLinkId is duplicate
  [110092, 'ORDER_REJECTED'], // trigger price vs. current price (rising)
  [110093, 'ORDER_REJECTED'], // trigger price vs. current price (falling)
  [110094, 'ORDER_BELOW_MIN_NOTIONAL'], // order notional below the minimum
]);

export type BybitErrorInput = {
  venueCode: number | undefined;
  venueMessage: string;
  httpStatus: number;
  path?: string;
  /** `X-Bapi-Limit-Reset-Timestamp` minus now, for 10006. */
  retryAfterMs?: number;
  limit?: { limit?: number; remaining?: number; resetAt?: number };
};

/** Which typed error a Bybit answer maps onto. */
export function codeForBybitError(input: BybitErrorInput): ExchangeErrorCode {
  const { venueCode, venueMessage, httpStatus } = input;
  if (httpStatus === 429) return 'EXCHANGE_RATE_LIMITED';
  // 403 "access too frequent": the per-IP limit (the docs say stop for at least 10 minutes).
  if (httpStatus === 403 && venueCode === undefined) return 'EXCHANGE_RATE_LIMITED';
  if (venueCode === 10001) {
    if (/position\s*idx/i.test(venueMessage)) return 'POSITION_SIDE_MISMATCH';
    if (/symbol/i.test(venueMessage)) return 'UNKNOWN_SYMBOL';
    if (/leverage/i.test(venueMessage)) return 'LEVERAGE_OUT_OF_RANGE';
    if (/qty|quantity/i.test(venueMessage)) return 'INVALID_QUANTITY';
    if (/price/i.test(venueMessage)) return 'INVALID_PRICE';
    return 'INVALID_REQUEST';
  }
  if (venueCode !== undefined) {
    const mapped = CODE_MAP.get(venueCode);
    if (mapped !== undefined) return mapped;
  }
  if (httpStatus >= 500) return 'EXCHANGE_UNAVAILABLE';
  if (httpStatus === 401) return 'EXCHANGE_AUTH_FAILED';
  if (venueCode !== undefined) {
    // 110xxx / 3xxxx: order and position rules; 100xx: the request itself.
    if (venueCode >= 110_000 && venueCode < 120_000) return 'ORDER_REJECTED';
    if (venueCode >= 30_000 && venueCode < 40_000) return 'ORDER_REJECTED';
    if (venueCode >= 10_000 && venueCode < 11_000) return 'INVALID_REQUEST';
  }
  return 'EXCHANGE_ERROR';
}

/** Builds the typed error for a Bybit answer, keeping everything the venue said in `details`. */
export function bybitError(input: BybitErrorInput): AppError {
  const extra: Record<string, unknown> = {};
  if (input.path !== undefined) extra.path = input.path;
  if (input.retryAfterMs !== undefined) {
    extra.retryAfterMs = input.retryAfterMs;
    extra.retryAfter = Math.ceil(input.retryAfterMs / 1000);
  }
  if (input.limit !== undefined) extra.rateLimit = input.limit;
  return venueError(BYBIT_VENUE, codeForBybitError(input), input, extra, input.venueMessage.trim());
}
