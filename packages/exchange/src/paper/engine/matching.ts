import type Decimal from 'decimal.js';
import { D } from '../../decimal.ts';
import type { OrderSide, OrderType } from '../../types.ts';
import { liquidate } from './liquidation.ts';
import {
  availableMargin,
  crossLiquidationPrice,
  initialMargin,
  isolatedLiquidationPrice,
  openingQty,
  takerFee,
} from './margin.ts';
import { emitBalances, emitOrder, emitPositions } from './events.ts';
import { cancelOcoSiblings, finish, markDone, recordFill } from './orders.ts';
import { changePosition } from './positions.ts';
import { isOpen, ZERO, type VenueState } from './state.ts';
import type { Liquidity, OrderRecord, PaperFillReason, PositionRecord } from './types.ts';

// Matching: how a price move reaches resting limits, stops, take-profits and liquidation levels,
// and at what price each fills. The rules are in docs/paper-venue.md ("Price path" and "Orders").

/** How the price got to its new value; decides the fill price of what the move passes. */
export type PriceMove = 'tick' | 'gap' | 'path';

type Trigger =
  | { kind: 'order'; order: OrderRecord; level: Decimal; when: 'gte' | 'lte'; rank: number }
  | { kind: 'liquidation'; positions: PositionRecord[]; level: Decimal; when: 'gte' | 'lte'; rank: number };

export function holds(when: 'gte' | 'lte', level: Decimal, price: Decimal): boolean {
  return when === 'gte' ? price.gte(level) : price.lte(level);
}

/** Binance's trigger rule: STOP buy ≥ / sell ≤ trigger, TAKE_PROFIT buy ≤ / sell ≥. */
export function conditionalWhen(type: OrderType, side: OrderSide): 'gte' | 'lte' {
  if (type === 'stop_market' || type === 'trailing_stop_market') return side === 'buy' ? 'gte' : 'lte';
  return side === 'buy' ? 'lte' : 'gte';
}

/**
 * Moves a symbol's price from its current value to `to`, firing every level on the way, nearest
 * first (ties: orders by age, liquidations last). `path` fills each level at the level, `gap` at
 * `to`; `tick` fills a resting limit at its limit and anything else at `to`. Liquidations always
 * happen at their level.
 */
export function walk(state: VenueState, symbol: string, to: Decimal, move: PriceMove): void {
  const continuous = move === 'path';
  // The first price of a symbol: orders placed before it are checked against it as they stand.
  let cur = state.marks.get(symbol) ?? to;
  if (!continuous) state.marks.set(symbol, to);
  for (let guard = 0; guard < 100_000; guard++) {
    const next = nearestTrigger(state, symbol, cur, to);
    if (next === undefined) break;
    const { trigger, point } = next;
    if (continuous) {
      cur = point;
      state.marks.set(symbol, cur);
    }
    if (trigger.kind === 'liquidation') liquidate(state, trigger.positions, point);
    else {
      const limitAtLevel = move === 'tick' && trigger.order.type === 'limit';
      fireOrder(state, trigger.order, continuous || limitAtLevel ? point : to);
    }
  }
  state.marks.set(symbol, to);
  trackTrailing(state, symbol, to);
}

/**
 * Trailing stops of `symbol` at a new price (Binance's rule, docs/paper-venue.md "Trailing stops"):
 * a sell activates once the price is at or above its activation price (a buy: at or below), then
 * keeps the highest price since (a buy: the lowest) and rests at that price less the callback (a
 * buy: plus). A move is monotone, so the level a move fires at is the one set before it; the best
 * price is updated at the move's end.
 */
export function trackTrailing(state: VenueState, symbol: string, price: Decimal): void {
  for (const order of state.orders) {
    if (order.type !== 'trailing_stop_market' || order.venueSymbol !== symbol || !isOpen(order)) continue;
    const rate = order.callbackRate;
    if (rate === undefined) continue;
    const sells = order.side === 'sell';
    const best = order.trailBest;
    if (best === undefined) {
      const activation = order.activationPrice;
      if (activation !== undefined && (sells ? price.lt(activation) : price.gt(activation))) continue;
    } else if (sells ? price.lte(best) : price.gte(best)) {
      continue;
    }
    order.trailBest = price;
    const retrace = rate.div(100);
    order.triggerPrice = sells ? price.mul(retrace.neg().plus(1)) : price.mul(retrace.plus(1));
  }
}

/** The first level a move from `cur` to `to` reaches, and where (at `cur` when already passed). */
function nearestTrigger(
  state: VenueState,
  symbol: string,
  cur: Decimal,
  to: Decimal,
): { trigger: Trigger; point: Decimal } | undefined {
  let best: { trigger: Trigger; point: Decimal; distance: Decimal } | undefined;
  for (const trigger of triggersFor(state, symbol)) {
    if (!holds(trigger.when, trigger.level, to)) continue;
    const point = holds(trigger.when, trigger.level, cur) ? cur : trigger.level;
    const distance = point.minus(cur).abs();
    if (
      best === undefined ||
      distance.lt(best.distance) ||
      (distance.eq(best.distance) && trigger.rank < best.trigger.rank)
    ) {
      best = { trigger, point, distance };
    }
  }
  return best;
}

function triggersFor(state: VenueState, symbol: string): Trigger[] {
  return [...orderTriggers(state, symbol), ...liquidationTriggers(state, symbol)];
}

function orderTriggers(state: VenueState, symbol: string): Trigger[] {
  const triggers: Trigger[] = [];
  for (const order of state.orders) {
    if (order.venueSymbol !== symbol || !isOpen(order)) continue;
    if (order.type === 'limit' && order.price !== undefined) {
      const when = order.side === 'buy' ? 'lte' : 'gte';
      triggers.push({ kind: 'order', order, level: order.price, when, rank: order.seq });
    } else if (order.triggerPrice !== undefined) {
      const when = conditionalWhen(order.type, order.side);
      triggers.push({ kind: 'order', order, level: order.triggerPrice, when, rank: order.seq });
    }
  }
  return triggers;
}

function liquidationTriggers(state: VenueState, symbol: string): Trigger[] {
  const triggers: Trigger[] = [];
  const rank = Number.MAX_SAFE_INTEGER;
  const positions = state.symbolPositions(symbol);
  for (const position of positions.filter((p) => p.marginMode === 'isolated')) {
    const level = isolatedLiquidationPrice(state, position);
    if (level !== undefined) {
      const when = position.qty.gt(0) ? 'lte' : 'gte';
      triggers.push({ kind: 'liquidation', positions: [position], level, when, rank });
    }
  }
  const cross = positions.filter((p) => p.marginMode === 'cross');
  if (cross.length > 0) {
    const solved = crossLiquidationPrice(state, symbol);
    if (solved !== undefined) {
      triggers.push({ kind: 'liquidation', positions: cross, level: solved.price, when: solved.when, rank });
    }
  }
  return triggers;
}

/** True when the order reduces its leg: reduce-only, close-position, or a hedge order closing its side. */
function isReducing(state: VenueState, order: OrderRecord): boolean {
  const closesLeg =
    state.positionMode === 'hedge' && (order.side === 'buy') !== (order.positionSide === 'long');
  return order.reduceOnly || order.closePosition || closesLeg;
}

/** A resting limit order reached, or a conditional order triggered, at `price`. */
function fireOrder(state: VenueState, order: OrderRecord, price: Decimal): void {
  const held = state.heldQty(order.venueSymbol, state.legOf(order.positionSide));
  const reduces = order.side === 'buy' ? held.lt(0) : held.gt(0);
  const liquidity: Liquidity = order.type === 'limit' ? 'maker' : 'taker';
  const reason: PaperFillReason = order.isAlgo ? 'trigger' : 'limit';
  order.reservedMargin = ZERO;
  if (isReducing(state, order)) {
    if (!reduces) {
      finish(state, order, 'expired', 'nothing to reduce when triggered');
      return;
    }
    const qty = order.closePosition ? held.abs() : D.min(order.qty, held.abs());
    trade(state, order, { qty, price, liquidity, reason });
    return;
  }
  if (order.isAlgo) {
    // A conditional that opens: margin is checked only now, as on the venues.
    const openQty = openingQty(state, order);
    const needed = initialMargin(state, order.venueSymbol, openQty, price).plus(
      takerFee(state, openQty, price),
    );
    if (needed.gt(availableMargin(state, state.instrument(order.venueSymbol).quote))) {
      finish(state, order, 'expired', 'insufficient margin when triggered');
      return;
    }
  }
  trade(state, order, { qty: order.qty, price, liquidity, reason });
}

/** Immediate execution of a market or marketable limit order at `price` (as taker). */
export function executeOrder(state: VenueState, order: OrderRecord, price: Decimal): void {
  const held = state.heldQty(order.venueSymbol, state.legOf(order.positionSide));
  const closesLeg =
    state.positionMode === 'hedge' && (order.side === 'buy') !== (order.positionSide === 'long');
  const qty = order.reduceOnly || closesLeg ? D.min(order.qty, held.abs()) : order.qty;
  trade(state, order, { qty, price, liquidity: 'taker', reason: 'order' });
}

/** Books one fill: position, realised PnL, fee, order state, listeners and events, oco, attached TP/SL. */
function trade(
  state: VenueState,
  order: OrderRecord,
  fill: { qty: Decimal; price: Decimal; liquidity: Liquidity; reason: PaperFillReason },
): void {
  const { qty, price } = fill;
  const asset = state.instrument(order.venueSymbol).quote;
  const delta = order.side === 'buy' ? qty : qty.neg();
  const target = { symbol: order.venueSymbol, side: state.legOf(order.positionSide) };
  const realized = changePosition(state, target, delta, price);
  const fee = qty.mul(price).mul(fill.liquidity === 'maker' ? state.makerRate : state.takerRate);
  state.wallets.set(asset, state.wallet(asset).plus(realized).minus(fee));
  const filledBefore = order.filledQty;
  order.filledQty = filledBefore.plus(qty);
  order.avgPrice = order.filledQty.isZero()
    ? undefined
    : (order.avgPrice ?? ZERO).mul(filledBefore).plus(price.mul(qty)).div(order.filledQty);
  order.fee = order.fee.plus(fee);
  order.realizedPnl = order.realizedPnl.plus(realized);
  markDone(state, order, 'filled', undefined);
  recordFill(state, order, { ...fill, fee, realized });
  emitOrder(state, order);
  cancelOcoSiblings(state, order);
  emitPositions(state, [target], 'ORDER');
  emitBalances(state, [asset], 'ORDER');
  if (order.attachedStopLoss !== undefined || order.attachedTakeProfit !== undefined) {
    state.attachProtection(order);
  }
}
