import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { compileWat, wasmSources, WASM_SOURCE_DIR } from '../scripts/build-wasm.ts';
import { equityExtremes, equityExtremesBarByBar } from '../src/backtest/run.ts';
import {
  donchian,
  packSignals,
  resolveBacktestOptions,
  runBacktest,
  stochRaw,
  unpackSignals,
} from '../src/index.ts';
import { withWindowExtremes } from '../src/indicators/window-extremes.ts';
import { withKernels } from '../src/wasm/kernels.ts';
import { seriesFromRows } from '../src/candles/series.ts';
import type * as Engine from '../src/index.ts';
import type * as Broker from '../src/backtest/run.ts';

/**
 * The WebAssembly kernels (src/wasm/kernels.wat) replace JavaScript loops that are exact, so they
 * are checked for exact equality: against naive computations written here, and against the
 * JavaScript paths the engine keeps for the inputs the kernels do not take (na bars, no memory).
 */

describe('the embedded WebAssembly', () => {
  it('is kernels.wat as compiled now (run `npm run build:wasm` after editing a .wat file)', async () => {
    const sources = wasmSources();
    expect(sources.map((s) => s.wat)).toContain('kernels.wat');
    for (const { wat, embedded } of sources) {
      const binary = await compileWat(wat, readFileSync(WASM_SOURCE_DIR + wat, 'utf8'));
      const module = (await import(`../src/wasm/${embedded}`)) as { WASM_BASE64: string };
      expect([embedded, module.WASM_BASE64]).toEqual([embedded, Buffer.from(binary).toString('base64')]);
    }
  });
});

const price = fc.double({ min: 1, max: 1000, noNaN: true });
const bars = fc
  .array(
    fc.record({
      mid: price,
      up: fc.double({ min: 0, max: 5, noNaN: true }),
      down: fc.double({ min: 0, max: 5, noNaN: true }),
    }),
    {
      maxLength: 80,
    },
  )
  .map((rows) => ({
    high: Float64Array.from(rows, (r) => r.mid + r.up),
    low: Float64Array.from(rows, (r) => r.mid - r.down),
    // Closes on a coarse grid, so flat windows (highest = lowest) and ties happen.
    close: Float64Array.from(rows, (r) => Math.round(r.mid)),
  }));

function naiveWindow(x: Float64Array, i: number, length: number): number[] {
  return i + 1 < length ? [] : Array.from(x.subarray(i - length + 1, i + 1));
}

describe('window extremes', () => {
  it('pair the highest high with minus the lowest low of every window, NaN during the warm-up', () => {
    fc.assert(
      fc.property(bars, fc.integer({ min: 1, max: 90 }), ({ high, low }, length) => {
        const got = withWindowExtremes(high, low, 1, (w) => Array.from(w.pairs(0, length)));
        const want = Array.from(high).flatMap((_, i) => {
          const hi = naiveWindow(high, i, length);
          return hi.length === 0 ? [NaN, NaN] : [Math.max(...hi), -Math.min(...naiveWindow(low, i, length))];
        });
        expect(got).toEqual(want);
      }),
      { numRuns: 500 },
    );
  });

  it('give way to the JavaScript path when high or low holds na (Pine skips na bars)', () => {
    const high = Float64Array.from([5, 6, NaN, 7, 8]);
    const low = Float64Array.from([4, 5, 5, NaN, 7]);
    expect(withWindowExtremes(high, low, 1, () => 'used')).toBeUndefined();
    expect(
      withWindowExtremes(
        low.map((v) => v || 1),
        low.map((v) => v || 1),
        1,
        () => 'used',
      ),
    ).toBe('used');
    // Each series skips its own na bars: at bar 4 the last two highs are 7 and 8, the last two
    // lows 5 (bar 2) and 7; a bar where either is na has no value.
    expect(Array.from(donchian(high, low, 2))).toEqual([NaN, 5, NaN, NaN, 6.5]);
  });

  it('give the raw stochastic of the naive formula (a flat window repeats the previous value)', () => {
    fc.assert(
      fc.property(bars, fc.integer({ min: 1, max: 12 }), ({ high, low, close }, length) => {
        let prev = NaN;
        const want = Array.from(close, (c, i) => {
          const hi = naiveWindow(high, i, length);
          if (hi.length === 0) return NaN;
          const h = Math.max(...hi);
          const l = Math.min(...naiveWindow(low, i, length));
          prev = h - l === 0 ? prev : (100 * (c - l)) / (h - l);
          return prev;
        });
        expect(Array.from(stochRaw(close, high, low, length))).toEqual(want);
      }),
      { numRuns: 300 },
    );
    // A na close: na on its bar, and the bar after a flat window still repeats the last value.
    const high = Float64Array.from([10, 12, 12, 12, 12]);
    const low = Float64Array.from([8, 8, 12, 12, 12]);
    const close = Float64Array.from([9, 11, NaN, 12, 12]);
    expect(Array.from(stochRaw(close, high, low, 1))).toEqual([50, 75, NaN, 75, 75]);
    // A flat start: na until the window moves, then the previous value while it is flat again.
    const flat = Float64Array.from([10, 10, 10, 12, 12, 12]);
    expect(Array.from(stochRaw(flat, flat, flat, 2))).toEqual([NaN, NaN, NaN, 100, 100, 100]);
  });
});

describe('the na scan', () => {
  it('finds a NaN at any position of a run of any length (both the 8-value steps and the tail)', () => {
    for (let count = 0; count <= 40; count++) {
      for (let at = -1; at < count; at++) {
        const values = Float64Array.from({ length: count }, (_, i) => (i === at ? NaN : i - 20));
        const found = withKernels(8 * (count + 1), (kernels, floats) => {
          floats.set(values, 1); // from an offset that is not a multiple of 16 bytes
          return kernels.anyNaN(8, count);
        });
        expect([count, at, found]).toEqual([count, at, at >= 0 ? 1 : 0]);
      }
    }
  });
});

describe('without WebAssembly', () => {
  it('every indicator and the broker take their JavaScript paths, with the same results', async () => {
    const high = Float64Array.from({ length: 300 }, (_, i) => 100 + 10 * Math.sin(i / 7) + (i % 5));
    const low = high.map((h, i) => h - 1 - (i % 3));
    const close = high.map((h, i) => (h + low[i]!) / 2);
    const equity = close.map((c) => c * 100);
    const run = (m: typeof Engine, r: typeof Broker) => [
      Array.from(m.donchian(high, low, 9)),
      Array.from(m.stochRaw(close, high, low, 14)),
      Array.from(m.stoch(close, high, low, 14, 3, 3).d),
      ...Object.values(m.ichimoku(high, low, close, 9, 26, 52, 26)).map((x) => Array.from(x)),
      r.equityExtremes(equity, 10_000),
    ];
    const withWasm = run(await import('../src/index.ts'), await import('../src/backtest/run.ts'));
    const saved = globalThis.WebAssembly;
    vi.resetModules();
    Reflect.deleteProperty(globalThis, 'WebAssembly');
    try {
      const withoutWasm = run(await import('../src/index.ts'), await import('../src/backtest/run.ts'));
      expect(withoutWasm).toEqual(withWasm);
      const fresh = await import('../src/wasm/kernels.ts');
      expect(fresh.withKernels(8, () => 'used')).toBeUndefined();
    } finally {
      globalThis.WebAssembly = saved;
      vi.resetModules();
    }
  });
});

describe('the kernels’ memory', () => {
  it('is not shared between a borrower and one it calls', () => {
    const outer = withKernels(64, (_, floats) => {
      floats.fill(1, 0, 8);
      withKernels(64, (__, inner) => inner.fill(2, 0, 8));
      return Array.from(floats.subarray(0, 8));
    });
    expect(outer).toEqual(Array(8).fill(1));
  });
});

describe('equity extremes', () => {
  const curve = fc.array(
    fc.oneof(
      { weight: 6, arbitrary: fc.double({ min: 1, max: 2e4, noNaN: true }) },
      // Ruin and beyond: a peak or trough that is not positive has no percentage.
      { weight: 1, arbitrary: fc.double({ min: -500, max: 0, noNaN: true }) },
    ),
    { maxLength: 60 },
  );

  it('agree exactly with the bar-by-bar definition (the path without WebAssembly)', () => {
    fc.assert(
      fc.property(curve, fc.double({ min: -100, max: 2e4, noNaN: true }), (values, capital) => {
        const equity = Float64Array.from(values);
        const want = equityExtremesBarByBar(equity, capital);
        expect(equityExtremes(equity, capital)).toEqual(want);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('packed signals', () => {
  it('hold the four rules of a bar in one byte, and the broker reads either form alike', () => {
    const n = 400;
    const rule = (seed: number) => Uint8Array.from({ length: n }, (_, i) => ((i * seed) % 17 < 2 ? 1 : 0));
    const signals = { longEntry: rule(3), longExit: rule(5), shortEntry: rule(7), shortExit: rule(11) };
    const packed = packSignals(signals);
    expect(unpackSignals(packed)).toEqual(signals);
    expect(packed[0]).toBe(1 | 2 | 4 | 8);

    let price = 100;
    const candles = seriesFromRows(
      Array.from({ length: n }, (_, i) => {
        const open = price;
        price *= 1 + Math.sin(i * 1.3) * 0.01;
        return {
          time: i * 60_000,
          open,
          high: Math.max(open, price) + 0.5,
          low: Math.min(open, price) - 0.5,
          close: price,
          volume: 1,
        };
      }),
      'packed-signals',
    );
    const options = resolveBacktestOptions({ stopLoss: { type: 'percent', percent: 1 } });
    const fromSeries = runBacktest(candles, signals, options);
    const fromPacked = runBacktest(candles, packed, options);
    expect(fromSeries.metrics.totalTrades).toBeGreaterThan(10);
    expect(fromPacked.trades).toEqual(fromSeries.trades);
    expect(fromPacked.metrics).toEqual(fromSeries.metrics);
    expect(() => runBacktest(candles, packed.subarray(1), options)).toThrow(
      /packed signals must have one value per candle/,
    );
  });
});
