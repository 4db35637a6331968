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
  const spanA = spanABuffer.subarray(shift);
  const spanB = spanBBuffer.subarray(shift);
  const base = new Float64Array(n);
  withScratch(n, (baseHigh) =>
    withScratch(n, (baseLow) => {
      highest(high, baseLength, baseHigh);
      lowest(low, baseLength, baseLow);
      const lines = { conversion, base, spanA, spanB };
      if (!linesFromBaseWindows(high, low, baseHigh, baseLow, baseLength, spanBLength, lines)) {
        midpointInto(baseHigh, baseLow, base);
        midpointInto(conversion, base, spanA);
        donchian(high, low, spanBLength, spanB);
      }
    }),
  );
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
 * The base line, span A and span B in one pass over the base window's extremes, when span B's
 * window is at most twice the base's (52 and 26 by default): the window of `spanBLength` bars
 * ending at i is the union of the two base windows ending at i and at i − (spanBLength −
 * baseLength), so its highest is the larger of their highests (likewise the lowest) — no sliding
 * window of its own. Exact: the same extremes, averaged by the same expressions as midpointInto.
 * Not with NaN in high or low (Pine's highest skips na bars, so windows are not index ranges
 * there): returns false, and the caller computes each line on its own.
 */
function linesFromBaseWindows(
  high: Float64Array,
  low: Float64Array,
  baseHigh: Float64Array,
  baseLow: Float64Array,
  baseLength: number,
  spanBLength: number,
  lines: { conversion: Float64Array; base: Float64Array; spanA: Float64Array; spanB: Float64Array },
): boolean {
  if (spanBLength < baseLength || spanBLength > 2 * baseLength || hasNaN(high) || hasNaN(low)) return false;
  const { conversion, base, spanA, spanB } = lines;
  const n = base.length;
  const gap = spanBLength - baseLength;
  const warmUp = Math.min(n, spanBLength - 1);
  for (let i = 0; i < n; i++) {
    const h1 = baseHigh[i]!;
    const l1 = baseLow[i]!;
    const b = (l1 + h1) / 2;
    base[i] = b;
    spanA[i] = (b + conversion[i]!) / 2;
    if (i < warmUp) spanB[i] = NaN;
    else {
      const h2 = baseHigh[i - gap]!;
      const l2 = baseLow[i - gap]!;
      spanB[i] = ((l1 < l2 ? l1 : l2) + (h1 > h2 ? h1 : h2)) / 2;
    }
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
