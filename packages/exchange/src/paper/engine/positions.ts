import Decimal from 'decimal.js';
import { D } from '../../decimal.ts';
import type { PositionSide } from '../../types.ts';
import { ZERO, type VenueState } from './state.ts';

/**
 * The part of an amount (cost basis, isolated margin) that leaves with `reduced` of `held`, on a
 * fixed 18-decimal grid: every balance stays a terminating decimal, so sums and differences are
 * exact and realised + unrealised PnL add up to the cent (to the 1e-18) forever.
 */
function proRata(amount: Decimal, reduced: Decimal, held: Decimal): Decimal {
  return reduced.eq(held)
    ? amount
    : amount.mul(reduced).div(held).toDecimalPlaces(18, Decimal.ROUND_HALF_EVEN);
}

/**
 * Applies a signed base-quantity change to a position at `price` and returns the realised PnL:
 * it opens or adds, reduces, or reduces to flat and opens the rest the other way (a flip).
 */
export function changePosition(
  state: VenueState,
  target: { symbol: string; side: PositionSide },
  delta: Decimal,
  price: Decimal,
): Decimal {
  if (delta.isZero()) return ZERO;
  const held = state.heldQty(target.symbol, target.side);
  if (held.isZero() || held.isNeg() === delta.isNeg()) {
    increase(state, target, delta, price);
    return ZERO;
  }
  const reduced = D.min(delta.abs(), held.abs());
  const realized = reduce(state, target, reduced, price);
  const flip = delta.abs().minus(reduced);
  if (flip.gt(0)) changePosition(state, target, delta.isNeg() ? flip.neg() : flip, price);
  return realized;
}

/** Opens or adds to a position: cost basis += |delta| × price; isolated margin at the entry price. */
function increase(
  state: VenueState,
  { symbol, side }: { symbol: string; side: PositionSide },
  delta: Decimal,
  price: Decimal,
): void {
  const position = state.position(symbol, side);
  const leverage = state.leverageOf(symbol);
  const marginMode = position?.marginMode ?? state.marginModeOf(symbol);
  const added = marginMode === 'isolated' ? delta.abs().mul(price).div(leverage) : ZERO;
  const now = state.now();
  if (position === undefined || position.qty.isZero()) {
    state.positions.set(state.positionKey(symbol, side), {
      venueSymbol: symbol,
      side,
      qty: delta,
      cost: delta.abs().mul(price),
      marginMode,
      leverage,
      isolatedMargin: added,
      updatedAt: now,
    });
    return;
  }
  position.cost = position.cost.plus(delta.abs().mul(price));
  position.qty = position.qty.plus(delta);
  position.isolatedMargin = position.isolatedMargin.plus(added);
  position.updatedAt = now;
}

/** Takes `reduced` off an open position at `price`; releases cost and margin pro rata. */
function reduce(
  state: VenueState,
  { symbol, side }: { symbol: string; side: PositionSide },
  reduced: Decimal,
  price: Decimal,
): Decimal {
  const position = state.position(symbol, side);
  if (position === undefined) return ZERO;
  const held = position.qty;
  const released = proRata(position.cost, reduced, held.abs());
  const realized = reduced
    .mul(price)
    .minus(released)
    .mul(held.isNeg() ? -1 : 1);
  const remaining = held.abs().minus(reduced);
  position.cost = position.cost.minus(released);
  position.isolatedMargin = position.isolatedMargin.minus(
    proRata(position.isolatedMargin, reduced, held.abs()),
  );
  position.qty = held.isNeg() ? remaining.neg() : remaining;
  position.updatedAt = state.now();
  if (position.qty.isZero()) state.positions.delete(state.positionKey(symbol, side));
  return realized;
}
