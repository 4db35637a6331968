import { describe, expect, it } from 'vitest';
import { EventBus } from '../src/events.ts';

type TestEvents = { ping: { n: number }; pong: { s: string } };

describe('EventBus', () => {
  it('calls the listeners of an event in subscription order, and no others', () => {
    const bus = new EventBus<TestEvents>();
    const seen: string[] = [];
    bus.on('ping', ({ n }) => void seen.push(`a${n}`));
    bus.on('ping', ({ n }) => void seen.push(`b${n}`));
    bus.on('pong', ({ s }) => void seen.push(s));
    bus.emit('ping', { n: 1 });
    expect(seen).toEqual(['a1', 'b1']);
  });

  it('unsubscribes with off or with the function on returns', () => {
    const bus = new EventBus<TestEvents>();
    const seen: number[] = [];
    const listener = ({ n }: { n: number }) => void seen.push(n);
    const unsubscribe = bus.on('ping', listener);
    bus.emit('ping', { n: 1 });
    unsubscribe();
    bus.emit('ping', { n: 2 });
    bus.on('ping', listener);
    bus.off('ping', listener);
    bus.emit('ping', { n: 3 });
    expect(seen).toEqual([1]);
  });

  it('logs a throwing or rejecting listener and still runs the others; emit never throws', async () => {
    const errors: object[] = [];
    const bus = new EventBus<TestEvents>({ error: (obj) => void errors.push(obj) });
    const seen: number[] = [];
    bus.on('ping', () => {
      throw new Error('sync boom');
    });
    bus.on('ping', async () => {
      throw new Error('async boom');
    });
    bus.on('ping', ({ n }) => void seen.push(n));
    expect(() => bus.emit('ping', { n: 7 })).not.toThrow();
    expect(seen).toEqual([7]);
    await bus.idle();
    expect(errors).toHaveLength(2);
    expect(errors).toEqual([
      expect.objectContaining({ event: 'ping', err: expect.objectContaining({ message: 'sync boom' }) }),
      expect.objectContaining({ event: 'ping', err: expect.objectContaining({ message: 'async boom' }) }),
    ]);
  });

  it('does not wait for async listeners; idle() does', async () => {
    const bus = new EventBus<TestEvents>();
    let release = () => {};
    let finished = false;
    bus.on('ping', async () => {
      await new Promise<void>((resolve) => (release = resolve));
      finished = true;
    });
    bus.emit('ping', { n: 1 });
    expect(finished).toBe(false);
    const idle = bus.idle();
    release();
    await idle;
    expect(finished).toBe(true);
  });
});
