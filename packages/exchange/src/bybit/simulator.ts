import Decimal from 'decimal.js';
import { isAppError } from '@tradingbot/core';
import type { Instrument, Order, OrderSide, OrderType, PositionSide } from '../types.ts';
import type { PaperRejectReason } from '../paper/index.ts';
import type { FaultMatch, FaultQueue } from '../sim/faults.ts';
import {
  SimulatorDialect,
  serveDialect,
  type RunningWireSimulator,
  type SharedFaultKind,
  type WireReply,
  type WireRequest,
  type WireRequestLog,
  type WireSimulatorOptions,
} from '../sim/pipeline.ts';
import { freshPaperVenue, servedCandles, syntheticCandle, type Candle } from '../sim/candles.ts';
import { decimals, safeEqual, WIRE_DECIMAL } from '../sim/wire.ts';
import { bybitSign } from './signing.ts';
import { bybitIntervalMs } from './parse.ts';
import { BybitSimStreams } from './sim-streams.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * A wire-compatible Bybit V5 server (the `category=linear` subset this project uses) backed by the
 * in-process paper venue: the Bybit dialect of the shared simulator pipeline (`../sim/pipeline.ts`).
 * It speaks the real protocol — same paths, GET query strings and POST JSON bodies, the
 * `{retCode, retMsg, result, retExtInfo, time}` envelope (refusals are HTTP 200 with a non-zero
 * retCode), `X-BAPI-*` HMAC signatures checked over the raw query or body bytes with the
 * `server − recvWindow ≤ timestamp < server + 1000` window, per-endpoint per-second rate limits
 * answered with 10006 and the `X-Bapi-Limit-*` headers, positionIdx 0 / 1 / 2, conditional orders
 * by `triggerPrice` + `triggerDirection` — so our client and ccxt pointed at its URL work
 * unchanged. Matching, margins and triggers are the paper venue's; this file only translates.
 * Faults (latency, HTTP errors, 10006, 10016 "unknown", dropped connections, delayed answers) are
 * injectable through `/__sim/faults`; `/__sim/price` and `/__sim/position-mode` drive the venue.
 */

export type BybitFaultKind =
  | SharedFaultKind
  /** Answer `status` (default 200) with `retCode` / `retMsg` without executing. */
  | 'http_error'
  /** 10006 "Too many visits!" with the limit headers (or HTTP 403 for the per-IP limit). */
  | 'rate_limit'
  /** 10016 "Internal System Error." — with `execute: true` the request is executed first. */
  | 'unknown_result';

export type BybitFaultRule = FaultMatch & {
  kind: BybitFaultKind;
  status?: number;
  code?: number;
  msg?: string;
};

type BybitCodes = { retCode?: number };
export type BybitSimRequestLog = WireRequestLog & BybitCodes;
export type BybitSimFaults = FaultQueue<BybitFaultRule>;

export type BybitSimulatorOptions = WireSimulatorOptions<BybitFaultRule> & {
  /**
   * Requests per second per endpoint (the per-UID limit; Bybit's defaults: order create / cancel
   * 10, queries 50). `false` turns the limit off.
   */
  rateLimits?: false | { order?: number; query?: number };
};

export type BybitSimulator = RunningWireSimulator<BybitFaultRule, BybitSimRequestLog>;

/** Starting prices of a fresh venue, so market orders work at once. */
export const BYBIT_SIM_DEFAULT_PRICES: Readonly<Record<string, string>> = Object.freeze({
  BTCUSDT: '50000',
  ETHUSDT: '3000',
  SOLUSDT: '150',
  XRPUSDT: '0.6',
  DOGEUSDT: '0.15',
});

class BybitError extends Error {
  constructor(
    readonly retCode: number,
    message: string,
    readonly status = 200,
  ) {
    super(message);
  }
}

const err = (code: number, msg: string, status = 200): BybitError => new BybitError(code, msg, status);
const params = (what: string): BybitError => err(10001, `params error: ${what}`);

const ORDER_LINK_ID = /^[0-9A-Za-z_-]{1,36}$/;
/** The fault path that matches conditional order placements only (see `createOrder`). */
export const CONDITIONAL_FAULT_PATH = '/v5/order/create#conditional';

/** The paper venue's rejection reasons as Bybit codes and messages (streams.md §3.3). */
function fromVenueError(error: unknown): BybitError {
  if (error instanceof BybitError) return error;
  if (!isAppError(error)) return err(10016, 'Internal System Error.');
  const reason = error.details?.reason as PaperRejectReason | undefined;
  switch (reason) {
    case 'insufficient_margin':
      return err(110007, 'ab not enough for new order');
    case 'reduce_only_would_increase':
    case 'reduce_only_no_position':
      return err(110017, 'current position is zero, cannot fix reduce-only order qty');
    case 'duplicate_client_order_id':
      return err(110072, 'OrderLinkedID is duplicate');
    case 'unknown_order':
      return err(110001, 'order not exists or too late to cancel');
    case 'position_side_mismatch_one_way':
    case 'position_side_mismatch_hedge':
    case 'close_position_wrong_side':
      return err(10001, 'position idx not match position mode');
    case 'would_immediately_trigger':
      return err(110092, 'expect Rising, but trigger_price is not higher than the current price');
    case 'position_mode_open_positions':
      return err(110024, 'You have an existing position, so position mode cannot be switched');
    case 'position_mode_open_orders':
      return err(110028, 'You have existing open orders, so position mode cannot be switched');
    case 'leverage_out_of_range':
      return err(10001, 'leverage invalid');
    case 'min_qty':
      return err(10001, 'The number of contracts exceeds minimum limit allowed');
    case 'max_qty':
      return err(10001, 'The number of contracts exceeds maximum limit allowed');
    case 'qty_precision':
    case 'qty_not_a_number':
    case 'qty_not_positive':
    case 'missing_qty':
      return err(10001, 'Qty invalid');
    case 'price_precision':
    case 'price_not_a_number':
    case 'price_not_positive':
    case 'missing_price':
      return err(10001, 'price invalid');
    case 'min_notional':
      return err(110094, 'Order does not meet minimum order value');
    case 'unknown_symbol':
      return err(10001, 'params error: symbol invalid');
    case 'no_price':
      return err(10016, 'Internal System Error.');
    default:
      return err(10001, `params error: ${error.message}`);
  }
}

type Params = Record<string, unknown>;
type Route = {
  signed: boolean;
  /** `order`: 10/s per UID by default; `query`: 50/s. */
  limit?: 'order' | 'query';
  handler: (this: BybitDialect, p: Params) => unknown;
};

function str(p: Params, name: string): string | undefined {
  const v = p[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw params(name);
}

function required(p: Params, name: string): string {
  const v = str(p, name);
  if (v === undefined) throw err(10001, `params error: ${name} is required`);
  return v;
}

function bool(p: Params, name: string): boolean {
  const v = p[name];
  if (v === undefined || v === null || v === '') return false;
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw params(name);
}

function decimalParam(p: Params, name: string): string | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  if (!WIRE_DECIMAL.test(v)) throw params(name);
  return v;
}

function intParam(p: Params, name: string): number | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  if (!/^\d{1,20}$/.test(v)) throw params(name);
  return Number(v);
}

/** Starts the simulator; resolves once it listens (port 0 = an ephemeral port; host 127.0.0.1). */
export function startBybitSimulator(options: BybitSimulatorOptions): Promise<BybitSimulator> {
  return serveDialect(new BybitDialect(options), options.port, options.host);
}

const ROUTES: Readonly<Record<string, Route>> = {
  'GET /v5/market/time': { signed: false, handler: BybitDialectHandlers('time') },
  'GET /v5/market/instruments-info': { signed: false, handler: BybitDialectHandlers('instrumentsInfo') },
  'GET /v5/market/tickers': { signed: false, handler: BybitDialectHandlers('tickers') },
  'GET /v5/market/kline': { signed: false, handler: BybitDialectHandlers('kline') },
  'GET /v5/account/wallet-balance': {
    signed: true,
    limit: 'query',
    handler: BybitDialectHandlers('walletBalance'),
  },
  'GET /v5/user/query-api': { signed: true, limit: 'query', handler: BybitDialectHandlers('queryApi') },
  'GET /v5/account/info': { signed: true, limit: 'query', handler: BybitDialectHandlers('accountInfo') },
  'GET /v5/position/list': { signed: true, limit: 'query', handler: BybitDialectHandlers('positionList') },
  'POST /v5/position/switch-mode': {
    signed: true,
    limit: 'order',
    handler: BybitDialectHandlers('switchMode'),
  },
  'POST /v5/position/set-leverage': {
    signed: true,
    limit: 'order',
    handler: BybitDialectHandlers('setLeverage'),
  },
  'POST /v5/order/create': { signed: true, limit: 'order', handler: BybitDialectHandlers('createOrder') },
  'POST /v5/order/cancel': { signed: true, limit: 'order', handler: BybitDialectHandlers('cancelOrder') },
  'POST /v5/order/cancel-all': { signed: true, limit: 'order', handler: BybitDialectHandlers('cancelAll') },
  'GET /v5/order/realtime': { signed: true, limit: 'query', handler: BybitDialectHandlers('realtime') },
  'GET /v5/order/history': { signed: true, limit: 'query', handler: BybitDialectHandlers('history') },
  'GET /v5/execution/list': { signed: true, limit: 'query', handler: BybitDialectHandlers('executionList') },
};

type HandlerName =
  | 'time'
  | 'instrumentsInfo'
  | 'tickers'
  | 'kline'
  | 'walletBalance'
  | 'queryApi'
  | 'accountInfo'
  | 'positionList'
  | 'switchMode'
  | 'setLeverage'
  | 'createOrder'
  | 'cancelOrder'
  | 'cancelAll'
  | 'realtime'
  | 'history'
  | 'executionList';

/** A route handler that calls the dialect's method of that name (routes are declared before the class). */
function BybitDialectHandlers(name: HandlerName): Route['handler'] {
  return function (this: BybitDialect, p: Params) {
    return this[name](p);
  };
}

class BybitDialect extends SimulatorDialect<BybitFaultRule, BybitCodes, Params, Route> {
  protected readonly routes = ROUTES;
  protected readonly apiKeyHeader = 'x-bapi-api-key';
  protected readonly answerKinds: readonly BybitFaultKind[] = ['http_error', 'rate_limit', 'unknown_result'];
  protected readonly unknownResultKind = 'unknown_result';
  /** orderLinkIds ever used (Bybit refuses a reused one: 110072). */
  private readonly usedLinkIds = new Set<string>();
  /** Requests per `path` in the current one-second window (the per-UID limit). */
  private readonly counts = new Map<string, { window: number; count: number }>();
  /** The limit headers of the request being answered. */
  private limitHeaders: Record<string, string> | undefined;

  /** Executions booked (`/v5/execution/list`), oldest first. */
  private readonly executions: Record<string, unknown>[] = [];
  /** The WebSocket side (`/v5/private`, `/v5/public/linear`), created once the instruments are known. */
  private streams: BybitSimStreams | undefined;

  constructor(private readonly options: BybitSimulatorOptions) {
    super(options, (now) => freshPaperVenue({ ...options, defaultPrices: BYBIT_SIM_DEFAULT_PRICES, now }));
  }

  override async loadInstruments(): Promise<void> {
    await super.loadInstruments();
    this.streams ??= new BybitSimStreams({
      apiKey: this.options.apiKey,
      apiSecret: this.options.apiSecret,
      venue: this.venue,
      serverTime: () => this.serverTime(),
      orderRow: (id) => {
        const order = this.venue.findOrder({ venueOrderId: id });
        return order === undefined ? undefined : this.orderJson(order);
      },
      positionRows: (symbol) =>
        (this.positionList({ category: 'linear', symbol }) as { list: Record<string, unknown>[] }).list,
      walletRow: () =>
        (this.walletBalance({ accountType: 'UNIFIED' }) as { list: Record<string, unknown>[] }).list[0] ?? {},
      tickerRow: (symbol) =>
        (this.tickers({ category: 'linear', symbol }) as { list: Record<string, unknown>[] }).list[0],
      recordExecution: (row) => this.executions.push(row),
    });
  }

  /** Every request may change the venue: the streams push what changed once it is handled. */
  override async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await super.handle(req, res);
    } finally {
      this.streams?.flush();
    }
  }

  override upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    if (this.streams === undefined) socket.destroy();
    else this.streams.upgrade(req, socket, head);
  }

  protected override streamControl(body: Record<string, unknown>): WireReply {
    return this.streams?.control(body) ?? { status: 503, body: { error: 'streams not ready' } };
  }

  override async closeStreams(): Promise<void> {
    await this.streams?.close();
  }

  // ── The dialect ────────────────────────────────────────────────────────────────────────────

  protected faultReply(rule: BybitFaultRule): WireReply {
    const now = this.serverTime();
    switch (rule.kind) {
      case 'rate_limit':
        if (rule.status === 403) return { status: 403, body: 'access too frequent' };
        return {
          status: 200,
          body: this.envelope(10006, 'Too many visits!', {}),
          headers: {
            'X-Bapi-Limit': '10',
            'X-Bapi-Limit-Status': '0',
            'X-Bapi-Limit-Reset-Timestamp': String(now + (rule.ms ?? 200)),
          },
        };
      case 'unknown_result':
        return { status: rule.status ?? 200, body: this.envelope(10016, 'Internal System Error.', {}) };
      default:
        return {
          status: rule.status ?? 200,
          body: this.envelope(rule.code ?? 10016, rule.msg ?? 'Internal System Error.', {}),
        };
    }
  }

  protected unrouted(_method: string, _path: string, pathServed: boolean): WireReply {
    return pathServed
      ? { status: 405, body: this.envelope(10001, 'method not allowed', {}) }
      : { status: 404, body: this.envelope(10017, 'route not found', {}) };
  }

  protected success(_route: Route, result: unknown): WireReply {
    return { status: 200, body: this.envelope(0, 'OK', result), ...this.takeLimitHeaders() };
  }

  protected failure(error: unknown): WireReply {
    const e = fromVenueError(error);
    return { status: e.status, body: this.envelope(e.retCode, e.message, {}), ...this.takeLimitHeaders() };
  }

  protected recordReply(log: BybitCodes, reply: WireReply): void {
    const body = reply.body as { retCode?: unknown } | undefined;
    if (typeof body?.retCode === 'number') log.retCode = body.retCode;
  }

  protected override controlHedge(body: Record<string, unknown>): boolean {
    return body.hedge === true || body.mode === 3 || body.mode === '3';
  }

  private envelope(retCode: number, retMsg: string, result: unknown): Record<string, unknown> {
    return { retCode, retMsg, result, retExtInfo: {}, time: this.serverTime() };
  }

  private takeLimitHeaders(): { headers?: Record<string, string> } {
    const headers = this.limitHeaders;
    this.limitHeaders = undefined;
    return headers === undefined ? {} : { headers };
  }

  /** The per-UID, per-endpoint limit in a rolling one-second window; 10006 beyond it. */
  protected override limitAccount(route: Route, request: WireRequest): void {
    const limits = this.options.rateLimits;
    if (limits === false || route.limit === undefined) return;
    const limit = route.limit === 'order' ? (limits?.order ?? 10) : (limits?.query ?? 50);
    const now = this.serverTime();
    const window = Math.floor(now / 1000);
    const entry = this.counts.get(request.path);
    const count = entry !== undefined && entry.window === window ? entry.count + 1 : 1;
    this.counts.set(request.path, { window, count });
    const limited = count > limit;
    this.limitHeaders = {
      'X-Bapi-Limit': String(limit),
      'X-Bapi-Limit-Status': String(Math.max(0, limit - count)),
      'X-Bapi-Limit-Reset-Timestamp': String(limited ? (window + 1) * 1000 : now),
    };
    if (limited) throw err(10006, 'Too many visits!');
  }

  /** Key, timestamp window and signature of a private endpoint, in Bybit's order. */
  protected authenticate(request: WireRequest): void {
    const headers = request.headers;
    const key = headers['x-bapi-api-key'] ?? '';
    const sign = headers['x-bapi-sign'] ?? '';
    const timestamp = headers['x-bapi-timestamp'] ?? '';
    const recvRaw = headers['x-bapi-recv-window'] ?? '5000';
    if (key === '' || key !== this.options.apiKey) throw err(10003, 'API key is invalid.');
    if (!/^\d{1,20}$/.test(timestamp) || !/^\d{1,10}$/.test(recvRaw)) {
      throw err(10002, 'invalid request, please check your server timestamp or recv_window param');
    }
    const server = this.serverTime();
    const ts = Number(timestamp);
    const recvWindow = Number(recvRaw);
    if (!(server - recvWindow <= ts && ts < server + 1000)) {
      throw err(
        10002,
        `invalid request, please check your server timestamp or recv_window param. req_timestamp[${ts}],server_timestamp[${server}],recv_window[${recvWindow}]`,
      );
    }
    const payload = request.method === 'POST' ? request.body : request.query;
    const expected = bybitSign(this.options.apiSecret, timestamp, key, recvRaw, payload);
    if (!safeEqual(sign.toLowerCase(), expected)) {
      throw err(10004, 'error sign! origin_string[' + `${timestamp}${key}${recvRaw}${payload}` + ']');
    }
  }

  /** Query parameters (GET) or the JSON body (POST). */
  protected parse(request: WireRequest): Params {
    const out: Params = {};
    if (request.method === 'POST') {
      if (request.body.trim() === '') return out;
      let body: unknown;
      try {
        body = JSON.parse(request.body);
      } catch {
        throw err(10001, 'request body is not valid JSON');
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw params('body');
      return body as Params;
    }
    for (const [k, v] of new URLSearchParams(request.query)) out[k] = v;
    return out;
  }

  // ── Helpers ───────────────────────────────────────────────────────────────────────────────

  private static linear(p: Params): void {
    const category = required(p, 'category');
    if (category !== 'linear') throw err(10001, `params error: category only support linear`);
  }

  private instrumentOf(symbol: string | undefined): Instrument {
    if (symbol === undefined) throw err(10001, 'params error: symbol is required');
    const found = this.instruments.find((i) => i.venueSymbol === symbol);
    if (found === undefined) throw err(10001, 'params error: symbol invalid');
    return found;
  }

  private hedge(): boolean {
    return this.venue.accountState().positionMode === 'hedge';
  }

  private priceOf(instrument: Instrument): string {
    const price = this.venue.priceOf(instrument.venueSymbol);
    if (price === undefined) throw err(10016, 'Internal System Error.');
    return new Decimal(price).toFixed(decimals(instrument.tickSize));
  }

  /** `positionIdx` as the account's mode allows it: 0 in one-way mode, 1 / 2 in hedge mode. */
  private positionSideOf(p: Params): PositionSide {
    const raw = str(p, 'positionIdx') ?? '0';
    if (raw !== '0' && raw !== '1' && raw !== '2') throw params('positionIdx');
    if (this.hedge() !== (raw !== '0')) throw err(10001, 'position idx not match position mode');
    return raw === '1' ? 'long' : raw === '2' ? 'short' : 'net';
  }

  // ── Market data ───────────────────────────────────────────────────────────────────────────

  time(): unknown {
    const now = this.serverTime();
    return { timeSecond: String(Math.floor(now / 1000)), timeNano: `${now}000000` };
  }

  instrumentsInfo(p: Params): unknown {
    const category = required(p, 'category');
    if (category !== 'linear') return { category, list: [], nextPageCursor: '' };
    const symbol = str(p, 'symbol');
    const list = (
      symbol === undefined ? this.instruments : this.instruments.filter((i) => i.venueSymbol === symbol)
    ).map((i) => ({
      symbol: i.venueSymbol,
      contractType: 'LinearPerpetual',
      status: 'Trading',
      baseCoin: i.base,
      quoteCoin: i.quote,
      settleCoin: i.quote,
      launchTime: '1585526400000',
      deliveryTime: '0',
      deliveryFeeRate: '',
      priceScale: String(decimals(i.tickSize)),
      leverageFilter: { minLeverage: '1', maxLeverage: `${i.maxLeverage}.00`, leverageStep: '0.01' },
      priceFilter: { minPrice: i.tickSize, maxPrice: '1999999.80', tickSize: i.tickSize },
      lotSizeFilter: {
        maxOrderQty: i.maxQty ?? '1190',
        minOrderQty: i.minQty,
        qtyStep: i.stepSize,
        postOnlyMaxOrderQty: i.maxQty ?? '1190',
        maxMktOrderQty: i.maxQty ?? '1190',
        minNotionalValue: i.minNotional,
      },
      unifiedMarginTrade: true,
      fundingInterval: 480,
      copyTrading: 'both',
      upperFundingRate: '0.005',
      lowerFundingRate: '-0.005',
      isPreListing: false,
      preListingInfo: null,
      riskParameters: { priceLimitRatioX: '0.01', priceLimitRatioY: '0.02' },
      displayName: '',
    }));
    return { category: 'linear', list, nextPageCursor: '' };
  }

  tickers(p: Params): unknown {
    const category = required(p, 'category');
    if (category !== 'linear') return { category, list: [] };
    const symbol = str(p, 'symbol');
    const list = (symbol === undefined ? this.instruments : [this.instrumentOf(symbol)])
      .filter((i) => this.venue.priceOf(i.venueSymbol) !== undefined)
      .map((i) => {
        const last = this.priceOf(i);
        return {
          symbol: i.venueSymbol,
          lastPrice: last,
          indexPrice: last,
          markPrice: last,
          prevPrice24h: last,
          price24hPcnt: '0',
          highPrice24h: last,
          lowPrice24h: last,
          prevPrice1h: last,
          openInterest: '0',
          openInterestValue: '0',
          turnover24h: '0',
          volume24h: '0',
          fundingRate: '0.0001',
          nextFundingTime: String(Math.ceil(this.serverTime() / 28_800_000) * 28_800_000),
          predictedDeliveryPrice: '',
          basisRate: '',
          deliveryFeeRate: '',
          deliveryTime: '0',
          ask1Size: '100',
          bid1Price: last,
          ask1Price: last,
          bid1Size: '100',
          basis: '',
        };
      });
    return { category: 'linear', list };
  }

  /**
   * `[startTime, open, high, low, close, volume, turnover]` newest first: the newest `limit`
   * (default 200, at most 1000) candles with start ≤ startTime ≤ end.
   */
  kline(p: Params): unknown {
    const category = str(p, 'category') ?? 'linear';
    if (category !== 'linear') throw err(10001, 'params error: category only support linear');
    const instrument = this.instrumentOf(required(p, 'symbol'));
    const interval = required(p, 'interval');
    const step = bybitIntervalMs(interval);
    if (
      step === undefined ||
      !['1', '3', '5', '15', '30', '60', '120', '240', '360', '720', 'D', 'W'].includes(interval)
    )
      throw err(10001, 'params error: Invalid period');
    const limit = intParam(p, 'limit') ?? 200;
    if (limit < 1 || limit > 1000) throw err(10001, 'params error: limit invalid');
    const now = this.serverTime();
    const start = intParam(p, 'start');
    const end = Math.min(intParam(p, 'end') ?? now, now);
    const rows = servedCandles(this.options.candles, instrument.venueSymbol, step, () =>
      this.synthesize(instrument, step, start, end, limit, now),
    );
    const places = decimals(instrument.tickSize);
    const list = rows
      .filter((c) => c.time <= end && (start === undefined || c.time >= start))
      .sort((a, b) => b.time - a.time)
      .slice(0, limit)
      .map((c) => [
        String(c.time),
        c.open.toFixed(places),
        c.high.toFixed(places),
        c.low.toFixed(places),
        c.close.toFixed(places),
        new Decimal(c.volume).toDecimalPlaces(8).toFixed(),
        new Decimal(c.volume * c.close).toDecimalPlaces(4).toFixed(),
      ]);
    return { category: 'linear', symbol: instrument.venueSymbol, list };
  }

  /** Deterministic candles around the current price, newest back: the current candle closes at the price. */
  private synthesize(
    instrument: Instrument,
    step: number,
    start: number | undefined,
    end: number,
    limit: number,
    now: number,
  ): Candle[] {
    const price = Number(this.venue.priceOf(instrument.venueSymbol) ?? '1');
    const current = Math.floor(now / step) * step;
    const out: Candle[] = [];
    for (
      let t = Math.min(current, Math.floor(end / step) * step);
      out.length < limit && (start === undefined || t >= start);
      t -= step
    ) {
      out.push(syntheticCandle(t, step, price, t === current));
    }
    return out;
  }

  // ── Account ───────────────────────────────────────────────────────────────────────────────

  walletBalance(p: Params): unknown {
    const accountType = required(p, 'accountType');
    if (accountType !== 'UNIFIED') throw err(10001, 'accountType only support UNIFIED');
    const wanted = str(p, 'coin')?.split(',');
    const state = this.venue.accountState();
    const f = (d: Decimal.Value): string => new Decimal(d).toDecimalPlaces(8).toFixed();
    const coins = state.balances.filter((b) => wanted === undefined || wanted.includes(b.asset));
    const usdt = state.balances.find((b) => b.asset === 'USDT');
    const sum = (pick: (b: (typeof coins)[number]) => string): string =>
      f(state.balances.reduce((s, b) => s.plus(pick(b)), new Decimal(0)));
    return {
      list: [
        {
          accountType: 'UNIFIED',
          accountIMRate: '0',
          accountMMRate: '0',
          accountLTV: '0',
          totalEquity: sum((b) => b.equity),
          totalWalletBalance: sum((b) => b.wallet),
          totalMarginBalance: sum((b) => b.equity),
          totalAvailableBalance: f(usdt?.available ?? '0'),
          totalPerpUPL: sum((b) => b.unrealizedPnl),
          totalInitialMargin: sum((b) => new Decimal(b.crossInitialMargin).plus(b.openOrderMargin).toFixed()),
          totalMaintenanceMargin: sum((b) => b.maintenanceMargin),
          coin: coins.map((b) => ({
            coin: b.asset,
            equity: f(b.equity),
            usdValue: f(b.equity),
            walletBalance: f(b.wallet),
            unrealisedPnl: f(b.unrealizedPnl),
            cumRealisedPnl: '0',
            totalOrderIM: f(b.openOrderMargin),
            totalPositionIM: f(new Decimal(b.crossInitialMargin).plus(b.isolatedMargin)),
            totalPositionMM: f(b.maintenanceMargin),
            locked: '0',
            borrowAmount: '0',
            accruedInterest: '0',
            availableToWithdraw: '',
            availableToBorrow: '',
            bonus: '0',
            collateralSwitch: true,
            marginCollateral: true,
            spotHedgingQty: '0',
          })),
        },
      ],
    };
  }

  /** The key's own record (ccxt reads it to tell a unified account). */
  queryApi(): unknown {
    return {
      id: '13770661',
      note: 'simulator',
      apiKey: this.options.apiKey,
      readOnly: 0,
      secret: '',
      permissions: {
        ContractTrade: ['Order', 'Position'],
        Spot: [],
        Wallet: [],
        Options: [],
        Derivatives: [],
        CopyTrading: [],
        BlockTrade: [],
        Exchange: [],
        NFT: [],
        Affiliate: [],
      },
      ips: ['*'],
      type: 1,
      deadlineDay: -1,
      expiredAt: '',
      createdAt: '2024-01-01T00:00:00Z',
      unified: 0,
      uta: 1,
      userID: 24600000,
      inviterID: 0,
      vipLevel: 'No VIP',
      mktMakerLevel: '0',
      affiliateID: 0,
      rsaPublicKey: '',
      isMaster: true,
      parentUid: '0',
      kycLevel: 'LEVEL_DEFAULT',
      kycRegion: '',
    };
  }

  /** A unified trading account (status 6: UTA 2.0 Pro), regular margin. */
  accountInfo(): unknown {
    return {
      marginMode: 'REGULAR_MARGIN',
      updatedTime: '1697078946000',
      unifiedMarginStatus: 6,
      dcpStatus: 'OFF',
      timeWindow: 10,
      smpGroup: 0,
      isMasterTrader: false,
      spotHedgingStatus: 'OFF',
    };
  }

  /**
   * Rows of a symbol (listed even when flat: one in one-way mode, both legs in hedge mode), or the
   * open positions of a settle coin.
   */
  positionList(p: Params): unknown {
    // Only USDT perpetuals trade here: another category holds no positions (ccxt.pro's position
    // snapshot asks for inverse too).
    const category = required(p, 'category');
    if (category !== 'linear') return { category, list: [], nextPageCursor: '' };
    const symbol = str(p, 'symbol');
    const settleCoin = str(p, 'settleCoin');
    if (symbol === undefined && settleCoin === undefined) {
      throw err(10001, 'params error: symbol or settleCoin is required');
    }
    if (symbol !== undefined) this.instrumentOf(symbol);
    const state = this.venue.accountState();
    const hedge = state.positionMode === 'hedge';
    const open = state.positions.filter(
      (pos) =>
        (symbol === undefined || pos.venueSymbol === symbol) &&
        (settleCoin === undefined || this.instrumentOf(pos.venueSymbol).quote === settleCoin) &&
        !new Decimal(pos.qty).isZero(),
    );
    const now = String(this.serverTime());
    const row = (venueSymbol: string, side: PositionSide, pos: (typeof open)[number] | undefined) => {
      const qty = new Decimal(pos?.qty ?? '0');
      const idx = side === 'long' ? 1 : side === 'short' ? 2 : 0;
      return {
        positionIdx: idx,
        riskId: 1,
        riskLimitValue: '2000000',
        symbol: venueSymbol,
        side: qty.isZero() ? '' : qty.isPositive() ? 'Buy' : 'Sell',
        size: qty.abs().toFixed(),
        avgPrice: pos?.entryPrice ?? '0',
        positionValue: pos?.notional ?? '0',
        tradeMode: 0,
        autoAddMargin: 0,
        positionStatus: 'Normal',
        leverage: String(pos?.leverage ?? state.leverage[venueSymbol] ?? 20),
        markPrice: pos?.markPrice ?? this.venue.priceOf(venueSymbol) ?? '0',
        liqPrice: pos?.liquidationPrice ?? '',
        bustPrice: '',
        positionIM: pos?.initialMargin ?? '0',
        positionMM: pos?.maintenanceMargin ?? '0',
        takeProfit: '',
        stopLoss: '',
        trailingStop: '0',
        unrealisedPnl: new Decimal(pos?.unrealizedPnl ?? '0').toDecimalPlaces(8).toFixed(),
        curRealisedPnl: '0',
        cumRealisedPnl: '0',
        adlRankIndicator: qty.isZero() ? 0 : 2,
        isReduceOnly: false,
        createdTime: String(pos?.updatedAt ?? now),
        updatedTime: String(pos?.updatedAt ?? now),
        seq: 1,
      };
    };
    let list;
    if (symbol !== undefined) {
      const legs: PositionSide[] = hedge ? ['long', 'short'] : ['net'];
      list = legs.map((leg) =>
        row(
          symbol,
          leg,
          open.find((pos) => pos.side === leg),
        ),
      );
    } else {
      list = open.map((pos) => row(pos.venueSymbol, pos.side, pos));
    }
    return { category: 'linear', list, nextPageCursor: '' };
  }

  switchMode(p: Params): unknown {
    BybitDialect.linear(p);
    const symbol = str(p, 'symbol');
    const coin = str(p, 'coin');
    if (symbol === undefined && coin === undefined)
      throw err(10001, 'params error: symbol or coin is required');
    if (symbol !== undefined) this.instrumentOf(symbol);
    const mode = str(p, 'mode');
    if (mode !== '0' && mode !== '3') throw params('mode');
    const hedge = mode === '3';
    if (hedge === this.hedge()) throw err(110025, 'Position mode is not modified');
    this.venue.setPositionMode(hedge ? 'hedge' : 'one_way');
    return {};
  }

  setLeverage(p: Params): unknown {
    BybitDialect.linear(p);
    const instrument = this.instrumentOf(required(p, 'symbol'));
    const buy = required(p, 'buyLeverage');
    const sell = required(p, 'sellLeverage');
    for (const v of [buy, sell]) {
      if (!WIRE_DECIMAL.test(v) || Number(v) < 1 || Number(v) > instrument.maxLeverage) {
        throw err(10001, 'leverage invalid');
      }
    }
    if (buy !== sell) throw err(10001, 'buy leverage must equal sell leverage');
    const leverage = Number(buy);
    if (!Number.isInteger(leverage)) throw err(10001, 'leverage invalid');
    if (this.venue.accountState().leverage[instrument.venueSymbol] === leverage) {
      throw err(110043, 'Set leverage not modified');
    }
    this.venue.setLeverageSync(instrument.venueSymbol, leverage);
    return {};
  }

  // ── Orders ────────────────────────────────────────────────────────────────────────────────

  createOrder(p: Params): unknown {
    BybitDialect.linear(p);
    const instrument = this.instrumentOf(required(p, 'symbol'));
    const sideRaw = required(p, 'side');
    if (sideRaw !== 'Buy' && sideRaw !== 'Sell') throw params('side');
    const side: OrderSide = sideRaw === 'Buy' ? 'buy' : 'sell';
    const orderType = required(p, 'orderType');
    if (orderType !== 'Market' && orderType !== 'Limit') throw params('orderType');
    const qty = decimalParam(p, 'qty');
    if (qty === undefined) throw err(10001, 'params error: qty is required');
    const price = orderType === 'Limit' ? decimalParam(p, 'price') : undefined;
    if (orderType === 'Limit' && price === undefined) throw err(10001, 'params error: price is required');
    const positionSide = this.positionSideOf(p);
    let reduceOnly = bool(p, 'reduceOnly') || bool(p, 'closeOnTrigger');
    const linkId = str(p, 'orderLinkId');
    if (linkId !== undefined && !ORDER_LINK_ID.test(linkId)) throw params('orderLinkId');
    if (linkId !== undefined && this.usedLinkIds.has(linkId)) throw err(110072, 'OrderLinkedID is duplicate');
    const triggerPrice = decimalParam(p, 'triggerPrice');
    let type: OrderType = orderType === 'Limit' ? 'limit' : 'market';
    if (triggerPrice !== undefined) {
      // Conditional orders share the path with regular ones: a fault on the pseudo path
      // `/v5/order/create#conditional` refuses the next conditional placement only.
      const refused = this.faults.take('POST', CONDITIONAL_FAULT_PATH, ['http_error']);
      if (refused !== undefined) {
        throw err(refused.code ?? 110092, refused.msg ?? 'expect Rising, but trigger_price is not higher');
      }
      if (orderType !== 'Market')
        throw err(10001, 'params error: conditional limit orders are not simulated');
      const direction = str(p, 'triggerDirection');
      if (direction !== '1' && direction !== '2') throw params('triggerDirection');
      const current = new Decimal(this.priceOf(instrument));
      if (direction === '1' && new Decimal(triggerPrice).lte(current)) {
        throw err(
          110092,
          `expect Rising, but trigger_price[${triggerPrice}] <= current[${current.toFixed()}]`,
        );
      }
      if (direction === '2' && new Decimal(triggerPrice).gte(current)) {
        throw err(
          110093,
          `expect Falling, but trigger_price[${triggerPrice}] >= current[${current.toFixed()}]`,
        );
      }
      // A sell triggered by a fall stops a long out; by a rise it takes its profit (and the reverse).
      type = (side === 'sell') === (direction === '2') ? 'stop_market' : 'take_profit_market';
    }
    if (positionSide !== 'net') {
      // Hedge mode: side + positionIdx say whether the order opens or closes its leg.
      const closes = (positionSide === 'long') === (side === 'sell');
      if (reduceOnly && !closes) throw err(110017, 'reduce-only order would open the position');
      reduceOnly = false;
    }
    if (!new Decimal(qty).mod(instrument.stepSize).isZero()) throw err(10001, 'Qty invalid');
    if (new Decimal(qty).lt(instrument.minQty)) {
      throw err(10001, 'The number of contracts exceeds minimum limit allowed');
    }
    if (price !== undefined && !new Decimal(price).mod(instrument.tickSize).isZero()) {
      throw err(10001, 'price invalid');
    }
    const order = this.venue.submitOrder({
      venueSymbol: instrument.venueSymbol,
      side,
      type,
      qty,
      ...(price !== undefined ? { price } : {}),
      ...(triggerPrice !== undefined ? { triggerPrice } : {}),
      positionSide,
      reduceOnly,
      ...(linkId !== undefined ? { clientOrderId: linkId } : {}),
    });
    if (linkId !== undefined) this.usedLinkIds.add(linkId);
    return { orderId: order.venueOrderId, orderLinkId: linkId ?? '' };
  }

  private findOrder(p: Params): Order | undefined {
    const instrument = this.instrumentOf(required(p, 'symbol'));
    const orderId = str(p, 'orderId');
    const linkId = str(p, 'orderLinkId');
    if (orderId === undefined && linkId === undefined) {
      throw err(10001, 'params error: orderId or orderLinkId is required');
    }
    const found =
      orderId !== undefined
        ? this.venue.findOrder({ venueOrderId: orderId }, instrument.venueSymbol)
        : this.venue.findOrder({ clientOrderId: linkId as string }, instrument.venueSymbol);
    return found;
  }

  cancelOrder(p: Params): unknown {
    BybitDialect.linear(p);
    const order = this.findOrder(p);
    if (order === undefined || (order.status !== 'new' && order.status !== 'partially_filled')) {
      throw err(110001, 'order not exists or too late to cancel');
    }
    this.venue.cancel(order.venueSymbol, { venueOrderId: order.venueOrderId });
    return { orderId: order.venueOrderId, orderLinkId: this.linkIdOf(order) };
  }

  /** `orderFilter` Order: the regular orders; StopOrder: the conditional ones; none: all. */
  cancelAll(p: Params): unknown {
    BybitDialect.linear(p);
    const symbol = str(p, 'symbol');
    const settleCoin = str(p, 'settleCoin');
    if (symbol === undefined && settleCoin === undefined) {
      throw err(10001, 'params error: symbol or settleCoin is required');
    }
    const filter = str(p, 'orderFilter');
    if (filter !== undefined && filter !== 'Order' && filter !== 'StopOrder' && filter !== 'tpslOrder') {
      throw params('orderFilter');
    }
    const symbols =
      symbol !== undefined
        ? [this.instrumentOf(symbol).venueSymbol]
        : this.instruments.filter((i) => i.quote === settleCoin).map((i) => i.venueSymbol);
    const list: unknown[] = [];
    for (const s of symbols) {
      for (const o of this.openOrders(s)) {
        if (filter === 'Order' && o.isAlgo) continue;
        if ((filter === 'StopOrder' || filter === 'tpslOrder') && !o.isAlgo) continue;
        this.venue.cancel(s, { venueOrderId: o.venueOrderId });
        list.push({ orderId: o.venueOrderId, orderLinkId: this.linkIdOf(o) });
      }
    }
    return { list, success: '1' };
  }

  private openOrders(symbol?: string): Order[] {
    return this.venue
      .orderHistory(symbol)
      .filter((o) => o.status === 'new' || o.status === 'partially_filled');
  }

  /** Open orders; with an orderId / orderLinkId also a closed one (as Bybit answers for recent orders). */
  realtime(p: Params): unknown {
    BybitDialect.linear(p);
    return this.orderList(p, true);
  }

  history(p: Params): unknown {
    BybitDialect.linear(p);
    return this.orderList(p, false);
  }

  private orderList(p: Params, openOnly: boolean): unknown {
    const symbol = str(p, 'symbol');
    const settleCoin = str(p, 'settleCoin') ?? str(p, 'baseCoin');
    if (openOnly && symbol === undefined && settleCoin === undefined) {
      throw err(10001, 'params error: symbol or settleCoin or baseCoin is required');
    }
    if (symbol !== undefined) this.instrumentOf(symbol);
    const orderId = str(p, 'orderId');
    const linkId = str(p, 'orderLinkId');
    const filter = str(p, 'orderFilter');
    const limit = intParam(p, 'limit') ?? 20;
    if (limit < 1 || limit > 50) throw params('limit');
    const offset = intParam(p, 'cursor') ?? 0;
    const byId = orderId !== undefined || linkId !== undefined;
    const rows = this.venue
      .orderHistory(symbol)
      .filter(
        (o) => symbol !== undefined || this.instrumentOf(o.venueSymbol).quote === (settleCoin ?? 'USDT'),
      )
      .filter((o) => byId || !openOnly || o.status === 'new' || o.status === 'partially_filled')
      .filter((o) => orderId === undefined || o.venueOrderId === orderId)
      .filter((o) => linkId === undefined || this.linkIdOf(o) === linkId)
      .filter((o) => filter === undefined || (filter === 'StopOrder') === o.isAlgo)
      .reverse();
    const page = rows.slice(offset, offset + limit);
    return {
      category: 'linear',
      list: page.map((o) => this.orderJson(o)),
      nextPageCursor: offset + limit < rows.length ? String(offset + limit) : '',
    };
  }

  /**
   * Executions newest first: `symbol`, `orderId`, `startTime` (default the last 7 days), `execType`,
   * `limit` (1–100, default 50), `cursor`.
   */
  executionList(p: Params): unknown {
    BybitDialect.linear(p);
    const symbol = str(p, 'symbol');
    if (symbol !== undefined) this.instrumentOf(symbol);
    const orderId = str(p, 'orderId');
    const execType = str(p, 'execType');
    const start = intParam(p, 'startTime') ?? this.serverTime() - 7 * 86_400_000;
    const end = intParam(p, 'endTime') ?? this.serverTime() + 1;
    const limit = intParam(p, 'limit') ?? 50;
    if (limit < 1 || limit > 100) throw params('limit');
    const offset = intParam(p, 'cursor') ?? 0;
    const rows = this.executions
      .filter(
        (r) =>
          (symbol === undefined || r.symbol === symbol) &&
          (orderId === undefined || r.orderId === orderId) &&
          (execType === undefined || r.execType === execType) &&
          Number(r.execTime) >= start &&
          Number(r.execTime) <= end,
      )
      .reverse();
    return {
      category: 'linear',
      list: rows.slice(offset, offset + limit),
      nextPageCursor: offset + limit < rows.length ? String(offset + limit) : '',
    };
  }

  /** Paper-generated ids (`paper-…`) were not given by the client: Bybit reports "". */
  private linkIdOf(order: Order): string {
    return this.usedLinkIds.has(order.clientOrderId) ? order.clientOrderId : '';
  }

  private orderJson(order: Order): Record<string, unknown> {
    const instrument = this.instrumentOf(order.venueSymbol);
    const raw = (order.raw ?? {}) as { createdAt?: number; updatedAt?: number; fee?: string };
    const conditional = order.type === 'stop_market' || order.type === 'take_profit_market';
    const triggered = conditional && new Decimal(order.filledQty).gt(0);
    const status =
      order.status === 'new'
        ? conditional
          ? 'Untriggered'
          : 'New'
        : order.status === 'partially_filled'
          ? 'PartiallyFilled'
          : order.status === 'filled'
            ? 'Filled'
            : order.status === 'rejected'
              ? 'Rejected'
              : conditional && !triggered
                ? 'Deactivated'
                : 'Cancelled';
    const direction = conditional ? ((order.side === 'sell') === (order.type === 'stop_market') ? 2 : 1) : 0;
    const filled = new Decimal(order.filledQty);
    const avg = order.avgPrice ?? '0';
    const qty = Decimal.max(order.qty, order.filledQty);
    return {
      orderId: order.venueOrderId,
      orderLinkId: this.linkIdOf(order),
      blockTradeId: '',
      symbol: order.venueSymbol,
      price: order.price ?? (conditional ? '0' : this.priceOf(instrument)),
      qty: qty.toFixed(),
      side: order.side === 'buy' ? 'Buy' : 'Sell',
      isLeverage: '',
      positionIdx: order.positionSide === 'long' ? 1 : order.positionSide === 'short' ? 2 : 0,
      orderStatus: status,
      createType: conditional ? 'CreateByStopOrder' : 'CreateByUser',
      cancelType: order.status === 'canceled' ? 'CancelByUser' : 'UNKNOWN',
      rejectReason: 'EC_NoError',
      avgPrice: filled.isZero() ? '' : avg,
      leavesQty:
        order.status === 'new' || order.status === 'partially_filled' ? qty.minus(filled).toFixed() : '0',
      leavesValue: '0',
      cumExecQty: filled.toFixed(),
      cumExecValue: filled.mul(avg).toFixed(),
      cumExecFee: raw.fee ?? '0',
      cumFeeDetail: raw.fee !== undefined ? { USDT: raw.fee } : {},
      timeInForce: order.type === 'limit' ? 'GTC' : 'IOC',
      orderType: order.type === 'limit' ? 'Limit' : 'Market',
      stopOrderType: conditional ? 'Stop' : '',
      orderIv: '',
      marketUnit: '',
      triggerPrice: order.triggerPrice ?? '',
      takeProfit: '',
      stopLoss: '',
      tpslMode: '',
      ocoTriggerBy: '',
      tpLimitPrice: '',
      slLimitPrice: '',
      tpTriggerBy: '',
      slTriggerBy: '',
      triggerDirection: direction,
      triggerBy: conditional ? 'MarkPrice' : '',
      lastPriceOnCreated: '',
      basePrice: '',
      reduceOnly: order.reduceOnly || conditional,
      closeOnTrigger: conditional,
      placeType: '',
      smpType: 'None',
      smpGroup: 0,
      smpOrderId: '',
      createdTime: String(raw.createdAt ?? this.serverTime()),
      updatedTime: String(raw.updatedAt ?? this.serverTime()),
    };
  }
}
