import Decimal from 'decimal.js';
import type { Balance, Order, OrderSide, PositionSide } from '../types.ts';
import type { FillCause, FundingPayment, VenueFill } from '../stream/types.ts';
import { parseOrder, parsePosition, positionSideOf, type BybitOrder, type BybitPosition } from './parse.ts';

// Bybit V5 private pushes and `/v5/execution/list` rows (streams.md §3.6) → the neutral events.

/** An `execution` push item or `/v5/execution/list` row. */
export type BybitExecution = {
  category?: string;
  symbol: string;
  orderId: string;
  orderLinkId: string;
  side: string;
  execId: string;
  execPrice: string;
  execQty: string;
  execFee: string;
  feeCurrency?: string;
  execType: string;
  execPnl?: string;
  execTime: string;
  isMaker: boolean;
  stopOrderType?: string;
  createType?: string;
  positionIdx?: number;
};

const d = (v: string | undefined): Decimal => new Decimal(v === undefined || v === '' ? '0' : v);

/** What an execution was, from its execType and the conditional order behind it. */
function causeOf(row: BybitExecution): FillCause {
  if (row.execType === 'BustTrade') return 'liquidation';
  if (row.execType === 'AdlTrade') return 'adl';
  const conditional =
    (row.stopOrderType !== undefined && row.stopOrderType !== '' && row.stopOrderType !== 'UNKNOWN') ||
    (row.createType !== undefined &&
      /^CreateBy(StopOrder|StopLoss|TakeProfit|TrailingStop|Tpsl)/.test(row.createType));
  return conditional ? 'trigger' : 'order';
}

/**
 * A trade execution as a fill. `order` (the order behind it, when known) gives the leg and, for a
 * plain conditional (`stopOrderType` "Stop"), whether it was a stop-loss or a take-profit.
 */
export function fillFromExecution(row: BybitExecution, order?: Order): VenueFill {
  const side: OrderSide = row.side === 'Sell' ? 'sell' : 'buy';
  const positionSide: PositionSide =
    row.positionIdx !== undefined ? positionSideOf(row.positionIdx) : (order?.positionSide ?? 'net');
  const fill: VenueFill = {
    venueTradeId: row.execId,
    venueOrderId: row.orderId,
    clientOrderId: row.orderLinkId,
    venueSymbol: row.symbol,
    side,
    positionSide,
    qty: d(row.execQty).toFixed(),
    price: d(row.execPrice).toFixed(),
    fee: d(row.execFee).toFixed(),
    feeAsset: row.feeCurrency !== undefined && row.feeCurrency !== '' ? row.feeCurrency : 'USDT',
    realizedPnl: d(row.execPnl).toFixed(),
    liquidity: row.isMaker ? 'maker' : 'taker',
    cause: causeOf(row),
    time: Number(row.execTime),
  };
  if (fill.cause === 'trigger') {
    const s = row.stopOrderType ?? '';
    if (s === 'StopLoss' || s === 'PartialStopLoss') fill.trigger = 'stop_loss';
    else if (s === 'TakeProfit' || s === 'PartialTakeProfit') fill.trigger = 'take_profit';
    else if (s === 'TrailingStop') fill.trigger = 'trailing';
    else if (order?.type === 'stop_market') fill.trigger = 'stop_loss';
    else if (order?.type === 'take_profit_market') fill.trigger = 'take_profit';
  }
  return fill;
}

/** A `Funding` execution as a payment: `execFee` is what was paid (negative = received). */
export function fundingFromExecution(row: BybitExecution): FundingPayment {
  return {
    venueEntryId: row.execId,
    venueSymbol: row.symbol,
    amount: d(row.execFee).neg().toFixed(),
    asset: row.feeCurrency !== undefined && row.feeCurrency !== '' ? row.feeCurrency : 'USDT',
    time: Number(row.execTime),
  };
}

/** A `position` push item: like `/v5/position/list` with `entryPrice` for `avgPrice`. */
export function positionFromPush(row: BybitPosition & { entryPrice?: string }) {
  return parsePosition({ ...row, avgPrice: row.entryPrice ?? row.avgPrice ?? '0' });
}

/** A `wallet` push item's coins as balances. */
export function balancesFromWallet(row: {
  totalAvailableBalance?: string;
  coin?: Array<{ coin: string; equity: string; walletBalance: string; unrealisedPnl: string }>;
}): Balance[] {
  return (row.coin ?? []).map((c) => ({
    asset: c.coin,
    total: d(c.equity).toFixed(),
    available:
      c.coin === 'USDT' && row.totalAvailableBalance !== undefined && row.totalAvailableBalance !== ''
        ? d(row.totalAvailableBalance).toFixed()
        : d(c.walletBalance).toFixed(),
    unrealizedPnl: d(c.unrealisedPnl).toFixed(),
  }));
}

export { parseOrder, type BybitOrder };
