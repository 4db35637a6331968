import type { ServerEventBus, ServerEvents } from '../events.ts';

/** What the browser receives on `GET /api/v1/events`: an SSE event name and its JSON data (never a user id). */
export type UserEvent = {
  event: 'fill' | 'position' | 'signal' | 'order' | 'protection' | 'stream';
  data: object;
};

const without = <T extends { userId: string }>({ userId: _userId, ...rest }: T) => rest;

/**
 * Subscribes to the bus for one user's events only (every payload names its user; others' are
 * dropped here, before anything is written), mapped to the SSE names the dashboard listens for.
 * Returns the unsubscribe function.
 */
export function subscribeUserEvents(
  bus: ServerEventBus,
  userId: string,
  send: (event: UserEvent) => void,
): () => void {
  const offs: Array<() => void> = [];
  const on = <E extends keyof ServerEvents>(
    name: E,
    map: (payload: Readonly<ServerEvents[E]>) => UserEvent,
  ) => {
    offs.push(
      bus.on(name, (payload) => {
        if ((payload as { userId?: string }).userId === userId) send(map(payload));
      }),
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

/** One SSE frame. `data` is JSON on one line (JSON.stringify never emits a raw line break). */
export function sseFrame(event: UserEvent, id?: number): string {
  return `${id !== undefined ? `id: ${id}\n` : ''}event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}
