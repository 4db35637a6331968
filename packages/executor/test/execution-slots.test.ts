import { describe, expect, it } from 'vitest';
import { ExecutionSlots, type SlotClaim, type SlotRelease } from '../src/execution-slots.ts';

const claim = (venue: string, userId: string, accountId: string): SlotClaim => ({ venue, userId, accountId });

/** Requests slots for every claim at once and records the order in which they are granted. */
function requestAll(slots: ExecutionSlots, claims: SlotClaim[]) {
  const granted: Array<{ claim: SlotClaim; release: SlotRelease }> = [];
  for (const c of claims) void slots.acquire(c).then((release) => granted.push({ claim: c, release }));
  return granted;
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('ExecutionSlots', () => {
  it('never runs more than the process and venue limits at once', async () => {
    const slots = new ExecutionSlots({ perProcess: 5, perVenue: 3 });
    const claims = [
      ...Array.from({ length: 10 }, (_, i) => claim('binance', `u${i}`, `b${i}`)),
      ...Array.from({ length: 10 }, (_, i) => claim('okx', `u${i}`, `o${i}`)),
    ];
    const granted = requestAll(slots, claims);
    await settle();
    expect(granted).toHaveLength(5);
    expect(slots.running('binance')).toBe(3);
    expect(slots.running('okx')).toBe(2);
    let peak = 0;
    // release one at a time until everything ran: the limits hold all along
    for (let done = 0; done < 20; done++) {
      peak = Math.max(peak, slots.running());
      expect(slots.running('binance')).toBeLessThanOrEqual(3);
      expect(slots.running('okx')).toBeLessThanOrEqual(3);
      granted[done]!.release();
      await settle();
    }
    expect(peak).toBe(5);
    expect(granted).toHaveLength(20);
    expect(slots.running()).toBe(0);
    expect(slots.waiting()).toBe(0);
  });

  it("serves users round-robin: one user's 100 accounts do not delay another user's one account", async () => {
    const slots = new ExecutionSlots({ perProcess: 1, perVenue: 1 });
    const blocker = await slots.acquire(claim('paper', 'x', 'x0'));
    const claims = [
      ...Array.from({ length: 100 }, (_, i) => claim('paper', 'big', `big${i}`)),
      claim('paper', 'small', 'small0'),
    ];
    const granted = requestAll(slots, claims);
    blocker();
    for (let i = 0; i < 3; i++) {
      await settle();
      granted.at(-1)!.release();
    }
    await settle();
    // big0 first (it asked first), then small's only account, then big again
    expect(granted.slice(0, 3).map((g) => g.claim.accountId)).toEqual(['big0', 'small0', 'big1']);
  });

  it('a venue backing off holds no slot: the other venue keeps starting work', async () => {
    let now = 1_000_000;
    const slots = new ExecutionSlots({ perProcess: 2, perVenue: 2 }, () => now);
    slots.backOff('binance', now + 60_000);
    const granted = requestAll(slots, [
      claim('binance', 'u1', 'b1'),
      claim('binance', 'u2', 'b2'),
      claim('okx', 'u3', 'o1'),
      claim('okx', 'u4', 'o2'),
      claim('okx', 'u5', 'o3'),
    ]);
    await settle();
    expect(granted.map((g) => g.claim.accountId)).toEqual(['o1', 'o2']);
    granted[0]!.release();
    await settle();
    expect(granted.map((g) => g.claim.accountId)).toEqual(['o1', 'o2', 'o3']);
    expect(slots.waiting('binance')).toBe(2);
    expect(slots.closedUntil('binance')).toBe(now + 60_000);
    // the back-off ends: Binance's waiting work starts
    now += 60_000;
    granted[1]!.release();
    await settle();
    expect(
      granted
        .map((g) => g.claim.accountId)
        .slice(3)
        .sort(),
    ).toEqual(['b1']);
  });

  it('an account backing off waits alone; the other accounts of its venue run', async () => {
    const slots = new ExecutionSlots({ perProcess: 4, perVenue: 4 });
    slots.backOff('okx', Date.now() + 40, 'o1');
    const granted = requestAll(slots, [claim('okx', 'u1', 'o1'), claim('okx', 'u2', 'o2')]);
    await settle();
    expect(granted.map((g) => g.claim.accountId)).toEqual(['o2']);
    // the timer set by the back-off starts it once the time has passed
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(granted.map((g) => g.claim.accountId)).toEqual(['o2', 'o1']);
  });
});
