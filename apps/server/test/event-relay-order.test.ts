import { describe, expect, it } from 'vitest';
import type { Broadcast } from '@tradingbot/db';
import { EventBus } from '../src/events.ts';
import { UserEventHub } from '../src/services/event-stream.ts';
import { fillReceived } from './helpers.ts';

/*
 * A burst of live events larger than one NOTIFY payload goes out as several: they must leave one
 * after the other, or two of them in flight on a pool's connections may arrive in either order (seen
 * on PostgreSQL in CI: trades 23–40 reached the other process's browser before 3–22).
 */

const fill = (venueTradeId: string) => fillReceived('user-1', 'account-a', venueTradeId, 1_800_000_000_000);

describe('the live-events relay', () => {
  it('sends a burst split over several payloads one at a time, in order', async () => {
    const calls: Array<{ payload: string; started: number; ended?: number }> = [];
    let clock = 0;
    const broadcast: Broadcast = {
      publish: async (_name, payload) => {
        const call: { payload: string; started: number; ended?: number } = { payload, started: ++clock };
        calls.push(call);
        // The first takes longest: a second sent meanwhile would overtake it.
        await new Promise((resolve) => setTimeout(resolve, calls.length === 1 ? 50 : 1));
        call.ended = ++clock;
      },
      subscribe: async () => async () => {},
    };
    const bus = new EventBus();
    const hub = new UserEventHub(bus, broadcast, { warn: () => {} });
    await hub.start();
    for (let n = 1; n <= 60; n++) bus.emit('fill.received', fill(`trade-${n}`));
    await expect.poll(() => calls.filter((c) => c.ended !== undefined).length).toBeGreaterThan(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls.length).toBeGreaterThan(1);
    for (let i = 1; i < calls.length; i++) expect(calls[i]!.started).toBeGreaterThan(calls[i - 1]!.ended!);
    const ids = calls.flatMap((c) =>
      (JSON.parse(c.payload) as { events: Array<{ event: { data: { venueTradeId: string } } }> }).events.map(
        (e) => e.event.data.venueTradeId,
      ),
    );
    expect(ids).toEqual(Array.from({ length: 60 }, (_, i) => `trade-${i + 1}`));
    await hub.close();
  });
});
