import { fmt, type DecimalInput } from '../../decimal.ts';
import type { MarginMode, PositionMode } from '../../types.ts';
import { HOUR } from './candles.ts';
import { emitBalances, recordFunding } from './events.ts';
import { checkLiquidations } from './liquidation.ts';
import { fail, parseAmount } from './rejections.ts';
import { isOpen, ZERO, type VenueState } from './state.ts';

// Account settings (position mode, margin mode, leverage), deposits, funding and the clock. The
// refusals imitate Binance's; see docs/paper-venue.md ("Account settings" and "Funding").

/** Adds (or with a negative amount removes) funds. */
export function deposit(state: VenueState, asset: string, amount: DecimalInput): void {
  const value = parseAmount(amount, 'amount', true);
  state.wallets.set(asset, state.wallet(asset).plus(value));
  emitBalances(state, [asset], value.isNeg() ? 'WITHDRAW' : 'DEPOSIT', value);
}

/** One-way ↔ hedge, refused with any open position or order; changed: false when already there. */
export function setPositionMode(state: VenueState, mode: PositionMode): { changed: boolean } {
  if (mode !== 'one_way' && mode !== 'hedge') {
    throw fail('INVALID_REQUEST', 'invalid_request', `Unknown position mode "${String(mode)}"`);
  }
  if (mode === state.positionMode) return { changed: false };
  const details = { positionMode: state.positionMode, requested: mode };
  if ([...state.positions.values()].some((p) => !p.qty.isZero())) {
    throw fail(
      'ORDER_REJECTED',
      'position_mode_open_positions',
      'The position mode cannot be changed while a position is open; close every position first',
      details,
    );
  }
  if (state.orders.some(isOpen)) {
    throw fail(
      'ORDER_REJECTED',
      'position_mode_open_orders',
      'The position mode cannot be changed while orders are open; cancel them first',
      details,
    );
  }
  state.positionMode = mode;
  return { changed: true };
}

/** A symbol's margin mode, refused with a position or open order on it; changed: false when already there. */
export function setMarginMode(
  state: VenueState,
  venueSymbol: string,
  marginMode: MarginMode,
): { changed: boolean } {
  const symbol = state.instrument(venueSymbol).venueSymbol;
  if (marginMode !== 'cross' && marginMode !== 'isolated') {
    throw fail('INVALID_REQUEST', 'invalid_request', `Unknown margin mode "${String(marginMode)}"`);
  }
  if (state.marginModeOf(symbol) === marginMode) return { changed: false };
  const details = { venueSymbol: symbol, marginMode: state.marginModeOf(symbol), requested: marginMode };
  if (state.symbolPositions(symbol).length > 0) {
    throw fail(
      'ORDER_REJECTED',
      'margin_mode_open_positions',
      `The margin mode of ${symbol} cannot be changed while a position is open`,
      details,
    );
  }
  if (state.orders.some((o) => o.venueSymbol === symbol && isOpen(o))) {
    throw fail(
      'ORDER_REJECTED',
      'margin_mode_open_orders',
      `The margin mode of ${symbol} cannot be changed while orders are open on it`,
      details,
    );
  }
  state.marginModes.set(symbol, marginMode);
  return { changed: true };
}

/** A symbol's leverage (integer 1…maxLeverage); open positions take it, isolated margin stays. */
export function setLeverage(state: VenueState, venueSymbol: string, leverage: number): number {
  const instrument = state.instrument(venueSymbol);
  if (!Number.isInteger(leverage) || leverage < 1 || leverage > instrument.maxLeverage) {
    throw fail(
      'LEVERAGE_OUT_OF_RANGE',
      'leverage_out_of_range',
      `Leverage ${leverage} is outside 1..${instrument.maxLeverage} for ${instrument.venueSymbol}`,
      { venueSymbol: instrument.venueSymbol, leverage, maxLeverage: instrument.maxLeverage },
    );
  }
  state.leverages.set(instrument.venueSymbol, leverage);
  for (const position of state.symbolPositions(instrument.venueSymbol)) position.leverage = leverage;
  return leverage;
}

/**
 * Pays funding on every position of a symbol at its current price: payment = −signedQty × mark ×
 * rate (longs pay a positive rate); isolated positions pay from their margin. Returns the total.
 */
export function applyFunding(state: VenueState, venueSymbol: string, rate: DecimalInput): string {
  const symbol = state.instrument(venueSymbol).venueSymbol;
  const r = parseAmount(rate, 'rate', true);
  const mark = state.marks.get(symbol);
  if (mark === undefined) return '0';
  const asset = state.instrument(symbol).quote;
  let total = ZERO;
  let paid = false;
  for (const position of state.symbolPositions(symbol)) {
    const payment = position.qty.neg().mul(mark).mul(r);
    total = total.plus(payment);
    state.wallets.set(asset, state.wallet(asset).plus(payment));
    if (position.marginMode === 'isolated') position.isolatedMargin = position.isolatedMargin.plus(payment);
    position.updatedAt = state.now();
    // A zero payment (zero rate) is no ledger entry, as on the venues.
    if (!payment.isZero()) {
      recordFunding(state, symbol, payment, asset);
      paid = true;
    }
  }
  if (paid) emitBalances(state, [asset], 'FUNDING_FEE');
  checkLiquidations(state);
  return fmt(total);
}

/** Moves the clock forward to `time` (never back) and pays funding at each interval boundary crossed. */
export function advanceClock(state: VenueState, time: number | undefined): void {
  if (time === undefined) return;
  if (state.clock === undefined || time > state.clock) state.clock = time;
  const funding = state.funding;
  if (funding === undefined) return;
  const interval = funding.intervalMs ?? 8 * HOUR;
  const last = state.lastFundingCheck;
  state.lastFundingCheck = Math.max(last ?? time, time);
  if (last === undefined || time <= last) return;
  for (
    let boundary = Math.floor(last / interval) * interval + interval;
    boundary <= time;
    boundary += interval
  ) {
    for (const instrument of state.instruments) {
      if (state.symbolPositions(instrument.venueSymbol).length === 0) continue;
      const rate =
        typeof funding.rate === 'function' ? funding.rate(instrument.venueSymbol, boundary) : funding.rate;
      applyFunding(state, instrument.venueSymbol, rate);
    }
  }
}
