import Decimal from 'decimal.js';
import { timeframeMs } from '../paper/paper-exchange.ts';
import type { Instrument, Kline, Order, OrderStatus, OrderType, Position, PositionSide } from '../types.ts';

// Bybit V5 rows (streams.md §3.5) → the exchange-neutral types.

export type BybitInstrument = {
  symbol: string;
  contractType?: string;
  status: string;
  baseCoin: string;
  quoteCoin: string;
  settleCoin?: string;
  leverageFilter: { minLeverage?: string; maxLeverage: string; leverageStep?: string };
  priceFilter: { minPrice?: string; maxPrice?: string; tickSize: string };
  lotSizeFilter: {
    minOrderQty: string;
    maxOrderQty?: string;
    maxMktOrderQty?: string;
    qtyStep: string;
    minNotionalValue?: string;
  };
};

export type BybitOrder = {
  orderId: string;
  orderLinkId: string;
  symbol: string;
  side: string;
  orderType: string;
  price?: string;
  qty: string;
  cumExecQty?: string;
  avgPrice?: string;
  orderStatus: string;
  positionIdx?: number;
  reduceOnly?: boolean;
  closeOnTrigger?: boolean;
  triggerPrice?: string;
  triggerDirection?: number;
  stopOrderType?: string;
};

export type BybitPosition = {
  positionIdx: number;
  symbol: string;
  side: string;
  size: string;
  avgPrice: string;
  markPrice: string;
  unrealisedPnl: string;
  leverage: string;
  liqPrice?: string;
  tradeMode?: number;
};

export type BybitWallet = {
  accountType: string;
  totalEquity?: string;
  totalAvailableBalance?: string;
  coin: Array<{
    coin: string;
    equity: string;
    walletBalance: string;
    unrealisedPnl: string;
    totalPositionIM?: string;
    totalOrderIM?: string;
    locked?: string;
  }>;
};

const dec = (v: string | undefined, fallback = '0'): Decimal =>
  new Decimal(v === undefined || v === '' ? fallback : v);

export function parseInstrument(row: BybitInstrument): Instrument {
  return {
    venueSymbol: row.symbol,
    base: row.baseCoin,
    quote: row.quoteCoin,
    tickSize: dec(row.priceFilter.tickSize).toFixed(),
    stepSize: dec(row.lotSizeFilter.qtyStep).toFixed(),
    minQty: dec(row.lotSizeFilter.minOrderQty).toFixed(),
    ...(row.lotSizeFilter.maxMktOrderQty !== undefined && row.lotSizeFilter.maxMktOrderQty !== ''
      ? { maxQty: dec(row.lotSizeFilter.maxMktOrderQty).toFixed() }
      : {}),
    minNotional: dec(row.lotSizeFilter.minNotionalValue).toFixed(),
    contractSize: '1',
    maxLeverage: Math.floor(Number(row.leverageFilter.maxLeverage)),
    raw: row,
  };
}

const STATUS: Record<string, OrderStatus> = {
  New: 'new',
  Untriggered: 'new',
  Triggered: 'new',
  Created: 'new',
  PartiallyFilled: 'partially_filled',
  Filled: 'filled',
  Cancelled: 'canceled',
  PartiallyFilledCanceled: 'canceled',
  Deactivated: 'canceled',
  Rejected: 'rejected',
};

/** positionIdx 0 → net, 1 → the long leg, 2 → the short leg. */
export function positionSideOf(positionIdx: number | undefined): PositionSide {
  return positionIdx === 1 ? 'long' : positionIdx === 2 ? 'short' : 'net';
}

/**
 * A conditional's kind from its side and trigger direction: a sell that triggers when the price
 * falls (2) is a stop, when it rises (1) a take-profit; the reverse for a buy.
 */
export function conditionalType(side: 'buy' | 'sell', triggerDirection: number | undefined): OrderType {
  const falls = triggerDirection === 2;
  return (side === 'sell') === falls ? 'stop_market' : 'take_profit_market';
}

export function parseOrder(row: BybitOrder): Order {
  const side = row.side === 'Sell' ? 'sell' : 'buy';
  const trigger =
    row.triggerPrice !== undefined && row.triggerPrice !== '' && !dec(row.triggerPrice).isZero();
  const type: OrderType = trigger
    ? conditionalType(side, row.triggerDirection)
    : row.orderType === 'Limit'
      ? 'limit'
      : 'market';
  const avg = row.avgPrice !== undefined && row.avgPrice !== '' && !dec(row.avgPrice).isZero();
  return {
    venueOrderId: row.orderId,
    clientOrderId: row.orderLinkId,
    venueSymbol: row.symbol,
    side,
    positionSide: positionSideOf(row.positionIdx),
    type,
    status: STATUS[row.orderStatus] ?? 'unknown',
    qty: dec(row.qty).toFixed(),
    filledQty: dec(row.cumExecQty).toFixed(),
    ...(avg ? { avgPrice: dec(row.avgPrice).toFixed() } : {}),
    ...(row.orderType === 'Limit' && row.price !== undefined && row.price !== '' && !trigger
      ? { price: dec(row.price).toFixed() }
      : {}),
    ...(trigger ? { triggerPrice: dec(row.triggerPrice).toFixed() } : {}),
    reduceOnly: row.reduceOnly === true,
    isAlgo: trigger,
    raw: row,
  };
}

export function parsePosition(row: BybitPosition): Position {
  const size = dec(row.size).abs();
  const side = positionSideOf(row.positionIdx);
  const short = side === 'short' || (side === 'net' && row.side === 'Sell');
  return {
    venueSymbol: row.symbol,
    side,
    qty: (short ? size.neg() : size).toFixed(),
    entryPrice: dec(row.avgPrice).toFixed(),
    markPrice: dec(row.markPrice).toFixed(),
    unrealizedPnl: dec(row.unrealisedPnl).toFixed(),
    leverage: Number(row.leverage),
    marginMode: row.tradeMode === 1 ? 'isolated' : 'cross',
    ...(row.liqPrice !== undefined && row.liqPrice !== '' && !dec(row.liqPrice).isZero()
      ? { liquidationPrice: dec(row.liqPrice).toFixed() }
      : {}),
  };
}

/** Bybit's kline intervals: minutes as numbers, then D, W, M. */
const INTERVALS: Record<string, string> = {
  '1m': '1',
  '3m': '3',
  '5m': '5',
  '15m': '15',
  '30m': '30',
  '1h': '60',
  '2h': '120',
  '4h': '240',
  '6h': '360',
  '12h': '720',
  '1d': 'D',
  '1w': 'W',
};

export function toBybitInterval(timeframe: string): string | undefined {
  return INTERVALS[timeframe];
}

/** The length of an interval in ms (undefined for `M`, whose months differ). */
export function bybitIntervalMs(interval: string): number | undefined {
  if (/^\d+$/.test(interval)) return Number(interval) * 60_000;
  if (interval === 'D') return 86_400_000;
  if (interval === 'W') return 7 * 86_400_000;
  return undefined;
}

/** `[startTime, open, high, low, close, volume, turnover]` rows (newest first) → klines oldest first. */
export function parseKlines(rows: unknown[], timeframe: string, serverNow: number): Kline[] {
  const step = timeframeMs(timeframe);
  return rows
    .map((row) => {
      const r = row as string[];
      const openTime = Number(r[0]);
      return {
        openTime,
        open: Number(r[1]),
        high: Number(r[2]),
        low: Number(r[3]),
        close: Number(r[4]),
        volume: Number(r[5]),
        closed: openTime + step <= serverNow,
      };
    })
    .sort((a, b) => a.openTime - b.openTime);
}
