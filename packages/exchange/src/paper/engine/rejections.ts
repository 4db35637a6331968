import type { AppError } from '@tradingbot/core';
import type Decimal from 'decimal.js';
import { parseDecimal, type DecimalInput } from '../../decimal.ts';
import { ExchangeErrors, type ExchangeErrorCode } from '../../errors.ts';
import type { InstrumentRejectReason } from '../../instrument.ts';

/** Why the paper venue refused a request (`details.reason` of the error it throws). */
export type PaperRejectReason =
  | InstrumentRejectReason
  | 'unknown_symbol'
  | 'no_price'
  | 'invalid_side'
  | 'invalid_order_type'
  | 'invalid_client_order_id'
  | 'missing_qty'
  | 'missing_price'
  | 'missing_trigger_price'
  | 'missing_callback_rate'
  | 'invalid_callback_rate'
  | 'close_position_with_qty'
  | 'close_position_type'
  | 'close_position_wrong_side'
  | 'position_side_mismatch_one_way'
  | 'position_side_mismatch_hedge'
  | 'duplicate_client_order_id'
  | 'unknown_order'
  | 'insufficient_margin'
  | 'reduce_only_would_increase'
  | 'reduce_only_no_position'
  | 'would_immediately_trigger'
  | 'position_mode_open_positions'
  | 'position_mode_open_orders'
  | 'margin_mode_open_positions'
  | 'margin_mode_open_orders'
  | 'leverage_out_of_range'
  | 'invalid_amount'
  | 'invalid_candle'
  | 'invalid_timeframe'
  | 'invalid_request';

/**
 * Suggested venue codes for each rejection reason, for the wire simulators, from the venues' error
 * tables (links in docs/paper-venue.md). A hint, not a rule: a simulator may map differently where
 * its venue does.
 */
export const PAPER_REASON_VENUE_CODES: Readonly<
  Partial<Record<PaperRejectReason, { binance?: number; okx?: string }>>
> = Object.freeze({
  unknown_symbol: { binance: -1121, okx: '51001' },
  qty_not_a_number: { binance: -1102, okx: '51000' },
  qty_not_positive: { binance: -4003, okx: '51000' },
  qty_precision: { binance: -4023, okx: '51121' },
  min_qty: { binance: -4004, okx: '51020' },
  max_qty: { binance: -4005, okx: '51202' },
  price_not_a_number: { binance: -1102, okx: '51000' },
  price_not_positive: { binance: -4001, okx: '51000' },
  price_precision: { binance: -4014, okx: '51000' },
  min_notional: { binance: -4164 },
  missing_qty: { binance: -1102, okx: '51000' },
  missing_price: { binance: -1102, okx: '51000' },
  missing_trigger_price: { binance: -1102, okx: '51000' },
  missing_callback_rate: { binance: -1102, okx: '51000' },
  invalid_callback_rate: { binance: -1130, okx: '51000' },
  invalid_client_order_id: { binance: -4015, okx: '51000' },
  position_side_mismatch_one_way: { binance: -4061, okx: '51000' },
  position_side_mismatch_hedge: { binance: -4061, okx: '51000' },
  duplicate_client_order_id: { binance: -4116, okx: '51016' },
  unknown_order: { binance: -2011, okx: '51400' },
  insufficient_margin: { binance: -2019, okx: '51008' },
  reduce_only_would_increase: { binance: -2022, okx: '51169' },
  reduce_only_no_position: { binance: -2022, okx: '51169' },
  close_position_wrong_side: { binance: -4136, okx: '51000' },
  would_immediately_trigger: { binance: -2021, okx: '51000' },
  position_mode_open_positions: { binance: -4068, okx: '59000' },
  position_mode_open_orders: { binance: -4067, okx: '59000' },
  margin_mode_open_positions: { binance: -4048, okx: '59000' },
  margin_mode_open_orders: { binance: -4047, okx: '59000' },
  leverage_out_of_range: { binance: -4028, okx: '59102' },
  no_price: { binance: -1001 },
});

/** An `ExchangeErrors` error whose `details.reason` says which venue rule refused the request. */
export function fail(
  code: ExchangeErrorCode,
  reason: PaperRejectReason,
  message: string,
  details: Record<string, unknown> = {},
): AppError {
  return ExchangeErrors.create(code, { message, details: { venue: 'paper', reason, ...details } });
}

/** A caller-given amount (balance, fee rate, funding rate…): a decimal, ≥ 0 unless `allowNegative`. */
export function parseAmount(value: DecimalInput, what: string, allowNegative = false): Decimal {
  const parsed = parseDecimal(value);
  if (parsed === undefined || (!allowNegative && parsed.lt(0))) {
    throw fail('INVALID_REQUEST', 'invalid_amount', `Invalid ${what}: ${String(value)}`, {
      [what]: String(value),
    });
  }
  return parsed;
}

/** A feed price (setPrice, applyCandle, starting prices): a decimal > 0. */
export function parsePositivePrice(value: DecimalInput): Decimal {
  const parsed = parseDecimal(value);
  if (parsed === undefined || parsed.lte(0)) {
    throw fail(
      'INVALID_PRICE',
      'price_not_positive',
      `Price must be a positive number, not ${String(value)}`,
      {
        price: String(value),
      },
    );
  }
  return parsed;
}
