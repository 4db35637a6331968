import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';

/**
 * The simulator's stream side, Binance's wire rules (../shared/reference/streams.md §1):
 * - listenKey: one per API key, valid 60 min; POST returns the active key (extended) or a new one,
 *   PUT extends it (`-1125` when none is active), DELETE closes it and its connections. When a key
 *   expires, every connection on it receives `listenKeyExpired` (it stays open, silent).
 * - paths: `/private/ws?listenKey=…`, `/private/ws/<listenKey>` and `/private/stream?listenKey=…`
 *   for user data; `/market/ws[/<streams>]`, `/market/stream?streams=a/b`, the same under `/public`,
 *   and the legacy bare `/ws`, `/stream`. Like the real venue after the 2026 split, a stream is
 *   delivered only on its category's path: mark price and klines on `/market`, nothing of ours on
 *   `/public` or the bare root (subscribing there is acknowledged and silent).
 * - JSON SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS with unsigned integer ids; more than 10
 *   incoming messages in a second closes the connection.
 * - `/stream` connections get `{"stream":…,"data":…}` envelopes; `/ws` connections the bare payload.
 * Test faults (`POST /__sim/streams`): `drop` every connection, `delay` outgoing frames by `ms`,
 * `resume`, `expire-listen-key` now, `inject` a raw `frame` (text) into the user-data connections,
 * `connections` (counts per path category, so a test knows a client is listening).
 */

export const LISTEN_KEY_TTL_MS = 60 * 60_000;

type Category = 'market' | 'public' | 'root' | 'private';

type Connection = {
  socket: WebSocket;
  category: Category;
  combined: boolean;
  /** Market connections: subscribed stream names (lower-case symbol). */
  streams: Set<string>;
  /** Private connections: the listenKey it was opened with. */
  listenKey?: string;
  messageTimes: number[];
};

export class ListenKeyError extends Error {}

/** Which category a stream name belongs to (BJS websocket-streams modules; streams.md §1.1). */
function streamCategory(name: string): 'market' | 'public' {
  return /@(depth|bookTicker)|^!bookTicker/.test(name) ? 'public' : 'market';
}

export class BinanceStreamServer {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly connections = new Set<Connection>();
  private listenKey: { key: string; expiresAt: number } | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private delayMs = 0;

  constructor(
    private readonly apiKey: string,
    private readonly now: () => number,
  ) {}

  // ── listenKey REST ─────────────────────────────────────────────────────────────────────────

  private checkKey(apiKey: string | undefined): void {
    if (apiKey === undefined || apiKey === '') throw new ListenKeyError('-2014');
    if (apiKey !== this.apiKey) throw new ListenKeyError('-2015');
  }

  private active(): { key: string; expiresAt: number } | undefined {
    return this.listenKey !== undefined && this.listenKey.expiresAt > this.now() ? this.listenKey : undefined;
  }

  createListenKey(apiKey: string | undefined): { listenKey: string } {
    this.checkKey(apiKey);
    const current = this.active();
    const key = current?.key ?? randomBytes(48).toString('base64url').slice(0, 64);
    this.listenKey = { key, expiresAt: this.now() + LISTEN_KEY_TTL_MS };
    this.armExpiry();
    return { listenKey: key };
  }

  keepAliveListenKey(apiKey: string | undefined): { listenKey: string } {
    this.checkKey(apiKey);
    const current = this.active();
    if (current === undefined) throw new ListenKeyError('-1125');
    current.expiresAt = this.now() + LISTEN_KEY_TTL_MS;
    this.armExpiry();
    return { listenKey: current.key };
  }

  closeListenKey(apiKey: string | undefined): Record<string, never> {
    this.checkKey(apiKey);
    const key = this.listenKey?.key;
    this.listenKey = undefined;
    clearTimeout(this.expiryTimer);
    for (const c of this.connections) if (c.listenKey !== undefined && c.listenKey === key) c.socket.close();
    return {};
  }

  /** Expires the key now (a test control, or its timer): `listenKeyExpired` to its connections. */
  expireListenKey(): boolean {
    const key = this.listenKey?.key;
    if (key === undefined) return false;
    this.listenKey = undefined;
    clearTimeout(this.expiryTimer);
    const frame = { e: 'listenKeyExpired', E: String(this.now()), listenKey: key };
    for (const c of this.connections) if (c.listenKey === key) this.send(c, frame);
    return true;
  }

  private armExpiry(): void {
    clearTimeout(this.expiryTimer);
    const left = (this.listenKey?.expiresAt ?? 0) - this.now();
    this.expiryTimer = setTimeout(() => this.expireListenKey(), Math.max(0, left));
    this.expiryTimer.unref();
  }

  // ── Connections ────────────────────────────────────────────────────────────────────────────

  upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://sim');
    const route = /^\/(?:(private|market|public)\/)?(ws|stream)(?:\/(.*))?$/.exec(url.pathname);
    if (route === null) return refuse(socket, 404, { code: -1, msg: 'Not found' });
    const category: Category = (route[1] as Category | undefined) ?? 'root';
    const combined = route[2] === 'stream';
    const rest = route[3] ?? '';
    const connection: Omit<Connection, 'socket'> = {
      category,
      combined,
      streams: new Set(),
      messageTimes: [],
    };
    if (category === 'private') {
      const key = url.searchParams.get('listenKey') ?? (rest !== '' ? rest : undefined);
      if (key === undefined || key !== this.active()?.key) {
        return refuse(socket, 400, { code: -1125, msg: 'This listenKey does not exist.' });
      }
      connection.listenKey = key;
    } else {
      const names = combined ? (url.searchParams.get('streams') ?? '') : rest;
      for (const name of names.split('/')) if (name !== '') connection.streams.add(name);
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const c: Connection = { ...connection, socket: ws };
      this.connections.add(c);
      ws.on('close', () => this.connections.delete(c));
      ws.on('error', () => ws.terminate());
      ws.on('message', (data) => this.received(c, data.toString()));
    });
  }

  /** A client message: the live (un)subscribe protocol; over 10 a second closes the connection. */
  private received(c: Connection, text: string): void {
    const t = Date.now();
    c.messageTimes.push(t);
    while ((c.messageTimes[0] ?? t) <= t - 1000) c.messageTimes.shift();
    if (c.messageTimes.length > 10) {
      c.socket.close(1008, 'Too many requests');
      return;
    }
    let request: { method?: unknown; params?: unknown; id?: unknown };
    try {
      request = JSON.parse(text) as typeof request;
    } catch {
      this.send(c, { code: 3, msg: `Invalid JSON: ${text.slice(0, 40)}` }, true);
      return;
    }
    const id = request.id;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      this.send(c, { code: 2, msg: 'Invalid request: request ID must be an unsigned integer', id }, true);
      return;
    }
    const params = Array.isArray(request.params) ? request.params.filter((p) => typeof p === 'string') : [];
    switch (request.method) {
      case 'SUBSCRIBE':
        for (const p of params) c.streams.add(p);
        return this.send(c, { result: null, id }, true);
      case 'UNSUBSCRIBE':
        for (const p of params) c.streams.delete(p);
        return this.send(c, { result: null, id }, true);
      case 'LIST_SUBSCRIPTIONS':
        return this.send(c, { result: [...c.streams], id }, true);
      case 'SET_PROPERTY':
      case 'GET_PROPERTY':
        return this.send(c, { result: null, id }, true);
      default:
        return this.send(c, { code: 2, msg: 'Invalid request: unknown method', id }, true);
    }
  }

  /** A user-data frame to every connection on the active listenKey. */
  publishUser(frame: Record<string, unknown>): void {
    const key = this.active()?.key;
    if (key === undefined) return;
    for (const c of this.connections) if (c.listenKey === key) this.send(c, frame);
  }

  /** A market frame to every connection subscribed to `stream` on its category's path. */
  publishMarket(stream: string, frame: Record<string, unknown>): void {
    const category = streamCategory(stream);
    for (const c of this.connections) {
      if (c.category !== category || !c.streams.has(stream)) continue;
      this.send(c, c.combined ? { stream, data: frame } : frame, true);
    }
  }

  /** Whether any market connection listens to `stream` (saves building frames nobody reads). */
  wants(stream: string): boolean {
    for (const c of this.connections) if (c.streams.has(stream)) return true;
    return false;
  }

  private send(c: Connection, frame: unknown, immediate = false): void {
    const text = JSON.stringify(frame);
    const write = (): void => {
      if (c.socket.readyState === WebSocket.OPEN) c.socket.send(text);
    };
    if (immediate || this.delayMs <= 0) write();
    else setTimeout(write, this.delayMs).unref();
  }

  // ── Faults ─────────────────────────────────────────────────────────────────────────────────

  /** `{action:'drop'}` closes every stream abruptly; `delay`/`resume`; `expire-listen-key`. */
  control(body: Record<string, unknown>): { status: number; body: unknown } {
    switch (body.action) {
      case 'drop': {
        const dropped = this.connections.size;
        for (const c of this.connections) c.socket.terminate();
        this.connections.clear();
        return { status: 200, body: { dropped } };
      }
      case 'delay': {
        const ms = Number(body.ms);
        if (!Number.isFinite(ms) || ms < 0) return { status: 400, body: { error: 'ms must be ≥ 0' } };
        this.delayMs = ms;
        return { status: 200, body: { delayMs: ms } };
      }
      case 'resume':
        this.delayMs = 0;
        return { status: 200, body: { delayMs: 0 } };
      case 'expire-listen-key':
        return { status: 200, body: { expired: this.expireListenKey() } };
      case 'connections':
        return {
          status: 200,
          body: {
            private: this.connectionCount('private'),
            market: this.connectionCount('market'),
            public: this.connectionCount('public') + this.connectionCount('root'),
          },
        };
      case 'inject': {
        // Raw text to every user-data (or, with `market: true`, market) connection: bad frames for tests.
        if (typeof body.frame !== 'string') return { status: 400, body: { error: 'frame must be a string' } };
        let sent = 0;
        for (const c of this.connections) {
          if ((body.market === true) !== (c.category !== 'private')) continue;
          if (c.socket.readyState === WebSocket.OPEN) c.socket.send(body.frame);
          sent += 1;
        }
        return { status: 200, body: { sent } };
      }
      default:
        return {
          status: 400,
          body: { error: 'action must be drop, delay, resume, expire-listen-key, inject or connections' },
        };
    }
  }

  connectionCount(category?: Category): number {
    let n = 0;
    for (const c of this.connections) if (category === undefined || c.category === category) n += 1;
    return n;
  }

  close(): void {
    clearTimeout(this.expiryTimer);
    for (const c of this.connections) c.socket.terminate();
    this.connections.clear();
    this.wss.close();
  }
}

function refuse(socket: Socket, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${status === 404 ? 'Not Found' : 'Bad Request'}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(payload)}\r\nConnection: close\r\n\r\n${payload}`,
  );
}
