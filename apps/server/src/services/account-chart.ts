import { and, asc, eq, gte } from 'drizzle-orm';
import { fills } from '@tradingbot/db';
import type { Order } from '@tradingbot/exchange';
import { accountExchange, type AccountsDeps } from './accounts.ts';

/*
 * What the position chart and the dashboard show of an account on one symbol: the venue's candles,
 * the fills the account mirror recorded (entries and exits with their reason), the orders resting on
 * the venue now (the stop-loss and take-profit the webhook placed) and the open position.
 */

export type RestingOrderKind = 'stop_loss' | 'take_profit' | 'trailing_stop' | 'limit' | 'market';

const KIND_OF: Record<Order['type'], RestingOrderKind> = {
  stop_market: 'stop_loss',
  take_profit_market: 'take_profit',
  trailing_stop_market: 'trailing_stop',
  limit: 'limit',
  market: 'market',
};

export function restingOrderJson(order: Order) {
  return {
    venue_order_id: order.venueOrderId,
    client_order_id: order.clientOrderId,
    symbol: order.venueSymbol,
    kind: KIND_OF[order.type],
    side: order.side,
    position_side: order.positionSide,
    qty: order.qty,
    price: order.price ?? null,
    trigger_price: order.triggerPrice ?? null,
    reduce_only: order.reduceOnly,
    status: order.status,
  };
}

/** The orders resting on the venue now (all symbols, or one), as the venue reports them. */
export async function restingOrders(deps: AccountsDeps, userId: string, accountId: string, symbol?: string) {
  const venue = await accountExchange(deps, userId, accountId);
  const orders = await venue.openOrders(symbol);
  return { account_id: accountId, orders: orders.map(restingOrderJson) };
}

export type ChartQuery = { symbol: string; timeframe: string; limit: number };

/** Candles of the symbol, the account's fills on it since the first candle, its resting orders and position. */
export async function positionChart(
  deps: AccountsDeps,
  userId: string,
  accountId: string,
  query: ChartQuery,
) {
  const venue = await accountExchange(deps, userId, accountId);
  const [klines, orders, positions] = await Promise.all([
    venue.klines({ venueSymbol: query.symbol, timeframe: query.timeframe, limit: query.limit }),
    venue.openOrders(query.symbol),
    venue.positions(query.symbol),
  ]);
  const since = klines.length > 0 ? new Date(klines[0]!.openTime) : new Date(0);
  const rows = await deps.database.db
    .select()
    .from(fills)
    .where(and(eq(fills.accountId, accountId), eq(fills.symbol, query.symbol), gte(fills.venueTime, since)))
    .orderBy(asc(fills.venueTime), asc(fills.id));
  return {
    account_id: accountId,
    symbol: query.symbol,
    timeframe: query.timeframe,
    candles: klines.map((k) => ({
      time: k.openTime,
      open: k.open,
      high: k.high,
      low: k.low,
      close: k.close,
    })),
    fills: rows.map((f) => ({
      time: f.venueTime.getTime(),
      side: f.side,
      position_side: f.positionSide,
      qty: f.qty,
      price: f.price,
      realized_pnl: f.realizedPnl,
      reason: f.reason,
    })),
    orders: orders.map(restingOrderJson),
    positions: positions.map((p) => ({
      side: p.side,
      qty: p.qty,
      entry_price: p.entryPrice,
      mark_price: p.markPrice,
      unrealized_pnl: p.unrealizedPnl,
      ...(p.liquidationPrice !== undefined ? { liquidation_price: p.liquidationPrice } : {}),
    })),
  };
}
