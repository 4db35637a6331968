import WebSocket from 'ws';
import { ExchangeErrors } from '../errors.ts';
import type {
  AccountEvent,
  AccountStream,
  FundingPayment,
  MarketEvent,
  MarketStream,
  MarketSubscription,
  StreamOptions,
  StreamStatus,
} from '../stream/types.ts';
import { toBinanceInterval } from './parse.ts';
import { klineStreamName, markStreamName, parseMarketFrame, parseUserFrame } from './stream-parse.ts';

/**
 * Binance USDⓈ-M WebSocket streams (../shared/reference/streams.md §1): the user-data stream on a
 * listenKey (`<streamUrl>/private/ws?listenKey=…`) and the market streams (`<streamUrl>/market/ws`
 * with JSON SUBSCRIBE), over `ws`. What both do about the connection:
 * - reconnect after any close with jittered exponential backoff; status `down` then `up` again;
 * - detect a dead socket: we ping every `pingIntervalMs` (ws answers the server's pings itself);
 *   no frame of any kind (message, ping, pong) for `deadAfterMs` → terminate → reconnect;
 * - Binance ends a connection after 24 h: before `maxConnectionMs` a second connection is opened
 *   and the first closed once it is up (no `down` in between; a repeated event is harmless);
 * - the venue drops a connection that sends over 10 messages/s: our sends are spaced ≥ 110 ms.
 * Frames are parsed defensively (`stream-parse.ts`); a malformed frame or unknown event type is
 * reported once per kind through `onProblem` and the stream keeps going.
 */

export type BinanceStreamOptions = StreamOptions & {
  /** listenKey keep-alive period (PUT). Binance's key lives 60 min; default 50 min. */
  keepAliveMs?: number;
  /** Our ping period; default 30 s. */
  pingIntervalMs?: number;
  /** A socket silent this long is dead; default 75 s. */
  deadAfterMs?: number;
  /** Connection age at which a fresh connection replaces it (Binance's limit is 24 h); default 23 h 50 min. */
  maxConnectionMs?: number;
  /** Open (and listenKey) timeout of one attempt; default 10 s. */
  connectTimeoutMs?: number;
  /** Timeout of a SUBSCRIBE / UNSUBSCRIBE reply; default 10 s. */
  replyTimeoutMs?: number;
  /** Jitter source (tests). */
  random?: () => number;
};

/** The REST calls the user-data stream needs (`BinanceFuturesClient` supplies them). */
export type ListenKeyApi = {
  create(): Promise<string>;
  keepAlive(): Promise<void>;
  /**
   * The income ledger's funding payments since `since` (`/fapi/v1/income`, FUNDING_FEE). With it, a
   * funding event carries the ledger's `tranId` and symbol, so the stream and a REST re-sync name the
   * same payment alike; without it, the stream's own derived id.
   */
  fundingSince?(since: number): Promise<FundingPayment[]>;
};

/** How far before the event time the ledger is read, and how often it is asked again while the payment has not appeared. */
const FUNDING_LOOKBACK_MS = 5 * 60_000;
const FUNDING_MATCH_MS = 60_000;
const FUNDING_RETRY_DELAYS_MS = [250, 1_000, 2_000, 4_000];
const FUNDING_IDS_KEPT = 10_000;

const MIN_SEND_GAP_MS = 110;
const ORDER_TIMES_KEPT = 10_000;
const MAX_PROBLEMS_REPORTED = 100;

function venueCode(error: unknown): number | undefined {
  if (!ExchangeErrors.is(error)) return undefined;
  const code = error.details?.venueCode;
  return typeof code === 'number' ? code : undefined;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The connection machinery both streams share; subclasses say where to connect and what frames mean. */
abstract class BinanceSocketStream<Event> {
  #status: StreamStatus;
  protected readonly options: Required<Omit<BinanceStreamOptions, 'onProblem'>> &
    Pick<StreamOptions, 'onProblem'>;
  protected socket: WebSocket | undefined;
  protected closed = true;
  private readonly eventListeners = new Set<(event: Event) => void>();
  private readonly statusListeners = new Set<(status: StreamStatus) => void>();
  private readonly problemsSeen = new Set<string>();
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private deadTimer: NodeJS.Timeout | undefined;
  private rolloverTimer: NodeJS.Timeout | undefined;
  private lastSendAt = 0;
  private sendChain: Promise<void> = Promise.resolve();

  constructor(options: BinanceStreamOptions = {}) {
    this.options = {
      reconnectMinMs: options.reconnectMinMs ?? 500,
      reconnectMaxMs: options.reconnectMaxMs ?? 30_000,
      keepAliveMs: options.keepAliveMs ?? 50 * 60_000,
      pingIntervalMs: options.pingIntervalMs ?? 30_000,
      deadAfterMs: options.deadAfterMs ?? 75_000,
      maxConnectionMs: options.maxConnectionMs ?? (23 * 60 + 50) * 60_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      replyTimeoutMs: options.replyTimeoutMs ?? 10_000,
      random: options.random ?? Math.random,
      ...(options.onProblem ? { onProblem: options.onProblem } : {}),
    };
    this.#status = { state: 'down', time: Date.now(), reason: 'not started' };
  }

  get status(): StreamStatus {
    return this.#status;
  }

  onEvent(listener: (event: Event) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onStatus(listener: (status: StreamStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** The URL of the next connection (the account stream creates its listenKey here). */
  protected abstract connectUrl(): Promise<string>;
  /** One text frame received. */
  protected abstract handleFrame(text: string): void;
  /** After a connection is up (resubscribe). */
  protected async afterOpen(_socket: WebSocket): Promise<void> {}
  /** A connection was lost (requests waiting on it fail). */
  protected connectionLost(_reason: string): void {}
  /** Timers of the stream itself (keep-alive), started once. */
  protected startTimers(): void {}
  protected stopTimers(): void {}

  /** Connects; resolves once up. A first attempt that fails rejects (no background retry yet). */
  async start(): Promise<void> {
    if (!this.closed) return;
    this.closed = false;
    this.setStatus({ state: 'connecting', time: Date.now() });
    try {
      await this.connect();
    } catch (error) {
      this.closed = true;
      this.setStatus({ state: 'down', time: Date.now(), reason: errorText(error) });
      throw error;
    }
    this.startTimers();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopTimers();
    clearTimeout(this.reconnectTimer);
    this.clearSocketTimers();
    const socket = this.socket;
    this.socket = undefined;
    if (socket !== undefined) {
      await new Promise<void>((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) return resolve();
        const timer = setTimeout(() => {
          socket.terminate();
          resolve();
        }, 1000);
        socket.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        socket.close();
      });
    }
    if (this.#status.state !== 'down') this.setStatus({ state: 'down', time: Date.now(), reason: 'closed' });
  }

  protected emit(event: Event): void {
    for (const listener of this.eventListeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure never stops the stream (AccountStream contract).
      }
    }
  }

  protected problem(code: string, message: string): void {
    const key = `${code}:${message.split(':')[0] ?? ''}`;
    // Bounded: a venue inventing event types cannot grow this without end (nor flood onProblem).
    if (this.problemsSeen.has(key) || this.problemsSeen.size >= MAX_PROBLEMS_REPORTED) return;
    this.problemsSeen.add(key);
    try {
      this.options.onProblem?.({ code, message });
    } catch {
      // onProblem never throws into the socket handler.
    }
  }

  private setStatus(status: StreamStatus): void {
    this.#status = status;
    for (const listener of this.statusListeners) {
      try {
        listener(status);
      } catch {
        // as for events
      }
    }
  }

  /** Sends a text frame no sooner than MIN_SEND_GAP_MS after the previous one (the 10 msg/s limit). */
  protected send(socket: WebSocket, text: string): Promise<void> {
    const next = this.sendChain.then(async () => {
      const wait = this.lastSendAt + MIN_SEND_GAP_MS - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      this.lastSendAt = Date.now();
      if (socket.readyState === WebSocket.OPEN) socket.send(text);
    });
    this.sendChain = next.catch(() => undefined);
    return next;
  }

  /** One connection attempt: URL, open, then the subclass's after-open step; the socket becomes current. */
  private async connect(): Promise<void> {
    const socket = await this.open(await this.connectUrl());
    if (this.closed) {
      socket.terminate();
      throw new Error('stream closed while connecting');
    }
    const previous = this.socket;
    this.adopt(socket);
    await this.afterOpen(socket);
    if (previous !== undefined) {
      // A rollover: the previous connection goes quietly (its close is not a gap).
      previous.removeAllListeners('close');
      previous.on('close', () => undefined);
      previous.close();
    }
    this.attempt = 0;
    if (this.#status.state !== 'up') this.setStatus({ state: 'up', time: Date.now() });
  }

  private open(url: string): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { handshakeTimeout: this.options.connectTimeoutMs });
      const fail = (error: Error): void => {
        socket.removeAllListeners();
        socket.on('error', () => undefined);
        socket.terminate();
        reject(error);
      };
      socket.once('open', () => {
        socket.removeAllListeners();
        resolve(socket);
      });
      socket.once('error', fail);
      socket.once('unexpected-response', (_req, res) =>
        fail(new Error(`stream refused with HTTP ${res.statusCode ?? '?'}`)),
      );
      socket.once('close', (code) => fail(new Error(`stream closed while opening (${code})`)));
    });
  }

  private adopt(socket: WebSocket): void {
    this.clearSocketTimers();
    this.socket = socket;
    const alive = (): void => {
      clearTimeout(this.deadTimer);
      this.deadTimer = setTimeout(() => {
        this.problem('STREAM_SILENT', `no frame for ${this.options.deadAfterMs} ms: reconnecting`);
        socket.terminate();
      }, this.options.deadAfterMs);
    };
    alive();
    socket.on('message', (data, isBinary) => {
      alive();
      if (this.socket !== socket) return;
      try {
        this.handleFrame(isBinary ? '' : data.toString());
      } catch (error) {
        this.problem('STREAM_HANDLER', errorText(error));
      }
    });
    socket.on('ping', alive);
    socket.on('pong', alive);
    socket.on('error', () => undefined); // a close follows; reconnect happens there
    socket.on('close', (code) => {
      if (this.socket !== socket) return;
      this.lost(`socket closed (${code})`);
    });
    this.pingTimer = setInterval(() => {
      if (socket.readyState === WebSocket.OPEN) socket.ping();
    }, this.options.pingIntervalMs);
    this.rolloverTimer = setTimeout(() => {
      if (this.closed || this.socket !== socket) return;
      this.connect().catch(() => {
        // The old connection still serves; the 24 h cut will then reconnect through `lost`.
      });
    }, this.options.maxConnectionMs);
  }

  private clearSocketTimers(): void {
    clearInterval(this.pingTimer);
    clearTimeout(this.deadTimer);
    clearTimeout(this.rolloverTimer);
  }

  /** The current connection is gone: status down and reconnect with backoff. */
  protected lost(reason: string): void {
    if (this.closed) return;
    this.connectionLost(reason);
    this.clearSocketTimers();
    const socket = this.socket;
    this.socket = undefined;
    if (socket !== undefined && socket.readyState !== WebSocket.CLOSED) {
      socket.removeAllListeners('close');
      socket.on('close', () => undefined);
      socket.terminate();
    }
    if (this.#status.state !== 'down') this.setStatus({ state: 'down', time: Date.now(), reason });
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    clearTimeout(this.reconnectTimer);
    const base = Math.min(this.options.reconnectMaxMs, this.options.reconnectMinMs * 2 ** this.attempt);
    const delay = base / 2 + (this.options.random() * base) / 2;
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => {
      if (this.closed) return;
      this.setStatus({ state: 'connecting', time: Date.now() });
      this.connect().catch((error: unknown) => {
        if (this.closed) return;
        this.setStatus({ state: 'down', time: Date.now(), reason: errorText(error) });
        this.scheduleReconnect();
      });
    }, delay);
  }
}

/**
 * The user-data stream. `start()` creates the listenKey (`POST /fapi/v1/listenKey`, API key only)
 * and connects to `/private/ws?listenKey=…`; every `keepAliveMs` the key is extended (PUT). A
 * keep-alive answered `-1125` (the key no longer exists) or a `listenKeyExpired` frame means no
 * more events arrive on this connection: status `down`, a new key, a new connection (POST returns
 * the account's key, new or the same one still valid). Order updates are ordered by `E`; an order
 * update older (`o.T`) than one already seen for that order is dropped. `close()` leaves the key
 * to expire rather than DELETE it: the key is the account's, shared by every stream on that API key.
 */
export class BinanceAccountStream extends BinanceSocketStream<AccountEvent> implements AccountStream {
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private readonly orderTimes = new Map<string, number>();
  /** Ledger ids of funding payments already emitted (bounded, oldest dropped first). */
  private readonly fundingEmitted = new Set<string>();
  private readonly fundingTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly streamUrl: string,
    private readonly listenKeys: ListenKeyApi,
    options: BinanceStreamOptions = {},
  ) {
    super(options);
  }

  protected async connectUrl(): Promise<string> {
    const key = await this.listenKeys.create();
    return `${this.streamUrl}/private/ws?listenKey=${encodeURIComponent(key)}`;
  }

  protected override startTimers(): void {
    this.keepAliveTimer = setInterval(() => void this.keepAlive(), this.options.keepAliveMs);
  }

  protected override stopTimers(): void {
    clearInterval(this.keepAliveTimer);
  }

  override async close(): Promise<void> {
    for (const timer of this.fundingTimers) clearTimeout(timer);
    this.fundingTimers.clear();
    await super.close();
  }

  /**
   * ACCOUNT_UPDATE FUNDING_FEE has no ledger id and, for cross margin, no symbol, while the income
   * ledger names each payment by `tranId` and symbol: the payment is emitted from the ledger, read
   * right after the event (and again a few times while it has not appeared yet), so the stream and
   * a REST re-sync (`fundingSince`) give the same `venueEntryId`. A ledger that never shows it is
   * reported once (FUNDING_LEDGER_MISSING); a re-sync from REST then brings it.
   */
  private resolveFunding(eventTime: number, attempt = 0): void {
    const read = this.listenKeys.fundingSince;
    if (read === undefined) return;
    void read
      .call(this.listenKeys, eventTime - FUNDING_LOOKBACK_MS)
      .then((payments) => {
        if (this.closed) return;
        let matched = false;
        for (const payment of payments) {
          if (Math.abs(payment.time - eventTime) <= FUNDING_MATCH_MS) matched = true;
          if (this.fundingEmitted.has(payment.venueEntryId)) continue;
          this.rememberFunding(payment.venueEntryId);
          this.emit({ kind: 'funding', time: payment.time, payment });
        }
        if (!matched) this.retryFunding(eventTime, attempt, 'the payment is not in the income ledger yet');
      })
      .catch((error: unknown) => this.retryFunding(eventTime, attempt, errorText(error)));
  }

  private retryFunding(eventTime: number, attempt: number, reason: string): void {
    const delay = FUNDING_RETRY_DELAYS_MS[attempt];
    if (this.closed) return;
    if (delay === undefined) {
      this.problem(
        'FUNDING_LEDGER_MISSING',
        `funding at ${eventTime} not read from the income ledger: ${reason}`,
      );
      return;
    }
    const timer = setTimeout(() => {
      this.fundingTimers.delete(timer);
      this.resolveFunding(eventTime, attempt + 1);
    }, delay);
    this.fundingTimers.add(timer);
  }

  private rememberFunding(id: string): void {
    this.fundingEmitted.add(id);
    if (this.fundingEmitted.size > FUNDING_IDS_KEPT) {
      const oldest = this.fundingEmitted.values().next().value;
      if (oldest !== undefined) this.fundingEmitted.delete(oldest);
    }
  }

  private async keepAlive(): Promise<void> {
    if (this.closed || this.socket === undefined) return;
    try {
      await this.listenKeys.keepAlive();
    } catch (error) {
      if (venueCode(error) === -1125) {
        this.lost('listenKey does not exist (-1125)');
        return;
      }
      // A failed keep-alive is retried at the next period; the key lives 60 min.
      this.problem('KEEPALIVE_FAILED', `listenKey keep-alive failed: ${errorText(error)}`);
    }
  }

  protected handleFrame(text: string): void {
    const frame = parseUserFrame(text);
    switch (frame.type) {
      case 'events': {
        let fundingAt: number | undefined;
        for (const event of frame.events) {
          if (event.kind === 'funding' && this.listenKeys.fundingSince !== undefined) fundingAt = event.time;
          else if (this.fresh(event)) this.emit(event);
        }
        if (fundingAt !== undefined) this.resolveFunding(fundingAt);
        return;
      }
      case 'expired':
        this.lost('listenKeyExpired');
        return;
      case 'problem':
        this.problem(frame.code, frame.message);
        return;
      default:
        return;
    }
  }

  /** False for an order update older than the newest seen for that order. */
  private fresh(event: AccountEvent): boolean {
    if (event.kind !== 'order') return true;
    const key = `${event.order.isAlgo ? 'algo' : 'order'}:${event.order.venueOrderId}`;
    const seen = this.orderTimes.get(key);
    if (seen !== undefined && event.updateTime < seen) return false;
    this.orderTimes.delete(key);
    this.orderTimes.set(key, event.updateTime);
    if (this.orderTimes.size > ORDER_TIMES_KEPT) {
      const oldest = this.orderTimes.keys().next().value;
      if (oldest !== undefined) this.orderTimes.delete(oldest);
    }
    return true;
  }
}

function streamName(subscription: MarketSubscription): string {
  if (subscription.kind === 'mark') return markStreamName(subscription.venueSymbol);
  const interval = toBinanceInterval(subscription.timeframe);
  if (interval === undefined) {
    throw ExchangeErrors.create('INVALID_REQUEST', {
      message: `Binance has no kline interval "${subscription.timeframe}"`,
      details: { venue: 'binance', timeframe: subscription.timeframe },
    });
  }
  return klineStreamName(subscription.venueSymbol, interval);
}

/**
 * Mark price (`<symbol>@markPrice@1s`) and klines (`<symbol>@kline_<interval>`) on
 * `<streamUrl>/market/ws` (the routed path since 2026-03; streams.md §1.1), subscribed with JSON
 * SUBSCRIBE / UNSUBSCRIBE and unsigned integer ids; every subscription is sent again after a reconnect.
 */
export class BinanceMarketStream extends BinanceSocketStream<MarketEvent> implements MarketStream {
  private readonly streams = new Set<string>();
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();

  constructor(
    private readonly streamUrl: string,
    options: BinanceStreamOptions = {},
  ) {
    super(options);
  }

  protected connectUrl(): Promise<string> {
    return Promise.resolve(`${this.streamUrl}/market/ws`);
  }

  protected override async afterOpen(socket: WebSocket): Promise<void> {
    if (this.streams.size > 0) await this.request(socket, 'SUBSCRIBE', [...this.streams]);
  }

  async subscribe(subscription: MarketSubscription): Promise<void> {
    const name = streamName(subscription);
    if (this.streams.has(name)) return;
    this.streams.add(name);
    if (this.socket !== undefined && this.status.state === 'up') {
      await this.request(this.socket, 'SUBSCRIBE', [name]);
    }
  }

  async unsubscribe(subscription: MarketSubscription): Promise<void> {
    const name = streamName(subscription);
    if (!this.streams.delete(name)) return;
    if (this.socket !== undefined && this.status.state === 'up') {
      await this.request(this.socket, 'UNSUBSCRIBE', [name]);
    }
  }

  private async request(socket: WebSocket, method: string, params: string[]): Promise<void> {
    const id = this.nextId++;
    const reply = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new Error(`no reply to ${method} ${params.join(',')} within ${this.options.replyTimeoutMs} ms`),
        );
      }, this.options.replyTimeoutMs);
      this.pending.set(id, {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
    // A connection lost while the send waits its turn rejects the reply before anyone awaits it.
    reply.catch(() => undefined);
    await this.send(socket, JSON.stringify({ method, params, id }));
    return reply;
  }

  protected override connectionLost(reason: string): void {
    for (const waiter of this.pending.values()) waiter.reject(new Error(`stream lost: ${reason}`));
    this.pending.clear();
  }

  protected handleFrame(text: string): void {
    const frame = parseMarketFrame(text);
    switch (frame.type) {
      case 'events':
        for (const event of frame.events) this.emit(event);
        return;
      case 'reply': {
        const waiter = this.pending.get(frame.id);
        this.pending.delete(frame.id);
        if (frame.error === undefined) waiter?.resolve();
        else waiter?.reject(new Error(`Binance refused the subscription: ${frame.error}`));
        return;
      }
      case 'problem':
        this.problem(frame.code, frame.message);
        return;
      default:
        return;
    }
  }
}
