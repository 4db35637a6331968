import { timingSafeEqual } from 'node:crypto';
import Decimal from 'decimal.js';

/** A plain decimal as both venues accept it in parameters: up to 20 digits each side of the point. */
export const WIRE_DECIMAL = /^\d{1,20}(\.\d{1,20})?$/;

/** How many decimal places a tick or step size has (the places a venue prints prices and sizes with). */
export function decimals(value: string): number {
  return Math.max(0, new Decimal(value).decimalPlaces());
}

/** Compares a credential or signature without leaking where it differs. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
