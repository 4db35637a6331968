import { WebSocket, type RawData } from 'ws';
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
import { ExchangeErrors } from '../errors.ts';
import { okxSign } from './signing.ts';
import { toOkxBar } from './parse.ts';
import { FrameProblem, OkxAccountParser, parseMarketPush, type AlgoTriggers } from './stream-parse.ts';
import { emit, problemReporter, type Listeners } from '../stream/listeners.ts';

/**
 * OKX v5 WebSocket streams (wire facts: /work/shared/reference/streams.md §2). Private channels log
 * in per connection (`sign = Base64(HMAC-SHA256(secret, ts + "GET" + "/users/self/verify"))`, ts in
 * Unix seconds); `orders-algo`, `algo-advance` and candles live on `/business` (a wrong socket gets
 * 64001/64002). Keepalive is OKX's text `ping` → `pong`, sent when nothing arrived for `pingMs`
 * (< 30 s, after which OKX drops a silent connection); no `pong` within another `pingMs` = dead.
 */

/** The production hosts; demo trading uses `wspap` (streams.md §2.1). */
export const OKX_WS_URLS = {
  live: 'wss://ws.okx.com:8443/ws/v5',
  demo: 'wss://wspap.okx.com:8443/ws/v5',
} as const;

export type OkxStreamOptions = StreamOptions & {
  /** Send `ping` after this much silence (default 20 s; OKX drops a connection silent for 30 s). */
  pingMs?: number;
  /** How long a login or subscribe may take before the connection counts as failed (default 10 s). */
  replyTimeoutMs?: number;
  random?: () => number;
};

type Credentials = { apiKey: string; apiSecret: string; passphrase: string };

/** What a stream needs from the REST client. */
export type OkxStreamHost = {
  /** `…/ws/v5` base: the sockets are `${base}/public|private|business`. */
  wsBaseUrl: string;
  credentials: Credentials;
  /** The venue's clock in ms (login timestamps are checked within 30 s). */
  serverNow(): number;
  /** Contract value of an instrument id (sizes are in contracts on the wire). */
  ctVal(instId: string): Promise<string | undefined>;
  /** The pending algo orders' triggers, read on every (re)connect so a triggered fill can say SL or TP. */
  pendingAlgos(): Promise<Array<{ algoId: string } & AlgoTriggers>>;
  /** Funding entries since a time, for the `balance_and_position` eventType `funding_fee`. */
  fundingSince(query: { since: number }): Promise<FundingPayment[]>;
};

type Frame = Record<string, unknown>;

/**
 * One OKX WebSocket: connects, logs in when given credentials, (re)subscribes, keeps alive with
 * text pings and reconnects with jittered exponential backoff after any failure.
 */
class OkxSocket {
  private ws: WebSocket | undefined;
  private closed = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private awaitingPong = false;
  private seq = 0;
  /** Requests awaiting their acknowledgements (one per subscribed arg, one for a login). */
  private readonly pending = new Map<
    string,
    { remaining: number; resolve: () => void; reject: (e: Error) => void }
  >();
  up = false;

  constructor(
    readonly name: string,
    private readonly url: string,
    private readonly options: Required<
      Pick<OkxStreamOptions, 'reconnectMinMs' | 'reconnectMaxMs' | 'pingMs' | 'replyTimeoutMs' | 'random'>
    >,
    private readonly hooks: {
      login?: () => Frame;
      /** Channel args to subscribe after (re)connecting. */
      subscriptions: () => Frame[];
      onUp: () => void;
      onDown: (reason: string, fatal?: Error) => void;
      onFrame: (frame: Frame) => void;
      onProblem: (code: string, message: string) => void;
    },
  ) {}

  start(): void {
    this.closed = false;
    this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.pingTimer);
    const ws = this.ws;
    this.ws = undefined;
    this.up = false;
    if (ws !== undefined && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.terminate();
      });
    }
  }

  /** Sends a subscribe / unsubscribe request and waits for its acknowledgement. */
  request(op: 'subscribe' | 'unsubscribe', args: Frame[]): Promise<void> {
    const ws = this.ws;
    if (ws === undefined || !this.up || args.length === 0) return Promise.resolve();
    return this.send(ws, { op, args });
  }

  private send(ws: WebSocket, frame: Frame): Promise<void> {
    this.seq += 1;
    const id = `r${this.seq}`;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`OKX did not answer ${String(frame.op)} within ${this.options.replyTimeoutMs} ms`));
      }, this.options.replyTimeoutMs);
      const args = Array.isArray(frame.args) ? frame.args.length : 1;
      this.pending.set(id, {
        remaining: frame.op === 'login' ? 1 : Math.max(1, args),
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      // Login replies carry no id (streams.md §2.2): it is the only request in flight then.
      ws.send(JSON.stringify(frame.op === 'login' ? frame : { id, ...frame }));
    });
  }

  private connect(): void {
    if (this.closed) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url);
    } catch (error) {
      // A malformed URL: configuration, not a transient failure; reported, never retried.
      const fatal = error instanceof Error ? error : new Error(String(error));
      this.hooks.onDown(`${this.name} URL refused: ${fatal.message}`, fatal);
      return;
    }
    this.ws = ws;
    let failedAs: Error | undefined;
    ws.on('open', () => {
      this.armPing(ws);
      void this.handshake(ws).then(
        () => {
          if (this.ws !== ws) return;
          this.attempt = 0;
          this.up = true;
          this.hooks.onUp();
        },
        (error: Error) => {
          failedAs = error;
          ws.terminate();
        },
      );
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      this.armPing(ws);
      if (isBinary) return this.hooks.onProblem('binary_frame', 'OKX sent a binary frame');
      this.receive(data.toString());
    });
    ws.on('error', () => {
      // 'close' follows and reconnects.
    });
    ws.on('close', () => {
      clearTimeout(this.pingTimer);
      for (const waiter of this.pending.values()) waiter.reject(failedAs ?? new Error('OKX socket closed'));
      this.pending.clear();
      if (this.ws !== ws) return;
      const wasUp = this.up;
      this.up = false;
      this.ws = undefined;
      if (this.closed) return;
      this.hooks.onDown(
        failedAs?.message ?? (wasUp ? `${this.name} socket closed` : `${this.name} connect failed`),
        failedAs,
      );
      this.scheduleReconnect();
    });
  }

  /** Login (private sockets), then the subscriptions; each acknowledged or the connection fails. */
  private async handshake(ws: WebSocket): Promise<void> {
    const login = this.hooks.login;
    if (login !== undefined) await this.send(ws, login());
    const subs = this.hooks.subscriptions();
    if (subs.length > 0) await this.send(ws, { op: 'subscribe', args: subs });
  }

  private scheduleReconnect(): void {
    const { reconnectMinMs, reconnectMaxMs, random } = this.options;
    const ceiling = Math.min(reconnectMaxMs, reconnectMinMs * 2 ** Math.min(this.attempt, 20));
    this.attempt += 1;
    // Full jitter over the upper half: sockets of many accounts do not reconnect in step.
    const delay = ceiling / 2 + (random() * ceiling) / 2;
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  /** Every received message re-arms the timer; silence → `ping`; still silent → the socket is dead. */
  private armPing(ws: WebSocket): void {
    this.awaitingPong = false;
    clearTimeout(this.pingTimer);
    this.pingTimer = setTimeout(() => this.pingOrDie(ws), this.options.pingMs);
  }

  private pingOrDie(ws: WebSocket): void {
    if (this.ws !== ws) return;
    if (this.awaitingPong) {
      this.hooks.onProblem('pong_missing', `OKX ${this.name} socket answered no pong`);
      ws.terminate();
      return;
    }
    this.awaitingPong = true;
    if (ws.readyState === WebSocket.OPEN) ws.send('ping');
    this.pingTimer = setTimeout(() => this.pingOrDie(ws), this.options.pingMs);
  }

  private receive(raw: string): void {
    if (raw === 'pong') return;
    let frame: unknown;
    try {
      frame = JSON.parse(raw);
    } catch {
      return this.hooks.onProblem('malformed_frame', `OKX ${this.name} sent a frame that is not JSON`);
    }
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
      return this.hooks.onProblem('malformed_frame', `OKX ${this.name} sent a frame that is not an object`);
    }
    const f = frame as Frame;
    const event = typeof f.event === 'string' ? f.event : undefined;
    const id = typeof f.id === 'string' ? f.id : undefined;
    if (event === 'login' || event === 'subscribe' || event === 'unsubscribe') {
      const key = id ?? (this.pending.keys().next().value as string | undefined);
      const waiter = key !== undefined ? this.pending.get(key) : undefined;
      if (key === undefined || waiter === undefined) return;
      // A subscribe of several args is acknowledged once per arg: settled when every one is.
      waiter.remaining -= 1;
      if (waiter.remaining > 0) return;
      this.pending.delete(key);
      waiter.resolve();
      return;
    }
    if (event === 'error') {
      const code = String(f.code ?? '');
      const error = ExchangeErrors.create(
        /^600(0[4-9]|2[4]|3[12])$/.test(code) ? 'EXCHANGE_AUTH_FAILED' : 'EXCHANGE_ERROR',
        {
          message: `OKX ${this.name} socket: ${code} ${String(f.msg ?? '')}`.trim(),
          details: { venue: 'okx', venueCode: code },
        },
      );
      const key = id ?? (this.pending.keys().next().value as string | undefined);
      const waiter = key !== undefined ? this.pending.get(key) : undefined;
      if (key !== undefined && waiter !== undefined) {
        this.pending.delete(key);
        waiter.reject(error);
      } else {
        this.hooks.onProblem(`venue_error_${code}`, error.message);
      }
      return;
    }
    if (event === 'notice') {
      // A service upgrade will close the connection within 60 s: reconnect now (streams.md §2.3).
      this.ws?.terminate();
      return;
    }
    if (event === 'channel-conn-count') return;
    if (event === 'channel-conn-count-error') {
      // Over OKX's 30 connections per channel (streams.md §2.4): this connection gets nothing.
      return this.hooks.onProblem(
        'channel_conn_count_error',
        `OKX refused ${this.name}: too many connections`,
      );
    }
    if (event !== undefined)
      return this.hooks.onProblem(`unknown_event_${event}`, `OKX sent an unknown event "${event}"`);
    this.hooks.onFrame(f);
  }
}

/** The aggregate status of several sockets: up only when every one is up, down when one drops. */
class StatusBoard {
  status: StreamStatus = { state: 'connecting', time: Date.now() };
  readonly listeners: Listeners<StreamStatus> = new Set();
  private firstUp: { resolve: () => void; reject: (e: Error) => void } | undefined;
  readonly started: Promise<void>;

  constructor(private readonly sockets: () => OkxSocket[]) {
    this.started = new Promise((resolve, reject) => {
      this.firstUp = { resolve, reject };
    });
    this.started.catch(() => undefined);
  }

  changed(reason?: string, fatal?: Error): void {
    const all = this.sockets();
    if (all.every((s) => s.up)) {
      if (this.status.state !== 'up') this.set({ state: 'up', time: Date.now() });
      this.firstUp?.resolve();
      this.firstUp = undefined;
      return;
    }
    if (reason !== undefined && this.status.state !== 'down') {
      this.set({ state: 'down', time: Date.now(), reason });
    }
    if (fatal !== undefined && this.firstUp !== undefined) {
      this.firstUp.reject(fatal);
      this.firstUp = undefined;
    }
  }

  closed(): void {
    this.firstUp?.reject(new Error('OKX stream closed before it was up'));
    this.firstUp = undefined;
    if (this.status.state !== 'down') this.set({ state: 'down', time: Date.now(), reason: 'closed' });
  }

  private set(status: StreamStatus): void {
    this.status = status;
    emit(this.listeners, status);
  }
}

function socketOptions(options: OkxStreamOptions) {
  return {
    reconnectMinMs: options.reconnectMinMs ?? 500,
    reconnectMaxMs: options.reconnectMaxMs ?? 30_000,
    pingMs: options.pingMs ?? 20_000,
    replyTimeoutMs: options.replyTimeoutMs ?? 10_000,
    random: options.random ?? Math.random,
  };
}

/** Reports each distinct problem once (a flood of one malformed frame type is one report). */
/**
 * The account stream: a private socket (orders, positions, balance_and_position, account) and a
 * business socket (orders-algo, algo-advance), both logged in. Funding: OKX pushes no funding event
 * on these channels; `balance_and_position` says `eventType: "funding_fee"` when one was booked
 * (streams.md §2.5), and then the ledger entries are read from `GET /api/v5/account/bills?type=8`
 * (their billId is the venueEntryId) and emitted as `funding` events, each once.
 */
export class OkxAccountStream implements AccountStream {
  private readonly events: Listeners<AccountEvent> = new Set();
  private readonly board: StatusBoard;
  private readonly parser: OkxAccountParser;
  private readonly ctVals = new Map<string, string>();
  private readonly problem: (code: string, message: string) => void;
  private readonly privateSocket: OkxSocket;
  private readonly businessSocket: OkxSocket;
  /** Frames are handled one at a time, in arrival order (an instrument lookup may wait). */
  private chain: Promise<void> = Promise.resolve();
  private readonly fundingSeen = new Set<string>();
  /** A second `start` only waits for the first. */
  private started = false;
  private fundingCheckedAt: number;

  constructor(
    private readonly host: OkxStreamHost,
    options: OkxStreamOptions = {},
  ) {
    this.problem = problemReporter(options);
    this.parser = new OkxAccountParser((instId) => this.ctVals.get(instId));
    this.fundingCheckedAt = host.serverNow();
    const opts = socketOptions(options);
    const login = (): Frame => {
      const timestamp = String(Math.floor(host.serverNow() / 1000));
      const { apiKey, apiSecret, passphrase } = host.credentials;
      return {
        op: 'login',
        args: [
          { apiKey, passphrase, timestamp, sign: okxSign(apiSecret, timestamp, 'GET', '/users/self/verify') },
        ],
      };
    };
    const hooks = (subscriptions: Frame[]) => ({
      login,
      subscriptions: () => subscriptions,
      onUp: () => this.onUp(),
      onDown: (reason: string, fatal?: Error) => this.board.changed(reason, fatal),
      onFrame: (frame: Frame) => this.enqueue(frame),
      onProblem: this.problem,
    });
    this.privateSocket = new OkxSocket(
      'private',
      `${host.wsBaseUrl}/private`,
      opts,
      hooks([
        { channel: 'orders', instType: 'SWAP' },
        { channel: 'positions', instType: 'SWAP', extraParams: '{"updateInterval":"0"}' },
        { channel: 'balance_and_position' },
        { channel: 'account' },
      ]),
    );
    this.businessSocket = new OkxSocket(
      'business',
      `${host.wsBaseUrl}/business`,
      opts,
      hooks([
        { channel: 'orders-algo', instType: 'SWAP' },
        { channel: 'algo-advance', instType: 'SWAP' },
      ]),
    );
    this.board = new StatusBoard(() => [this.privateSocket, this.businessSocket]);
  }

  get status(): StreamStatus {
    return this.board.status;
  }

  async start(): Promise<void> {
    if (!this.started) {
      this.started = true;
      this.privateSocket.start();
      this.businessSocket.start();
    }
    await this.board.started;
  }

  async close(): Promise<void> {
    await Promise.all([this.privateSocket.close(), this.businessSocket.close()]);
    this.board.closed();
  }

  onEvent(listener: (event: AccountEvent) => void): () => void {
    this.events.add(listener);
    return () => this.events.delete(listener);
  }

  onStatus(listener: (status: StreamStatus) => void): () => void {
    this.board.listeners.add(listener);
    return () => this.board.listeners.delete(listener);
  }

  /** Both sockets up: learn the resting algo orders (best effort), then report up. */
  private onUp(): void {
    if (!this.privateSocket.up || !this.businessSocket.up) return this.board.changed();
    this.host
      .pendingAlgos()
      .then((algos) => {
        for (const a of algos) this.parser.rememberAlgo(a.algoId, a);
      })
      .catch(() => this.problem('algo_resync_failed', 'OKX pending algo orders could not be read'))
      .finally(() => this.board.changed());
  }

  private enqueue(frame: Frame): void {
    this.chain = this.chain.then(() => this.handle(frame)).catch(() => undefined);
  }

  private async handle(frame: Frame): Promise<void> {
    const arg = frame.arg as Frame | undefined;
    const channel = typeof arg?.channel === 'string' ? arg.channel : undefined;
    if (channel === undefined || !Array.isArray(frame.data)) {
      return this.problem('malformed_frame', 'OKX push without arg.channel or data');
    }
    try {
      for (const instId of instIdsOf(frame.data)) {
        if (this.ctVals.has(instId)) continue;
        const ct = await this.host.ctVal(instId).catch(() => undefined);
        if (ct !== undefined) this.ctVals.set(instId, ct);
      }
      if (channel === 'balance_and_position') this.noteBalanceAndPosition(frame.data);
      for (const event of this.parser.parsePush(channel, frame.data)) emit(this.events, event);
    } catch (error) {
      if (error instanceof FrameProblem) return this.problem(error.code, error.message);
      this.problem('parse_failed', error instanceof Error ? error.message : String(error));
    }
  }

  /** `eventType: "funding_fee"` → read the new funding bills and emit each once. */
  private noteBalanceAndPosition(data: unknown[]): void {
    const funding = data.some(
      (d) => typeof d === 'object' && d !== null && (d as Frame).eventType === 'funding_fee',
    );
    if (!funding) return;
    // A minute of overlap: the bill may carry a time slightly before the previous check.
    const since = this.fundingCheckedAt - 60_000;
    this.fundingCheckedAt = this.host.serverNow();
    this.host
      .fundingSince({ since })
      .then((payments) => {
        for (const payment of payments) {
          if (this.fundingSeen.has(payment.venueEntryId)) continue;
          this.fundingSeen.add(payment.venueEntryId);
          emit(this.events, { kind: 'funding', time: payment.time, payment });
        }
      })
      .catch(() => this.problem('funding_read_failed', 'OKX funding bills could not be read'));
  }
}

function instIdsOf(data: unknown[]): string[] {
  const ids = new Set<string>();
  for (const item of data) {
    if (typeof item !== 'object' || item === null) continue;
    const instId = (item as Frame).instId;
    if (typeof instId === 'string' && instId !== '') ids.add(instId);
  }
  return [...ids];
}

function channelOf(subscription: MarketSubscription): { socket: 'public' | 'business'; arg: Frame } {
  if (subscription.kind === 'mark')
    return { socket: 'public', arg: { channel: 'mark-price', instId: subscription.venueSymbol } };
  const bar = toOkxBar(subscription.timeframe);
  if (bar === undefined) {
    throw ExchangeErrors.create('INVALID_REQUEST', {
      message: `OKX has no candle bar "${subscription.timeframe}"`,
      details: { venue: 'okx', timeframe: subscription.timeframe },
    });
  }
  return { socket: 'business', arg: { channel: `candle${bar}`, instId: subscription.venueSymbol } };
}

const argKey = (arg: Frame): string => `${String(arg.channel)} ${String(arg.instId)}`;

/** Mark prices on the public socket, candles on the business socket (no login needed for either). */
export class OkxMarketStream implements MarketStream {
  private readonly events: Listeners<MarketEvent> = new Set();
  private readonly board: StatusBoard;
  private readonly problem: (code: string, message: string) => void;
  private readonly subs = { public: new Map<string, Frame>(), business: new Map<string, Frame>() };
  private readonly sockets: { public: OkxSocket; business: OkxSocket };
  private readonly ctVals = new Map<string, string>();
  private chain: Promise<void> = Promise.resolve();
  private started = false;

  constructor(
    private readonly host: OkxStreamHost,
    options: OkxStreamOptions = {},
  ) {
    this.problem = problemReporter(options);
    const opts = socketOptions(options);
    const make = (name: 'public' | 'business'): OkxSocket =>
      new OkxSocket(name, `${host.wsBaseUrl}/${name}`, opts, {
        subscriptions: () => [...this.subs[name].values()],
        onUp: () => this.board.changed(),
        onDown: (reason, fatal) => this.board.changed(reason, fatal),
        onFrame: (frame) => this.enqueue(frame),
        onProblem: this.problem,
      });
    this.sockets = { public: make('public'), business: make('business') };
    this.board = new StatusBoard(() => [this.sockets.public, this.sockets.business]);
  }

  get status(): StreamStatus {
    return this.board.status;
  }

  async start(): Promise<void> {
    if (!this.started) {
      this.started = true;
      this.sockets.public.start();
      this.sockets.business.start();
    }
    await this.board.started;
  }

  async close(): Promise<void> {
    await Promise.all([this.sockets.public.close(), this.sockets.business.close()]);
    this.board.closed();
  }

  async subscribe(subscription: MarketSubscription): Promise<void> {
    const { socket, arg } = channelOf(subscription);
    const ct = await this.host.ctVal(subscription.venueSymbol);
    if (ct !== undefined) this.ctVals.set(subscription.venueSymbol, ct);
    if (this.subs[socket].has(argKey(arg))) return;
    this.subs[socket].set(argKey(arg), arg);
    try {
      await this.sockets[socket].request('subscribe', [arg]);
    } catch (error) {
      // Refused (e.g. 60018, no such instrument): not re-sent on every reconnect.
      this.subs[socket].delete(argKey(arg));
      throw error;
    }
  }

  async unsubscribe(subscription: MarketSubscription): Promise<void> {
    const { socket, arg } = channelOf(subscription);
    if (!this.subs[socket].delete(argKey(arg))) return;
    await this.sockets[socket].request('unsubscribe', [arg]);
  }

  onEvent(listener: (event: MarketEvent) => void): () => void {
    this.events.add(listener);
    return () => this.events.delete(listener);
  }

  onStatus(listener: (status: StreamStatus) => void): () => void {
    this.board.listeners.add(listener);
    return () => this.board.listeners.delete(listener);
  }

  private enqueue(frame: Frame): void {
    this.chain = this.chain.then(() => this.handle(frame)).catch(() => undefined);
  }

  private async handle(frame: Frame): Promise<void> {
    const arg = frame.arg as Frame | undefined;
    const channel = typeof arg?.channel === 'string' ? arg.channel : undefined;
    const instId = typeof arg?.instId === 'string' ? arg.instId : '';
    if (channel === undefined || !Array.isArray(frame.data)) {
      return this.problem('malformed_frame', 'OKX push without arg.channel or data');
    }
    try {
      if (!this.ctVals.has(instId) && instId !== '') {
        const ct = await this.host.ctVal(instId).catch(() => undefined);
        if (ct !== undefined) this.ctVals.set(instId, ct);
      }
      for (const event of parseMarketPush(channel, instId, frame.data, this.ctVals.get(instId) ?? '1')) {
        emit(this.events, event);
      }
    } catch (error) {
      if (error instanceof FrameProblem) return this.problem(error.code, error.message);
      this.problem('parse_failed', error instanceof Error ? error.message : String(error));
    }
  }
}
