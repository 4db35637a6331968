import { checkLength, resumInterval, skippingNa } from './common.ts';

/**
 * ta.sma(src, length): mean of the last `length` non-NaN values; NaN for the first length-1.
 * Running sum, re-summed exactly every max(1024, 4·length) bars so 500k-bar series do not drift.
 */
export function sma(src: Float64Array, length: number): Float64Array {
  checkLength('sma', 'length', length);
  return skippingNa(src, (x, out) => smaKernel(x, out, length));
}

export function smaKernel(x: Float64Array, out: Float64Array, length: number): void {
  const n = x.length;
  // The mean of one value is the value: a running sum would add rounding (x + y − x ≠ y).
  if (length === 1) {
    out.set(x);
    return;
  }
  const warm = Math.min(length - 1, n);
  let sum = 0;
  for (let i = 0; i < warm; i++) {
    sum += x[i]!;
    out[i] = NaN;
  }
  const every = resumInterval(length);
  let since = 0;
  for (let i = length - 1; i < n; i++) {
    sum += x[i]!;
    if (i >= length) sum -= x[i - length]!;
    if (++since >= every) {
      since = 0;
      sum = 0;
      for (let j = i - length + 1; j <= i; j++) sum += x[j]!;
    }
    out[i] = sum / length;
  }
}

/**
 * ta.ema(src, length): α = 2/(length+1), seeded with the SMA of the first `length` non-NaN
 * values (first value at the length-th non-NaN bar), then α·x + (1-α)·ema[1].
 */
export function ema(src: Float64Array, length: number): Float64Array {
  checkLength('ema', 'length', length);
  return skippingNa(src, (x, out) => expKernel(x, out, length, 2 / (length + 1)), undefined, {
    naReachesLastValue: true,
  });
}

/** ta.rma(src, length): Wilder's average, α = 1/length, seeded like ema. */
export function rma(src: Float64Array, length: number): Float64Array {
  checkLength('rma', 'length', length);
  return skippingNa(src, (x, out) => expKernel(x, out, length, 1 / length), undefined, {
    naReachesLastValue: true,
  });
}

export function expKernel(x: Float64Array, out: Float64Array, length: number, alpha: number): void {
  const n = x.length;
  let sum = 0;
  const warm = Math.min(length - 1, n);
  for (let i = 0; i < warm; i++) {
    sum += x[i]!;
    out[i] = NaN;
  }
  if (n < length) return;
  sum += x[length - 1]!;
  let value = sum / length;
  out[length - 1] = value;
  const beta = 1 - alpha;
  for (let i = length; i < n; i++) {
    value = alpha * x[i]! + beta * value;
    out[i] = value;
  }
}

/**
 * ta.stdev(src, length) with Pine's default biased = true: population standard deviation
 * (divides by length) of the last `length` non-NaN values. O(n): running sums of (x - K) and
 * (x - K)² around a shift K; every max(1024, 4·length) bars, and whenever the variance falls below
 * 1e-4 of the sums' recent peak, K is reset to the window mean and both sums are recomputed exactly, so neither cancellation (prices ≫ their deviation) nor drift over
 * long series builds up (checked against a naive two-pass computation to 1e-9 relative on 500k
 * bars). As Pine (which zeroes deviations ≤ 1e-10), a variance at the rounding-noise level of the
 * sums is returned as exactly 0 (flat windows give 0).
 */
export function stdev(src: Float64Array, length: number): Float64Array {
  checkLength('stdev', 'length', length);
  return skippingNa(src, (x, out) => stdevKernel(x, out, length));
}

/** Exact recomputation when the running Σ(x-K)² - (Σ(x-K))²/n falls below this share of its peak. */
export const RECOMPUTE_RATIO = 1e-4;

/** Variance from the shifted sums; 0 at the rounding-noise level. */
export function shiftedVariance(s1: number, s2: number, length: number): number {
  const m = s1 / length;
  const q = s2 / length;
  const v = q - m * m;
  return v <= 8 * Number.EPSILON * q ? 0 : v;
}

export function stdevKernel(x: Float64Array, out: Float64Array, length: number): void {
  const n = x.length;
  const warm = Math.min(length - 1, n);
  for (let i = 0; i < warm; i++) out[i] = NaN;
  if (n < length) return;
  const every = resumInterval(length);
  let k = 0;
  let s1 = 0;
  let s2 = 0;
  let peak = 0;
  let since = every; // forces an exact start on the first full window
  for (let i = length - 1; i < n; i++) {
    let exact = since >= every;
    if (!exact) {
      const dn = x[i]! - k;
      const dold = x[i - length]! - k;
      s1 += dn - dold;
      s2 += dn * dn - dold * dold;
      if (s2 > peak) peak = s2;
      // The variance fell far below the magnitude the sums carried since the last exact pass:
      // their rounding error would dominate, so recompute (flat windows after a move give 0).
      exact = s2 - (s1 * s1) / length < RECOMPUTE_RATIO * peak;
    }
    if (exact) {
      since = 0;
      let mean = 0;
      for (let j = i - length + 1; j <= i; j++) mean += x[j]!;
      k = mean / length;
      s1 = 0;
      s2 = 0;
      for (let j = i - length + 1; j <= i; j++) {
        const d = x[j]! - k;
        s1 += d;
        s2 += d * d;
      }
      peak = s2;
    }
    since++;
    out[i] = Math.sqrt(shiftedVariance(s1, s2, length));
  }
}
