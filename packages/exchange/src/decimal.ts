import Decimal from 'decimal.js';

/**
 * The Decimal flavour of this package: 40 significant digits (prices × quantities × rates never
 * lose a digit at that size), half-up rounding. A separate clone so nobody's global Decimal
 * settings change ours.
 */
export const D = Decimal.clone({
  precision: 40,
  rounding: Decimal.ROUND_HALF_UP,
  toExpNeg: -40,
  toExpPos: 40,
});
export type Dec = Decimal;
export type DecimalInput = string | number | Decimal;

const DECIMAL_STRING = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses a decimal input strictly: plain decimal strings (an exponent is allowed), finite numbers,
 * Decimals. Returns undefined for anything else ("", "abc", "0x10", NaN, Infinity) so callers
 * raise their own typed error.
 */
export function parseDecimal(value: unknown): Decimal | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? new D(value) : undefined;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return DECIMAL_STRING.test(trimmed) ? new D(trimmed) : undefined;
  }
  if (Decimal.isDecimal(value)) {
    const d = value as Decimal;
    return d.isFinite() ? new D(d) : undefined;
  }
  return undefined;
}

/** Canonical decimal string: no exponent, no trailing zeros, never "-0". */
export function fmt(value: Decimal): string {
  if (value.isZero()) return '0';
  return value.toFixed();
}
