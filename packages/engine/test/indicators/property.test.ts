import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EmaState,
  HighestState,
  SmaState,
  StdevState,
  ema,
  macd,
  highest,
  lowest,
  sma,
  stdev,
} from '../../src/index.ts';
import { expectClose } from './real-data.ts';

/**
 * Pine's "na values in the source series are ignored; the function calculates on the length
 * quantity of non-na values", checked on random series with NaN holes against naive definitions
 * written directly from that sentence (window = the last `length` non-NaN values up to the bar;
 * NaN at bars whose own value is NaN), and the incremental states against the batch functions.
 */
const series = fc.array(
  fc.oneof(
    { weight: 1, arbitrary: fc.constant(NaN) },
    { weight: 6, arbitrary: fc.double({ min: 1, max: 1000, noNaN: true }) },
  ),
  { minLength: 0, maxLength: 60 },
);

function naive(x: number[], length: number, f: (window: number[]) => number): number[] {
  return x.map((v, i) => {
    if (Number.isNaN(v)) return NaN;
    const window = x.slice(0, i + 1).filter((y) => !Number.isNaN(y));
    return window.length < length ? NaN : f(window.slice(-length));
  });
}

const mean = (w: number[]) => w.reduce((a, b) => a + b, 0) / w.length;

describe('NaN-skipping semantics (property)', () => {
  it('sma, stdev, highest, lowest = naive windows of non-NaN values', () => {
    fc.assert(
      fc.property(series, fc.integer({ min: 1, max: 8 }), (xs, L) => {
        const x = Float64Array.from(xs);
        expectClose(sma(x, L), naive(xs, L, mean), 1e-9, 'sma');
        expectClose(
          highest(x, L),
          naive(xs, L, (w) => Math.max(...w)),
          0,
          'highest',
        );
        expectClose(
          lowest(x, L),
          naive(xs, L, (w) => Math.min(...w)),
          0,
          'lowest',
        );
        const sd = (w: number[]) => {
          const m = mean(w);
          return Math.sqrt(w.reduce((a, b) => a + (b - m) ** 2, 0) / w.length);
        };
        const got = stdev(x, L);
        const want = naive(xs, L, sd);
        // absolute tolerance relative to the price scale (a flat window may give 0 vs 1e-13)
        for (let i = 0; i < xs.length; i++) {
          if (Number.isNaN(want[i]!) !== Number.isNaN(got[i]!)) throw new Error(`stdev NaN at ${i}`);
          if (!Number.isNaN(want[i]!) && Math.abs(got[i]! - want[i]!) > 1e-9 * 1000)
            throw new Error(`stdev ${i}`);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('ema: seed = mean of the first L non-NaN values, then α·x + (1-α)·prev over non-NaN values', () => {
    fc.assert(
      fc.property(series, fc.integer({ min: 1, max: 8 }), (xs, L) => {
        const a = 2 / (L + 1);
        let count = 0;
        let sum = 0;
        let prev = NaN;
        const want = xs.map((v) => {
          if (Number.isNaN(v)) return NaN;
          count++;
          if (count < L) {
            sum += v;
            return NaN;
          }
          prev = count === L ? (sum + v) / L : a * v + (1 - a) * prev;
          return prev;
        });
        expectClose(ema(Float64Array.from(xs), L), want, 1e-9, 'ema');
      }),
      { numRuns: 300 },
    );
  });

  it('macd = ema(fast) − ema(slow) and its ema, NaN holes and all (the fused pass is for none)', () => {
    fc.assert(
      fc.property(
        series,
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 5 }),
        (xs, fast, slow, signal) => {
          const src = Float64Array.from(xs);
          const slowEma = ema(src, slow);
          const line = Array.from(ema(src, fast), (v, i) => v - slowEma[i]!);
          const r = macd(src, fast, slow, signal);
          expect(Array.from(r.macd)).toEqual(line);
          expect(Array.from(r.signal)).toEqual(Array.from(ema(Float64Array.from(line), signal)));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('incremental states = batch functions, NaN positions included', () => {
    fc.assert(
      fc.property(series, fc.integer({ min: 1, max: 8 }), (xs, L) => {
        const x = Float64Array.from(xs);
        const run = (st: { update(v: number): number }) => xs.map((v) => st.update(v));
        expectClose(run(new SmaState(L)), sma(x, L), 1e-9, 'sma');
        expectClose(run(new EmaState(L)), ema(x, L), 1e-9, 'ema');
        expectClose(run(new StdevState(L)), stdev(x, L), 1e-9, 'stdev');
        expectClose(run(new HighestState(L)), highest(x, L), 0, 'highest');
      }),
      { numRuns: 300 },
    );
  });
});
