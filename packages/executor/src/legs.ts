import { ExchangeDecimal as D, type Order, type Position, type PositionMode } from '@tradingbot/exchange';
import { ExecutorErrors } from './errors.ts';
import type { Leg } from './protection.ts';

/** Order states in which a protective order found on the venue counts as placed. */
export const FILLED_OR_LIVE: ReadonlySet<Order['status']> = new Set([
  'new',
  'partially_filled',
  'filled',
  'unknown',
]);

export function abs(qty: string): string {
  return new D(qty).abs().toFixed();
}

export function oppositeOf(leg: Leg): Leg {
  return leg === 'long' ? 'short' : 'long';
}

/**
 * The open position on `leg`: in hedge mode the leg's own row; in one-way mode the net row whose
 * sign matches (positive = long).
 */
export function findLeg(positions: readonly Position[], leg: Leg, mode: PositionMode): Position | undefined {
  return positions.find((p) => {
    const q = new D(p.qty);
    if (q.isZero()) return false;
    if (mode === 'hedge' && p.side !== 'net') return p.side === leg;
    return leg === 'long' ? q.isPositive() : q.isNegative();
  });
}

export function fillPrice(order: Order, position: Position | undefined): string {
  if (order.avgPrice !== undefined && new D(order.avgPrice).gt(0)) return order.avgPrice;
  if (position !== undefined && new D(position.entryPrice).gt(0)) return position.entryPrice;
  if (order.price !== undefined && new D(order.price).gt(0)) return order.price;
  throw ExecutorErrors.create('ENTRY_NOT_FILLED', { message: 'The entry fill price is unknown' });
}
