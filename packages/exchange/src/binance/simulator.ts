import { randomBytes } from 'node:crypto';
import Decimal from 'decimal.js';
import { isAppError } from '@tradingbot/core';
import type { ExchangeErrorCode } from '../errors.ts';
import type { Instrument, Order, OrderSide, PositionSide } from '../types.ts';
import { PAPER_REASON_VENUE_CODES, type PaperOrderRequest, type PaperRejectReason } from '../paper/index.ts';
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
import { servedFunding, SIM_FUNDING_INTERVAL_MS } from '../sim/funding.ts';
import { decimals, safeEqual, WIRE_DECIMAL } from '../sim/wire.ts';
import { ed25519PublicKey, hmacSha256Hex, isPemKey, verifyEd25519 } from './signing.ts';
import type { KeyObject } from 'node:crypto';
import { UNKNOWN_RESULT_MESSAGE } from './errors.ts';
import { intervalMs, toBinanceInterval } from './parse.ts';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { BinanceStreamServer, ListenKeyError } from './sim-streams.ts';
import { BinanceFrameWriter } from './sim-frames.ts';
import { BinanceMarketFrames } from './sim-market.ts';
import type { FundingPayment } from '../stream/types.ts';

/**
 * A wire-compatible Binance USDⓈ-M (`/fapi`) server backed by the in-process paper venue: the
 * Binance dialect of the shared simulator pipeline (`../sim/pipeline.ts`). It speaks the real
 * protocol — same paths, parameters (query and/or form body, query wins), HMAC signature and
 * timestamp checks, error codes and messages, string decimals, request weights and rate-limit
 * headers — so our client and third-party libraries pointed at its URL work unchanged. Matching,
 * margins, positions, conditionals and liquidation are the paper venue's (its venue layer: explicit
 * client ids, duplicate-among-open rule); this file only translates. Faults (latency, 5xx, 429, 418,
 * 503 "unknown", dropped connections before/after acceptance) are injectable for tests, and the
 * pipeline's control surface outside /fapi (`POST /__sim/price`, …) moves the price.
 */

export type FaultKind =
  | SharedFaultKind
  /** Answer `status` with `{code, msg}` without executing. */
  | 'http_error'
  /** 429 -1003 with `Retry-After: retryAfterSec`, not executed. */
  | 'rate_limit'
  /** 418 -1003: the IP is banned for `retryAfterSec`; every request during the ban gets 418. */
  | 'ban'
  /** 503 "Unknown error…"; with `execute: true` the request is executed first. */
  | 'unknown_503';

export type FaultRule = FaultMatch & {
  kind: FaultKind;
  status?: number;
  code?: number;
  msg?: string;
  retryAfterSec?: number;
};

/** The Binance code an error answer carried. */
type BinanceCodes = { venueCode?: number };

export type SimRequestLog = WireRequestLog & BinanceCodes;

/** The simulator's injected faults; `clockOffsetMs` provokes -1021. */
export type SimFaults = FaultQueue<FaultRule>;

/**
 * `apiSecret` is the HMAC secret, or for an Ed25519 API key the PEM public key it was registered
 * with (a private key PEM works too: its public half is used).
 */
export type BinanceSimulatorOptions = WireSimulatorOptions<FaultRule> & {
  /** REQUEST_WEIGHT per minute before 429s (default 2400). */
  weightLimit?: number;
};

export type BinanceSimulator = RunningWireSimulator<FaultRule, SimRequestLog>;

/** Starting prices of a fresh venue, so market orders work at once. */
export const SIM_DEFAULT_PRICES: Readonly<Record<string, string>> = Object.freeze({
  BTCUSDT: '50000',
  ETHUSDT: '3000',
  SOLUSDT: '150',
  XRPUSDT: '0.6',
  DOGEUSDT: '0.15',
});

class BinanceError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

const err = (code: number, msg: string, status = 400): BinanceError => new BinanceError(status, code, msg);
const mandatory = (name: string): BinanceError =>
  err(-1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
const notRequired = (name: string): BinanceError => err(-1106, `Parameter '${name}' sent when not required.`);
const illegal = (name: string): BinanceError =>
  err(
    -1100,
    `Illegal characters found in parameter '${name}'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.`,
  );

/** Binance's messages for the codes the paper venue's rejections map onto. */
const MESSAGES: Record<number, string> = {
  [-1001]: 'Internal error; unable to process your request. Please try again.',
  [-1102]: 'A mandatory parameter was not sent, was empty/null, or malformed.',
  [-1121]: 'Invalid symbol.',
  [-2011]: 'Unknown order sent.',
  [-2013]: 'Order does not exist.',
  [-2019]: 'Margin is insufficient.',
  [-2021]: 'Order would immediately trigger.',
  [-2022]: 'ReduceOnly Order is rejected.',
  [-4001]: 'Price less than 0.',
  [-4003]: 'Quantity less than or equal to zero.',
  [-4004]: 'Quantity less than min quantity.',
  [-4005]: 'Quantity greater than max quantity.',
  [-4014]: 'Price not increased by tick size.',
  [-4015]: 'Client order id is not valid.',
  [-4023]: 'Quantity not increased by step size.',
  [-4028]: 'Leverage is not valid',
  [-4047]: 'Margin type cannot be changed if there exists open orders.',
  [-4048]: 'Margin type cannot be changed if there exists position.',
  [-4061]: "Order's position side does not match user's setting.",
  [-4067]: 'Position side cannot be changed if there exists open orders.',
  [-4068]: 'Position side cannot be changed if there exists position.',
  [-4116]: 'ClientOrderId is duplicated.',
  [-4136]: 'Target strategy invalid for orderType STOP_MARKET,closePosition true',
};

/** Fallback when a rejection carries no paper reason. */
const FROM_TYPED: Partial<Record<ExchangeErrorCode, number>> = {
  INSUFFICIENT_BALANCE: -2019,
  INVALID_PRICE: -4014,
  INVALID_QUANTITY: -4023,
  ORDER_BELOW_MIN_QTY: -4004,
  ORDER_BELOW_MIN_NOTIONAL: -4164,
  REDUCE_ONLY_REJECTED: -2022,
  POSITION_SIDE_MISMATCH: -4061,
  ORDER_NOT_FOUND: -2013,
  DUPLICATE_CLIENT_ORDER_ID: -4116,
  UNKNOWN_SYMBOL: -1121,
  LEVERAGE_OUT_OF_RANGE: -4028,
};

/** The paper venue's typed rejection, as the Binance code and message a client would see. */
function fromVenueError(error: unknown): BinanceError {
  if (error instanceof BinanceError) return error;
  if (error instanceof ListenKeyError) return LISTEN_KEY_ERRORS[error.message] ?? err(-1000, error.message);
  if (!isAppError(error)) return err(-1000, 'An unknown error occurred while processing the request.', 500);
  const reason = error.details?.reason as PaperRejectReason | undefined;
  const code =
    (reason !== undefined ? PAPER_REASON_VENUE_CODES[reason]?.binance : undefined) ??
    FROM_TYPED[error.code as ExchangeErrorCode];
  if (code === undefined)
    return err(-1000, `An unknown error occurred while processing the request. (${error.code})`);
  if (code === -4164) {
    const min = String(error.details?.minNotional ?? '5');
    return err(code, `Order's notional must be no smaller than ${min} (unless you choose reduce only).`);
  }
  if (code === -4028) return err(code, `Leverage ${String(error.details?.leverage ?? '')} is not valid`);
  if (code === -1001) return err(code, MESSAGES[code] as string, 503);
  return err(code, MESSAGES[code] ?? error.message);
}

const CONDITIONAL_TYPES = new Set([
  'STOP',
  'STOP_MARKET',
  'TAKE_PROFIT',
  'TAKE_PROFIT_MARKET',
  'TRAILING_STOP_MARKET',
]);
function parseParams(raw: string): Map<string, string> {
  const out = new Map<string, string>();
  if (raw === '') return out;
  for (const [k, v] of new URLSearchParams(raw)) out.set(k, v);
  return out;
}

/** Removes `signature=…` from a raw parameter string, keeping every other byte as sent. */
function stripSignature(raw: string): string {
  return raw
    .split('&')
    .filter((part) => part !== '' && part.split('=')[0]?.toLowerCase() !== 'signature')
    .join('&');
}

function klineWeight(limit: number): number {
  if (limit < 100) return 1;
  if (limit < 500) return 2;
  if (limit <= 1000) return 5;
  return 10;
}

/** Starts the simulator; resolves once it listens (port 0 = an ephemeral port; host 127.0.0.1). */
export function startBinanceSimulator(options: BinanceSimulatorOptions): Promise<BinanceSimulator> {
  return serveDialect(new BinanceDialect(options), options.port, options.host);
}

const LISTEN_KEY_ERRORS: Record<string, BinanceError> = {
  '-2014': new BinanceError(401, -2014, 'API-key format invalid.'),
  '-2015': new BinanceError(401, -2015, 'Invalid API-key, IP, or permissions for action.'),
  '-1125': new BinanceError(400, -1125, 'This listenKey does not exist.'),
};

type Params = Map<string, string>;

type Route = {
  signed: boolean;
  /** Counts in X-MBX-ORDER-COUNT-*. */
  order?: boolean;
  weight: (params: Params) => number;
  handler: (this: BinanceDialect, params: Params) => unknown;
};

class BinanceDialect extends SimulatorDialect<FaultRule, BinanceCodes, Params, Route> {
  protected readonly routes = ROUTES;
  protected readonly apiKeyHeader = 'x-mbx-apikey';
  protected readonly answerKinds: readonly FaultKind[] = ['http_error', 'rate_limit', 'ban', 'unknown_503'];
  protected readonly unknownResultKind = 'unknown_503';
  private weightWindow = 0;
  private weightUsed = 0;
  private readonly orderTimes: number[] = [];
  private bannedUntil = 0;
  /** Each request's parameters, read once (the weight, the signature check and the handler use them). */
  private readonly paramsOf = new WeakMap<WireRequest, Params>();
  /** Order details Binance reports that the paper venue does not model. */
  private readonly extras = new Map<
    string,
    { workingType: string; priceProtect: boolean; reduceOnlyParam: boolean }
  >();

  /** The API key each request carried (the listenKey endpoints check it without a signature). */
  private readonly apiKeyOf = new WeakMap<Params, string | undefined>();
  private readonly streams: BinanceStreamServer;
  private readonly stopFeeds: (() => void)[] = [];
  /** Funding payments booked since the simulator started (the income endpoint's FUNDING_FEE rows). */
  private readonly fundingLog: FundingPayment[] = [];

  /** The registered Ed25519 public key when the API key is an Ed25519 one. */
  private readonly publicKey: KeyObject | undefined;

  constructor(private readonly options: BinanceSimulatorOptions) {
    super(options, (now) => freshPaperVenue({ ...options, defaultPrices: SIM_DEFAULT_PRICES, now }));
    this.publicKey = isPemKey(options.apiSecret) ? ed25519PublicKey(options.apiSecret) : undefined;
    this.streams = new BinanceStreamServer(options.apiKey, () => this.serverTime());
    const writer = new BinanceFrameWriter(
      {
        state: () => this.venue.accountState(),
        closePosition: (order) =>
          (order.raw as { closePosition?: boolean } | undefined)?.closePosition === true,
      },
      (frame) => this.streams.publishUser(frame),
    );
    this.stopFeeds.push(
      this.venue.onAccountEvent((event) => {
        if (event.kind === 'funding') this.fundingLog.push(event.payment);
        writer.write(event);
      }),
    );
  }

  /**
   * Market streams from the paper venue's in-process market stream (marks per price move, klines
   * from its bars), subscribed to whatever the WebSocket clients subscribed (`sim-market.ts`).
   */
  override async loadInstruments(): Promise<void> {
    await super.loadInstruments();
    const paper = this.venue.marketStream();
    await paper.start();
    const frames = new BinanceMarketFrames(
      paper,
      this.streams,
      this.instruments.map((i) => i.venueSymbol),
    );
    this.streams.onStreamsChanged = (streams) => frames.streamsChanged(streams);
    const clock = setInterval(() => frames.republishMarks((s) => this.venue.priceOf(s), Date.now()), 1_000);
    clock.unref();
    this.stopFeeds.push(
      () => void paper.close(),
      () => clearInterval(clock),
    );
  }

  override upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    this.streams.upgrade(req, socket, head);
  }

  protected override streamControl(body: Record<string, unknown>): WireReply {
    return this.streams.control(body);
  }

  override async closeStreams(): Promise<void> {
    for (const stop of this.stopFeeds) stop();
    await this.streams.close();
  }

  // ── The dialect ────────────────────────────────────────────────────────────────────────────

  /** Body parameters, then the query string's (the query string wins). */
  protected parse(request: WireRequest): Params {
    let params = this.paramsOf.get(request);
    if (params === undefined) {
      params = parseParams(request.body);
      for (const [k, v] of parseParams(request.query)) params.set(k, v);
      this.paramsOf.set(request, params);
      this.apiKeyOf.set(params, request.headers[this.apiKeyHeader]);
    }
    return params;
  }

  protected override gate(): WireReply | undefined {
    if (this.bannedUntil <= this.hostTime()) return undefined;
    return this.banReply(Math.ceil((this.bannedUntil - this.hostTime()) / 1000));
  }

  private banReply(retryAfterSec: number): WireReply {
    return {
      status: 418,
      body: {
        code: -1003,
        msg: `Way too many requests; IP banned until ${this.bannedUntil}. Please use the websocket for live updates to avoid bans.`,
      },
      headers: { 'Retry-After': String(retryAfterSec) },
    };
  }

  protected faultReply(rule: FaultRule): WireReply {
    switch (rule.kind) {
      case 'rate_limit':
        return {
          status: 429,
          body: {
            code: -1003,
            msg: 'Too many requests; current limit is 2400 requests per minute. Please use the websocket for live updates to avoid polling the API.',
          },
          headers: { 'Retry-After': String(rule.retryAfterSec ?? 1) },
        };
      case 'ban':
        this.bannedUntil = this.hostTime() + (rule.retryAfterSec ?? 120) * 1000;
        return this.banReply(rule.retryAfterSec ?? 120);
      case 'unknown_503':
        return { status: 503, body: { code: -1000, msg: UNKNOWN_RESULT_MESSAGE } };
      default:
        return {
          status: rule.status ?? 500,
          body: {
            code: rule.code ?? -1000,
            msg: rule.msg ?? 'An unknown error occurred while processing the request.',
          },
        };
    }
  }

  protected unrouted(method: string, path: string, pathServed: boolean): WireReply {
    return pathServed
      ? { status: 405, body: { code: -1000, msg: `Method ${method} is not allowed for ${path}.` } }
      : { status: 404, body: { code: -5000, msg: `Path ${path}, Method ${method} is invalid` } };
  }

  /** REQUEST_WEIGHT per IP and minute, counted for every request whether signed correctly or not. */
  protected override limitRequest(route: Route, request: WireRequest): void {
    const window = Math.floor(this.serverTime() / 60_000);
    if (window !== this.weightWindow) {
      this.weightWindow = window;
      this.weightUsed = 0;
    }
    this.weightUsed += route.weight(this.parse(request));
    const limit = this.options.weightLimit ?? 2400;
    if (this.weightUsed > limit) {
      const retry = Math.max(1, Math.ceil(((window + 1) * 60_000 - this.serverTime()) / 1000));
      throw new BinanceError(
        429,
        -1003,
        `Too many requests; current limit is ${limit} requests per minute. Please use the websocket for live updates to avoid polling the API.`,
        retry,
      );
    }
  }

  /** Key, signature and timestamp checks of a SIGNED endpoint, in Binance's order. */
  protected authenticate(request: WireRequest): void {
    const apiKey = request.headers[this.apiKeyHeader];
    if (apiKey === undefined || apiKey === '') throw err(-2014, 'API-key format invalid.', 401);
    if (apiKey !== this.options.apiKey)
      throw err(-2015, 'Invalid API-key, IP, or permissions for action.', 401);
    const params = this.parse(request);
    const timestamp = params.get('timestamp');
    if (timestamp === undefined || !/^\d{1,20}$/.test(timestamp)) throw mandatory('timestamp');
    const signature = params.get('signature');
    if (signature === undefined || signature === '') throw mandatory('signature');
    let recvWindow = 5000;
    const recvRaw = params.get('recvWindow');
    if (recvRaw !== undefined) {
      if (!/^\d{1,20}$/.test(recvRaw)) {
        throw err(
          -1100,
          "Illegal characters found in parameter 'recvWindow'; legal range is '^[0-9]{1,20}$'.",
        );
      }
      recvWindow = Number(recvRaw);
      if (recvWindow > 60_000) throw err(-1131, 'recvWindow must be less than 60000');
    }
    // totalParams = query string + body (no "&" between), each as received, without the signature.
    const totalParams = stripSignature(request.query) + stripSignature(request.body);
    const valid =
      this.publicKey !== undefined
        ? verifyEd25519(this.publicKey, totalParams, signature)
        : safeEqual(signature.toLowerCase(), hmacSha256Hex(this.options.apiSecret, totalParams));
    if (!valid) throw err(-1022, 'Signature for this request is not valid.');
    const ts = Number(timestamp);
    const server = this.serverTime();
    if (ts >= server + 1000)
      throw err(-1021, "Timestamp for this request was 1000ms ahead of the server's time.");
    if (server - ts > recvWindow)
      throw err(-1021, 'Timestamp for this request is outside of the recvWindow.');
  }

  /** The result as the body; order placements also report the account's order counts. */
  protected success(route: Route, result: unknown): WireReply {
    const headers: Record<string, string> = {};
    if (route.order) {
      const t = this.serverTime();
      this.orderTimes.push(t);
      while ((this.orderTimes[0] ?? t) < t - 60_000) this.orderTimes.shift();
      headers['X-MBX-ORDER-COUNT-10S'] = String(this.orderTimes.filter((x) => x >= t - 10_000).length);
      headers['X-MBX-ORDER-COUNT-1M'] = String(this.orderTimes.length);
    }
    return { status: 200, body: result, headers };
  }

  protected failure(error: unknown): WireReply {
    const e = fromVenueError(error);
    return {
      status: e.status,
      body: { code: e.code, msg: e.message },
      ...(e.retryAfter !== undefined ? { headers: { 'Retry-After': String(e.retryAfter) } } : {}),
    };
  }

  /** Every routed answer reports the weight used in the current minute. */
  protected override stamp(reply: WireReply): void {
    reply.headers = { ...reply.headers, 'X-MBX-USED-WEIGHT-1M': String(this.weightUsed) };
  }

  protected recordReply(log: BinanceCodes, reply: WireReply): void {
    const body = reply.body as { code?: unknown } | undefined;
    if (reply.status >= 400 && typeof body?.code === 'number') log.venueCode = body.code;
  }

  // ── Parameter helpers ──────────────────────────────────────────────────────────────────────

  private instrumentOf(symbol: string | undefined): Instrument {
    if (symbol === undefined || symbol === '') throw mandatory('symbol');
    const found = this.instrumentList().find((i) => i.venueSymbol === symbol);
    if (found === undefined) throw err(-1121, 'Invalid symbol.');
    return found;
  }

  private instrumentList(): Instrument[] {
    return this.instruments;
  }

  private static side(params: Map<string, string>): 'BUY' | 'SELL' {
    const side = params.get('side');
    if (side === undefined) throw mandatory('side');
    if (side !== 'BUY' && side !== 'SELL') throw err(-1117, 'Invalid side.');
    return side;
  }

  private positionSideParam(params: Map<string, string>): PositionSide {
    const raw = params.get('positionSide') ?? 'BOTH';
    if (raw !== 'BOTH' && raw !== 'LONG' && raw !== 'SHORT') throw err(-4006, 'Invalid position side.');
    const hedge = this.venue.accountState().positionMode === 'hedge';
    if (hedge !== (raw !== 'BOTH')) throw err(-4061, MESSAGES[-4061] as string);
    return raw === 'LONG' ? 'long' : raw === 'SHORT' ? 'short' : 'net';
  }

  private static bool(params: Map<string, string>, name: string): boolean | undefined {
    const v = params.get(name);
    if (v === undefined) return undefined;
    if (v.toLowerCase() === 'true') return true;
    if (v.toLowerCase() === 'false') return false;
    throw err(-1130, `Data sent for parameter '${name}' is not valid.`);
  }

  /** Binance refuses more decimals than the symbol's precision (-1111) before the grid checks. */
  private static decimalParam(params: Map<string, string>, name: string, places: number): string | undefined {
    const value = params.get(name);
    if (value === undefined) return undefined;
    if (!WIRE_DECIMAL.test(value)) throw illegal(name);
    if (decimals(value) > places) throw err(-1111, 'Precision is over the maximum defined for this asset.');
    return value;
  }

  private clientIdParam(params: Map<string, string>, name: string): string {
    const given = params.get(name);
    if (given === undefined) return randomBytes(11).toString('hex').slice(0, 22);
    if (!/^[.A-Z:/a-z0-9_-]{1,36}$/.test(given)) throw err(-4015, MESSAGES[-4015] as string);
    return given;
  }

  // ── Wire shapes ────────────────────────────────────────────────────────────────────────────

  private orderJson(order: Order, withTime: boolean): Record<string, unknown> {
    const instrument = this.instrumentOf(order.venueSymbol);
    const pricePlaces = decimals(instrument.tickSize);
    const qtyPlaces = decimals(instrument.stepSize);
    const raw = (order.raw ?? {}) as { createdAt?: number; updatedAt?: number; closePosition?: boolean };
    const filled = new Decimal(order.filledQty);
    const avg = new Decimal(order.avgPrice ?? '0');
    const extras = this.extras.get(order.venueOrderId);
    const type = order.type === 'limit' ? 'LIMIT' : 'MARKET';
    return {
      orderId: Number(order.venueOrderId),
      symbol: order.venueSymbol,
      status: ORDER_STATUS[order.status] ?? 'NEW',
      clientOrderId: order.clientOrderId,
      price: new Decimal(order.price ?? '0').toFixed(pricePlaces),
      avgPrice: avg.toFixed(Math.max(5, pricePlaces)),
      origQty: new Decimal(order.qty).toFixed(qtyPlaces),
      executedQty: filled.toFixed(qtyPlaces),
      cumQty: filled.toFixed(qtyPlaces),
      cumQuote: filled.times(avg).toFixed(5),
      timeInForce: 'GTC',
      type,
      reduceOnly: extras?.reduceOnlyParam ?? order.reduceOnly,
      closePosition: false,
      side: order.side === 'buy' ? 'BUY' : 'SELL',
      positionSide: wireSide(order.positionSide),
      stopPrice: '0',
      workingType: 'CONTRACT_PRICE',
      priceProtect: false,
      origType: type,
      priceMatch: 'NONE',
      selfTradePreventionMode: 'EXPIRE_MAKER',
      goodTillDate: 0,
      ...(withTime ? { time: raw.createdAt ?? this.serverTime() } : {}),
      updateTime: raw.updatedAt ?? this.serverTime(),
    };
  }

  private algoJson(order: Order): Record<string, unknown> {
    const instrument = this.instrumentOf(order.venueSymbol);
    const pricePlaces = decimals(instrument.tickSize);
    const raw = (order.raw ?? {}) as { createdAt?: number; updatedAt?: number; closePosition?: boolean };
    const extras = this.extras.get(order.venueOrderId);
    const zeroPrice = new Decimal(0).toFixed(pricePlaces);
    return {
      algoId: Number(order.venueOrderId),
      clientAlgoId: order.clientOrderId,
      algoType: 'CONDITIONAL',
      orderType:
        order.type === 'trailing_stop_market'
          ? 'TRAILING_STOP_MARKET'
          : order.type === 'stop_market'
            ? 'STOP_MARKET'
            : 'TAKE_PROFIT_MARKET',
      symbol: order.venueSymbol,
      side: order.side === 'buy' ? 'BUY' : 'SELL',
      positionSide: wireSide(order.positionSide),
      timeInForce: 'GTC',
      quantity: new Decimal(order.qty).toFixed(decimals(instrument.stepSize)),
      algoStatus: ALGO_STATUS[order.status] ?? 'NEW',
      actualOrderId: '',
      actualPrice: order.avgPrice === undefined ? '0.00000' : new Decimal(order.avgPrice).toFixed(5),
      triggerPrice: new Decimal(order.triggerPrice ?? '0').toFixed(pricePlaces),
      price: zeroPrice,
      icebergQuantity: null,
      tpTriggerPrice: zeroPrice,
      tpPrice: zeroPrice,
      slTriggerPrice: zeroPrice,
      slPrice: zeroPrice,
      tpOrderType: '',
      selfTradePreventionMode: 'EXPIRE_MAKER',
      workingType: extras?.workingType ?? 'CONTRACT_PRICE',
      priceMatch: 'NONE',
      closePosition: raw.closePosition === true,
      priceProtect: extras?.priceProtect ?? false,
      reduceOnly: extras?.reduceOnlyParam ?? false,
      createTime: raw.createdAt ?? this.serverTime(),
      updateTime: raw.updatedAt ?? this.serverTime(),
      triggerTime: order.status === 'filled' ? (raw.updatedAt ?? 0) : 0,
      goodTillDate: 0,
      ...(order.type === 'trailing_stop_market'
        ? {
            activatePrice: new Decimal(order.activationPrice ?? '0').toFixed(pricePlaces),
            callbackRate: order.callbackRatePct ?? '0',
          }
        : {}),
    };
  }

  private findRegular(params: Map<string, string>, symbol: string): Order | undefined {
    const orderId = params.get('orderId');
    const clientId = params.get('origClientOrderId');
    if (orderId === undefined && clientId === undefined) {
      throw err(-1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
    }
    const found =
      orderId !== undefined
        ? this.venue.findOrder({ venueOrderId: orderId }, symbol)
        : this.venue.findOrder({ clientOrderId: clientId as string }, symbol);
    return found?.isAlgo === false ? found : undefined;
  }

  private findAlgo(params: Map<string, string>): Order | undefined {
    const algoId = params.get('algoId');
    const clientId = params.get('clientAlgoId');
    if (algoId === undefined && clientId === undefined) {
      throw err(-1102, "Param 'clientAlgoId' or 'algoId' must be sent, but both were empty/null!");
    }
    const found =
      algoId !== undefined
        ? this.venue.findOrder({ venueOrderId: algoId })
        : this.venue.findOrder({ clientOrderId: clientId as string });
    return found?.isAlgo === true ? found : undefined;
  }

  // ── Handlers ───────────────────────────────────────────────────────────────────────────────

  time(): unknown {
    return { serverTime: this.serverTime() };
  }

  exchangeInfo(): unknown {
    return {
      timezone: 'UTC',
      serverTime: this.serverTime(),
      futuresType: 'U_MARGINED',
      rateLimits: [
        {
          rateLimitType: 'REQUEST_WEIGHT',
          interval: 'MINUTE',
          intervalNum: 1,
          limit: this.options.weightLimit ?? 2400,
        },
        { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
        { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 },
      ],
      exchangeFilters: [],
      assets: [{ asset: 'USDT', marginAvailable: true, autoAssetExchange: '-10000' }],
      symbols: this.instrumentList().map((i) => ({
        symbol: i.venueSymbol,
        pair: i.venueSymbol,
        contractType: 'PERPETUAL',
        deliveryDate: 4133404800000,
        onboardDate: 1569398400000,
        status: 'TRADING',
        maintMarginPercent: '2.5000',
        requiredMarginPercent: '5.0000',
        baseAsset: i.base,
        quoteAsset: i.quote,
        marginAsset: i.quote,
        pricePrecision: decimals(i.tickSize),
        quantityPrecision: decimals(i.stepSize),
        baseAssetPrecision: 8,
        quotePrecision: 8,
        underlyingType: 'COIN',
        underlyingSubType: [],
        triggerProtect: '0.0500',
        liquidationFee: '0.012500',
        marketTakeBound: '0.05',
        maxMoveOrderLimit: 10000,
        filters: [
          { filterType: 'PRICE_FILTER', minPrice: i.tickSize, maxPrice: '4529764', tickSize: i.tickSize },
          { filterType: 'LOT_SIZE', stepSize: i.stepSize, maxQty: i.maxQty ?? '1000', minQty: i.minQty },
          {
            filterType: 'MARKET_LOT_SIZE',
            stepSize: i.stepSize,
            maxQty: i.maxQty ?? '1000',
            minQty: i.minQty,
          },
          { filterType: 'MAX_NUM_ORDERS', limit: 200 },
          { filterType: 'MIN_NOTIONAL', notional: i.minNotional },
          {
            filterType: 'PERCENT_PRICE',
            multiplierUp: '1.0500',
            multiplierDown: '0.9500',
            multiplierDecimal: '4',
          },
        ],
        orderTypes: [
          'LIMIT',
          'MARKET',
          'STOP',
          'STOP_MARKET',
          'TAKE_PROFIT',
          'TAKE_PROFIT_MARKET',
          'TRAILING_STOP_MARKET',
        ],
        timeInForce: ['GTC', 'IOC', 'FOK', 'GTX', 'GTD'],
      })),
    };
  }

  private priceString(symbol: string): string {
    const price = this.venue.priceOf(symbol);
    if (price === undefined) throw err(-1001, MESSAGES[-1001] as string, 503);
    return new Decimal(price).toFixed(decimals(this.instrumentOf(symbol).tickSize));
  }

  tickerPrice(params: Map<string, string>): unknown {
    const one = (symbol: string): Record<string, unknown> => ({
      symbol,
      price: this.priceString(symbol),
      time: this.serverTime(),
    });
    const symbol = params.get('symbol');
    if (symbol !== undefined) return one(this.instrumentOf(symbol).venueSymbol);
    return this.instrumentList()
      .filter((i) => this.venue.priceOf(i.venueSymbol) !== undefined)
      .map((i) => one(i.venueSymbol));
  }

  klines(params: Map<string, string>): unknown {
    const instrument = this.instrumentOf(params.get('symbol'));
    const interval = params.get('interval');
    if (interval === undefined) throw mandatory('interval');
    const step = toBinanceInterval(interval) === interval ? intervalMs(interval) : undefined;
    if (step === undefined) throw err(-1120, 'Invalid interval.');
    const intParam = (name: string): number | undefined => {
      const v = params.get(name);
      if (v === undefined) return undefined;
      if (!/^\d{1,20}$/.test(v))
        throw err(-1100, `Illegal characters found in parameter '${name}'; legal range is '^[0-9]{1,20}$'.`);
      return Number(v);
    };
    const limit = Math.min(1500, Math.max(1, intParam('limit') ?? 500));
    const startTime = intParam('startTime');
    const endTime = intParam('endTime');
    const now = this.serverTime();
    const rows = servedCandles(this.options.candles, instrument.venueSymbol, step, () =>
      this.synthesize(instrument, step, startTime, endTime, limit, now),
    );
    let selected = rows.filter(
      (c) =>
        c.time <= now &&
        (startTime === undefined || c.time >= startTime) &&
        (endTime === undefined || c.time <= endTime),
    );
    selected = startTime === undefined ? selected.slice(-limit) : selected.slice(0, limit);
    const pricePlaces = decimals(instrument.tickSize);
    const qtyPlaces = decimals(instrument.stepSize);
    return selected.map((c) => [
      c.time,
      c.open.toFixed(pricePlaces),
      c.high.toFixed(pricePlaces),
      c.low.toFixed(pricePlaces),
      c.close.toFixed(pricePlaces),
      c.volume.toFixed(qtyPlaces),
      c.time + step - 1,
      (c.volume * c.close).toFixed(4),
      Math.max(1, Math.round(c.volume * 7)),
      (c.volume / 2).toFixed(qtyPlaces),
      ((c.volume / 2) * c.close).toFixed(4),
      '0',
    ]);
  }

  /**
   * `GET /fapi/v1/fundingRate`: oldest first; with startTime the first `limit` (default 100, at most
   * 1000) events from it, otherwise the latest `limit` up to endTime (or now); every listed symbol
   * when none is given.
   */
  fundingRate(params: Map<string, string>): unknown {
    const int = (name: string): number | undefined => {
      const v = params.get(name);
      if (v === undefined) return undefined;
      if (!/^\d{1,20}$/.test(v))
        throw err(-1100, `Illegal characters found in parameter '${name}'; legal range is '^[0-9]{1,20}$'.`);
      return Number(v);
    };
    const limit = int('limit') ?? 100;
    if (limit < 1 || limit > 1000) throw err(-1130, "Data sent for parameter 'limit' is not valid.");
    const startTime = int('startTime');
    const to = Math.min(int('endTime') ?? Infinity, this.serverTime());
    const from = startTime ?? to - limit * SIM_FUNDING_INTERVAL_MS;
    const symbol = params.get('symbol');
    const instruments =
      symbol !== undefined
        ? [this.instrumentOf(symbol)]
        : this.instrumentList().filter((i) => this.venue.priceOf(i.venueSymbol) !== undefined);
    const rows = instruments.flatMap((instrument) => {
      const price = Number(this.venue.priceOf(instrument.venueSymbol) ?? '1');
      const places = Math.max(8, decimals(instrument.tickSize));
      return servedFunding(this.options.fundingRates, instrument.venueSymbol, price, from, to).map((f) => ({
        symbol: instrument.venueSymbol,
        fundingTime: f.time,
        fundingRate: f.rate.toFixed(8),
        markPrice: (f.markPrice ?? price).toFixed(places),
      }));
    });
    rows.sort((a, b) => a.fundingTime - b.fundingTime);
    return startTime !== undefined ? rows.slice(0, limit) : rows.slice(-limit);
  }

  /** The synthetic candles a klines request asks for, oldest first; the last one closes at the price. */
  private synthesize(
    instrument: Instrument,
    step: number,
    startTime: number | undefined,
    endTime: number | undefined,
    limit: number,
    now: number,
  ): Candle[] {
    const price = Number(this.venue.priceOf(instrument.venueSymbol) ?? '1');
    const lastOpen = Math.floor(Math.min(endTime ?? now, now) / step) * step;
    const firstOpen =
      startTime !== undefined ? Math.ceil(startTime / step) * step : lastOpen - (limit - 1) * step;
    const out: Candle[] = [];
    for (let t = firstOpen; t <= lastOpen && out.length < limit; t += step) {
      out.push(syntheticCandle(t, step, price, t === lastOpen));
    }
    return out;
  }

  balance(): unknown {
    const state = this.venue.accountState();
    const fmt8 = (d: Decimal.Value): string => new Decimal(d).toFixed(8);
    return state.balances.map((b) => ({
      accountAlias: 'SgsR',
      asset: b.asset,
      balance: fmt8(b.wallet),
      crossWalletBalance: fmt8(b.crossWallet),
      crossUnPnl: fmt8(b.crossUnrealizedPnl),
      availableBalance: fmt8(b.available),
      maxWithdrawAmount: fmt8(b.available),
      marginAvailable: true,
      updateTime: state.time,
    }));
  }

  private positionRows(params: Map<string, string>, v3: boolean): unknown {
    const symbol = params.get('symbol');
    if (symbol !== undefined) this.instrumentOf(symbol);
    const state = this.venue.accountState();
    const hedge = state.positionMode === 'hedge';
    const rows: Record<string, unknown>[] = [];
    for (const i of this.instrumentList()) {
      if (symbol !== undefined && i.venueSymbol !== symbol) continue;
      for (const side of (hedge ? ['long', 'short'] : ['net']) as PositionSide[]) {
        const p = state.positions.find((x) => x.venueSymbol === i.venueSymbol && x.side === side);
        const amt = new Decimal(p?.qty ?? '0');
        if (v3 && amt.isZero()) continue;
        const leverage = p?.leverage ?? state.leverage[i.venueSymbol] ?? 20;
        const marginMode = p?.marginMode ?? state.marginModes[i.venueSymbol] ?? 'cross';
        const mark = new Decimal(p?.markPrice ?? state.prices[i.venueSymbol] ?? '0');
        const row: Record<string, unknown> = {
          symbol: i.venueSymbol,
          positionSide: wireSide(side),
          positionAmt: amt.toFixed(decimals(i.stepSize)),
          entryPrice: new Decimal(p?.entryPrice ?? '0').toFixed(),
          breakEvenPrice: new Decimal(p?.entryPrice ?? '0').toFixed(),
          markPrice: mark.toFixed(8),
          unRealizedProfit: new Decimal(p?.unrealizedPnl ?? '0').toFixed(8),
          liquidationPrice: new Decimal(p?.liquidationPrice ?? '0').toFixed(8),
          notional: amt.times(mark).toFixed(8),
          marginAsset: i.quote,
          isolatedMargin: new Decimal(p?.isolatedMargin ?? '0').toFixed(8),
          isolatedWallet: new Decimal(p?.isolatedMargin ?? '0').toFixed(8),
          initialMargin: new Decimal(p?.initialMargin ?? '0').toFixed(8),
          maintMargin: new Decimal(p?.maintenanceMargin ?? '0').toFixed(8),
          adl: 0,
          updateTime: p?.updatedAt ?? 0,
        };
        if (!v3) {
          Object.assign(row, {
            leverage: String(leverage),
            marginType: marginMode === 'isolated' ? 'isolated' : 'cross',
            isAutoAddMargin: 'false',
            maxNotionalValue: '1000000',
          });
        }
        rows.push(row);
      }
    }
    return rows;
  }

  positionRiskV2(params: Map<string, string>): unknown {
    return this.positionRows(params, false);
  }

  positionRiskV3(params: Map<string, string>): unknown {
    return this.positionRows(params, true);
  }

  /** 24 h statistics; the paper venue keeps no trade tape, so the window is flat at the current price. */
  ticker24hr(params: Map<string, string>): unknown {
    const one = (symbol: string): Record<string, unknown> => {
      const price = this.priceString(symbol);
      const now = this.serverTime();
      return {
        symbol,
        priceChange: '0',
        priceChangePercent: '0.000',
        weightedAvgPrice: price,
        lastPrice: price,
        lastQty: '0',
        openPrice: price,
        highPrice: price,
        lowPrice: price,
        volume: '0',
        quoteVolume: '0',
        openTime: now - 86_400_000,
        closeTime: now,
        firstId: 0,
        lastId: 0,
        count: 0,
      };
    };
    const symbol = params.get('symbol');
    if (symbol !== undefined) return one(this.instrumentOf(symbol).venueSymbol);
    return this.instrumentList()
      .filter((i) => this.venue.priceOf(i.venueSymbol) !== undefined)
      .map((i) => one(i.venueSymbol));
  }

  /** Account information (v2 and v3 shapes; v2 positions also carry leverage and entry price). */
  private account(v3: boolean): unknown {
    const state = this.venue.accountState();
    const fmt8 = (d: Decimal.Value): string => new Decimal(d).toFixed(8);
    const sum = (f: (b: (typeof state.balances)[number]) => string): string =>
      fmt8(state.balances.reduce((acc, b) => acc.plus(f(b)), new Decimal(0)));
    const assets = state.balances.map((b) => ({
      asset: b.asset,
      walletBalance: fmt8(b.wallet),
      unrealizedProfit: fmt8(b.unrealizedPnl),
      marginBalance: fmt8(b.equity),
      maintMargin: fmt8(b.maintenanceMargin),
      initialMargin: fmt8(new Decimal(b.crossInitialMargin).plus(b.isolatedMargin).plus(b.openOrderMargin)),
      positionInitialMargin: fmt8(new Decimal(b.crossInitialMargin).plus(b.isolatedMargin)),
      openOrderInitialMargin: fmt8(b.openOrderMargin),
      crossWalletBalance: fmt8(b.crossWallet),
      crossUnPnl: fmt8(b.crossUnrealizedPnl),
      availableBalance: fmt8(b.available),
      maxWithdrawAmount: fmt8(b.available),
      updateTime: state.time,
    }));
    const positions = (this.positionRows(new Map(), v3) as Record<string, unknown>[]).map((row) => ({
      symbol: row.symbol,
      positionSide: row.positionSide,
      positionAmt: row.positionAmt,
      unrealizedProfit: row.unRealizedProfit,
      isolatedMargin: row.isolatedMargin,
      notional: row.notional,
      isolatedWallet: row.isolatedWallet,
      initialMargin: row.initialMargin,
      maintMargin: row.maintMargin,
      updateTime: row.updateTime,
      ...(v3
        ? {}
        : {
            leverage: row.leverage,
            entryPrice: row.entryPrice,
            isolated: row.marginType === 'isolated',
            maxNotional: row.maxNotionalValue,
          }),
    }));
    return {
      totalInitialMargin: sum((b) =>
        new Decimal(b.crossInitialMargin).plus(b.isolatedMargin).plus(b.openOrderMargin).toFixed(),
      ),
      totalMaintMargin: sum((b) => b.maintenanceMargin),
      totalWalletBalance: sum((b) => b.wallet),
      totalUnrealizedProfit: sum((b) => b.unrealizedPnl),
      totalMarginBalance: sum((b) => b.equity),
      totalPositionInitialMargin: sum((b) =>
        new Decimal(b.crossInitialMargin).plus(b.isolatedMargin).toFixed(),
      ),
      totalOpenOrderInitialMargin: sum((b) => b.openOrderMargin),
      totalCrossWalletBalance: sum((b) => b.crossWallet),
      totalCrossUnPnl: sum((b) => b.crossUnrealizedPnl),
      availableBalance: sum((b) => b.available),
      maxWithdrawAmount: sum((b) => b.available),
      ...(v3 ? {} : { canTrade: true, canDeposit: true, canWithdraw: true, feeTier: 0, updateTime: 0 }),
      assets,
      positions,
    };
  }

  accountV2(): unknown {
    return this.account(false);
  }

  accountV3(): unknown {
    return this.account(true);
  }

  /** One bracket per symbol: up to the instrument's maximum leverage, no notional tiers. */
  leverageBracket(params: Map<string, string>): unknown {
    const row = (i: Instrument): Record<string, unknown> => ({
      symbol: i.venueSymbol,
      brackets: [
        {
          bracket: 1,
          initialLeverage: i.maxLeverage,
          notionalCap: 1_000_000_000,
          notionalFloor: 0,
          maintMarginRatio: 0.005,
          cum: 0,
        },
      ],
    });
    const symbol = params.get('symbol');
    if (symbol !== undefined) return row(this.instrumentOf(symbol));
    return this.instrumentList().map(row);
  }

  // ── User data stream and history ───────────────────────────────────────────────────────────

  postListenKey(params: Params): unknown {
    return this.streams.createListenKey(this.apiKeyOf.get(params));
  }

  putListenKey(params: Params): unknown {
    return this.streams.keepAliveListenKey(this.apiKeyOf.get(params));
  }

  deleteListenKey(params: Params): unknown {
    return this.streams.closeListenKey(this.apiKeyOf.get(params));
  }

  /** startTime / endTime (at most 7 days apart) and limit of the history endpoints. */
  private static range(
    params: Params,
    defaultLimit: number,
    maxLimit: number,
    now: number,
  ): { start: number; end: number; limit: number } {
    const int = (name: string): number | undefined => {
      const v = params.get(name);
      if (v === undefined) return undefined;
      if (!/^\d{1,20}$/.test(v))
        throw err(-1100, `Illegal characters found in parameter '${name}'; legal range is '^[0-9]{1,20}$'.`);
      return Number(v);
    };
    const limit = Math.min(maxLimit, Math.max(1, int('limit') ?? defaultLimit));
    const startTime = int('startTime');
    const endTime = int('endTime');
    const week = 7 * 24 * 60 * 60_000;
    const end = endTime ?? (startTime !== undefined ? startTime + week - 1 : now);
    const start = startTime ?? end - week + 1;
    if (end - start >= week) throw err(-1127, 'More than 7 days between startTime and endTime.');
    return { start, end, limit };
  }

  /** `GET /fapi/v1/userTrades`: the venue's fills of a symbol, id = the fill's sequence number. */
  userTrades(params: Params): unknown {
    const instrument = this.instrumentOf(params.get('symbol'));
    const { start, end, limit } = BinanceDialect.range(params, 500, 1000, this.serverTime());
    const fromId = params.get('fromId');
    const rows = this.venue
      .fills(instrument.venueSymbol)
      .filter((f) => (fromId !== undefined ? f.seq >= Number(fromId) : f.time >= start && f.time <= end));
    const page = fromId !== undefined || params.has('startTime') ? rows.slice(0, limit) : rows.slice(-limit);
    return page.map((f) => ({
      buyer: f.side === 'buy',
      commission: f.fee,
      commissionAsset: f.feeAsset,
      id: f.seq,
      maker: f.liquidity === 'maker',
      orderId: Number(f.venueOrderId),
      price: f.price,
      qty: f.qty,
      quoteQty: new Decimal(f.price).times(f.qty).toFixed(),
      realizedPnl: f.realizedPnl,
      side: f.side === 'buy' ? 'BUY' : 'SELL',
      positionSide: wireSide(f.positionSide),
      symbol: f.venueSymbol,
      time: f.time,
    }));
  }

  /**
   * `GET /fapi/v1/allOrders`: regular orders, and conditional orders that triggered as the regular
   * order the Algo Service placed (same id, `origType` the conditional type; see sim-frames.ts).
   */
  allOrders(params: Params): unknown {
    const instrument = this.instrumentOf(params.get('symbol'));
    const { start, end, limit } = BinanceDialect.range(params, 500, 1000, this.serverTime());
    const rows = this.venue
      .orderHistory(instrument.venueSymbol)
      .filter((o) => !o.isAlgo || o.status === 'filled' || o.status === 'partially_filled')
      .map((o) => {
        const json = this.orderJson({ ...o, isAlgo: false }, true);
        if (o.isAlgo) {
          json.origType = o.type === 'take_profit_market' ? 'TAKE_PROFIT_MARKET' : 'STOP_MARKET';
          json.stopPrice = o.triggerPrice ?? '0';
        }
        return json;
      })
      .filter((j) => (j.time as number) >= start && (j.time as number) <= end);
    return rows.slice(0, limit);
  }

  /**
   * `GET /fapi/v1/income`: COMMISSION and REALIZED_PNL per fill, FUNDING_FEE per payment. tranIds:
   * funding = the paper ledger's entry id; a fill's rows 10⁹ + 2·seq (+1 for its realised PnL).
   */
  income(params: Params): unknown {
    const symbol = params.get('symbol');
    if (symbol !== undefined) this.instrumentOf(symbol);
    const type = params.get('incomeType');
    const { start, end, limit } = BinanceDialect.range(params, 100, 1000, this.serverTime());
    type Row = {
      symbol: string;
      incomeType: string;
      income: string;
      asset: string;
      info: string;
      time: number;
      tranId: number;
      tradeId: string;
    };
    const rows: Row[] = [];
    for (const f of this.venue.fills(symbol)) {
      const base = {
        symbol: f.venueSymbol,
        asset: f.feeAsset,
        info: '',
        time: f.time,
        tradeId: String(f.seq),
      };
      rows.push({
        ...base,
        incomeType: 'COMMISSION',
        income: new Decimal(f.fee).neg().toFixed(),
        tranId: 1e9 + 2 * f.seq,
      });
      if (!new Decimal(f.realizedPnl).isZero()) {
        rows.push({
          ...base,
          incomeType: 'REALIZED_PNL',
          income: f.realizedPnl,
          tranId: 1e9 + 2 * f.seq + 1,
        });
      }
    }
    for (const p of this.fundingLog.filter((x) => symbol === undefined || x.venueSymbol === symbol)) {
      rows.push({
        symbol: p.venueSymbol,
        incomeType: 'FUNDING_FEE',
        income: p.amount,
        asset: p.asset,
        info: '',
        time: p.time,
        tranId: Number(p.venueEntryId),
        tradeId: '',
      });
    }
    return rows
      .filter((r) => (type === undefined || r.incomeType === type) && r.time >= start && r.time <= end)
      .sort((a, b) => a.time - b.time || a.tranId - b.tranId)
      .slice(0, limit);
  }

  getDual(): unknown {
    return { dualSidePosition: this.venue.accountState().positionMode === 'hedge' };
  }

  postDual(params: Map<string, string>): unknown {
    const wanted = BinanceDialect.bool(params, 'dualSidePosition');
    if (wanted === undefined) throw mandatory('dualSidePosition');
    if (!this.venue.setPositionMode(wanted ? 'hedge' : 'one_way').changed) {
      throw err(-4059, 'No need to change position side.');
    }
    return { code: 200, msg: 'success' };
  }

  postLeverage(params: Map<string, string>): unknown {
    const instrument = this.instrumentOf(params.get('symbol'));
    const raw = params.get('leverage');
    if (raw === undefined) throw mandatory('leverage');
    if (!/^\d{1,4}$/.test(raw)) throw err(-4028, `Leverage ${raw} is not valid`);
    const leverage = this.venue.setLeverageSync(instrument.venueSymbol, Number(raw));
    return { leverage, maxNotionalValue: '1000000', symbol: instrument.venueSymbol };
  }

  postMarginType(params: Map<string, string>): unknown {
    const instrument = this.instrumentOf(params.get('symbol'));
    const raw = params.get('marginType');
    if (raw === undefined) throw mandatory('marginType');
    if (raw !== 'ISOLATED' && raw !== 'CROSSED')
      throw err(-1130, "Data sent for parameter 'marginType' is not valid.");
    if (
      !this.venue.setMarginMode(instrument.venueSymbol, raw === 'ISOLATED' ? 'isolated' : 'cross').changed
    ) {
      throw err(-4046, 'No need to change margin type.');
    }
    return { code: 200, msg: 'success' };
  }

  postOrder(params: Map<string, string>): unknown {
    const instrument = this.instrumentOf(params.get('symbol'));
    const side = BinanceDialect.side(params);
    const type = params.get('type');
    if (type === undefined) throw mandatory('type');
    if (CONDITIONAL_TYPES.has(type)) {
      throw err(
        -4120,
        'Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.',
      );
    }
    if (type !== 'MARKET' && type !== 'LIMIT') throw err(-1116, 'Invalid orderType.');
    const positionSide = this.positionSideParam(params);
    const reduceOnly = BinanceDialect.bool(params, 'reduceOnly');
    if (positionSide !== 'net' && reduceOnly !== undefined) throw notRequired('reduceOnly');
    const quantity = BinanceDialect.decimalParam(params, 'quantity', decimals(instrument.stepSize));
    if (quantity === undefined) throw mandatory('quantity');
    let price: string | undefined;
    if (type === 'LIMIT') {
      price = BinanceDialect.decimalParam(params, 'price', decimals(instrument.tickSize));
      if (price === undefined) throw mandatory('price');
      const tif = params.get('timeInForce');
      if (tif === undefined) throw mandatory('timeInForce');
      if (tif !== 'GTC') {
        throw err(
          -1115,
          ['IOC', 'FOK', 'GTX', 'GTD'].includes(tif)
            ? `timeInForce ${tif} is not simulated.`
            : 'Invalid timeInForce.',
        );
      }
    } else if (params.has('price')) {
      throw notRequired('price');
    }
    const clientOrderId = this.clientIdParam(params, 'newClientOrderId');
    const request: PaperOrderRequest = {
      venueSymbol: instrument.venueSymbol,
      side: side === 'BUY' ? 'buy' : ('sell' as OrderSide),
      type: type === 'LIMIT' ? 'limit' : 'market',
      qty: quantity,
      ...(price !== undefined ? { price } : {}),
      positionSide,
      reduceOnly: reduceOnly === true,
      clientOrderId,
    };
    const order = this.venue.submitOrder(request);
    this.extras.set(order.venueOrderId, {
      workingType: 'CONTRACT_PRICE',
      priceProtect: false,
      reduceOnlyParam: reduceOnly === true,
    });
    const json = this.orderJson(order, false);
    if ((params.get('newOrderRespType') ?? 'ACK') === 'RESULT') return json;
    // ACK: the order as accepted, before matching.
    const zeroQty = new Decimal(0).toFixed(decimals(instrument.stepSize));
    return {
      ...json,
      status: 'NEW',
      executedQty: zeroQty,
      cumQty: zeroQty,
      cumQuote: '0.00000',
      avgPrice: '0.00',
    };
  }

  getOrder(params: Map<string, string>): unknown {
    const instrument = this.instrumentOf(params.get('symbol'));
    const order = this.findRegular(params, instrument.venueSymbol);
    if (order === undefined) throw err(-2013, MESSAGES[-2013] as string);
    return this.orderJson(order, true);
  }

  deleteOrder(params: Map<string, string>): unknown {
    const instrument = this.instrumentOf(params.get('symbol'));
    const order = this.findRegular(params, instrument.venueSymbol);
    if (order === undefined || (order.status !== 'new' && order.status !== 'partially_filled')) {
      throw err(-2011, MESSAGES[-2011] as string);
    }
    return this.orderJson(
      this.venue.cancel(instrument.venueSymbol, { venueOrderId: order.venueOrderId }),
      false,
    );
  }

  private open(symbol: string | undefined, algo: boolean): Order[] {
    if (symbol !== undefined) this.instrumentOf(symbol);
    return this.venue
      .orderHistory(symbol)
      .filter((o) => o.isAlgo === algo && (o.status === 'new' || o.status === 'partially_filled'));
  }

  openOrders(params: Map<string, string>): unknown {
    return this.open(params.get('symbol'), false).map((o) => this.orderJson(o, true));
  }

  deleteAllOpenOrders(params: Map<string, string>): unknown {
    const instrument = this.instrumentOf(params.get('symbol'));
    for (const o of this.open(instrument.venueSymbol, false)) {
      this.venue.cancel(instrument.venueSymbol, { venueOrderId: o.venueOrderId });
    }
    return { code: 200, msg: 'The operation of cancel all open order is done.' };
  }

  postAlgo(params: Map<string, string>): unknown {
    const algoType = params.get('algoType');
    if (algoType === undefined) throw mandatory('algoType');
    if (algoType !== 'CONDITIONAL') throw err(-1130, "Data sent for parameter 'algoType' is not valid.");
    const instrument = this.instrumentOf(params.get('symbol'));
    const side = BinanceDialect.side(params);
    const type = params.get('type');
    if (type === undefined) throw mandatory('type');
    if (type === 'TRAILING_STOP_MARKET') return this.postTrailingAlgo(params, instrument, side);
    if (type !== 'STOP_MARKET' && type !== 'TAKE_PROFIT_MARKET') {
      throw err(
        -1116,
        CONDITIONAL_TYPES.has(type) ? `Order type ${type} is not simulated.` : 'Invalid orderType.',
      );
    }
    const positionSide = this.positionSideParam(params);
    const closePosition = BinanceDialect.bool(params, 'closePosition') === true;
    const reduceOnly = BinanceDialect.bool(params, 'reduceOnly');
    if ((positionSide !== 'net' || closePosition) && reduceOnly !== undefined)
      throw notRequired('reduceOnly');
    const quantity = BinanceDialect.decimalParam(params, 'quantity', decimals(instrument.stepSize));
    if (closePosition && quantity !== undefined) throw notRequired('quantity');
    if (!closePosition && quantity === undefined) throw mandatory('quantity');
    const triggerPrice = BinanceDialect.decimalParam(params, 'triggerPrice', decimals(instrument.tickSize));
    if (triggerPrice === undefined) throw mandatory('triggerPrice');
    const extras = BinanceDialect.algoExtras(params, reduceOnly);
    const order = this.venue.submitOrder({
      venueSymbol: instrument.venueSymbol,
      side: side === 'BUY' ? 'buy' : 'sell',
      type: type === 'STOP_MARKET' ? 'stop_market' : 'take_profit_market',
      triggerPrice,
      ...(closePosition
        ? { closePosition: true }
        : { qty: quantity as string, reduceOnly: reduceOnly === true }),
      positionSide,
      clientOrderId: this.clientIdParam(params, 'clientAlgoId'),
    });
    this.extras.set(order.venueOrderId, extras);
    return this.algoJson(order);
  }

  /** A conditional algo order's `workingType` (checked) and the flags the simulator answers it with later. */
  private static algoExtras(params: Map<string, string>, reduceOnly: boolean | undefined) {
    const workingType = params.get('workingType') ?? 'CONTRACT_PRICE';
    if (workingType !== 'CONTRACT_PRICE' && workingType !== 'MARK_PRICE') {
      throw err(-1130, "Data sent for parameter 'workingType' is not valid.");
    }
    return {
      workingType,
      priceProtect: BinanceDialect.bool(params, 'priceProtect') === true,
      reduceOnlyParam: reduceOnly === true,
    };
  }

  /**
   * TRAILING_STOP_MARKET (the algo docs' rules): `callbackRate` 0.1–10 percent with one decimal,
   * `activatePrice` optional (a sell's above the price, a buy's below, else -2021), a quantity (no
   * closePosition), reduceOnly in one-way mode only. The paper venue trails and triggers it.
   */
  private postTrailingAlgo(params: Map<string, string>, instrument: Instrument, side: string): unknown {
    const positionSide = this.positionSideParam(params);
    if (BinanceDialect.bool(params, 'closePosition') === true) {
      throw err(-1106, "Parameter 'closePosition' sent when not required.");
    }
    const reduceOnly = BinanceDialect.bool(params, 'reduceOnly');
    if (positionSide !== 'net' && reduceOnly !== undefined) throw notRequired('reduceOnly');
    const quantity = BinanceDialect.decimalParam(params, 'quantity', decimals(instrument.stepSize));
    if (quantity === undefined) throw mandatory('quantity');
    if (params.has('triggerPrice')) throw notRequired('triggerPrice');
    const callbackRate = BinanceDialect.decimalParam(params, 'callbackRate', 1);
    if (callbackRate === undefined) throw mandatory('callbackRate');
    const rate = new Decimal(callbackRate);
    if (rate.lt('0.1') || rate.gt(10)) {
      throw err(-1130, "Data sent for parameter 'callbackRate' is not valid.");
    }
    const activatePrice = BinanceDialect.decimalParam(params, 'activatePrice', decimals(instrument.tickSize));
    const extras = BinanceDialect.algoExtras(params, reduceOnly);
    const order = this.venue.submitOrder({
      venueSymbol: instrument.venueSymbol,
      side: side === 'BUY' ? 'buy' : 'sell',
      type: 'trailing_stop_market',
      qty: quantity,
      reduceOnly: reduceOnly === true,
      callbackRatePct: callbackRate,
      ...(activatePrice !== undefined ? { activationPrice: activatePrice } : {}),
      positionSide,
      clientOrderId: this.clientIdParam(params, 'clientAlgoId'),
    });
    this.extras.set(order.venueOrderId, extras);
    return this.algoJson(order);
  }

  getAlgo(params: Map<string, string>): unknown {
    const order = this.findAlgo(params);
    if (order === undefined) throw err(-2013, MESSAGES[-2013] as string);
    return this.algoJson(order);
  }

  deleteAlgo(params: Map<string, string>): unknown {
    const order = this.findAlgo(params);
    if (order === undefined || order.status !== 'new') throw err(-2011, MESSAGES[-2011] as string);
    this.venue.cancel(order.venueSymbol, { venueOrderId: order.venueOrderId });
    return {
      algoId: Number(order.venueOrderId),
      clientAlgoId: order.clientOrderId,
      code: '200',
      msg: 'success',
    };
  }

  openAlgoOrders(params: Map<string, string>): unknown {
    return this.open(params.get('symbol'), true).map((o) => this.algoJson(o));
  }

  deleteAlgoOpenOrders(params: Map<string, string>): unknown {
    const instrument = this.instrumentOf(params.get('symbol'));
    for (const o of this.open(instrument.venueSymbol, true)) {
      this.venue.cancel(instrument.venueSymbol, { venueOrderId: o.venueOrderId });
    }
    return { code: 200, msg: 'The operation of cancel all open order is done.' };
  }
}

function wireSide(side: PositionSide): 'BOTH' | 'LONG' | 'SHORT' {
  return side === 'long' ? 'LONG' : side === 'short' ? 'SHORT' : 'BOTH';
}

const ORDER_STATUS: Record<string, string> = {
  new: 'NEW',
  partially_filled: 'PARTIALLY_FILLED',
  filled: 'FILLED',
  canceled: 'CANCELED',
  rejected: 'REJECTED',
  expired: 'EXPIRED',
  unknown: 'NEW',
};

const ALGO_STATUS: Record<string, string> = {
  new: 'NEW',
  partially_filled: 'TRIGGERED',
  filled: 'FINISHED',
  canceled: 'CANCELED',
  rejected: 'REJECTED',
  expired: 'EXPIRED',
  unknown: 'NEW',
};

const one = (): number => 1;
const bySymbol = (withSymbol: number, without: number) => (p: Map<string, string>) =>
  p.has('symbol') ? withSymbol : without;
const P = BinanceDialect.prototype;

/** Every path and method served, with its request weight (developers.binance.com values, rounded). */
const ROUTES: Record<string, Route> = {
  'GET /fapi/v1/ping': { signed: false, weight: one, handler: () => ({}) },
  'GET /fapi/v1/time': { signed: false, weight: one, handler: P.time },
  'GET /fapi/v1/exchangeInfo': { signed: false, weight: one, handler: P.exchangeInfo },
  'GET /fapi/v1/ticker/price': { signed: false, weight: bySymbol(1, 2), handler: P.tickerPrice },
  'GET /fapi/v2/ticker/price': { signed: false, weight: bySymbol(1, 2), handler: P.tickerPrice },
  'GET /fapi/v1/klines': {
    signed: false,
    weight: (p) => klineWeight(Number(p.get('limit') ?? 500)),
    handler: P.klines,
  },
  // Shares a 500 / 5 min / IP limit with /fapi/v1/fundingInfo on Binance; one unit of weight here.
  'GET /fapi/v1/fundingRate': { signed: false, weight: one, handler: P.fundingRate },
  'GET /fapi/v1/ticker/24hr': { signed: false, weight: bySymbol(1, 40), handler: P.ticker24hr },
  'GET /fapi/v2/balance': { signed: true, weight: () => 5, handler: P.balance },
  'GET /fapi/v2/account': { signed: true, weight: () => 5, handler: P.accountV2 },
  'GET /fapi/v3/account': { signed: true, weight: () => 5, handler: P.accountV3 },
  'GET /fapi/v1/leverageBracket': { signed: true, weight: one, handler: P.leverageBracket },
  'GET /fapi/v3/balance': { signed: true, weight: () => 5, handler: P.balance },
  'GET /fapi/v2/positionRisk': { signed: true, weight: () => 5, handler: P.positionRiskV2 },
  'GET /fapi/v3/positionRisk': { signed: true, weight: () => 5, handler: P.positionRiskV3 },
  'GET /fapi/v1/positionSide/dual': { signed: true, weight: () => 30, handler: P.getDual },
  'POST /fapi/v1/positionSide/dual': { signed: true, weight: one, handler: P.postDual },
  'POST /fapi/v1/leverage': { signed: true, weight: one, handler: P.postLeverage },
  'POST /fapi/v1/marginType': { signed: true, weight: one, handler: P.postMarginType },
  'POST /fapi/v1/order': { signed: true, order: true, weight: () => 0, handler: P.postOrder },
  'GET /fapi/v1/order': { signed: true, weight: one, handler: P.getOrder },
  'DELETE /fapi/v1/order': { signed: true, weight: one, handler: P.deleteOrder },
  'GET /fapi/v1/openOrders': { signed: true, weight: bySymbol(1, 40), handler: P.openOrders },
  'DELETE /fapi/v1/allOpenOrders': { signed: true, weight: one, handler: P.deleteAllOpenOrders },
  'POST /fapi/v1/algoOrder': { signed: true, order: true, weight: () => 0, handler: P.postAlgo },
  'GET /fapi/v1/algoOrder': { signed: true, weight: one, handler: P.getAlgo },
  'DELETE /fapi/v1/algoOrder': { signed: true, weight: one, handler: P.deleteAlgo },
  'GET /fapi/v1/openAlgoOrders': { signed: true, weight: bySymbol(1, 40), handler: P.openAlgoOrders },
  'DELETE /fapi/v1/algoOpenOrders': { signed: true, weight: one, handler: P.deleteAlgoOpenOrders },
  // USER_STREAM endpoints: API key only, no signature (exchanges.md, streams.md §1.2).
  'POST /fapi/v1/listenKey': { signed: false, weight: one, handler: P.postListenKey },
  'PUT /fapi/v1/listenKey': { signed: false, weight: one, handler: P.putListenKey },
  'DELETE /fapi/v1/listenKey': { signed: false, weight: one, handler: P.deleteListenKey },
  'GET /fapi/v1/userTrades': { signed: true, weight: () => 5, handler: P.userTrades },
  'GET /fapi/v1/allOrders': { signed: true, weight: () => 5, handler: P.allOrders },
  'GET /fapi/v1/income': { signed: true, weight: () => 30, handler: P.income },
};
