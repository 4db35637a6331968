import { checkLength, checkSameLength, skippingNa } from './common.ts';

/** ta.highest(src, length): max of the last `length` non-NaN values; O(n), branch-light. */
export function highest(src: Float64Array, length: number): Float64Array {
  checkLength('highest', 'length', length);
  return skippingNa(src, (x, out) => windowExtreme(x, out, length, true));
}

/** ta.lowest(src, length): min of the last `length` non-NaN values; O(n), branch-light. */
export function lowest(src: Float64Array, length: number): Float64Array {
  checkLength('lowest', 'length', length);
  return skippingNa(src, (x, out) => windowExtreme(x, out, length, false));
}

/**
 * Kept between calls (never returned): the per-block suffix extremes. Allocating it per call cost
 * more than the computation (first-touch page faults on every fresh array of a year of minutes).
 */
let suffixScratch = new Float64Array(0);

/**
 * Sliding-window max (or min) by van Herk / Gil-Werman: cut the series into blocks of `length`;
 * the window ending at i spans the tail of one block and the head of the next, so its extreme is
 * the larger of a suffix extreme (precomputed per block, backwards) and a prefix extreme (running,
 * forwards). Two linear passes and no data-dependent branching, unlike a monotonic deque, whose
 * pops mispredict on price data. Exact: only comparisons, no arithmetic.
 */
function windowExtreme(x: Float64Array, out: Float64Array, length: number, max: boolean): void {
  const n = x.length;
  if (suffixScratch.length < n) suffixScratch = new Float64Array(n);
  const suffix = suffixScratch;
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

/** Donchian midline: avg(lowest(low, length), highest(high, length)), as in Pine's Ichimoku. */
export function donchian(high: Float64Array, low: Float64Array, length: number): Float64Array {
  checkLength('donchian', 'length', length);
  const n = checkSameLength('donchian', high, low);
  const hi = highest(high, length);
  const lo = lowest(low, length);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (lo[i]! + hi[i]!) / 2;
  return out;
}
