import Decimal from 'decimal.js';
import { D, fmt } from '../../decimal.ts';
import type { OrderSide, PositionSide } from '../../types.ts';
import { isOpen, ZERO, type VenueState } from './state.ts';
import type { PaperBalanceState, PaperPositionState, PositionRecord } from './types.ts';

// Margin, PnL and liquidation levels, read from the state and never changing it. The rules and
// formulas are in docs/paper-venue.md ("Margin" and "Liquidation").

export function unrealized(position: PositionRecord, mark: Decimal): Decimal {
  const value = position.qty.abs().mul(mark).minus(position.cost);
  return position.qty.isNeg() ? value.neg() : value;
}

/** Average entry price (display and mark fallback; the books use the cost basis). */
export function entryOf(position: PositionRecord): Decimal {
  return position.qty.isZero() ? ZERO : position.cost.div(position.qty.abs());
}

/** The symbol's price, or the position's entry before the first price. */
export function markOf(state: VenueState, position: PositionRecord): Decimal {
  return state.marks.get(position.venueSymbol) ?? entryOf(position);
}

/**
 * The first price on the tick grid at which a liquidation condition holds: the level rounded
 * down when it is reached falling ('lte'), up when reached rising. Undefined when ≤ 0.
 */
function onTick(state: VenueState, symbol: string, level: Decimal, when: 'gte' | 'lte'): Decimal | undefined {
  const tick = new D(state.instrument(symbol).tickSize);
  const ticked = level
    .div(tick)
    .toDecimalPlaces(0, when === 'lte' ? Decimal.ROUND_FLOOR : Decimal.ROUND_CEIL)
    .mul(tick);
  return ticked.gt(0) ? ticked : undefined;
}

export function isolatedLiquidationPrice(state: VenueState, position: PositionRecord): Decimal | undefined {
  const q = position.qty.abs();
  if (q.isZero()) return undefined;
  const mmr = state.mmr(state.instrument(position.venueSymbol));
  const price = position.qty.gt(0)
    ? position.cost.minus(position.isolatedMargin).div(q.mul(new D(1).minus(mmr)))
    : position.cost.plus(position.isolatedMargin).div(q.mul(new D(1).plus(mmr)));
  return onTick(state, position.venueSymbol, price, position.qty.gt(0) ? 'lte' : 'gte');
}

/** Price of `symbol` at which the cross account reaches maintenance, other symbols' prices fixed. */
export function crossLiquidationPrice(
  state: VenueState,
  symbol: string,
): { price: Decimal; when: 'gte' | 'lte' } | undefined {
  const instrument = state.instrument(symbol);
  const asset = instrument.quote;
  let c = state.wallet(asset);
  let sqe = ZERO;
  let sq = ZERO;
  let q = ZERO;
  for (const position of state.positions.values()) {
    const positionInstrument = state.instrument(position.venueSymbol);
    if (positionInstrument.quote !== asset) continue;
    if (position.marginMode === 'isolated') {
      c = c.minus(position.isolatedMargin);
      continue;
    }
    if (position.venueSymbol === symbol) {
      sqe = sqe.plus(position.qty.isNeg() ? position.cost.neg() : position.cost);
      sq = sq.plus(position.qty);
      q = q.plus(position.qty.abs());
      continue;
    }
    const mark = markOf(state, position);
    c = c
      .plus(unrealized(position, mark))
      .minus(position.qty.abs().mul(mark).mul(state.mmr(positionInstrument)));
  }
  const denominator = sq.minus(state.mmr(instrument).mul(q));
  if (denominator.isZero()) return undefined;
  const when = denominator.gt(0) ? 'lte' : 'gte';
  const price = onTick(state, symbol, sqe.minus(c).div(denominator), when);
  return price === undefined ? undefined : { price, when };
}

type MarginTotals = {
  isolatedMargin: Decimal;
  crossInitial: Decimal;
  unrealized: Decimal;
  crossUnrealized: Decimal;
  maintenance: Decimal;
  orderMargin: Decimal;
};

/** The margins and PnL of every position and open order settled in `asset`. */
function marginTotals(state: VenueState, asset: string): MarginTotals {
  const totals: MarginTotals = {
    isolatedMargin: ZERO,
    crossInitial: ZERO,
    unrealized: ZERO,
    crossUnrealized: ZERO,
    maintenance: ZERO,
    orderMargin: ZERO,
  };
  for (const position of state.positions.values()) {
    const instrument = state.instrument(position.venueSymbol);
    if (instrument.quote !== asset) continue;
    const mark = markOf(state, position);
    const upnl = unrealized(position, mark);
    totals.unrealized = totals.unrealized.plus(upnl);
    if (position.marginMode === 'isolated') {
      totals.isolatedMargin = totals.isolatedMargin.plus(position.isolatedMargin);
    } else {
      totals.crossUnrealized = totals.crossUnrealized.plus(upnl);
      totals.crossInitial = totals.crossInitial.plus(position.qty.abs().mul(mark).div(position.leverage));
      totals.maintenance = totals.maintenance.plus(position.qty.abs().mul(mark).mul(state.mmr(instrument)));
    }
  }
  for (const order of state.orders) {
    if (isOpen(order) && state.instrument(order.venueSymbol).quote === asset) {
      totals.orderMargin = totals.orderMargin.plus(order.reservedMargin);
    }
  }
  return totals;
}

export function balanceState(state: VenueState, asset: string): PaperBalanceState {
  const wallet = state.wallet(asset);
  const totals = marginTotals(state, asset);
  const crossWallet = wallet.minus(totals.isolatedMargin);
  const available = D.max(
    ZERO,
    crossWallet.plus(totals.crossUnrealized).minus(totals.crossInitial).minus(totals.orderMargin),
  );
  return {
    asset,
    wallet: fmt(wallet),
    crossWallet: fmt(crossWallet),
    unrealizedPnl: fmt(totals.unrealized),
    crossUnrealizedPnl: fmt(totals.crossUnrealized),
    equity: fmt(wallet.plus(totals.unrealized)),
    available: fmt(available),
    isolatedMargin: fmt(totals.isolatedMargin),
    crossInitialMargin: fmt(totals.crossInitial),
    openOrderMargin: fmt(totals.orderMargin),
    maintenanceMargin: fmt(totals.maintenance),
  };
}

/** What new exposure may still use: wallet − margins in use + cross uPnL, never below 0. */
export function availableMargin(state: VenueState, asset: string): Decimal {
  return new D(balanceState(state, asset).available);
}

export function positionState(state: VenueState, position: PositionRecord): PaperPositionState {
  const instrument = state.instrument(position.venueSymbol);
  const mark = markOf(state, position);
  const notional = position.qty.abs().mul(mark);
  const liquidation =
    position.marginMode === 'isolated'
      ? isolatedLiquidationPrice(state, position)
      : crossLiquidationPrice(state, position.venueSymbol)?.price;
  return {
    venueSymbol: position.venueSymbol,
    side: position.side,
    qty: fmt(position.qty),
    entryPrice: fmt(entryOf(position).toDecimalPlaces(12)),
    markPrice: fmt(mark),
    unrealizedPnl: fmt(unrealized(position, mark)),
    leverage: position.leverage,
    marginMode: position.marginMode,
    ...(liquidation !== undefined ? { liquidationPrice: fmt(liquidation.toDecimalPlaces(8)) } : {}),
    ...(position.marginMode === 'isolated' ? { isolatedMargin: fmt(position.isolatedMargin) } : {}),
    initialMargin: fmt(
      position.marginMode === 'isolated' ? position.isolatedMargin : notional.div(position.leverage),
    ),
    maintenanceMargin: fmt(notional.mul(state.mmr(instrument))),
    notional: fmt(notional),
    updatedAt: position.updatedAt,
  };
}

/** Part of an order that opens or increases exposure (the rest reduces the opposite net position). */
export function openingQty(
  state: VenueState,
  order: { venueSymbol: string; positionSide: PositionSide; side: OrderSide; qty: Decimal },
): Decimal {
  const { side, qty } = order;
  if (state.positionMode === 'hedge')
    return (side === 'buy') === (order.positionSide === 'long') ? qty : ZERO;
  const held = state.heldQty(order.venueSymbol, 'net');
  const reduces = side === 'buy' ? held.lt(0) : held.gt(0);
  return reduces ? D.max(ZERO, qty.minus(held.abs())) : qty;
}

/** Initial margin of opening `qty` of a symbol at `price`, at the symbol's leverage. */
export function initialMargin(state: VenueState, symbol: string, qty: Decimal, price: Decimal): Decimal {
  return qty.mul(price).div(state.leverageOf(symbol));
}

export function takerFee(state: VenueState, qty: Decimal, price: Decimal): Decimal {
  return qty.mul(price).mul(state.takerRate);
}
