import { randomUUID } from 'node:crypto';
import { BROADCAST_MAX_BYTES, type Broadcast } from '@tradingbot/db';
import type { ServerEventBus, ServerEvents } from '../events.ts';

/** What the browser receives on `GET /api/v1/events`: an SSE event name and its JSON data (never a user id). */
export type UserEvent = {
  event: 'fill' | 'position' | 'signal' | 'order' | 'protection' | 'stream';
  data: object;
};

const without = <T extends { userId: string }>({ userId: _userId, ...rest }: T) => rest;

/**
 * Subscribes to the bus for every user's browser-facing events, mapped to the SSE names the
 * dashboard listens for; `send` gets each with the user it belongs to. Returns the unsubscribe function.
 */
function onUserEvents(bus: ServerEventBus, send: (userId: string, event: UserEvent) => void): () => void {
  const offs: Array<() => void> = [];
  const on = <E extends keyof ServerEvents>(
    name: E,
    map: (payload: Readonly<ServerEvents[E]>) => UserEvent,
  ) => {
    offs.push(
      bus.on(name, (payload) => send((payload as unknown as { userId: string }).userId, map(payload))),
    );
  };
  on('fill.received', (p) => ({ event: 'fill', data: without(p) }));
  on('position.changed', (p) => ({ event: 'position', data: without(p) }));
  on('protection.missing', (p) => ({ event: 'protection', data: without(p) }));
  on('stream.down', (p) => ({ event: 'stream', data: { ...without(p), state: 'down' } }));
  on('stream.up', (p) => ({ event: 'stream', data: { ...without(p), state: 'up' } }));
  on('order.recorded', (p) => ({
    event: 'order',
    data: {
      signalId: p.signalId,
      accountId: p.accountId,
      role: p.role,
      symbol: p.symbol,
      status: p.status,
      outcome: p.outcome,
    },
  }));
  on('signal.finished', (p) => ({
    event: 'signal',
    data: {
      signalId: p.signalId,
      accountId: p.accountId,
      exchange: p.exchange,
      status: p.status,
      code: p.code ?? null,
      message: p.message,
      resumed: p.resumed,
    },
  }));
  return () => {
    for (const off of offs) off();
  };
}

/** The broadcast name the processes sharing a database relay their users' events on. */
const RELAY_NAME = 'user-events';

/** One broadcast message: the events of one turn of this process's event loop, in order. */
type Relayed = { origin: string; events: Array<{ userId: string; event: UserEvent }> };

export type UserEventLog = { warn(obj: object, msg: string): void };

/**
 * Each user's live events for their open browser streams, whichever server process the event
 * happened in. Events of this process come from its bus; on PostgreSQL every process also relays
 * its events to the others over the database's broadcast (LISTEN/NOTIFY), because the process
 * holding an account's venue stream or signal lease is not necessarily the one the browser is
 * connected to. A relayed event only reaches browser streams, never the bus, so listeners (XP,
 * notifications) still run once, in the process where it happened. Relayed events are hints for
 * a live view (a page refetches what it shows on reconnect): one missed while a connection is
 * re-established is not recovered.
 */
export class UserEventHub {
  readonly #origin = randomUUID();
  readonly #streams = new Map<string, Set<(event: UserEvent) => void>>();
  /** Events waiting to be relayed, as serialized entries, sent together after this turn of the event loop. */
  #outgoing: string[] = [];
  /** The relay's NOTIFYs, sent in order (a burst larger than one payload is several). */
  #relayed: Promise<void> = Promise.resolve();
  #stops: Array<() => void | Promise<void>> = [];

  constructor(
    private readonly bus: ServerEventBus,
    private readonly broadcast: Broadcast | undefined,
    private readonly log: UserEventLog,
  ) {}

  /** Starts hearing the bus and, when there is one, the other processes. */
  async start(): Promise<void> {
    this.#stops.push(
      onUserEvents(this.bus, (userId, event) => {
        this.#deliver(userId, event);
        if (this.broadcast) this.#queueRelay(this.broadcast, JSON.stringify({ userId, event }));
      }),
    );
    if (this.broadcast) {
      this.#stops.push(await this.broadcast.subscribe(RELAY_NAME, (payload) => this.#received(payload)));
    }
  }

  /** Streams `userId`'s events to `send` (no one else's); returns the unsubscribe function. */
  subscribe(userId: string, send: (event: UserEvent) => void): () => void {
    let streams = this.#streams.get(userId);
    if (!streams) this.#streams.set(userId, (streams = new Set()));
    streams.add(send);
    return () => {
      streams.delete(send);
      if (streams.size === 0 && this.#streams.get(userId) === streams) this.#streams.delete(userId);
    };
  }

  async close(): Promise<void> {
    const stops = this.#stops;
    this.#stops = [];
    for (const stop of stops) await stop();
  }

  #deliver(userId: string, event: UserEvent): void {
    for (const send of this.#streams.get(userId) ?? []) send(event);
  }

  /**
   * Batches the relay: a signal emits several events at once, and one NOTIFY per turn of the event
   * loop (split to stay under PostgreSQL's payload limit) keeps a burst of signals from sending a
   * database round trip per event.
   */
  #queueRelay(broadcast: Broadcast, entry: string): void {
    if (this.#outgoing.push(entry) > 1) return;
    setImmediate(() => {
      const entries = this.#outgoing;
      this.#outgoing = [];
      const head = `{"origin":${JSON.stringify(this.#origin)},"events":[`;
      let batch: string[] = [];
      let bytes = head.length + 2;
      const send = () => {
        if (batch.length === 0) return;
        const payload = `${head}${batch.join(',')}]}`;
        batch = [];
        bytes = head.length + 2;
        // One at a time: two NOTIFYs in flight on a pool's connections may arrive in either order.
        this.#relayed = this.#relayed
          .then(() => broadcast.publish(RELAY_NAME, payload))
          .catch((error: unknown) => {
            this.log.warn(
              { error: error instanceof Error ? error.message : String(error) },
              'live events not relayed to the other server processes',
            );
          });
      };
      for (const item of entries) {
        const size = Buffer.byteLength(item) + 1;
        if (bytes + size > BROADCAST_MAX_BYTES) send();
        if (head.length + 2 + size > BROADCAST_MAX_BYTES) {
          this.log.warn({ bytes: size }, 'live event too large to relay to the other server processes');
          continue;
        }
        batch.push(item);
        bytes += size;
      }
      send();
    });
  }

  #received(payload: string): void {
    let message: Relayed;
    try {
      message = JSON.parse(payload) as Relayed;
    } catch {
      return; // not ours: the channel is named after this schema, so nothing else should write to it
    }
    if (message.origin === this.#origin || !Array.isArray(message.events)) return;
    for (const { userId, event } of message.events) this.#deliver(userId, event);
  }
}

/** One SSE frame. `data` is JSON on one line (JSON.stringify never emits a raw line break). */
export function sseFrame(event: UserEvent, id?: number): string {
  return `${id !== undefined ? `id: ${id}\n` : ''}event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}
