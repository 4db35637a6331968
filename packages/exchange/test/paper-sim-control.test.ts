import { afterEach, describe, expect, it } from 'vitest';
import { startBinanceSimulator } from '../src/binance/simulator.ts';
import { startOkxSimulator } from '../src/okx/simulator.ts';
import { parseControlCandles } from '../src/sim/pipeline.ts';

/*
 * The simulators' control API as an outside process uses it (HTTP on loopback): `POST
 * /__sim/candles` moves the paper venue behind the simulator bar by bar; `POST /__sim/streams` on a
 * simulator without streams says so.
 */

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const MINUTE = 60_000;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function post(
  url: string,
  path: string,
  body: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('POST /__sim/candles', () => {
  it('Binance simulator: candles move the venue bar by bar; a stop the path crosses fills at its level', async () => {
    const sim = await startBinanceSimulator({ apiKey: 'k', apiSecret: 's', prices: { BTCUSDT: '50000' } });
    closers.push(() => sim.close());
    sim.venue.submitOrder({ venueSymbol: 'BTCUSDT', side: 'buy', type: 'market', qty: '0.01' });
    sim.venue.submitOrder({
      venueSymbol: 'BTCUSDT',
      side: 'sell',
      type: 'stop_market',
      triggerPrice: '49500',
      closePosition: true,
    });
    const reply = await post(sim.url, '/__sim/candles', {
      symbol: 'BTCUSDT',
      candles: [
        { openTime: T0, open: '50000', high: '50200', low: '49900', close: '50100', volume: 3 },
        // the high (200 from the open) is nearer than the low (700): high, then low through the stop, then close
        { openTime: T0 + MINUTE, open: 50100, high: 50300, low: 49400, close: 49600, volume: 5 },
      ],
    });
    expect(reply).toEqual({ status: 200, body: { symbol: 'BTCUSDT', applied: 2, price: '49600' } });
    const stopFill = sim.venue.fills().at(-1);
    expect(stopFill).toMatchObject({ reason: 'trigger', price: '49500', side: 'sell' });
    expect(sim.venue.barAt('BTCUSDT', '1m', T0 + MINUTE)).toMatchObject({
      open: '50100',
      high: '50300',
      low: '49400',
      close: '49600',
      volume: '5',
    });
    // both candles in one 5-minute bar: the first's open, the extremes of both, the volumes summed
    expect(sim.venue.barAt('BTCUSDT', '5m', T0)).toMatchObject({
      open: '50000',
      high: '50300',
      low: '49400',
      volume: '8',
    });
  });

  it('OKX simulator: the symbol may be given as instId', async () => {
    const sim = await startOkxSimulator({ apiKey: 'k', apiSecret: 's', passphrase: 'p' });
    closers.push(() => sim.close());
    const reply = await post(sim.url, '/__sim/candles', {
      instId: 'BTC-USDT-SWAP',
      candles: [{ openTime: T0, open: '60000', high: '60100', low: '59900', close: '60050' }],
    });
    expect(reply).toEqual({ status: 200, body: { symbol: 'BTC-USDT-SWAP', applied: 1, price: '60050' } });
  });

  it('refuses bad bodies with 400 and applies nothing', async () => {
    const sim = await startBinanceSimulator({ apiKey: 'k', apiSecret: 's', prices: { BTCUSDT: '50000' } });
    closers.push(() => sim.close());
    const good = { openTime: T0, open: '50000', high: '50100', low: '49900', close: '50000' };
    const cases: [unknown, RegExp][] = [
      [{ candles: [good] }, /symbol/],
      [{ symbol: 'BTCUSDT' }, /non-empty array/],
      [{ symbol: 'BTCUSDT', candles: [{ ...good, open: 'abc' }] }, /open must be a positive decimal/],
      [{ symbol: 'BTCUSDT', candles: [{ ...good, high: '49000' }] }, /high and low must contain/],
      [{ symbol: 'BTCUSDT', candles: [good, { ...good }] }, /later than the candle before/],
      [{ symbol: 'BTCUSDT', candles: [{ ...good, volume: -1 }] }, /volume/],
      [{ symbol: 'BTCUSDT', candles: [{ ...good, openTime: 1.5 }] }, /openTime/],
      [{ symbol: 'NOPE', candles: [good] }, /Unknown symbol/],
      ['{not json', /JSON/],
    ];
    for (const [body, message] of cases) {
      const reply = await post(sim.url, '/__sim/candles', body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(String(reply.body.error)).toMatch(message);
    }
    expect(sim.venue.priceOf('BTCUSDT')).toBe('50000');
    expect(sim.venue.barAt('BTCUSDT', '1m', T0)).toBeUndefined();
  });

  it('parseControlCandles keeps closeTime and caps the batch', () => {
    expect(
      parseControlCandles([
        { openTime: 0, closeTime: 59_999, open: 1, high: 2, low: 0.5, close: 1.5, volume: 0 },
      ]),
    ).toEqual([
      { openTime: 0, closeTime: 59_999, open: '1', high: '2', low: '0.5', close: '1.5', volume: 0 },
    ]);
    const many = Array.from({ length: 10_001 }, (_, i) => ({
      openTime: i,
      open: 1,
      high: 1,
      low: 1,
      close: 1,
    }));
    expect(parseControlCandles(many)).toMatch(/at most 10000/);
  });
});
