import type { AppError } from '@tradingbot/core';
import type { ExchangeErrorCode } from '../errors.ts';
import { venueError } from '../venue/venue-error.ts';

/** How the shared venue protocol (src/venue/) names this venue in messages and details. */
export const BINANCE_VENUE = { id: 'binance', name: 'Binance' } as const;

/**
 * Binance USDⓈ-M error codes and the typed error each maps onto
 * (https://developers.binance.com/docs/derivatives/usds-margined-futures/error-code). Codes not listed fall back on their family (see `codeForVenueError`).
 */
const CODE_MAP: ReadonlyMap<number, ExchangeErrorCode> = new Map<number, ExchangeErrorCode>([
  [-1000, 'EXCHANGE_ERROR'],
  [-1001, 'EXCHANGE_UNAVAILABLE'], // DISCONNECTED: internal error, not processed
  [-1002, 'EXCHANGE_AUTH_FAILED'], // UNAUTHORIZED
  [-1003, 'EXCHANGE_RATE_LIMITED'], // TOO_MANY_REQUESTS
  [-1006, 'EXCHANGE_RESULT_UNKNOWN'], // UNEXPECTED_RESP: execution status unknown
  [-1007, 'EXCHANGE_RESULT_UNKNOWN'], // TIMEOUT: "Send status unknown; execution status unknown"
  [-1008, 'EXCHANGE_UNAVAILABLE'], // server overloaded, not executed
  [-1021, 'EXCHANGE_TIMESTAMP_REJECTED'],
  [-1022, 'EXCHANGE_AUTH_FAILED'], // INVALID_SIGNATURE
  [-1111, 'INVALID_REQUEST'], // BAD_PRECISION
  [-1121, 'UNKNOWN_SYMBOL'],
  [-2010, 'ORDER_REJECTED'],
  [-2011, 'ORDER_NOT_FOUND'], // CANCEL_REJECTED "Unknown order sent."
  [-2013, 'ORDER_NOT_FOUND'], // NO_SUCH_ORDER
  [-2014, 'EXCHANGE_AUTH_FAILED'], // BAD_API_KEY_FMT
  [-2015, 'EXCHANGE_AUTH_FAILED'], // REJECTED_MBX_KEY
  [-2018, 'INSUFFICIENT_BALANCE'],
  [-2019, 'INSUFFICIENT_BALANCE'], // MARGIN_NOT_SUFFICIEN
  [-2022, 'REDUCE_ONLY_REJECTED'],
  [-2027, 'LEVERAGE_OUT_OF_RANGE'],
  [-2028, 'LEVERAGE_OUT_OF_RANGE'],
  [-4003, 'INVALID_QUANTITY'],
  [-4004, 'ORDER_BELOW_MIN_QTY'],
  [-4005, 'INVALID_QUANTITY'],
  [-4014, 'INVALID_PRICE'], // price not increased by tick size
  [-4023, 'INVALID_QUANTITY'], // qty not increased by step size
  [-4028, 'LEVERAGE_OUT_OF_RANGE'],
  [-4050, 'INSUFFICIENT_BALANCE'],
  [-4051, 'INSUFFICIENT_BALANCE'],
  [-4061, 'POSITION_SIDE_MISMATCH'],
  [-4116, 'DUPLICATE_CLIENT_ORDER_ID'],
  [-4118, 'REDUCE_ONLY_REJECTED'], // reduce-only margin check failed (a resting TP/SL blocks the close)
  [-4120, 'INVALID_REQUEST'], // conditional types must go to /fapi/v1/algoOrder
  [-4164, 'ORDER_BELOW_MIN_NOTIONAL'],
]);

/** The message Binance documents for a 503 whose execution status is unknown. */
export const UNKNOWN_RESULT_MESSAGE = 'Unknown error, please check your request or try again later.';

export type VenueErrorInput = {
  venueCode: number | undefined;
  venueMessage: string;
  httpStatus: number;
  path?: string;
  retryAfterMs?: number;
};

/** Which typed error a Binance answer maps onto. */
export function codeForVenueError(input: VenueErrorInput): ExchangeErrorCode {
  const { venueCode, venueMessage, httpStatus } = input;
  if (httpStatus === 418 || httpStatus === 429) return 'EXCHANGE_RATE_LIMITED';
  if (httpStatus === 503 && /unknown error/i.test(venueMessage)) return 'EXCHANGE_RESULT_UNKNOWN';
  if (httpStatus >= 500) {
    // Internal errors: not a verdict on the request. Placement treats them as uncertain (lookup).
    const mapped = venueCode === undefined ? undefined : CODE_MAP.get(venueCode);
    return mapped === 'EXCHANGE_RESULT_UNKNOWN' ? mapped : 'EXCHANGE_UNAVAILABLE';
  }
  if (venueCode !== undefined) {
    const mapped = CODE_MAP.get(venueCode);
    if (mapped !== undefined) return mapped;
    // -11xx: request/parameter issues.
    if (venueCode <= -1100 && venueCode > -1200) return 'INVALID_REQUEST';
    // -20xx and -4xxx/-5xxx: order and account rules.
    if (venueCode <= -2000) return 'ORDER_REJECTED';
  }
  if (httpStatus === 401) return 'EXCHANGE_AUTH_FAILED';
  if (httpStatus === 408) return 'EXCHANGE_TIMEOUT';
  return 'EXCHANGE_ERROR';
}

/** Builds the typed error for a Binance answer, keeping everything the venue said in `details`. */
export function binanceError(input: VenueErrorInput): AppError {
  const extra: Record<string, unknown> = {};
  if (input.path !== undefined) extra.path = input.path;
  if (input.retryAfterMs !== undefined) {
    extra.retryAfterMs = input.retryAfterMs;
    extra.retryAfter = Math.ceil(input.retryAfterMs / 1000);
  }
  return venueError(BINANCE_VENUE, codeForVenueError(input), input, extra);
}
