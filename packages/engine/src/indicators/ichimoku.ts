import { checkLength, checkSameLength } from './common.ts';
import { donchian } from './range.ts';

export type IchimokuResult = {
  /** Tenkan-sen: donchian(conversionLength) at each bar. */
  conversion: Float64Array;
  /** Kijun-sen: donchian(baseLength) at each bar. */
  base: Float64Array;
  /** Senkou span A computed at each bar (unshifted): avg(conversion, base). */
  spanA: Float64Array;
  /** Senkou span B computed at each bar (unshifted): donchian(spanBLength). */
  spanB: Float64Array;
  /** Chikou span, computed at each bar (unshifted) = close; TradingView draws it displacement-1 bars back. */
  lagging: Float64Array;
  /** The cloud DRAWN at each bar: cloudA[i] = spanA[i - (displacement - 1)], NaN before. */
  cloudA: Float64Array;
  /** The cloud DRAWN at each bar: cloudB[i] = spanB[i - (displacement - 1)], NaN before. */
  cloudB: Float64Array;
  /** The lagging span as DISPLAYED at each bar: close[i + displacement - 1], NaN for the last bars. */
  laggingDisplayed: Float64Array;
};

/**
 * TradingView's built-in "Ichimoku Cloud" script (9, 26, 52, 26): donchian(n) =
 * avg(lowest(low, n), highest(high, n)); conversion = donchian(9); base = donchian(26);
 * spanA = avg(conversion, base); spanB = donchian(52); the spans are plotted with
 * `offset = displacement - 1` (25 bars FORWARD), the lagging span (close) with
 * `offset = -displacement + 1` (25 bars BACK).
 *
 * `spanA`/`spanB` are the raw values computed at each bar (what Pine's variables hold);
 * `cloudA`/`cloudB` are what the chart shows at each bar (the spans of 25 bars ago): strategies
 * that compare price with "the cloud" use these, and the Pine export uses `spanA[displacement-1]`.
 * With 9/26/52/26 the first cloudB value is at bar 51 + 25 = 76.
 */
export function ichimoku(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  conversionLength: number,
  baseLength: number,
  spanBLength: number,
  displacement: number,
): IchimokuResult {
  checkLength('ichimoku', 'conversionLength', conversionLength);
  checkLength('ichimoku', 'baseLength', baseLength);
  checkLength('ichimoku', 'spanBLength', spanBLength);
  checkLength('ichimoku', 'displacement', displacement);
  const n = checkSameLength('ichimoku', high, low, close);
  const conversion = donchian(high, low, conversionLength);
  const base = donchian(high, low, baseLength);
  const spanB = donchian(high, low, spanBLength);
  const spanA = new Float64Array(n);
  for (let i = 0; i < n; i++) spanA[i] = (conversion[i]! + base[i]!) / 2;
  const shift = displacement - 1;
  return {
    conversion,
    base,
    spanA,
    spanB,
    lagging: close.slice(),
    cloudA: shiftForward(spanA, shift),
    cloudB: shiftForward(spanB, shift),
    laggingDisplayed: shiftBack(close, shift),
  };
}

/** out[i] = x[i - k] (NaN for i < k). */
export function shiftForward(x: Float64Array, k: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n).fill(NaN);
  if (k < n) out.set(x.subarray(0, n - k), k);
  return out;
}

/** out[i] = x[i + k] (NaN for the last k bars). */
export function shiftBack(x: Float64Array, k: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n).fill(NaN);
  if (k < n) out.set(x.subarray(k), 0);
  return out;
}
