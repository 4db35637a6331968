import Decimal from 'decimal.js';
import type { AppError } from '@tradingbot/core';
import { ExchangeErrors } from './errors.ts';
import { D, fmt, parseDecimal, type DecimalInput } from './decimal.ts';
import type { Instrument } from './types.ts';

/**
 * An instrument's rules applied to prices and quantities (nautilus `make_price` / `make_qty`):
 * the caller rounds explicitly with `roundQtyDown` / `roundPrice` / `sizeForNotional`, and
 * everything that reaches a venue goes through `validateOrder` (or the `prepare*` helpers), which
 * REFUSE a value off the grid instead of silently changing it. All arithmetic is decimal.js.
 *
 * Every error raised here carries `details.reason` (a stable machine string, listed in
 * `InstrumentRejectReason`) plus the instrument and the offending values, so a simulator or the UI
 * can tell exactly what was wrong.
 */

export type InstrumentRejectReason =
  | 'qty_not_a_number'
  | 'qty_not_positive'
  | 'qty_precision'
  | 'min_qty'
  | 'max_qty'
  | 'price_not_a_number'
  | 'price_not_positive'
  | 'price_precision'
  | 'min_notional'
  | 'not_whole_lots';

export type OrderToValidate = {
  qty: DecimalInput;
  /** Limit price (or trigger price); when present it is also the reference for the notional check. */
  price?: DecimalInput;
  /** Reduce-only orders are exempt from the minimum notional (as on Binance). */
  reduceOnly?: boolean;
};

export type ValidatedOrder = {
  /** Canonical decimal strings, ready to send. */
  qty: string;
  price?: string;
  /** qty × (price ?? referencePrice), when a reference was known. */
  notional?: string;
};

function reject(
  code: 'INVALID_QUANTITY' | 'INVALID_PRICE' | 'ORDER_BELOW_MIN_QTY' | 'ORDER_BELOW_MIN_NOTIONAL',
  reason: InstrumentRejectReason,
  message: string,
  details: Record<string, unknown>,
): AppError {
  return ExchangeErrors.create(code, { message, details: { reason, ...details } });
}

function step(value: string, what: string, instrument: Instrument): Decimal {
  const d = parseDecimal(value);
  if (d === undefined || d.lte(0)) {
    throw new TypeError(`instrument ${instrument.venueSymbol} has an invalid ${what}: ${value}`);
  }
  return d;
}

/** True when `value` is an exact multiple of `increment` (decimal arithmetic, no float drift). */
export function isMultipleOf(value: DecimalInput, increment: DecimalInput): boolean {
  const v = parseDecimal(value);
  const s = parseDecimal(increment);
  if (v === undefined || s === undefined || s.isZero()) return false;
  return v.mod(s).isZero();
}

/** Rounds a base quantity DOWN (toward zero) to the step grid. Never rounds up into more risk. */
export function roundQtyDown(instrument: Instrument, qty: DecimalInput): string {
  const q = parseDecimal(qty);
  if (q === undefined) {
    throw reject('INVALID_QUANTITY', 'qty_not_a_number', `Quantity "${String(qty)}" is not a number`, {
      venueSymbol: instrument.venueSymbol,
      qty: String(qty),
    });
  }
  const s = step(instrument.stepSize, 'stepSize', instrument);
  return fmt(q.div(s).toDecimalPlaces(0, Decimal.ROUND_DOWN).mul(s));
}

/** Rounds a price to the tick grid: `nearest` (half up), `down` (floor) or `up` (ceiling). */
export function roundPrice(
  instrument: Instrument,
  price: DecimalInput,
  mode: 'nearest' | 'down' | 'up' = 'nearest',
): string {
  const p = parseDecimal(price);
  if (p === undefined) {
    throw reject('INVALID_PRICE', 'price_not_a_number', `Price "${String(price)}" is not a number`, {
      venueSymbol: instrument.venueSymbol,
      price: String(price),
    });
  }
  const t = step(instrument.tickSize, 'tickSize', instrument);
  const rounding =
    mode === 'down' ? Decimal.ROUND_FLOOR : mode === 'up' ? Decimal.ROUND_CEIL : Decimal.ROUND_HALF_UP;
  return fmt(p.div(t).toDecimalPlaces(0, rounding).mul(t));
}

/**
 * The largest quantity on the step grid whose value at `price` does not exceed `notional`
 * (quote units): `floor(notional / price / step) × step`. May return "0" or a quantity below
 * minQty; `validateOrder` then explains why it cannot be traded.
 */
export function sizeForNotional(instrument: Instrument, notional: DecimalInput, price: DecimalInput): string {
  const n = parseDecimal(notional);
  const p = parseDecimal(price);
  if (n === undefined || n.lt(0)) {
    throw reject(
      'INVALID_QUANTITY',
      'qty_not_a_number',
      `Order value "${String(notional)}" is not a valid amount`,
      {
        venueSymbol: instrument.venueSymbol,
        notional: String(notional),
      },
    );
  }
  if (p === undefined || p.lte(0)) {
    throw reject(
      'INVALID_PRICE',
      'price_not_positive',
      `Price "${String(price)}" must be a positive number`,
      {
        venueSymbol: instrument.venueSymbol,
        price: String(price),
      },
    );
  }
  return roundQtyDown(instrument, n.div(p));
}

/**
 * Checks a quantity against the instrument (a number, > 0, on the step grid, ≥ minQty, ≤ maxQty)
 * and returns it as a canonical decimal string. `market` is accepted for symmetry with venues
 * that have separate market lot rules; the normalised Instrument has one set.
 */
export function prepareOrderQty(
  instrument: Instrument,
  qty: DecimalInput,
  _options: { market?: boolean } = {},
): string {
  const sym = instrument.venueSymbol;
  const q = parseDecimal(qty);
  if (q === undefined) {
    throw reject('INVALID_QUANTITY', 'qty_not_a_number', `Quantity "${String(qty)}" is not a number`, {
      venueSymbol: sym,
      qty: String(qty),
    });
  }
  if (q.lte(0)) {
    throw reject('INVALID_QUANTITY', 'qty_not_positive', `Quantity ${fmt(q)} must be greater than 0`, {
      venueSymbol: sym,
      qty: fmt(q),
    });
  }
  if (!q.mod(step(instrument.stepSize, 'stepSize', instrument)).isZero()) {
    throw reject(
      'INVALID_QUANTITY',
      'qty_precision',
      `Quantity ${fmt(q)} is not a multiple of the step size ${instrument.stepSize} for ${sym}; ` +
        `round it down to ${roundQtyDown(instrument, q)}`,
      { venueSymbol: sym, qty: fmt(q), stepSize: instrument.stepSize },
    );
  }
  const minQty = parseDecimal(instrument.minQty) ?? new D(0);
  if (q.lt(minQty)) {
    throw reject(
      'ORDER_BELOW_MIN_QTY',
      'min_qty',
      `Quantity ${fmt(q)} ${instrument.base} is below the minimum of ${instrument.minQty} ${instrument.base} for ${sym}; ` +
        'increase the size or the leverage',
      { venueSymbol: sym, qty: fmt(q), minQty: instrument.minQty },
    );
  }
  const maxQty = instrument.maxQty === undefined ? undefined : parseDecimal(instrument.maxQty);
  if (maxQty !== undefined && maxQty.gt(0) && q.gt(maxQty)) {
    throw reject(
      'INVALID_QUANTITY',
      'max_qty',
      `Quantity ${fmt(q)} ${instrument.base} is above the maximum of ${instrument.maxQty} ${instrument.base} for ${sym}`,
      { venueSymbol: sym, qty: fmt(q), maxQty: instrument.maxQty },
    );
  }
  return fmt(q);
}

/** Checks a price (a number, > 0, on the tick grid) and returns it as a canonical decimal string. */
export function prepareOrderPrice(instrument: Instrument, price: DecimalInput): string {
  const sym = instrument.venueSymbol;
  const p = parseDecimal(price);
  if (p === undefined) {
    throw reject('INVALID_PRICE', 'price_not_a_number', `Price "${String(price)}" is not a number`, {
      venueSymbol: sym,
      price: String(price),
    });
  }
  if (p.lte(0)) {
    throw reject('INVALID_PRICE', 'price_not_positive', `Price ${fmt(p)} must be greater than 0`, {
      venueSymbol: sym,
      price: fmt(p),
    });
  }
  if (!p.mod(step(instrument.tickSize, 'tickSize', instrument)).isZero()) {
    throw reject(
      'INVALID_PRICE',
      'price_precision',
      `Price ${fmt(p)} is not a multiple of the tick size ${instrument.tickSize} for ${sym}; ` +
        `round it to ${roundPrice(instrument, p)}`,
      { venueSymbol: sym, price: fmt(p), tickSize: instrument.tickSize },
    );
  }
  return fmt(p);
}

/**
 * Refuses an order whose value `qty × referencePrice` is below the instrument's minimum notional.
 * Call it only for orders that are not reduce-only (Binance exempts those).
 */
export function checkMinNotional(
  instrument: Instrument,
  qty: DecimalInput,
  referencePrice: DecimalInput,
): void {
  const min = parseDecimal(instrument.minNotional);
  const q = parseDecimal(qty);
  const p = parseDecimal(referencePrice);
  if (min === undefined || min.lte(0) || q === undefined || p === undefined) return;
  const notional = q.mul(p);
  if (notional.lt(min)) {
    const shown = fmt(notional.toDecimalPlaces(4, Decimal.ROUND_DOWN));
    throw reject(
      'ORDER_BELOW_MIN_NOTIONAL',
      'min_notional',
      `Order value ${shown} ${instrument.quote} is below the minimum of ${instrument.minNotional} ${instrument.quote} ` +
        `for ${instrument.venueSymbol}; increase the size or the leverage`,
      {
        venueSymbol: instrument.venueSymbol,
        qty: fmt(q),
        price: fmt(p),
        notional: fmt(notional),
        minNotional: instrument.minNotional,
      },
    );
  }
}

/** Refuses a leverage that is not a whole number within 1…the instrument's maximum (before sending). */
export function checkLeverage(instrument: Instrument, leverage: number, venue: string): void {
  if (Number.isInteger(leverage) && leverage >= 1 && leverage <= instrument.maxLeverage) return;
  throw ExchangeErrors.create('LEVERAGE_OUT_OF_RANGE', {
    message: `Leverage ${leverage} is outside 1..${instrument.maxLeverage} for ${instrument.venueSymbol}`,
    details: { venue, venueSymbol: instrument.venueSymbol, leverage, maxLeverage: instrument.maxLeverage },
  });
}

/**
 * Validates an order against every rule of the instrument, in the order a user fixes them:
 * quantity (number, > 0, step grid, min, max), price (number, > 0, tick grid), then minimum
 * notional at `price ?? referencePrice` (skipped for reduce-only orders and when neither is known).
 * Throws INVALID_QUANTITY / ORDER_BELOW_MIN_QTY / INVALID_PRICE / ORDER_BELOW_MIN_NOTIONAL;
 * returns the canonical strings otherwise.
 */
export function validateOrder(
  instrument: Instrument,
  order: OrderToValidate,
  referencePrice?: DecimalInput,
): ValidatedOrder {
  const qty = prepareOrderQty(instrument, order.qty);
  const price = order.price === undefined ? undefined : prepareOrderPrice(instrument, order.price);
  const ref = price ?? (referencePrice === undefined ? undefined : parseDecimal(referencePrice));
  if (order.reduceOnly !== true && ref !== undefined) checkMinNotional(instrument, qty, ref);
  return {
    qty,
    ...(price !== undefined ? { price } : {}),
    ...(ref !== undefined ? { notional: fmt(new D(qty).mul(ref)) } : {}),
  };
}

/**
 * Base quantity → number of contracts (OKX `sz`): `baseQty / contractSize`. Refuses a quantity
 * that is not a whole number of lots (i.e. off the step grid, since stepSize = lotSz × ctVal).
 */
export function toContracts(instrument: Instrument, baseQty: DecimalInput): string {
  const q = parseDecimal(baseQty);
  if (q === undefined) {
    throw reject('INVALID_QUANTITY', 'qty_not_a_number', `Quantity "${String(baseQty)}" is not a number`, {
      venueSymbol: instrument.venueSymbol,
      qty: String(baseQty),
    });
  }
  const ct = step(instrument.contractSize, 'contractSize', instrument);
  const lotBase = step(instrument.stepSize, 'stepSize', instrument);
  if (!q.mod(lotBase).isZero()) {
    throw reject(
      'INVALID_QUANTITY',
      'not_whole_lots',
      `Quantity ${fmt(q)} ${instrument.base} is not a whole number of lots of ${instrument.stepSize} ${instrument.base} ` +
        `(${fmt(lotBase.div(ct))} contract(s) of ${instrument.contractSize} ${instrument.base}) for ${instrument.venueSymbol}; ` +
        `round it down to ${roundQtyDown(instrument, q)}`,
      {
        venueSymbol: instrument.venueSymbol,
        qty: fmt(q),
        stepSize: instrument.stepSize,
        contractSize: instrument.contractSize,
      },
    );
  }
  return fmt(q.div(ct));
}

/** Number of contracts → base quantity: `contracts × contractSize`. */
export function fromContracts(instrument: Instrument, contracts: DecimalInput): string {
  const c = parseDecimal(contracts);
  if (c === undefined) {
    throw reject(
      'INVALID_QUANTITY',
      'qty_not_a_number',
      `Contract count "${String(contracts)}" is not a number`,
      {
        venueSymbol: instrument.venueSymbol,
        contracts: String(contracts),
      },
    );
  }
  return fmt(c.mul(step(instrument.contractSize, 'contractSize', instrument)));
}
