import { checkLength, checkSameLength } from './common.ts';
import { donchianSkippingNa, midpointInto } from './range.ts';
import { withWindowExtremes } from './window-extremes.ts';

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
  const conversion = new Float64Array(n);
  const base = new Float64Array(n);
  // Each span and its cloud share one buffer of n + shift values: the span is its tail, the cloud
  // (the span drawn `shift` bars later) its head, NaN before the first shifted value. No copies.
  const spanABuffer = new Float64Array(n + shift).fill(NaN, 0, shift);
  const spanBBuffer = new Float64Array(n + shift).fill(NaN, 0, shift);
  const spanA = spanABuffer.subarray(shift);
  const spanB = spanBBuffer.subarray(shift);
  const viaWasm = withWindowExtremes(high, low, 2, (windows) => {
    windows.pairs(0, conversionLength);
    windows.midline(0, 0, conversionLength - 1, conversion);
    windows.pairs(1, baseLength);
    windows.midline(1, 0, baseLength - 1, base);
    // Span B's window ending at bar i is the union of the base windows ending at i and at
    // i − (spanB − base) when base ≤ spanB ≤ 2·base (52 and 26 by default): no window of its own.
    const gap = spanBLength - baseLength;
    if (gap >= 0 && gap <= baseLength) windows.midline(1, gap, spanBLength - 1, spanB);
    else {
      windows.pairs(0, spanBLength);
      windows.midline(0, 0, spanBLength - 1, spanB);
    }
    return true;
  });
  if (viaWasm === undefined) {
    // na in high or low (or no WebAssembly): each line in JavaScript, skipping na bars.
    donchianSkippingNa(high, low, conversionLength, conversion);
    donchianSkippingNa(high, low, baseLength, base);
    donchianSkippingNa(high, low, spanBLength, spanB);
  }
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

/** out[i] = x[i + k] (NaN for the last k bars). */
export function shiftBack(x: Float64Array, k: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n).fill(NaN);
  if (k < n) out.set(x.subarray(k), 0);
  return out;
}
