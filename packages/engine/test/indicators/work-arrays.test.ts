import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SmaState,
  StochState,
  atr,
  donchian,
  ichimoku,
  macd,
  sma,
  stoch,
  stochRaw,
  supertrend,
} from '../../src/index.ts';
import { hasNaN } from '../../src/indicators/common.ts';
import { idleScratch, withScratch } from '../../src/indicators/scratch.ts';

/**
 * Indicators borrow work arrays for their temporaries (indicators/scratch.ts) and take shortcuts
 * where the answer is known exactly. These tests hold the two promises that makes: a result is
 * never a lent array, and a shortcut gives what the general path gives.
 */

const ohlc = fc
  .array(
    fc.record({
      mid: fc.double({ min: 10, max: 1000, noNaN: true }),
      up: fc.double({ min: 0, max: 20, noNaN: true }),
      down: fc.double({ min: 0, max: 20, noNaN: true }),
      hole: fc.integer({ min: 0, max: 14 }),
    }),
    { minLength: 0, maxLength: 90 },
  )
  .chain((bars) =>
    fc.boolean().map((withHoles) => {
      // With holes, some bars have NaN high or low (Pine's highest/lowest skip those bars).
      const hole = (b: { hole: number }) => withHoles && b.hole === 0;
      return {
        high: Float64Array.from(bars, (b) => (hole(b) ? NaN : b.mid + b.up)),
        low: Float64Array.from(bars, (b) => (hole(b) && b.up > 10 ? NaN : b.mid - b.down)),
        close: Float64Array.from(bars, (b) => b.mid),
      };
    }),
  );

/** Pine's highest/lowest: over the last `length` non-NaN values; NaN where the source is NaN. */
function naiveExtreme(x: Float64Array, length: number, pick: (w: number[]) => number): number[] {
  return Array.from(x, (v, i) => {
    if (Number.isNaN(v)) return NaN;
    const seen = Array.from(x.subarray(0, i + 1)).filter((y) => !Number.isNaN(y));
    return seen.length < length ? NaN : pick(seen.slice(-length));
  });
}

function naiveDonchian(high: Float64Array, low: Float64Array, length: number): number[] {
  const hi = naiveExtreme(high, length, (w) => Math.max(...w));
  const lo = naiveExtreme(low, length, (w) => Math.min(...w));
  return hi.map((h, i) => (lo[i]! + h) / 2);
}

const shifted = (x: ArrayLike<number>, k: number) => Array.from(x, (_, i) => (i >= k ? x[i - k]! : NaN));

describe('ichimoku', () => {
  it('equals Donchian channels computed naively, with span B from the base window or directly', () => {
    fc.assert(
      fc.property(
        ohlc,
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 25 }),
        fc.integer({ min: 1, max: 6 }),
        ({ high, low, close }, conversion, base, spanB, displacement) => {
          const r = ichimoku(high, low, close, conversion, base, spanB, displacement);
          const conv = naiveDonchian(high, low, conversion);
          const kijun = naiveDonchian(high, low, base);
          const spanA = conv.map((c, i) => (c + kijun[i]!) / 2);
          const senkouB = naiveDonchian(high, low, spanB);
          expect(Array.from(r.conversion)).toEqual(conv);
          expect(Array.from(r.base)).toEqual(kijun);
          expect(Array.from(r.spanA)).toEqual(spanA);
          expect(Array.from(r.spanB)).toEqual(senkouB);
          expect(Array.from(r.cloudA)).toEqual(shifted(spanA, displacement - 1));
          expect(Array.from(r.cloudB)).toEqual(shifted(senkouB, displacement - 1));
          expect(Array.from(r.lagging)).toEqual(Array.from(close));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('lent work arrays', () => {
  it('never become results: earlier results survive later calls unchanged', () => {
    fc.assert(
      fc.property(ohlc, ohlc, fc.integer({ min: 1, max: 6 }), (a, b, length) => {
        const run = (s: typeof a) => [
          donchian(s.high, s.low, length),
          stochRaw(s.close, s.high, s.low, length),
          stoch(s.close, s.high, s.low, length, 3, 2).k,
          supertrend(s.high, s.low, s.close, 2, length).line,
          atr(s.high, s.low, s.close, length),
          macd(s.close, 2, 5, 3).signal,
          ...Object.values(ichimoku(s.high, s.low, s.close, length, length + 1, length * 2, 3)),
        ];
        const first = run(a);
        const copies = first.map((x) => Array.from(x));
        for (let k = 0; k < 3; k++) run(k % 2 === 0 ? b : a);
        first.forEach((x, j) => expect([j, Array.from(x)]).toEqual([j, copies[j]]));
      }),
      { numRuns: 100 },
    );
    expect(idleScratch().count).toBeLessThanOrEqual(8);
  });

  it('are taken back when the borrower throws', () => {
    withScratch(10, () => 0);
    const idle = idleScratch().count;
    expect(() =>
      withScratch(10, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(idleScratch().count).toBe(idle);
  });

  it('are not hoarded: at most 64 MiB stay idle, and an array larger than that is dropped', () => {
    const MiB = 1024 * 1024;
    withScratch((72 * MiB) / 8, () => 0);
    expect(idleScratch().bytes).toBeLessThanOrEqual(64 * MiB);
    const sixteen = (16 * MiB) / 8;
    // Five at once (nested borrowers), all given back: only four fit.
    withScratch(sixteen, () =>
      withScratch(sixteen, () =>
        withScratch(sixteen, () => withScratch(sixteen, () => withScratch(sixteen, () => 0))),
      ),
    );
    expect(idleScratch()).toEqual({ count: 4, bytes: 64 * MiB });
  });
});

describe('sma(x, 1)', () => {
  it('is x exactly, batch and incremental (a running sum would add rounding)', () => {
    const x = Float64Array.from([100 / 3, 50 / 3, 0, NaN, 0.1, 0.2, 0.3]);
    expect(Array.from(sma(x, 1))).toEqual(Array.from(x));
    const state = new SmaState(1);
    expect(Array.from(x, (v) => state.update(v))).toEqual(Array.from(x));
  });

  it('so %K without smoothing is the raw stochastic, batch and incremental alike', () => {
    // Found by the compiled-signal property test: through SmaState(1) the live %K came out as
    // −3.6e−15 where the batch %K is 0, and `k > 0` disagreed.
    const high = Float64Array.from([100, 100, 100, 97, 95]);
    const low = Float64Array.from([100, 100, 97, 94, 94]);
    const close = Float64Array.from([100, 100, 98, 95, 94]);
    const batch = stoch(close, high, low, 3, 1, 2).k;
    const state = new StochState(3, 1, 2);
    const live = Array.from(close, (c, i) => state.update({ high: high[i]!, low: low[i]!, close: c }).k);
    expect(live).toEqual(Array.from(batch));
    expect(batch[4]).toBe(0);
  });
});

describe('hasNaN (the na check every NaN-skipping indicator starts with)', () => {
  it('agrees with a value-by-value check, infinities and offsets included', () => {
    const value = fc.oneof(
      { weight: 8, arbitrary: fc.double({ min: -1e308, max: 1e308, noNaN: true }) },
      { weight: 1, arbitrary: fc.constantFrom(Infinity, -Infinity, NaN, 1e308, -1e308) },
    );
    fc.assert(
      fc.property(fc.array(value, { maxLength: 40 }), fc.nat(45), (values, from) => {
        const x = Float64Array.from(values);
        expect(hasNaN(x, from)).toBe(values.slice(from).some(Number.isNaN));
      }),
      { numRuns: 2000 },
    );
    expect(hasNaN(Float64Array.from([Infinity, -Infinity, 1, 2, 3]))).toBe(false);
    expect(hasNaN(Float64Array.from([1e308, 1e308, 1e308, 1e308, -1e308, -1e308]))).toBe(false);
  });
});
