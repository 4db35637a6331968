import Decimal from 'decimal.js';
import { ExchangeErrors } from './errors.ts';
import type { ExchangeId } from './types.ts';

/**
 * The trailing-stop callback a venue accepts, in percent (1 = 1 %): its range and its grid.
 * Binance USDⓈ-M `callbackRate`: "min 0.1, max 10 where 1 for 1%" (algo order docs, 2025-12), one
 * decimal. OKX `move_order_stop` `callbackRatio` (a fraction: 0.01 = 1 %): its API docs state no
 * range, so we hold it to Binance's (0.1–10 %, steps of 0.1 %) — an assumption, kept narrow so an
 * order we send is one OKX takes. The paper venue keeps Binance's rules, as it does for client ids.
 * A venue absent here places no trailing stop (TRAILING_STOP_UNSUPPORTED).
 */
export type TrailingCallbackRule = { minPct: string; maxPct: string; stepPct: string };

export const TRAILING_CALLBACK_RULES: Readonly<Partial<Record<ExchangeId, TrailingCallbackRule>>> =
  Object.freeze({
    binance: Object.freeze({ minPct: '0.1', maxPct: '10', stepPct: '0.1' }),
    okx: Object.freeze({ minPct: '0.1', maxPct: '10', stepPct: '0.1' }),
    paper: Object.freeze({ minPct: '0.1', maxPct: '10', stepPct: '0.1' }),
  });

/** True when `venue` places trailing stops. */
export function supportsTrailingStop(venue: ExchangeId): boolean {
  return TRAILING_CALLBACK_RULES[venue] !== undefined;
}

/** The rule of a venue, or TRAILING_STOP_UNSUPPORTED (before anything is sent). */
export function trailingCallbackRule(venue: ExchangeId): TrailingCallbackRule {
  const rule = TRAILING_CALLBACK_RULES[venue];
  if (rule === undefined) {
    throw ExchangeErrors.create('TRAILING_STOP_UNSUPPORTED', {
      message: `Trailing stops are not placed on ${venue} yet`,
      details: { venue },
    });
  }
  return rule;
}

/**
 * What a requested callback becomes on `venue`: rounded to the venue's grid (nearest, half up),
 * then moved into its range. `clamped` says the range moved it; `rounded` that the grid did.
 */
export function fitCallbackRate(
  venue: ExchangeId,
  requestedPct: Decimal.Value,
): { pct: string; clamped: boolean; rounded: boolean; rule: TrailingCallbackRule } {
  const rule = trailingCallbackRule(venue);
  const requested = new Decimal(requestedPct);
  const step = new Decimal(rule.stepPct);
  const onGrid = requested.div(step).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).mul(step);
  const fitted = Decimal.min(Decimal.max(onGrid, rule.minPct), rule.maxPct);
  return {
    pct: fitted.toFixed(),
    clamped: !fitted.eq(onGrid),
    rounded: !onGrid.eq(requested),
    rule,
  };
}

/**
 * Refuses a callback outside the venue's range or off its grid (INVALID_REQUEST, before sending):
 * the caller fits it first (`fitCallbackRate`) and says so, the adapter never moves it silently.
 */
export function checkCallbackRate(venue: ExchangeId, pct: string): string {
  const rule = trailingCallbackRule(venue);
  let value: Decimal;
  try {
    value = new Decimal(pct);
  } catch {
    value = new Decimal(NaN);
  }
  const step = new Decimal(rule.stepPct);
  if (!value.isFinite() || value.lt(rule.minPct) || value.gt(rule.maxPct) || !value.mod(step).isZero()) {
    throw ExchangeErrors.create('INVALID_REQUEST', {
      message: `The trailing callback ${pct} % is not valid on ${venue}: it must lie in ${rule.minPct}–${rule.maxPct} % in steps of ${rule.stepPct}`,
      details: { venue, reason: 'invalid_callback_rate', callbackRatePct: pct, ...rule },
    });
  }
  return value.toFixed();
}
