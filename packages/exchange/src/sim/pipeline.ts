import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Instrument } from '../types.ts';
import type { PaperExchange } from '../paper/index.ts';
import { FaultQueue, type FaultMatch } from './faults.ts';
import { listenSimulator } from './server.ts';
import type { SimCandles } from './candles.ts';
import type { SimFundingRates } from './funding.ts';
import Decimal from 'decimal.js';
import { sleep, WIRE_DECIMAL } from './wire.ts';

/**
 * The request pipeline every wire simulator runs, whatever venue it speaks:
 *
 *   read the raw request and log it → test controls (`/__sim/…`) → the venue's gate (an IP ban) →
 *   injected faults (latency; answers and drops instead of executing) → route match → request
 *   rate limit → signature check (signed routes) → parse → account rate limit → handler → reply,
 *   or the venue's error body → faults after execution (drop, delay, "unknown result").
 *
 * A venue is a dialect on top (`SimulatorDialect`): its routes, how it parses parameters and checks
 * signatures, its rate limits, its success and error bodies and its fault answers. Signatures are
 * checked against the raw bytes as received, so the request keeps them.
 */

/** One request as received. */
export type WireRequest = {
  method: string;
  path: string;
  /** The request target as sent: path and query string (OKX signs it). */
  target: string;
  /** Raw query string (without `?`) and body, as received. */
  query: string;
  body: string;
  /** Request headers, lower-cased names. */
  headers: Record<string, string>;
};

export type WireReply = { status: number; body: unknown; headers?: Record<string, string> };

/** What every simulator records of a request; a venue adds the codes it answered. */
export type WireRequestLog = {
  method: string;
  path: string;
  /** Raw query string and body, as received. */
  query: string;
  body: string;
  /** Request headers, lower-cased names. */
  headers: Record<string, string>;
  apiKey: string | undefined;
  /** HTTP status answered; 0 when the connection was dropped. */
  status?: number;
  /** When the request was read (`performance.now()` of this process: latency benchmarks). */
  at?: number;
};

/** A served path: whether it is signed, and what answers it (called on the dialect). */
export type WireRoute<Input> = { signed: boolean; handler: (this: never, input: Input) => unknown };

/** Fault kinds every simulator handles the same way; each venue adds the answers it gives instead. */
/** `hang`: the request is accepted and never answered (until the client gives up or the simulator stops). */
export type SharedFaultKind =
  'latency' | 'hang' | 'drop_before_accept' | 'drop_after_accept' | 'delay_after_accept';

/** What every simulator is started with; a venue adds its own settings. */
export type WireSimulatorOptions<Rule> = {
  /** 0 = an ephemeral port; host 127.0.0.1 unless given. */
  port?: number;
  host?: string;
  /** The credentials signed requests must carry. */
  apiKey: string;
  apiSecret: string;
  /** The venue behind the simulator; a fresh PaperExchange (the dialect's `freshVenue`) when omitted. */
  venue?: PaperExchange;
  /** Start a fresh venue in hedge mode. */
  hedge?: boolean;
  /** USDT balance of a fresh venue (default 10 000). */
  balance?: number;
  /**
   * Starting prices of a fresh venue (venue symbol → price); otherwise representative prices, or the
   * candles' last close.
   */
  prices?: Record<string, string | number>;
  /**
   * Candles served by the klines endpoints (venue symbol → candles, or one list for every symbol);
   * volumes in base units.
   */
  candles?: SimCandles;
  /** Funding histories served by the funding-rate history endpoints; deterministic 8-hourly rates otherwise. */
  fundingRates?: SimFundingRates;
  faults?: Rule[];
  now?: () => number;
};

/** A running simulator: where it listens, the venue behind it, its faults and what it received. */
export type RunningWireSimulator<Rule extends FaultMatch, Log extends WireRequestLog> = {
  url: string;
  venue: PaperExchange;
  faults: FaultQueue<Rule>;
  /** Every request received, in order (tests assert what reached the venue). */
  requests: Log[];
  close(): Promise<void>;
};

/**
 * A venue's dialect over the shared pipeline: subclasses give the venue's vocabulary through the
 * abstract members and may override the optional hooks (no-ops here).
 */
export abstract class SimulatorDialect<
  Rule extends FaultMatch,
  Codes extends object,
  Input,
  Route extends WireRoute<Input>,
> {
  readonly requests: (WireRequestLog & Partial<Codes>)[] = [];
  readonly faults: FaultQueue<Rule>;
  readonly venue: PaperExchange;
  /** The venue's instruments, read once at start (the paper venue's list is fixed). */
  protected instruments: Instrument[] = [];
  readonly #now: () => number;

  /** `METHOD /path` → route. */
  protected abstract readonly routes: Readonly<Record<string, Route>>;
  /** The header that carries the API key, lower-cased (for the request log). */
  protected abstract readonly apiKeyHeader: string;
  /** Fault kinds answered by `faultReply` instead of executing the request. */
  protected abstract readonly answerKinds: readonly Rule['kind'][];
  /** The answer kind that, with `execute: true`, executes the request first ("outcome unknown"). */
  protected abstract readonly unknownResultKind: Rule['kind'];

  constructor(options: WireSimulatorOptions<Rule>, freshVenue: (serverTime: () => number) => PaperExchange) {
    this.#now = options.now ?? Date.now;
    this.faults = new FaultQueue(options.faults);
    this.venue = options.venue ?? freshVenue(() => this.serverTime());
  }

  /** The host clock (bans and windows that do not move with the injected clock offset). */
  protected hostTime(): number {
    return this.#now();
  }

  /** The venue's clock: the host clock moved by the injected offset. */
  serverTime(): number {
    return this.#now() + this.faults.clockOffsetMs;
  }

  async loadInstruments(): Promise<void> {
    this.instruments = await this.venue.instruments();
  }

  // ── The venue's vocabulary ─────────────────────────────────────────────────────────────────

  /** The venue's answer to an injected fault of one of `answerKinds`. */
  protected abstract faultReply(rule: Rule): WireReply;
  /** The venue's answer to a path it does not serve, or serves with other methods. */
  protected abstract unrouted(method: string, path: string, pathServed: boolean): WireReply;
  /** Key, signature and timestamp checks of a signed route; throws the venue's error. */
  protected abstract authenticate(request: WireRequest): void;
  /** The handler's input, read from the request; throws the venue's error when malformed. */
  protected abstract parse(request: WireRequest): Input;
  /** The reply to a handled request. */
  protected abstract success(route: Route, result: unknown, request: WireRequest): WireReply;
  /** The venue's error body for anything thrown from the rate limits to the handler. */
  protected abstract failure(error: unknown, route: Route, input: Input | undefined): WireReply;
  /** Copies the venue's codes from a reply into the request log. */
  protected abstract recordReply(log: Partial<Codes>, reply: WireReply): void;

  /** An answer for every request before anything else (a ban), or undefined. */
  protected gate(): WireReply | undefined {
    return undefined;
  }
  /** Rate limit counted on every routed request, before the signature check (per IP). */
  protected limitRequest(_route: Route, _request: WireRequest): void {}
  /** Rate limit counted once the request is authenticated and parsed (per account / instrument). */
  protected limitAccount(_route: Route, _request: WireRequest, _input: Input): void {}
  /** Headers every routed reply carries. */
  protected stamp(_reply: WireReply): void {}
  /**
   * Takes a WebSocket upgrade on the venue's stream paths (refused here: a dialect without streams).
   * Called for every upgrade request the simulator's server receives.
   */
  upgrade(_req: IncomingMessage, socket: Socket, _head: Buffer): void {
    socket.destroy();
  }
  /**
   * `POST /__sim/streams` (body e.g. `{ "action": "drop" }` or `{ "action": "delay", "ms": 500 }`): stream
   * faults for tests outside the process. Dialects with streams override it.
   */
  protected streamControl(_body: Record<string, unknown>): WireReply {
    return { status: 404, body: { error: 'this simulator serves no streams' } };
  }
  /**
   * Closes the stream connections when the simulator closes (e.g. `StreamHub.close`, sim/streams.ts):
   * upgraded sockets are not HTTP connections, so the server would otherwise wait for them.
   */
  async closeStreams(): Promise<void> {}
  /** The symbol a `/__sim/price` body names. */
  protected controlSymbol(body: Record<string, unknown>): unknown {
    return body.symbol;
  }
  /** Whether a `/__sim/position-mode` body asks for hedge mode. */
  protected controlHedge(body: Record<string, unknown>): boolean {
    return body.hedge === true;
  }

  // ── The pipeline ───────────────────────────────────────────────────────────────────────────

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request = await readRequest(req);
    const at = performance.now();
    const { method, path } = request;
    const log: WireRequestLog & Partial<Codes> = {
      at,
      method,
      path,
      query: request.query,
      body: request.body,
      headers: request.headers,
      apiKey: request.headers[this.apiKeyHeader],
    } as WireRequestLog & Partial<Codes>; // the venue's codes come with the reply (recordReply)
    this.requests.push(log);

    const send = (reply: WireReply): void => {
      log.status = reply.status;
      this.recordReply(log, reply);
      if (res.destroyed) return;
      const payload = JSON.stringify(reply.body);
      res.writeHead(reply.status, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(payload),
        ...reply.headers,
      });
      res.end(payload);
    };
    const drop = (): void => {
      log.status = 0;
      req.socket.destroy();
    };

    if (path.startsWith('/__sim/')) return send(this.control(method, path, request.body));
    const gated = this.gate();
    if (gated !== undefined) return send(gated);

    if (this.faults.take(method, path, ['hang']) !== undefined) {
      log.status = 0;
      return; // the response stays open: closeServer's closeAllConnections ends it
    }
    const latency = this.faults.take(method, path, ['latency']);
    if (latency !== undefined) await sleep(latency.ms ?? 0);
    const early = this.faults.take(method, path, ['drop_before_accept', ...this.answerKinds]);
    const executeFirst = early?.kind === this.unknownResultKind && early.execute === true;
    if (early !== undefined && !executeFirst) {
      if (early.kind === 'drop_before_accept') drop();
      else send(this.faultReply(early));
      return;
    }
    const after = early ?? this.faults.take(method, path, ['drop_after_accept', 'delay_after_accept']);

    const reply = this.execute(request);
    if (after?.kind === 'drop_after_accept') return drop();
    if (after?.kind === 'delay_after_accept') await sleep(after.ms ?? 30_000);
    send(after !== undefined && after.kind === this.unknownResultKind ? this.faultReply(after) : reply);
  }

  private execute(request: WireRequest): WireReply {
    const route = this.routes[`${request.method} ${request.path}`];
    let reply: WireReply;
    if (route === undefined) {
      const served = Object.keys(this.routes).some((k) => k.endsWith(` ${request.path}`));
      reply = this.unrouted(request.method, request.path, served);
    } else {
      let input: Input | undefined;
      try {
        this.limitRequest(route, request);
        if (route.signed) this.authenticate(request);
        input = this.parse(request);
        this.limitAccount(route, request, input);
        const result: unknown = Reflect.apply(route.handler, this, [input]);
        reply = this.success(route, result, request);
      } catch (error) {
        reply = this.failure(error, route, input);
      }
    }
    this.stamp(reply);
    return reply;
  }

  /**
   * `POST /__sim/candles`: replays candles through the venue bar by bar (fills, stops, liquidations
   * and funding as the price path crosses them; the candles are served as klines afterwards).
   */
  private applyCandles(body: Record<string, unknown>): WireReply {
    const symbol = String(this.controlSymbol(body) ?? '');
    if (symbol === '') return { status: 400, body: { error: 'symbol is required' } };
    const candles = parseControlCandles(body.candles);
    if (typeof candles === 'string') return { status: 400, body: { error: candles } };
    this.venue.priceOf(symbol); // an unknown symbol is refused (400) before any candle applies
    for (const candle of candles) this.venue.applyCandle(symbol, candle);
    return { status: 200, body: { symbol, applied: candles.length, price: this.venue.priceOf(symbol) } };
  }

  /** Test-only controls, outside the venue's API: move the price, switch the position mode, add faults. */
  private control(method: string, path: string, rawBody: string): WireReply {
    let body: Record<string, unknown> = {};
    try {
      body = rawBody === '' ? {} : (JSON.parse(rawBody) as Record<string, unknown>);
    } catch {
      return { status: 400, body: { error: 'body must be JSON' } };
    }
    try {
      if (method === 'POST' && path === '/__sim/price') {
        const symbol = String(this.controlSymbol(body) ?? '');
        const price = String(body.price ?? '');
        if (symbol === '' || !WIRE_DECIMAL.test(price) || !(Number(price) > 0)) {
          return { status: 400, body: { error: 'symbol and a positive decimal price are required' } };
        }
        this.venue.setPrice(symbol, price);
        return { status: 200, body: { symbol, price: this.venue.priceOf(symbol) } };
      }
      if (method === 'POST' && path === '/__sim/candles') return this.applyCandles(body);
      if (method === 'POST' && path === '/__sim/position-mode') {
        const hedge = this.controlHedge(body);
        this.venue.setPositionMode(hedge ? 'hedge' : 'one_way');
        return { status: 200, body: { hedge } };
      }
      if (method === 'POST' && path === '/__sim/faults') {
        if (Array.isArray(body.faults)) for (const f of body.faults) this.faults.add(f as Rule);
        if (typeof body.clockOffsetMs === 'number') this.faults.clockOffsetMs = body.clockOffsetMs;
        return { status: 200, body: { faults: this.faults.rules.length } };
      }
      if (method === 'DELETE' && path === '/__sim/faults') {
        this.faults.clear();
        this.faults.clockOffsetMs = 0;
        return { status: 200, body: { faults: 0 } };
      }
      if (method === 'POST' && path === '/__sim/streams') return this.streamControl(body);
      if (method === 'GET' && path === '/__sim/state')
        return { status: 200, body: this.venue.accountState() };
    } catch (error) {
      return { status: 400, body: { error: error instanceof Error ? error.message : String(error) } };
    }
    return { status: 404, body: { error: 'unknown control path' } };
  }
}

/** Most candles one `POST /__sim/candles` applies. */
export const SIM_CANDLES_PER_REQUEST = 10_000;

/** One candle of a `POST /__sim/candles` body: prices as decimal strings or numbers, times in ms. */
type ControlCandle = {
  openTime: number;
  closeTime?: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume?: number;
};

/**
 * Reads `{symbol, candles:[{openTime, open, high, low, close, volume?, closeTime?}]}`: open times
 * integers in increasing order, prices positive decimals, volume a non-negative number. Returns
 * the candles or the reason they are refused.
 */
export function parseControlCandles(raw: unknown): ControlCandle[] | string {
  if (!Array.isArray(raw) || raw.length === 0) return 'candles must be a non-empty array';
  if (raw.length > SIM_CANDLES_PER_REQUEST) return `at most ${SIM_CANDLES_PER_REQUEST} candles per request`;
  const out: ControlCandle[] = [];
  let previous = -Infinity;
  for (const [i, item] of raw.entries()) {
    if (typeof item !== 'object' || item === null) return `candles[${i}] must be an object`;
    const c = item as Record<string, unknown>;
    const openTime = c.openTime;
    if (typeof openTime !== 'number' || !Number.isSafeInteger(openTime) || openTime < 0) {
      return `candles[${i}].openTime must be a non-negative integer (ms)`;
    }
    if (openTime <= previous) return `candles[${i}].openTime must be later than the candle before`;
    previous = openTime;
    const prices: Record<'open' | 'high' | 'low' | 'close', string> = {
      open: '',
      high: '',
      low: '',
      close: '',
    };
    for (const field of ['open', 'high', 'low', 'close'] as const) {
      const value = typeof c[field] === 'number' ? String(c[field]) : c[field];
      if (typeof value !== 'string' || !WIRE_DECIMAL.test(value) || !(Number(value) > 0)) {
        return `candles[${i}].${field} must be a positive decimal`;
      }
      prices[field] = value;
    }
    const [open, high, low, close] = [prices.open, prices.high, prices.low, prices.close].map(
      (v) => new Decimal(v),
    );
    if (high!.lt(Decimal.max(open!, close!)) || low!.gt(Decimal.min(open!, close!))) {
      return `candles[${i}]: high and low must contain open and close`;
    }
    const volume = c.volume;
    if (volume !== undefined && (typeof volume !== 'number' || !Number.isFinite(volume) || volume < 0)) {
      return `candles[${i}].volume must be a non-negative number`;
    }
    const closeTime = c.closeTime;
    if (
      closeTime !== undefined &&
      (typeof closeTime !== 'number' || !Number.isSafeInteger(closeTime) || closeTime < openTime)
    ) {
      return `candles[${i}].closeTime must be an integer ≥ openTime`;
    }
    out.push({
      openTime,
      ...prices,
      ...(volume !== undefined ? { volume } : {}),
      ...(closeTime !== undefined ? { closeTime } : {}),
    });
  }
  return out;
}

async function readRequest(req: IncomingMessage): Promise<WireRequest> {
  const target = req.url ?? '/';
  const url = new URL(target, 'http://sim');
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? (v[0] ?? '') : v;
  }
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    target,
    query: url.search.startsWith('?') ? url.search.slice(1) : '',
    body: Buffer.concat(chunks).toString('utf8'),
    headers,
  };
}

/** Reads the venue's instruments and serves the dialect; resolves once it listens (port 0 = ephemeral). */
export async function serveDialect<
  Rule extends FaultMatch,
  Codes extends object,
  Input,
  Route extends WireRoute<Input>,
>(
  dialect: SimulatorDialect<Rule, Codes, Input, Route>,
  port?: number,
  host?: string,
): Promise<RunningWireSimulator<Rule, WireRequestLog & Partial<Codes>>> {
  await dialect.loadInstruments();
  const { url, close } = await listenSimulator(
    (req, res) => dialect.handle(req, res),
    port,
    host,
    (req, socket, head) => dialect.upgrade(req, socket, head),
  );
  return {
    url,
    venue: dialect.venue,
    faults: dialect.faults,
    requests: dialect.requests,
    close: async () => {
      await dialect.closeStreams();
      await close();
    },
  };
}
