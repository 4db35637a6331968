import { checkLength, checkSameLength, skippingNa } from './common.ts';
import { ema, sma } from './moving.ts';
import { highest, lowest } from './range.ts';
import { withScratch } from './scratch.ts';
import { withWindowExtremes } from './window-extremes.ts';

/**
 * ta.rsi(src, length): u = max(x - x[1], 0), d = max(x[1] - x, 0), up = rma(u), down = rma(d);
 * 100 when down = 0, 0 when up = 0, else 100 - 100/(1 + up/down) (TradingView's RSI script).
 * The first change is at bar 1, so the first value is at bar `length`. NaN source values are
 * skipped (the change is taken between consecutive non-NaN values).
 */
export function rsi(src: Float64Array, length: number): Float64Array {
  checkLength('rsi', 'length', length);
  return skippingNa(src, (x, out) => rsiKernel(x, out, length));
}

export function rsiValue(up: number, down: number): number {
  return down === 0 ? 100 : up === 0 ? 0 : 100 - 100 / (1 + up / down);
}

function rsiKernel(x: Float64Array, out: Float64Array, length: number): void {
  const n = x.length;
  if (n > 0) out[0] = NaN;
  const alpha = 1 / length;
  const beta = 1 - alpha;
  let up = 0;
  let down = 0;
  for (let i = 1; i < n; i++) {
    const ch = x[i]! - x[i - 1]!;
    const u = ch > 0 ? ch : 0;
    const d = ch < 0 ? -ch : 0;
    if (i < length) {
      up += u;
      down += d;
      out[i] = NaN;
    } else if (i === length) {
      up = (up + u) / length;
      down = (down + d) / length;
      out[i] = rsiValue(up, down);
    } else {
      up = alpha * u + beta * up;
      down = alpha * d + beta * down;
      out[i] = rsiValue(up, down);
    }
  }
}

/** ta.macd(src, fast, slow, signal): line = ema(fast) - ema(slow); signal = ema(line); hist. */
export function macd(
  src: Float64Array,
  fast: number,
  slow: number,
  signal: number,
): { macd: Float64Array; signal: Float64Array; hist: Float64Array } {
  checkLength('macd', 'fast', fast);
  checkLength('macd', 'slow', slow);
  checkLength('macd', 'signal', signal);
  const n = src.length;
  // The fused pass assumes no na. Both averages are recurrences, so a na anywhere leaves the last
  // MACD value na: a number there proves the pass right without a separate na scan.
  const fused = macdFused(src, fast, slow, signal);
  if (n > 0 && fused.macd[n - 1] === fused.macd[n - 1]) return fused;
  const f = ema(src, fast);
  const s = ema(src, slow);
  const line = new Float64Array(n);
  for (let i = 0; i < n; i++) line[i] = f[i]! - s[i]!;
  return withHistogram(line, ema(line, signal));
}

/** The result, with the histogram (line − signal) computed when first read: strategies rarely do. */
function withHistogram(line: Float64Array, signal: Float64Array) {
  let hist: Float64Array | undefined;
  return {
    macd: line,
    signal,
    get hist(): Float64Array {
      if (hist === undefined) {
        hist = new Float64Array(line.length);
        for (let i = 0; i < line.length; i++) hist[i] = line[i]! - signal[i]!;
      }
      return hist;
    },
  };
}

/**
 * The same values as the general path, in one pass, when src holds no NaN: the three averages'
 * recurrences are independent, so they overlap instead of waiting on one another pass by pass.
 * Each is expKernel's arithmetic, term for term (the signal is seeded with the mean of the first
 * `signal` MACD values, from bar max(fast, slow) − 1 on).
 */
function macdFused(src: Float64Array, fast: number, slow: number, signal: number) {
  const n = src.length;
  const line = new Float64Array(n);
  const sig = new Float64Array(n);
  const af = 2 / (fast + 1);
  const as = 2 / (slow + 1);
  const ag = 2 / (signal + 1);
  const bg = 1 - ag;
  const start = Math.max(fast, slow) - 1;
  let sf = 0;
  let ss = 0;
  let sg = 0;
  let ef = NaN;
  let es = NaN;
  let eg = NaN;
  for (let i = 0; i < n; i++) {
    const x = src[i]!;
    if (i < fast) {
      sf += x;
      if (i === fast - 1) ef = sf / fast;
    } else ef = af * x + (1 - af) * ef;
    if (i < slow) {
      ss += x;
      if (i === slow - 1) es = ss / slow;
    } else es = as * x + (1 - as) * es;
    const m = ef - es;
    line[i] = m;
    const j = i - start;
    if (j < signal) {
      if (j >= 0) sg += m;
      if (j === signal - 1) eg = sg / signal;
    } else eg = ag * m + bg * eg;
    sig[i] = eg;
  }
  return withHistogram(line, sig);
}

/**
 * Raw ta.stoch(close, high, low, length) = 100·(close - lowest(low))/(highest(high) - lowest(low)).
 *
 * Flat window (highest == lowest): Pine's formula divides by zero. We follow the Pine ports that
 * are checked bar-for-bar against TradingView exports (nersent/pace `ta/stoch.rs`: "if diff == 0
 * return prev_stoch"): the value repeats the previous bar's stoch (NaN when there is none yet).
 */
export function stochRaw(
  close: Float64Array,
  high: Float64Array,
  low: Float64Array,
  length: number,
  out: Float64Array = new Float64Array(close.length),
): Float64Array {
  checkLength('stoch', 'length', length);
  checkSameLength('stoch', close, high, low, out);
  return withRawStoch(close, high, low, length, (raw) => {
    out.set(raw);
    return out;
  });
}

/**
 * Runs `use` with the raw stochastic in a temporary it must not keep. Without na in high and low,
 * the windows and the stochastic come from the WebAssembly kernels (window-extremes.ts), in
 * their memory; with na bars, from highest / lowest (which skip them) into lent work arrays.
 */
function withRawStoch<T>(
  close: Float64Array,
  high: Float64Array,
  low: Float64Array,
  length: number,
  use: (raw: Float64Array) => T,
): T {
  const viaWasm = withWindowExtremes(high, low, 1, (windows) => {
    windows.pairs(0, length);
    return use(windows.stoch(0, length, close));
  });
  if (viaWasm !== undefined) return viaWasm;
  const n = close.length;
  return withScratch(n, (hh) =>
    withScratch(n, (ll) =>
      withScratch(n, (raw) =>
        use(stochFromRange(close, highest(high, length, hh), lowest(low, length, ll), raw)),
      ),
    ),
  );
}

/** The raw stochastic from the highest high and lowest low of each window. */
function stochFromRange(
  close: Float64Array,
  hh: Float64Array,
  ll: Float64Array,
  out: Float64Array,
): Float64Array {
  const n = close.length;
  let prev = NaN;
  for (let i = 0; i < n; i++) {
    const h = hh[i]!;
    const l = ll[i]!;
    const c = close[i]!;
    if (Number.isNaN(h) || Number.isNaN(l) || Number.isNaN(c)) {
      out[i] = NaN;
      continue;
    }
    const diff = h - l;
    prev = diff === 0 ? prev : (100 * (c - l)) / diff;
    out[i] = prev;
  }
  return out;
}

/**
 * TradingView's Stochastic: k = sma(stoch(close, high, low, kLength), kSmoothing),
 * d = sma(k, dSmoothing). 14/1/3 → k from bar 13, d from bar 15.
 */
export function stoch(
  close: Float64Array,
  high: Float64Array,
  low: Float64Array,
  kLength: number,
  kSmoothing: number,
  dSmoothing: number,
): { k: Float64Array; d: Float64Array } {
  checkLength('stoch', 'kLength', kLength);
  checkLength('stoch', 'kSmoothing', kSmoothing);
  checkLength('stoch', 'dSmoothing', dSmoothing);
  checkSameLength('stoch', close, high, low);
  // The raw stochastic is a temporary; sma(x, 1) is exactly x, so unsmoothed %K is its copy.
  const k = withRawStoch(close, high, low, kLength, (raw) => sma(raw, kSmoothing));
  const d = sma(k, dSmoothing);
  return { k, d };
}
