import { checkLength, checkSameLength, skippingNa } from './common.ts';
import { withScratch } from './scratch.ts';
import { withWindowExtremes } from './window-extremes.ts';

/** ta.highest(src, length): max of the last `length` non-NaN values; O(n), branch-light. */
export function highest(src: Float64Array, length: number, out?: Float64Array): Float64Array {
  checkLength('highest', 'length', length);
  return skippingNa(src, (x, o) => windowExtreme(x, o, length, true), out);
}

/** ta.lowest(src, length): min of the last `length` non-NaN values; O(n), branch-light. */
export function lowest(src: Float64Array, length: number, out?: Float64Array): Float64Array {
  checkLength('lowest', 'length', length);
  return skippingNa(src, (x, o) => windowExtreme(x, o, length, false), out);
}

/**
 * Sliding-window max (or min) by van Herk / Gil-Werman: cut the series into blocks of `length`;
 * the window ending at i spans the tail of one block and the head of the next, so its extreme is
 * the larger of a suffix extreme (precomputed per block, backwards) and a prefix extreme (running,
 * forwards). Two linear passes and no data-dependent branching, unlike a monotonic deque, whose
 * pops mispredict on price data. Exact: only comparisons, no arithmetic.
 */
function windowExtreme(x: Float64Array, out: Float64Array, length: number, max: boolean): void {
  // The per-block suffix extremes live in a lent work array (a fresh one costs more than the pass).
  withScratch(x.length, (suffix) => windowExtremeInto(x, out, length, max, suffix));
}

function windowExtremeInto(
  x: Float64Array,
  out: Float64Array,
  length: number,
  max: boolean,
  suffix: Float64Array,
): void {
  const n = x.length;
  const warmUp = Math.min(n, length - 1);
  out.fill(NaN, 0, warmUp);
  if (max) {
    for (let b = 0; b < n; b += length) {
      let m = -Infinity;
      for (let i = Math.min(n, b + length) - 1; i >= b; i--) {
        const v = x[i]!;
        m = v > m ? v : m;
        suffix[i] = m;
      }
    }
    for (let b = 0; b < n; b += length) {
      const end = Math.min(n, b + length);
      let m = -Infinity;
      for (let i = b; i < end; i++) {
        const v = x[i]!;
        m = v > m ? v : m;
        if (i >= warmUp) {
          const s = suffix[i - length + 1]!;
          out[i] = s > m ? s : m;
        }
      }
    }
  } else {
    for (let b = 0; b < n; b += length) {
      let m = Infinity;
      for (let i = Math.min(n, b + length) - 1; i >= b; i--) {
        const v = x[i]!;
        m = v < m ? v : m;
        suffix[i] = m;
      }
    }
    for (let b = 0; b < n; b += length) {
      const end = Math.min(n, b + length);
      let m = Infinity;
      for (let i = b; i < end; i++) {
        const v = x[i]!;
        m = v < m ? v : m;
        if (i >= warmUp) {
          const s = suffix[i - length + 1]!;
          out[i] = s < m ? s : m;
        }
      }
    }
  }
}

/**
 * Donchian midline: avg(lowest(low, length), highest(high, length)), as in Pine's Ichimoku.
 * Without na bars, both windows come from one WebAssembly pass (window-extremes.ts); with them,
 * the highest goes straight into the result and the lowest into a lent work array.
 */
export function donchian(
  high: Float64Array,
  low: Float64Array,
  length: number,
  out: Float64Array = new Float64Array(high.length),
): Float64Array {
  checkLength('donchian', 'length', length);
  checkSameLength('donchian', high, low, out);
  const viaWasm = withWindowExtremes(high, low, 1, (windows) => {
    windows.pairs(0, length);
    return windows.midline(0, 0, length - 1, out);
  });
  return viaWasm ?? donchianSkippingNa(high, low, length, out);
}

/** The Donchian midline in JavaScript: highest and lowest each skip their own na bars. */
export function donchianSkippingNa(
  high: Float64Array,
  low: Float64Array,
  length: number,
  out: Float64Array,
): Float64Array {
  highest(high, length, out);
  withScratch(out.length, (lo) => midpointInto(out, lowest(low, length, lo), out));
  return out;
}

/** out[i] = (lo[i] + hi[i]) / 2, the Donchian midline (`out` may be `hi`). */
export function midpointInto(hi: Float64Array, lo: Float64Array, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = (lo[i]! + hi[i]!) / 2;
}
