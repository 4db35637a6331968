import { checkLength, checkSameLength, skippingNa } from './common.ts';

/** ta.highest(src, length): max of the last `length` non-NaN values; O(n) monotonic deque. */
export function highest(src: Float64Array, length: number): Float64Array {
  checkLength('highest', 'length', length);
  return skippingNa(src, (x, out) => extremeKernel(x, out, length, true));
}

/** ta.lowest(src, length): min of the last `length` non-NaN values; O(n) monotonic deque. */
export function lowest(src: Float64Array, length: number): Float64Array {
  checkLength('lowest', 'length', length);
  return skippingNa(src, (x, out) => extremeKernel(x, out, length, false));
}

function extremeKernel(x: Float64Array, out: Float64Array, length: number, max: boolean): void {
  const n = x.length;
  // Indices only grow, so a flat array with head/tail pointers is a deque.
  const deque = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (max) while (tail > head && x[deque[tail - 1]!]! <= v) tail--;
    else while (tail > head && x[deque[tail - 1]!]! >= v) tail--;
    deque[tail++] = i;
    if (deque[head]! <= i - length) head++;
    out[i] = i >= length - 1 ? x[deque[head]!]! : NaN;
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
