import { defineErrors } from '@tradingbot/core';

/**
 * The small typed error set every venue adapter maps its codes onto (ccxt-style split):
 * - refused before sending (our own validation through the instrument's rules): 400;
 * - network-level and retryable (timeout, unavailable, rate limit, unknown result): 429 / 503 / 504;
 * - rejections by the venue (auth, margin, order rules, position side…): 422, or 401 for auth.
 * Venue errors always carry `details: { venue, venueCode, venueMessage }` so nothing the venue
 * said is lost.
 */
export const ExchangeErrors = defineErrors({
  // Refused before any request is sent.
  UNKNOWN_EXCHANGE: { status: 400, message: 'Unknown exchange' },
  UNKNOWN_SYMBOL: { status: 400, message: 'Unknown symbol' },
  INVALID_QUANTITY: { status: 400, message: 'Invalid order quantity' },
  INVALID_PRICE: { status: 400, message: 'Invalid order price' },
  ORDER_BELOW_MIN_QTY: { status: 400, message: 'Order quantity is below the instrument minimum' },
  ORDER_BELOW_MIN_NOTIONAL: { status: 400, message: 'Order value is below the instrument minimum notional' },
  LEVERAGE_OUT_OF_RANGE: { status: 400, message: 'Leverage is outside the range the instrument allows' },
  INVALID_REQUEST: { status: 400, message: 'Invalid exchange request' },
  TRAILING_STOP_UNSUPPORTED: { status: 422, message: 'This venue does not place trailing stops (yet)' },

  // Network level: the outcome may be unknown; only safe requests are retried.
  EXCHANGE_TIMEOUT: { status: 504, message: 'The exchange did not answer in time' },
  EXCHANGE_UNAVAILABLE: { status: 503, message: 'The exchange is unavailable' },
  EXCHANGE_RATE_LIMITED: { status: 429, message: 'The exchange rate limit was reached' },
  EXCHANGE_RESULT_UNKNOWN: {
    status: 503,
    message: 'The exchange could not say whether the request was executed',
  },

  // Rejected by the venue.
  EXCHANGE_AUTH_FAILED: {
    status: 401,
    message: 'The exchange rejected the API key, signature or permissions',
  },
  EXCHANGE_TIMESTAMP_REJECTED: { status: 422, message: 'The exchange rejected the request timestamp' },
  INSUFFICIENT_BALANCE: { status: 422, message: 'Insufficient balance' },
  POSITION_SIDE_MISMATCH: {
    status: 422,
    message: "Order's position side does not match the account's position mode",
  },
  REDUCE_ONLY_REJECTED: {
    status: 422,
    message: 'Reduce-only order rejected: it would not reduce the position',
  },
  ORDER_REJECTED: { status: 422, message: 'The exchange rejected the order' },
  ORDER_NOT_FOUND: { status: 404, message: 'Order not found' },
  DUPLICATE_CLIENT_ORDER_ID: { status: 409, message: 'An order with this client order id already exists' },
  NO_POSITION: { status: 422, message: 'There is no position to close' },
  EXCHANGE_ERROR: { status: 502, message: 'The exchange returned an error' },
});

export type ExchangeErrorCode = keyof typeof ExchangeErrors.table;

/** Errors worth retrying for a request that is safe to repeat (reads, and writes that are idempotent). */
export const RETRYABLE_CODES: ReadonlySet<ExchangeErrorCode> = new Set([
  'EXCHANGE_TIMEOUT',
  'EXCHANGE_UNAVAILABLE',
  'EXCHANGE_RATE_LIMITED',
]);
