import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { WireReply } from './pipeline.ts';

/**
 * The stream side every wire simulator shares: the WebSocket connections a dialect accepted (from
 * `SimulatorDialect.upgrade`), sending JSON to some of them, the stream faults of
 * `POST /__sim/streams` (drop every connection, delay outgoing messages, resume), heartbeats (ws
 * ping/pong, the text "ping" of OKX, an idle limit) and closing everything with the simulator.
 * A dialect keeps what it knows of a connection (subscriptions, listenKey, login) as its `Meta`.
 * Framing is the `ws` package's (https://github.com/websockets/ws).
 */

export type StreamHubOptions = {
  /** Ping every connection this often (ms) and end one that did not answer the previous ping; 0 = never. */
  pingIntervalMs?: number;
  /** End a connection that sent nothing for this long (ms), as OKX does after 30 s; 0 = never. */
  idleTimeoutMs?: number;
  /** Largest incoming message (bytes); ws closes the connection with 1009 beyond it. Default 64 KiB. */
  maxPayload?: number;
};

/** What `POST /__sim/streams` accepts. */
export type StreamControl = { action: 'drop' } | { action: 'delay'; ms?: number } | { action: 'resume' };

type Held = { ws: WebSocket; data: string; due: number };

/** `lastSeen`: the last message from the peer (pongs not counted); `alive`: it answered the last ping. */
type Connection<Meta> = { meta: Meta; alive: boolean; lastSeen: number; lastPing: number };

export class StreamHub<Meta = Record<string, never>> {
  private readonly server: WebSocketServer;
  private readonly connections = new Map<WebSocket, Connection<Meta>>();
  /** Messages held while delayed, in send order. */
  private readonly held: Held[] = [];
  /** undefined: not delayed; 0: hold until resume; > 0: deliver each message this long after it was sent. */
  private delayMs: number | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly options: Required<StreamHubOptions>;

  constructor(options: StreamHubOptions = {}) {
    this.options = {
      pingIntervalMs: options.pingIntervalMs ?? 0,
      idleTimeoutMs: options.idleTimeoutMs ?? 0,
      maxPayload: options.maxPayload ?? 64 * 1024,
    };
    this.server = new WebSocketServer({ noServer: true, maxPayload: this.options.maxPayload });
    const every = [this.options.pingIntervalMs, this.options.idleTimeoutMs].filter((ms) => ms > 0);
    if (every.length > 0) {
      this.heartbeat = setInterval(() => this.beat(), Math.max(10, Math.min(...every) / 2));
      this.heartbeat.unref();
    }
  }

  /** Open connections. */
  get size(): number {
    return this.connections.size;
  }

  /** Whether messages are being held (`delay`). */
  get delayed(): boolean {
    return this.delayMs !== undefined;
  }

  /**
   * Completes a WebSocket upgrade and tracks the connection with `meta`; resolves with the socket
   * once open (register its `message` handler then). After `close`, the socket is destroyed.
   */
  accept(req: IncomingMessage, socket: Socket, head: Buffer, meta: Meta): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      if (this.closed) {
        socket.destroy();
        reject(new Error('stream hub closed'));
        return;
      }
      this.server.handleUpgrade(req, socket, head, (ws) => {
        const now = Date.now();
        const connection: Connection<Meta> = { meta, alive: true, lastSeen: now, lastPing: now };
        this.connections.set(ws, connection);
        ws.on('pong', () => {
          connection.alive = true;
        });
        ws.on('message', () => {
          connection.lastSeen = Date.now();
        });
        ws.on('close', () => this.connections.delete(ws));
        // A socket error (reset by the peer) only ends that connection.
        ws.on('error', () => ws.terminate());
        resolve(ws);
      });
    });
  }

  /** Refuses an upgrade with an HTTP status (a path the venue does not serve, a bad listenKey). */
  static refuse(socket: Socket, status: number, message: string): void {
    const body = JSON.stringify({ error: message });
    socket.end(
      `HTTP/1.1 ${status} ${message}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }

  meta(ws: WebSocket): Meta | undefined {
    return this.connections.get(ws)?.meta;
  }

  /** Every open connection with its meta, optionally those `filter` keeps. */
  list(filter?: (meta: Meta, ws: WebSocket) => boolean): WebSocket[] {
    const out: WebSocket[] = [];
    for (const [ws, connection] of this.connections) {
      if (filter === undefined || filter(connection.meta, ws)) out.push(ws);
    }
    return out;
  }

  /** Sends a message (objects as JSON, strings as they are), held first while delayed. */
  send(ws: WebSocket, message: unknown): void {
    const data = typeof message === 'string' ? message : JSON.stringify(message);
    if (this.delayMs === undefined) {
      deliver(ws, data);
      return;
    }
    this.held.push({ ws, data, due: this.delayMs === 0 ? Infinity : Date.now() + this.delayMs });
    this.scheduleFlush();
  }

  /** Sends one message to every connection `filter` keeps (all when omitted); returns how many. */
  broadcast(message: unknown, filter?: (meta: Meta, ws: WebSocket) => boolean): number {
    const data = typeof message === 'string' ? message : JSON.stringify(message);
    const targets = this.list(filter);
    for (const ws of targets) this.send(ws, data);
    return targets.length;
  }

  /** Ends every connection abruptly (no close frame), as a network failure would. Returns how many. */
  drop(): number {
    const count = this.connections.size;
    for (const ws of [...this.connections.keys()]) this.cutOff(ws);
    // What was held for them is lost with them.
    this.held.length = 0;
    return count;
  }

  /**
   * Holds outgoing messages: each is delivered `ms` after it was sent (order kept), or, without
   * `ms`, only at `resume`.
   */
  delay(ms?: number): void {
    this.delayMs = ms !== undefined && ms > 0 ? ms : 0;
  }

  /** Ends the delay: whatever is held is delivered now, in order. */
  resume(): void {
    this.delayMs = undefined;
    this.flush(Infinity);
  }

  /** `POST /__sim/streams`: `{action:'drop'}`, `{action:'delay', ms?}`, `{action:'resume'}`. */
  control(body: Record<string, unknown>): WireReply {
    const action = body.action;
    if (action === 'drop') return { status: 200, body: { action, dropped: this.drop() } };
    if (action === 'delay') {
      const ms = body.ms;
      if (ms !== undefined && (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0)) {
        return { status: 400, body: { error: 'ms must be a non-negative number of milliseconds' } };
      }
      this.delay(ms);
      return { status: 200, body: { action, ms: this.delayMs } };
    }
    if (action === 'resume') {
      const released = this.held.length;
      this.resume();
      return { status: 200, body: { action, released } };
    }
    return { status: 400, body: { error: 'action must be drop, delay or resume' } };
  }

  /** Closes every connection (close code 1001, going away) and stops the timers. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.held.length = 0;
    const sockets = [...this.connections.keys()];
    await Promise.all(
      sockets.map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === WebSocket.CLOSED) return resolve();
            ws.once('close', () => resolve());
            ws.close(1001, 'simulator closing');
            // A peer that never answers the close frame is cut off.
            setTimeout(() => {
              ws.terminate();
              resolve();
            }, 500).unref();
          }),
      ),
    );
    this.connections.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private scheduleFlush(): void {
    if (this.flushTimer !== undefined) return;
    const next = this.held[0]?.due;
    if (next === undefined || next === Infinity) return;
    this.flushTimer = setTimeout(
      () => {
        this.flushTimer = undefined;
        this.flush(Date.now());
        this.scheduleFlush();
      },
      Math.max(0, next - Date.now()),
    );
    this.flushTimer.unref();
  }

  /** Delivers the held messages due by `now`, in order (a later one never overtakes an earlier). */
  private flush(now: number): void {
    while (this.held.length > 0 && (this.held[0] as Held).due <= now) {
      const { ws, data } = this.held.shift() as Held;
      deliver(ws, data);
    }
  }

  /** Ends one connection abruptly and forgets it at once (its `close` event comes later). */
  private cutOff(ws: WebSocket): void {
    this.connections.delete(ws);
    ws.terminate();
  }

  private beat(): void {
    const now = Date.now();
    const { pingIntervalMs, idleTimeoutMs } = this.options;
    for (const [ws, connection] of this.connections) {
      if (idleTimeoutMs > 0 && now - connection.lastSeen > idleTimeoutMs) {
        this.cutOff(ws);
        continue;
      }
      if (pingIntervalMs > 0 && now - connection.lastPing >= pingIntervalMs) {
        if (!connection.alive) {
          this.cutOff(ws);
          continue;
        }
        connection.alive = false;
        connection.lastPing = now;
        ws.ping();
      }
    }
  }
}

function deliver(ws: WebSocket, data: string): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(data);
}

/** A text frame "ping" (OKX's application heartbeat); the dialect answers "pong". */
export function isTextPing(data: RawData, isBinary: boolean): boolean {
  return !isBinary && data.toString() === 'ping';
}

/** Parses a JSON text frame; undefined for anything else (the dialect answers its own error). */
export function parseFrame(data: RawData, isBinary: boolean): unknown {
  if (isBinary) return undefined;
  try {
    return JSON.parse(data.toString()) as unknown;
  } catch {
    return undefined;
  }
}
