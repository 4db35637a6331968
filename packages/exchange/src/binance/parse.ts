import Decimal from 'decimal.js';
import { ExchangeErrors } from '../errors.ts';
import type {
  Balance,
  Instrument,
  Kline,
  MarginMode,
  Order,
  OrderSide,
  OrderStatus,
  OrderType,
  Position,
  PositionSide,
  Ticker,
} from '../types.ts';

/** Binance wire shapes (only the fields we read; all decimals are strings on the wire). */
export type BinanceFilter = { filterType: string; [key: string]: unknown };
export type BinanceSymbolInfo = {
  symbol: string;
  status: string;
  contractType?: string;
  baseAsset: string;
  quoteAsset: string;
  marginAsset?: string;
  pricePrecision?: number;
  quantityPrecision?: number;
  filters: BinanceFilter[];
};
export type BinanceExchangeInfo = {
  serverTime?: number;
  rateLimits?: { rateLimitType: string; interval: string; intervalNum: number; limit: number }[];
  symbols: BinanceSymbolInfo[];
};

export type BinanceOrder = {
  orderId: number;
  clientOrderId: string;
  symbol: string;
  status: string;
  side: string;
  positionSide: string;
  type: string;
  origType?: string;
  origQty: string;
  executedQty: string;
  avgPrice?: string;
  price: string;
  stopPrice?: string;
  reduceOnly: boolean;
  closePosition?: boolean;
  updateTime?: number;
};

export type BinanceAlgoOrder = {
  algoId: number;
  clientAlgoId: string;
  algoType: string;
  orderType: string;
  symbol: string;
  side: string;
  positionSide: string;
  quantity: string;
  algoStatus: string;
  triggerPrice: string;
  price: string;
  closePosition: boolean;
  reduceOnly: boolean;
  actualOrderId?: string;
  /** TRAILING_STOP_MARKET only: the activation price and the callback in percent. */
  activatePrice?: string;
  callbackRate?: string;
};

/**
 * Futures intervals Binance accepts
 * (https://developers.binance.com/docs/derivatives/usds-margined-futures/common-definition).
 */
export const BINANCE_INTERVALS = [
  '1m',
  '3m',
  '5m',
  '15m',
  '30m',
  '1h',
  '2h',
  '4h',
  '6h',
  '8h',
  '12h',
  '1d',
  '3d',
  '1w',
  '1M',
] as const;

const INTERVAL_MS: Record<string, number> = {
  '1m': 60_000,
  '3m': 180_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '2h': 7_200_000,
  '4h': 14_400_000,
  '6h': 21_600_000,
  '8h': 28_800_000,
  '12h': 43_200_000,
  '1d': 86_400_000,
  '3d': 259_200_000,
  '1w': 604_800_000,
};

/** Interval length in ms; `1M` (calendar month) has none and returns undefined. */
export function intervalMs(interval: string): number | undefined {
  return INTERVAL_MS[interval];
}

/** Maps our timeframe spelling (`1h`, `1H`, `60`, `1D`) onto Binance's interval, or undefined. */
export function toBinanceInterval(timeframe: string): string | undefined {
  const tf = timeframe.trim();
  if ((BINANCE_INTERVALS as readonly string[]).includes(tf)) return tf;
  const lower = tf.toLowerCase();
  if (lower !== '1m' && (BINANCE_INTERVALS as readonly string[]).includes(lower)) return lower;
  if (/^\d+$/.test(tf)) {
    const minutes = Number(tf);
    const match = Object.entries(INTERVAL_MS).find(([, ms]) => ms === minutes * 60_000);
    return match?.[0];
  }
  return undefined;
}

function filter(info: BinanceSymbolInfo, type: string): BinanceFilter | undefined {
  return info.filters.find((f) => f.filterType === type);
}

function str(value: unknown, fallback = '0'): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : fallback;
}

/** Strips insignificant zeros so `0.00100000` reads `0.001` (the venue's payload stays in `raw`). */
export function canonical(value: string): string {
  return new Decimal(value).toFixed();
}

export function parseInstrument(info: BinanceSymbolInfo, defaultMaxLeverage = 125): Instrument {
  const price = filter(info, 'PRICE_FILTER');
  const lot = filter(info, 'LOT_SIZE');
  const notional = filter(info, 'MIN_NOTIONAL');
  const maxQty = str(lot?.maxQty, '');
  return {
    venueSymbol: info.symbol,
    base: info.baseAsset,
    quote: info.quoteAsset,
    tickSize: canonical(str(price?.tickSize, '0')),
    stepSize: canonical(str(lot?.stepSize, '0')),
    minQty: canonical(str(lot?.minQty, '0')),
    ...(maxQty !== '' && Number(maxQty) > 0 ? { maxQty: canonical(maxQty) } : {}),
    minNotional: canonical(str(notional?.notional ?? notional?.minNotional, '0')),
    contractSize: '1',
    maxLeverage: defaultMaxLeverage,
    raw: info,
  };
}

export function toPositionSide(value: string): PositionSide {
  if (value === 'LONG') return 'long';
  if (value === 'SHORT') return 'short';
  return 'net';
}

export function fromPositionSide(value: PositionSide): 'BOTH' | 'LONG' | 'SHORT' {
  if (value === 'long') return 'LONG';
  if (value === 'short') return 'SHORT';
  return 'BOTH';
}

function toSide(value: string): OrderSide {
  return value === 'SELL' ? 'sell' : 'buy';
}

function toOrderType(value: string): OrderType {
  switch (value) {
    case 'LIMIT':
      return 'limit';
    case 'STOP_MARKET':
    case 'STOP':
      return 'stop_market';
    case 'TAKE_PROFIT_MARKET':
    case 'TAKE_PROFIT':
      return 'take_profit_market';
    case 'TRAILING_STOP_MARKET':
      return 'trailing_stop_market';
    default:
      return 'market';
  }
}

function toOrderStatus(value: string): OrderStatus {
  switch (value) {
    case 'NEW':
      return 'new';
    case 'PARTIALLY_FILLED':
      return 'partially_filled';
    case 'FILLED':
      return 'filled';
    case 'CANCELED':
      return 'canceled';
    case 'REJECTED':
      return 'rejected';
    case 'EXPIRED':
    case 'EXPIRED_IN_MATCH':
      return 'expired';
    default:
      return 'unknown';
  }
}

function toAlgoStatus(value: string): OrderStatus {
  switch (value) {
    case 'NEW':
    case 'TRIGGERING':
      return 'new';
    case 'TRIGGERED':
    case 'FINISHED':
      return 'filled';
    case 'CANCELED':
      return 'canceled';
    case 'REJECTED':
      return 'rejected';
    case 'EXPIRED':
      return 'expired';
    default:
      return 'unknown';
  }
}

function nonZero(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const d = new Decimal(value);
  return d.isZero() ? undefined : d.toFixed();
}

export function parseOrder(raw: BinanceOrder): Order {
  const avgPrice = nonZero(raw.avgPrice);
  const price = nonZero(raw.price);
  const triggerPrice = nonZero(raw.stopPrice);
  return {
    venueOrderId: String(raw.orderId),
    clientOrderId: raw.clientOrderId,
    venueSymbol: raw.symbol,
    side: toSide(raw.side),
    positionSide: toPositionSide(raw.positionSide),
    type: toOrderType(raw.origType ?? raw.type),
    status: toOrderStatus(raw.status),
    qty: canonical(str(raw.origQty)),
    filledQty: canonical(str(raw.executedQty)),
    ...(avgPrice !== undefined ? { avgPrice } : {}),
    ...(price !== undefined ? { price } : {}),
    ...(triggerPrice !== undefined ? { triggerPrice } : {}),
    reduceOnly: raw.reduceOnly === true || String(raw.reduceOnly) === 'true',
    isAlgo: false,
    raw,
  };
}

export function parseAlgoOrder(raw: BinanceAlgoOrder): Order {
  const price = nonZero(raw.price);
  const triggerPrice = nonZero(raw.triggerPrice);
  const activationPrice = nonZero(raw.activatePrice);
  const callbackRatePct = nonZero(raw.callbackRate);
  const status = toAlgoStatus(raw.algoStatus);
  return {
    venueOrderId: String(raw.algoId),
    clientOrderId: raw.clientAlgoId,
    venueSymbol: raw.symbol,
    side: toSide(raw.side),
    positionSide: toPositionSide(raw.positionSide),
    type: toOrderType(raw.orderType),
    status,
    qty: canonical(str(raw.quantity)),
    filledQty: status === 'filled' ? canonical(str(raw.quantity)) : '0',
    ...(price !== undefined ? { price } : {}),
    ...(triggerPrice !== undefined ? { triggerPrice } : {}),
    ...(callbackRatePct !== undefined ? { callbackRatePct } : {}),
    ...(activationPrice !== undefined ? { activationPrice } : {}),
    reduceOnly: raw.reduceOnly === true || raw.closePosition === true,
    isAlgo: true,
    raw,
  };
}

export type BinanceBalance = {
  asset: string;
  balance: string;
  crossUnPnl: string;
  availableBalance: string;
};

export function parseBalance(rows: BinanceBalance[], asset: string): Balance {
  const row = rows.find((r) => r.asset === asset);
  if (row === undefined) return { asset, total: '0', available: '0', unrealizedPnl: '0' };
  return {
    asset,
    total: new Decimal(row.balance).plus(row.crossUnPnl).toFixed(),
    available: canonical(row.availableBalance),
    unrealizedPnl: canonical(row.crossUnPnl),
  };
}

export type BinancePositionRisk = {
  symbol: string;
  positionSide: string;
  positionAmt: string;
  entryPrice: string;
  markPrice: string;
  unRealizedProfit: string;
  liquidationPrice?: string;
  leverage?: string;
  marginType?: string;
};

export function parsePosition(raw: BinancePositionRisk): Position {
  const liq = nonZero(raw.liquidationPrice);
  const marginMode: MarginMode = raw.marginType?.toLowerCase() === 'isolated' ? 'isolated' : 'cross';
  return {
    venueSymbol: raw.symbol,
    side: toPositionSide(raw.positionSide),
    qty: canonical(raw.positionAmt),
    entryPrice: canonical(raw.entryPrice),
    markPrice: canonical(raw.markPrice),
    unrealizedPnl: canonical(raw.unRealizedProfit),
    leverage: Number(raw.leverage ?? '1'),
    marginMode,
    ...(liq !== undefined ? { liquidationPrice: liq } : {}),
  };
}

export function parseTicker(raw: { symbol: string; price: string; time?: number }, now: number): Ticker {
  return { venueSymbol: raw.symbol, price: canonical(raw.price), time: raw.time ?? now };
}

/** `[openTime, open, high, low, close, volume, closeTime, …]` → Kline; closed once closeTime has passed. */
export function parseKline(row: unknown, serverNow: number): Kline {
  if (!Array.isArray(row) || row.length < 7) {
    throw ExchangeErrors.create('EXCHANGE_ERROR', {
      message: 'Binance returned a malformed kline',
      details: { venue: 'binance', row },
    });
  }
  const closeTime = Number(row[6]);
  return {
    openTime: Number(row[0]),
    open: Number(row[1]),
    high: Number(row[2]),
    low: Number(row[3]),
    close: Number(row[4]),
    volume: Number(row[5]),
    closed: closeTime < serverNow,
  };
}
