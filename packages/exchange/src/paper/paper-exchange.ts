import { clientOrderId } from '../client-order-id.ts';
import type { DecimalInput } from '../decimal.ts';
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
  PlaceOrderRequest,
  Position,
  PositionMode,
  PositionSide,
  ProtectionRequest,
  Ticker,
  TrailingStopRequest,
} from '../types.ts';
import type {
  AccountEvent,
  AccountStream,
  FundingPayment,
  MarketStream,
  StreamingVenue,
  StreamOptions,
  VenueFill,
} from '../stream/types.ts';
import { toPosition } from './engine/events.ts';
import { fail } from './engine/rejections.ts';
import { isOpen } from './engine/state.ts';
import type {
  PaperAccountState,
  PaperCandle,
  PaperFill,
  PaperHistoryBar,
  PaperMarketUpdate,
  PaperOrderRequest,
  PaperVenueOptions,
} from './engine/types.ts';
import type { PaperVenueSnapshot } from './engine/snapshot.ts';
import { PaperVenue } from './engine/venue.ts';
import { PaperAccountStream, PaperMarketStream, type PaperStreamSource } from './streams.ts';

export { historyBar } from './engine/venue.ts';
export type { PaperVenueSnapshot } from './engine/snapshot.ts';

export { timeframeMs } from './engine/candles.ts';
export { PAPER_REASON_VENUE_CODES, type PaperRejectReason } from './engine/rejections.ts';
export type {
  PaperAccountState,
  PaperBalanceState,
  PaperCandle,
  PaperFill,
  PaperFillReason,
  PaperHistoryBar,
  PaperMarketUpdate,
  PaperOrderRequest,
  PaperPositionState,
} from './engine/types.ts';
export { PaperAccountStream, PaperMarketStream, type PaperStreamSource } from './streams.ts';
export type PaperExchangeOptions = PaperVenueOptions;

/**
 * PaperExchange — the in-process paper venue, with two faces on one object (docs/paper-venue.md):
 *
 *  1. The venue (synchronous, for simulators and replays): `submitOrder`, `cancel`, `setPrice`,
 *     `applyCandle`, … straight from the engine (`PaperVenue`, engine/venue.ts). It behaves like a
 *     real venue: explicit client order ids, rejections as `ExchangeErrors` with a
 *     `PaperRejectReason` in `details.reason`.
 *  2. The async `Exchange` interface (paper trading, the contract suite): client ids derived from
 *     the idempotency key, and "never a second order for the same key" — a key whose order is done
 *     returns that order; one whose order is still open is a duplicate client id, as on the venues.
 */
export class PaperExchange implements Exchange, StreamingVenue {
  readonly id = 'paper' as const;
  private readonly venue: PaperVenue;

  constructor(options: PaperExchangeOptions = {}) {
    this.venue = new PaperVenue(options);
  }

  // ── The venue (synchronous) ───────────────────────────────────────────────────────────────────

  /** The venue clock (ms). */
  now(): number {
    return this.venue.now();
  }

  /**
   * Moves the price of a symbol (a jump, as a live ticker): orders whose level the move passes fill
   * at the new price, liquidation levels at their level. `time` moves the clock (and funding).
   */
  setPrice(venueSymbol: string, price: DecimalInput, time?: number): void {
    this.venue.setPrice(venueSymbol, price, time);
  }

  /**
   * Replays one candle: a jump to the open, then a walk through its extremes to the close, filling
   * at each level inside it (docs/paper-venue.md, "Price path"). The candle is stored for `klines`.
   */
  applyCandle(venueSymbol: string, candle: PaperCandle): void {
    this.venue.applyCandle(venueSymbol, candle);
  }

  /** Stores past candles for `klines` only (no price moves, no fills); see PaperVenue.seedHistory. */
  seedHistory(venueSymbol: string, bars: readonly PaperHistoryBar[]): void {
    this.venue.seedHistory(venueSymbol, bars);
  }

  /** Folds bars before `foldBefore` into hourly bars, drops those before `dropBefore` (bounded memory). */
  compactHistory(venueSymbol: string, foldBefore: number, dropBefore: number): void {
    this.venue.compactHistory(venueSymbol, foldBefore, dropBefore);
  }

  /** The venue's own id of a symbol in any accepted spelling (UNKNOWN_SYMBOL when it has none). */
  instrumentSymbol(venueSymbol: string): string {
    return this.venue.instrument(venueSymbol).venueSymbol;
  }

  /** The current price of a symbol, or undefined before the first one. */
  priceOf(venueSymbol: string): string | undefined {
    return this.venue.priceOf(venueSymbol);
  }

  /** Adds (or with a negative amount removes) funds. */
  deposit(asset: string, amount: DecimalInput): void {
    this.venue.deposit(asset, amount);
  }

  /** One-way ↔ hedge (Binance rules: -4068 with a position, -4067 with an open order, -4059 unchanged). */
  setPositionMode(mode: PositionMode): { changed: boolean } {
    return this.venue.setPositionMode(mode);
  }

  /** A symbol's margin mode (Binance rules: -4048 with a position, -4047 with an open order, -4046 unchanged). */
  setMarginMode(venueSymbol: string, marginMode: MarginMode): { changed: boolean } {
    return this.venue.setMarginMode(venueSymbol, marginMode);
  }

  /** Sets a symbol's leverage (integer 1…maxLeverage); open positions take it, isolated margin stays. */
  setLeverageSync(venueSymbol: string, leverage: number): number {
    return this.venue.setLeverage(venueSymbol, leverage);
  }

  /** Pays funding on a symbol's positions at its price (−signedQty × mark × rate); returns the total. */
  applyFunding(venueSymbol: string, rate: DecimalInput): string {
    return this.venue.applyFunding(venueSymbol, rate);
  }

  /** Subscribes to fills; returns the unsubscribe function. Listener errors are ignored. */
  onFill(listener: (fill: PaperFill) => void): () => void {
    return this.venue.onFill(listener);
  }

  /**
   * Subscribes to the account's events (order, fill, positions, balances, funding), synchronously
   * as the venue books them; see PaperVenue.onAccountEvent. Returns the unsubscribe function.
   */
  onAccountEvent(listener: (event: AccountEvent) => void): () => void {
    return this.venue.onAccountEvent(listener);
  }

  /** Executions since `since` (ms, inclusive), oldest first (AccountHistory). */
  async fillsSince(query: { since: number; venueSymbol?: string; limit?: number }): Promise<VenueFill[]> {
    return this.venue.fillsSince(query);
  }

  /** Funding payments since `since` (ms, inclusive), oldest first; the latest 1,000 are kept. */
  async fundingSince(query: {
    since: number;
    venueSymbol?: string;
    limit?: number;
  }): Promise<FundingPayment[]> {
    return this.venue.fundingSince(query);
  }

  /**
   * Subscribes to price moves and bar changes of every symbol (what `marketStream` is built on);
   * returns the unsubscribe function.
   */
  onMarketUpdate(listener: (update: PaperMarketUpdate) => void): () => void {
    return this.venue.onMarketUpdate(listener);
  }

  /** The `timeframe` bar opening at `openTime` (rounded down), from the feed's candles; see PaperVenue.barAt. */
  barAt(venueSymbol: string, timeframe: string, openTime: number): ReturnType<PaperVenue['barAt']> {
    return this.venue.barAt(venueSymbol, timeframe, openTime);
  }

  /**
   * The account's private stream, in process (no socket, so never a gap): `start` emits `up`,
   * then every account event as the venue books it. `hooks` lets a feed-driven venue keep its feed
   * moving while the stream is open (price-feed.ts).
   */
  accountStream(
    options?: StreamOptions,
    hooks?: Pick<PaperStreamSource<unknown>, 'onStart' | 'onClose'>,
  ): AccountStream {
    return new PaperAccountStream(
      { subscribe: (listener) => this.venue.onAccountEvent(listener), now: () => this.venue.now(), ...hooks },
      options,
    );
  }

  /** Mark prices on every move and klines from the feed's candles (forming, then closed), in process. */
  marketStream(
    options?: StreamOptions,
    hooks?: Pick<PaperStreamSource<unknown>, 'onStart' | 'onClose'>,
  ): MarketStream {
    return new PaperMarketStream(
      { subscribe: (listener) => this.venue.onMarketUpdate(listener), now: () => this.venue.now(), ...hooks },
      (symbol, timeframe, openTime) => this.venue.barAt(symbol, timeframe, openTime),
      (symbol) => this.venue.instrument(symbol).venueSymbol,
      options,
    );
  }

  /** Every fill so far, oldest first. */
  fills(venueSymbol?: string): PaperFill[] {
    return this.venue.fills(venueSymbol);
  }

  /** Every order ever accepted (any status), oldest first. Rejected requests are not orders. */
  orderHistory(venueSymbol?: string): Order[] {
    return this.venue.orderHistory(venueSymbol);
  }

  /** Open conditional (algo) orders. */
  openConditionals(venueSymbol?: string): Order[] {
    return this.venue.openConditionals(venueSymbol);
  }

  /** A full snapshot of the account (balances per asset, positions with margins, settings, prices). */
  accountState(): PaperAccountState {
    return this.venue.accountState();
  }

  /**
   * The account's state as JSON, to be stored and `restore`d into a new venue (a server that drops
   * idle venues or restarts keeps its paper accounts). Candle history is not in it: the feed rebuilds it.
   */
  snapshot(): PaperVenueSnapshot {
    return this.venue.snapshot();
  }

  /** The snapshot, as a `StatefulVenue` (price-feed.ts) gives it. */
  async saveState(): Promise<PaperVenueSnapshot | undefined> {
    return this.snapshot();
  }

  /** Takes over a snapshot's account: balances, positions, orders, fills, settings, prices, clock. */
  restore(snapshot: PaperVenueSnapshot): void {
    this.venue.restore(snapshot);
  }

  /**
   * Finds an order by venue id or client id (latest with that client id), any status.
   * `venueSymbol` restricts the search when given.
   */
  findOrder(ref: { venueOrderId?: string; clientOrderId?: string }, venueSymbol?: string): Order | undefined {
    return this.venue.findOrder(ref, venueSymbol);
  }

  /** Places an order as a venue would; see PaperOrderRequest and docs/paper-venue.md for the rules. */
  submitOrder(request: PaperOrderRequest): Order {
    return this.venue.submitOrder(request);
  }

  /** Cancels an open order (regular or conditional). ORDER_NOT_FOUND when unknown or no longer open. */
  cancel(venueSymbol: string, ref: { venueOrderId?: string; clientOrderId?: string }): Order {
    return this.venue.cancel(venueSymbol, ref);
  }

  /** Cancels every open order of a symbol, conditional ones included. Returns those cancelled. */
  cancelAll(venueSymbol: string): Order[] {
    return this.venue.cancelAll(venueSymbol);
  }

  // ── Exchange interface ────────────────────────────────────────────────────────────────────────

  async serverTime(): Promise<number> {
    return this.venue.now();
  }

  async instruments(): Promise<Instrument[]> {
    return this.venue.instruments();
  }

  async instrument(venueSymbol: string): Promise<Instrument> {
    return { ...this.venue.instrument(venueSymbol) };
  }

  async ticker(venueSymbol: string): Promise<Ticker> {
    const symbol = this.venue.instrument(venueSymbol).venueSymbol;
    const price = this.venue.priceOf(symbol);
    if (price === undefined) {
      throw fail(
        'EXCHANGE_UNAVAILABLE',
        'no_price',
        `No price yet for ${symbol}; the paper venue needs a price feed`,
        {
          venueSymbol: symbol,
        },
      );
    }
    return { venueSymbol: symbol, price, time: this.venue.now() };
  }

  /**
   * Candles from the feed: `applyCandle` candles as given, `setPrice` ticks as 1-minute bars, both
   * aggregated into the requested timeframe. Oldest first; the last one is open while the clock is
   * inside it.
   */
  async klines(query: KlineQuery): Promise<Kline[]> {
    return this.venue.klines(query);
  }

  async balance(asset = 'USDT'): Promise<Balance> {
    const state = this.venue.balance(asset);
    return { asset, total: state.equity, available: state.available, unrealizedPnl: state.unrealizedPnl };
  }

  async positions(venueSymbol?: string): Promise<Position[]> {
    const symbol = venueSymbol === undefined ? undefined : this.venue.instrument(venueSymbol).venueSymbol;
    return this.venue.positions(symbol).map(toPosition);
  }

  async positionMode(): Promise<PositionMode> {
    return this.venue.positionMode();
  }

  async setLeverage(
    venueSymbol: string,
    leverage: number,
    marginMode?: MarginMode,
  ): Promise<{ leverage: number }> {
    const symbol = this.venue.instrument(venueSymbol).venueSymbol;
    const set = this.venue.setLeverage(symbol, leverage);
    if (marginMode !== undefined) this.venue.setMarginMode(symbol, marginMode);
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
    return this.venue.submitOrder({
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
    return this.venue.submitOrder(this.conditionalRequest(request, cid));
  }

  /** A reduce-only trailing stop (Binance's rules: docs/paper-venue.md "Trailing stops"). */
  async placeTrailingStop(request: TrailingStopRequest): Promise<Order> {
    const cid = clientOrderId(request.idempotencyKey, 'paper');
    const done = this.doneOrder(request.venueSymbol, cid);
    if (done !== undefined) return done;
    const leg = this.oneWayLeg(request.side, request.positionSide, undefined);
    return this.venue.submitOrder({
      venueSymbol: request.venueSymbol,
      side: request.side,
      type: 'trailing_stop_market',
      qty: request.qty,
      reduceOnly: true,
      callbackRatePct: request.callbackRatePct,
      ...(request.activationPrice !== undefined ? { activationPrice: request.activationPrice } : {}),
      ...(leg.positionSide !== undefined ? { positionSide: leg.positionSide } : {}),
      ...(request.marginMode !== undefined ? { marginMode: request.marginMode } : {}),
      clientOrderId: cid,
      idempotencyKey: request.idempotencyKey,
    });
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
    const positionSide: PositionSide = this.venue.positionMode() === 'hedge' ? request.positionSide : 'net';
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
      orders.push(this.venue.submitOrder({ ...this.conditionalRequest(conditional, cid), ocoGroup: group }));
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
    const symbol = this.venue.instrument(venueSymbol).venueSymbol;
    const cid = clientOrderId(idempotencyKey, 'paper');
    const done = this.doneOrder(symbol, cid);
    if (done !== undefined) return done;
    const hedge = this.venue.positionMode() === 'hedge';
    if (hedge && positionSide !== 'long' && positionSide !== 'short') {
      throw fail(
        'POSITION_SIDE_MISMATCH',
        'position_side_mismatch_hedge',
        'On a hedge-mode account say which position to close: long or short',
        { venueSymbol: symbol, positionSide },
      );
    }
    const key: PositionSide = hedge ? positionSide : 'net';
    const held = this.venue.heldQty(symbol, key);
    if (held.isZero()) return null;
    if (!hedge && positionSide !== 'net' && (positionSide === 'long') !== held.gt(0)) return null;
    return this.venue.submitOrder({
      venueSymbol: symbol,
      side: held.gt(0) ? 'sell' : 'buy',
      type: 'market',
      qty: held.abs(),
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
    this.venue.cancel(venueSymbol, {
      ...(ref.venueOrderId !== undefined ? { venueOrderId: ref.venueOrderId } : {}),
      ...(ref.clientOrderId !== undefined ? { clientOrderId: ref.clientOrderId } : {}),
    });
  }

  async cancelAllOrders(venueSymbol: string): Promise<void> {
    this.venue.cancelAll(venueSymbol);
  }

  async openOrders(venueSymbol?: string): Promise<Order[]> {
    const symbol = venueSymbol === undefined ? undefined : this.venue.instrument(venueSymbol).venueSymbol;
    return this.venue.openOrders(symbol);
  }

  async orderByIdempotencyKey(venueSymbol: string, idempotencyKey: string): Promise<Order | null> {
    const symbol = this.venue.instrument(venueSymbol).venueSymbol;
    return this.venue.findOrder({ clientOrderId: clientOrderId(idempotencyKey, 'paper') }, symbol) ?? null;
  }

  // ── Adapter internals ─────────────────────────────────────────────────────────────────────────

  /** One-way accounts: `long` / `short` → net, and an order against that leg is reduce-only. */
  private oneWayLeg(
    side: OrderSide,
    positionSide: PositionSide | undefined,
    reduceOnly: boolean | undefined,
  ): { positionSide: PositionSide | undefined; reduceOnly: boolean | undefined } {
    if (this.venue.positionMode() !== 'one_way' || (positionSide !== 'long' && positionSide !== 'short')) {
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
    const symbol = this.venue.instrument(venueSymbol).venueSymbol;
    const history = this.venue.ordersWithClientId(cid);
    if (history.some(isOpen)) return undefined;
    return history.filter((o) => o.venueSymbol === symbol).at(-1);
  }
}
