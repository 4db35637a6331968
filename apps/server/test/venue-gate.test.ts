import { describe, expect, it } from 'vitest';
import { VenueGates, type VenueBackOff } from '../src/services/venue-gate.ts';

/** A fake venue answering each request with the next queued response (status, headers, JSON body). */
function venue(answers: Array<{ status: number; headers?: Record<string, string>; body?: unknown }>) {
  const sent: number[] = [];
  const fetch = (async () => {
    sent.push(Date.now());
    const next = answers.shift() ?? { status: 200, body: {} };
    return new Response(JSON.stringify(next.body ?? {}), { status: next.status, headers: next.headers });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, sent };
}

describe('VenueGates', () => {
  it("a Binance weight 429 closes the venue for every account until Retry-After; OKX's 429 closes one account", async () => {
    const gates = new VenueGates();
    const backOffs: VenueBackOff[] = [];
    gates.subscribe((b) => backOffs.push(b));
    const binance = venue([
      { status: 429, headers: { 'retry-after': '1' }, body: { code: -1003, msg: 'Too many requests' } },
    ]);
    const a = gates.fetchFor('binance', 'a', binance.fetch);
    const b = gates.fetchFor('binance', 'b', binance.fetch);
    const started = Date.now();
    expect((await a('http://venue/x')).status).toBe(429);
    expect(gates.closedUntil('binance')).toBeGreaterThan(started + 900);
    // Another account of the venue waits out the same window before anything is sent.
    expect((await b('http://venue/y')).status).toBe(200);
    expect(binance.sent[1]! - started).toBeGreaterThanOrEqual(950);
    expect(backOffs).toEqual([expect.objectContaining({ venue: 'binance', reason: 'http 429' })]);
    expect(backOffs[0]!.accountId).toBeUndefined();

    const okx = venue([{ status: 429, body: { code: '50011', msg: 'Rate limit reached' } }]);
    const x = gates.fetchFor('okx', 'x', okx.fetch);
    const y = gates.fetchFor('okx', 'y', okx.fetch);
    const okxStarted = Date.now();
    expect((await x('http://venue/order')).status).toBe(429);
    expect(gates.closedUntil('okx')).toBe(0);
    expect(gates.closedUntil('okx', 'x')).toBeGreaterThan(okxStarted);
    // the other OKX account is not held back
    expect((await y('http://venue/order')).status).toBe(200);
    expect(okx.sent[1]! - okxStarted).toBeLessThan(500);
    expect(backOffs.at(-1)).toEqual(expect.objectContaining({ venue: 'okx', accountId: 'x' }));
  });

  it("Binance's reported weight near the limit pauses the venue until the minute rolls over; -1015 pauses only the account", async () => {
    let now = Date.UTC(2026, 0, 1, 12, 0, 30); // half way through a minute
    const gates = new VenueGates({ now: () => now, binanceWeightLimit: 1000 });
    const binance = venue([
      { status: 200, headers: { 'x-mbx-used-weight-1m': '950' } },
      { status: 429, headers: { 'retry-after': '5' }, body: { code: -1015, msg: 'Too many new orders' } },
    ]);
    await gates.fetchFor('binance', 'a', binance.fetch)('http://venue/x');
    expect(gates.closedUntil('binance')).toBe(Date.UTC(2026, 0, 1, 12, 1, 0));
    now = Date.UTC(2026, 0, 1, 12, 1, 0); // the next minute: open again
    expect(gates.closedUntil('binance')).toBe(0);
    await gates.fetchFor('binance', 'b', binance.fetch)('http://venue/order');
    expect(gates.closedUntil('binance')).toBe(0);
    expect(gates.closedUntil('binance', 'b')).toBe(now + 5_000);
    expect(gates.closedUntil('binance', 'a')).toBe(0);
  });

  it('a request waiting for the gate gives up when its signal is aborted (the venue deadline)', async () => {
    const gates = new VenueGates();
    const binance = venue([{ status: 418, headers: { 'retry-after': '60' }, body: { code: -1003 } }]);
    const fetch = gates.fetchFor('binance', 'a', binance.fetch);
    await fetch('http://venue/x');
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('deadline')), 50);
    await expect(fetch('http://venue/y', { signal: controller.signal })).rejects.toThrow('deadline');
    expect(binance.sent).toHaveLength(1);
  });
});
