import type { AppError } from '@tradingbot/core';
import type { ExchangeErrorCode } from '../errors.ts';
import { venueError } from '../venue/venue-error.ts';

/** How the shared venue protocol (src/venue/) names this venue in messages and details. */
export const OKX_VENUE = { id: 'okx', name: 'OKX' } as const;

/**
 * OKX v5 error codes (https://www.okx.com/docs-v5/en/#error-code) and the typed error each
 * maps onto — the same typed errors the Binance client raises, so the executor treats both venues
 * alike. Codes not listed fall back on their family (see `codeForOkxError`).
 */
const CODE_MAP: ReadonlyMap<string, ExchangeErrorCode> = new Map<string, ExchangeErrorCode>([
  ['50000', 'INVALID_REQUEST'], // Body for POST request cannot be empty.
  ['50001', 'EXCHANGE_UNAVAILABLE'], // Service temporarily unavailable
  ['50002', 'INVALID_REQUEST'], // JSON syntax error
  ['50004', 'EXCHANGE_RESULT_UNKNOWN'], // endpoint request timeout (does not say whether it executed)
  ['50006', 'INVALID_REQUEST'], // Invalid Content-Type
  ['50011', 'EXCHANGE_RATE_LIMITED'], // Rate limit reached / Too Many Requests
  ['50013', 'EXCHANGE_UNAVAILABLE'], // Systems are busy
  ['50014', 'INVALID_REQUEST'], // Parameter {0} can not be empty
  ['50015', 'INVALID_REQUEST'], // Either parameter {0} or {1} is required
  ['50016', 'INVALID_REQUEST'], // Parameter {0} does not match parameter {1}
  ['50024', 'INVALID_REQUEST'], // sz and closeFraction can't exist at the same time
  ['50026', 'EXCHANGE_UNAVAILABLE'], // System error
  ['50036', 'EXCHANGE_TIMESTAMP_REJECTED'], // expTime earlier than the system time (our clock is off)
  ['50037', 'EXCHANGE_UNAVAILABLE'], // Order expired (expTime passed): not executed
  ['50100', 'EXCHANGE_AUTH_FAILED'], // API frozen
  ['50101', 'EXCHANGE_AUTH_FAILED'], // APIKey does not match current environment (demo vs live)
  ['50102', 'EXCHANGE_TIMESTAMP_REJECTED'], // Timestamp request expired
  ['50103', 'EXCHANGE_AUTH_FAILED'], // OK-ACCESS-KEY empty
  ['50104', 'EXCHANGE_AUTH_FAILED'], // OK-ACCESS-PASSPHRASE empty
  ['50105', 'EXCHANGE_AUTH_FAILED'], // OK-ACCESS-PASSPHRASE incorrect
  ['50106', 'EXCHANGE_AUTH_FAILED'], // OK-ACCESS-SIGN empty
  ['50107', 'EXCHANGE_TIMESTAMP_REJECTED'], // OK-ACCESS-TIMESTAMP empty
  ['50110', 'EXCHANGE_AUTH_FAILED'], // IP not whitelisted
  ['50111', 'EXCHANGE_AUTH_FAILED'], // Invalid OK-ACCESS-KEY
  ['50112', 'EXCHANGE_TIMESTAMP_REJECTED'], // Invalid OK-ACCESS-TIMESTAMP
  ['50113', 'EXCHANGE_AUTH_FAILED'], // Invalid signature
  ['50114', 'EXCHANGE_AUTH_FAILED'], // Invalid authorization
  ['51000', 'INVALID_REQUEST'], // Parameter {0} error (refined by the parameter, see below)
  ['51001', 'UNKNOWN_SYMBOL'], // Instrument ID doesn't exist
  ['51007', 'ORDER_BELOW_MIN_QTY'], // at least 1 contract
  ['51008', 'INSUFFICIENT_BALANCE'], // Insufficient {0} balance / margin
  ['51016', 'DUPLICATE_CLIENT_ORDER_ID'], // Client order ID already exists
  ['51020', 'ORDER_BELOW_MIN_QTY'], // below the minimum order amount
  ['51023', 'NO_POSITION'], // Position doesn't exist
  ['51112', 'REDUCE_ONLY_REJECTED'], // Close order size exceeds available size
  ['51119', 'INSUFFICIENT_BALANCE'], // Order placement failed due to insufficient balance
  ['51121', 'INVALID_QUANTITY'], // Order quantity must be a multiple of the lot size
  ['51127', 'INSUFFICIENT_BALANCE'], // Available balance is 0
  ['51131', 'INSUFFICIENT_BALANCE'], // Insufficient balance
  ['51149', 'EXCHANGE_RESULT_UNKNOWN'], // Order timed out (does not say whether it executed)
  ['51169', 'REDUCE_ONLY_REJECTED'], // no position in this direction to reduce or close
  ['51170', 'REDUCE_ONLY_REJECTED'], // reduce-only order in the same direction as the position
  ['51186', 'LEVERAGE_OUT_OF_RANGE'], // leverage exceeds the platform limit
  ['51201', 'INVALID_QUANTITY'], // market order value above the maximum
  ['51202', 'INVALID_QUANTITY'], // market order amount exceeds the maximum
  ['51205', 'REDUCE_ONLY_REJECTED'], // Reduce Only is not available
  ['51206', 'REDUCE_ONLY_REJECTED'], // cancel the reduce-only order first
  ['51277', 'ORDER_REJECTED'], // TP trigger price cannot be higher than the last price
  ['51278', 'ORDER_REJECTED'], // SL trigger price cannot be lower than the last price
  ['51279', 'ORDER_REJECTED'], // TP trigger price cannot be lower than the last price
  ['51280', 'ORDER_REJECTED'], // SL trigger price cannot be higher than the last price
  ['51400', 'ORDER_NOT_FOUND'], // Cancellation failed: filled, canceled or does not exist
  ['51401', 'ORDER_NOT_FOUND'],
  ['51402', 'ORDER_NOT_FOUND'],
  ['51503', 'ORDER_NOT_FOUND'], // already filled or canceled
  ['51603', 'ORDER_NOT_FOUND'], // Order does not exist
  ['59000', 'ORDER_REJECTED'], // Settings failed: close positions / orders first
  ['59102', 'LEVERAGE_OUT_OF_RANGE'], // Leverage exceeds the maximum limit
  ['59105', 'LEVERAGE_OUT_OF_RANGE'], // Leverage can't be less than {0}
]);

/** The parameter named by a `51000 Parameter {param0} error` message, refining the typed error. */
const PARAMETER_CODES: Readonly<Record<string, ExchangeErrorCode>> = {
  posSide: 'POSITION_SIDE_MISMATCH',
  sz: 'INVALID_QUANTITY',
  px: 'INVALID_PRICE',
  lever: 'LEVERAGE_OUT_OF_RANGE',
  instId: 'UNKNOWN_SYMBOL',
};

export type OkxErrorInput = {
  /** The item's `sCode` when the envelope carried one, else the top-level `code`. */
  venueCode: string | undefined;
  venueMessage: string;
  httpStatus: number;
  path?: string;
  /** The envelope's top-level code and message when `venueCode` came from an item. */
  envelopeCode?: string;
  envelopeMessage?: string;
};

/** Which typed error an OKX answer maps onto. */
export function codeForOkxError(input: OkxErrorInput): ExchangeErrorCode {
  const { venueCode, venueMessage, httpStatus } = input;
  if (httpStatus === 429) return 'EXCHANGE_RATE_LIMITED';
  if (venueCode !== undefined) {
    if (venueCode === '51000') {
      const param = /Parameter\s+(\w+)\s+error/i.exec(venueMessage)?.[1];
      const refined = param === undefined ? undefined : PARAMETER_CODES[param];
      if (refined !== undefined) return refined;
    }
    const mapped = CODE_MAP.get(venueCode);
    if (mapped !== undefined) return mapped;
  }
  if (httpStatus >= 500) return 'EXCHANGE_UNAVAILABLE';
  if (httpStatus === 401) return 'EXCHANGE_AUTH_FAILED';
  if (venueCode !== undefined) {
    // 501xx: authentication; 51xxx and 59xxx: order and account rules; other 50xxx: requests.
    if (/^501\d\d$/.test(venueCode)) return 'EXCHANGE_AUTH_FAILED';
    if (/^5[19]\d{3}$/.test(venueCode)) return 'ORDER_REJECTED';
    if (/^50\d{3}$/.test(venueCode)) return 'INVALID_REQUEST';
  }
  return 'EXCHANGE_ERROR';
}

/** Builds the typed error for an OKX answer, keeping everything the venue said in `details`. */
export function okxError(input: OkxErrorInput): AppError {
  const extra: Record<string, unknown> = {};
  if (input.envelopeCode !== undefined) extra.envelopeCode = input.envelopeCode;
  if (input.envelopeMessage !== undefined) extra.envelopeMessage = input.envelopeMessage;
  if (input.path !== undefined) extra.path = input.path;
  // 50037: the request reached the venue after its expTime and was discarded unexecuted.
  if (input.venueCode === '50037') extra.notSent = true;
  const code = codeForOkxError(input);
  return venueError(OKX_VENUE, code, input, extra, input.venueMessage.trim());
}
