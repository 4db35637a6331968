import { WebSocket, type RawData } from 'ws';
import type {
  AccountEvent,
  AccountStream,
  MarketEvent,
  MarketStream,
  MarketSubscription,
  StreamOptions,
  StreamStatus,
} from '../stream/types.ts';
import type { Order } from '../types.ts';
import { ExchangeErrors } from '../errors.ts';
import { bybitWsSign } from './signing.ts';
import { toBybitInterval } from './parse.ts';
import {
  balancesFromWallet,
  fillFromExecution,
  fundingFromExecution,
  parseOrder,
  positionFromPush,
  type BybitExecution,
  type BybitOrder,
} from './stream-parse.ts';
import { emit, problemReporter, type Listeners } from '../stream/listeners.ts';

/** Stream hosts (streams.md §3.1): private per network, public linear (demo uses mainnet's public data). */
export const BYBIT_WS_URLS = Object.freeze({
  live: { private: 'wss://stream.bybit.com/v5/private', public: 'wss://stream.bybit.com/v5/public/linear' },
  testnet: {
    private: 'wss://stream-testnet.bybit.com/v5/private',
    public: 'wss://stream-testnet.bybit.com/v5/public/linear',
  },
  demo: {
    private: 'wss://stream-demo.bybit.com/v5/private',
    public: 'wss://stream.bybit.com/v5/public/linear',
  },
});

export type BybitStreamOptions = StreamOptions & {
  /** `{"op":"ping"}` every this many ms (Bybit recommends 20 s). */
  pingMs?: number;
  /** How long auth or a subscribe may take before the connection counts as failed (default 10 s). */
  replyTimeoutMs?: number;
  random?: () => number;
};

/** What a stream needs from the REST client. */
export type BybitStreamHost = {
  urls: { private: string; public: string };
  credentials: { apiKey: string; apiSecret: string };
  serverNow(): number;
  /** The order behind an execution, when the `order` push has not told it (REST lookup). */
  orderById(symbol: string, orderId: string): Promise<Order | null>;
};

type Frame = Record<string, unknown>;
/**
 * One Bybit V5 WebSocket: connects, authenticates (private: `auth` with the signed expiry),
 * (re)subscribes its topics, sends `{"op":"ping"}` on a timer and reconnects with jittered backoff.
 */
class BybitSocket {
  private ws: WebSocket | undefined;
  private closed = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private seq = 0;
  private readonly pending = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  up = false;
  status: StreamStatus = { state: 'connecting', time: Date.now() };
  readonly statusListeners: Listeners<StreamStatus> = new Set();
  private firstUp: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private started: Promise<void> | undefined;

  constructor(
    private readonly url: string,
    private readonly options: BybitStreamOptions,
    private readonly hooks: {
      auth?: () => Frame;
      topics: () => string[];
      onFrame: (frame: Frame) => void;
      onProblem: (code: string, message: string) => void;
    },
  ) {}

  start(): Promise<void> {
    if (this.started !== undefined) return this.started;
    this.closed = false;
    this.started = new Promise<void>((resolve, reject) => {
      this.firstUp = { resolve, reject };
    });
    this.connect();
    return this.started;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.started = undefined;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.pingTimer);
    this.firstUp?.reject(new Error('Bybit stream closed before it was up'));
    this.firstUp = undefined;
    const ws = this.ws;
    this.ws = undefined;
    this.up = false;
    if (ws !== undefined && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.terminate();
      });
    }
    if (this.status.state !== 'down') this.setStatus({ state: 'down', time: Date.now(), reason: 'closed' });
  }

  request(op: 'subscribe' | 'unsubscribe', args: string[]): Promise<void> {
    const ws = this.ws;
    if (ws === undefined || !this.up || args.length === 0) return Promise.resolve();
    return this.send(ws, { op, args });
  }

  private send(ws: WebSocket, frame: Frame): Promise<void> {
    this.seq += 1;
    const reqId = `tb${this.seq}`;
    const timeoutMs = this.options.replyTimeoutMs ?? 10_000;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(reqId);
        reject(new Error(`Bybit did not answer ${String(frame.op)} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(reqId, {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      ws.send(JSON.stringify({ req_id: reqId, ...frame }));
    });
  }

  private setStatus(status: StreamStatus): void {
    this.status = status;
    emit(this.statusListeners, status);
  }

  private connect(): void {
    if (this.closed) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url);
    } catch (error) {
      const fatal = error instanceof Error ? error : new Error(String(error));
      this.setStatus({
        state: 'down',
        time: Date.now(),
        reason: `Bybit stream URL refused: ${fatal.message}`,
      });
      this.firstUp?.reject(fatal);
      this.firstUp = undefined;
      return;
    }
    this.ws = ws;
    let failedAs: Error | undefined;
    ws.on('open', () => {
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => {
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ op: 'ping' }));
      }, this.options.pingMs ?? 20_000);
      void this.handshake(ws).then(
        () => {
          if (this.ws !== ws) return;
          this.attempt = 0;
          this.up = true;
          this.setStatus({ state: 'up', time: Date.now() });
          this.firstUp?.resolve();
          this.firstUp = undefined;
        },
        (error: Error) => {
          failedAs = error;
          if (ExchangeErrors.is(error, 'EXCHANGE_AUTH_FAILED')) {
            this.firstUp?.reject(error);
            this.firstUp = undefined;
          }
          ws.terminate();
        },
      );
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return this.hooks.onProblem('binary_frame', 'Bybit sent a binary frame');
      this.receive(data.toString());
    });
    ws.on('error', () => {
      // 'close' follows and reconnects.
    });
    ws.on('close', () => {
      clearInterval(this.pingTimer);
      for (const waiter of this.pending.values()) waiter.reject(failedAs ?? new Error('Bybit socket closed'));
      this.pending.clear();
      if (this.ws !== ws) return;
      const wasUp = this.up;
      this.up = false;
      this.ws = undefined;
      if (this.closed) return;
      this.setStatus({
        state: 'down',
        time: Date.now(),
        reason: failedAs?.message ?? (wasUp ? 'Bybit socket closed' : 'Bybit connect failed'),
      });
      const { reconnectMinMs = 500, reconnectMaxMs = 30_000, random = Math.random } = this.options;
      const ceiling = Math.min(reconnectMaxMs, reconnectMinMs * 2 ** Math.min(this.attempt, 20));
      this.attempt += 1;
      this.reconnectTimer = setTimeout(() => this.connect(), ceiling / 2 + (random() * ceiling) / 2);
    });
  }

  private async handshake(ws: WebSocket): Promise<void> {
    if (this.hooks.auth !== undefined) await this.send(ws, this.hooks.auth());
    const topics = this.hooks.topics();
    if (topics.length > 0) await this.send(ws, { op: 'subscribe', args: topics });
  }

  private receive(raw: string): void {
    let frame: unknown;
    try {
      frame = JSON.parse(raw);
    } catch {
      return this.hooks.onProblem('malformed_frame', 'Bybit sent a frame that is not JSON');
    }
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
      return this.hooks.onProblem('malformed_frame', 'Bybit sent a frame that is not an object');
    }
    const f = frame as Frame;
    const op = typeof f.op === 'string' ? f.op : undefined;
    if (op === 'pong' || (op === 'ping' && f.ret_msg === 'pong')) return;
    if (op === 'auth' || op === 'subscribe' || op === 'unsubscribe') {
      const reqId = typeof f.req_id === 'string' ? f.req_id : undefined;
      const waiter = reqId !== undefined ? this.pending.get(reqId) : undefined;
      if (reqId === undefined || waiter === undefined) return;
      this.pending.delete(reqId);
      if (f.success === true) return waiter.resolve();
      const message = `Bybit ${op} refused: ${String(f.ret_msg ?? '')}`;
      return waiter.reject(
        op === 'auth'
          ? ExchangeErrors.create('EXCHANGE_AUTH_FAILED', { message, details: { venue: 'bybit' } })
          : new Error(message),
      );
    }
    if (typeof f.topic === 'string') return this.hooks.onFrame(f);
    if (op !== undefined) this.hooks.onProblem(`unknown_op_${op}`, `Bybit sent an unknown op "${op}"`);
  }
}

const ACCOUNT_TOPICS = ['order', 'execution', 'position', 'wallet'];

/**
 * The private stream (`/v5/private`): `auth` with `[apiKey, expires, hex HMAC("GET/realtime" +
 * expires)]`, then the topics order, execution, position and wallet, parsed into AccountEvents.
 * An execution names no leg and, for a plain conditional, not whether it was a stop or a
 * take-profit: the order pushes (which come first) say it, else the order is read once from REST.
 */
export class BybitAccountStream implements AccountStream {
  private readonly socket: BybitSocket;
  private readonly listeners: Listeners<AccountEvent> = new Set();
  private readonly orders = new Map<string, Order>();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly host: BybitStreamHost,
    options: BybitStreamOptions = {},
  ) {
    const problem = problemReporter(options);
    this.socket = new BybitSocket(host.urls.private, options, {
      auth: () => {
        const expires = Math.round(host.serverNow()) + 10_000;
        return {
          op: 'auth',
          args: [host.credentials.apiKey, expires, bybitWsSign(host.credentials.apiSecret, expires)],
        };
      },
      topics: () => ACCOUNT_TOPICS,
      onFrame: (frame) => {
        // Frames are handled in order, a REST lookup included.
        this.queue = this.queue.then(() => this.handle(frame)).catch(() => undefined);
      },
      onProblem: problem,
    });
  }

  get status(): StreamStatus {
    return this.socket.status;
  }

  start(): Promise<void> {
    return this.socket.start();
  }

  close(): Promise<void> {
    return this.socket.close();
  }

  onEvent(listener: (event: AccountEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onStatus(listener: (status: StreamStatus) => void): () => void {
    this.socket.statusListeners.add(listener);
    return () => this.socket.statusListeners.delete(listener);
  }

  private async handle(frame: Frame): Promise<void> {
    if (this.socket.status.state === 'down') return;
    const topic = String(frame.topic);
    const time = Number(frame.creationTime ?? Date.now());
    const data = Array.isArray(frame.data) ? (frame.data as Record<string, unknown>[]) : [];
    if (topic === 'order' || topic === 'order.linear') {
      for (const row of data) {
        const order = parseOrder(row as unknown as BybitOrder);
        this.orders.set(order.venueOrderId, order);
        emit(this.listeners, { kind: 'order', time, order, updateTime: Number(row.updatedTime ?? time) });
      }
    } else if (topic === 'execution' || topic === 'execution.linear') {
      for (const row of data as unknown as BybitExecution[]) {
        if (row.execType === 'Funding') {
          emit(this.listeners, { kind: 'funding', time, payment: fundingFromExecution(row) });
          continue;
        }
        let order = this.orders.get(row.orderId);
        if (order === undefined) {
          order = (await this.host.orderById(row.symbol, row.orderId).catch(() => null)) ?? undefined;
          if (order !== undefined) this.orders.set(order.venueOrderId, order);
        }
        emit(this.listeners, { kind: 'fill', time, fill: fillFromExecution(row, order) });
      }
    } else if (topic === 'position' || topic === 'position.linear') {
      const positions = data.map((row) => positionFromPush(row as never));
      emit(this.listeners, { kind: 'positions', time, positions });
    } else if (topic === 'wallet') {
      const balances = data.flatMap((row) => balancesFromWallet(row as never));
      emit(this.listeners, { kind: 'balances', time, balances });
    }
    if (this.orders.size > 5_000) this.orders.clear();
  }
}

function topicOf(subscription: MarketSubscription): string {
  if (subscription.kind === 'mark') return `tickers.${subscription.venueSymbol}`;
  const interval = toBybitInterval(subscription.timeframe);
  if (interval === undefined) {
    throw ExchangeErrors.create('INVALID_REQUEST', {
      message: `Bybit has no kline interval "${subscription.timeframe}"`,
      details: { venue: 'bybit', timeframe: subscription.timeframe },
    });
  }
  return `kline.${interval}.${subscription.venueSymbol}`;
}

/** The public linear stream: `tickers.<symbol>` (mark price; deltas merged) and `kline.<interval>.<symbol>`. */
export class BybitMarketStream implements MarketStream {
  private readonly socket: BybitSocket;
  private readonly listeners: Listeners<MarketEvent> = new Set();
  private readonly topics = new Map<string, MarketSubscription>();
  private readonly lastMark = new Map<string, string>();

  constructor(host: Pick<BybitStreamHost, 'urls'>, options: BybitStreamOptions = {}) {
    this.socket = new BybitSocket(host.urls.public, options, {
      topics: () => [...this.topics.keys()],
      onFrame: (frame) => this.handle(frame),
      onProblem: problemReporter(options),
    });
  }

  get status(): StreamStatus {
    return this.socket.status;
  }

  start(): Promise<void> {
    return this.socket.start();
  }

  close(): Promise<void> {
    return this.socket.close();
  }

  async subscribe(subscription: MarketSubscription): Promise<void> {
    const topic = topicOf(subscription);
    if (this.topics.has(topic)) return;
    this.topics.set(topic, subscription);
    await this.socket.request('subscribe', [topic]);
  }

  async unsubscribe(subscription: MarketSubscription): Promise<void> {
    const topic = topicOf(subscription);
    if (!this.topics.delete(topic)) return;
    await this.socket.request('unsubscribe', [topic]);
  }

  onEvent(listener: (event: MarketEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onStatus(listener: (status: StreamStatus) => void): () => void {
    this.socket.statusListeners.add(listener);
    return () => this.socket.statusListeners.delete(listener);
  }

  private handle(frame: Frame): void {
    const topic = String(frame.topic);
    const subscription = this.topics.get(topic);
    if (subscription === undefined) return;
    const time = Number(frame.ts ?? Date.now());
    if (subscription.kind === 'mark') {
      const data = frame.data as Record<string, unknown> | undefined;
      const mark = typeof data?.markPrice === 'string' ? data.markPrice : undefined;
      // A delta leaves out what did not change: no mark price, no event.
      if (mark === undefined || this.lastMark.get(topic) === `${time}|${mark}`) return;
      this.lastMark.set(topic, `${time}|${mark}`);
      emit(this.listeners, { kind: 'mark', venueSymbol: subscription.venueSymbol, price: mark, time });
      return;
    }
    const rows = Array.isArray(frame.data) ? (frame.data as Record<string, unknown>[]) : [];
    for (const row of rows) {
      emit(this.listeners, {
        kind: 'kline',
        venueSymbol: subscription.venueSymbol,
        timeframe: subscription.timeframe,
        openTime: Number(row.start),
        open: String(row.open),
        high: String(row.high),
        low: String(row.low),
        close: String(row.close),
        volume: String(row.volume),
        closed: row.confirm === true,
        time: Number(row.timestamp ?? time),
      });
    }
  }
}

/** `http://127.0.0.1:8080` → the simulator's `ws://127.0.0.1:8080/v5/private` and `/v5/public/linear`. */
export function bybitStreamUrlsBeside(
  baseUrl: string | undefined,
): { private: string; public: string } | undefined {
  if (baseUrl === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return undefined;
  }
  if (/(^|\.)(bybit|bytick)\.com$/.test(url.hostname)) return undefined;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const base = `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}`;
  return { private: `${base}/v5/private`, public: `${base}/v5/public/linear` };
}
