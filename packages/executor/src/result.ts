import { isAppError } from '@tradingbot/core';
import type { ExchangeId, Order } from '@tradingbot/exchange';
import type { SignalAction } from './signal.ts';

/** One order as the webhook answer shows it. */
export type OrderSummary = {
  order_id: string;
  client_order_id: string;
  side: string;
  position_side: string;
  type: string;
  status: string;
  qty: string;
  filled_qty: string;
  avg_price?: string;
  price?: string;
  trigger_price?: string;
  /** True when the order was found on the venue by its idempotency key (placed by an earlier run). */
  reused?: boolean;
};

export type ProtectionSummary = OrderSummary & {
  /** How the trigger was computed. */
  basis: (
    | { kind: 'atr'; multiplier: number; atr: string; period: number; timeframe: string }
    | { kind: 'pct'; pct: number }
  ) & {
    /** Where the rule came from: the alert stated it, the account's setting, or the trade plan's default. */
    source: 'alert' | 'account' | 'default';
  };
  /**
   * The price the distance was measured from: the fill price; for protection attached to the entry
   * (`attached`), the limit price or the price a market entry was sized at. Absent when a resumed
   * signal found protection its first run attached (the venue does not keep that price).
   */
  reference_price?: string;
  attempts: number;
  /** True when it went out with the entry in one request and the venue created it at the fill (OKX attachAlgoOrds). */
  attached?: true;
};

/**
 * The trailing stop placed on the venue. Venues trail by a percent of the best price, so the plan's
 * offset becomes a callback rate at entry: `pct` as is, `atr` as offset × ATR / entry × 100; rounded
 * to the venue's grid and moved into its range (`clamped` then says so).
 */
export type TrailingSummary = OrderSummary & {
  basis: { unit: 'atr' | 'pct'; offset: number; activation: number; atr?: string; source: 'alert' };
  /** The callback the plan asked for, in percent, before the venue's grid and range. */
  requested_callback_rate_pct: string;
  /** The callback placed, in percent. */
  callback_rate_pct: string;
  /** True when the venue's range moved the callback (not just its rounding). */
  clamped: boolean;
  /** Where trailing starts (entry ± the activation offset); absent: at once. */
  activation_price?: string;
  reference_price: string;
  attempts: number;
};

/** A partial take-profit: `qty_pct` % of the entry's filled quantity, rounded down to the step. */
export type PartialTakeProfitSummary = ProtectionSummary & { role: 'tp1' | 'tp2'; qty_pct: number };

export type BreakEvenSummary = {
  leg: 'long' | 'short';
  /** The position's entry price as the venue reports it, and the stop's new trigger on the tick grid. */
  entry_price: string;
  trigger_price: string;
  /** The stop(s) canceled (their triggers), and the new one. */
  previous: { client_order_id: string; trigger_price?: string }[];
  stop_loss?: OrderSummary;
  /** A take-profit that shared the canceled stop's order (an OKX oco), placed again as it was. */
  take_profit?: OrderSummary;
};

export type SizingSummary = {
  basis: 'pct' | 'usdt' | 'qty';
  available_balance: string;
  reference_price: string;
  leverage: number;
  margin?: string;
  notional: string;
  qty: string;
  pct?: string;
};

export type ExecutionResults = {
  entry?: OrderSummary;
  leverage?: { leverage: number; changed: boolean };
  sizing?: SizingSummary;
  stop_loss?: ProtectionSummary;
  take_profit?: ProtectionSummary;
  /** The take-profits before the last one (`tp1`, `tp2`), each for its share of the entry. */
  partial_take_profits?: PartialTakeProfitSummary[];
  trailing_stop?: TrailingSummary;
  /** MOVE_STOP_TO_ENTRY: the stop-loss moved to the position's entry price after the first take-profit. */
  break_even?: BreakEvenSummary;
  /** Positions closed by this signal (close actions; the opposite leg of a reverse). */
  closed?: OrderSummary[];
  /** Resting SL/TP (reduce-only) orders canceled before a close or a new entry. */
  canceled?: { order_id: string; client_order_id: string; type: string }[];
  /** The close sent because the stop-loss could not be placed (closeOnProtectionFailure). */
  flattened?: OrderSummary;
  /**
   * Where the executor's knowledge of the account came from before the first order: `warm` = all
   * from memory (the order was the first venue request), `cold` = some reads went to the venue
   * (`rest_reads`, and `reasons` why memory was not used).
   */
  state?: { path: 'warm' | 'cold'; rest_reads: string[]; reasons?: string[] };
};

/** What `executeSignal` returns and the webhook answers, as JSON (snake_case, like the payload). */
export type ExecutionResult = {
  success: boolean;
  /** e.g. "LONG order executed on binance"; every failure has its own readable message. */
  message: string;
  /** Set for failures and for signals that were deliberately not executed (no-ops). */
  code?: string;
  /** Something the user must know although the signal was executed (e.g. take-profit missing). */
  warning?: string;
  idempotency_key: string;
  order_details: {
    exchange: ExchangeId;
    action: SignalAction;
    symbol: string;
    results: ExecutionResults;
  };
  error?: { code: string; status: number; message: string; hint?: string; details?: Record<string, unknown> };
};

/**
 * What the user can do about a failure, per error code (executor and exchange codes).
 */
export const ERROR_HINTS: Readonly<Record<string, string>> = Object.freeze({
  INSUFFICIENT_BALANCE: 'Deposit USDT into the futures wallet, or lower the size or the leverage',
  ORDER_TOO_SMALL: 'Increase size_pct, size_usdt or qty, or the leverage',
  ORDER_BELOW_MIN_QTY: 'Increase size_pct, size_usdt or qty, or the leverage',
  ORDER_BELOW_MIN_NOTIONAL: 'Increase size_pct, size_usdt or qty, or the leverage',
  INVALID_LEVERAGE: "Use a whole leverage within the instrument's maximum",
  LEVERAGE_OUT_OF_RANGE: "Use a whole leverage within the instrument's maximum",
  UNKNOWN_SYMBOL:
    'Use the TradingView ticker (BINANCE:BTCUSDT.P) or the venue symbol (BTCUSDT, BTC-USDT-SWAP)',
  STALE_SIGNAL: 'The alert arrived late; raise max_lag if that delay is acceptable',
  ENTRIES_PAUSED:
    'New entries are paused on this account: send /resume to the Telegram bot to take them again',
  FUTURE_SIGNAL:
    "The alert's timestamp is ahead of the server's clock; send TradingView's {{timenow}} and keep the server's clock synchronised (NTP)",
  POSITION_SIDE_MISMATCH: "The account's position mode (one-way / hedge) changed; send the alert again",
  REDUCE_ONLY_REJECTED: 'The position changed before the close; check it on the exchange',
  PROTECTION_FAILED: 'Check the position on the exchange and place a stop-loss by hand if it is still open',
  ENTRY_NOT_FILLED: 'Check the order on the exchange',
  ATR_UNAVAILABLE: 'Use sl_pct, or a timeframe with more history',
  EXCHANGE_AUTH_FAILED: 'Check the API key, its futures trading permission and its IP whitelist',
  EXCHANGE_TIMESTAMP_REJECTED: "Check the server's clock (NTP)",
  EXCHANGE_RATE_LIMITED: 'The exchange rate limit was reached; wait before sending more alerts',
  EXCHANGE_TIMEOUT: 'The exchange did not answer; check the position on the exchange before re-sending',
  EXCHANGE_UNAVAILABLE: 'The exchange did not answer; check the position on the exchange before re-sending',
  EXCHANGE_RESULT_UNKNOWN:
    'The exchange did not answer; check the position on the exchange before re-sending',
  INVALID_SIGNAL: 'Fix the alert message (see the field named in the error)',
  UNSUPPORTED_ACTION: 'Use long, short, close_long, close_short, close_all, or buy/sell with market_position',
});

export function summarizeOrder(order: Order, reused = false): OrderSummary {
  const s: OrderSummary = {
    order_id: order.venueOrderId,
    client_order_id: order.clientOrderId,
    side: order.side,
    position_side: order.positionSide,
    type: order.type,
    status: order.status,
    qty: order.qty,
    filled_qty: order.filledQty,
  };
  if (order.avgPrice !== undefined) s.avg_price = order.avgPrice;
  if (order.price !== undefined) s.price = order.price;
  if (order.triggerPrice !== undefined) s.trigger_price = order.triggerPrice;
  if (reused) s.reused = true;
  return s;
}

/** `code`, HTTP status, message and details of any thrown value (non-AppErrors become EXECUTION_FAILED). */
export function describeError(error: unknown): {
  code: string;
  status: number;
  message: string;
  hint?: string;
  details?: Record<string, unknown>;
} {
  if (isAppError(error)) {
    const hint = ERROR_HINTS[error.code];
    return {
      code: error.code,
      status: error.status,
      message: error.message,
      ...(hint !== undefined ? { hint } : {}),
      ...(error.details !== undefined ? { details: error.details } : {}),
    };
  }
  return {
    code: 'EXECUTION_FAILED',
    status: 500,
    message: 'The order execution failed',
    details: { cause: error instanceof Error ? error.message : String(error) },
  };
}

/**
 * The user-facing text of a failure: `<ACTION> order failed on <exchange>: <message>`, followed by
 * `details.explanation` when the error carries one (e.g. "Insufficient balance (0 USDT available)").
 */
export function failureMessage(
  action: SignalAction,
  exchange: ExchangeId,
  error: ReturnType<typeof describeError>,
): string {
  const explanation = error.details?.['explanation'];
  return `${action} order failed on ${exchange}: ${error.message}${
    typeof explanation === 'string' && explanation !== '' ? ` (${explanation})` : ''
  }`;
}
