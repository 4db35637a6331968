import Decimal from 'decimal.js';
import { isAppError } from '@tradingbot/core';
import type { Instrument, Order, OrderSide, PositionSide } from '../types.ts';
import { OKX_STYLE_INSTRUMENTS } from '../paper/instruments.ts';
import { PAPER_REASON_VENUE_CODES, type PaperRejectReason } from '../paper/index.ts';
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
import { servedFunding } from '../sim/funding.ts';

import { decimals, safeEqual, WIRE_DECIMAL } from '../sim/wire.ts';
import { okxSign } from './signing.ts';
import { okxBarMs } from './parse.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { PaperFill } from '../paper/index.ts';
import { OkxSimStreams } from './sim-streams.ts';

/**
 * A wire-compatible OKX v5 server (the SWAP subset this project uses) backed by the in-process
 * paper venue: the OKX dialect of the shared simulator pipeline (`../sim/pipeline.ts`). It speaks
 * the real protocol — same paths, JSON bodies, the `{code, msg, data}` envelope with per-item
 * `sCode`/`sMsg` (order failures are HTTP 200 with code "1"; auth failures HTTP 401), Base64
 * HMAC-SHA256 signatures verified over the RAW body bytes (compact or python-okx's spaced JSON
 * alike), passphrase and ±30 s timestamp checks, sizes in contracts (`sz` × ctVal = base units),
 * string decimals, posMode net_mode / long_short_mode, per-instrument trade rate limits — so our
 * client and third-party libraries (python-okx, ccxt) pointed at its URL work unchanged. `""` and
 * `null` fields count as absent (python-okx sends `"ccy":""`, `"attachAlgoOrds":null`).
 * Matching, margins and triggers are the paper venue's; this file only translates. Faults
 * (latency, 5xx, 429, 50004 "unknown", dropped connections before/after acceptance, delayed
 * answers) are injectable, and the pipeline's control surface outside /api (`/__sim/...`) moves
 * the price, switches the position mode and adds faults.
 */

export type OkxFaultKind =
  | SharedFaultKind
  /** Answer `status` with `{code, msg}` without executing. */
  | 'http_error'
  /** 429 with code 50011, not executed. */
  | 'rate_limit'
  /** 50004 "API endpoint request timeout" (outcome unknown); with `execute: true` executed first. */
  | 'unknown_result';

export type OkxFaultRule = FaultMatch & { kind: OkxFaultKind; status?: number; code?: string; msg?: string };

/** The envelope's code, and the first failing item's sCode. */
type OkxCodes = { code?: string; sCode?: string };

export type OkxSimRequestLog = WireRequestLog & OkxCodes;

/** The simulator's injected faults; `clockOffsetMs` provokes 50102. */
export type OkxSimFaults = FaultQueue<OkxFaultRule>;

export type OkxSimulatorOptions = WireSimulatorOptions<OkxFaultRule> & {
  passphrase: string;
  /** Instruments of a fresh venue (base units, contractSize = ctVal); default OKX_STYLE_INSTRUMENTS. */
  instruments?: readonly Instrument[];
  /**
   * The key's environment: true = demo (requests must carry `x-simulated-trading: 1`), false = live
   * (they must not); otherwise both are accepted. A mismatch is 50101, as on OKX.
   */
  demo?: boolean;
  /** Allowed distance between OK-ACCESS-TIMESTAMP and the server clock (default 30 000 ms). */
  timestampWindowMs?: number;
  /**
   * Trade rate limits per instrument and 2-second window (OKX "Place order: 60 requests per 2
   * seconds", "Place algo order: 20 requests per 2 seconds"); beyond them 429 / 50011. Default
   * { order: 60, algo: 20 }; false turns them off.
   */
  tradeRateLimits?: { order?: number; algo?: number } | false;
};

export type OkxSimulator = RunningWireSimulator<OkxFaultRule, OkxSimRequestLog>;

/** Starting prices of a fresh venue, so market orders work at once. */
export const OKX_SIM_DEFAULT_PRICES: Readonly<Record<string, string>> = Object.freeze({
  'BTC-USDT-SWAP': '50000',
  'ETH-USDT-SWAP': '3000',
  'SOL-USDT-SWAP': '150',
});

type Params = Record<string, unknown>;

class OkxError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** OKX's messages (https://www.okx.com/docs-v5/en/#error-code). */
/** How far back OKX's funding-rate history reaches (three months). */
const OKX_FUNDING_HISTORY_MS = 92 * 24 * 3_600_000;

const MESSAGES: Record<string, string> = {
  '50000': 'Body for POST request cannot be empty.',
  '50001': 'Service temporarily unavailable. Please try again later.',
  '50002': 'JSON syntax error',
  '50004':
    'API endpoint request timeout (does not mean that the request was successful or failed, please check the request result).',
  '50011': 'Too Many Requests',
  '50014': 'Parameter {0} can not be empty.',
  '50015': 'Either parameter {0} or {1} is required.',
  '50024': 'Parameter sz and closeFraction cannot be passed at the same time.',
  '50037': 'Order expired.',
  '50101': 'APIKey does not match current environment.',
  '50102': 'Timestamp request expired.',
  '50103': 'Request header "OK-ACCESS-KEY" cannot be empty.',
  '50104': 'Request header "OK-ACCESS-PASSPHRASE" cannot be empty.',
  '50105': 'Request header "OK-ACCESS-PASSPHRASE" incorrect.',
  '50106': 'Request header "OK-ACCESS-SIGN" cannot be empty.',
  '50107': 'Request header "OK-ACCESS-TIMESTAMP" cannot be empty.',
  '50111': 'Invalid OK-ACCESS-KEY.',
  '50112': 'Invalid OK-ACCESS-TIMESTAMP.',
  '50113': 'Invalid Sign.',
  '51001': "Instrument ID doesn't exist.",
  '51008': 'Order failed. Insufficient USDT margin in account',
  '51016': 'Duplicated clOrdId',
  '51020': 'Your order should meet or exceed the minimum order amount.',
  '51023': "Position doesn't exist.",
  '51088': 'You can only place 1 TP/SL order to close an entire position',
  '51121': 'Order quantity must be a multiple of the lot size.',
  '51169':
    "Order failed because you don't have any positions in this direction for this contract to reduce or close.",
  '51170':
    'Failed to place a reduce-only order because the direction is the same as that of the current position.',
  '51202': 'Market order amount exceeds the maximum amount.',
  '51277': 'TP trigger price cannot be higher than the last price',
  '51278': 'SL trigger price cannot be lower than the last price',
  '51279': 'TP trigger price cannot be lower than the last price',
  '51280': 'SL trigger price cannot be higher than the last price',
  '51400': 'Order cancellation failed as the order has been filled, canceled or does not exist.',
  '51603': 'Order does not exist',
  '59000': 'Settings failed. Close any open positions or orders before modifying settings.',
  '59102': 'Leverage exceeds the maximum leverage. Adjust leverage.',
};

const STATUS_OF: Record<string, number> = {
  '50000': 400,
  '50002': 400,
  '50014': 400,
  '50015': 400,
  '50024': 400,
  '50011': 429,
  '51000': 400,
};

function statusOf(code: string): number {
  if (/^501\d\d$/.test(code)) return 401;
  return STATUS_OF[code] ?? 200;
}

const err = (code: string, msg = MESSAGES[code] ?? 'Error'): OkxError =>
  new OkxError(statusOf(code), code, msg);
const param = (name: string): OkxError => err('51000', `Parameter ${name} error`);
const empty = (name: string): OkxError => err('50014', `Parameter ${name} can not be empty.`);
const either = (a: string, b: string): OkxError => err('50015', `Either parameter ${a} or ${b} is required.`);

const CLIENT_ID = /^[A-Za-z0-9]{1,32}$/;
const TIMESTAMP_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$/;

/** Paper rejection → OKX code: the paper venue's hints, refined where OKX is more specific. */
function okxCodeFor(reason: PaperRejectReason | undefined): string | undefined {
  switch (reason) {
    case 'reduce_only_would_increase':
      return '51170';
    case 'reduce_only_no_position':
      return '51169';
    case 'no_price':
      return '50001';
    case undefined:
      return undefined;
    default:
      return PAPER_REASON_VENUE_CODES[reason]?.okx;
  }
}

/** Which parameter a 51000 names, for the paper venue's rejection reasons. */
const PARAM_OF: Partial<Record<PaperRejectReason, string>> = {
  qty_not_a_number: 'sz',
  qty_not_positive: 'sz',
  missing_qty: 'sz',
  price_not_a_number: 'px',
  price_not_positive: 'px',
  price_precision: 'px',
  missing_price: 'px',
  missing_trigger_price: 'slTriggerPx',
  invalid_client_order_id: 'clOrdId',
  position_side_mismatch_one_way: 'posSide',
  position_side_mismatch_hedge: 'posSide',
  close_position_wrong_side: 'posSide',
};

/** The paper venue's typed rejection as the OKX code and message a client would see. */
function fromVenueError(error: unknown): OkxError {
  if (error instanceof OkxError) return error;
  if (!isAppError(error)) return err('50001');
  const reason = error.details?.reason as PaperRejectReason | undefined;
  const code = okxCodeFor(reason);
  if (code === undefined) return err('50001', `Service temporarily unavailable. (${error.code})`);
  if (code === '51000') return param((reason !== undefined ? PARAM_OF[reason] : undefined) ?? 'request');
  return err(code);
}

/** OKX's SL/TP trigger-vs-last-price codes for a conditional that would trigger at once. */
function immediateTriggerCode(type: 'stop_market' | 'take_profit_market', side: OrderSide): string {
  if (type === 'stop_market') return side === 'sell' ? '51280' : '51278';
  return side === 'sell' ? '51279' : '51277';
}

/** Drops `""` and `null` fields (python-okx sends them for "not given"), recursively in arrays. */
function clean(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clean);
  if (typeof value === 'object' && value !== null) {
    const out: Params = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === '' || v === null || v === undefined) continue;
      out[k] = clean(v);
    }
    return out;
  }
  return value;
}

function str(p: Params, name: string): string | undefined {
  const v = p[name];
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw param(name);
}

function required(p: Params, name: string): string {
  const v = str(p, name);
  if (v === undefined) throw empty(name);
  return v;
}

function bool(p: Params, name: string): boolean | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw param(name);
}

function decimalParam(p: Params, name: string): string | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  if (!WIRE_DECIMAL.test(v) || new Decimal(v).lte(0)) throw param(name);
  return v;
}

/** Starts the simulator; resolves once it listens (port 0 = an ephemeral port; host 127.0.0.1). */
export function startOkxSimulator(options: OkxSimulatorOptions): Promise<OkxSimulator> {
  return serveDialect(new OkxDialect(options), options.port, options.host);
}

type Context = { params: Params; body: unknown; headers: Record<string, string> };
type Route = {
  signed: boolean;
  /** Failures are reported per item (`code: "1"`, `data[{sCode, sMsg}]`), as on the trade endpoints. */
  perItem?: (ctx: Context) => Record<string, unknown>;
  handler: (this: OkxDialect, ctx: Context) => unknown[];
};

/** One algo order: an OKX `conditional` (one paper conditional) or `oco` (two sharing an ocoGroup). */
type AlgoRecord = {
  algoId: string;
  algoClOrdId: string;
  instId: string;
  ordType: 'conditional' | 'oco' | 'move_order_stop';
  tdMode: string;
  side: OrderSide;
  posSide: PositionSide;
  /** Contracts, or undefined with closeFraction. */
  sz: string | undefined;
  closeFraction: boolean;
  reduceOnly: boolean;
  sl?: { orderId: string; triggerPx: string; triggerPxType: string };
  tp?: { orderId: string; triggerPx: string; triggerPxType: string };
  /** move_order_stop: one paper trailing stop. */
  trail?: { orderId: string; callbackRatio: string; activePx: string | undefined };
  canceled: boolean;
  cTime: number;
};

/** A checked place-algo request (`tp` is dropped when a conditional also has `sl`, as on OKX). */
type AlgoRequest = {
  instrument: Instrument;
  tdMode: 'cross' | 'isolated';
  side: OrderSide;
  ordType: AlgoRecord['ordType'];
  posSide: PositionSide;
  /** Contracts, or undefined with closeFraction. */
  sz: string | undefined;
  /** `sz` in base units. */
  qty: string | undefined;
  closeFraction: boolean;
  reduceOnly: boolean;
  sl: string | undefined;
  tp: string | undefined;
  algoClOrdId: string | undefined;
};

/** What OKX reports on an order that the paper venue does not model. */
type OrderExtras = { tdMode: string; attachAlgoClOrdId: string; reduceOnlyParam: boolean };

class OkxDialect extends SimulatorDialect<OkxFaultRule, OkxCodes, Context, Route> {
  protected readonly routes = ROUTES;
  protected readonly apiKeyHeader = 'ok-access-key';
  protected readonly answerKinds: readonly OkxFaultKind[] = ['http_error', 'rate_limit', 'unknown_result'];
  protected readonly unknownResultKind = 'unknown_result';
  private readonly extras = new Map<string, OrderExtras>();
  private readonly algos = new Map<string, AlgoRecord>();
  /** Paper order id of an algo leg → its algoId. */
  private readonly legOf = new Map<string, string>();
  /** clOrdIds and algoClOrdIds ever used (OKX refuses a reused one: 51016). */
  private readonly usedClOrdIds = new Set<string>();
  private readonly usedAlgoClOrdIds = new Set<string>();
  private algoSeq = 0;
  /** Trade requests per `path instId` in the current 2-second window. */
  private readonly tradeCounts = new Map<string, { window: number; count: number }>();
  private legSeq = 0;
  /** Funding-fee bills (`/account/bills` type 8), oldest first. */
  readonly fundingBills: Array<{
    billId: string;
    instId: string;
    ccy: string;
    balChg: string;
    ts: string;
  }> = [];
  /** The WebSocket side (`/ws/v5/...`), created once the instruments are known. */
  private streams: OkxSimStreams | undefined;

  constructor(private readonly options: OkxSimulatorOptions) {
    super(options, (now) =>
      freshPaperVenue({
        ...options,
        instruments: options.instruments ?? OKX_STYLE_INSTRUMENTS,
        defaultPrices: OKX_SIM_DEFAULT_PRICES,
        now,
      }),
    );
  }

  // ── The dialect ────────────────────────────────────────────────────────────────────────────

  override async loadInstruments(): Promise<void> {
    await super.loadInstruments();
    this.streams ??= new OkxSimStreams({
      apiKey: this.options.apiKey,
      apiSecret: this.options.apiSecret,
      passphrase: this.options.passphrase,
      timestampWindowMs: this.options.timestampWindowMs ?? 30_000,
      venue: this.venue,
      serverTime: () => this.serverTime(),
      instruments: () => this.instruments,
      orderRow: (id, fill) => this.streamOrderRow(id, fill),
      orderSignatures: () => this.orderSignatures(),
      algoRows: () => {
        this.syncAttached();
        return [...this.algos.values()].map((a) => this.algoJson(a));
      },
      positionRows: () =>
        this.positionsList({ params: {}, body: undefined, headers: {} }) as Record<string, unknown>[],
      balanceRow: () =>
        this.balance({ params: {}, body: undefined, headers: {} })[0] as Record<string, unknown>,
      ticker: (instId) =>
        this.ticker({ params: { instId }, body: undefined, headers: {} })[0] as Record<string, unknown>,
      recordFunding: (payment) => {
        this.fundingBills.push({
          // Bills take numeric ids in booking order (the paper ledger's own id is per venue only).
          billId: String(900_000_000_000 + this.fundingBills.length + 1),
          instId: payment.venueSymbol,
          ccy: payment.asset,
          balChg: payment.amount,
          ts: String(payment.time),
        });
      },
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

  protected faultReply(rule: OkxFaultRule): WireReply {
    switch (rule.kind) {
      case 'rate_limit':
        return { status: rule.status ?? 429, body: { code: '50011', msg: MESSAGES['50011'], data: [] } };
      case 'unknown_result':
        return { status: rule.status ?? 200, body: { code: '50004', msg: MESSAGES['50004'], data: [] } };
      default:
        return {
          status: rule.status ?? 500,
          body: { code: rule.code ?? '50001', msg: rule.msg ?? MESSAGES['50001'], data: [] },
        };
    }
  }

  protected override controlSymbol(body: Record<string, unknown>): unknown {
    return body.symbol ?? body.instId;
  }

  protected override controlHedge(body: Record<string, unknown>): boolean {
    return body.hedge === true || body.posMode === 'long_short_mode';
  }

  protected unrouted(_method: string, _path: string, pathServed: boolean): WireReply {
    return pathServed
      ? { status: 405, body: { code: '405', msg: 'Method Not Allowed', data: [] } }
      : { status: 404, body: { code: '404', msg: 'Not Found', data: [] } };
  }

  protected success(_route: Route, result: unknown): WireReply {
    return { status: 200, body: { code: '0', msg: '', data: result } };
  }

  /** Trade endpoints report their failures per item; batch answers carry every item. */
  protected failure(error: unknown, route: Route, ctx: Context | undefined): WireReply {
    const e = fromVenueError(error);
    if (e instanceof BatchResult)
      return { status: 200, body: { code: e.code, msg: e.message, data: e.items } };
    if (route.perItem !== undefined && ctx !== undefined && !e.code.startsWith('50')) {
      const item = { ...route.perItem(ctx), sCode: e.code, sMsg: e.message };
      return { status: 200, body: { code: '1', msg: 'All operations failed', data: [item] } };
    }
    return { status: e.status, body: { code: e.code, msg: e.message, data: [] } };
  }

  protected recordReply(log: OkxCodes, reply: WireReply): void {
    const body = reply.body as { code?: unknown; data?: unknown } | undefined;
    if (typeof body?.code !== 'string') return;
    log.code = body.code;
    const failed = Array.isArray(body.data)
      ? (body.data as { sCode?: unknown }[]).find((d) => d.sCode !== undefined && d.sCode !== '0')
      : undefined;
    if (failed !== undefined) log.sCode = String(failed.sCode);
  }

  protected override limitAccount(_route: Route, request: WireRequest, ctx: Context): void {
    this.countTrade(request.method, request.path, ctx);
  }

  /** Counts order placements per instrument and 2-second window; 429 / 50011 beyond the limit. */
  private countTrade(method: string, path: string, ctx: Context): void {
    const limits = this.options.tradeRateLimits;
    if (limits === false || method !== 'POST') return;
    const limit =
      path === '/api/v5/trade/order'
        ? (limits?.order ?? 60)
        : path === '/api/v5/trade/order-algo'
          ? (limits?.algo ?? 20)
          : undefined;
    if (limit === undefined) return;
    const key = `${path} ${String(ctx.params.instId ?? '')}`;
    const window = Math.floor(this.serverTime() / 2000);
    const entry = this.tradeCounts.get(key);
    const count = entry !== undefined && entry.window === window ? entry.count + 1 : 1;
    this.tradeCounts.set(key, { window, count });
    if (count > limit) throw err('50011');
  }

  /** Header, environment, timestamp, passphrase and signature checks of a private endpoint. */
  protected authenticate({ method, target, body, headers }: WireRequest): void {
    const key = headers['ok-access-key'] ?? '';
    const sign = headers['ok-access-sign'] ?? '';
    const timestamp = headers['ok-access-timestamp'] ?? '';
    const passphrase = headers['ok-access-passphrase'];
    if (key === '') throw err('50103');
    if (sign === '') throw err('50106');
    if (timestamp === '') throw err('50107');
    if (passphrase === undefined || passphrase === '') throw err('50104');
    if (key !== this.options.apiKey) throw err('50111');
    const demoHeader = headers['x-simulated-trading'] === '1';
    if (this.options.demo !== undefined && this.options.demo !== demoHeader) throw err('50101');
    if (!TIMESTAMP_RE.test(timestamp) || !Number.isFinite(Date.parse(timestamp))) throw err('50112');
    const skew = Math.abs(this.serverTime() - Date.parse(timestamp));
    if (skew > (this.options.timestampWindowMs ?? 30_000)) throw err('50102');
    if (!safeEqual(passphrase, this.options.passphrase)) throw err('50105');
    // The signature covers the path + query and the body exactly as received (spaces included).
    const expected = okxSign(this.options.apiSecret, timestamp, method, target, body);
    if (!safeEqual(sign, expected)) throw err('50113');
  }

  /** Query parameters (GET) or the JSON body (POST), `""` / `null` fields dropped. */
  protected parse({ method, target, body: rawBody, headers }: WireRequest): Context {
    const params: Params = {};
    const query = new URL(target, 'http://sim').searchParams;
    for (const [k, v] of query) if (v !== '') params[k] = v;
    let body: unknown = undefined;
    if (method === 'POST') {
      if (rawBody.trim() === '') throw err('50000');
      try {
        body = clean(JSON.parse(rawBody));
      } catch {
        throw err('50002');
      }
      if (typeof body === 'object' && body !== null && !Array.isArray(body)) Object.assign(params, body);
      else if (!Array.isArray(body)) throw err('50002');
    }
    return { params, body, headers };
  }

  // ── Helpers ───────────────────────────────────────────────────────────────────────────────

  private instrumentOf(instId: string | undefined): Instrument {
    if (instId === undefined) throw empty('instId');
    const found = this.instruments.find((i) => i.venueSymbol === instId);
    if (found === undefined) throw err('51001');
    return found;
  }

  private hedge(): boolean {
    return this.venue.accountState().positionMode === 'hedge';
  }

  /** posSide as the account's mode allows it: `net` (or absent) in net_mode, `long`/`short` in long_short_mode. */
  private posSideParam(p: Params): PositionSide {
    const raw = str(p, 'posSide') ?? 'net';
    if (raw !== 'net' && raw !== 'long' && raw !== 'short') throw param('posSide');
    if (this.hedge() !== (raw !== 'net')) throw param('posSide');
    return raw;
  }

  private static side(p: Params): OrderSide {
    const side = required(p, 'side');
    if (side !== 'buy' && side !== 'sell') throw param('side');
    return side;
  }

  private static marginMode(p: Params, name: string): 'cross' | 'isolated' {
    const mode = required(p, name);
    if (mode !== 'cross' && mode !== 'isolated') throw param(name);
    return mode;
  }

  private contracts(instrument: Instrument, sz: string): string {
    return new Decimal(sz).mul(instrument.contractSize).toFixed();
  }

  private toContracts(instrument: Instrument, baseQty: string): string {
    const d = new Decimal(baseQty).div(instrument.contractSize);
    return d.isZero() ? '0' : d.toFixed();
  }

  private price(instrument: Instrument): string {
    const price = this.venue.priceOf(instrument.venueSymbol);
    if (price === undefined) throw err('50001');
    return new Decimal(price).toFixed(decimals(instrument.tickSize));
  }

  private static expTime(headers: Record<string, string>, now: number): void {
    const raw = headers['exptime'];
    if (raw === undefined || raw === '') return;
    if (!/^\d{1,20}$/.test(raw)) throw param('expTime');
    if (now > Number(raw)) throw err('50037');
  }

  // ── Public data ───────────────────────────────────────────────────────────────────────────

  time(): unknown[] {
    return [{ ts: String(this.serverTime()) }];
  }

  instrumentsList({ params }: Context): unknown[] {
    const instType = required(params, 'instType');
    if (instType !== 'SWAP') return [];
    const instId = str(params, 'instId');
    const list = instId === undefined ? this.instruments : [this.instrumentOf(instId)];
    return list.map((i) => ({
      instType: 'SWAP',
      instId: i.venueSymbol,
      uly: `${i.base}-${i.quote}`,
      instFamily: `${i.base}-${i.quote}`,
      baseCcy: '',
      quoteCcy: '',
      settleCcy: i.quote,
      ctVal: i.contractSize,
      ctMult: '1',
      ctValCcy: i.base,
      ctType: 'linear',
      optType: '',
      stk: '',
      listTime: '1611916828000',
      expTime: '',
      lever: String(i.maxLeverage),
      tickSz: i.tickSize,
      lotSz: this.toContracts(i, i.stepSize),
      minSz: this.toContracts(i, i.minQty),
      maxLmtSz: i.maxQty !== undefined ? this.toContracts(i, i.maxQty) : '100000000',
      maxMktSz: i.maxQty !== undefined ? this.toContracts(i, i.maxQty) : '100000000',
      alias: '',
      state: 'live',
      ruleType: 'normal',
    }));
  }

  ticker({ params }: Context): unknown[] {
    const instrument = this.instrumentOf(required(params, 'instId'));
    const last = this.price(instrument);
    const ts = String(this.serverTime());
    return [
      {
        instType: 'SWAP',
        instId: instrument.venueSymbol,
        last,
        lastSz: this.toContracts(instrument, instrument.minQty),
        askPx: last,
        askSz: '100',
        bidPx: last,
        bidSz: '100',
        open24h: last,
        high24h: last,
        low24h: last,
        volCcy24h: '0',
        vol24h: '0',
        sodUtc0: last,
        sodUtc8: last,
        ts,
      },
    ];
  }

  tickers({ params }: Context): unknown[] {
    const instType = required(params, 'instType');
    if (instType !== 'SWAP') return [];
    return this.instruments
      .filter((i) => this.venue.priceOf(i.venueSymbol) !== undefined)
      .flatMap((i) => this.ticker({ params: { instId: i.venueSymbol }, body: undefined, headers: {} }));
  }

  candles(ctx: Context): unknown[] {
    return this.candleRows(ctx, false);
  }

  historyCandles(ctx: Context): unknown[] {
    return this.candleRows(ctx, true);
  }

  /**
   * `GET /api/v5/public/funding-rate-history`: newest first, `after` = older than, `before` = newer
   * than a funding time; the newest `limit` (default and at most 400) of that window, from the last
   * three months only, as on OKX.
   */
  fundingRateHistory({ params }: Context): unknown[] {
    const instrument = this.instrumentOf(required(params, 'instId'));
    const int = (name: string): number | undefined => {
      const v = str(params, name);
      if (v === undefined) return undefined;
      if (!/^\d{1,20}$/.test(v)) throw param(name);
      return Number(v);
    };
    const limit = int('limit') ?? 400;
    if (limit < 1 || limit > 400) throw param('limit');
    const now = this.serverTime();
    const after = int('after');
    const before = int('before');
    const to = Math.min(now, after === undefined ? Infinity : after - 1);
    const from = Math.max(now - OKX_FUNDING_HISTORY_MS, before === undefined ? -Infinity : before + 1);
    const price = Number(this.venue.priceOf(instrument.venueSymbol) ?? '1');
    return servedFunding(this.options.fundingRates, instrument.venueSymbol, price, from, to)
      .reverse()
      .slice(0, limit)
      .map((f) => ({
        instType: 'SWAP',
        instId: instrument.venueSymbol,
        formulaType: 'noRate',
        fundingRate: f.rate.toFixed(10),
        realizedRate: f.rate.toFixed(10),
        fundingTime: String(f.time),
        method: 'current_period',
      }));
  }

  /**
   * `[ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm]` newest first. `after` = older than, `before`
   * = newer than; the newest `limit` rows of that window. /market/candles serves only the latest
   * 1440 bars, history-candles everything
   * (https://www.okx.com/docs-v5/en/#order-book-trading-market-data-get-candlesticks).
   */
  private candleRows({ params }: Context, history: boolean): unknown[] {
    const instrument = this.instrumentOf(required(params, 'instId'));
    const bar = str(params, 'bar') ?? '1m';
    const step = okxBarMs(bar);
    if (step === undefined || (bar === '1s' && !history)) throw param('bar');
    const int = (name: string): number | undefined => {
      const v = str(params, name);
      if (v === undefined) return undefined;
      if (!/^\d{1,20}$/.test(v)) throw param(name);
      return Number(v);
    };
    const limit = int('limit') ?? 100;
    // candles: at most 300 a page; history-candles: at most 100 (OKX docs)
    if (limit < 1 || limit > (history ? 100 : 300)) throw param('limit');
    const after = int('after');
    const before = int('before');
    const now = this.serverTime();
    const oldest = history ? -Infinity : (Math.floor(now / step) - (1440 - 1)) * step;
    const rows = servedCandles(this.options.candles, instrument.venueSymbol, step, () =>
      this.synthesize(instrument, step, after, before, oldest, limit, now),
    );
    const selected = rows
      .filter(
        (c) =>
          c.time <= now &&
          c.time >= oldest &&
          (after === undefined || c.time < after) &&
          (before === undefined || c.time > before),
      )
      .sort((a, b) => b.time - a.time)
      .slice(0, limit);
    const places = decimals(instrument.tickSize);
    return selected.map((c) => [
      String(c.time),
      c.open.toFixed(places),
      c.high.toFixed(places),
      c.low.toFixed(places),
      c.close.toFixed(places),
      this.toContracts(instrument, new Decimal(c.volume).toDecimalPlaces(8).toFixed()),
      new Decimal(c.volume).toDecimalPlaces(8).toFixed(),
      new Decimal(c.volume * c.close).toDecimalPlaces(4).toFixed(),
      c.time + step <= now ? '1' : '0',
    ]);
  }

  /** Deterministic candles around the current price, newest back: the current candle closes at the price. */
  private synthesize(
    instrument: Instrument,
    step: number,
    after: number | undefined,
    before: number | undefined,
    oldest: number,
    limit: number,
    now: number,
  ): Candle[] {
    const price = Number(this.venue.priceOf(instrument.venueSymbol) ?? '1');
    const current = Math.floor(now / step) * step;
    const out: Candle[] = [];
    let t = after === undefined ? current : Math.min(current, Math.ceil(after / step) * step - step);
    for (; out.length < limit && t >= oldest && (before === undefined || t > before); t -= step) {
      out.push(syntheticCandle(t, step, price, t === current));
    }
    return out;
  }

  // ── Account ───────────────────────────────────────────────────────────────────────────────

  balance({ params }: Context): unknown[] {
    const state = this.venue.accountState();
    const wanted = str(params, 'ccy')?.split(',');
    const fmt8 = (d: Decimal.Value): string => new Decimal(d).toDecimalPlaces(8).toFixed();
    const details = state.balances
      .filter((b) => wanted === undefined || wanted.includes(b.asset))
      .map((b) => ({
        ccy: b.asset,
        eq: fmt8(b.equity),
        cashBal: fmt8(b.wallet),
        availBal: fmt8(b.available),
        availEq: fmt8(b.available),
        frozenBal: fmt8(new Decimal(b.isolatedMargin).plus(b.crossInitialMargin).plus(b.openOrderMargin)),
        ordFrozen: fmt8(b.openOrderMargin),
        isoEq: fmt8(b.isolatedMargin),
        upl: fmt8(b.unrealizedPnl),
        mmr: fmt8(b.maintenanceMargin),
        eqUsd: fmt8(b.equity),
        uTime: String(state.time),
      }));
    const total = details.reduce((sum, d) => sum.plus(d.eq), new Decimal(0));
    return [{ uTime: String(state.time), totalEq: fmt8(total), isoEq: '0', adjEq: fmt8(total), details }];
  }

  positionsList({ params }: Context): unknown[] {
    const instType = str(params, 'instType');
    if (instType !== undefined && instType !== 'SWAP') return [];
    const instId = str(params, 'instId');
    if (instId !== undefined) this.instrumentOf(instId);
    const state = this.venue.accountState();
    const hedge = state.positionMode === 'hedge';
    return state.positions
      .filter((p) => (instId === undefined || p.venueSymbol === instId) && !new Decimal(p.qty).isZero())
      .map((p) => {
        const instrument = this.instrumentOf(p.venueSymbol);
        const contracts = new Decimal(this.toContracts(instrument, p.qty));
        return {
          instType: 'SWAP',
          instId: p.venueSymbol,
          posId: `${p.venueSymbol}-${p.side}`,
          mgnMode: p.marginMode,
          posSide: p.side,
          // net_mode: signed; long_short_mode: positive on both legs.
          pos: (hedge ? contracts.abs() : contracts).toFixed(),
          availPos: contracts.abs().toFixed(),
          posCcy: '',
          ccy: instrument.quote,
          avgPx: p.entryPrice,
          markPx: p.markPrice,
          last: p.markPrice,
          upl: new Decimal(p.unrealizedPnl).toDecimalPlaces(8).toFixed(),
          lever: String(p.leverage),
          liqPx: p.liquidationPrice ?? '',
          imr: p.marginMode === 'cross' ? p.initialMargin : '',
          margin: p.marginMode === 'isolated' ? (p.isolatedMargin ?? '0') : '',
          mmr: p.maintenanceMargin,
          notionalUsd: p.notional,
          cTime: String(p.updatedAt),
          uTime: String(p.updatedAt),
        };
      });
  }

  config(): unknown[] {
    return [
      {
        uid: '44705892343619584',
        mainUid: '44705892343619584',
        acctLv: '2',
        posMode: this.hedge() ? 'long_short_mode' : 'net_mode',
        autoLoan: false,
        greeksType: 'PA',
        level: 'Lv1',
        levelTmp: '',
        ctIsoMode: 'automatic',
        mgnIsoMode: 'automatic',
        roleType: '0',
        perm: 'read_only,trade',
        label: 'simulator',
      },
    ];
  }

  leverageInfo({ params }: Context): unknown[] {
    const ids = required(params, 'instId').split(',');
    const mgnMode = OkxDialect.marginMode(params, 'mgnMode');
    const state = this.venue.accountState();
    const legs: PositionSide[] = mgnMode === 'isolated' && this.hedge() ? ['long', 'short'] : ['net'];
    return ids.flatMap((id) => {
      const instrument = this.instrumentOf(id);
      const lever = String(state.leverage[instrument.venueSymbol] ?? '');
      return legs.map((posSide) => ({ instId: instrument.venueSymbol, mgnMode, posSide, lever }));
    });
  }

  setPositionMode({ params }: Context): unknown[] {
    const posMode = required(params, 'posMode');
    if (posMode !== 'long_short_mode' && posMode !== 'net_mode') throw param('posMode');
    this.venue.setPositionMode(posMode === 'long_short_mode' ? 'hedge' : 'one_way');
    return [{ posMode }];
  }

  setLeverage({ params }: Context): unknown[] {
    const instrument = this.instrumentOf(required(params, 'instId'));
    const lever = required(params, 'lever');
    const mgnMode = OkxDialect.marginMode(params, 'mgnMode');
    const posSide = str(params, 'posSide');
    if (mgnMode === 'isolated' && this.hedge()) {
      if (posSide !== 'long' && posSide !== 'short') throw param('posSide');
    }
    if (!/^\d{1,4}(\.\d{1,2})?$/.test(lever) || Number(lever) < 1) throw param('lever');
    if (Number(lever) > instrument.maxLeverage) throw err('59102');
    if (!Number.isInteger(Number(lever))) throw param('lever');
    this.venue.setLeverageSync(instrument.venueSymbol, Number(lever));
    return [{ instId: instrument.venueSymbol, lever, mgnMode, posSide: posSide ?? '' }];
  }

  // ── Orders ────────────────────────────────────────────────────────────────────────────────

  /**
   * `POST /api/v5/trade/batch-orders`: up to 20 orders in one request (ccxt's default for
   * createOrder), each placed as `/trade/order` would and answered per item; "1" when all failed,
   * "2" when some did.
   */
  placeBatchOrders({ body, headers }: Context): unknown[] {
    if (!Array.isArray(body) || body.length === 0 || body.length > 20) throw param('body');
    const items: unknown[] = [];
    let failed = 0;
    for (const entry of body) {
      const params = (typeof entry === 'object' && entry !== null ? entry : {}) as Params;
      const ctx: Context = { params, body: entry, headers };
      try {
        this.countTrade('POST', '/api/v5/trade/order', ctx);
        items.push(...this.placeOrder(ctx));
      } catch (error) {
        const e = fromVenueError(error);
        failed++;
        items.push({ ...orderItem(ctx), sCode: e.code, sMsg: e.message });
      }
    }
    if (failed > 0) throw new BatchResult(failed === items.length ? '1' : '2', items);
    return items;
  }

  placeOrder({ params, headers }: Context): unknown[] {
    // A request that reaches the venue after its expTime is discarded before anything else.
    OkxDialect.expTime(headers, this.serverTime());
    const instrument = this.instrumentOf(required(params, 'instId'));
    const tdMode = OkxDialect.marginMode(params, 'tdMode');
    const side = OkxDialect.side(params);
    const ordType = required(params, 'ordType');
    if (ordType !== 'market' && ordType !== 'limit') throw param('ordType');
    const posSide = this.posSideParam(params);
    // reduceOnly applies in net_mode only; in long_short_mode side + posSide already say it.
    const reduceOnly = bool(params, 'reduceOnly') === true && posSide === 'net';
    const sz = decimalParam(params, 'sz');
    if (sz === undefined) throw empty('sz');
    let px: string | undefined;
    if (ordType === 'limit') {
      px = decimalParam(params, 'px');
      if (px === undefined) throw empty('px');
    }
    const clOrdId = str(params, 'clOrdId');
    if (clOrdId !== undefined && !CLIENT_ID.test(clOrdId)) throw param('clOrdId');
    if (clOrdId !== undefined && this.usedClOrdIds.has(clOrdId)) throw err('51016');
    let attach: Params | undefined;
    const attachList = params.attachAlgoOrds;
    if (attachList !== undefined) {
      if (!Array.isArray(attachList) || attachList.length > 1) throw param('attachAlgoOrds');
      attach = attachList[0] as Params | undefined;
    }
    const sl = attach === undefined ? undefined : decimalParam(attach, 'slTriggerPx');
    const tp = attach === undefined ? undefined : decimalParam(attach, 'tpTriggerPx');
    for (const name of ['slOrdPx', 'tpOrdPx']) {
      const v = attach === undefined ? undefined : str(attach, name);
      if (v !== undefined && v !== '-1') throw param(name); // limit TP/SL legs are not simulated
    }
    const attachAlgoClOrdId = attach === undefined ? undefined : str(attach, 'attachAlgoClOrdId');
    if (attachAlgoClOrdId !== undefined && !CLIENT_ID.test(attachAlgoClOrdId))
      throw param('attachAlgoClOrdId');

    const qty = this.contracts(instrument, sz);
    if (!new Decimal(qty).mod(instrument.stepSize).isZero()) throw err('51121');
    if (new Decimal(qty).lt(instrument.minQty)) throw err('51020');
    const order = this.venue.submitOrder({
      venueSymbol: instrument.venueSymbol,
      side,
      type: ordType,
      qty,
      ...(px !== undefined ? { price: px } : {}),
      positionSide: posSide,
      reduceOnly,
      marginMode: tdMode,
      ...(clOrdId !== undefined ? { clientOrderId: clOrdId } : {}),
      ...(sl !== undefined ? { attachedStopLoss: sl } : {}),
      ...(tp !== undefined ? { attachedTakeProfit: tp } : {}),
    });
    if (clOrdId !== undefined) this.usedClOrdIds.add(clOrdId);
    this.extras.set(order.venueOrderId, {
      tdMode,
      attachAlgoClOrdId: attachAlgoClOrdId ?? '',
      reduceOnlyParam: reduceOnly,
    });
    return [
      {
        ordId: order.venueOrderId,
        clOrdId: clOrdId ?? '',
        tag: '',
        ts: String(this.serverTime()),
        sCode: '0',
        sMsg: 'Order placed',
      },
    ];
  }

  private findRegular(params: Params): Order | undefined {
    const instrument = this.instrumentOf(required(params, 'instId'));
    const ordId = str(params, 'ordId');
    const clOrdId = str(params, 'clOrdId');
    if (ordId === undefined && clOrdId === undefined) throw either('ordId', 'clOrdId');
    const found =
      ordId !== undefined
        ? this.venue.findOrder({ venueOrderId: ordId }, instrument.venueSymbol)
        : this.venue.findOrder({ clientOrderId: clOrdId as string }, instrument.venueSymbol);
    return found !== undefined && this.visibleAsOrder(found) ? found : undefined;
  }

  /**
   * Whether OKX shows a paper order as a regular order: every non-algo one, and an algo leg once it
   * triggered (OKX then places a market order carrying the algoId; the paper venue fills the leg).
   */
  private visibleAsOrder(order: Order): boolean {
    return !order.isAlgo || new Decimal(order.filledQty).gt(0);
  }

  /** Regular orders (and triggered legs) → a signature of what a push would report. */
  private orderSignatures(): Map<string, string> {
    const out = new Map<string, string>();
    for (const o of this.venue.orderHistory()) {
      if (this.visibleAsOrder(o)) out.set(o.venueOrderId, `${o.status}|${o.filledQty}`);
    }
    return out;
  }

  /**
   * An `orders` push item (streams.md §2.5): the order's state, and for an update that executed,
   * `tradeId`, `fillPx`, `fillSz` (contracts), `fillFee` (negative = charged), `fillPnl`, `execType`.
   */
  private streamOrderRow(orderId: string, fill?: PaperFill): Record<string, unknown> | undefined {
    const order = fill?.order ?? this.venue.findOrder({ venueOrderId: orderId });
    if (order === undefined || !this.visibleAsOrder(order)) return undefined;
    const row = this.orderJson(order);
    const instrument = this.instrumentOf(order.venueSymbol);
    if (fill === undefined) {
      return {
        ...row,
        fillPx: '',
        fillSz: '0',
        tradeId: '',
        fillTime: '',
        fillFee: '0',
        fillFeeCcy: '',
        fillPnl: '0',
        execType: '',
      };
    }
    return {
      ...row,
      fillPx: fill.price,
      fillSz: this.toContracts(instrument, fill.qty),
      tradeId: String(fill.seq),
      fillTime: String(fill.time),
      fillFee: new Decimal(fill.fee).neg().toFixed(),
      fillFeeCcy: fill.feeAsset,
      fillPnl: fill.realizedPnl,
      fillMarkPx: fill.price,
      execType: fill.liquidity === 'maker' ? 'M' : 'T',
      ...(fill.reason === 'liquidation' ? { category: 'full_liquidation' } : {}),
      uTime: String(fill.time),
    };
  }

  getOrder({ params }: Context): unknown[] {
    const order = this.findRegular(params);
    if (order === undefined) throw err('51603');
    return [this.orderJson(order)];
  }

  cancelOrder({ params }: Context): unknown[] {
    const order = this.findRegular(params);
    if (order === undefined || (order.status !== 'new' && order.status !== 'partially_filled'))
      throw err('51400');
    this.venue.cancel(order.venueSymbol, { venueOrderId: order.venueOrderId });
    return [{ ordId: order.venueOrderId, clOrdId: this.clOrdIdOf(order), sCode: '0', sMsg: '' }];
  }

  ordersPending({ params }: Context): unknown[] {
    const instType = str(params, 'instType');
    if (instType !== undefined && instType !== 'SWAP') return [];
    const instId = str(params, 'instId');
    if (instId !== undefined) this.instrumentOf(instId);
    return this.venue
      .orderHistory(instId)
      .filter((o) => !o.isAlgo && (o.status === 'new' || o.status === 'partially_filled'))
      .reverse()
      .map((o) => this.orderJson(o));
  }

  /** Paper-generated ids (`paper-…`) were not given by the client: OKX reports "". */
  private clOrdIdOf(order: Order): string {
    return CLIENT_ID.test(order.clientOrderId) && this.usedClOrdIds.has(order.clientOrderId)
      ? order.clientOrderId
      : '';
  }

  private orderJson(order: Order): Record<string, unknown> {
    const instrument = this.instrumentOf(order.venueSymbol);
    const raw = (order.raw ?? {}) as {
      createdAt?: number;
      updatedAt?: number;
      fee?: string;
      realizedPnl?: string;
    };
    const extras = this.extras.get(order.venueOrderId);
    // A triggered algo leg shows as the market order OKX placed for it, naming its algo order.
    let algoId = '';
    if (order.isAlgo) {
      this.syncAttached();
      algoId = this.legOf.get(order.venueOrderId) ?? '';
    }
    const algoClOrdId = this.algos.get(algoId)?.algoClOrdId ?? '';
    const liquidation = this.venue
      .fills(order.venueSymbol)
      .some((f) => f.venueOrderId === order.venueOrderId && f.reason === 'liquidation');
    const sizeQty = Decimal.max(order.qty, order.filledQty).toFixed();
    const state =
      order.status === 'new'
        ? 'live'
        : order.status === 'partially_filled' || order.status === 'filled'
          ? order.status
          : 'canceled';
    return {
      instType: 'SWAP',
      instId: order.venueSymbol,
      ccy: '',
      ordId: order.venueOrderId,
      clOrdId: this.clOrdIdOf(order),
      tag: '',
      px: order.price ?? '',
      sz: this.toContracts(instrument, sizeQty),
      pnl: raw.realizedPnl ?? '0',
      ordType: order.type === 'limit' ? 'limit' : 'market',
      side: order.side,
      posSide: order.positionSide,
      tdMode: extras?.tdMode ?? 'cross',
      accFillSz: this.toContracts(instrument, order.filledQty),
      fillPx: order.avgPrice ?? '',
      fillSz: this.toContracts(instrument, order.filledQty),
      avgPx: order.avgPrice ?? '',
      state,
      lever: String(this.venue.accountState().leverage[order.venueSymbol] ?? ''),
      attachAlgoClOrdId: extras?.attachAlgoClOrdId ?? '',
      feeCcy: instrument.quote,
      fee: raw.fee !== undefined ? new Decimal(raw.fee).neg().toFixed() : '0',
      category: liquidation ? 'full_liquidation' : 'normal',
      algoId,
      algoClOrdId,
      // 7: "The normal order triggered by the TP/SL order", 25: by a trailing stop (streams.md §2.5).
      source: order.type === 'trailing_stop_market' ? '25' : order.isAlgo ? '7' : '',
      reduceOnly: String(extras?.reduceOnlyParam ?? order.reduceOnly),
      cancelSource: order.status === 'canceled' ? '1' : '',
      uTime: String(raw.updatedAt ?? this.serverTime()),
      cTime: String(raw.createdAt ?? this.serverTime()),
    };
  }

  closePosition({ params, headers }: Context): unknown[] {
    OkxDialect.expTime(headers, this.serverTime());
    const instrument = this.instrumentOf(required(params, 'instId'));
    const mgnMode = OkxDialect.marginMode(params, 'mgnMode');
    const hedge = this.hedge();
    const raw = str(params, 'posSide');
    let posSide: PositionSide;
    if (hedge) {
      if (raw !== 'long' && raw !== 'short') throw param('posSide');
      posSide = raw;
    } else {
      if (raw !== undefined && raw !== 'net') throw param('posSide');
      posSide = 'net';
    }
    const clOrdId = str(params, 'clOrdId');
    if (clOrdId !== undefined && !CLIENT_ID.test(clOrdId)) throw param('clOrdId');
    if (clOrdId !== undefined && this.usedClOrdIds.has(clOrdId)) throw err('51016');
    const position = this.venue
      .accountState()
      .positions.find(
        (p) =>
          p.venueSymbol === instrument.venueSymbol &&
          p.side === posSide &&
          p.marginMode === mgnMode &&
          !new Decimal(p.qty).isZero(),
      );
    if (position === undefined) throw err('51023');
    if (bool(params, 'autoCxl') === true) {
      for (const o of this.venue.orderHistory(instrument.venueSymbol)) {
        if (
          !o.isAlgo &&
          o.reduceOnly &&
          o.positionSide === posSide &&
          (o.status === 'new' || o.status === 'partially_filled')
        )
          this.venue.cancel(instrument.venueSymbol, { venueOrderId: o.venueOrderId });
      }
    }
    const qty = new Decimal(position.qty);
    const order = this.venue.submitOrder({
      venueSymbol: instrument.venueSymbol,
      side: qty.isPositive() ? 'sell' : 'buy',
      type: 'market',
      qty: qty.abs().toFixed(),
      positionSide: posSide,
      reduceOnly: true,
      ...(clOrdId !== undefined ? { clientOrderId: clOrdId } : {}),
    });
    if (clOrdId !== undefined) this.usedClOrdIds.add(clOrdId);
    this.extras.set(order.venueOrderId, { tdMode: mgnMode, attachAlgoClOrdId: '', reduceOnlyParam: true });
    return [{ instId: instrument.venueSymbol, posSide, clOrdId: clOrdId ?? '', tag: '' }];
  }

  // ── Algo orders ───────────────────────────────────────────────────────────────────────────

  placeAlgo({ params, headers }: Context): unknown[] {
    OkxDialect.expTime(headers, this.serverTime());
    if (params.ordType === 'move_order_stop') return this.placeTrailingAlgo(params);
    const request = this.algoRequest(params);
    // "For the same position, only one TP/SL pending order for fully closing the position is supported."
    if (request.closeFraction) this.assertNoCloseAlgo(request);
    this.algoSeq += 1;
    const algoId = String(600_000_000 + this.algoSeq);
    const record: AlgoRecord = {
      algoId,
      algoClOrdId: request.algoClOrdId ?? '',
      instId: request.instrument.venueSymbol,
      ordType: request.ordType,
      tdMode: request.tdMode,
      side: request.side,
      posSide: request.posSide,
      sz: request.sz,
      closeFraction: request.closeFraction,
      reduceOnly: request.reduceOnly,
      canceled: false,
      cTime: this.serverTime(),
    };
    const placed = this.placeAlgoLegs(record, request, params);
    this.algos.set(algoId, record);
    for (const o of placed) this.legOf.set(o.venueOrderId, algoId);
    if (request.algoClOrdId !== undefined) this.usedAlgoClOrdIds.add(request.algoClOrdId);
    return [
      {
        algoId,
        clOrdId: '',
        algoClOrdId: request.algoClOrdId ?? '',
        sCode: '0',
        sMsg: 'Order placed',
        tag: '',
      },
    ];
  }

  /**
   * A `move_order_stop` (trailing stop): `sz` contracts (no closeFraction), `callbackRatio` as a
   * fraction — held to 0.001–0.1 in steps of 0.001 (our rule: OKX's docs state no range; see
   * TRAILING_CALLBACK_RULES) —, `activePx` optional; `callbackSpread` is not simulated. The paper
   * venue trails it (the best price since activation) and fires it on a retrace of the ratio.
   */
  private placeTrailingAlgo(params: Params): unknown[] {
    const instrument = this.instrumentOf(required(params, 'instId'));
    const tdMode = OkxDialect.marginMode(params, 'tdMode');
    const side = OkxDialect.side(params);
    const posSide = this.posSideParam(params);
    if (str(params, 'closeFraction') !== undefined) throw param('closeFraction');
    const sz = decimalParam(params, 'sz');
    if (sz === undefined) throw empty('sz');
    const reduceOnly = bool(params, 'reduceOnly') === true;
    if (str(params, 'callbackSpread') !== undefined) throw param('callbackSpread');
    const ratio = decimalParam(params, 'callbackRatio');
    if (ratio === undefined) throw empty('callbackRatio');
    const pct = new Decimal(ratio).mul(100);
    if (pct.lt('0.1') || pct.gt(10) || !pct.mod('0.1').isZero()) throw param('callbackRatio');
    const activePx = decimalParam(params, 'activePx');
    const algoClOrdId = str(params, 'algoClOrdId');
    if (algoClOrdId !== undefined && !CLIENT_ID.test(algoClOrdId)) throw param('algoClOrdId');
    if (algoClOrdId !== undefined && this.usedAlgoClOrdIds.has(algoClOrdId)) throw err('51016');
    const qty = this.contracts(instrument, sz);
    if (!new Decimal(qty).mod(instrument.stepSize).isZero()) throw err('51121');
    if (new Decimal(qty).lt(instrument.minQty)) throw err('51020');
    this.algoSeq += 1;
    const algoId = String(600_000_000 + this.algoSeq);
    let order: Order;
    try {
      order = this.venue.submitOrder({
        venueSymbol: instrument.venueSymbol,
        side,
        type: 'trailing_stop_market',
        qty,
        reduceOnly: reduceOnly && posSide === 'net',
        callbackRatePct: pct.toFixed(),
        ...(activePx !== undefined ? { activationPrice: activePx } : {}),
        positionSide: posSide,
        clientOrderId: `okxalgo${algoId}tr`,
      });
    } catch (error) {
      if (isAppError(error) && error.details?.reason === 'would_immediately_trigger') throw param('activePx');
      throw error;
    }
    const record: AlgoRecord = {
      algoId,
      algoClOrdId: algoClOrdId ?? '',
      instId: instrument.venueSymbol,
      ordType: 'move_order_stop',
      tdMode,
      side,
      posSide,
      sz,
      closeFraction: false,
      reduceOnly,
      trail: { orderId: order.venueOrderId, callbackRatio: ratio, activePx },
      canceled: false,
      cTime: this.serverTime(),
    };
    this.algos.set(algoId, record);
    this.legOf.set(order.venueOrderId, algoId);
    if (algoClOrdId !== undefined) this.usedAlgoClOrdIds.add(algoClOrdId);
    return [
      { algoId, clOrdId: '', algoClOrdId: algoClOrdId ?? '', sCode: '0', sMsg: 'Order placed', tag: '' },
    ];
  }

  /** A place-algo request's parameters, checked in this order (the first failing one is reported). */
  private algoRequest(params: Params): AlgoRequest {
    const instrument = this.instrumentOf(required(params, 'instId'));
    const tdMode = OkxDialect.marginMode(params, 'tdMode');
    const side = OkxDialect.side(params);
    const ordType = required(params, 'ordType');
    if (ordType !== 'conditional' && ordType !== 'oco') throw param('ordType');
    const posSide = this.posSideParam(params);
    const { sz, closeFraction, reduceOnly } = OkxDialect.algoSize(params, posSide);
    const { sl, tp } = OkxDialect.algoTriggers(params, ordType);
    const algoClOrdId = str(params, 'algoClOrdId');
    if (algoClOrdId !== undefined && !CLIENT_ID.test(algoClOrdId)) throw param('algoClOrdId');
    if (algoClOrdId !== undefined && this.usedAlgoClOrdIds.has(algoClOrdId)) throw err('51016');
    const qty = sz === undefined ? undefined : this.contracts(instrument, sz);
    if (qty !== undefined && !new Decimal(qty).mod(instrument.stepSize).isZero()) throw err('51121');
    if (qty !== undefined && new Decimal(qty).lt(instrument.minQty)) throw err('51020');
    return {
      instrument,
      tdMode,
      side,
      ordType,
      posSide,
      sz,
      qty,
      closeFraction,
      reduceOnly,
      sl,
      tp,
      algoClOrdId,
    };
  }

  /** The size: `sz` contracts, or `closeFraction` "1" (the whole position), never both. */
  private static algoSize(
    params: Params,
    posSide: PositionSide,
  ): { sz: string | undefined; closeFraction: boolean; reduceOnly: boolean } {
    const sz = decimalParam(params, 'sz');
    const closeFractionRaw = str(params, 'closeFraction');
    if (sz !== undefined && closeFractionRaw !== undefined) throw err('50024');
    if (sz === undefined && closeFractionRaw === undefined) throw empty('sz');
    if (closeFractionRaw !== undefined && !/^1(\.0*)?$/.test(closeFractionRaw)) throw param('closeFraction');
    const closeFraction = closeFractionRaw !== undefined;
    const reduceOnly = bool(params, 'reduceOnly') === true;
    // "If posSide is net, reduceOnly must be true" for closeFraction (OKX docs, place algo order).
    if (closeFraction && posSide === 'net' && !reduceOnly) throw param('reduceOnly');
    return { sz, closeFraction, reduceOnly };
  }

  /** The trigger prices of the legs to place: an oco needs both, a conditional one at least. */
  private static algoTriggers(
    params: Params,
    ordType: AlgoRecord['ordType'],
  ): { sl: string | undefined; tp: string | undefined } {
    const sl = decimalParam(params, 'slTriggerPx');
    const tp = decimalParam(params, 'tpTriggerPx');
    for (const name of ['slOrdPx', 'tpOrdPx']) {
      const v = str(params, name);
      if (v !== undefined && v !== '-1') throw param(name); // limit legs are not simulated
    }
    if (ordType === 'oco' && (sl === undefined || tp === undefined))
      throw empty(sl === undefined ? 'slTriggerPx' : 'tpTriggerPx');
    if (sl === undefined && tp === undefined) throw empty('slTriggerPx');
    // "When placing net TP/SL order (ordType=conditional) and both take-profit and stop-loss
    // parameters are sent, only stop-loss logic will be performed"
    // (https://www.okx.com/docs-v5/en/#order-book-trading-algo-trading-post-place-algo-order).
    if (ordType === 'conditional' && sl !== undefined && tp !== undefined) return { sl, tp: undefined };
    return { sl, tp };
  }

  /** 51088 when a live closeFraction algo already closes this position on this side. */
  private assertNoCloseAlgo(request: AlgoRequest): void {
    this.syncAttached();
    const taken = [...this.algos.values()].some(
      (a) =>
        a.closeFraction &&
        a.instId === request.instrument.venueSymbol &&
        a.posSide === request.posSide &&
        a.side === request.side &&
        this.algoState(a) === 'live',
    );
    if (taken) throw err('51088');
  }

  /**
   * Submits the algo order's paper conditionals (stop-loss first) and notes them on `record`; an
   * oco's two legs share an ocoGroup. Returns the orders placed.
   */
  private placeAlgoLegs(record: AlgoRecord, request: AlgoRequest, params: Params): Order[] {
    const { instrument, side, posSide, qty, closeFraction, reduceOnly } = request;
    const algoId = record.algoId;
    const group = record.ordType === 'oco' ? `algo${algoId}` : undefined;
    const placed: Order[] = [];
    const leg = (type: 'stop_market' | 'take_profit_market', triggerPrice: string): Order => {
      this.legSeq += 1;
      try {
        const order = this.venue.submitOrder({
          venueSymbol: instrument.venueSymbol,
          side,
          type,
          triggerPrice,
          positionSide: posSide,
          ...(closeFraction
            ? { closePosition: true }
            : { qty: qty as string, reduceOnly: reduceOnly && posSide === 'net' }),
          clientOrderId: `okxalgo${algoId}${type === 'stop_market' ? 'sl' : 'tp'}`,
          ...(group !== undefined ? { ocoGroup: group } : {}),
        });
        placed.push(order);
        return order;
      } catch (error) {
        // An oco is one order: when its second leg is refused, the first goes too.
        for (const o of placed) this.venue.cancel(o.venueSymbol, { venueOrderId: o.venueOrderId });
        if (isAppError(error) && error.details?.reason === 'would_immediately_trigger') {
          throw err(immediateTriggerCode(type, side));
        }
        throw error;
      }
    };
    const triggerPxType = (name: string): string => str(params, name) ?? 'last';
    if (request.sl !== undefined) {
      const order = leg('stop_market', request.sl);
      record.sl = {
        orderId: order.venueOrderId,
        triggerPx: request.sl,
        triggerPxType: triggerPxType('slTriggerPxType'),
      };
    }
    if (request.tp !== undefined) {
      const order = leg('take_profit_market', request.tp);
      record.tp = {
        orderId: order.venueOrderId,
        triggerPx: request.tp,
        triggerPxType: triggerPxType('tpTriggerPxType'),
      };
    }
    return placed;
  }

  /** Registers the TP/SL the paper venue attached to filled parents (attachAlgoOrds) as algo orders. */
  private syncAttached(): void {
    const groups = new Map<string, Order[]>();
    for (const o of this.venue.orderHistory()) {
      if (!o.isAlgo || this.legOf.has(o.venueOrderId)) continue;
      const group = (o.raw as { ocoGroup?: string } | undefined)?.ocoGroup;
      if (group === undefined) continue;
      groups.set(group, [...(groups.get(group) ?? []), o]);
    }
    for (const [group, legs] of groups) {
      // The paper venue names an attached pair's group after its parent: clientOrderId[0..30] + "p".
      const parentCid = group.slice(0, -1);
      const parent = this.venue
        .orderHistory()
        .find((o) => !o.isAlgo && o.clientOrderId.slice(0, 30) === parentCid);
      const extras = parent === undefined ? undefined : this.extras.get(parent.venueOrderId);
      const first = legs[0] as Order;
      this.algoSeq += 1;
      const algoId = String(600_000_000 + this.algoSeq);
      const stop = legs.find((l) => l.type === 'stop_market');
      const take = legs.find((l) => l.type === 'take_profit_market');
      const record: AlgoRecord = {
        algoId,
        algoClOrdId: extras?.attachAlgoClOrdId ?? '',
        instId: first.venueSymbol,
        ordType: stop !== undefined && take !== undefined ? 'oco' : 'conditional',
        tdMode: extras?.tdMode ?? 'cross',
        side: first.side,
        posSide: first.positionSide,
        // OKX sizes attached TP/SL to the parent order (the paper legs close the whole position).
        sz:
          parent === undefined
            ? undefined
            : this.toContracts(this.instrumentOf(parent.venueSymbol), parent.qty),
        closeFraction: parent === undefined,
        reduceOnly: true,
        ...(stop !== undefined
          ? { sl: { orderId: stop.venueOrderId, triggerPx: stop.triggerPrice ?? '', triggerPxType: 'last' } }
          : {}),
        ...(take !== undefined
          ? { tp: { orderId: take.venueOrderId, triggerPx: take.triggerPrice ?? '', triggerPxType: 'last' } }
          : {}),
        canceled: false,
        cTime: this.serverTime(),
      };
      this.algos.set(algoId, record);
      if (record.algoClOrdId !== '') this.usedAlgoClOrdIds.add(record.algoClOrdId);
      for (const l of legs) this.legOf.set(l.venueOrderId, algoId);
    }
  }

  private legs(record: AlgoRecord): Order[] {
    const out: Order[] = [];
    for (const leg of [record.sl, record.tp, record.trail]) {
      if (leg === undefined) continue;
      const order = this.venue.findOrder({ venueOrderId: leg.orderId });
      if (order !== undefined) out.push(order);
    }
    return out;
  }

  private algoState(record: AlgoRecord): string {
    if (record.canceled) return 'canceled';
    const legs = this.legs(record);
    if (legs.some((l) => l.status === 'filled' || l.status === 'partially_filled')) return 'effective';
    if (legs.some((l) => l.status === 'new')) return 'live';
    return 'canceled';
  }

  private algoJson(record: AlgoRecord): Record<string, unknown> {
    const instrument = this.instrumentOf(record.instId);
    const legs = this.legs(record);
    const fired = legs.find((l) => l.status === 'filled' || l.status === 'partially_filled');
    return {
      instType: 'SWAP',
      instId: record.instId,
      ordId: '',
      ordIdList: [],
      algoId: record.algoId,
      clOrdId: '',
      algoClOrdId: record.algoClOrdId,
      sz: record.sz ?? '',
      closeFraction: record.closeFraction ? '1' : '',
      ordType: record.ordType,
      side: record.side,
      posSide: record.posSide,
      tdMode: record.tdMode,
      tgtCcy: '',
      state: this.algoState(record),
      lever: String(this.venue.accountState().leverage[record.instId] ?? ''),
      tpTriggerPx: record.tp?.triggerPx ?? '',
      tpTriggerPxType: record.tp?.triggerPxType ?? '',
      tpOrdPx: record.tp !== undefined ? '-1' : '',
      slTriggerPx: record.sl?.triggerPx ?? '',
      slTriggerPxType: record.sl?.triggerPxType ?? '',
      slOrdPx: record.sl !== undefined ? '-1' : '',
      triggerPx: '',
      ordPx: '',
      actualSz: fired !== undefined ? this.toContracts(instrument, fired.filledQty) : '',
      actualPx: fired?.avgPrice ?? '',
      actualSide:
        fired === undefined || record.trail !== undefined ? '' : fired.type === 'stop_market' ? 'sl' : 'tp',
      ...(record.trail !== undefined
        ? {
            callbackRatio: record.trail.callbackRatio,
            callbackSpread: '',
            activePx: record.trail.activePx ?? '',
            moveTriggerPx: legs[0]?.triggerPrice ?? '',
          }
        : {}),
      triggerTime: fired !== undefined ? String((fired.raw as { updatedAt?: number }).updatedAt ?? '') : '',
      reduceOnly: String(record.reduceOnly || record.closeFraction),
      cTime: String(record.cTime),
      uTime: String(this.serverTime()),
      tag: '',
    };
  }

  // ── History ───────────────────────────────────────────────────────────────────────────────

  /**
   * `GET /api/v5/trade/fills` and `/fills-history`: executions newest first, paged by billId
   * (`after` = older than), `begin`/`end` in ms; `fee` negative = charged; subType 1 buy / 2 sell,
   * 104/105 liquidation of a long/short (the OKX bills subType table).
   */
  fillsList({ params }: Context): unknown[] {
    const instType = str(params, 'instType');
    if (instType !== undefined && instType !== 'SWAP') return [];
    const instId = str(params, 'instId');
    if (instId !== undefined) this.instrumentOf(instId);
    const fills = this.venue.fills(instId);
    return pageOf(
      fills,
      params,
      (f) => BigInt(fillBillId(f.seq)),
      (f) => f.time,
    ).map((f) => {
      const instrument = this.instrumentOf(f.venueSymbol);
      const subType =
        f.reason === 'liquidation' ? (f.side === 'sell' ? '104' : '105') : f.side === 'buy' ? '1' : '2';
      return {
        instType: 'SWAP',
        instId: f.venueSymbol,
        tradeId: String(f.seq),
        ordId: f.venueOrderId,
        clOrdId: this.clOrdIdOf(f.order),
        billId: fillBillId(f.seq),
        subType,
        tag: '',
        fillPx: f.price,
        fillSz: this.toContracts(instrument, f.qty),
        fillIdxPx: f.price,
        fillPnl: f.realizedPnl,
        fillMarkPx: f.price,
        side: f.side,
        posSide: f.positionSide,
        execType: f.liquidity === 'maker' ? 'M' : 'T',
        feeCcy: f.feeAsset,
        fee: new Decimal(f.fee).neg().toFixed(),
        ts: String(f.time),
        fillTime: String(f.time),
        feeRate: '',
      };
    });
  }

  fillsHistory(ctx: Context): unknown[] {
    required(ctx.params, 'instType');
    return this.fillsList(ctx);
  }

  /**
   * `GET /api/v5/account/bills` (and `-archive`): the funding-fee bills (type 8) the paper venue
   * booked; subType 173 expense / 174 income, `balChg` the signed amount.
   */
  bills({ params }: Context): unknown[] {
    const type = str(params, 'type');
    if (type !== undefined && type !== '8') return [];
    const instId = str(params, 'instId');
    const rows = this.fundingBills.filter((b) => instId === undefined || b.instId === instId);
    return pageOf(
      rows,
      params,
      (b) => BigInt(b.billId),
      (b) => Number(b.ts),
    );
  }

  /**
   * `GET /api/v5/asset/currencies` (signed on OKX): the assets of the listed instruments, one chain
   * each, so ccxt's `loadMarkets()` with default options (it calls this when keys are set) works.
   */
  currencies({ params }: Context): unknown[] {
    const wanted = str(params, 'ccy')?.split(',');
    const assets = [...new Set(this.instruments.flatMap((i) => [i.quote, i.base]))].filter(
      (a) => wanted === undefined || wanted.includes(a),
    );
    return assets.map((ccy) => ({
      ccy,
      name: ccy,
      chain: `${ccy}-${ccy === 'USDT' ? 'TRC20' : ccy}`,
      canDep: true,
      canWd: true,
      canInternal: true,
      minDep: '0.00000001',
      minWd: '0.0001',
      maxWd: '100000000',
      wdTickSz: '8',
      wdQuota: '10000000',
      usedWdQuota: '0',
      minFee: '0',
      maxFee: '0',
      fee: '0',
      mainNet: true,
      needTag: false,
      logoLink: '',
      depQuotaFixed: '',
      usedDepQuotaFixed: '',
      minDepArrivalConfirm: '1',
      minWdUnlockConfirm: '1',
      burningFeeRate: '',
      ctAddr: '',
    }));
  }

  getAlgo({ params }: Context): unknown[] {
    this.syncAttached();
    const algoId = str(params, 'algoId');
    const algoClOrdId = str(params, 'algoClOrdId');
    if (algoId === undefined && algoClOrdId === undefined) throw either('algoId', 'algoClOrdId');
    const record =
      algoId !== undefined
        ? this.algos.get(algoId)
        : [...this.algos.values()].reverse().find((a) => a.algoClOrdId === algoClOrdId);
    if (record === undefined) throw err('51603');
    return [this.algoJson(record)];
  }

  algosPending({ params }: Context): unknown[] {
    this.syncAttached();
    const types = required(params, 'ordType').split(',');
    const instType = str(params, 'instType');
    if (instType !== undefined && instType !== 'SWAP') return [];
    const instId = str(params, 'instId');
    if (instId !== undefined) this.instrumentOf(instId);
    return [...this.algos.values()]
      .filter(
        (a) =>
          types.includes(a.ordType) &&
          (instId === undefined || a.instId === instId) &&
          this.algoState(a) === 'live',
      )
      .reverse()
      .map((a) => this.algoJson(a));
  }

  /** `POST /api/v5/trade/cancel-algos`: a JSON array of `{instId, algoId}`, at most 10. */
  cancelAlgos({ body }: Context): unknown[] {
    this.syncAttached();
    if (!Array.isArray(body) || body.length === 0) throw empty('algoId');
    if (body.length > 10) throw param('algoId');
    const items = body.map((raw) => {
      const item = (typeof raw === 'object' && raw !== null ? raw : {}) as Params;
      const algoId = str(item, 'algoId') ?? '';
      const instId = str(item, 'instId');
      const record = this.algos.get(algoId);
      if (record === undefined || record.instId !== instId || this.algoState(record) !== 'live') {
        return { algoId, sCode: '51400', sMsg: MESSAGES['51400'] };
      }
      for (const leg of this.legs(record)) {
        if (leg.status === 'new') this.venue.cancel(leg.venueSymbol, { venueOrderId: leg.venueOrderId });
      }
      record.canceled = true;
      return { algoId, sCode: '0', sMsg: '' };
    });
    const failed = items.filter((i) => i.sCode !== '0').length;
    if (failed > 0) throw new BatchResult(failed === items.length ? '1' : '2', items);
    return items;
  }
}

/** `after` / `before` / `begin` / `end` / `limit` of a history list, newest first, at most 100 a page. */
function pageOf<T>(rows: T[], params: Params, id: (row: T) => bigint, ts: (row: T) => number): T[] {
  const num = (name: string): string | undefined => {
    const v = str(params, name);
    if (v !== undefined && !/^\d{1,20}$/.test(v)) throw param(name);
    return v;
  };
  const after = num('after');
  const before = num('before');
  const begin = num('begin');
  const end = num('end');
  const limit = Number(num('limit') ?? '100');
  if (limit < 1 || limit > 100) throw param('limit');
  return rows
    .filter(
      (r) =>
        (after === undefined || id(r) < BigInt(after)) &&
        (before === undefined || id(r) > BigInt(before)) &&
        (begin === undefined || ts(r) >= Number(begin)) &&
        (end === undefined || ts(r) <= Number(end)),
    )
    .sort((a, b) => (id(b) > id(a) ? 1 : id(b) < id(a) ? -1 : 0))
    .slice(0, limit);
}

/** A fill's billId: distinct from its tradeId as on OKX, ordered like it. */
const fillBillId = (seq: number): string => String(800_000_000_000 + seq);

/** A batch answer with failed items: code "1" (all failed) or "2" (partial), HTTP 200. */
class BatchResult extends OkxError {
  constructor(
    code: string,
    readonly items: unknown[],
  ) {
    super(200, code, code === '1' ? 'All operations failed' : 'Bulk operation partially succeeded');
  }
}

const P = OkxDialect.prototype;
const orderItem = (ctx: Context): Record<string, unknown> => ({
  ordId: '',
  clOrdId: str(ctx.params, 'clOrdId') ?? '',
  tag: '',
  ts: String(Date.now()),
});
const algoItem = (ctx: Context): Record<string, unknown> => ({
  algoId: '',
  clOrdId: '',
  algoClOrdId: str(ctx.params, 'algoClOrdId') ?? '',
  tag: '',
});
const cancelItem = (ctx: Context): Record<string, unknown> => ({
  ordId: str(ctx.params, 'ordId') ?? '',
  clOrdId: str(ctx.params, 'clOrdId') ?? '',
});

/** Every path served (https://www.okx.com/docs-v5/en/), public ones unsigned. */
const ROUTES: Record<string, Route> = {
  'GET /api/v5/public/time': { signed: false, handler: P.time },
  'GET /api/v5/public/instruments': { signed: false, handler: P.instrumentsList },
  'GET /api/v5/market/ticker': { signed: false, handler: P.ticker },
  'GET /api/v5/market/tickers': { signed: false, handler: P.tickers },
  'GET /api/v5/market/candles': { signed: false, handler: P.candles },
  'GET /api/v5/public/funding-rate-history': { signed: false, handler: P.fundingRateHistory },
  'GET /api/v5/market/history-candles': { signed: false, handler: P.historyCandles },
  'GET /api/v5/account/balance': { signed: true, handler: P.balance },
  'GET /api/v5/account/positions': { signed: true, handler: P.positionsList },
  'GET /api/v5/account/config': { signed: true, handler: P.config },
  'GET /api/v5/account/leverage-info': { signed: true, handler: P.leverageInfo },
  'POST /api/v5/account/set-position-mode': { signed: true, handler: P.setPositionMode },
  'POST /api/v5/account/set-leverage': { signed: true, handler: P.setLeverage },
  'POST /api/v5/trade/order': { signed: true, perItem: orderItem, handler: P.placeOrder },
  'POST /api/v5/trade/batch-orders': { signed: true, handler: P.placeBatchOrders },
  'GET /api/v5/trade/order': { signed: true, handler: P.getOrder },
  'POST /api/v5/trade/cancel-order': { signed: true, perItem: cancelItem, handler: P.cancelOrder },
  'GET /api/v5/trade/orders-pending': { signed: true, handler: P.ordersPending },
  'POST /api/v5/trade/close-position': { signed: true, handler: P.closePosition },
  'POST /api/v5/trade/order-algo': { signed: true, perItem: algoItem, handler: P.placeAlgo },
  'GET /api/v5/trade/order-algo': { signed: true, handler: P.getAlgo },
  'GET /api/v5/trade/orders-algo-pending': { signed: true, handler: P.algosPending },
  'GET /api/v5/trade/fills': { signed: true, handler: P.fillsList },
  'GET /api/v5/trade/fills-history': { signed: true, handler: P.fillsHistory },
  'GET /api/v5/account/bills': { signed: true, handler: P.bills },
  'GET /api/v5/account/bills-archive': { signed: true, handler: P.bills },
  'GET /api/v5/asset/currencies': { signed: true, handler: P.currencies },
  'POST /api/v5/trade/cancel-algos': { signed: true, handler: P.cancelAlgos },
};
