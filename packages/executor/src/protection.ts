import { DEFAULT_TRADE_PLAN, type ExitSpec } from '@tradingbot/core';
import { atr } from '@tradingbot/engine';
import {
  ExchangeDecimal as D,
  fitCallbackRate,
  roundPrice,
  roundQtyDown,
  supportsTrailingStop,
  type ExchangeId,
  type Exchange,
  type Instrument,
  type Kline,
  type KlineQuery,
} from '@tradingbot/exchange';
import { ExecutorErrors } from './errors.ts';
import type { ProtectionSummary } from './result.ts';
import type { PartialTakeProfitOverride } from './signal.ts';

/**
 * Stop-loss and take-profit distances in ATRs when neither the alert nor the account says otherwise:
 * the trade plan's defaults (`DEFAULT_TRADE_PLAN`, @tradingbot/core), the same the backtester, the
 * Pine export and the web forms start from.
 */
export const DEFAULT_SL_ATR = planAtr(DEFAULT_TRADE_PLAN.stopLoss);
export const DEFAULT_TP_ATR = planAtr(DEFAULT_TRADE_PLAN.takeProfit);
/** ATR length (`ta.atr(14)`). */
export const DEFAULT_ATR_PERIOD = DEFAULT_TRADE_PLAN.atrPeriod;
/** ATR timeframe when neither the payload (`timeframe`) nor the account names one. */
export const DEFAULT_ATR_TIMEFRAME = '1h';

function planAtr(spec: ExitSpec): number {
  return spec.type === 'atr' ? spec.multiplier : 0;
}
/**
 * Closed candles requested for the ATR. Wilder's RMA forgets its seed geometrically ((n−1)/n per
 * bar): after 300 bars of a 14-period ATR the seed weighs (13/14)^286 ≈ 6e-10, so the value matches
 * TradingView's (which runs over the whole history) to far below a tick. 300 is OKX's page maximum.
 */
export const ATR_KLINE_LIMIT = 300;

export type Leg = 'long' | 'short';

export type ProtectionBasis = ProtectionSummary['basis'];

/** Where a leg's rule came from: the alert stated it, the account's setting, or the plan's default. */
export type ProtectionSource = 'alert' | 'account' | 'default';

/** A stop-loss or take-profit distance: ATR multiples or percent of the entry. */
export type ProtectionDistance = { kind: 'atr'; multiplier: number } | { kind: 'pct'; pct: number };

/** What to place for one leg: a distance resolved from payload, account and plan, and where it came from. */
export type ProtectionRule = ProtectionDistance & { source: ProtectionSource };

/** A trailing stop the alert states: the offset and the activation distance, in `unit` (ATR multiples or percent). */
export type TrailingRule = { unit: 'atr' | 'pct'; offset: number; activation: number };

/** A take-profit before the last one: its distance, the percent of the entry's quantity it closes, its order role. */
export type PartialTakeProfitRule = ProtectionRule & { role: 'tp1' | 'tp2'; qtyPct: number };

export type ProtectionPlan = {
  stopLoss?: ProtectionRule;
  takeProfit?: ProtectionRule;
  /** Nearest first; each closes `qtyPct` % of the entry, the last take-profit closes the rest. */
  partialTakeProfits?: PartialTakeProfitRule[];
  trailing?: TrailingRule;
};

/**
 * Resolves the SL / TP rules. Per leg, the first that is set wins: payload `*_pct`, payload `*_atr`,
 * the account's setting, the plan's default (stop 2 ATR, take-profit 3 ATR). A value of 0 is an
 * explicit "none" for that leg (the exported script sends `sl_atr: 0` when its stop is None).
 */
export function resolveProtectionPlan(
  payload: {
    slAtr?: number;
    tpAtr?: number;
    slPct?: number;
    tpPct?: number;
    trailing?: TrailingRule;
    partialTakeProfits?: readonly PartialTakeProfitOverride[];
  },
  settings: { slAtr?: number; tpAtr?: number; slPct?: number; tpPct?: number },
): ProtectionPlan {
  const pick = (
    pct: number | undefined,
    atrMult: number | undefined,
    account: number | undefined,
    fallback: number,
    accountPct?: number,
  ): ProtectionRule | undefined => {
    if (pct !== undefined) return pct > 0 ? { kind: 'pct', pct, source: 'alert' } : undefined;
    if (atrMult === undefined && accountPct !== undefined && accountPct > 0)
      return { kind: 'pct', pct: accountPct, source: 'account' };
    const [m, source]: [number, ProtectionSource] =
      atrMult !== undefined
        ? [atrMult, 'alert']
        : account !== undefined
          ? [account, 'account']
          : [fallback, 'default'];
    return m > 0 ? { kind: 'atr', multiplier: m, source } : undefined;
  };
  const plan: ProtectionPlan = {};
  const sl = pick(payload.slPct, payload.slAtr, settings.slAtr, DEFAULT_SL_ATR, settings.slPct);
  const tp = pick(payload.tpPct, payload.tpAtr, settings.tpAtr, DEFAULT_TP_ATR, settings.tpPct);
  if (sl !== undefined) plan.stopLoss = sl;
  if (tp !== undefined) plan.takeProfit = tp;
  if (payload.trailing !== undefined && payload.trailing.offset > 0) plan.trailing = { ...payload.trailing };
  if (payload.partialTakeProfits !== undefined && payload.partialTakeProfits.length > 0) {
    plan.partialTakeProfits = payload.partialTakeProfits.map((p) => ({
      ...p.distance,
      source: 'alert',
      role: p.role,
      qtyPct: p.qtyPct,
    }));
  }
  return plan;
}

/**
 * The quantity a partial take-profit closes: `qtyPct` % of the entry's filled quantity, rounded DOWN
 * to the instrument's step (never more than asked; the last take-profit closes what is left).
 * Undefined when that is below the minimum order quantity (or zero): the partial is not placed.
 */
export function partialTakeProfitQty(
  instrument: Instrument,
  entryQty: string,
  qtyPct: number,
): string | undefined {
  const qty = roundQtyDown(instrument, new D(entryQty).mul(qtyPct).div(100).toFixed());
  const minQty = new D(instrument.minQty).gt(0) ? new D(instrument.minQty) : new D(instrument.stepSize);
  return new D(qty).lt(minQty) || new D(qty).lte(0) ? undefined : qty;
}

/**
 * True when the plan reads the ATR: an ATR stop-loss or take-profit, or an ATR trailing stop on a
 * venue that places trailing stops (`venue`; one that does not only says so, and needs no ATR).
 */
export function planNeedsAtr(plan: ProtectionPlan, venue?: ExchangeId): boolean {
  const trailingAtr = plan.trailing?.unit === 'atr' && (venue === undefined || supportsTrailingStop(venue));
  const partialAtr = plan.partialTakeProfits?.some((p) => p.kind === 'atr') === true;
  return plan.stopLoss?.kind === 'atr' || plan.takeProfit?.kind === 'atr' || trailingAtr || partialAtr;
}

/**
 * What a trailing stop becomes on a venue that trails by a percent of the best price: the offset as
 * a percent of the entry (`pct` as is; `atr`: offset × ATR / entry × 100), fitted to the venue's grid
 * and range (`fitCallbackRate`), and the activation price entry ± activation distance on the tick
 * grid, rounded away from the entry (never earlier than asked); none when the distance is 0.
 * Undefined activation also when it would be at or below zero (a short's distance larger than the price).
 */
export function trailingStopPlan(
  venue: ExchangeId,
  instrument: Instrument,
  leg: Leg,
  entryPrice: string,
  rule: TrailingRule,
  atrValue: number | undefined,
): { requestedPct: string; pct: string; clamped: boolean; activationPrice?: string } {
  const entry = new D(entryPrice);
  const distance = (value: number) => {
    if (rule.unit === 'pct') return entry.mul(value).div(100);
    if (atrValue === undefined) throw new TypeError('an ATR trailing stop needs the ATR value');
    return new D(atrValue).mul(value);
  };
  const requested = distance(rule.offset).div(entry).mul(100);
  const fitted = fitCallbackRate(venue, requested);
  const plan: { requestedPct: string; pct: string; clamped: boolean; activationPrice?: string } = {
    requestedPct: requested.toDecimalPlaces(8).toFixed(),
    pct: fitted.pct,
    clamped: fitted.clamped,
  };
  if (rule.activation > 0) {
    const raw =
      leg === 'long' ? entry.plus(distance(rule.activation)) : entry.minus(distance(rule.activation));
    const price = roundPrice(instrument, raw, leg === 'long' ? 'up' : 'down');
    if (new D(price).gt(0)) plan.activationPrice = price;
  }
  return plan;
}

/**
 * The ATR (Wilder, as TradingView's `ta.atr(period)`, computed by @tradingbot/engine) over the
 * CLOSED candles only: a forming candle's range is not final, and TradingView evaluates the alert on
 * closed bars. Returns the value at the last closed candle.
 */
export function atrOfKlines(klines: readonly Kline[], period: number): number | undefined {
  const closed = klines.filter((k) => k.closed).sort((a, b) => a.openTime - b.openTime);
  if (closed.length < period) return undefined;
  const values = atr(
    Float64Array.from(closed, (k) => k.high),
    Float64Array.from(closed, (k) => k.low),
    Float64Array.from(closed, (k) => k.close),
    period,
  );
  const last = values[values.length - 1];
  return last === undefined || !Number.isFinite(last) ? undefined : last;
}

/** Reads the venue's own klines and computes the ATR; ATR_UNAVAILABLE when there are too few. */
export async function fetchAtr(
  exchange: Exchange,
  venueSymbol: string,
  timeframe: string,
  period: number,
): Promise<number> {
  return fetchAtrOf((query) => exchange.klines(query), venueSymbol, timeframe, period);
}

/** `fetchAtr` over any klines reader (the executor's keeps what it read for the warm state). */
export async function fetchAtrOf(
  readKlines: (query: KlineQuery) => Promise<readonly Kline[]>,
  venueSymbol: string,
  timeframe: string,
  period: number,
): Promise<number> {
  const klines = await readKlines({ venueSymbol, timeframe, limit: ATR_KLINE_LIMIT });
  const value = atrOfKlines(klines, period);
  if (value === undefined || value <= 0) {
    throw ExecutorErrors.create('ATR_UNAVAILABLE', {
      message: `Not enough closed ${timeframe} candles on ${venueSymbol} to compute ATR(${period}) for the stop-loss / take-profit`,
      details: { venueSymbol, timeframe, period, candles: klines.filter((k) => k.closed).length },
    });
  }
  return value;
}

/**
 * The trigger price of a stop-loss or take-profit for a position on `leg` entered at `entryPrice`,
 * on the tick grid.
 *
 * Rounding: AWAY from the entry for both legs. A stop is never closer than requested (a tighter stop
 * would be hit by noise the user chose to tolerate) and a take-profit never takes less than asked.
 * Long: SL = entry − distance rounded down, TP = entry + distance rounded up; short mirrored.
 * Returns undefined when the stop would be at or below zero (a distance larger than the price).
 */
export function protectionPrice(
  instrument: Instrument,
  kind: 'stop_loss' | 'take_profit',
  leg: Leg,
  entryPrice: string,
  rule: ProtectionDistance,
  atrValue: number | undefined,
): { price: string; distance: string } | undefined {
  const entry = new D(entryPrice);
  let distance: InstanceType<typeof D>;
  if (rule.kind === 'pct') {
    distance = entry.mul(rule.pct).div(100);
  } else {
    if (atrValue === undefined) throw new TypeError('an ATR rule needs the ATR value');
    distance = new D(atrValue).mul(rule.multiplier);
  }
  const below = (kind === 'stop_loss') === (leg === 'long');
  const raw = below ? entry.minus(distance) : entry.plus(distance);
  const price = roundPrice(instrument, raw, below ? 'down' : 'up');
  if (new D(price).lte(0)) return undefined;
  return { price, distance: distance.toFixed() };
}

/**
 * True when a trigger is already on the wrong side of the market: a long's stop at or above the
 * price (or a short's at or below) would fire at once, and the venue refuses it.
 */
export function triggerAlreadyCrossed(
  kind: 'stop_loss' | 'take_profit',
  leg: Leg,
  trigger: string,
  market: string,
): boolean {
  const t = new D(trigger);
  const m = new D(market);
  const below = (kind === 'stop_loss') === (leg === 'long');
  return below ? m.lte(t) : m.gte(t);
}
