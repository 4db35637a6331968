import Decimal from 'decimal.js';
import { ExchangeErrors } from '../errors.ts';
import { clientOrderId } from '../client-order-id.ts';
import { checkLeverage, prepareOrderPrice, prepareOrderQty, checkMinNotional } from '../instrument.ts';
import {
  transportOptions,
  venueClientState,
  type VenueClientOptions,
  type VenueClientState,
} from '../venue/client-options.ts';
import {
  cancelByRef,
  closesLeg,
  limitPrice,
  nullIfNotFound,
  positionToClose,
  requireOrderRef,
  type OrderRef,
} from '../venue/orders.ts';
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
import { checkCallbackRate } from '../trailing.ts';
import { BINANCE_VENUE } from './errors.ts';
import { BinanceHttp } from './http.ts';
import {
  fromPositionSide,
  parseAlgoOrder,
  parseBalance,
  parseInstrument,
  parseKline,
  parseOrder,
  parsePosition,
  parseTicker,
  toBinanceInterval,
  type BinanceAlgoOrder,
  type BinanceBalance,
  type BinanceExchangeInfo,
  type BinanceOrder,
  type BinancePositionRisk,
} from './parse.ts';
import type { Params } from './signing.ts';
import type {
  AccountStream,
  FundingPayment,
  MarketStream,
  StreamingVenue,
  VenueFill,
} from '../stream/types.ts';
import { readFillsSince, readFundingSince, symbolsTradedSince } from './history.ts';
import { BinanceAccountStream, BinanceMarketStream, type BinanceStreamOptions } from './stream.ts';

export const BINANCE_FAPI_URL = 'https://fapi.binance.com';
export const BINANCE_DEMO_FAPI_URL = 'https://demo-fapi.binance.com';
/** Stream bases; the client appends the routed paths `/private/ws`, `/market/ws` (streams.md §1.1). */
export const BINANCE_FSTREAM_URL = 'wss://fstream.binance.com';
export const BINANCE_DEMO_FSTREAM_URL = 'wss://fstream.binancefuture.com';

export type BinanceFuturesClientOptions = VenueClientOptions & {
  apiKey: string;
  apiSecret: string;
  /** Use Binance's demo trading venue (`demo-fapi.binance.com`). */
  testnet?: boolean;
  recvWindow?: number;
  /** Default leverage cap when the leverage brackets are not read. */
  defaultMaxLeverage?: number;
  /**
   * WebSocket stream base (e.g. a simulator's `ws://127.0.0.1:port`). Default: the origin of a
   * non-Binance `baseUrl` (`streamUrlBeside`), else the real fstream host (demo: binancefuture).
   */
  streamUrl?: string;
};

type OrderKind = 'order' | 'algo';

const ORDER_PATH = '/fapi/v1/order';
const ALGO_PATH = '/fapi/v1/algoOrder';
const LISTEN_KEY_PATH = '/fapi/v1/listenKey';
const HISTORY_CLOCK_MARGIN_MS = 60_000;

/**
 * Binance USDⓈ-M futures through its REST API (`/fapi`). Implements the exchange-neutral `Exchange`
 * interface: quantities in base units, decimal strings, typed errors. Placement is idempotent per
 * idempotency key: the venue client id is derived from it, and an uncertain outcome (timeout,
 * dropped connection, 503 "unknown") is resolved by looking the order up before anything is resent.
 */
export class BinanceFuturesClient implements Exchange, StreamingVenue {
  readonly id = 'binance' as const;
  readonly baseUrl: string;
  readonly streamUrl: string;
  private readonly http: BinanceHttp;
  private readonly defaultMaxLeverage: number;
  private readonly now: () => number;
  private readonly hasKey: boolean;
  /** The instrument and position-mode caches and the order submitter. */
  private readonly venue: VenueClientState;
  /** Margin type set per symbol by this client (not sent again before each placement). */
  readonly #marginModes = new Map<string, MarginMode>();

  constructor(options: BinanceFuturesClientOptions) {
    if (typeof options.apiKey !== 'string' || typeof options.apiSecret !== 'string') {
      throw ExchangeErrors.create('INVALID_REQUEST', {
        message: 'Binance client needs apiKey and apiSecret',
      });
    }
    this.baseUrl = options.baseUrl ?? (options.testnet === true ? BINANCE_DEMO_FAPI_URL : BINANCE_FAPI_URL);
    this.streamUrl = (
      options.streamUrl ??
      streamUrlBeside(options.baseUrl) ??
      (options.testnet === true ? BINANCE_DEMO_FSTREAM_URL : BINANCE_FSTREAM_URL)
    ).replace(/\/+$/, '');
    this.now = options.now ?? Date.now;
    this.hasKey = options.apiKey !== '' && options.apiSecret !== '';
    this.http = new BinanceHttp({
      ...transportOptions(options, this.baseUrl, this.now),
      apiKey: options.apiKey,
      apiSecret: options.apiSecret,
      recvWindow: options.recvWindow ?? 5000,
    });
    this.venue = venueClientState(options, {
      venue: BINANCE_VENUE,
      clock: this.http,
      now: this.now,
      loadInstruments: () => this.loadInstruments(),
      readPositionMode: () => this.readPositionMode(),
    });
    this.defaultMaxLeverage = options.defaultMaxLeverage ?? 125;
  }

  /** The HTTP layer (time offset, used weight), for diagnostics. */
  get transport(): BinanceHttp {
    return this.http;
  }

  // ── Market data ────────────────────────────────────────────────────────────────────────────

  async serverTime(): Promise<number> {
    const body = await this.http.request<{ serverTime: number }>({
      method: 'GET',
      path: '/fapi/v1/time',
      signed: false,
      safe: true,
    });
    return body.serverTime;
  }

  async instruments(): Promise<Instrument[]> {
    return [...(await this.venue.instruments.map()).values()];
  }

  async instrument(venueSymbol: string): Promise<Instrument> {
    const { found } = await this.venue.instruments.find(venueSymbol.trim().toUpperCase());
    if (found === undefined) {
      throw ExchangeErrors.create('UNKNOWN_SYMBOL', {
        message: `Binance USDⓈ-M has no trading symbol "${venueSymbol}"`,
        details: { venue: 'binance', venueSymbol },
      });
    }
    return found;
  }

  /** The trading symbols of `exchangeInfo` (which also sets the request-weight limit). */
  private async loadInstruments(): Promise<Map<string, Instrument>> {
    const info = await this.http.request<BinanceExchangeInfo>({
      method: 'GET',
      path: '/fapi/v1/exchangeInfo',
      signed: false,
      safe: true,
    });
    const weight = info.rateLimits?.find(
      (r) => r.rateLimitType === 'REQUEST_WEIGHT' && r.interval === 'MINUTE',
    );
    if (weight !== undefined && weight.intervalNum === 1) this.http.setWeightLimit(weight.limit);
    const maxLeverage = await this.leverageCaps();
    const bySymbol = new Map<string, Instrument>();
    for (const s of info.symbols) {
      if (s.status !== 'TRADING') continue;
      bySymbol.set(s.symbol, parseInstrument(s, maxLeverage.get(s.symbol) ?? this.defaultMaxLeverage));
    }
    return bySymbol;
  }

  /**
   * Each symbol's maximum leverage from `GET /fapi/v1/leverageBracket` (signed; the first bracket's
   * initialLeverage). Best effort: without a key, or when the call fails, the default cap applies.
   */
  private async leverageCaps(): Promise<Map<string, number>> {
    const caps = new Map<string, number>();
    if (!this.hasKey) return caps;
    try {
      const rows =
        await this.signedGet<{ symbol: string; brackets: { initialLeverage: number }[] }[]>(
          '/fapi/v1/leverageBracket',
        );
      for (const row of Array.isArray(rows) ? rows : []) {
        const max = Math.max(...row.brackets.map((b) => Number(b.initialLeverage)));
        if (Number.isInteger(max) && max >= 1) caps.set(row.symbol, max);
      }
    } catch {
      // Keep the default cap; the venue still refuses an invalid leverage (-4028).
    }
    return caps;
  }

  async ticker(venueSymbol: string): Promise<Ticker> {
    const symbol = (await this.instrument(venueSymbol)).venueSymbol;
    const body = await this.http.request<{ symbol: string; price: string; time?: number }>({
      method: 'GET',
      path: '/fapi/v2/ticker/price',
      params: { symbol },
      signed: false,
      safe: true,
    });
    return parseTicker(body, this.http.serverNow());
  }

  async klines(query: KlineQuery): Promise<Kline[]> {
    const interval = toBinanceInterval(query.timeframe);
    if (interval === undefined) {
      throw ExchangeErrors.create('INVALID_REQUEST', {
        message: `Binance has no kline interval "${query.timeframe}"`,
        details: { venue: 'binance', timeframe: query.timeframe },
      });
    }
    if (
      query.limit !== undefined &&
      (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > 1500)
    ) {
      throw ExchangeErrors.create('INVALID_REQUEST', {
        message: 'Binance kline limit must be an integer in 1..1500',
      });
    }
    const rows = await this.http.request<unknown[]>({
      method: 'GET',
      path: '/fapi/v1/klines',
      params: {
        symbol: query.venueSymbol.trim().toUpperCase(),
        interval,
        startTime: query.startTime,
        endTime: query.endTime,
        limit: query.limit,
      },
      signed: false,
      safe: true,
    });
    const now = this.http.serverNow();
    return rows.map((row) => parseKline(row, now));
  }

  // ── Account ────────────────────────────────────────────────────────────────────────────────

  async balance(asset = 'USDT'): Promise<Balance> {
    const rows = await this.signedGet<BinanceBalance[]>('/fapi/v3/balance');
    return parseBalance(rows, asset);
  }

  async positions(venueSymbol?: string): Promise<Position[]> {
    const symbol = venueSymbol === undefined ? undefined : (await this.instrument(venueSymbol)).venueSymbol;
    const rows = await this.signedGet<BinancePositionRisk[]>('/fapi/v2/positionRisk', { symbol });
    return rows.filter((r) => !new Decimal(r.positionAmt).isZero()).map(parsePosition);
  }

  /** One-way or hedge, read from `GET /fapi/v1/positionSide/dual` and cached. */
  positionMode(): Promise<PositionMode> {
    return this.venue.positionMode.get();
  }

  private async readPositionMode(): Promise<PositionMode> {
    const body = await this.signedGet<{ dualSidePosition: boolean | string }>('/fapi/v1/positionSide/dual');
    return String(body.dualSidePosition) === 'true' ? 'hedge' : 'one_way';
  }

  /** Forgets the cached position mode (the next call reads it again). */
  invalidatePositionMode(): void {
    this.venue.positionMode.invalidate();
  }

  /** Switches the account between one-way and hedge mode; "no need to change" (-4059) is success. */
  async setPositionMode(mode: PositionMode): Promise<void> {
    try {
      await this.signed('POST', '/fapi/v1/positionSide/dual', { dualSidePosition: mode === 'hedge' }, true);
    } catch (error) {
      if (venueCode(error) !== -4059) throw error;
    }
    this.venue.positionMode.set(mode);
  }

  async setLeverage(
    venueSymbol: string,
    leverage: number,
    marginMode?: MarginMode,
  ): Promise<{ leverage: number }> {
    const instrument = await this.instrument(venueSymbol);
    checkLeverage(instrument, leverage, 'binance');
    if (marginMode !== undefined) {
      this.#marginModes.delete(instrument.venueSymbol); // asked explicitly: always sent
      await this.ensureMarginMode(instrument.venueSymbol, marginMode); // -4046: already in that mode
    }
    const body = await this.signed<{ leverage: number }>(
      'POST',
      '/fapi/v1/leverage',
      { symbol: instrument.venueSymbol, leverage },
      true, // setting the same leverage twice is harmless
    );
    return { leverage: Number(body.leverage) };
  }

  // ── Orders ─────────────────────────────────────────────────────────────────────────────────

  async placeOrder(request: PlaceOrderRequest): Promise<Order> {
    const instrument = await this.instrument(request.venueSymbol);
    const qty = prepareOrderQty(instrument, request.qty, { market: request.type === 'market' });
    const price = limitPrice(instrument, request);
    // Binance exempts reduce-only orders from the minimum notional; closing a hedge leg is one.
    if (request.reduceOnly !== true && !closesLeg(request.side, request.positionSide)) {
      const reference = price ?? request.referencePrice ?? (await this.ticker(instrument.venueSymbol)).price;
      checkMinNotional(instrument, qty, reference);
    }
    if (request.marginMode !== undefined)
      await this.ensureMarginMode(instrument.venueSymbol, request.marginMode);

    const cid = clientOrderId(request.idempotencyKey, 'binance');
    const build = (mode: PositionMode): Params => {
      const side = mapPositionSide(mode, request.side, request.positionSide, request.reduceOnly === true);
      return {
        symbol: instrument.venueSymbol,
        side: request.side === 'buy' ? 'BUY' : 'SELL',
        positionSide: side.positionSide,
        type: request.type === 'limit' ? 'LIMIT' : 'MARKET',
        ...(request.type === 'limit' ? { timeInForce: 'GTC' } : {}),
        quantity: qty,
        ...(price !== undefined ? { price } : {}),
        ...(side.reduceOnly ? { reduceOnly: 'true' } : {}),
        newClientOrderId: cid,
        newOrderRespType: 'RESULT',
      };
    };
    const order = await this.venue.positionMode.withMode((mode) =>
      this.submit('order', instrument.venueSymbol, cid, build(mode)),
    );

    const protection: Order[] = [];
    if (request.attachedStopLoss !== undefined || request.attachedTakeProfit !== undefined) {
      const leg =
        order.positionSide === 'short' || (order.positionSide === 'net' && request.side === 'sell')
          ? 'short'
          : 'long';
      protection.push(
        ...(await this.placeProtection({
          venueSymbol: instrument.venueSymbol,
          positionSide: leg,
          ...(request.attachedStopLoss !== undefined ? { stopLoss: request.attachedStopLoss } : {}),
          ...(request.attachedTakeProfit !== undefined ? { takeProfit: request.attachedTakeProfit } : {}),
          idempotencyKey: request.idempotencyKey,
        })),
      );
    }
    return protection.length > 0 ? { ...order, raw: { order: order.raw, protection } } : order;
  }

  async placeConditional(request: ConditionalOrderRequest, role?: string): Promise<Order> {
    const instrument = await this.instrument(request.venueSymbol);
    const triggerPrice = prepareOrderPrice(instrument, request.triggerPrice);
    const qty =
      request.qty === undefined ? undefined : prepareOrderQty(instrument, request.qty, { market: true });
    if (request.marginMode !== undefined)
      await this.ensureMarginMode(instrument.venueSymbol, request.marginMode);
    const cid = clientOrderId(request.idempotencyKey, 'binance', role);
    const build = (mode: PositionMode): Params => {
      const side = mapPositionSide(mode, request.side, request.positionSide, true);
      return {
        algoType: 'CONDITIONAL',
        symbol: instrument.venueSymbol,
        side: request.side === 'buy' ? 'BUY' : 'SELL',
        positionSide: side.positionSide,
        type: request.kind === 'stop_loss' ? 'STOP_MARKET' : 'TAKE_PROFIT_MARKET',
        ...(qty === undefined ? { closePosition: 'true' } : { quantity: qty }),
        ...(qty !== undefined && side.reduceOnly ? { reduceOnly: 'true' } : {}),
        triggerPrice,
        workingType: 'MARK_PRICE',
        clientAlgoId: cid,
      };
    };
    return this.venue.positionMode.withMode((mode) =>
      this.submit('algo', instrument.venueSymbol, cid, build(mode)),
    );
  }

  /**
   * A TRAILING_STOP_MARKET through the Algo Service (`POST /fapi/v1/algoOrder`, algoType CONDITIONAL):
   * `callbackRate` in percent (0.1–10, one decimal, checked before sending), `activatePrice` when
   * given, a quantity (Binance takes no closePosition for trailing stops) reduce-only in one-way mode.
   */
  async placeTrailingStop(request: TrailingStopRequest): Promise<Order> {
    const instrument = await this.instrument(request.venueSymbol);
    const callbackRate = checkCallbackRate('binance', request.callbackRatePct);
    const activatePrice =
      request.activationPrice === undefined
        ? undefined
        : prepareOrderPrice(instrument, request.activationPrice);
    const qty = prepareOrderQty(instrument, request.qty, { market: true });
    if (request.marginMode !== undefined)
      await this.ensureMarginMode(instrument.venueSymbol, request.marginMode);
    const cid = clientOrderId(request.idempotencyKey, 'binance');
    const build = (mode: PositionMode): Params => {
      const side = mapPositionSide(mode, request.side, request.positionSide, true);
      return {
        algoType: 'CONDITIONAL',
        symbol: instrument.venueSymbol,
        side: request.side === 'buy' ? 'BUY' : 'SELL',
        positionSide: side.positionSide,
        type: 'TRAILING_STOP_MARKET',
        quantity: qty,
        ...(side.reduceOnly ? { reduceOnly: 'true' } : {}),
        callbackRate,
        ...(activatePrice !== undefined ? { activatePrice } : {}),
        workingType: 'MARK_PRICE',
        clientAlgoId: cid,
      };
    };
    return this.venue.positionMode.withMode((mode) =>
      this.submit('algo', instrument.venueSymbol, cid, build(mode)),
    );
  }

  async placeProtection(request: ProtectionRequest): Promise<Order[]> {
    const side: OrderSide = request.positionSide === 'long' ? 'sell' : 'buy';
    // Naming the leg works in both modes (one-way maps it onto BOTH), so a mode change is recoverable.
    const positionSide: PositionSide = request.positionSide;
    const orders: Order[] = [];
    const legs: [ConditionalOrderRequest['kind'], string | undefined, string][] = [
      ['stop_loss', request.stopLoss, 'sl'],
      ['take_profit', request.takeProfit, 'tp'],
    ];
    for (const [kind, triggerPrice, role] of legs) {
      if (triggerPrice === undefined) continue;
      orders.push(
        await this.placeConditional(
          {
            venueSymbol: request.venueSymbol,
            kind,
            side,
            positionSide,
            triggerPrice,
            ...(request.qty !== undefined ? { qty: request.qty } : {}),
            ...(request.marginMode !== undefined ? { marginMode: request.marginMode } : {}),
            idempotencyKey: request.idempotencyKey,
          },
          role,
        ),
      );
    }
    return orders;
  }

  async closePosition(
    venueSymbol: string,
    positionSide: PositionSide,
    idempotencyKey: string,
  ): Promise<Order | null> {
    const instrument = await this.instrument(venueSymbol);
    const mode = await this.positionMode();
    const row = positionToClose(await this.positions(instrument.venueSymbol), mode, positionSide);
    if (row === undefined) {
      // Already flat: the close this key sent earlier, if any (a retried close reports it, sends nothing).
      return this.lookup('order', instrument.venueSymbol, clientOrderId(idempotencyKey, 'binance'));
    }
    const qty = new Decimal(row.qty);
    return this.placeOrder({
      venueSymbol: instrument.venueSymbol,
      side: qty.isNegative() ? 'buy' : 'sell',
      type: 'market',
      qty: qty.abs().toFixed(),
      positionSide: row.side,
      reduceOnly: true,
      idempotencyKey,
    });
  }

  async cancelOrder(venueSymbol: string, ref: OrderRef): Promise<void> {
    requireOrderRef(ref);
    const symbol = (await this.instrument(venueSymbol)).venueSymbol;
    await cancelByRef(
      ref.isAlgo,
      async (kind) => {
        const params: Params =
          kind === 'algo'
            ? {
                algoId: ref.venueOrderId,
                clientAlgoId: ref.venueOrderId === undefined ? ref.clientOrderId : undefined,
              }
            : {
                symbol,
                orderId: ref.venueOrderId,
                origClientOrderId: ref.venueOrderId === undefined ? ref.clientOrderId : undefined,
              };
        await this.signed('DELETE', kind === 'algo' ? ALGO_PATH : ORDER_PATH, params, true);
      },
      async (kind) => (await this.queryOrder(kind, symbol, ref))?.status === 'canceled',
    );
  }

  /** Cancels regular and algo (conditional) orders of a symbol. */
  async cancelAllOrders(venueSymbol: string): Promise<void> {
    const symbol = (await this.instrument(venueSymbol)).venueSymbol;
    await this.signed('DELETE', '/fapi/v1/allOpenOrders', { symbol }, true);
    await this.signed('DELETE', '/fapi/v1/algoOpenOrders', { symbol }, true);
  }

  async openOrders(venueSymbol?: string): Promise<Order[]> {
    const symbol = venueSymbol === undefined ? undefined : (await this.instrument(venueSymbol)).venueSymbol;
    const regular = await this.signedGet<BinanceOrder[]>('/fapi/v1/openOrders', { symbol });
    const algo = await this.signedGet<BinanceAlgoOrder[]>('/fapi/v1/openAlgoOrders', { symbol });
    return [...regular.map(parseOrder), ...algo.map(parseAlgoOrder)];
  }

  async orderByIdempotencyKey(venueSymbol: string, idempotencyKey: string): Promise<Order | null> {
    const symbol = (await this.instrument(venueSymbol)).venueSymbol;
    const cid = clientOrderId(idempotencyKey, 'binance');
    return (await this.lookup('order', symbol, cid)) ?? (await this.lookup('algo', symbol, cid));
  }

  // ── Streams and history ────────────────────────────────────────────────────────────────────

  /** The user-data stream (listenKey: `POST` / `PUT /fapi/v1/listenKey`, API key only, unsigned). */
  accountStream(options?: BinanceStreamOptions): AccountStream {
    return new BinanceAccountStream(
      this.streamUrl,
      {
        create: async () => {
          const body = await this.http.request<{ listenKey?: unknown }>({
            method: 'POST',
            path: LISTEN_KEY_PATH,
            signed: false,
            safe: true, // POST returns the account's one key: sending it twice is harmless
          });
          if (typeof body.listenKey !== 'string' || body.listenKey === '') {
            throw ExchangeErrors.create('EXCHANGE_ERROR', {
              message: 'Binance returned no listenKey',
              details: { venue: 'binance' },
            });
          }
          return body.listenKey;
        },
        keepAlive: async () => {
          await this.http.request({ method: 'PUT', path: LISTEN_KEY_PATH, signed: false, safe: true });
        },
        fundingSince: (since) => this.fundingSince({ since }),
      },
      options,
    );
  }

  marketStream(options?: BinanceStreamOptions): MarketStream {
    return new BinanceMarketStream(this.streamUrl, options);
  }

  /**
   * Executions since `since` (`history.ts`): Binance's userTrades needs a symbol, so without
   * `venueSymbol` the symbols come from the COMMISSION income since then plus the open positions
   * and orders now.
   */
  async fillsSince(query: { since: number; venueSymbol?: string; limit?: number }): Promise<VenueFill[]> {
    const now = this.historyEnd();
    const get = <T>(path: string, params: Params): Promise<T> => this.signedGet<T>(path, params);
    let symbols: string[];
    if (query.venueSymbol !== undefined) {
      symbols = [(await this.instrument(query.venueSymbol)).venueSymbol];
    } else {
      const traded = await symbolsTradedSince(get, query.since, now);
      const held = (await this.positions()).map((p) => p.venueSymbol);
      const resting = (await this.openOrders()).map((o) => o.venueSymbol);
      symbols = [...new Set([...traded, ...held, ...resting])].sort();
    }
    return readFillsSince(get, symbols, query, now);
  }

  /** Funding payments since `since` from the income ledger; `venueEntryId` is its tranId. */
  async fundingSince(query: {
    since: number;
    venueSymbol?: string;
    limit?: number;
  }): Promise<FundingPayment[]> {
    const get = <T>(path: string, params: Params): Promise<T> => this.signedGet<T>(path, params);
    const symbol =
      query.venueSymbol === undefined ? undefined : (await this.instrument(query.venueSymbol)).venueSymbol;
    return readFundingSince(
      get,
      {
        since: query.since,
        ...(symbol !== undefined ? { venueSymbol: symbol } : {}),
        ...(query.limit !== undefined ? { limit: query.limit } : {}),
      },
      this.historyEnd(),
    );
  }

  /**
   * The end of a history read: the estimated server time plus a margin, since the estimate can
   * trail the venue's clock by the time-sync error and a fill booked a moment ago must be included.
   */
  private historyEnd(): number {
    return this.http.serverNow() + HISTORY_CLOCK_MARGIN_MS;
  }

  // ── Internals ──────────────────────────────────────────────────────────────────────────────

  private signedGet<T>(path: string, params: Params = {}): Promise<T> {
    return this.signed<T>('GET', path, params, true);
  }

  private signed<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    params: Params,
    safe: boolean,
  ): Promise<T> {
    return this.http.request<T>({ method, path, params, signed: true, safe });
  }

  /**
   * Sets the symbol's margin type once per client: a placement does not pay a round trip for it
   * again (a type changed by hand on the venue is seen when the client is rebuilt).
   */
  private async ensureMarginMode(symbol: string, mode: MarginMode): Promise<void> {
    if (this.#marginModes.get(symbol) === mode) return;
    try {
      await this.signed(
        'POST',
        '/fapi/v1/marginType',
        { symbol, marginType: mode === 'isolated' ? 'ISOLATED' : 'CROSSED' },
        true,
      );
    } catch (error) {
      if (venueCode(error) !== -4046) throw error;
    }
    this.#marginModes.set(symbol, mode);
  }

  /**
   * Sends a placement through the shared idempotent protocol (`OrderSubmitter`). Any request sent
   * carried a timestamp ≤ now, and Binance refuses it after timestamp + recvWindow: past that (plus
   * a margin) an order still absent is sent once more.
   */
  private submit(kind: OrderKind, symbol: string, cid: string, params: Params): Promise<Order> {
    return this.venue.submitter.submit({
      clientOrderId: cid,
      venueSymbol: symbol,
      kind,
      send: async () => {
        const body = await this.http.request<unknown>({
          method: 'POST',
          path: kind === 'algo' ? ALGO_PATH : ORDER_PATH,
          params,
          signed: true,
          safe: false,
        });
        return kind === 'algo' ? parseAlgoOrder(body as BinanceAlgoOrder) : parseOrder(body as BinanceOrder);
      },
      lookup: () => this.lookup(kind, symbol, cid),
      executableUntil: () => this.http.serverNow() + this.http.recvWindow + 250,
      resendWhenAbsent: true,
    });
  }

  /** The order with this client id, or null when the venue says it does not exist (-2013). */
  private lookup(kind: OrderKind, symbol: string, cid: string): Promise<Order | null> {
    return this.queryOrder(kind, symbol, { clientOrderId: cid });
  }

  /** The order `ref` names in one order book (regular or algo), or null when Binance has none. */
  private queryOrder(
    kind: OrderKind,
    symbol: string,
    ref: { venueOrderId?: string; clientOrderId?: string },
  ): Promise<Order | null> {
    if (kind === 'algo') {
      const params: Params =
        ref.venueOrderId !== undefined ? { algoId: ref.venueOrderId } : { clientAlgoId: ref.clientOrderId };
      return nullIfNotFound(this.signedGet<BinanceAlgoOrder>(ALGO_PATH, params).then(parseAlgoOrder));
    }
    const params: Params =
      ref.venueOrderId !== undefined
        ? { symbol, orderId: ref.venueOrderId }
        : { symbol, origClientOrderId: ref.clientOrderId };
    return nullIfNotFound(this.signedGet<BinanceOrder>(ORDER_PATH, params).then(parseOrder));
  }
}

/**
 * Binance's positionSide (and whether to send reduceOnly) for an order in a given account mode.
 * One-way: always BOTH; a request naming a hedge leg maps onto it (selling the long leg = reducing).
 * Hedge: LONG/SHORT and never reduceOnly (Binance refuses it there); `net` is ambiguous in hedge
 * mode (open the other leg, or reduce this one?) and is refused before sending.
 */
export function mapPositionSide(
  mode: PositionMode,
  side: OrderSide,
  positionSide: PositionSide | undefined,
  reduceOnly: boolean,
): { positionSide: 'BOTH' | 'LONG' | 'SHORT'; reduceOnly: boolean } {
  const requested = positionSide ?? 'net';
  if (mode === 'one_way') {
    if (requested === 'net') return { positionSide: 'BOTH', reduceOnly };
    return { positionSide: 'BOTH', reduceOnly: reduceOnly || closesLeg(side, requested) };
  }
  if (requested === 'net') {
    throw ExchangeErrors.create('POSITION_SIDE_MISMATCH', {
      message: 'The Binance account is in hedge mode: the order must name the long or short position',
      details: { venue: 'binance', positionMode: mode },
    });
  }
  return { positionSide: fromPositionSide(requested), reduceOnly: false };
}

/**
 * The stream origin beside a REST base URL that is not Binance's own host (a simulator or a local
 * gateway serves both on one origin): `http://127.0.0.1:8080` → `ws://127.0.0.1:8080`.
 */
export function streamUrlBeside(baseUrl: string | undefined): string | undefined {
  if (baseUrl === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return undefined;
  }
  if (/(^|\.)binance(future)?\.com$/.test(url.hostname)) return undefined;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}`;
}

function venueCode(error: unknown): number | undefined {
  if (!ExchangeErrors.is(error)) return undefined;
  const code = error.details?.venueCode;
  return typeof code === 'number' ? code : undefined;
}
