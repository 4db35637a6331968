import { describe, expect, it } from 'vitest';
import { ExchangeErrors } from '../../src/errors.ts';
import { OrderSubmitter, type Placement } from '../../src/venue/order-submitter.ts';

/**
 * A tiny venue: an order book by client id, a server clock that only moves when someone sleeps,
 * and a script of what happens to each placement request (answered, lost after executing, lost
 * before executing, refused). Requests lost in flight may still execute later: `lateAt` puts the
 * order in the book at that server time.
 */
type Outcome =
  | 'ok'
  | 'lost-executed'
  | 'lost-not-executed'
  | { lateAt: number }
  | 'duplicate'
  | 'rejected'
  | 'refused-unsent';

function fakeVenue(script: Outcome[], options: { lookupFailures?: number; expiryMs?: number } = {}) {
  let now = 1_000_000;
  const book = new Map<string, { id: string; seq: number }>();
  const late: { at: number; cid: string }[] = [];
  const sleeps: number[] = [];
  let sends = 0;
  let lookups = 0;
  let lookupFailures = options.lookupFailures ?? 0;
  const clock = {
    serverNow: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
      for (const entry of late.splice(0)) {
        if (entry.at <= now) book.set(entry.cid, { id: entry.cid, seq: sends });
        else late.push(entry);
      }
    },
    backoffMs: (attempt: number) => 100 * 2 ** attempt,
  };
  const submitter = new OrderSubmitter({ venue: { id: 'fake', name: 'Fake' }, clock, lookupAttempts: 3 });

  function placement(cid: string, resendWhenAbsent = true): Placement<{ id: string; seq: number }> {
    return {
      clientOrderId: cid,
      venueSymbol: 'BTC',
      kind: 'order',
      send: async () => {
        sends++;
        // Let concurrent callers reach the submitter while this request is in flight.
        await Promise.resolve();
        const outcome = script.shift() ?? 'ok';
        if (outcome === 'ok') {
          const order = { id: cid, seq: sends };
          book.set(cid, order);
          return order;
        }
        if (outcome === 'lost-executed') {
          book.set(cid, { id: cid, seq: sends });
          throw ExchangeErrors.create('EXCHANGE_TIMEOUT', { message: 'lost' });
        }
        if (outcome === 'lost-not-executed')
          throw ExchangeErrors.create('EXCHANGE_TIMEOUT', { message: 'lost' });
        if (outcome === 'duplicate') {
          book.set(cid, { id: cid, seq: 0 });
          throw ExchangeErrors.create('DUPLICATE_CLIENT_ORDER_ID', { message: 'dup' });
        }
        if (outcome === 'rejected') throw ExchangeErrors.create('ORDER_REJECTED', { message: 'no' });
        if (outcome === 'refused-unsent') {
          throw ExchangeErrors.create('EXCHANGE_UNAVAILABLE', {
            message: 'refused',
            details: { notSent: true },
          });
        }
        late.push({ at: outcome.lateAt, cid });
        throw ExchangeErrors.create('EXCHANGE_TIMEOUT', { message: 'lost' });
      },
      lookup: async () => {
        lookups++;
        if (lookupFailures > 0) {
          lookupFailures--;
          throw ExchangeErrors.create('EXCHANGE_UNAVAILABLE', { message: 'lookup failed' });
        }
        return book.get(cid) ?? null;
      },
      executableUntil: () => now + (options.expiryMs ?? 5000),
      resendWhenAbsent,
    };
  }

  return {
    submitter,
    placement,
    book,
    sleeps,
    get now() {
      return now;
    },
    get sends() {
      return sends;
    },
    get lookups() {
      return lookups;
    },
  };
}

describe('OrderSubmitter', () => {
  it('sends an answered placement once and returns the answer', async () => {
    const v = fakeVenue(['ok']);
    expect(await v.submitter.submit(v.placement('a'))).toEqual({ id: 'a', seq: 1 });
    expect(v.sends).toBe(1);
    expect(v.lookups).toBe(0);
  });

  it('concurrent submits of one client id share the request in flight', async () => {
    const v = fakeVenue(['ok']);
    const [first, second] = await Promise.all([
      v.submitter.submit(v.placement('a')),
      v.submitter.submit(v.placement('a')),
    ]);
    expect(first).toBe(second);
    expect(v.sends).toBe(1);
  });

  it('a client id this process placed before is looked up, not sent again', async () => {
    const v = fakeVenue(['ok', 'ok']);
    const first = await v.submitter.submit(v.placement('a'));
    expect(await v.submitter.submit(v.placement('a'))).toEqual(first);
    expect(v.sends).toBe(1);
    expect(v.lookups).toBe(1);
  });

  it('an uncertain outcome is resolved by lookup, not resent', async () => {
    const v = fakeVenue(['lost-executed']);
    expect(await v.submitter.submit(v.placement('a'))).toEqual({ id: 'a', seq: 1 });
    expect(v.sends).toBe(1);
    expect(v.lookups).toBe(1);
    // Found: this process now knows the id and looks it up on a repeat.
    await v.submitter.submit(v.placement('a'));
    expect(v.sends).toBe(1);
  });

  it('waits out the uncertainty deadline: an order that appears before it is found, not resent', async () => {
    const v = fakeVenue([{ lateAt: 1_000_000 + 3_500 }], { expiryMs: 5000 });
    expect(await v.submitter.submit(v.placement('a'))).toMatchObject({ id: 'a' });
    expect(v.sends).toBe(1);
    // Lookups every second (at most) until it showed up.
    expect(v.sleeps).toEqual([1000, 1000, 1000, 1000]);
  });

  it('confirmed absent after the deadline: sent once more', async () => {
    const v = fakeVenue(['lost-not-executed', 'ok'], { expiryMs: 2500 });
    const start = v.now;
    expect(await v.submitter.submit(v.placement('a'))).toEqual({ id: 'a', seq: 2 });
    expect(v.sends).toBe(2);
    // Not before the first request could no longer execute.
    expect(v.now).toBeGreaterThanOrEqual(start + 2500);
    expect(v.sleeps).toEqual([1000, 1000, 500]);
  });

  it('confirmed absent twice: EXCHANGE_UNAVAILABLE after the one resend, marked confirmedAbsent', async () => {
    const v = fakeVenue(['lost-not-executed', 'lost-not-executed', 'ok'], { expiryMs: 1000 });
    const error = await v.submitter.submit(v.placement('a')).catch((e: unknown) => e);
    expect(ExchangeErrors.is(error, 'EXCHANGE_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toBe('Fake did not accept order a after one confirmed-absent resend');
    expect((error as { details: Record<string, unknown> }).details).toMatchObject({
      venue: 'fake',
      clientOrderId: 'a',
      venueSymbol: 'BTC',
      confirmedAbsent: true,
    });
    expect(v.sends).toBe(2);
  });

  it('a request that cannot expire is never resent, even confirmed absent', async () => {
    const v = fakeVenue(['lost-not-executed', 'ok'], { expiryMs: 1000 });
    const error = await v.submitter
      .submit({ ...v.placement('a', false), request: 'close' })
      .catch((e: unknown) => e);
    expect(ExchangeErrors.is(error, 'EXCHANGE_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toBe(
      'Fake did not answer the close request a, and it is not on the venue; not resent',
    );
    expect(v.sends).toBe(1);
  });

  it('lookups that keep failing leave the outcome unknown: EXCHANGE_RESULT_UNKNOWN, nothing resent', async () => {
    const v = fakeVenue(['lost-not-executed', 'ok'], { lookupFailures: 10 });
    const error = await v.submitter.submit(v.placement('a')).catch((e: unknown) => e);
    expect(ExchangeErrors.is(error, 'EXCHANGE_RESULT_UNKNOWN')).toBe(true);
    expect((error as { details: Record<string, unknown> }).details).toEqual({
      venue: 'fake',
      clientOrderId: 'a',
      venueSymbol: 'BTC',
      kind: 'order',
    });
    expect(v.sends).toBe(1);
    expect(v.lookups).toBe(3);
    // Backoff between failed lookups.
    expect(v.sleeps).toEqual([200, 400]);
  });

  it('a failed lookup is retried and the order found', async () => {
    const v = fakeVenue(['lost-executed'], { lookupFailures: 2 });
    expect(await v.submitter.submit(v.placement('a'))).toMatchObject({ id: 'a' });
    expect(v.sends).toBe(1);
    expect(v.lookups).toBe(3);
  });

  it('a duplicate-id refusal returns the order already on the venue', async () => {
    const v = fakeVenue(['duplicate']);
    expect(await v.submitter.submit(v.placement('a'))).toEqual({ id: 'a', seq: 0 });
    expect(v.sends).toBe(1);
  });

  it('a definite refusal, or a request never sent, fails at once without lookups', async () => {
    for (const outcome of ['rejected', 'refused-unsent'] as const) {
      const v = fakeVenue([outcome, 'ok']);
      const error = await v.submitter.submit(v.placement('a')).catch((e: unknown) => e);
      expect(ExchangeErrors.is(error)).toBe(true);
      expect(v.sends).toBe(1);
      expect(v.lookups).toBe(0);
    }
  });

  it('after a placement settles, the client id is no longer in flight', async () => {
    const v = fakeVenue(['rejected', 'ok']);
    await v.submitter.submit(v.placement('a')).catch(() => undefined);
    expect(await v.submitter.submit(v.placement('a'))).toEqual({ id: 'a', seq: 2 });
    expect(v.sends).toBe(2);
  });
});
