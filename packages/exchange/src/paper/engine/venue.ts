import type Decimal from 'decimal.js';
import { fmt, type DecimalInput } from '../../decimal.ts';
import type { AccountEvent, FundingPayment, VenueFill } from '../../stream/types.ts';
import type {
  Instrument,
  Kline,
  KlineQuery,
  MarginMode,
  Order,
  PositionMode,
  PositionSide,
} from '../../types.ts';
import * as account from './account.ts';
import {
  barAt,
  candlePath,
  compactHistory,
  klines,
  recordTick,
  storeCandle,
  timeframeMs,
  toBar,
} from './candles.ts';
import { checkMarginCalls, venueFill } from './events.ts';
import { checkLiquidations } from './liquidation.ts';
import { balanceState, positionState } from './margin.ts';
import { walk } from './matching.ts';
import { attachProtection, submitOrder } from './order-entry.ts';
import { cancel, cancelAll, findRecord, toOrder } from './orders.ts';
import { parsePositivePrice } from './rejections.ts';
import { restoreState, snapshotState, type PaperVenueSnapshot } from './snapshot.ts';
import { isOpen, VenueState } from './state.ts';
import type {
  PaperAccountState,
  PaperBalanceState,
  PaperCandle,
  PaperFill,
  PaperHistoryBar,
  PaperMarketUpdate,
  PaperOrderRequest,
  PaperPositionState,
  PaperVenueOptions,
} from './types.ts';

const MINUTE = 60_000;

function notify(listeners: Set<(update: PaperMarketUpdate) => void>, update: PaperMarketUpdate): void {
  for (const listener of listeners) {
    try {
      listener(update);
    } catch {
      // A listener's failure must not stop the feed.
    }
  }
}

/** A candle as a history bar for `seedHistory` (frozen: venues share it). */
export function historyBar(venueSymbol: string, candle: PaperCandle & { openTime: number }): PaperHistoryBar {
  return Object.freeze(toBar(venueSymbol, candle, candle.openTime));
}

/**
 * The paper venue's engine: a synchronous, I/O-free USDⓈ-M-style futures venue (matching, margin,
 * liquidation, fees, funding, candles) behind one object. Simulators and replays drive it
 * directly; `PaperExchange` adapts it to the async `Exchange` interface. The rules it follows are
 * in docs/paper-venue.md.
 */
export class PaperVenue {
  private readonly state: VenueState;

  constructor(options: PaperVenueOptions = {}) {
    this.state = new VenueState(options);
    const state = this.state;
    state.attachProtection = (order) => attachProtection(state, order);
  }

  // ── Clock and feed ────────────────────────────────────────────────────────────────────────────

  /** The venue clock (ms). */
  now(): number {
    return this.state.now();
  }

  /**
   * Moves the price of a symbol (a jump, as a live ticker): orders whose level the move passes fill
   * at the new price, liquidation levels at their level. `time` moves the clock (and funding).
   */
  setPrice(venueSymbol: string, price: DecimalInput, time?: number): void {
    const state = this.state;
    const instrument = state.instrument(venueSymbol);
    const to = parsePositivePrice(price);
    account.advanceClock(state, time);
    walk(state, instrument.venueSymbol, to, 'tick');
    const tickTime = time ?? state.now();
    recordTick(state, instrument.venueSymbol, to, tickTime);
    checkLiquidations(state);
    this.markMoved(instrument.venueSymbol);
    this.barChanged(instrument.venueSymbol, Math.floor(tickTime / MINUTE) * MINUTE);
  }

  /**
   * Replays one candle: a jump to the open, then a walk through its extremes to the close, filling
   * at each level inside it (docs/paper-venue.md, "Price path"). The candle is stored for `klines`.
   */
  applyCandle(venueSymbol: string, candle: PaperCandle): void {
    const state = this.state;
    const symbol = state.instrument(venueSymbol).venueSymbol;
    const openTime = candle.openTime ?? state.now();
    const bar = toBar(symbol, candle, openTime);
    account.advanceClock(state, openTime);
    walk(state, symbol, bar.open, 'gap');
    checkLiquidations(state);
    this.markMoved(symbol);
    for (const point of candlePath(bar)) {
      walk(state, symbol, point, 'path');
      checkLiquidations(state);
      this.markMoved(symbol);
    }
    storeCandle(state, symbol, bar);
    if (candle.closeTime !== undefined) account.advanceClock(state, candle.closeTime);
    this.barChanged(symbol, bar.openTime);
  }

  /**
   * Subscribes to price moves (`mark`, each point a move or candle path visits) and bar changes
   * (`bar`); returns the unsubscribe function. Listener errors are ignored.
   */
  onMarketUpdate(listener: (update: PaperMarketUpdate) => void): () => void {
    this.state.marketListeners.add(listener);
    return () => this.state.marketListeners.delete(listener);
  }

  /**
   * The `timeframe` bar that opens at `openTime` (rounded down to the timeframe), from the stored
   * candles, with whether it is closed (klines' rule); undefined when it has no candle.
   */
  barAt(
    venueSymbol: string,
    timeframe: string,
    openTime: number,
  ):
    | {
        openTime: number;
        open: string;
        high: string;
        low: string;
        close: string;
        volume: string;
        closed: boolean;
      }
    | undefined {
    const tf = timeframeMs(timeframe);
    const start = Math.floor(openTime / tf) * tf;
    const bar = barAt(this.state, this.state.instrument(venueSymbol).venueSymbol, tf, start);
    if (bar === undefined) return undefined;
    return {
      openTime: start,
      open: fmt(bar.open),
      high: fmt(bar.high),
      low: fmt(bar.low),
      close: fmt(bar.close),
      volume: String(bar.volume),
      closed: bar.closed,
    };
  }

  private markMoved(symbol: string): void {
    checkMarginCalls(this.state);
    const listeners = this.state.marketListeners;
    if (listeners.size === 0) return;
    const mark = this.state.marks.get(symbol);
    if (mark === undefined) return;
    notify(listeners, { kind: 'mark', venueSymbol: symbol, price: fmt(mark), time: this.state.now() });
  }

  private barChanged(symbol: string, openTime: number): void {
    const listeners = this.state.marketListeners;
    if (listeners.size === 0) return;
    notify(listeners, { kind: 'bar', venueSymbol: symbol, openTime, time: this.state.now() });
  }

  /**
   * Stores past candles for `klines` only: no price moves, no fills, the clock stays. The bars
   * (`historyBar`) are never changed by the venue, so one history can be shared by many venues.
   */
  seedHistory(venueSymbol: string, bars: readonly PaperHistoryBar[]): void {
    const symbol = this.state.instrument(venueSymbol).venueSymbol;
    for (const bar of bars) storeCandle(this.state, symbol, bar);
  }

  /** Folds bars opening before `foldBefore` into hourly bars and drops those before `dropBefore`. */
  compactHistory(venueSymbol: string, foldBefore: number, dropBefore: number): void {
    compactHistory(this.state, this.state.instrument(venueSymbol).venueSymbol, foldBefore, dropBefore);
  }

  /** The current price of a symbol, or undefined before the first one. */
  priceOf(venueSymbol: string): string | undefined {
    const mark = this.state.marks.get(this.state.instrument(venueSymbol).venueSymbol);
    return mark === undefined ? undefined : fmt(mark);
  }

  /** The feed's candles in `query.timeframe` (replayed candles as given, ticks as 1-minute bars). */
  klines(query: KlineQuery): Kline[] {
    return klines(this.state, this.instrument(query.venueSymbol).venueSymbol, query);
  }

  // ── Account administration ────────────────────────────────────────────────────────────────────

  /** Adds (or with a negative amount removes) funds. */
  deposit(asset: string, amount: DecimalInput): void {
    account.deposit(this.state, asset, amount);
  }

  /**
   * Switches one-way ↔ hedge. Refused with an open position (-4068) or an open order (-4067),
   * anywhere on the account. Returns changed: false when already in that mode (Binance -4059).
   */
  setPositionMode(mode: PositionMode): { changed: boolean } {
    return account.setPositionMode(this.state, mode);
  }

  /**
   * Sets the margin mode of a symbol. Refused with a position (-4048) or an open order (-4047) on
   * it. Returns changed: false when already in that mode (Binance -4046).
   */
  setMarginMode(venueSymbol: string, marginMode: MarginMode): { changed: boolean } {
    return account.setMarginMode(this.state, venueSymbol, marginMode);
  }

  /** Sets a symbol's leverage (integer 1…maxLeverage); open positions take it, isolated margin stays. */
  setLeverage(venueSymbol: string, leverage: number): number {
    return account.setLeverage(this.state, venueSymbol, leverage);
  }

  /**
   * Pays funding on every position of a symbol at its current price: payment = −signedQty × mark ×
   * rate (longs pay a positive rate). Isolated positions pay from their margin. Returns the total.
   */
  applyFunding(venueSymbol: string, rate: DecimalInput): string {
    return account.applyFunding(this.state, venueSymbol, rate);
  }

  // ── Orders ────────────────────────────────────────────────────────────────────────────────────

  /** Places an order as a venue would; see PaperOrderRequest and docs/paper-venue.md for the rules. */
  submitOrder(request: PaperOrderRequest): Order {
    return submitOrder(this.state, request);
  }

  /** Cancels an open order (regular or conditional). ORDER_NOT_FOUND when unknown or no longer open. */
  cancel(venueSymbol: string, ref: { venueOrderId?: string; clientOrderId?: string }): Order {
    return cancel(this.state, venueSymbol, ref);
  }

  /** Cancels every open order of a symbol, conditional ones included. Returns those cancelled. */
  cancelAll(venueSymbol: string): Order[] {
    return cancelAll(this.state, venueSymbol);
  }

  // ── Reading the venue ─────────────────────────────────────────────────────────────────────────

  /** Subscribes to fills; returns the unsubscribe function. Listener errors are ignored. */
  onFill(listener: (fill: PaperFill) => void): () => void {
    this.state.listeners.add(listener);
    return () => this.state.listeners.delete(listener);
  }

  /**
   * Subscribes to the account's events (stream/types.ts `AccountEvent`), emitted synchronously as
   * the engine books them: `order` on every state change, `fill` per execution, `positions`,
   * `balances`, `funding` (docs/paper-venue.md, "Account events"). Returns the unsubscribe
   * function. Listener errors are ignored.
   */
  onAccountEvent(listener: (event: AccountEvent) => void): () => void {
    this.state.eventListeners.add(listener);
    return () => this.state.eventListeners.delete(listener);
  }

  /** Fills since `since` (ms, inclusive) in the stream's shape, oldest first (AccountHistory). */
  fillsSince(query: { since: number; venueSymbol?: string; limit?: number }): VenueFill[] {
    const symbol =
      query.venueSymbol === undefined ? undefined : this.instrument(query.venueSymbol).venueSymbol;
    const out: VenueFill[] = [];
    for (const fill of this.state.fillLog) {
      if (fill.time < query.since || (symbol !== undefined && fill.venueSymbol !== symbol)) continue;
      out.push(venueFill(fill));
      if (query.limit !== undefined && query.limit > 0 && out.length >= query.limit) break;
    }
    return out;
  }

  /** Funding payments since `since` (ms, inclusive), oldest first, from the bounded funding log. */
  fundingSince(query: { since: number; venueSymbol?: string; limit?: number }): FundingPayment[] {
    const symbol =
      query.venueSymbol === undefined ? undefined : this.instrument(query.venueSymbol).venueSymbol;
    const out: FundingPayment[] = [];
    for (const payment of this.state.fundingLog) {
      if (payment.time < query.since || (symbol !== undefined && payment.venueSymbol !== symbol)) continue;
      out.push({ ...payment });
      if (query.limit !== undefined && query.limit > 0 && out.length >= query.limit) break;
    }
    return out;
  }

  /** Every fill so far, oldest first. */
  fills(venueSymbol?: string): PaperFill[] {
    return this.state.fillLog.filter((f) => venueSymbol === undefined || f.venueSymbol === venueSymbol);
  }

  /** The instrument of a symbol (case-insensitive); UNKNOWN_SYMBOL otherwise. The venue's own object. */
  instrument(venueSymbol: string): Instrument {
    return this.state.instrument(venueSymbol);
  }

  /** Copies of every instrument. */
  instruments(): Instrument[] {
    return this.state.instruments.map((i) => ({ ...i }));
  }

  positionMode(): PositionMode {
    return this.state.positionMode;
  }

  /** Every order ever accepted (any status), oldest first. Rejected requests are not orders. */
  orderHistory(venueSymbol?: string): Order[] {
    return this.state.orders
      .filter((o) => venueSymbol === undefined || o.venueSymbol === venueSymbol)
      .map((o) => toOrder(o));
  }

  /** Open orders, regular and conditional, oldest first. */
  openOrders(venueSymbol?: string): Order[] {
    return this.state.orders
      .filter((o) => isOpen(o) && (venueSymbol === undefined || o.venueSymbol === venueSymbol))
      .map((o) => toOrder(o));
  }

  /** Open conditional (algo) orders. */
  openConditionals(venueSymbol?: string): Order[] {
    return this.state.orders
      .filter((o) => o.isAlgo && isOpen(o) && (venueSymbol === undefined || o.venueSymbol === venueSymbol))
      .map((o) => toOrder(o));
  }

  /**
   * Finds an order by venue id or client id (latest with that client id), any status.
   * `venueSymbol` restricts the search when given.
   */
  findOrder(ref: { venueOrderId?: string; clientOrderId?: string }, venueSymbol?: string): Order | undefined {
    const record = findRecord(this.state, ref, venueSymbol);
    return record === undefined ? undefined : toOrder(record);
  }

  /** Every order that used a client id (any symbol, any status), oldest first. */
  ordersWithClientId(clientOrderId: string): Order[] {
    return (this.state.ordersByClientId.get(clientOrderId) ?? []).map((o) => toOrder(o));
  }

  /** Signed quantity held on a position leg ('net' in one-way mode); 0 when flat. */
  heldQty(venueSymbol: string, positionSide: PositionSide): Decimal {
    return this.state.heldQty(this.instrument(venueSymbol).venueSymbol, positionSide);
  }

  balance(asset: string): PaperBalanceState {
    return balanceState(this.state, asset);
  }

  /** Open positions with their margins, of one symbol or all. */
  positions(venueSymbol?: string): PaperPositionState[] {
    return [...this.state.positions.values()]
      .filter((p) => venueSymbol === undefined || p.venueSymbol === venueSymbol)
      .map((p) => positionState(this.state, p));
  }

  /** A full snapshot of the account (balances per asset, positions with margins, settings, prices). */
  accountState(): PaperAccountState {
    const state = this.state;
    const assets = new Set([...state.wallets.keys(), ...state.instruments.map((i) => i.quote)]);
    const leverage: Record<string, number> = {};
    const marginModes: Record<string, MarginMode> = {};
    const prices: Record<string, string> = {};
    for (const { venueSymbol } of state.instruments) {
      leverage[venueSymbol] = state.leverageOf(venueSymbol);
      marginModes[venueSymbol] = state.marginModeOf(venueSymbol);
      const mark = state.marks.get(venueSymbol);
      if (mark !== undefined) prices[venueSymbol] = fmt(mark);
    }
    return {
      time: state.now(),
      positionMode: state.positionMode,
      balances: [...assets].sort().map((asset) => balanceState(state, asset)),
      positions: this.positions(),
      leverage,
      marginModes,
      prices,
    };
  }

  // ── Snapshots ─────────────────────────────────────────────────────────────────────────────────

  /** The account as JSON (balances, positions, orders, settings, prices, clock); see snapshot.ts. */
  snapshot(): PaperVenueSnapshot {
    return snapshotState(this.state);
  }

  /** Takes over a snapshot's account (this venue's own starting balance goes). */
  restore(snapshot: PaperVenueSnapshot): void {
    restoreState(this.state, snapshot);
  }
}
