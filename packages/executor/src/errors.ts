import { defineErrors } from '@tradingbot/core';

/**
 * Errors raised by the order executor itself. Errors raised by an exchange adapter
 * (`ExchangeErrors`: INSUFFICIENT_BALANCE from the venue, POSITION_SIDE_MISMATCH, REDUCE_ONLY_REJECTED,
 * EXCHANGE_TIMEOUT…) pass through unchanged, with their own codes and venue details.
 *
 * Messages are what the webhook answers and the UI shows. INSUFFICIENT_BALANCE says just "Insufficient
 * balance", the same text as the exchange's error of that code, so the answer reads alike whichever
 * side found it; the specifics (how much was needed, how much is available) travel in
 * `details.explanation`.
 */
export const ExecutorErrors = defineErrors({
  INVALID_SIGNAL: { status: 400, message: 'Invalid signal' },
  UNSUPPORTED_ACTION: { status: 400, message: 'Unsupported action' },
  // Admission (admission.ts): the webhook and the executor answer these with the same status.
  ACCOUNT_INACTIVE: { status: 403, message: 'This exchange account is inactive; activate it to trade' },
  EXCHANGE_MISMATCH: { status: 400, message: "The payload's exchange is not the account's exchange" },
  STALE_SIGNAL: { status: 400, message: 'The alert is older than its max_lag; not executed' },
  FUTURE_SIGNAL: {
    status: 400,
    message: 'The alert is dated further in the future than its max_lag; not executed',
  },
  ENTRIES_PAUSED: {
    status: 409,
    message: 'New entries are paused on this account; closes still run',
  },
  INVALID_LEVERAGE: { status: 400, message: 'Invalid leverage' },
  // The account's risk caps (its settings): admission.ts / sizing.ts / the leverage check.
  DAILY_LOSS_LIMIT_REACHED: {
    status: 409,
    message:
      "The account's daily loss limit is reached: new entries are paused until the next UTC day (or until resumed); closes still run",
  },
  MAX_LEVERAGE_EXCEEDED: { status: 422, message: "The leverage is above the account's maximum" },
  MAX_NOTIONAL_EXCEEDED: {
    status: 422,
    message: "The position's notional would be above the account's maximum",
  },
  MAX_OPEN_POSITIONS: {
    status: 409,
    message: 'The account already holds its maximum number of open positions',
  },
  ACCOUNT_ACTION_INCOMPLETE: {
    status: 502,
    message: 'The account-wide action did not complete on every symbol',
  },
  NO_OPEN_ORDERS: { status: 200, message: 'There are no open orders to cancel' },
  STOP_AT_ENTRY_ALREADY: { status: 200, message: "The position's stop-loss is at its entry price already" },
  INSUFFICIENT_BALANCE: { status: 422, message: 'Insufficient balance' },
  ORDER_TOO_SMALL: { status: 422, message: 'The order is below the instrument minimum' },
  NO_POSITION_TO_CLOSE: { status: 200, message: 'There is no position to close' },
  ALREADY_IN_POSITION: { status: 200, message: 'A position in this direction is already open' },
  ENTRY_NOT_FILLED: { status: 502, message: 'The entry order was not filled' },
  PROTECTION_FAILED: {
    status: 502,
    message: 'The stop-loss could not be placed; the position is not protected',
  },
  TAKE_PROFIT_FAILED: { status: 502, message: 'The take-profit could not be placed' },
  ATR_UNAVAILABLE: {
    status: 502,
    message: 'Not enough closed candles to compute the ATR for the stop-loss / take-profit',
  },
  EXECUTION_FAILED: { status: 500, message: 'The order execution failed' },
});

export type ExecutorErrorCode = keyof typeof ExecutorErrors.table;
