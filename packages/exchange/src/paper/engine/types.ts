import type Decimal from 'decimal.js';
import type { DecimalInput } from '../../decimal.ts';
import type {
  Instrument,
  MarginMode,
  Order,
  OrderSide,
  OrderStatus,
  OrderType,
  Position,
  PositionMode,
  PositionSide,
} from '../../types.ts';

// The paper venue's public shapes (re-exported by paper-exchange.ts) and its internal records.

/** A kline as accepted by `applyCandle` (only the prices are required). */
export type PaperCandle = {
  openTime?: number;
  /** When given, the clock moves here after the candle; otherwise it stays at openTime. */
  closeTime?: number;
  open: DecimalInput;
  high: DecimalInput;
  low: DecimalInput;
  close: DecimalInput;
  volume?: number;
};

/** A venue-level order request (what a wire simulator forwards). Quantities in base units. */
export type PaperOrderRequest = {
  venueSymbol: string;
  side: OrderSide;
  type: OrderType;
  /** Base units on the step grid. Omit only with `closePosition`. */
  qty?: DecimalInput;
  /** Limit price (limit orders). */
  price?: DecimalInput;
  /** Trigger price (stop_market / take_profit_market). */
  triggerPrice?: DecimalInput;
  /** trailing_stop_market: the retrace from the best price that triggers it, in percent (1 = 1 %). */
  callbackRatePct?: DecimalInput;
  /** trailing_stop_market: where the trailing starts (absent: at the price when placed). */
  activationPrice?: DecimalInput;
  /** One-way: omit or 'net'. Hedge: 'long' or 'short' (required). */
  positionSide?: PositionSide;
  reduceOnly?: boolean;
  /** Conditional orders only: close the whole leg when triggered (no qty). */
  closePosition?: boolean;
  /** Venue client id; generated (`paper-<n>`) when omitted. Binance charset, ≤ 36. */
  clientOrderId?: string;
  /** Kept on the record so `orderByIdempotencyKey` can report it. */
  idempotencyKey?: string;
  /** Switches the symbol's margin mode first when it differs (refused with open positions/orders). */
  marginMode?: MarginMode;
  /** Orders sharing a group cancel each other when one fills (OKX oco). */
  ocoGroup?: string;
  /** Attached TP/SL placed (as an oco pair) once this order has filled. */
  attachedStopLoss?: DecimalInput;
  attachedTakeProfit?: DecimalInput;
};

export type PaperFillReason = 'order' | 'limit' | 'trigger' | 'liquidation';

/** One execution, as reported to `onFill` listeners and kept in `fills()`. */
export type PaperFill = {
  seq: number;
  time: number;
  venueSymbol: string;
  venueOrderId: string;
  clientOrderId: string;
  side: OrderSide;
  positionSide: PositionSide;
  qty: string;
  price: string;
  fee: string;
  feeAsset: string;
  /** Realised PnL of this fill, before its fee. */
  realizedPnl: string;
  liquidity: 'maker' | 'taker';
  reason: PaperFillReason;
  /** The order after the fill. */
  order: Order;
};

export type PaperBalanceState = {
  asset: string;
  /** Deposits + realised PnL − fees + funding (isolated margin included). */
  wallet: string;
  /** wallet − isolated margins. */
  crossWallet: string;
  unrealizedPnl: string;
  crossUnrealizedPnl: string;
  /** wallet + unrealised PnL. */
  equity: string;
  available: string;
  isolatedMargin: string;
  crossInitialMargin: string;
  openOrderMargin: string;
  maintenanceMargin: string;
};

export type PaperPositionState = Position & {
  /** Isolated margin (isolated positions only). */
  isolatedMargin?: string;
  initialMargin: string;
  maintenanceMargin: string;
  /** |qty| × mark. */
  notional: string;
  updatedAt: number;
};

export type PaperAccountState = {
  time: number;
  positionMode: PositionMode;
  balances: PaperBalanceState[];
  positions: PaperPositionState[];
  leverage: Record<string, number>;
  marginModes: Record<string, MarginMode>;
  prices: Record<string, string>;
};

/** What a paper venue starts with (PaperExchange takes the same options). */
export type PaperVenueOptions = {
  /** Defaults to PAPER_DEFAULT_INSTRUMENTS (BTCUSDT, ETHUSDT, SOLUSDT, XRPUSDT, DOGEUSDT). */
  instruments?: readonly Instrument[];
  /** Starting balances per asset. Default { USDT: 10000 }. */
  balances?: Readonly<Record<string, DecimalInput>>;
  /** Starting prices per symbol. */
  prices?: Readonly<Record<string, DecimalInput>>;
  positionMode?: PositionMode;
  /** Leverage of a symbol until setLeverage (capped at the instrument maximum). Default 20. */
  defaultLeverage?: number;
  defaultMarginMode?: MarginMode;
  /** Fractions: 0.0002 = 0.02 %. */
  makerFeeRate?: DecimalInput;
  takerFeeRate?: DecimalInput;
  /** Maintenance margin rate, fixed or per instrument. Default 0.005. */
  maintenanceMarginRate?: DecimalInput | ((instrument: Instrument) => DecimalInput);
  /** Injectable clock. Without it the clock is the last time given to setPrice/applyCandle, else Date.now(). */
  now?: () => number;
  /** Automatic funding at every multiple of intervalMs (default 8 h) the clock crosses. */
  funding?: {
    rate: DecimalInput | ((venueSymbol: string, time: number) => DecimalInput);
    intervalMs?: number;
  };
  onFill?: (fill: PaperFill) => void;
};

/**
 * A market update for `PaperVenue.onMarketUpdate`: a price move (`mark`), or a stored bar that
 * changed (`bar`: a tick folded into its minute, or a replayed candle), by its open time.
 */
export type PaperMarketUpdate =
  | { kind: 'mark'; venueSymbol: string; price: string; time: number }
  | { kind: 'bar'; venueSymbol: string; openTime: number; time: number };

/** A position as the venue books it. */
export type PositionRecord = {
  venueSymbol: string;
  side: PositionSide;
  /** Signed: long > 0, short < 0. */
  qty: Decimal;
  /**
   * Cost basis of the open quantity, |qty| × average entry, kept instead of the entry price so that
   * realised + unrealised PnL always add up exactly (an average like 42222.2… never terminates).
   */
  cost: Decimal;
  marginMode: MarginMode;
  leverage: number;
  isolatedMargin: Decimal;
  updatedAt: number;
};

/** An order as the venue books it (`toOrder` turns it into the interface's `Order`). */
export type OrderRecord = {
  seq: number;
  venueOrderId: string;
  clientOrderId: string;
  idempotencyKey: string | undefined;
  venueSymbol: string;
  side: OrderSide;
  positionSide: PositionSide;
  type: OrderType;
  status: OrderStatus;
  qty: Decimal;
  filledQty: Decimal;
  avgPrice: Decimal | undefined;
  price: Decimal | undefined;
  /** A trailing stop's current level (its best price less the callback); undefined until activated. */
  triggerPrice: Decimal | undefined;
  reduceOnly: boolean;
  closePosition: boolean;
  isAlgo: boolean;
  ocoGroup: string | undefined;
  /** Trailing stops: the callback in percent, the activation price, the best price since activation. */
  callbackRate: Decimal | undefined;
  activationPrice: Decimal | undefined;
  trailBest: Decimal | undefined;
  reservedMargin: Decimal;
  fee: Decimal;
  realizedPnl: Decimal;
  createdAt: number;
  updatedAt: number;
  statusReason: string | undefined;
  attachedStopLoss: string | undefined;
  attachedTakeProfit: string | undefined;
  protection: string[];
  protectionError: string | undefined;
};

/** Who paid the fee rate of a fill: a resting order (maker) or one that crossed (taker). */
export type Liquidity = 'maker' | 'taker';

/** One candle of a symbol's history (what `klines` aggregates). */
export type Bar = {
  openTime: number;
  open: Decimal;
  high: Decimal;
  low: Decimal;
  close: Decimal;
  volume: number;
  /** End (exclusive) of a replayed candle whose closeTime was given. */
  end?: number;
};

/** A stored history bar, opaque outside the engine (made by `historyBar`, shared between venues). */
export type PaperHistoryBar = Readonly<Bar>;
