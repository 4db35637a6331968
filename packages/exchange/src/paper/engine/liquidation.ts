import type Decimal from 'decimal.js';
import { D } from '../../decimal.ts';
import type { OrderSide } from '../../types.ts';
import { balanceState, isolatedLiquidationPrice, markOf, unrealized } from './margin.ts';
import { emitBalances, emitOrder, emitPositions } from './events.ts';
import { bookOrder, recordFill } from './orders.ts';
import { changePosition } from './positions.ts';
import { ZERO, type VenueState } from './state.ts';
import type { PositionRecord } from './types.ts';

// Liquidation: a position whose margin no longer covers its maintenance margin is closed by the
// venue. The rules are in docs/paper-venue.md ("Liquidation").

/**
 * Closes positions at `price` (their liquidation level) with an `autoclose-<n>` order and charges
 * the clearance: an isolated position loses what is left of its margin, a cross one pays its
 * maintenance margin as far as the wallet has it.
 */
export function liquidate(state: VenueState, positions: PositionRecord[], price: Decimal): void {
  for (const position of positions) {
    if (position.qty.isZero() || state.position(position.venueSymbol, position.side) === undefined) continue;
    liquidateOne(state, position, price);
  }
}

function liquidateOne(state: VenueState, position: PositionRecord, price: Decimal): void {
  const instrument = state.instrument(position.venueSymbol);
  const qty = position.qty.abs();
  const side: OrderSide = position.qty.gt(0) ? 'sell' : 'buy';
  const record = bookOrder(state, {
    clientOrderId: `autoclose-${state.seq + 1}`,
    idempotencyKey: undefined,
    venueSymbol: position.venueSymbol,
    side,
    positionSide: position.side,
    type: 'market',
    qty,
    price: undefined,
    triggerPrice: undefined,
    reduceOnly: true,
    closePosition: false,
    isAlgo: false,
    ocoGroup: undefined,
    callbackRate: undefined,
    activationPrice: undefined,
    reservedMargin: ZERO,
    statusReason: 'liquidation',
    attachedStopLoss: undefined,
    attachedTakeProfit: undefined,
  });
  const isolatedMargin = position.marginMode === 'isolated' ? position.isolatedMargin : undefined;
  const target = { symbol: position.venueSymbol, side: position.side };
  const realized = changePosition(state, target, side === 'buy' ? qty : qty.neg(), price);
  const walletAfter = state.wallet(instrument.quote).plus(realized);
  const clearance =
    isolatedMargin !== undefined
      ? D.max(ZERO, isolatedMargin.plus(realized))
      : D.max(ZERO, D.min(qty.mul(price).mul(state.mmr(instrument)), walletAfter));
  state.wallets.set(instrument.quote, D.max(ZERO, walletAfter.minus(clearance)));
  record.filledQty = qty;
  record.avgPrice = price;
  record.fee = clearance;
  record.realizedPnl = realized;
  record.status = 'filled';
  // A liquidation is one instant: the order is done when it is booked.
  record.updatedAt = record.createdAt;
  recordFill(state, record, {
    qty,
    price,
    fee: clearance,
    realized,
    liquidity: 'taker',
    reason: 'liquidation',
  });
  // Booked and filled in one instant: one order event, already filled (Binance reports the
  // autoclose order's execution likewise in one ORDER_TRADE_UPDATE, x CALCULATED).
  emitOrder(state, record);
  emitPositions(state, [target], 'ORDER');
  emitBalances(state, [instrument.quote], 'ORDER');
}

/** Liquidates whatever is below maintenance at the current prices (isolated per position, cross per asset). */
export function checkLiquidations(state: VenueState): void {
  for (const position of [...state.positions.values()]) {
    if (position.marginMode !== 'isolated') continue;
    const mark = state.marks.get(position.venueSymbol);
    if (mark === undefined) continue;
    const instrument = state.instrument(position.venueSymbol);
    const equity = position.isolatedMargin.plus(unrealized(position, mark));
    if (equity.lt(position.qty.abs().mul(mark).mul(state.mmr(instrument)))) {
      liquidate(state, [position], isolatedLiquidationPrice(state, position) ?? mark);
    }
  }
  const assets = new Set(state.instruments.map((i) => i.quote));
  for (const asset of assets) {
    const balance = balanceState(state, asset);
    const cross = [...state.positions.values()].filter(
      (p) => p.marginMode === 'cross' && state.instrument(p.venueSymbol).quote === asset,
    );
    if (cross.length === 0) continue;
    const equity = new D(balance.crossWallet).plus(balance.crossUnrealizedPnl);
    if (equity.lt(balance.maintenanceMargin)) {
      for (const position of cross) liquidate(state, [position], markOf(state, position));
    }
  }
}
