import Decimal from 'decimal.js';
import type { AppError } from '@tradingbot/core';
import { ExchangeErrors, type ExchangeErrorCode } from '../errors.ts';
import { clientOrderId } from '../client-order-id.ts';
import { D, fmt, parseDecimal, type DecimalInput } from '../decimal.ts';
import {
  checkMinNotional,
  prepareOrderPrice,
  prepareOrderQty,
  type InstrumentRejectReason,
} from '../instrument.ts';
import { nearMatches } from '../symbols.ts';
import type {
  Balance,
  ConditionalOrderRequest,
  Exchange,
  Instrument,
  Kline,
  KlineQuery,
  MarginMode,
  Order,
  OrderSide,
  OrderStatus,
  OrderType,
  PlaceOrderRequest,
  Position,
  PositionMode,
  PositionSide,
  ProtectionRequest,
  Ticker,
} from '../types.ts';
import { PAPER_DEFAULT_INSTRUMENTS } from './instruments.ts';

/*
 * PaperExchange — an in-process USDⓈ-M-style futures venue.
 *
 * Two layers, both on one object:
 *
 *  1. The VENUE (synchronous, for simulators and replays): `submitOrder`, `cancel`, `cancelAll`,
 *     `findOrder`, `setPrice`, `applyCandle`, `setPositionMode`, `setMarginMode`, `setLeverageSync`,
 *     `deposit`, `applyFunding`, `accountState`, `orderHistory`, `openConditionals`, `fills`,
 *     `onFill`, `now`. It behaves like a real venue: explicit client order ids, a duplicate client
 *     id among OPEN orders is rejected (Binance -4116 / OKX 51016), a filled or cancelled id may be
 *     reused. Every rejection is an `ExchangeErrors` error whose `details.reason` is a
 *     `PaperRejectReason`; `PAPER_REASON_VENUE_CODES` suggests the Binance / OKX code for each.
 *
 *  2. The `Exchange` interface (async, what paper trading and the contract suite use). Client ids
 *     are derived from the idempotency key (`clientOrderId(key, 'paper', role?)`). `placeOrder` with
 *     a key whose order is still OPEN is rejected as DUPLICATE_CLIENT_ORDER_ID (the venue rule);
 *     with a key whose order is already done (filled, cancelled, expired) it returns that order
 *     and sends nothing — the interface's promise "never a second order for the same key".
 *
 * Model (all money in decimal.js; nothing is a float):
 *  - Balances per asset (the instrument's quote asset is its margin asset). `wallet` = deposits +
 *    realised PnL − fees + funding; isolated margin is part of the wallet.
 *  - One price per symbol (last = mark). Market orders fill at it; no spread, no partial fills.
 *  - Leverage and margin mode per symbol; margin mode cannot change with a position or an open
 *    order on the symbol (Binance -4048 / -4047).
 *  - Initial margin = |qty| × price / leverage. Isolated: fixed at the fill (entry) price and
 *    released pro rata on reduction. Cross: at the mark. Resting limit orders reserve the margin of
 *    the part that opens. available = wallet − isolated margins − cross initial margin − order
 *    margin + cross unrealised PnL (≥ 0). Opening needs margin + taker fee ≤ available.
 *  - Maintenance margin = mmr × |qty| × mark (default mmr 0.5 %). Liquidation when margin + uPnL
 *    reaches it:
 *      isolated long  LP = (q·E − M) / (q·(1 − mmr))       short LP = (q·E + M) / (q·(1 + mmr))
 *      cross (one symbol, others fixed): LP = (Σ s·q·E − C) / (Σ s·q − mmr·Σ q),
 *        C = wallet − isolated margins + other cross uPnL − other cross maintenance margin.
 *    The level is put on the tick grid (the first tick where the condition holds). The position
 *    is closed AT that price; an isolated one then loses what is left of its margin (it costs
 *    exactly M), a cross one pays its maintenance margin as a clearance fee (as far as the wallet
 *    has it; the wallet never goes below 0).
 *  - Fees: fee = qty × price × rate; taker (default 0.04 %) for market, marketable limit and
 *    triggered orders, maker (default 0.02 %) for resting limit orders.
 *  - Funding (optional): payment = −signedQty × mark × rate; applied by `applyFunding` or
 *    automatically at every multiple of `funding.intervalMs` the clock crosses.
 *  - Conditional orders (stop_market, take_profit_market) are `isAlgo`. Trigger rules as Binance:
 *    STOP buy ≥ / sell ≤ trigger, TAKE_PROFIT buy ≤ / sell ≥. One that would trigger at once is
 *    rejected (Binance -2021). `closePosition` closes the whole leg at trigger; reduce-only ones are
 *    clipped to the position; either expires when there is nothing to reduce. Orders sharing an
 *    `ocoGroup` cancel each other when one fills (placeProtection uses this, like OKX `oco`).
 *
 * Price path. `setPrice` is a tick (a jump): levels the move passes fire nearest first; a triggered
 * stop / take-profit fills at the new price (it becomes a market order), a resting limit at its
 * limit price, a liquidation at its level. `applyCandle` jumps to the open (a gap: anything passed
 * fills at the open), then walks open → high → low → close when the open is nearer the high (tie:
 * low first), as docs/backtest-semantics.md: inside the candle every level fills AT the level.
 */

export type PaperRejectReason =
  | InstrumentRejectReason
  | 'unknown_symbol'
  | 'no_price'
  | 'invalid_side'
  | 'invalid_order_type'
  | 'invalid_client_order_id'
  | 'missing_qty'
  | 'missing_price'
  | 'missing_trigger_price'
  | 'close_position_with_qty'
  | 'close_position_type'
  | 'close_position_wrong_side'
  | 'position_side_mismatch_one_way'
  | 'position_side_mismatch_hedge'
  | 'duplicate_client_order_id'
  | 'unknown_order'
  | 'insufficient_margin'
  | 'reduce_only_would_increase'
  | 'reduce_only_no_position'
  | 'would_immediately_trigger'
  | 'position_mode_open_positions'
  | 'position_mode_open_orders'
  | 'margin_mode_open_positions'
  | 'margin_mode_open_orders'
  | 'leverage_out_of_range'
  | 'invalid_amount'
  | 'invalid_candle'
  | 'invalid_timeframe'
  | 'invalid_request';

/**
 * Suggested venue codes for each rejection reason, for the wire simulators (from
 * exchanges.md §1.9 / §2.8 and the venues' error tables). A hint, not a rule: a simulator may
 * map differently where its venue does.
 */
export const PAPER_REASON_VENUE_CODES: Readonly<
  Partial<Record<PaperRejectReason, { binance?: number; okx?: string }>>
> = Object.freeze({
  unknown_symbol: { binance: -1121, okx: '51001' },
  qty_not_a_number: { binance: -1102, okx: '51000' },
  qty_not_positive: { binance: -4003, okx: '51000' },
  qty_precision: { binance: -4023, okx: '51121' },
  min_qty: { binance: -4004, okx: '51020' },
  max_qty: { binance: -4005, okx: '51202' },
  price_not_a_number: { binance: -1102, okx: '51000' },
  price_not_positive: { binance: -4001, okx: '51000' },
  price_precision: { binance: -4014, okx: '51000' },
  min_notional: { binance: -4164 },
  missing_qty: { binance: -1102, okx: '51000' },
  missing_price: { binance: -1102, okx: '51000' },
  missing_trigger_price: { binance: -1102, okx: '51000' },
  invalid_client_order_id: { binance: -4015, okx: '51000' },
  position_side_mismatch_one_way: { binance: -4061, okx: '51000' },
  position_side_mismatch_hedge: { binance: -4061, okx: '51000' },
  duplicate_client_order_id: { binance: -4116, okx: '51016' },
  unknown_order: { binance: -2011, okx: '51400' },
  insufficient_margin: { binance: -2019, okx: '51008' },
  reduce_only_would_increase: { binance: -2022, okx: '51169' },
  reduce_only_no_position: { binance: -2022, okx: '51169' },
  close_position_wrong_side: { binance: -4136, okx: '51000' },
  would_immediately_trigger: { binance: -2021, okx: '51000' },
  position_mode_open_positions: { binance: -4068, okx: '59000' },
  position_mode_open_orders: { binance: -4067, okx: '59000' },
  margin_mode_open_positions: { binance: -4048, okx: '59000' },
  margin_mode_open_orders: { binance: -4047, okx: '59000' },
  leverage_out_of_range: { binance: -4028, okx: '59102' },
  no_price: { binance: -1001 },
});

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

export type PaperExchangeOptions = {
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

type PositionRecord = {
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

type OrderRecord = {
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
  triggerPrice: Decimal | undefined;
  reduceOnly: boolean;
  closePosition: boolean;
  isAlgo: boolean;
  ocoGroup: string | undefined;
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

type Trigger =
  | { kind: 'order'; order: OrderRecord; level: Decimal; when: 'gte' | 'lte'; rank: number }
  | { kind: 'liquidation'; positions: PositionRecord[]; level: Decimal; when: 'gte' | 'lte'; rank: number };

type Bar = {
  openTime: number;
  open: Decimal;
  high: Decimal;
  low: Decimal;
  close: Decimal;
  volume: number;
  /** End (exclusive) of a replayed candle whose closeTime was given. */
  end?: number;
};

const ZERO = new D(0);
const BINANCE_CLIENT_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;
const OPEN_STATUSES: ReadonlySet<OrderStatus> = new Set(['new', 'partially_filled']);
const ORDER_TYPES: ReadonlySet<string> = new Set(['market', 'limit', 'stop_market', 'take_profit_market']);
const MINUTE = 60_000;
const TIMEFRAME_UNITS: Readonly<Record<string, number>> = {
  s: 1000,
  m: MINUTE,
  h: 60 * MINUTE,
  d: 24 * 60 * MINUTE,
  w: 7 * 24 * 60 * MINUTE,
};

function fail(
  code: ExchangeErrorCode,
  reason: PaperRejectReason,
  message: string,
  details: Record<string, unknown> = {},
): AppError {
  return ExchangeErrors.create(code, { message, details: { venue: 'paper', reason, ...details } });
}

/**
 * The part of an amount (cost basis, isolated margin) that leaves with `reduced` of `held`, on a
 * fixed 18-decimal grid: every balance stays a terminating decimal, so sums and differences are
 * exact and realised + unrealised PnL add up to the cent (to the 1e-18) forever.
 */
function proRata(amount: Decimal, reduced: Decimal, held: Decimal): Decimal {
  return reduced.eq(held)
    ? amount
    : amount.mul(reduced).div(held).toDecimalPlaces(18, Decimal.ROUND_HALF_EVEN);
}

function isOpen(order: OrderRecord): boolean {
  return OPEN_STATUSES.has(order.status);
}

function holds(when: 'gte' | 'lte', level: Decimal, price: Decimal): boolean {
  return when === 'gte' ? price.gte(level) : price.lte(level);
}

/** Parses '1m', '15m', '1h', '4H', '1d', '1D', '1w' (case-insensitive except minutes vs months). */
export function timeframeMs(timeframe: string): number {
  const match = /^(\d+)([smhdwHDW])(utc)?$/.exec(timeframe);
  const unit = match?.[2]?.toLowerCase();
  const ms = unit === undefined ? undefined : TIMEFRAME_UNITS[unit];
  if (match === null || ms === undefined || Number(match[1]) <= 0) {
    throw fail('INVALID_REQUEST', 'invalid_timeframe', `Unsupported timeframe "${timeframe}"`, { timeframe });
  }
  return Number(match[1]) * ms;
}

export class PaperExchange implements Exchange {
  readonly id = 'paper' as const;

  private readonly instrumentList: Instrument[];
  private readonly instrumentMap = new Map<string, Instrument>();
  private readonly wallets = new Map<string, Decimal>();
  private readonly marks = new Map<string, Decimal>();
  private readonly leverages = new Map<string, number>();
  private readonly marginModes = new Map<string, MarginMode>();
  private readonly positionsByKey = new Map<string, PositionRecord>();
  private readonly orders: OrderRecord[] = [];
  private readonly ordersById = new Map<string, OrderRecord>();
  private readonly ordersByClientId = new Map<string, OrderRecord[]>();
  private readonly fillLog: PaperFill[] = [];
  private readonly listeners = new Set<(fill: PaperFill) => void>();
  private readonly bars = new Map<string, Map<number, Bar>>();
  private mode: PositionMode;
  private readonly defaultLeverage: number;
  private readonly defaultMarginMode: MarginMode;
  private readonly makerRate: Decimal;
  private readonly takerRate: Decimal;
  private readonly mmrOption: PaperExchangeOptions['maintenanceMarginRate'];
  private readonly clockOption: (() => number) | undefined;
  private readonly funding: PaperExchangeOptions['funding'];
  private clock: number | undefined;
  private lastFundingCheck: number | undefined;
  private seq = 0;
  private fillSeq = 0;

  constructor(options: PaperExchangeOptions = {}) {
    this.instrumentList = (options.instruments ?? PAPER_DEFAULT_INSTRUMENTS).map((i) => ({ ...i }));
    for (const instrument of this.instrumentList) this.instrumentMap.set(instrument.venueSymbol, instrument);
    for (const [asset, amount] of Object.entries(options.balances ?? { USDT: 10_000 })) {
      this.wallets.set(asset, this.amount(amount, 'balance'));
    }
    this.mode = options.positionMode ?? 'one_way';
    this.defaultLeverage = options.defaultLeverage ?? 20;
    this.defaultMarginMode = options.defaultMarginMode ?? 'cross';
    this.makerRate = this.amount(options.makerFeeRate ?? '0.0002', 'makerFeeRate');
    this.takerRate = this.amount(options.takerFeeRate ?? '0.0004', 'takerFeeRate');
    this.mmrOption = options.maintenanceMarginRate;
    this.clockOption = options.now;
    this.funding = options.funding;
    if (options.onFill !== undefined) this.listeners.add(options.onFill);
    for (const [symbol, price] of Object.entries(options.prices ?? {})) {
      this.instrumentOrThrow(symbol);
      this.marks.set(symbol, this.positivePrice(price));
    }
  }

  // ── Clock, feed and account administration (venue layer) ──────────────────────────────────────

  /** The venue clock (ms). */
  now(): number {
    return this.clockOption?.() ?? this.clock ?? Date.now();
  }

  /**
   * Moves the price of a symbol (a jump, as a live ticker): orders whose level the move passes fill
   * at the new price, liquidation levels at their level. `time` moves the clock (and funding).
   */
  setPrice(venueSymbol: string, price: DecimalInput, time?: number): void {
    const instrument = this.instrumentOrThrow(venueSymbol);
    const to = this.positivePrice(price);
    this.advanceClock(time);
    this.walk(instrument.venueSymbol, to, 'tick');
    this.recordTick(instrument.venueSymbol, to, time ?? this.now());
    this.checkLiquidations();
  }

  /**
   * Replays one candle: jump to the open, then open → high → low → close (or low first, see the
   * header); levels inside the candle fill at the level. The candle is stored for `klines`.
   */
  applyCandle(venueSymbol: string, candle: PaperCandle): void {
    const instrument = this.instrumentOrThrow(venueSymbol);
    const symbol = instrument.venueSymbol;
    const open = this.positivePrice(candle.open);
    const high = this.positivePrice(candle.high);
    const low = this.positivePrice(candle.low);
    const close = this.positivePrice(candle.close);
    if (high.lt(D.max(open, close)) || low.gt(D.min(open, close))) {
      throw fail('INVALID_REQUEST', 'invalid_candle', 'Candle high/low do not contain its open and close', {
        venueSymbol: symbol,
      });
    }
    const openTime = candle.openTime ?? this.now();
    this.advanceClock(openTime);
    this.walk(symbol, open, 'gap');
    this.checkLiquidations();
    const highFirst = high.minus(open).lt(open.minus(low));
    for (const point of highFirst ? [high, low, close] : [low, high, close]) {
      this.walk(symbol, point, 'path');
      this.checkLiquidations();
    }
    this.symbolBars(symbol).set(openTime, {
      openTime,
      open,
      high,
      low,
      close,
      volume: candle.volume ?? 0,
      ...(candle.closeTime !== undefined ? { end: candle.closeTime + 1 } : {}),
    });
    if (candle.closeTime !== undefined) this.advanceClock(candle.closeTime);
  }

  /** The current price of a symbol, or undefined before the first one. */
  priceOf(venueSymbol: string): string | undefined {
    const mark = this.marks.get(this.instrumentOrThrow(venueSymbol).venueSymbol);
    return mark === undefined ? undefined : fmt(mark);
  }

  /** Adds (or with a negative amount removes) funds. */
  deposit(asset: string, amount: DecimalInput): void {
    const value = this.amount(amount, 'amount', true);
    this.wallets.set(asset, this.wallet(asset).plus(value));
  }

  /**
   * Switches one-way ↔ hedge. Refused with an open position (-4068) or an open order (-4067),
   * anywhere on the account. Returns changed: false when already in that mode (Binance -4059).
   */
  setPositionMode(mode: PositionMode): { changed: boolean } {
    if (mode !== 'one_way' && mode !== 'hedge') {
      throw fail('INVALID_REQUEST', 'invalid_request', `Unknown position mode "${String(mode)}"`);
    }
    if (mode === this.mode) return { changed: false };
    if ([...this.positionsByKey.values()].some((p) => !p.qty.isZero())) {
      throw fail(
        'ORDER_REJECTED',
        'position_mode_open_positions',
        'The position mode cannot be changed while a position is open; close every position first',
        { positionMode: this.mode, requested: mode },
      );
    }
    if (this.orders.some(isOpen)) {
      throw fail(
        'ORDER_REJECTED',
        'position_mode_open_orders',
        'The position mode cannot be changed while orders are open; cancel them first',
        { positionMode: this.mode, requested: mode },
      );
    }
    this.mode = mode;
    return { changed: true };
  }

  /**
   * Sets the margin mode of a symbol. Refused with a position (-4048) or an open order (-4047) on
   * it. Returns changed: false when already in that mode (Binance -4046).
   */
  setMarginMode(venueSymbol: string, marginMode: MarginMode): { changed: boolean } {
    const symbol = this.instrumentOrThrow(venueSymbol).venueSymbol;
    if (marginMode !== 'cross' && marginMode !== 'isolated') {
      throw fail('INVALID_REQUEST', 'invalid_request', `Unknown margin mode "${String(marginMode)}"`);
    }
    if (this.marginModeOf(symbol) === marginMode) return { changed: false };
    if (this.symbolPositions(symbol).length > 0) {
      throw fail(
        'ORDER_REJECTED',
        'margin_mode_open_positions',
        `The margin mode of ${symbol} cannot be changed while a position is open`,
        { venueSymbol: symbol, marginMode: this.marginModeOf(symbol), requested: marginMode },
      );
    }
    if (this.orders.some((o) => o.venueSymbol === symbol && isOpen(o))) {
      throw fail(
        'ORDER_REJECTED',
        'margin_mode_open_orders',
        `The margin mode of ${symbol} cannot be changed while orders are open on it`,
        { venueSymbol: symbol, marginMode: this.marginModeOf(symbol), requested: marginMode },
      );
    }
    this.marginModes.set(symbol, marginMode);
    return { changed: true };
  }

  /** Sets a symbol's leverage (integer 1…maxLeverage); open positions take it, isolated margin stays. */
  setLeverageSync(venueSymbol: string, leverage: number): number {
    const instrument = this.instrumentOrThrow(venueSymbol);
    if (!Number.isInteger(leverage) || leverage < 1 || leverage > instrument.maxLeverage) {
      throw fail(
        'LEVERAGE_OUT_OF_RANGE',
        'leverage_out_of_range',
        `Leverage ${leverage} is outside 1..${instrument.maxLeverage} for ${instrument.venueSymbol}`,
        { venueSymbol: instrument.venueSymbol, leverage, maxLeverage: instrument.maxLeverage },
      );
    }
    this.leverages.set(instrument.venueSymbol, leverage);
    for (const position of this.symbolPositions(instrument.venueSymbol)) position.leverage = leverage;
    return leverage;
  }

  /**
   * Pays funding on every position of a symbol at its current price: payment = −signedQty × mark ×
   * rate (longs pay a positive rate). Isolated positions pay from their margin. Returns the total.
   */
  applyFunding(venueSymbol: string, rate: DecimalInput): string {
    const symbol = this.instrumentOrThrow(venueSymbol).venueSymbol;
    const r = this.amount(rate, 'rate', true);
    const mark = this.marks.get(symbol);
    if (mark === undefined) return '0';
    const asset = this.instrumentOrThrow(symbol).quote;
    let total = ZERO;
    for (const position of this.symbolPositions(symbol)) {
      const payment = position.qty.neg().mul(mark).mul(r);
      total = total.plus(payment);
      this.wallets.set(asset, this.wallet(asset).plus(payment));
      if (position.marginMode === 'isolated') position.isolatedMargin = position.isolatedMargin.plus(payment);
      position.updatedAt = this.now();
    }
    this.checkLiquidations();
    return fmt(total);
  }

  /** Subscribes to fills; returns the unsubscribe function. Listener errors are ignored. */
  onFill(listener: (fill: PaperFill) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every fill so far, oldest first. */
  fills(venueSymbol?: string): PaperFill[] {
    return this.fillLog.filter((f) => venueSymbol === undefined || f.venueSymbol === venueSymbol);
  }

  /** Every order ever accepted (any status), oldest first. Rejected requests are not orders. */
  orderHistory(venueSymbol?: string): Order[] {
    return this.orders
      .filter((o) => venueSymbol === undefined || o.venueSymbol === venueSymbol)
      .map((o) => this.toOrder(o));
  }

  /** Open conditional (algo) orders. */
  openConditionals(venueSymbol?: string): Order[] {
    return this.orders
      .filter((o) => o.isAlgo && isOpen(o) && (venueSymbol === undefined || o.venueSymbol === venueSymbol))
      .map((o) => this.toOrder(o));
  }

  /** A full snapshot of the account (balances per asset, positions with margins, settings, prices). */
  accountState(): PaperAccountState {
    const assets = new Set([...this.wallets.keys(), ...this.instrumentList.map((i) => i.quote)]);
    const leverage: Record<string, number> = {};
    const marginModes: Record<string, MarginMode> = {};
    const prices: Record<string, string> = {};
    for (const instrument of this.instrumentList) {
      leverage[instrument.venueSymbol] = this.leverageOf(instrument.venueSymbol);
      marginModes[instrument.venueSymbol] = this.marginModeOf(instrument.venueSymbol);
      const mark = this.marks.get(instrument.venueSymbol);
      if (mark !== undefined) prices[instrument.venueSymbol] = fmt(mark);
    }
    return {
      time: this.now(),
      positionMode: this.mode,
      balances: [...assets].sort().map((asset) => this.balanceState(asset)),
      positions: [...this.positionsByKey.values()].map((p) => this.positionState(p)),
      leverage,
      marginModes,
      prices,
    };
  }

  /**
   * Finds an order by venue id or client id (latest with that client id), any status.
   * `venueSymbol` restricts the search when given.
   */
  findOrder(ref: { venueOrderId?: string; clientOrderId?: string }, venueSymbol?: string): Order | undefined {
    const record = this.findRecord(ref, venueSymbol);
    return record === undefined ? undefined : this.toOrder(record);
  }

  // ── Venue-level order entry ───────────────────────────────────────────────────────────────────

  /** Places an order as a venue would; see PaperOrderRequest and the header for the rules. */
  submitOrder(request: PaperOrderRequest): Order {
    const instrument = this.instrumentOrThrow(request.venueSymbol);
    const symbol = instrument.venueSymbol;
    if (request.side !== 'buy' && request.side !== 'sell') {
      throw fail(
        'INVALID_REQUEST',
        'invalid_side',
        `Order side must be buy or sell, not "${String(request.side)}"`,
      );
    }
    if (!ORDER_TYPES.has(request.type)) {
      throw fail('INVALID_REQUEST', 'invalid_order_type', `Unsupported order type "${String(request.type)}"`);
    }
    const positionSide = this.resolvePositionSide(request.positionSide, symbol);
    const cid = request.clientOrderId ?? `paper-${this.seq + 1}`;
    if (!BINANCE_CLIENT_ID.test(cid)) {
      throw fail('INVALID_REQUEST', 'invalid_client_order_id', `Client order id "${cid}" is not valid`, {
        clientOrderId: cid,
      });
    }
    const duplicate = this.ordersByClientId.get(cid)?.find(isOpen);
    if (duplicate !== undefined) {
      throw fail(
        'DUPLICATE_CLIENT_ORDER_ID',
        'duplicate_client_order_id',
        `An open order with client id ${cid} already exists`,
        { clientOrderId: cid, venueOrderId: duplicate.venueOrderId },
      );
    }

    const isConditional = request.type === 'stop_market' || request.type === 'take_profit_market';
    const closePosition = request.closePosition === true;
    let qty: Decimal;
    if (closePosition) {
      if (!isConditional) {
        throw fail(
          'INVALID_REQUEST',
          'close_position_type',
          'closePosition is only valid on stop / take-profit orders',
        );
      }
      if (request.qty !== undefined) {
        throw fail(
          'INVALID_REQUEST',
          'close_position_with_qty',
          'closePosition cannot be combined with a quantity',
        );
      }
      qty = ZERO;
    } else {
      if (request.qty === undefined) {
        throw fail('INVALID_QUANTITY', 'missing_qty', 'The order needs a quantity', { venueSymbol: symbol });
      }
      qty = new D(prepareOrderQty(instrument, request.qty, { market: request.type !== 'limit' }));
    }
    let price: Decimal | undefined;
    if (request.type === 'limit') {
      if (request.price === undefined) {
        throw fail('INVALID_PRICE', 'missing_price', 'A limit order needs a price', { venueSymbol: symbol });
      }
      price = new D(prepareOrderPrice(instrument, request.price));
    }
    let triggerPrice: Decimal | undefined;
    if (isConditional) {
      if (request.triggerPrice === undefined) {
        throw fail(
          'INVALID_PRICE',
          'missing_trigger_price',
          'A stop or take-profit order needs a trigger price',
          {
            venueSymbol: symbol,
          },
        );
      }
      triggerPrice = new D(prepareOrderPrice(instrument, request.triggerPrice));
    }
    const attachedStopLoss =
      request.attachedStopLoss === undefined
        ? undefined
        : prepareOrderPrice(instrument, request.attachedStopLoss);
    const attachedTakeProfit =
      request.attachedTakeProfit === undefined
        ? undefined
        : prepareOrderPrice(instrument, request.attachedTakeProfit);

    const reduceOnly = request.reduceOnly === true || closePosition;
    const opensLeg = this.mode === 'hedge' && (request.side === 'buy') === (positionSide === 'long');
    const closesLeg = this.mode === 'hedge' && !opensLeg;
    if (this.mode === 'hedge' && reduceOnly && opensLeg) {
      throw fail(
        'REDUCE_ONLY_REJECTED',
        closePosition ? 'close_position_wrong_side' : 'reduce_only_would_increase',
        `A ${request.side} order on the ${positionSide} side opens that position; it cannot be reduce-only or close-position`,
        { venueSymbol: symbol, side: request.side, positionSide },
      );
    }
    const mark = this.marks.get(symbol);
    if (!isConditional) {
      if (mark === undefined && request.type === 'market') {
        throw fail(
          'EXCHANGE_UNAVAILABLE',
          'no_price',
          `No price yet for ${symbol}; the paper venue needs a price feed`,
          {
            venueSymbol: symbol,
          },
        );
      }
      if (reduceOnly || closesLeg) this.assertReducible(symbol, positionSide, request.side);
    }
    if (!reduceOnly && !closesLeg) {
      const reference = price ?? triggerPrice ?? mark;
      if (reference !== undefined) checkMinNotional(instrument, qty, reference);
    }
    if (isConditional && mark !== undefined && triggerPrice !== undefined) {
      const when = this.conditionalWhen(request.type, request.side);
      if (holds(when, triggerPrice, mark)) {
        throw fail(
          'ORDER_REJECTED',
          'would_immediately_trigger',
          `The ${request.type === 'stop_market' ? 'stop' : 'take-profit'} trigger ${fmt(triggerPrice)} would trigger ` +
            `immediately at the current price ${fmt(mark)} of ${symbol}`,
          { venueSymbol: symbol, triggerPrice: fmt(triggerPrice), price: fmt(mark) },
        );
      }
    }
    const marketable =
      request.type === 'market' ||
      (request.type === 'limit' &&
        price !== undefined &&
        mark !== undefined &&
        (request.side === 'buy' ? price.gte(mark) : price.lte(mark)));

    let reservedMargin = ZERO;
    if (!isConditional && !reduceOnly && !closesLeg) {
      const fillPrice = marketable ? (mark as Decimal) : (price as Decimal);
      const openQty = this.openingQty(symbol, positionSide, request.side, qty);
      const margin = openQty.mul(fillPrice).div(this.leverageOf(symbol));
      const fee = marketable ? openQty.mul(fillPrice).mul(this.takerRate) : ZERO;
      const available = new D(this.balanceState(instrument.quote).available);
      if (margin.plus(fee).gt(available)) {
        throw fail(
          'INSUFFICIENT_BALANCE',
          'insufficient_margin',
          `The order needs ${fmt(margin.plus(fee).toDecimalPlaces(8, Decimal.ROUND_UP))} ${instrument.quote} of margin ` +
            `and fees; ${fmt(available.toDecimalPlaces(8, Decimal.ROUND_DOWN))} ${instrument.quote} is available`,
          {
            venueSymbol: symbol,
            required: fmt(margin.plus(fee)),
            available: fmt(available),
            asset: instrument.quote,
          },
        );
      }
      if (!marketable) reservedMargin = margin;
    }

    // The first change of state: everything above only checked.
    if (request.marginMode !== undefined) this.setMarginMode(symbol, request.marginMode);
    const now = this.now();
    this.seq += 1;
    const record: OrderRecord = {
      seq: this.seq,
      venueOrderId: String(100_000_000 + this.seq),
      clientOrderId: cid,
      idempotencyKey: request.idempotencyKey,
      venueSymbol: symbol,
      side: request.side,
      positionSide,
      type: request.type,
      status: 'new',
      qty,
      filledQty: ZERO,
      avgPrice: undefined,
      price,
      triggerPrice,
      reduceOnly,
      closePosition,
      isAlgo: isConditional,
      ocoGroup: request.ocoGroup,
      reservedMargin,
      fee: ZERO,
      realizedPnl: ZERO,
      createdAt: now,
      updatedAt: now,
      statusReason: undefined,
      attachedStopLoss,
      attachedTakeProfit,
      protection: [],
      protectionError: undefined,
    };
    this.orders.push(record);
    this.ordersById.set(record.venueOrderId, record);
    const sameId = this.ordersByClientId.get(cid) ?? [];
    sameId.push(record);
    this.ordersByClientId.set(cid, sameId);

    if (marketable) this.executeOrder(record, mark as Decimal, 'taker', 'order');
    return this.toOrder(record);
  }

  /** Cancels an open order (regular or conditional). ORDER_NOT_FOUND when unknown or no longer open. */
  cancel(venueSymbol: string, ref: { venueOrderId?: string; clientOrderId?: string }): Order {
    const symbol = this.instrumentOrThrow(venueSymbol).venueSymbol;
    if (ref.venueOrderId === undefined && ref.clientOrderId === undefined) {
      throw fail(
        'INVALID_REQUEST',
        'invalid_request',
        'Cancelling needs a venue order id or a client order id',
      );
    }
    const record =
      ref.venueOrderId !== undefined
        ? this.ordersById.get(ref.venueOrderId)
        : this.ordersByClientId.get(ref.clientOrderId as string)?.find(isOpen);
    if (record === undefined || record.venueSymbol !== symbol || !isOpen(record)) {
      throw fail(
        'ORDER_NOT_FOUND',
        'unknown_order',
        `No open order ${ref.venueOrderId ?? ref.clientOrderId} on ${symbol}`,
        {
          venueSymbol: symbol,
          ...ref,
          ...(record !== undefined ? { status: record.status } : {}),
        },
      );
    }
    this.finish(record, 'canceled', 'canceled by user');
    return this.toOrder(record);
  }

  /** Cancels every open order of a symbol, conditional ones included. Returns those cancelled. */
  cancelAll(venueSymbol: string): Order[] {
    const symbol = this.instrumentOrThrow(venueSymbol).venueSymbol;
    const cancelled: Order[] = [];
    for (const record of this.orders) {
      if (record.venueSymbol === symbol && isOpen(record)) {
        this.finish(record, 'canceled', 'canceled by user');
        cancelled.push(this.toOrder(record));
      }
    }
    return cancelled;
  }

  // ── Exchange interface ────────────────────────────────────────────────────────────────────────

  async serverTime(): Promise<number> {
    return this.now();
  }

  async instruments(): Promise<Instrument[]> {
    return this.instrumentList.map((i) => ({ ...i }));
  }

  async instrument(venueSymbol: string): Promise<Instrument> {
    return { ...this.instrumentOrThrow(venueSymbol) };
  }

  async ticker(venueSymbol: string): Promise<Ticker> {
    const symbol = this.instrumentOrThrow(venueSymbol).venueSymbol;
    const mark = this.marks.get(symbol);
    if (mark === undefined) {
      throw fail(
        'EXCHANGE_UNAVAILABLE',
        'no_price',
        `No price yet for ${symbol}; the paper venue needs a price feed`,
        {
          venueSymbol: symbol,
        },
      );
    }
    return { venueSymbol: symbol, price: fmt(mark), time: this.now() };
  }

  /**
   * Candles from the feed: `applyCandle` candles as given, `setPrice` ticks as 1-minute bars, both
   * aggregated into the requested timeframe. Oldest first; the last one is open while the clock is
   * inside it.
   */
  async klines(query: KlineQuery): Promise<Kline[]> {
    const symbol = this.instrumentOrThrow(query.venueSymbol).venueSymbol;
    const tf = timeframeMs(query.timeframe);
    const buckets = new Map<number, Bar>();
    const source = [...this.symbolBars(symbol).values()].sort((a, b) => a.openTime - b.openTime);
    for (const bar of source) {
      const openTime = Math.floor(bar.openTime / tf) * tf;
      const bucket = buckets.get(openTime);
      if (bucket === undefined) buckets.set(openTime, { ...bar, openTime });
      else {
        bucket.high = D.max(bucket.high, bar.high);
        bucket.low = D.min(bucket.low, bar.low);
        bucket.close = bar.close;
        bucket.volume += bar.volume;
        if (bar.end === undefined || bucket.end === undefined) delete bucket.end;
        else bucket.end = Math.max(bucket.end, bar.end);
      }
    }
    const now = this.now();
    let out = [...buckets.values()]
      .filter(
        (b) =>
          (query.startTime === undefined || b.openTime >= query.startTime) &&
          (query.endTime === undefined || b.openTime <= query.endTime),
      )
      .map<Kline>((b) => ({
        openTime: b.openTime,
        open: b.open.toNumber(),
        high: b.high.toNumber(),
        low: b.low.toNumber(),
        close: b.close.toNumber(),
        volume: b.volume,
        // closed once the clock has left it, or once replayed candles with closeTime cover it
        closed: b.openTime + tf <= now || (b.end !== undefined && b.end >= b.openTime + tf),
      }));
    if (query.limit !== undefined && query.limit > 0) out = out.slice(-query.limit);
    return out;
  }

  async balance(asset = 'USDT'): Promise<Balance> {
    const state = this.balanceState(asset);
    return { asset, total: state.equity, available: state.available, unrealizedPnl: state.unrealizedPnl };
  }

  async positions(venueSymbol?: string): Promise<Position[]> {
    const symbol = venueSymbol === undefined ? undefined : this.instrumentOrThrow(venueSymbol).venueSymbol;
    return [...this.positionsByKey.values()]
      .filter((p) => symbol === undefined || p.venueSymbol === symbol)
      .map((p) => {
        const state = this.positionState(p);
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
      });
  }

  async positionMode(): Promise<PositionMode> {
    return this.mode;
  }

  async setLeverage(
    venueSymbol: string,
    leverage: number,
    marginMode?: MarginMode,
  ): Promise<{ leverage: number }> {
    const symbol = this.instrumentOrThrow(venueSymbol).venueSymbol;
    const set = this.setLeverageSync(symbol, leverage);
    if (marginMode !== undefined) this.setMarginMode(symbol, marginMode);
    return { leverage: set };
  }

  /**
   * On a one-way account a `long` / `short` position side is accepted and mapped to net, an order
   * against the named leg becoming reduce-only (as BinanceFuturesClient does); the venue layer
   * (`submitOrder`) stays strict.
   */
  async placeOrder(request: PlaceOrderRequest): Promise<Order> {
    const cid = clientOrderId(request.idempotencyKey, 'paper');
    const done = this.doneOrder(request.venueSymbol, cid);
    if (done !== undefined) return done;
    const leg = this.oneWayLeg(request.side, request.positionSide, request.reduceOnly);
    return this.submitOrder({
      venueSymbol: request.venueSymbol,
      side: request.side,
      type: request.type,
      qty: request.qty,
      ...(request.price !== undefined ? { price: request.price } : {}),
      ...(leg.positionSide !== undefined ? { positionSide: leg.positionSide } : {}),
      ...(leg.reduceOnly !== undefined ? { reduceOnly: leg.reduceOnly } : {}),
      ...(request.marginMode !== undefined ? { marginMode: request.marginMode } : {}),
      ...(request.attachedStopLoss !== undefined ? { attachedStopLoss: request.attachedStopLoss } : {}),
      ...(request.attachedTakeProfit !== undefined ? { attachedTakeProfit: request.attachedTakeProfit } : {}),
      clientOrderId: cid,
      idempotencyKey: request.idempotencyKey,
    });
  }

  /** `role` (e.g. 'sl', 'tp') is appended to the derived client id, as placeProtection does. */
  async placeConditional(request: ConditionalOrderRequest, role?: string): Promise<Order> {
    const cid = clientOrderId(request.idempotencyKey, 'paper', role);
    const done = this.doneOrder(request.venueSymbol, cid);
    if (done !== undefined) return done;
    return this.submitOrder(this.conditionalRequest(request, cid));
  }

  /** SL and TP as two close-position (or reduce-only, with qty) conditionals that cancel each other. */
  async placeProtection(request: ProtectionRequest): Promise<Order[]> {
    if (request.stopLoss === undefined && request.takeProfit === undefined) {
      throw fail('INVALID_REQUEST', 'invalid_request', 'Protection needs a stop-loss, a take-profit or both');
    }
    if (request.positionSide !== 'long' && request.positionSide !== 'short') {
      throw fail('INVALID_REQUEST', 'invalid_request', 'Protection is for a long or a short position');
    }
    const side: OrderSide = request.positionSide === 'long' ? 'sell' : 'buy';
    const positionSide: PositionSide = this.mode === 'hedge' ? request.positionSide : 'net';
    const group = clientOrderId(request.idempotencyKey, 'paper', 'p');
    const orders: Order[] = [];
    const legs: ['stop_loss' | 'take_profit', string | undefined, string][] = [
      ['stop_loss', request.stopLoss, 'sl'],
      ['take_profit', request.takeProfit, 'tp'],
    ];
    for (const [kind, triggerPrice, role] of legs) {
      if (triggerPrice === undefined) continue;
      const cid = clientOrderId(request.idempotencyKey, 'paper', role);
      const done = this.doneOrder(request.venueSymbol, cid);
      if (done !== undefined) {
        orders.push(done);
        continue;
      }
      const conditional: ConditionalOrderRequest = {
        venueSymbol: request.venueSymbol,
        kind,
        side,
        positionSide,
        triggerPrice,
        idempotencyKey: request.idempotencyKey,
        ...(request.qty !== undefined ? { qty: request.qty } : {}),
        ...(request.marginMode !== undefined ? { marginMode: request.marginMode } : {}),
      };
      orders.push(this.submitOrder({ ...this.conditionalRequest(conditional, cid), ocoGroup: group }));
    }
    return orders;
  }

  /**
   * Closes a whole position with a reduce-only market order. One-way accounts take 'net' (or the
   * direction held: 'long' closes a net long). Returns null when flat, or the earlier close
   * order when this key already closed it.
   */
  async closePosition(
    venueSymbol: string,
    positionSide: PositionSide,
    idempotencyKey: string,
  ): Promise<Order | null> {
    const symbol = this.instrumentOrThrow(venueSymbol).venueSymbol;
    const cid = clientOrderId(idempotencyKey, 'paper');
    const done = this.doneOrder(symbol, cid);
    if (done !== undefined) return done;
    let key: PositionSide;
    if (this.mode === 'hedge') {
      if (positionSide !== 'long' && positionSide !== 'short') {
        throw fail(
          'POSITION_SIDE_MISMATCH',
          'position_side_mismatch_hedge',
          'On a hedge-mode account say which position to close: long or short',
          { venueSymbol: symbol, positionSide },
        );
      }
      key = positionSide;
    } else {
      key = 'net';
    }
    const position = this.positionsByKey.get(this.positionKey(symbol, key));
    if (position === undefined || position.qty.isZero()) return null;
    if (this.mode === 'one_way' && positionSide !== 'net' && (positionSide === 'long') !== position.qty.gt(0))
      return null;
    return this.submitOrder({
      venueSymbol: symbol,
      side: position.qty.gt(0) ? 'sell' : 'buy',
      type: 'market',
      qty: position.qty.abs(),
      positionSide: key,
      reduceOnly: true,
      clientOrderId: cid,
      idempotencyKey,
    });
  }

  async cancelOrder(
    venueSymbol: string,
    ref: { venueOrderId?: string; clientOrderId?: string; isAlgo?: boolean },
  ): Promise<void> {
    this.cancel(venueSymbol, {
      ...(ref.venueOrderId !== undefined ? { venueOrderId: ref.venueOrderId } : {}),
      ...(ref.clientOrderId !== undefined ? { clientOrderId: ref.clientOrderId } : {}),
    });
  }

  async cancelAllOrders(venueSymbol: string): Promise<void> {
    this.cancelAll(venueSymbol);
  }

  async openOrders(venueSymbol?: string): Promise<Order[]> {
    const symbol = venueSymbol === undefined ? undefined : this.instrumentOrThrow(venueSymbol).venueSymbol;
    return this.orders
      .filter((o) => isOpen(o) && (symbol === undefined || o.venueSymbol === symbol))
      .map((o) => this.toOrder(o));
  }

  async orderByIdempotencyKey(venueSymbol: string, idempotencyKey: string): Promise<Order | null> {
    const symbol = this.instrumentOrThrow(venueSymbol).venueSymbol;
    const record = this.findRecord({ clientOrderId: clientOrderId(idempotencyKey, 'paper') }, symbol);
    return record === undefined ? null : this.toOrder(record);
  }

  // ── Internals: matching ───────────────────────────────────────────────────────────────────────

  /**
   * Moves a symbol's price from its current value to `to`, firing every level on the way, nearest
   * first. Fill prices by kind of move:
   *  - `path` (inside a candle): every level fills at the level (at the start, if already passed);
   *  - `gap` (a candle opening away from the last price): orders fill at `to` (the open);
   *  - `tick` (setPrice): triggered stops fill at `to`; a resting limit fills at its limit price,
   *    as it would in a book.
   * Liquidations always happen at their level.
   */
  private walk(symbol: string, to: Decimal, move: 'tick' | 'gap' | 'path'): void {
    const continuous = move === 'path';
    // The first price of a symbol: orders placed before it are checked against it as they stand.
    const from = this.marks.get(symbol) ?? to;
    let cur = from;
    if (!continuous) this.marks.set(symbol, to);
    for (let guard = 0; guard < 100_000; guard++) {
      let best: Trigger | undefined;
      let bestPoint = cur;
      let bestDistance: Decimal | undefined;
      for (const trigger of this.triggersFor(symbol)) {
        if (!holds(trigger.when, trigger.level, to)) continue;
        const point = holds(trigger.when, trigger.level, cur) ? cur : trigger.level;
        const distance = point.minus(cur).abs();
        if (
          best === undefined ||
          bestDistance === undefined ||
          distance.lt(bestDistance) ||
          (distance.eq(bestDistance) && trigger.rank < best.rank)
        ) {
          best = trigger;
          bestPoint = point;
          bestDistance = distance;
        }
      }
      if (best === undefined) break;
      if (continuous) {
        cur = bestPoint;
        this.marks.set(symbol, cur);
      }
      if (best.kind === 'liquidation') this.liquidate(best.positions, bestPoint);
      else {
        const limitAtLevel = move === 'tick' && best.order.type === 'limit';
        this.fireOrder(best.order, continuous || limitAtLevel ? bestPoint : to);
      }
    }
    this.marks.set(symbol, to);
  }

  private triggersFor(symbol: string): Trigger[] {
    const triggers: Trigger[] = [];
    for (const order of this.orders) {
      if (order.venueSymbol !== symbol || !isOpen(order)) continue;
      if (order.type === 'limit' && order.price !== undefined) {
        triggers.push({
          kind: 'order',
          order,
          level: order.price,
          when: order.side === 'buy' ? 'lte' : 'gte',
          rank: order.seq,
        });
      } else if (order.triggerPrice !== undefined) {
        triggers.push({
          kind: 'order',
          order,
          level: order.triggerPrice,
          when: this.conditionalWhen(order.type, order.side),
          rank: order.seq,
        });
      }
    }
    const positions = this.symbolPositions(symbol);
    for (const position of positions.filter((p) => p.marginMode === 'isolated')) {
      const level = this.isolatedLiquidationPrice(position);
      if (level !== undefined) {
        triggers.push({
          kind: 'liquidation',
          positions: [position],
          level,
          when: position.qty.gt(0) ? 'lte' : 'gte',
          rank: Number.MAX_SAFE_INTEGER,
        });
      }
    }
    const cross = positions.filter((p) => p.marginMode === 'cross');
    if (cross.length > 0) {
      const solved = this.crossLiquidationPrice(symbol);
      if (solved !== undefined) {
        triggers.push({
          kind: 'liquidation',
          positions: cross,
          level: solved.price,
          when: solved.when,
          rank: Number.MAX_SAFE_INTEGER,
        });
      }
    }
    return triggers;
  }

  private conditionalWhen(type: OrderType, side: OrderSide): 'gte' | 'lte' {
    if (type === 'stop_market') return side === 'buy' ? 'gte' : 'lte';
    return side === 'buy' ? 'lte' : 'gte';
  }

  /** A resting limit order reached, or a conditional order triggered, at `price`. */
  private fireOrder(order: OrderRecord, price: Decimal): void {
    const positionKey = this.mode === 'hedge' ? order.positionSide : 'net';
    const position = this.positionsByKey.get(this.positionKey(order.venueSymbol, positionKey));
    const held = position?.qty ?? ZERO;
    const reduces = order.side === 'buy' ? held.lt(0) : held.gt(0);
    const closesLeg = this.mode === 'hedge' && (order.side === 'buy') !== (order.positionSide === 'long');
    order.reservedMargin = ZERO;
    if (order.reduceOnly || order.closePosition || closesLeg) {
      if (!reduces) {
        this.finish(order, 'expired', 'nothing to reduce when triggered');
        return;
      }
      const qty = order.closePosition ? held.abs() : D.min(order.qty, held.abs());
      this.trade(
        order,
        qty,
        price,
        order.type === 'limit' ? 'maker' : 'taker',
        order.isAlgo ? 'trigger' : 'limit',
      );
      return;
    }
    if (order.isAlgo) {
      // A conditional that opens: margin is checked only now, as on the venues.
      const instrument = this.instrumentOrThrow(order.venueSymbol);
      const openQty = this.openingQty(order.venueSymbol, order.positionSide, order.side, order.qty);
      const needed = openQty
        .mul(price)
        .div(this.leverageOf(order.venueSymbol))
        .plus(openQty.mul(price).mul(this.takerRate));
      if (needed.gt(new D(this.balanceState(instrument.quote).available))) {
        this.finish(order, 'expired', 'insufficient margin when triggered');
        return;
      }
    }
    this.trade(
      order,
      order.qty,
      price,
      order.type === 'limit' ? 'maker' : 'taker',
      order.isAlgo ? 'trigger' : 'limit',
    );
  }

  /** Immediate execution of a market or marketable limit order at `price`. */
  private executeOrder(
    order: OrderRecord,
    price: Decimal,
    liquidity: 'maker' | 'taker',
    reason: PaperFillReason,
  ): void {
    const positionKey = this.mode === 'hedge' ? order.positionSide : 'net';
    const held = this.positionsByKey.get(this.positionKey(order.venueSymbol, positionKey))?.qty ?? ZERO;
    const closesLeg = this.mode === 'hedge' && (order.side === 'buy') !== (order.positionSide === 'long');
    const qty = order.reduceOnly || closesLeg ? D.min(order.qty, held.abs()) : order.qty;
    this.trade(order, qty, price, liquidity, reason);
  }

  /** Books one fill: position, realised PnL, fee, order state, listeners, oco, attached TP/SL. */
  private trade(
    order: OrderRecord,
    qty: Decimal,
    price: Decimal,
    liquidity: 'maker' | 'taker',
    reason: PaperFillReason,
  ): void {
    const instrument = this.instrumentOrThrow(order.venueSymbol);
    const positionKey = this.mode === 'hedge' ? order.positionSide : 'net';
    const delta = order.side === 'buy' ? qty : qty.neg();
    const realized = this.changePosition(order.venueSymbol, positionKey, delta, price);
    const fee = qty.mul(price).mul(liquidity === 'maker' ? this.makerRate : this.takerRate);
    this.wallets.set(instrument.quote, this.wallet(instrument.quote).plus(realized).minus(fee));
    const filledBefore = order.filledQty;
    order.filledQty = filledBefore.plus(qty);
    order.avgPrice = order.filledQty.isZero()
      ? undefined
      : (order.avgPrice ?? ZERO).mul(filledBefore).plus(price.mul(qty)).div(order.filledQty);
    order.fee = order.fee.plus(fee);
    order.realizedPnl = order.realizedPnl.plus(realized);
    this.finish(order, 'filled', undefined);
    this.emitFill(order, qty, price, fee, realized, liquidity, reason);
    if (order.attachedStopLoss !== undefined || order.attachedTakeProfit !== undefined)
      this.attachProtection(order);
  }

  private attachProtection(order: OrderRecord): void {
    const side: OrderSide = order.side === 'buy' ? 'sell' : 'buy';
    const group = `${order.clientOrderId.slice(0, 30)}p`;
    const legs: ['stop_market' | 'take_profit_market', string | undefined, string][] = [
      ['stop_market', order.attachedStopLoss, 'sl'],
      ['take_profit_market', order.attachedTakeProfit, 'tp'],
    ];
    for (const [type, triggerPrice, role] of legs) {
      if (triggerPrice === undefined) continue;
      const cid =
        order.idempotencyKey !== undefined
          ? clientOrderId(order.idempotencyKey, 'paper', role)
          : `${order.clientOrderId.slice(0, 33)}${role}`;
      try {
        const placed = this.submitOrder({
          venueSymbol: order.venueSymbol,
          side,
          type,
          triggerPrice,
          positionSide: order.positionSide,
          closePosition: true,
          clientOrderId: cid,
          ...(order.idempotencyKey !== undefined ? { idempotencyKey: order.idempotencyKey } : {}),
          ocoGroup: group,
        });
        order.protection.push(placed.clientOrderId);
      } catch (error) {
        order.protectionError = error instanceof Error ? error.message : String(error);
      }
    }
  }

  /** Applies a signed base-quantity change to a position at `price`; returns the realised PnL. */
  private changePosition(symbol: string, side: PositionSide, delta: Decimal, price: Decimal): Decimal {
    if (delta.isZero()) return ZERO;
    const key = this.positionKey(symbol, side);
    const position = this.positionsByKey.get(key);
    const now = this.now();
    const held = position?.qty ?? ZERO;
    if (position === undefined || held.isZero() || held.isNeg() === delta.isNeg()) {
      const leverage = this.leverageOf(symbol);
      const marginMode = position?.marginMode ?? this.marginModeOf(symbol);
      const added = marginMode === 'isolated' ? delta.abs().mul(price).div(leverage) : ZERO;
      if (position === undefined || held.isZero()) {
        this.positionsByKey.set(key, {
          venueSymbol: symbol,
          side,
          qty: delta,
          cost: delta.abs().mul(price),
          marginMode,
          leverage,
          isolatedMargin: added,
          updatedAt: now,
        });
      } else {
        const qty = held.plus(delta);
        position.cost = position.cost.plus(delta.abs().mul(price));
        position.qty = qty;
        position.isolatedMargin = position.isolatedMargin.plus(added);
        position.updatedAt = now;
      }
      return ZERO;
    }
    const reduced = D.min(delta.abs(), held.abs());
    const released = proRata(position.cost, reduced, held.abs());
    const realized = reduced
      .mul(price)
      .minus(released)
      .mul(held.isNeg() ? -1 : 1);
    const remaining = held.abs().minus(reduced);
    position.cost = position.cost.minus(released);
    position.isolatedMargin = position.isolatedMargin.minus(
      proRata(position.isolatedMargin, reduced, held.abs()),
    );
    position.qty = held.isNeg() ? remaining.neg() : remaining;
    position.updatedAt = now;
    const flip = delta.abs().minus(reduced);
    if (position.qty.isZero()) this.positionsByKey.delete(key);
    if (flip.gt(0)) this.changePosition(symbol, side, delta.isNeg() ? flip.neg() : flip, price);
    return realized;
  }

  /** Closes positions at `price` (their liquidation level) and charges the remaining maintenance margin. */
  private liquidate(positions: PositionRecord[], price: Decimal): void {
    for (const position of positions) {
      if (
        position.qty.isZero() ||
        !this.positionsByKey.has(this.positionKey(position.venueSymbol, position.side))
      )
        continue;
      const instrument = this.instrumentOrThrow(position.venueSymbol);
      const qty = position.qty.abs();
      const side: OrderSide = position.qty.gt(0) ? 'sell' : 'buy';
      const now = this.now();
      this.seq += 1;
      const record: OrderRecord = {
        seq: this.seq,
        venueOrderId: String(100_000_000 + this.seq),
        clientOrderId: `autoclose-${this.seq}`,
        idempotencyKey: undefined,
        venueSymbol: position.venueSymbol,
        side,
        positionSide: position.side,
        type: 'market',
        status: 'new',
        qty,
        filledQty: ZERO,
        avgPrice: undefined,
        price: undefined,
        triggerPrice: undefined,
        reduceOnly: true,
        closePosition: false,
        isAlgo: false,
        ocoGroup: undefined,
        reservedMargin: ZERO,
        fee: ZERO,
        realizedPnl: ZERO,
        createdAt: now,
        updatedAt: now,
        statusReason: 'liquidation',
        attachedStopLoss: undefined,
        attachedTakeProfit: undefined,
        protection: [],
        protectionError: undefined,
      };
      this.orders.push(record);
      this.ordersById.set(record.venueOrderId, record);
      this.ordersByClientId.set(record.clientOrderId, [record]);
      const isolatedMargin = position.marginMode === 'isolated' ? position.isolatedMargin : undefined;
      const realized = this.changePosition(
        position.venueSymbol,
        position.side,
        side === 'buy' ? qty : qty.neg(),
        price,
      );
      const walletAfter = this.wallet(instrument.quote).plus(realized);
      // Isolated: whatever is left of the margin goes (the position costs exactly its margin).
      // Cross: the maintenance margin of the position, as far as the wallet has it.
      const clearance =
        isolatedMargin !== undefined
          ? D.max(ZERO, isolatedMargin.plus(realized))
          : D.max(ZERO, D.min(qty.mul(price).mul(this.mmr(instrument)), walletAfter));
      this.wallets.set(instrument.quote, D.max(ZERO, walletAfter.minus(clearance)));
      record.filledQty = qty;
      record.avgPrice = price;
      record.fee = clearance;
      record.realizedPnl = realized;
      record.status = 'filled';
      record.updatedAt = now;
      this.emitFill(record, qty, price, clearance, realized, 'taker', 'liquidation');
    }
  }

  /** Liquidates whatever is below maintenance at the current prices (cross per asset, isolated per position). */
  private checkLiquidations(): void {
    for (const position of [...this.positionsByKey.values()]) {
      if (position.marginMode !== 'isolated') continue;
      const mark = this.marks.get(position.venueSymbol);
      if (mark === undefined) continue;
      const instrument = this.instrumentOrThrow(position.venueSymbol);
      const equity = position.isolatedMargin.plus(this.unrealized(position, mark));
      if (equity.lt(position.qty.abs().mul(mark).mul(this.mmr(instrument)))) {
        this.liquidate([position], this.isolatedLiquidationPrice(position) ?? mark);
      }
    }
    const assets = new Set(this.instrumentList.map((i) => i.quote));
    for (const asset of assets) {
      const state = this.balanceState(asset);
      const cross = [...this.positionsByKey.values()].filter(
        (p) => p.marginMode === 'cross' && this.instrumentOrThrow(p.venueSymbol).quote === asset,
      );
      if (cross.length === 0) continue;
      const equity = new D(state.crossWallet).plus(state.crossUnrealizedPnl);
      if (equity.lt(state.maintenanceMargin)) {
        for (const position of cross)
          this.liquidate([position], this.marks.get(position.venueSymbol) ?? this.entryOf(position));
      }
    }
  }

  private finish(order: OrderRecord, status: OrderStatus, reason: string | undefined): void {
    order.status = status;
    order.statusReason = reason;
    order.reservedMargin = ZERO;
    order.updatedAt = this.now();
    if (status === 'filled' && order.ocoGroup !== undefined) {
      for (const other of this.orders) {
        if (other !== order && other.ocoGroup === order.ocoGroup && isOpen(other)) {
          other.status = 'canceled';
          other.statusReason = 'oco: the other leg filled';
          other.updatedAt = order.updatedAt;
        }
      }
    }
  }

  private emitFill(
    order: OrderRecord,
    qty: Decimal,
    price: Decimal,
    fee: Decimal,
    realized: Decimal,
    liquidity: 'maker' | 'taker',
    reason: PaperFillReason,
  ): void {
    this.fillSeq += 1;
    const fill: PaperFill = {
      seq: this.fillSeq,
      time: this.now(),
      venueSymbol: order.venueSymbol,
      venueOrderId: order.venueOrderId,
      clientOrderId: order.clientOrderId,
      side: order.side,
      positionSide: order.positionSide,
      qty: fmt(qty),
      price: fmt(price),
      fee: fmt(fee),
      feeAsset: this.instrumentOrThrow(order.venueSymbol).quote,
      realizedPnl: fmt(realized),
      liquidity,
      reason,
      order: this.toOrder(order),
    };
    this.fillLog.push(fill);
    for (const listener of this.listeners) {
      try {
        listener(fill);
      } catch {
        // A listener's failure must not leave the venue half-updated.
      }
    }
  }

  // ── Internals: accounting ─────────────────────────────────────────────────────────────────────

  private mmr(instrument: Instrument): Decimal {
    const option = this.mmrOption;
    const value = option === undefined ? '0.005' : typeof option === 'function' ? option(instrument) : option;
    return this.amount(value, 'maintenanceMarginRate');
  }

  private unrealized(position: PositionRecord, mark: Decimal): Decimal {
    const value = position.qty.abs().mul(mark).minus(position.cost);
    return position.qty.isNeg() ? value.neg() : value;
  }

  /** Average entry price (display and mark fallback; the books use the cost basis). */
  private entryOf(position: PositionRecord): Decimal {
    return position.qty.isZero() ? ZERO : position.cost.div(position.qty.abs());
  }

  private isolatedLiquidationPrice(position: PositionRecord): Decimal | undefined {
    const q = position.qty.abs();
    if (q.isZero()) return undefined;
    const mmr = this.mmr(this.instrumentOrThrow(position.venueSymbol));
    const price = position.qty.gt(0)
      ? position.cost.minus(position.isolatedMargin).div(q.mul(new D(1).minus(mmr)))
      : position.cost.plus(position.isolatedMargin).div(q.mul(new D(1).plus(mmr)));
    return this.onTick(position.venueSymbol, price, position.qty.gt(0) ? 'lte' : 'gte');
  }

  /**
   * The first price on the tick grid at which a liquidation condition holds: the level rounded
   * down when it is reached falling ('lte'), up when reached rising. Undefined when ≤ 0.
   */
  private onTick(symbol: string, level: Decimal, when: 'gte' | 'lte'): Decimal | undefined {
    const tick = new D(this.instrumentOrThrow(symbol).tickSize);
    const ticked = level
      .div(tick)
      .toDecimalPlaces(0, when === 'lte' ? Decimal.ROUND_FLOOR : Decimal.ROUND_CEIL)
      .mul(tick);
    return ticked.gt(0) ? ticked : undefined;
  }

  /** Price of `symbol` at which the cross account reaches maintenance, other symbols' prices fixed. */
  private crossLiquidationPrice(symbol: string): { price: Decimal; when: 'gte' | 'lte' } | undefined {
    const instrument = this.instrumentOrThrow(symbol);
    const asset = instrument.quote;
    let c = this.wallet(asset);
    let sqe = ZERO;
    let sq = ZERO;
    let q = ZERO;
    for (const position of this.positionsByKey.values()) {
      const positionInstrument = this.instrumentOrThrow(position.venueSymbol);
      if (positionInstrument.quote !== asset) continue;
      if (position.marginMode === 'isolated') {
        c = c.minus(position.isolatedMargin);
        continue;
      }
      if (position.venueSymbol === symbol) {
        sqe = sqe.plus(position.qty.isNeg() ? position.cost.neg() : position.cost);
        sq = sq.plus(position.qty);
        q = q.plus(position.qty.abs());
        continue;
      }
      const mark = this.marks.get(position.venueSymbol) ?? this.entryOf(position);
      c = c
        .plus(this.unrealized(position, mark))
        .minus(position.qty.abs().mul(mark).mul(this.mmr(positionInstrument)));
    }
    const denominator = sq.minus(this.mmr(instrument).mul(q));
    if (denominator.isZero()) return undefined;
    const when = denominator.gt(0) ? 'lte' : 'gte';
    const price = this.onTick(symbol, sqe.minus(c).div(denominator), when);
    return price === undefined ? undefined : { price, when };
  }

  private balanceState(asset: string): PaperBalanceState {
    const wallet = this.wallet(asset);
    let isolatedMargin = ZERO;
    let crossInitial = ZERO;
    let unrealized = ZERO;
    let crossUnrealized = ZERO;
    let maintenance = ZERO;
    for (const position of this.positionsByKey.values()) {
      const instrument = this.instrumentOrThrow(position.venueSymbol);
      if (instrument.quote !== asset) continue;
      const mark = this.marks.get(position.venueSymbol) ?? this.entryOf(position);
      const upnl = this.unrealized(position, mark);
      unrealized = unrealized.plus(upnl);
      if (position.marginMode === 'isolated') {
        isolatedMargin = isolatedMargin.plus(position.isolatedMargin);
      } else {
        crossUnrealized = crossUnrealized.plus(upnl);
        crossInitial = crossInitial.plus(position.qty.abs().mul(mark).div(position.leverage));
        maintenance = maintenance.plus(position.qty.abs().mul(mark).mul(this.mmr(instrument)));
      }
    }
    let orderMargin = ZERO;
    for (const order of this.orders) {
      if (isOpen(order) && this.instrumentOrThrow(order.venueSymbol).quote === asset) {
        orderMargin = orderMargin.plus(order.reservedMargin);
      }
    }
    const crossWallet = wallet.minus(isolatedMargin);
    const available = D.max(ZERO, crossWallet.plus(crossUnrealized).minus(crossInitial).minus(orderMargin));
    return {
      asset,
      wallet: fmt(wallet),
      crossWallet: fmt(crossWallet),
      unrealizedPnl: fmt(unrealized),
      crossUnrealizedPnl: fmt(crossUnrealized),
      equity: fmt(wallet.plus(unrealized)),
      available: fmt(available),
      isolatedMargin: fmt(isolatedMargin),
      crossInitialMargin: fmt(crossInitial),
      openOrderMargin: fmt(orderMargin),
      maintenanceMargin: fmt(maintenance),
    };
  }

  private positionState(position: PositionRecord): PaperPositionState {
    const instrument = this.instrumentOrThrow(position.venueSymbol);
    const mark = this.marks.get(position.venueSymbol) ?? this.entryOf(position);
    const notional = position.qty.abs().mul(mark);
    const liquidation =
      position.marginMode === 'isolated'
        ? this.isolatedLiquidationPrice(position)
        : this.crossLiquidationPrice(position.venueSymbol)?.price;
    return {
      venueSymbol: position.venueSymbol,
      side: position.side,
      qty: fmt(position.qty),
      entryPrice: fmt(this.entryOf(position).toDecimalPlaces(12)),
      markPrice: fmt(mark),
      unrealizedPnl: fmt(this.unrealized(position, mark)),
      leverage: position.leverage,
      marginMode: position.marginMode,
      ...(liquidation !== undefined ? { liquidationPrice: fmt(liquidation.toDecimalPlaces(8)) } : {}),
      ...(position.marginMode === 'isolated' ? { isolatedMargin: fmt(position.isolatedMargin) } : {}),
      initialMargin: fmt(
        position.marginMode === 'isolated' ? position.isolatedMargin : notional.div(position.leverage),
      ),
      maintenanceMargin: fmt(notional.mul(this.mmr(instrument))),
      notional: fmt(notional),
      updatedAt: position.updatedAt,
    };
  }

  /** Part of an order that opens or increases exposure (the rest reduces the opposite net position). */
  private openingQty(symbol: string, positionSide: PositionSide, side: OrderSide, qty: Decimal): Decimal {
    if (this.mode === 'hedge') return (side === 'buy') === (positionSide === 'long') ? qty : ZERO;
    const held = this.positionsByKey.get(this.positionKey(symbol, 'net'))?.qty ?? ZERO;
    const reduces = side === 'buy' ? held.lt(0) : held.gt(0);
    return reduces ? D.max(ZERO, qty.minus(held.abs())) : qty;
  }

  private assertReducible(symbol: string, positionSide: PositionSide, side: OrderSide): void {
    const key = this.mode === 'hedge' ? positionSide : 'net';
    const held = this.positionsByKey.get(this.positionKey(symbol, key))?.qty ?? ZERO;
    if (held.isZero()) {
      throw fail(
        'REDUCE_ONLY_REJECTED',
        'reduce_only_no_position',
        `There is no ${key === 'net' ? '' : `${key} `}position on ${symbol} for this reduce-only order to reduce`,
        { venueSymbol: symbol, positionSide: key, side },
      );
    }
    const reduces = side === 'buy' ? held.lt(0) : held.gt(0);
    if (!reduces) {
      throw fail(
        'REDUCE_ONLY_REJECTED',
        'reduce_only_would_increase',
        `A reduce-only ${side} order would increase the ${held.gt(0) ? 'long' : 'short'} position on ${symbol}`,
        { venueSymbol: symbol, positionSide: key, side, positionQty: fmt(held) },
      );
    }
  }

  private resolvePositionSide(requested: PositionSide | undefined, symbol: string): PositionSide {
    if (this.mode === 'hedge') {
      if (requested !== 'long' && requested !== 'short') {
        throw fail(
          'POSITION_SIDE_MISMATCH',
          'position_side_mismatch_hedge',
          `The account is in hedge mode: the order must say which position it is for (long or short), not ` +
            `"${requested ?? 'nothing'}"`,
          { venueSymbol: symbol, positionMode: 'hedge', positionSide: requested ?? null },
        );
      }
      return requested;
    }
    if (requested !== undefined && requested !== 'net') {
      throw fail(
        'POSITION_SIDE_MISMATCH',
        'position_side_mismatch_one_way',
        `The account is in one-way mode: positionSide "${requested}" is only valid in hedge mode (use net or omit it)`,
        { venueSymbol: symbol, positionMode: 'one_way', positionSide: requested },
      );
    }
    return 'net';
  }

  /** One-way accounts: `long` / `short` → net, and an order against that leg is reduce-only. */
  private oneWayLeg(
    side: OrderSide,
    positionSide: PositionSide | undefined,
    reduceOnly: boolean | undefined,
  ): { positionSide: PositionSide | undefined; reduceOnly: boolean | undefined } {
    if (this.mode !== 'one_way' || (positionSide !== 'long' && positionSide !== 'short')) {
      return { positionSide, reduceOnly };
    }
    const closing = (positionSide === 'long') !== (side === 'buy');
    return { positionSide: 'net', reduceOnly: reduceOnly === true || closing ? true : reduceOnly };
  }

  private conditionalRequest(request: ConditionalOrderRequest, cid: string): PaperOrderRequest {
    const leg = this.oneWayLeg(request.side, request.positionSide, undefined);
    return {
      venueSymbol: request.venueSymbol,
      side: request.side,
      type: request.kind === 'stop_loss' ? 'stop_market' : 'take_profit_market',
      triggerPrice: request.triggerPrice,
      ...(request.qty !== undefined ? { qty: request.qty, reduceOnly: true } : { closePosition: true }),
      ...(leg.positionSide !== undefined ? { positionSide: leg.positionSide } : {}),
      ...(request.marginMode !== undefined ? { marginMode: request.marginMode } : {}),
      clientOrderId: cid,
      idempotencyKey: request.idempotencyKey,
    };
  }

  /** The order already done under this client id (interface-level idempotency), if any. */
  private doneOrder(venueSymbol: string, cid: string): Order | undefined {
    const symbol = this.instrumentOrThrow(venueSymbol).venueSymbol;
    const history = this.ordersByClientId.get(cid);
    if (history === undefined || history.some(isOpen)) return undefined;
    const last = history.filter((o) => o.venueSymbol === symbol).at(-1);
    return last === undefined ? undefined : this.toOrder(last);
  }

  private findRecord(
    ref: { venueOrderId?: string; clientOrderId?: string },
    venueSymbol?: string,
  ): OrderRecord | undefined {
    const record =
      ref.venueOrderId !== undefined
        ? this.ordersById.get(ref.venueOrderId)
        : ref.clientOrderId !== undefined
          ? this.ordersByClientId
              .get(ref.clientOrderId)
              ?.filter((o) => venueSymbol === undefined || o.venueSymbol === venueSymbol)
              .at(-1)
          : undefined;
    if (record === undefined || (venueSymbol !== undefined && record.venueSymbol !== venueSymbol))
      return undefined;
    return record;
  }

  private toOrder(record: OrderRecord): Order {
    const order: Order = {
      venueOrderId: record.venueOrderId,
      clientOrderId: record.clientOrderId,
      venueSymbol: record.venueSymbol,
      side: record.side,
      positionSide: record.positionSide,
      type: record.type,
      status: record.status,
      qty: fmt(record.qty),
      filledQty: fmt(record.filledQty),
      reduceOnly: record.reduceOnly,
      isAlgo: record.isAlgo,
      raw: {
        closePosition: record.closePosition,
        createdAt: record.createdAt,
        updatedAt: record.updatedAt,
        fee: fmt(record.fee),
        realizedPnl: fmt(record.realizedPnl),
        ...(record.idempotencyKey !== undefined ? { idempotencyKey: record.idempotencyKey } : {}),
        ...(record.statusReason !== undefined ? { statusReason: record.statusReason } : {}),
        ...(record.ocoGroup !== undefined ? { ocoGroup: record.ocoGroup } : {}),
        ...(record.protection.length > 0 ? { protection: [...record.protection] } : {}),
        ...(record.protectionError !== undefined ? { protectionError: record.protectionError } : {}),
      },
    };
    if (record.avgPrice !== undefined) order.avgPrice = fmt(record.avgPrice.toDecimalPlaces(12));
    if (record.price !== undefined) order.price = fmt(record.price);
    if (record.triggerPrice !== undefined) order.triggerPrice = fmt(record.triggerPrice);
    return order;
  }

  // ── Internals: small helpers ──────────────────────────────────────────────────────────────────

  private instrumentOrThrow(venueSymbol: string): Instrument {
    const found =
      this.instrumentMap.get(venueSymbol) ?? this.instrumentMap.get(String(venueSymbol).toUpperCase());
    if (found !== undefined) return found;
    const suggestions = nearMatches(String(venueSymbol).toUpperCase(), [...this.instrumentMap.keys()]);
    throw fail(
      'UNKNOWN_SYMBOL',
      'unknown_symbol',
      `Unknown symbol "${venueSymbol}" on the paper venue` +
        (suggestions.length > 0 ? `; did you mean ${suggestions.join(', ')}?` : ''),
      { venueSymbol, suggestions },
    );
  }

  private positionKey(symbol: string, side: PositionSide): string {
    return `${symbol}|${side}`;
  }

  private symbolPositions(symbol: string): PositionRecord[] {
    return [...this.positionsByKey.values()].filter((p) => p.venueSymbol === symbol && !p.qty.isZero());
  }

  private leverageOf(symbol: string): number {
    return (
      this.leverages.get(symbol) ?? Math.min(this.defaultLeverage, this.instrumentOrThrow(symbol).maxLeverage)
    );
  }

  private marginModeOf(symbol: string): MarginMode {
    return this.marginModes.get(symbol) ?? this.defaultMarginMode;
  }

  private wallet(asset: string): Decimal {
    return this.wallets.get(asset) ?? ZERO;
  }

  private amount(value: DecimalInput, what: string, allowNegative = false): Decimal {
    const parsed = parseDecimal(value);
    if (parsed === undefined || (!allowNegative && parsed.lt(0))) {
      throw fail('INVALID_REQUEST', 'invalid_amount', `Invalid ${what}: ${String(value)}`, {
        [what]: String(value),
      });
    }
    return parsed;
  }

  private positivePrice(value: DecimalInput): Decimal {
    const parsed = parseDecimal(value);
    if (parsed === undefined || parsed.lte(0)) {
      throw fail(
        'INVALID_PRICE',
        'price_not_positive',
        `Price must be a positive number, not ${String(value)}`,
        {
          price: String(value),
        },
      );
    }
    return parsed;
  }

  private symbolBars(symbol: string): Map<number, Bar> {
    let bars = this.bars.get(symbol);
    if (bars === undefined) {
      bars = new Map();
      this.bars.set(symbol, bars);
    }
    return bars;
  }

  private recordTick(symbol: string, price: Decimal, time: number): void {
    const openTime = Math.floor(time / MINUTE) * MINUTE;
    const bars = this.symbolBars(symbol);
    const bar = bars.get(openTime);
    if (bar === undefined)
      bars.set(openTime, { openTime, open: price, high: price, low: price, close: price, volume: 0 });
    else {
      bar.high = D.max(bar.high, price);
      bar.low = D.min(bar.low, price);
      bar.close = price;
    }
  }

  /** Moves the clock forward to `time` (never back) and pays funding at each interval boundary crossed. */
  private advanceClock(time: number | undefined): void {
    if (time === undefined) return;
    if (this.clock === undefined || time > this.clock) this.clock = time;
    const funding = this.funding;
    if (funding === undefined) return;
    const interval = funding.intervalMs ?? 8 * 60 * MINUTE;
    const last = this.lastFundingCheck;
    this.lastFundingCheck = Math.max(last ?? time, time);
    if (last === undefined || time <= last) return;
    for (
      let boundary = Math.floor(last / interval) * interval + interval;
      boundary <= time;
      boundary += interval
    ) {
      for (const instrument of this.instrumentList) {
        if (this.symbolPositions(instrument.venueSymbol).length === 0) continue;
        const rate =
          typeof funding.rate === 'function' ? funding.rate(instrument.venueSymbol, boundary) : funding.rate;
        this.applyFunding(instrument.venueSymbol, rate);
      }
    }
  }
}
