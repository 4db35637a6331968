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
  return skippingNa(src, (x, out) => expKernel(x, out, length, 2 / (length + 1)));
}

/** ta.rma(src, length): Wilder's average, α = 1/length, seeded like ema. */
export function rma(src: Float64Array, length: number): Float64Array {
  checkLength('rma', 'length', length);
  return skippingNa(src, (x, out) => expKernel(x, out, length, 1 / length));
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
 * (divides by length) of the last `length` non-NaN values. Rolling mean and sum of squared
 * deviations updated in place (Welford's replacement step, stable), recomputed exactly by two
 * passes every max(1024, 4·length) bars. As Pine (which zeroes deviations ≤ 1e-10), a window whose
 * squared deviations sum to ≤ length·1e-20 gives exactly 0.
 */
export function stdev(src: Float64Array, length: number): Float64Array {
  checkLength('stdev', 'length', length);
  return skippingNa(src, (x, out) => stdevKernel(x, out, length));
}

export function stdevKernel(x: Float64Array, out: Float64Array, length: number): void {
  const n = x.length;
  const warm = Math.min(length - 1, n);
  for (let i = 0; i < warm; i++) out[i] = NaN;
  if (n < length) return;
  const floor = length * 1e-20;
  // Exact start on the first window.
  let mean = 0;
  for (let j = 0; j < length; j++) mean += x[j]!;
  mean /= length;
  let m2 = 0;
  for (let j = 0; j < length; j++) {
    const d = x[j]! - mean;
    m2 += d * d;
  }
  out[length - 1] = m2 <= floor ? 0 : Math.sqrt(m2 / length);
  const every = resumInterval(length);
  let since = 0;
  for (let i = length; i < n; i++) {
    const xn = x[i]!;
    const xo = x[i - length]!;
    if (++since >= every) {
      since = 0;
      mean = 0;
      for (let j = i - length + 1; j <= i; j++) mean += x[j]!;
      mean /= length;
      m2 = 0;
      for (let j = i - length + 1; j <= i; j++) {
        const d = x[j]! - mean;
        m2 += d * d;
      }
    } else {
      const delta = xn - xo;
      const newMean = mean + delta / length;
      m2 += delta * (xn - newMean + xo - mean);
      mean = newMean;
    }
    out[i] = m2 <= floor ? 0 : Math.sqrt(m2 / length);
  }
}
