import { EngineErrors } from '../errors.ts';

/** Throws INVALID_INDICATOR unless `length` is a whole number ≥ `min` (1 by default). */
export function checkLength(indicator: string, name: string, length: number, min = 1): void {
  if (!Number.isInteger(length) || length < min) {
    throw EngineErrors.create('INVALID_INDICATOR', {
      message: `${indicator}: ${name} must be a whole number ≥ ${min} (got ${length})`,
      details: { indicator, [name]: length },
    });
  }
}

/** Throws INVALID_INDICATOR unless `value` is a finite number. */
export function checkFinite(indicator: string, name: string, value: number): void {
  if (!Number.isFinite(value)) {
    throw EngineErrors.create('INVALID_INDICATOR', {
      message: `${indicator}: ${name} must be a finite number (got ${value})`,
      details: { indicator, [name]: value },
    });
  }
}

/** Throws INVALID_INDICATOR unless all arrays have the same length. */
export function checkSameLength(indicator: string, ...arrays: Float64Array[]): number {
  const n = arrays[0]!.length;
  for (const a of arrays) {
    if (a.length !== n) {
      throw EngineErrors.create('INVALID_INDICATOR', {
        message: `${indicator}: input series have different lengths (${arrays.map((x) => x.length).join(', ')})`,
      });
    }
  }
  return n;
}

/**
 * Pine's rule for sma/ema/rma/stdev/highest/lowest: "na values in the source series are ignored;
 * the function calculates on the `length` quantity of non-na values". The kernel runs on the
 * non-NaN values only and its results are scattered back; bars where `src` is NaN get NaN.
 * Fast path: leading NaNs only (an indicator of an indicator), run on a subarray, no copy.
 * A kernel writes every position of its output (NaN during its warm-up), and so does this
 * function: `out` may be a reused array with stale contents.
 *
 * `naReachesLastValue`: for kernels in which a NaN, once in, reaches every later value
 * (recurrences, such as ema's). The kernel then runs on the source as it is, and a last value
 * that is a number proves there was no na after the leading ones, without a separate na scan;
 * otherwise (na inside, too short a series, infinities that met) the general path runs.
 */
export function skippingNa(
  src: Float64Array,
  kernel: (x: Float64Array, out: Float64Array) => void,
  out: Float64Array = new Float64Array(src.length),
  { naReachesLastValue = false } = {},
): Float64Array {
  const n = src.length;
  let start = 0;
  while (start < n && Number.isNaN(src[start]!)) start++;
  out.fill(NaN, 0, start);
  if (naReachesLastValue ? start < n : !hasNaN(src, start)) {
    kernel(src.subarray(start), out.subarray(start));
    const last = out[n - 1];
    if (!naReachesLastValue || last === last) return out;
  }
  let count = 0;
  for (let i = start; i < n; i++) if (src[i] === src[i]) count++;
  const compact = new Float64Array(count);
  const index = new Int32Array(count);
  for (let i = start, k = 0; i < n; i++) {
    const x = src[i]!;
    if (x === x) {
      compact[k] = x;
      index[k++] = i;
    }
  }
  const result = new Float64Array(count);
  kernel(compact, result);
  out.fill(NaN, start);
  for (let k = 0; k < count; k++) out[index[k]!] = result[k]!;
  return out;
}

/** Re-summation interval for running sums (bounds floating-point drift on long series). */
export function resumInterval(length: number): number {
  return Math.max(1024, 4 * length);
}

/**
 * True when any value from `from` on is NaN. NaN survives addition, so a sum that is not NaN
 * proves there is none: four independent running sums (no compare-and-branch per value) answer
 * the common case at memory speed. A NaN sum may also come from +Infinity meeting −Infinity, so
 * it is confirmed value by value.
 */
export function hasNaN(x: Float64Array, from = 0): boolean {
  const n = x.length;
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let i = from;
  for (; i + 3 < n; i += 4) {
    a += x[i]!;
    b += x[i + 1]!;
    c += x[i + 2]!;
    d += x[i + 3]!;
  }
  for (; i < n; i++) a += x[i]!;
  const sum = a + b + c + d;
  if (sum === sum) return false;
  for (let j = from; j < n; j++) if (x[j] !== x[j]) return true;
  return false;
}
