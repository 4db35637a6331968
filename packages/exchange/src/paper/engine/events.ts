import Decimal from 'decimal.js';
import { D, fmt } from '../../decimal.ts';
import type { AccountEvent, FundingPayment, VenueFill } from '../../stream/types.ts';
import type { Balance, Position, PositionSide } from '../../types.ts';
import { balanceState, markOf, positionState, unrealized } from './margin.ts';
import { ZERO, type VenueState } from './state.ts';
import { toOrder } from './order-view.ts';
import type { OrderRecord, PaperFill, PaperPositionState } from './types.ts';

// The venue's account events (stream/types.ts `AccountEvent`), emitted synchronously as the engine
// books things. Every emitter returns at once when nobody listens, so a venue without a stream
// pays nothing. The order of events for one execution is: fill, order, (oco siblings' order),
// positions, balances — see docs/paper-venue.md ("Account events").

/** Funding payments kept for `fundingSince` (the latest). */
export const FUNDING_LOG_LIMIT = 1000;

/** Balance reasons, in Binance's ACCOUNT_UPDATE `m` codes (../shared reference: streams.md). */
export type PaperBalanceReason = 'ORDER' | 'FUNDING_FEE' | 'DEPOSIT' | 'WITHDRAW';

function emit(state: VenueState, event: AccountEvent): void {
  for (const listener of state.eventListeners) {
    try {
      listener(event);
    } catch {
      // A listener's failure must not leave the venue half-updated.
    }
  }
}

export function emitOrder(state: VenueState, order: OrderRecord): void {
  if (state.eventListeners.size === 0) return;
  emit(state, { kind: 'order', time: state.now(), order: toOrder(order), updateTime: order.updatedAt });
}

/** A fill in the stream's venue-neutral shape: the fill seq is the trade id. */
export function venueFill(fill: PaperFill): VenueFill {
  const venueFill: VenueFill = {
    venueTradeId: String(fill.seq),
    venueOrderId: fill.venueOrderId,
    clientOrderId: fill.clientOrderId,
    venueSymbol: fill.venueSymbol,
    side: fill.side,
    positionSide: fill.positionSide,
    qty: fill.qty,
    price: fill.price,
    fee: fill.fee,
    feeAsset: fill.feeAsset,
    realizedPnl: fill.realizedPnl,
    liquidity: fill.liquidity,
    cause: fill.reason === 'liquidation' ? 'liquidation' : fill.reason === 'trigger' ? 'trigger' : 'order',
    time: fill.time,
  };
  if (fill.reason === 'trigger') {
    venueFill.trigger =
      fill.order.type === 'take_profit_market'
        ? 'take_profit'
        : fill.order.type === 'trailing_stop_market'
          ? 'trailing'
          : 'stop_loss';
  }
  return venueFill;
}

export function emitFill(state: VenueState, fill: PaperFill): void {
  if (state.eventListeners.size === 0) return;
  emit(state, { kind: 'fill', time: fill.time, fill: venueFill(fill) });
}

/** A position as the `Exchange` interface reports it. */
export function toPosition(state: PaperPositionState): Position {
  const position: Position = {
    venueSymbol: state.venueSymbol,
    side: state.side,
    qty: state.qty,
    entryPrice: state.entryPrice,
    markPrice: state.markPrice,
    unrealizedPnl: state.unrealizedPnl,
    leverage: state.leverage,
    marginMode: state.marginMode,
  };
  if (state.liquidationPrice !== undefined) position.liquidationPrice = state.liquidationPrice;
  return position;
}

/** A balance as the `Exchange` interface reports it (total = equity). */
export function toBalance(state: VenueState, asset: string): Balance {
  const b = balanceState(state, asset);
  return { asset, total: b.equity, available: b.available, unrealizedPnl: b.unrealizedPnl };
}

/** The legs as they are now; a leg that went flat is reported with qty "0". */
export function emitPositions(
  state: VenueState,
  legs: readonly { symbol: string; side: PositionSide }[],
  reason: PaperBalanceReason,
): void {
  if (state.eventListeners.size === 0 || legs.length === 0) return;
  const positions = legs.map(({ symbol, side }) => {
    const record = state.position(symbol, side);
    if (record !== undefined && !record.qty.isZero()) return toPosition(positionState(state, record));
    const mark = state.marks.get(symbol);
    return {
      venueSymbol: symbol,
      side,
      qty: '0',
      entryPrice: '0',
      markPrice: mark === undefined ? '0' : fmt(mark),
      unrealizedPnl: '0',
      leverage: state.leverageOf(symbol),
      marginMode: state.marginModeOf(symbol),
    } satisfies Position;
  });
  emit(state, { kind: 'positions', time: state.now(), positions, reason });
}

/** The assets' balances as they are now; `change` (a deposit or withdrawal) is reported on each. */
export function emitBalances(
  state: VenueState,
  assets: readonly string[],
  reason: PaperBalanceReason,
  change?: Decimal,
): void {
  if (state.eventListeners.size === 0 || assets.length === 0) return;
  emit(state, {
    kind: 'balances',
    time: state.now(),
    balances: assets.map((asset) =>
      change === undefined ? toBalance(state, asset) : { ...toBalance(state, asset), change: fmt(change) },
    ),
    reason,
  });
}

/** Logs one funding payment (kept bounded for `fundingSince`) and emits it. */
export function recordFunding(state: VenueState, venueSymbol: string, amount: Decimal, asset: string): void {
  state.fundingSeq += 1;
  const payment: FundingPayment = {
    venueEntryId: String(state.fundingSeq),
    venueSymbol,
    amount: fmt(amount),
    asset,
    time: state.now(),
  };
  state.fundingLog.push(payment);
  if (state.fundingLog.length > FUNDING_LOG_LIMIT) {
    state.fundingLog.splice(0, state.fundingLog.length - FUNDING_LOG_LIMIT);
  }
  if (state.eventListeners.size === 0) return;
  emit(state, { kind: 'funding', time: payment.time, payment: { ...payment } });
}

/**
 * The margin ratio (maintenance margin ÷ margin balance) at which the paper venue warns; it
 * liquidates at 1. 80 % is this venue's choice: Binance sends MARGIN_CALL before liquidation
 * without documenting the level (../shared reference: streams.md).
 */
export const MARGIN_CALL_RATIO = new D('0.8');

/**
 * Emits `margin_call` once when an account's margin ratio reaches MARGIN_CALL_RATIO — per quote
 * asset for cross positions, per position for isolated ones — and again only after it has fallen
 * back below. Only while someone listens (the warnings are not state).
 */
export function checkMarginCalls(state: VenueState): void {
  if (state.eventListeners.size === 0 || (state.positions.size === 0 && state.marginCalls.size === 0)) return;
  const short = new Map<string, { detail: string; venueSymbol?: string }>();
  const describe = (maintenance: Decimal, balance: Decimal, asset: string): string => {
    const ratio = balance.lte(0)
      ? 'over 100'
      : maintenance.div(balance).mul(100).toFixed(2, Decimal.ROUND_DOWN);
    return `margin ratio ${ratio}% (maintenance ${fmt(maintenance)} ${asset}, margin balance ${fmt(balance)} ${asset})`;
  };
  const reached = (maintenance: Decimal, balance: Decimal) =>
    maintenance.gt(0) && (balance.lte(0) || maintenance.div(balance).gte(MARGIN_CALL_RATIO));
  // Per quote asset: the cross margin balance (wallet − isolated margins + cross uPnL) and maintenance.
  const cross = new Map<string, { balance: Decimal; maintenance: Decimal; positions: number }>();
  const crossOf = (asset: string) => {
    let totals = cross.get(asset);
    if (totals === undefined) {
      totals = { balance: state.wallet(asset), maintenance: ZERO, positions: 0 };
      cross.set(asset, totals);
    }
    return totals;
  };
  for (const position of state.positions.values()) {
    const instrument = state.instrument(position.venueSymbol);
    const asset = instrument.quote;
    const mark = markOf(state, position);
    const maintenance = position.qty.abs().mul(mark).mul(state.mmr(instrument));
    const totals = crossOf(asset);
    if (position.marginMode === 'cross') {
      totals.balance = totals.balance.plus(unrealized(position, mark));
      totals.maintenance = totals.maintenance.plus(maintenance);
      totals.positions += 1;
      continue;
    }
    totals.balance = totals.balance.minus(position.isolatedMargin);
    const balance = position.isolatedMargin.plus(unrealized(position, mark));
    if (reached(maintenance, balance)) {
      short.set(`isolated|${state.positionKey(position.venueSymbol, position.side)}`, {
        detail: `isolated ${position.venueSymbol} ${position.side}: ${describe(maintenance, balance, asset)}`,
        venueSymbol: position.venueSymbol,
      });
    }
  }
  for (const [asset, totals] of cross) {
    if (totals.positions > 0 && reached(totals.maintenance, totals.balance)) {
      short.set(`cross|${asset}`, {
        detail: `cross ${asset}: ${describe(totals.maintenance, totals.balance, asset)}`,
      });
    }
  }
  for (const [key, call] of short) {
    if (state.marginCalls.has(key)) continue;
    emit(state, {
      kind: 'margin_call',
      time: state.now(),
      detail: call.detail,
      ...(call.venueSymbol !== undefined ? { venueSymbol: call.venueSymbol } : {}),
    });
  }
  state.marginCalls.clear();
  for (const key of short.keys()) state.marginCalls.add(key);
}
