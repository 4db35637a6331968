import Decimal from 'decimal.js';
import { ExchangeErrors } from '../errors.ts';
import { clientOrderId } from '../client-order-id.ts';
import { checkLeverage, checkMinNotional, prepareOrderPrice, prepareOrderQty } from '../instrument.ts';
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
import { BYBIT_VENUE } from './errors.ts';
import { BybitHttp } from './http.ts';
import {
  parseInstrument,
  parseKlines,
  parseOrder,
  parsePosition,
  toBybitInterval,
  type BybitInstrument,
  type BybitOrder,
  type BybitPosition,
  type BybitWallet,
} from './parse.ts';
import type { BybitQuery } from './signing.ts';
import type {
  AccountStream,
  FundingPayment,
  MarketStream,
  StreamingVenue,
  VenueFill,
} from '../stream/types.ts';
import {
  BYBIT_WS_URLS,
  BybitAccountStream,
  BybitMarketStream,
  bybitStreamUrlsBeside,
  type BybitStreamHost,
  type BybitStreamOptions,
} from './stream.ts';
import { fillFromExecution, fundingFromExecution, type BybitExecution } from './stream-parse.ts';

/** REST hosts (streams.md §3.1). */
export const BYBIT_REST_URLS = Object.freeze({
  live: 'https://api.bybit.com',
  testnet: 'https://api-testnet.bybit.com',
  demo: 'https://api-demo.bybit.com',
});

export type BybitLinearClientOptions = VenueClientOptions & {
  apiKey: string;
  apiSecret: string;
  /** Bybit's testnet (`api-testnet.bybit.com`). */
  testnet?: boolean;
  /** Demo trading on mainnet (`api-demo.bybit.com`); wins over `testnet`. */
  demo?: boolean;
  /** `X-BAPI-RECV-WINDOW` in ms (default 5000). */
  recvWindow?: number;
  /**
   * WebSocket URLs (private, public linear). Default: beside a non-Bybit `baseUrl` (a simulator serves
   * both on one origin), else the network's stream hosts.
   */
  streamUrls?: { private: string; public: string };
};

type List<T> = { list: T[]; nextPageCursor?: string; category?: string };

const CATEGORY = 'linear';
const SETTLE = 'USDT';
const KLINE_LIMIT = 1000;

/**
 * Bybit V5 USDT perpetuals (`category=linear`, e.g. `BTCUSDT`) through the REST API, implementing
 * the exchange-neutral `Exchange` interface: quantities in base units (Bybit's own), decimal
 * strings, typed errors. Positions use `positionIdx` 0 (one-way) or 1 / 2 (hedge legs); stop-loss
 * and take-profit are conditional reduce-only market orders (`triggerPrice`, `closeOnTrigger`) in
 * the same order book. Placement is idempotent per key: `orderLinkId` is derived from it, and an
 * uncertain outcome is resolved by looking the order up by it (`OrderSubmitter`): a request older
 * than its timestamp + recvWindow can no longer execute, so an order still absent then is sent once
 * more.
 */
export class BybitLinearClient implements Exchange, StreamingVenue {
  readonly id = 'bybit' as const;
  readonly baseUrl: string;
  readonly streamUrls: { private: string; public: string };
  private readonly credentials: { apiKey: string; apiSecret: string };
  private readonly http: BybitHttp;
  private readonly venue: VenueClientState;

  constructor(options: BybitLinearClientOptions) {
    if (typeof options.apiKey !== 'string' || typeof options.apiSecret !== 'string') {
      throw ExchangeErrors.create('INVALID_REQUEST', { message: 'Bybit client needs apiKey and apiSecret' });
    }
    this.baseUrl =
      options.baseUrl ??
      (options.demo === true
        ? BYBIT_REST_URLS.demo
        : options.testnet === true
          ? BYBIT_REST_URLS.testnet
          : BYBIT_REST_URLS.live);
    this.streamUrls =
      options.streamUrls ??
      bybitStreamUrlsBeside(options.baseUrl) ??
      (options.demo === true
        ? BYBIT_WS_URLS.demo
        : options.testnet === true
          ? BYBIT_WS_URLS.testnet
          : BYBIT_WS_URLS.live);
    this.credentials = { apiKey: options.apiKey, apiSecret: options.apiSecret };
    const now = options.now ?? Date.now;
    this.http = new BybitHttp({
      ...transportOptions(options, this.baseUrl, now),
      apiKey: options.apiKey,
      apiSecret: options.apiSecret,
      recvWindow: options.recvWindow ?? 5000,
    });
    this.venue = venueClientState(options, {
      venue: BYBIT_VENUE,
      clock: this.http,
      now,
      loadInstruments: () => this.loadInstruments(),
      readPositionMode: () => this.readPositionMode(),
    });
  }

  /** The HTTP layer (time offset), for diagnostics. */
  get transport(): BybitHttp {
    return this.http;
  }

  // ── Market data ────────────────────────────────────────────────────────────────────────────

  async serverTime(): Promise<number> {
    const result = await this.publicGet<{ timeNano: string }>('/v5/market/time');
    return Number(BigInt(result.timeNano) / 1_000_000n);
  }

  async instruments(): Promise<Instrument[]> {
    return [...(await this.venue.instruments.map()).values()];
  }

  async instrument(venueSymbol: string): Promise<Instrument> {
    const { found } = await this.venue.instruments.find(venueSymbol.trim().toUpperCase());
    if (found === undefined) {
      throw ExchangeErrors.create('UNKNOWN_SYMBOL', {
        message: `Bybit has no trading USDT perpetual "${venueSymbol}"`,
        details: { venue: 'bybit', venueSymbol },
      });
    }
    return found;
  }

  /** The trading linear perpetuals of `/v5/market/instruments-info`, paged by cursor. */
  private async loadInstruments(): Promise<Map<string, Instrument>> {
    const bySymbol = new Map<string, Instrument>();
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const result = await this.publicGet<List<BybitInstrument>>('/v5/market/instruments-info', {
        category: CATEGORY,
        limit: 1000,
        cursor,
      });
      for (const row of result.list) {
        if (row.status !== 'Trading') continue;
        if (row.contractType !== undefined && row.contractType !== 'LinearPerpetual') continue;
        bySymbol.set(row.symbol, parseInstrument(row));
      }
      cursor = result.nextPageCursor;
      if (cursor === undefined || cursor === '' || result.list.length === 0) break;
    }
    return bySymbol;
  }

  async ticker(venueSymbol: string): Promise<Ticker> {
    const symbol = (await this.instrument(venueSymbol)).venueSymbol;
    const result = await this.publicGet<List<{ symbol: string; lastPrice: string }>>('/v5/market/tickers', {
      category: CATEGORY,
      symbol,
    });
    const row = result.list[0];
    if (row === undefined) {
      throw ExchangeErrors.create('EXCHANGE_ERROR', {
        message: `Bybit returned no ticker for ${symbol}`,
        details: { venue: 'bybit', symbol },
      });
    }
    return {
      venueSymbol: row.symbol,
      price: new Decimal(row.lastPrice).toFixed(),
      time: this.http.serverNow(),
    };
  }

  /** Candles oldest first (Bybit sends them newest first), `start` / `end` inclusive. */
  async klines(query: KlineQuery): Promise<Kline[]> {
    const interval = toBybitInterval(query.timeframe);
    if (interval === undefined) {
      throw ExchangeErrors.create('INVALID_REQUEST', {
        message: `Bybit has no kline interval "${query.timeframe}"`,
        details: { venue: 'bybit', timeframe: query.timeframe },
      });
    }
    if (
      query.limit !== undefined &&
      (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > KLINE_LIMIT)
    ) {
      throw ExchangeErrors.create('INVALID_REQUEST', {
        message: `Bybit kline limit must be an integer in 1..${KLINE_LIMIT}`,
      });
    }
    const rows = await this.fetchKlines(query.venueSymbol.trim().toUpperCase(), interval, query);
    return parseKlines(rows, query.timeframe, this.http.serverNow());
  }

  /** One page of raw kline rows, newest first as Bybit sends them. */
  async fetchKlines(
    symbol: string,
    interval: string,
    page: { startTime?: number | undefined; endTime?: number | undefined; limit?: number | undefined },
  ): Promise<unknown[]> {
    const result = await this.publicGet<List<unknown>>('/v5/market/kline', {
      category: CATEGORY,
      symbol,
      interval,
      start: page.startTime,
      end: page.endTime,
      limit: page.limit,
    });
    return result.list;
  }

  // ── Account ────────────────────────────────────────────────────────────────────────────────

  /** The unified account's coin: equity as total, the account's available balance as available. */
  async balance(asset = 'USDT'): Promise<Balance> {
    const result = await this.signedGet<List<BybitWallet>>('/v5/account/wallet-balance', {
      accountType: 'UNIFIED',
      coin: asset,
    });
    const account = result.list[0];
    const coin = account?.coin.find((c) => c.coin === asset);
    if (coin === undefined) return { asset, total: '0', available: '0', unrealizedPnl: '0' };
    const d = (v: string | undefined) => new Decimal(v === undefined || v === '' ? '0' : v);
    const available =
      account?.totalAvailableBalance !== undefined && account.totalAvailableBalance !== ''
        ? d(account.totalAvailableBalance)
        : d(coin.walletBalance)
            .minus(d(coin.totalPositionIM))
            .minus(d(coin.totalOrderIM))
            .minus(d(coin.locked));
    return {
      asset,
      total: d(coin.equity).toFixed(),
      available: Decimal.max(0, Decimal.min(available, d(coin.equity))).toFixed(),
      unrealizedPnl: d(coin.unrealisedPnl).toFixed(),
    };
  }

  async positions(venueSymbol?: string): Promise<Position[]> {
    const symbol = venueSymbol === undefined ? undefined : (await this.instrument(venueSymbol)).venueSymbol;
    const rows = await this.positionRows(symbol);
    return rows.filter((r) => !new Decimal(r.size || '0').isZero()).map(parsePosition);
  }

  private async positionRows(symbol: string | undefined): Promise<BybitPosition[]> {
    const out: BybitPosition[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const result = await this.signedGet<List<BybitPosition>>('/v5/position/list', {
        category: CATEGORY,
        ...(symbol !== undefined ? { symbol } : { settleCoin: SETTLE }),
        limit: 200,
        cursor,
      });
      out.push(...result.list);
      cursor = result.nextPageCursor;
      if (cursor === undefined || cursor === '' || result.list.length === 0) break;
    }
    return out;
  }

  /** One-way or hedge, from the `positionIdx` of the position rows, cached. */
  positionMode(): Promise<PositionMode> {
    return this.venue.positionMode.get();
  }

  /**
   * Bybit has no "read position mode" call: a symbol's position rows (listed even when flat) carry
   * positionIdx 0 in one-way mode and 1 / 2 in hedge mode. The mode is set per coin (USDT), so the
   * first listed instrument's rows tell it.
   */
  private async readPositionMode(): Promise<PositionMode> {
    const first = (await this.instruments()).find((i) => i.quote === SETTLE) ?? (await this.instruments())[0];
    const rows = await this.positionRows(first?.venueSymbol);
    return rows.some((r) => r.positionIdx === 1 || r.positionIdx === 2) ? 'hedge' : 'one_way';
  }

  /** Forgets the cached position mode (the next call reads it again). */
  invalidatePositionMode(): void {
    this.venue.positionMode.invalidate();
  }

  /** `POST /v5/position/switch-mode` for the USDT perpetuals (mode 0 one-way, 3 hedge); 110025 = already. */
  async setPositionMode(mode: PositionMode): Promise<void> {
    try {
      await this.signedPost('/v5/position/switch-mode', {
        category: CATEGORY,
        coin: SETTLE,
        mode: mode === 'hedge' ? 3 : 0,
      });
    } catch (error) {
      if (venueCode(error) !== 110025) throw error;
    }
    this.venue.positionMode.set(mode);
  }

  /**
   * Both sides' leverage of a symbol; 110043 (not modified) is success. A unified account sets
   * its margin mode account-wide, so only cross is taken here.
   */
  async setLeverage(
    venueSymbol: string,
    leverage: number,
    marginMode?: MarginMode,
  ): Promise<{ leverage: number }> {
    const instrument = await this.instrument(venueSymbol);
    checkLeverage(instrument, leverage, 'bybit');
    refuseIsolated(marginMode);
    try {
      await this.signedPost('/v5/position/set-leverage', {
        category: CATEGORY,
        symbol: instrument.venueSymbol,
        buyLeverage: String(leverage),
        sellLeverage: String(leverage),
      });
    } catch (error) {
      if (venueCode(error) !== 110043) throw error;
    }
    return { leverage };
  }

  // ── Orders ─────────────────────────────────────────────────────────────────────────────────

  async placeOrder(request: PlaceOrderRequest): Promise<Order> {
    const instrument = await this.instrument(request.venueSymbol);
    const qty = prepareOrderQty(instrument, request.qty, { market: request.type === 'market' });
    const price = limitPrice(instrument, request);
    refuseIsolated(request.marginMode);
    if (request.reduceOnly !== true && !closesLeg(request.side, request.positionSide)) {
      const reference = price ?? request.referencePrice ?? (await this.ticker(instrument.venueSymbol)).price;
      checkMinNotional(instrument, qty, reference);
    }
    const cid = clientOrderId(request.idempotencyKey, 'bybit');
    const build = (mode: PositionMode): Record<string, unknown> => {
      const idx = mapPositionIdx(mode, request.side, request.positionSide, request.reduceOnly === true);
      return {
        category: CATEGORY,
        symbol: instrument.venueSymbol,
        side: request.side === 'buy' ? 'Buy' : 'Sell',
        orderType: request.type === 'limit' ? 'Limit' : 'Market',
        qty,
        ...(price !== undefined ? { price, timeInForce: 'GTC' } : {}),
        positionIdx: idx.positionIdx,
        ...(idx.reduceOnly ? { reduceOnly: true } : {}),
        orderLinkId: cid,
      };
    };
    const order = await this.venue.positionMode.withMode((mode) =>
      this.submit(instrument.venueSymbol, cid, build(mode)),
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

  /**
   * A conditional reduce-only market order (`triggerPrice`, `triggerDirection` 1 = rises to,
   * 2 = falls to, `triggerBy` MarkPrice, `closeOnTrigger`). Without `qty` it is sized to the
   * position it closes as it stands now.
   */
  async placeConditional(request: ConditionalOrderRequest, role?: string): Promise<Order> {
    const instrument = await this.instrument(request.venueSymbol);
    const triggerPrice = prepareOrderPrice(instrument, request.triggerPrice);
    refuseIsolated(request.marginMode);
    const cid = clientOrderId(request.idempotencyKey, 'bybit', role);
    const falls = (request.kind === 'stop_loss') === (request.side === 'sell');
    const qty =
      request.qty !== undefined
        ? prepareOrderQty(instrument, request.qty, { market: true })
        : await this.sizeOfClosedPosition(instrument, request.side, request.positionSide);
    if (qty === undefined) {
      // Placed before (this key) and the position since closed: report that order.
      const earlier = await this.lookup(instrument.venueSymbol, cid);
      if (earlier !== null) return earlier;
      throw ExchangeErrors.create('NO_POSITION', {
        message: `There is no ${request.side === 'sell' ? 'long' : 'short'} position on ${instrument.venueSymbol} to protect`,
        details: { venue: 'bybit', venueSymbol: instrument.venueSymbol },
      });
    }
    const build = (mode: PositionMode): Record<string, unknown> => {
      const leg =
        request.positionSide ?? (mode === 'hedge' ? (request.side === 'sell' ? 'long' : 'short') : 'net');
      const idx = mapPositionIdx(mode, request.side, leg, true);
      return {
        category: CATEGORY,
        symbol: instrument.venueSymbol,
        side: request.side === 'buy' ? 'Buy' : 'Sell',
        orderType: 'Market',
        qty,
        triggerPrice,
        triggerDirection: falls ? 2 : 1,
        triggerBy: 'MarkPrice',
        positionIdx: idx.positionIdx,
        reduceOnly: true,
        closeOnTrigger: true,
        orderLinkId: cid,
      };
    };
    return this.venue.positionMode.withMode((mode) => this.submit(instrument.venueSymbol, cid, build(mode)));
  }

  /**
   * Not placed on Bybit yet: Bybit's trailing stop is an attribute of the position
   * (`POST /v5/position/trading-stop` `trailingStop`, a price distance, with `activePrice`), without a
   * client id, where the interface places an order with a percent callback. TRAILING_STOP_UNSUPPORTED
   * before anything is sent, so the executor says so instead of guessing.
   */
  placeTrailingStop(_request: TrailingStopRequest): Promise<Order> {
    return Promise.reject(
      ExchangeErrors.create('TRAILING_STOP_UNSUPPORTED', {
        message: 'Trailing stops are not placed on bybit yet',
        details: { venue: 'bybit' },
      }),
    );
  }

  /** SL and TP as two conditional orders (`…sl`, `…tp` order link ids). */
  async placeProtection(request: ProtectionRequest): Promise<Order[]> {
    if (request.stopLoss === undefined && request.takeProfit === undefined) {
      throw ExchangeErrors.create('INVALID_REQUEST', {
        message: 'Protection needs a stop-loss, a take-profit or both',
      });
    }
    const side: OrderSide = request.positionSide === 'long' ? 'sell' : 'buy';
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
            positionSide: request.positionSide,
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

  /** The size of the position an order on `closingSide` closes (a sell closes a long), or undefined when flat. */
  private async sizeOfClosedPosition(
    instrument: Instrument,
    closingSide: OrderSide,
    positionSide: PositionSide | undefined,
  ): Promise<string | undefined> {
    const rows = await this.positions(instrument.venueSymbol);
    const row = rows.find(
      (p) =>
        (positionSide === undefined ||
          positionSide === 'net' ||
          p.side === positionSide ||
          p.side === 'net') &&
        (closingSide === 'sell' ? new Decimal(p.qty).isPositive() : new Decimal(p.qty).isNegative()),
    );
    return row === undefined ? undefined : new Decimal(row.qty).abs().toFixed();
  }

  /** A reduce-only market order for the whole position; null when flat (or this key's earlier close). */
  async closePosition(
    venueSymbol: string,
    positionSide: PositionSide,
    idempotencyKey: string,
  ): Promise<Order | null> {
    const instrument = await this.instrument(venueSymbol);
    const mode = await this.positionMode();
    const row = positionToClose(await this.positions(instrument.venueSymbol), mode, positionSide);
    if (row === undefined) return this.lookup(instrument.venueSymbol, clientOrderId(idempotencyKey, 'bybit'));
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

  /** Regular and conditional orders share one book on Bybit: one cancel call for either. */
  async cancelOrder(venueSymbol: string, ref: OrderRef): Promise<void> {
    requireOrderRef(ref);
    const symbol = (await this.instrument(venueSymbol)).venueSymbol;
    await cancelByRef(
      false,
      async () => {
        await this.signedPost('/v5/order/cancel', {
          category: CATEGORY,
          symbol,
          ...(ref.venueOrderId !== undefined
            ? { orderId: ref.venueOrderId }
            : { orderLinkId: ref.clientOrderId }),
        });
      },
      async () => (await this.queryOrder(symbol, ref))?.status === 'canceled',
    );
  }

  /** `POST /v5/order/cancel-all` for the regular and then the conditional orders of a symbol. */
  async cancelAllOrders(venueSymbol: string): Promise<void> {
    const symbol = (await this.instrument(venueSymbol)).venueSymbol;
    for (const orderFilter of ['Order', 'StopOrder']) {
      await this.signedPost('/v5/order/cancel-all', { category: CATEGORY, symbol, orderFilter }, true);
    }
  }

  async openOrders(venueSymbol?: string): Promise<Order[]> {
    const symbol = venueSymbol === undefined ? undefined : (await this.instrument(venueSymbol)).venueSymbol;
    const out: Order[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const result = await this.signedGet<List<BybitOrder>>('/v5/order/realtime', {
        category: CATEGORY,
        ...(symbol !== undefined ? { symbol } : { settleCoin: SETTLE }),
        limit: 50,
        cursor,
      });
      out.push(...result.list.map(parseOrder));
      cursor = result.nextPageCursor;
      if (cursor === undefined || cursor === '' || result.list.length === 0) break;
    }
    return out;
  }

  async orderByIdempotencyKey(venueSymbol: string, idempotencyKey: string): Promise<Order | null> {
    const symbol = (await this.instrument(venueSymbol)).venueSymbol;
    return this.lookup(symbol, clientOrderId(idempotencyKey, 'bybit'));
  }

  // ── Streams and history (AccountHistory / StreamingVenue) ─────────────────────────────────

  /** The private stream: orders, executions, positions and the wallet as they happen (stream.ts). */
  accountStream(options?: BybitStreamOptions): AccountStream {
    return new BybitAccountStream(this.streamHost(), options);
  }

  /** Mark prices (`tickers.<symbol>`) and candles (`kline.<interval>.<symbol>`). */
  marketStream(options?: BybitStreamOptions): MarketStream {
    return new BybitMarketStream({ urls: this.streamUrls }, options);
  }

  private streamHost(): BybitStreamHost {
    return {
      urls: this.streamUrls,
      credentials: this.credentials,
      serverNow: () => this.http.serverNow(),
      orderById: (symbol, orderId) => this.queryOrder(symbol, { venueOrderId: orderId }),
    };
  }

  /**
   * Executions since `since`, oldest first: `GET /v5/execution/list` (newest first, paged by
   * cursor, a 7-day window per call). A conditional's fill asks its order once whether it was a
   * stop-loss or a take-profit.
   */
  async fillsSince(query: { since: number; venueSymbol?: string; limit?: number }): Promise<VenueFill[]> {
    const rows = (await this.executions(query.since, query.venueSymbol, 'Trade')).filter(
      (r) => r.execType !== 'Funding',
    );
    const orders = new Map<string, Order | null>();
    const out: VenueFill[] = [];
    for (const row of rows.slice(0, query.limit ?? 1000)) {
      let order: Order | null | undefined;
      if (row.stopOrderType !== undefined && row.stopOrderType !== '' && row.stopOrderType !== 'UNKNOWN') {
        if (!orders.has(row.orderId)) {
          orders.set(
            row.orderId,
            await this.queryOrder(row.symbol, { venueOrderId: row.orderId }).catch(() => null),
          );
        }
        order = orders.get(row.orderId);
      }
      out.push(fillFromExecution(row, order ?? undefined));
    }
    return out;
  }

  /** Funding payments since `since` (`execType=Funding` executions), oldest first. */
  async fundingSince(query: {
    since: number;
    venueSymbol?: string;
    limit?: number;
  }): Promise<FundingPayment[]> {
    const rows = await this.executions(query.since, query.venueSymbol, 'Funding');
    return rows.slice(0, query.limit ?? 1000).map(fundingFromExecution);
  }

  private async executions(
    since: number,
    venueSymbol: string | undefined,
    execType: string,
  ): Promise<BybitExecution[]> {
    const symbol = venueSymbol === undefined ? undefined : (await this.instrument(venueSymbol)).venueSymbol;
    const out: BybitExecution[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const result = await this.signedGet<List<BybitExecution>>('/v5/execution/list', {
        category: CATEGORY,
        ...(symbol !== undefined ? { symbol } : {}),
        startTime: since,
        execType,
        limit: 100,
        cursor,
      });
      out.push(...result.list);
      cursor = result.nextPageCursor;
      if (cursor === undefined || cursor === '' || result.list.length === 0) break;
    }
    return out
      .filter((r) => Number(r.execTime) >= since)
      .sort((a, b) => Number(a.execTime) - Number(b.execTime));
  }

  // ── Internals ──────────────────────────────────────────────────────────────────────────────

  private publicGet<T>(path: string, query: BybitQuery = {}): Promise<T> {
    return this.http.request<T>({ method: 'GET', path, query, signed: false, safe: true });
  }

  private signedGet<T>(path: string, query: BybitQuery = {}): Promise<T> {
    return this.http.request<T>({ method: 'GET', path, query, signed: true, safe: true });
  }

  private signedPost<T>(path: string, body: Record<string, unknown>, safe = false): Promise<T> {
    return this.http.request<T>({ method: 'POST', path, body, signed: true, safe });
  }

  /**
   * Sends a placement through the shared idempotent protocol (`OrderSubmitter`). Bybit refuses a
   * request once its clock is past `X-BAPI-TIMESTAMP` + recvWindow (10002): past that (plus a
   * margin) an order still absent is sent once more.
   */
  private submit(symbol: string, cid: string, body: Record<string, unknown>): Promise<Order> {
    const sent: { timestamp?: number } = {};
    return this.venue.submitter.submit({
      clientOrderId: cid,
      venueSymbol: symbol,
      kind: 'order',
      send: async () => {
        const ack = await this.http.request<{ orderId?: string; orderLinkId?: string }>({
          method: 'POST',
          path: '/v5/order/create',
          body,
          signed: true,
          safe: false,
          sent,
        });
        return this.afterAccept(symbol, cid, ack, body);
      },
      lookup: () => this.lookup(symbol, cid),
      executableUntil: () => (sent.timestamp ?? this.http.serverNow()) + this.http.recvWindow + 250,
      resendWhenAbsent: true,
    });
  }

  /** The placed order as the venue now reports it (creation is asynchronous: else the acknowledgement). */
  private async afterAccept(
    symbol: string,
    cid: string,
    ack: { orderId?: string; orderLinkId?: string },
    body: Record<string, unknown>,
  ): Promise<Order> {
    try {
      const found = await this.queryOrder(
        symbol,
        ack.orderId !== undefined && ack.orderId !== ''
          ? { venueOrderId: ack.orderId }
          : { clientOrderId: cid },
      );
      if (found !== null) return found;
    } catch {
      // Accepted, but not readable yet: report what the acknowledgement says.
    }
    const trigger = body.triggerPrice !== undefined;
    return parseOrder({
      orderId: ack.orderId ?? '',
      orderLinkId: cid,
      symbol,
      side: String(body.side),
      orderType: String(body.orderType),
      ...(typeof body.price === 'string' ? { price: body.price } : {}),
      qty: String(body.qty),
      cumExecQty: '0',
      orderStatus: trigger ? 'Untriggered' : 'New',
      positionIdx: Number(body.positionIdx ?? 0),
      reduceOnly: body.reduceOnly === true,
      ...(trigger
        ? { triggerPrice: String(body.triggerPrice), triggerDirection: Number(body.triggerDirection) }
        : {}),
    });
  }

  /** The order with this link id: open (realtime) or recently closed (history); null when none. */
  private async lookup(symbol: string, cid: string): Promise<Order | null> {
    return this.queryOrder(symbol, { clientOrderId: cid });
  }

  private async queryOrder(
    symbol: string,
    ref: { venueOrderId?: string; clientOrderId?: string },
  ): Promise<Order | null> {
    const query: BybitQuery = {
      category: CATEGORY,
      symbol,
      ...(ref.venueOrderId !== undefined
        ? { orderId: ref.venueOrderId }
        : { orderLinkId: ref.clientOrderId }),
    };
    return nullIfNotFound(
      (async () => {
        for (const path of ['/v5/order/realtime', '/v5/order/history']) {
          const result = await this.signedGet<List<BybitOrder>>(path, query);
          const row = result.list[0];
          if (row !== undefined) return parseOrder(row);
        }
        return null;
      })(),
    );
  }
}

/**
 * Bybit's positionIdx (and whether to send reduceOnly) for an order in a given position mode.
 * One-way: 0; a request naming a leg maps onto it (selling the long = reducing). Hedge: 1 (long
 * leg) or 2 (short leg); `net` is ambiguous there and refused before sending, and a reduce-only
 * order that would open its leg is refused too.
 */
export function mapPositionIdx(
  mode: PositionMode,
  side: OrderSide,
  positionSide: PositionSide | undefined,
  reduceOnly: boolean,
): { positionIdx: 0 | 1 | 2; reduceOnly: boolean } {
  const requested = positionSide ?? 'net';
  if (mode === 'one_way') {
    if (requested === 'net') return { positionIdx: 0, reduceOnly };
    return { positionIdx: 0, reduceOnly: reduceOnly || closesLeg(side, requested) };
  }
  if (requested === 'net') {
    throw ExchangeErrors.create('POSITION_SIDE_MISMATCH', {
      message: 'The Bybit account is in hedge mode: the order must name the long or short position',
      details: { venue: 'bybit', positionMode: mode },
    });
  }
  const closes = closesLeg(side, requested);
  if (reduceOnly && !closes) {
    throw ExchangeErrors.create('REDUCE_ONLY_REJECTED', {
      message: `A ${side} on the ${requested} leg opens it; it cannot be reduce-only`,
      details: { venue: 'bybit', positionMode: mode, side, positionSide: requested },
    });
  }
  return { positionIdx: requested === 'long' ? 1 : 2, reduceOnly: closes };
}

function refuseIsolated(marginMode: MarginMode | undefined): void {
  if (marginMode === 'isolated') {
    throw ExchangeErrors.create('INVALID_REQUEST', {
      message:
        'Bybit unified accounts set the margin mode for the whole account (in Bybit); this client trades cross margin',
      details: { venue: 'bybit', marginMode },
    });
  }
}

function venueCode(error: unknown): number | undefined {
  if (!ExchangeErrors.is(error)) return undefined;
  const code = error.details?.venueCode;
  return typeof code === 'number' ? code : undefined;
}
