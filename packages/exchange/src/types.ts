/**
 * The exchange-neutral interface. The order executor, paper trading and the simulators speak
 * only this. Inside it every quantity is in BASE-ASSET units (BTC, not contracts) and every price
 * in quote units (USDT); an adapter converts to its venue's units (OKX contracts via ctVal) at
 * its edge. Prices and sizes are passed as decimal strings once they have gone through the
 * instrument's rules (see instrument.ts), never as ad-hoc rounded floats.
 */

import type { VenueId } from '@tradingbot/core';

/** A venue's id (`VENUE_IDS` of @tradingbot/core). */
export type ExchangeId = VenueId;
export type OrderSide = 'buy' | 'sell';
/** `net` = one-way mode; `long` / `short` = a leg of a hedge-mode account. */
export type PositionSide = 'net' | 'long' | 'short';
export type PositionMode = 'one_way' | 'hedge';
export type MarginMode = 'cross' | 'isolated';
export type OrderType = 'market' | 'limit' | 'stop_market' | 'take_profit_market' | 'trailing_stop_market';
export type OrderStatus =
  'new' | 'partially_filled' | 'filled' | 'canceled' | 'rejected' | 'expired' | 'unknown';

/** Trading rules of one instrument, normalised to base-asset units. Decimal strings keep exactness. */
export type Instrument = {
  /** The venue's id: `BTCUSDT` on Binance, `BTC-USDT-SWAP` on OKX. */
  venueSymbol: string;
  base: string;
  quote: string;
  /** Price grid. */
  tickSize: string;
  /** Quantity grid in base units (OKX: lotSz × ctVal). */
  stepSize: string;
  /** Smallest order quantity in base units. */
  minQty: string;
  /** Largest order quantity in base units, when the venue states one. */
  maxQty?: string;
  /** Smallest order value in quote units (Binance MIN_NOTIONAL; "0" when the venue has none). */
  minNotional: string;
  /** Base units per contract (OKX ctVal; "1" on Binance, whose quantities are already in base). */
  contractSize: string;
  maxLeverage: number;
  /** The venue's own payload, kept for diagnosis. */
  raw?: unknown;
};

export type Balance = {
  asset: string;
  /** Wallet balance including unrealised PnL where the venue reports equity. */
  total: string;
  /** What can open new positions. */
  available: string;
  unrealizedPnl: string;
  /**
   * In a stream's balance event only, when the venue says it: the change this event made to the
   * wallet, excluding PnL and fees (Binance `bc`; the paper venue's deposits and withdrawals).
   */
  change?: string;
};

export type Position = {
  venueSymbol: string;
  side: PositionSide;
  /** Signed base-asset quantity: positive long, negative short (hedge legs: long ≥ 0, short ≤ 0). */
  qty: string;
  entryPrice: string;
  markPrice: string;
  unrealizedPnl: string;
  leverage: number;
  marginMode: MarginMode;
  liquidationPrice?: string;
};

export type Order = {
  venueOrderId: string;
  clientOrderId: string;
  venueSymbol: string;
  side: OrderSide;
  positionSide: PositionSide;
  type: OrderType;
  status: OrderStatus;
  /** Requested quantity in base units ("0" for close-position conditionals). */
  qty: string;
  filledQty: string;
  /** Average fill price, when known. */
  avgPrice?: string;
  /** Limit price. */
  price?: string;
  /** Trigger price of a conditional order. */
  triggerPrice?: string;
  reduceOnly: boolean;
  /** True for conditional orders kept by the venue's algo service (Binance algoOrder, OKX order-algo). */
  isAlgo: boolean;
  /** Trailing stops: how far (percent, 1 = 1 %) the price may retrace from its best before it triggers. */
  callbackRatePct?: string;
  /** Trailing stops: the price at which the trailing starts (absent: it trails from placement). */
  activationPrice?: string;
  raw?: unknown;
};

export type PlaceOrderRequest = {
  venueSymbol: string;
  side: OrderSide;
  type: 'market' | 'limit';
  /** Base units, already on the instrument's step grid. */
  qty: string;
  /** Limit price on the tick grid (limit orders only). */
  price?: string;
  /**
   * Which position this order opens or reduces. In one-way mode pass 'net' (or omit): adapters fill in
   * the venue's value (Binance BOTH, OKX net). In hedge mode it is required: opening a long is
   * buy+long, closing it sell+long.
   */
  positionSide?: PositionSide;
  reduceOnly?: boolean;
  marginMode?: MarginMode;
  /** Idempotency key of the caller; the adapter derives the venue client order id from it. */
  idempotencyKey: string;
  /**
   * The caller's current price (e.g. the mark from a stream), for the venue's minimum-notional check
   * of a market order; without it an adapter that checks reads the ticker first (one more request).
   */
  referencePrice?: string;
  /**
   * Optional TP/SL attached to the entry: OKX sends them in the same request (attachAlgoOrds) and
   * creates them at the fill (`attachedProtection` finds them); the others place them with separate
   * requests right after the entry.
   */
  attachedStopLoss?: string;
  attachedTakeProfit?: string;
};

export type ConditionalOrderRequest = {
  venueSymbol: string;
  kind: 'stop_loss' | 'take_profit';
  /** The side of the closing order (sell closes a long). */
  side: OrderSide;
  positionSide?: PositionSide;
  triggerPrice: string;
  /** Base units; omit to close the whole position (Binance closePosition, OKX closeFraction). */
  qty?: string;
  marginMode?: MarginMode;
  idempotencyKey: string;
};

/**
 * A trailing stop closing (part of) an open position: once the price has reached `activationPrice`
 * (at once when absent), the venue tracks the best price since and closes with a market order when
 * the price retraces `callbackRatePct` percent from it (Binance TRAILING_STOP_MARKET `callbackRate`,
 * OKX `move_order_stop` `callbackRatio`). The rate must lie in the venue's range on its grid
 * (`TRAILING_CALLBACK_RULES`); the adapter refuses anything else rather than moving it.
 */
export type TrailingStopRequest = {
  venueSymbol: string;
  /** The side of the closing order (sell closes a long). */
  side: OrderSide;
  positionSide?: PositionSide;
  /** Percent: 1 = 1 %. */
  callbackRatePct: string;
  /** On the tick grid; a sell (closing a long) activates at or above it, a buy at or below. */
  activationPrice?: string;
  /** Base units on the step grid (venues take no close-position flag for trailing stops). */
  qty: string;
  marginMode?: MarginMode;
  idempotencyKey: string;
};

/** Stop-loss and take-profit together: OKX places one `oco` algo order; others place two orders. */
export type ProtectionRequest = {
  venueSymbol: string;
  /** The position being protected. */
  positionSide: 'long' | 'short';
  stopLoss?: string;
  takeProfit?: string;
  qty?: string;
  marginMode?: MarginMode;
  idempotencyKey: string;
};

export type Ticker = { venueSymbol: string; price: string; time: number };

export type Kline = {
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** False while the candle is still forming. */
  closed: boolean;
};

export type KlineQuery = {
  venueSymbol: string;
  timeframe: string;
  startTime?: number;
  endTime?: number;
  limit?: number;
};

/**
 * A futures venue. Implemented by BinanceFuturesClient, OkxSwapClient and PaperExchange; one
 * contract test suite runs against all three.
 */
export interface Exchange {
  readonly id: ExchangeId;

  serverTime(): Promise<number>;
  instruments(): Promise<Instrument[]>;
  instrument(venueSymbol: string): Promise<Instrument>;
  ticker(venueSymbol: string): Promise<Ticker>;
  klines(query: KlineQuery): Promise<Kline[]>;

  balance(asset?: string): Promise<Balance>;
  positions(venueSymbol?: string): Promise<Position[]>;
  positionMode(): Promise<PositionMode>;
  setLeverage(venueSymbol: string, leverage: number, marginMode?: MarginMode): Promise<{ leverage: number }>;

  /**
   * Places a market or limit order. Idempotent per `idempotencyKey`: on a timeout or a dropped
   * connection the adapter looks the order up by its client id before deciding, and never sends
   * a second order for the same key.
   */
  placeOrder(request: PlaceOrderRequest): Promise<Order>;
  placeConditional(request: ConditionalOrderRequest): Promise<Order>;
  /**
   * A trailing stop for an open position (reduce-only). Idempotent per `idempotencyKey` like
   * `placeOrder`. A venue without one answers TRAILING_STOP_UNSUPPORTED before sending anything.
   */
  placeTrailingStop(request: TrailingStopRequest): Promise<Order>;
  /** SL and/or TP for an open position, reduce-only / close-position. Returns the orders placed. */
  placeProtection(request: ProtectionRequest): Promise<Order[]>;
  /** Closes the whole position (reduce-only market order, or the venue's close-position call). */
  closePosition(
    venueSymbol: string,
    positionSide: PositionSide,
    idempotencyKey: string,
  ): Promise<Order | null>;
  cancelOrder(
    venueSymbol: string,
    ref: { venueOrderId?: string; clientOrderId?: string; isAlgo?: boolean },
  ): Promise<void>;
  /** Cancels every resting order of a symbol, conditional (algo) ones included. */
  cancelAllOrders(venueSymbol: string): Promise<void>;
  openOrders(venueSymbol?: string): Promise<Order[]>;
  /** Looks an order up by the client id derived from `idempotencyKey`; null when the venue has none. */
  orderByIdempotencyKey(venueSymbol: string, idempotencyKey: string): Promise<Order | null>;
  /**
   * Only on venues that create an order's attached stop-loss / take-profit themselves when it fills
   * (OKX `attachAlgoOrds`: entry and protection are one request). The protective orders attached to
   * the order placed with `idempotencyKey` (their ids derive from it), in any state; [] while the
   * venue has none (not filled yet, or not created — e.g. the fill price had crossed a trigger).
   * Absent where `attachedStopLoss` / `attachedTakeProfit` are sent as separate requests.
   */
  attachedProtection?(venueSymbol: string, idempotencyKey: string): Promise<Order[]>;
}
