import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type WebSocket from 'ws';
import { StreamHub } from '../sim/streams.ts';

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
 * The server pings every connection every 3 min (and ends one that did not answer the last ping).
 * Connections, delays and drops are the shared `StreamHub`'s (../sim/streams.ts).
 * Test faults (`POST /__sim/streams`): `drop` every connection, `delay` outgoing frames by `ms`,
 * `resume`, `expire-listen-key` now, `inject` a raw `frame` (text) into the user-data connections,
 * `connections` (counts per path category, so a test knows a client is listening).
 */

export const LISTEN_KEY_TTL_MS = 60 * 60_000;

type Category = 'market' | 'public' | 'root' | 'private';

type Meta = {
  category: Category;
  combined: boolean;
  /** Market connections: subscribed stream names (lower-case symbol). */
  streams: Set<string>;
  /** Private connections: the listenKey it was opened with. */
  listenKey?: string;
  /** Private connections opened with `events=A/B`: only those event types are sent. */
  events?: Set<string>;
  messageTimes: number[];
};

export class ListenKeyError extends Error {}

/** Which category a stream name belongs to (BJS websocket-streams modules; streams.md §1.1). */
function streamCategory(name: string): 'market' | 'public' {
  return /@(depth|bookTicker)|^!bookTicker/.test(name) ? 'public' : 'market';
}

export class BinanceStreamServer {
  private readonly hub = new StreamHub<Meta>({ pingIntervalMs: 3 * 60_000 });
  private listenKey: { key: string; expiresAt: number } | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  /** Told the market streams subscribed on `/market` whenever they change (what to feed). */
  onStreamsChanged: (streams: Set<string>) => void = () => undefined;

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
    for (const ws of this.hub.list((m) => m.listenKey !== undefined && m.listenKey === key)) ws.close();
    return {};
  }

  /** Expires the key now (a test control, or its timer): `listenKeyExpired` to its connections. */
  expireListenKey(): boolean {
    const key = this.listenKey?.key;
    if (key === undefined) return false;
    this.listenKey = undefined;
    clearTimeout(this.expiryTimer);
    const frame = { e: 'listenKeyExpired', E: String(this.now()), listenKey: key };
    this.hub.broadcast(frame, (m) => m.listenKey === key);
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
    if (route === null) return StreamHub.refuse(socket, 404, 'Not Found');
    const category: Category = (route[1] as Category | undefined) ?? 'root';
    const combined = route[2] === 'stream';
    const rest = route[3] ?? '';
    const meta: Meta = {
      category,
      combined,
      streams: new Set(),
      messageTimes: [],
    };
    if (category === 'private') {
      const key = url.searchParams.get('listenKey') ?? (rest !== '' ? rest : undefined);
      if (key === undefined || key !== this.active()?.key) {
        return StreamHub.refuse(socket, 400, 'This listenKey does not exist.');
      }
      meta.listenKey = key;
      const events = url.searchParams.get('events');
      if (events !== null && events !== '') meta.events = new Set(events.split('/'));
    } else {
      const names = combined ? (url.searchParams.get('streams') ?? '') : rest;
      for (const name of names.split('/')) if (name !== '') meta.streams.add(name);
    }
    this.hub
      .accept(req, socket, head, meta)
      .then((ws) => {
        ws.on('message', (data) => this.received(ws, meta, data.toString()));
        ws.on('close', () => this.streamsChanged());
        this.streamsChanged();
      })
      .catch(() => undefined);
  }

  /** A client message: the live (un)subscribe protocol; over 10 a second closes the connection. */
  private received(ws: WebSocket, c: Meta, text: string): void {
    const t = Date.now();
    c.messageTimes.push(t);
    while ((c.messageTimes[0] ?? t) <= t - 1000) c.messageTimes.shift();
    if (c.messageTimes.length > 10) {
      ws.close(1008, 'Too many requests');
      return;
    }
    const reply = (body: unknown): void => this.hub.send(ws, body);
    let request: { method?: unknown; params?: unknown; id?: unknown };
    try {
      request = JSON.parse(text) as typeof request;
    } catch {
      reply({ code: 3, msg: `Invalid JSON: ${text.slice(0, 40)}` });
      return;
    }
    const id = request.id;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      reply({ code: 2, msg: 'Invalid request: request ID must be an unsigned integer', id });
      return;
    }
    const params = Array.isArray(request.params) ? request.params.filter((p) => typeof p === 'string') : [];
    switch (request.method) {
      case 'SUBSCRIBE':
        for (const p of params) c.streams.add(p);
        this.streamsChanged();
        return reply({ result: null, id });
      case 'UNSUBSCRIBE':
        for (const p of params) c.streams.delete(p);
        this.streamsChanged();
        return reply({ result: null, id });
      case 'LIST_SUBSCRIPTIONS':
        return reply({ result: [...c.streams], id });
      case 'SET_PROPERTY':
      case 'GET_PROPERTY':
        return reply({ result: null, id });
      default:
        return reply({ code: 2, msg: 'Invalid request: unknown method', id });
    }
  }

  private streamsChanged(): void {
    const streams = new Set<string>();
    for (const ws of this.hub.list((m) => m.category === 'market')) {
      for (const name of this.hub.meta(ws)?.streams ?? []) streams.add(name);
    }
    this.onStreamsChanged(streams);
  }

  /** A user-data frame to every connection on the active listenKey. */
  publishUser(frame: Record<string, unknown>): void {
    const key = this.active()?.key;
    if (key === undefined) return;
    const type = String(frame.e);
    this.hub.broadcast(frame, (m) => m.listenKey === key && (m.events === undefined || m.events.has(type)));
  }

  /** A market frame to every connection subscribed to `stream` on its category's path. */
  publishMarket(stream: string, frame: Record<string, unknown>): void {
    const category = streamCategory(stream);
    for (const ws of this.hub.list((m) => m.category === category && m.streams.has(stream))) {
      this.hub.send(ws, this.hub.meta(ws)?.combined === true ? { stream, data: frame } : frame);
    }
  }

  /** Whether any market connection listens to `stream` (saves building frames nobody reads). */
  wants(stream: string): boolean {
    return this.hub.list((m) => m.category === streamCategory(stream) && m.streams.has(stream)).length > 0;
  }

  // ── Faults ─────────────────────────────────────────────────────────────────────────────────

  /** `drop`, `delay`, `resume` (the hub's); `expire-listen-key`, `inject`, `connections` (ours). */
  control(body: Record<string, unknown>): { status: number; body: unknown } {
    switch (body.action) {
      case 'drop':
      case 'delay':
      case 'resume':
        return this.hub.control(body);
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
        const market = body.market === true;
        const sent = this.hub.broadcast(body.frame, (m) => market === (m.category !== 'private'));
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
    return this.hub.list((m) => category === undefined || m.category === category).length;
  }

  async close(): Promise<void> {
    clearTimeout(this.expiryTimer);
    await this.hub.close();
  }
}
