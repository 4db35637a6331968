import { checkLength, checkSameLength, hasNaN } from './common.ts';
import { donchian, highest, lowest, midpointInto } from './range.ts';
import { withScratch } from './scratch.ts';

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
  /**
   * The cloud DRAWN at each bar: cloudA[i] = spanA[i - (displacement - 1)], NaN before. A view on
   * spanA's buffer (as cloudB on spanB's).
   */
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
  const shift = displacement - 1;
  const conversion = donchian(high, low, conversionLength);
  // Each span and its cloud share one buffer of n + shift values: the span is its tail, the cloud
  // (the span drawn `shift` bars later) its head, NaN before the first shifted value. No copies.
  const spanABuffer = new Float64Array(n + shift).fill(NaN, 0, shift);
  const spanBBuffer = new Float64Array(n + shift).fill(NaN, 0, shift);
  const spanB = spanBBuffer.subarray(shift);
  const base = new Float64Array(n);
  withScratch(n, (baseHigh) =>
    withScratch(n, (baseLow) => {
      highest(high, baseLength, baseHigh);
      lowest(low, baseLength, baseLow);
      midpointInto(baseHigh, baseLow, base);
      if (!spanBFromBase(high, low, baseHigh, baseLow, baseLength, spanBLength, spanB)) {
        donchian(high, low, spanBLength, spanB);
      }
    }),
  );
  const spanA = spanABuffer.subarray(shift);
  midpointInto(conversion, base, spanA);
  // The lagging span is not used by the strategies: copied only when someone reads it.
  let lagging: Float64Array | undefined;
  let laggingDisplayed: Float64Array | undefined;
  return {
    conversion,
    base,
    spanA,
    spanB,
    cloudA: spanABuffer.subarray(0, n),
    cloudB: spanBBuffer.subarray(0, n),
    get lagging() {
      return (lagging ??= close.slice());
    },
    get laggingDisplayed() {
      return (laggingDisplayed ??= shiftBack(close, shift));
    },
  };
}

/**
 * Span B from the base line's window extremes when its window is at most twice as long (52 and 26
 * by default): the window of `spanBLength` bars ending at i is the union of the two base windows
 * ending at i and at i − (spanBLength − baseLength), so its highest is the larger of their highests
 * (likewise the lowest) — one pass instead of two sliding-window passes. Exact: the same extremes,
 * averaged by the same expression. Not with NaN in high or low (Pine's highest skips na bars, so
 * windows are not index ranges there): returns false and the caller computes donchian directly.
 */
function spanBFromBase(
  high: Float64Array,
  low: Float64Array,
  baseHigh: Float64Array,
  baseLow: Float64Array,
  baseLength: number,
  spanBLength: number,
  out: Float64Array,
): boolean {
  if (spanBLength < baseLength || spanBLength > 2 * baseLength || hasNaN(high) || hasNaN(low)) return false;
  const n = out.length;
  const gap = spanBLength - baseLength;
  const warmUp = Math.min(n, spanBLength - 1);
  out.fill(NaN, 0, warmUp);
  for (let i = warmUp; i < n; i++) {
    const h1 = baseHigh[i]!;
    const h2 = baseHigh[i - gap]!;
    const l1 = baseLow[i]!;
    const l2 = baseLow[i - gap]!;
    out[i] = ((l1 < l2 ? l1 : l2) + (h1 > h2 ? h1 : h2)) / 2;
  }
  return true;
}

/** out[i] = x[i + k] (NaN for the last k bars). */
export function shiftBack(x: Float64Array, k: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n).fill(NaN);
  if (k < n) out.set(x.subarray(k), 0);
  return out;
}
