import { z } from 'zod';
import { AccountTrade } from './mirror.schema.ts';
import { nameSchemas } from './schema-registry.ts';

/** Which accounts: one of the caller's (`account_id`), or all of them (absent). */
const Scope = { account_id: z.string().min(1).max(64).optional() };
const format = z.enum(['json', 'csv']).default('json');

export const HistoryTradesQuery = z.strictObject({
  ...Scope,
  status: z.enum(['open', 'closed']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  format,
});

export const HistoryReturnsQuery = z.strictObject({
  ...Scope,
  period: z.enum(['day', 'month']).default('day'),
  format,
});

/** A round trip with the account it belongs to. */
export const HistoryTrade = AccountTrade.extend({
  account_id: z.string(),
  account_label: z.string(),
  exchange: z.string(),
});

export const HistoryTradeList = z.object({ trades: z.array(HistoryTrade), total: z.number().int() });

/**
 * One UTC day (`YYYY-MM-DD`) or month (`YYYY-MM`) of PnL in the quote asset (USDT), and the return
 * in percent of the wallet balance at the period's start (decimal strings, not rounded for display;
 * null when unknown: no balance recorded by then, or no capital).
 */
export const PnlPeriod = z.object({
  date: z.string(),
  realized_pnl: z.string(),
  fees: z.string(),
  funding: z.string(),
  net_pnl: z.string(),
  cumulative_net_pnl: z.string(),
  fills: z.number().int(),
  start_equity: z.string().nullable(),
  return_pct: z.string().nullable(),
  cumulative_return_pct: z.string().nullable(),
});

/** The closed trades summed up; PnL net of fees and funding. */
export const TradeSummary = z.object({
  closed_trades: z.number().int(),
  open_trades: z.number().int(),
  wins: z.number().int(),
  losses: z.number().int(),
  win_rate_pct: z.number().nullable(),
  net_pnl: z.string(),
  fees: z.string(),
  funding: z.string(),
  gross_profit: z.string(),
  gross_loss: z.string(),
  profit_factor: z.string().nullable(),
  best_trade: z.string().nullable(),
  worst_trade: z.string().nullable(),
});

export const HistoryReturns = z.object({
  period: z.enum(['day', 'month']),
  periods: z.array(PnlPeriod),
  summary: TradeSummary,
});

export const ChartParams = z.strictObject({ id: z.string().min(1).max(64) });

const venueSymbol = z
  .string()
  .min(2)
  .max(40)
  .regex(/^[A-Z0-9][A-Z0-9_-]*$/, 'must be a venue symbol such as BTCUSDT or BTC-USDT-SWAP');

export const RestingOrdersQuery = z.strictObject({ symbol: venueSymbol.optional() });

export const PositionChartQuery = z.strictObject({
  symbol: venueSymbol,
  timeframe: z.enum(['1m', '5m', '15m', '1h', '4h', '1d']).default('1h'),
  limit: z.coerce.number().int().min(10).max(1000).default(200),
});

/**
 * An order resting on the venue: `kind` stop_loss / take_profit / trailing_stop are the protection the
 * webhook placed (a trailing stop's `trigger_price` is its current level once activated).
 */
export const RestingOrder = z.object({
  venue_order_id: z.string(),
  client_order_id: z.string(),
  symbol: z.string(),
  kind: z.enum(['stop_loss', 'take_profit', 'trailing_stop', 'limit', 'market']),
  side: z.enum(['buy', 'sell']),
  position_side: z.enum(['net', 'long', 'short']),
  qty: z.string(),
  price: z.string().nullable(),
  trigger_price: z.string().nullable(),
  reduce_only: z.boolean(),
  status: z.string(),
});

export const RestingOrderList = z.object({ account_id: z.string(), orders: z.array(RestingOrder) });

export const ChartCandle = z.object({
  time: z.number(),
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
});

export const ChartFill = z.object({
  time: z.number(),
  side: z.enum(['buy', 'sell']),
  position_side: z.enum(['long', 'short', 'net']),
  qty: z.string(),
  price: z.string(),
  realized_pnl: z.string(),
  reason: z.string(),
});

export const ChartPosition = z.object({
  side: z.enum(['net', 'long', 'short']),
  qty: z.string(),
  entry_price: z.string(),
  mark_price: z.string(),
  unrealized_pnl: z.string(),
  liquidation_price: z.string().optional(),
});

/** A symbol's candles (times in ms) with the account's fills, resting orders and position on it. */
export const PositionChart = z.object({
  account_id: z.string(),
  symbol: z.string(),
  timeframe: z.string(),
  candles: z.array(ChartCandle),
  fills: z.array(ChartFill),
  orders: z.array(RestingOrder),
  positions: z.array(ChartPosition),
});

nameSchemas({
  HistoryTrade,
  HistoryTradeList,
  PnlPeriod,
  TradeSummary,
  HistoryReturns,
  RestingOrder,
  RestingOrderList,
  ChartCandle,
  ChartFill,
  ChartPosition,
  PositionChart,
});
