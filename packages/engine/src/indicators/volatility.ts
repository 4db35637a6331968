import { checkFinite, checkLength, checkSameLength, hasNaN } from './common.ts';
import { rma, sma, stdev, stdevKernel } from './moving.ts';
import { withScratch } from './scratch.ts';

/**
 * ta.tr(true): max(high - low, |high - close[1]|, |low - close[1]|); high - low on bar 0 and
 * wherever the previous close is NaN.
 */
export function tr(high: Float64Array, low: Float64Array, close: Float64Array): Float64Array {
  const n = checkSameLength('tr', high, low, close);
  const out = new Float64Array(n);
  if (n === 0) return out;
  out[0] = high[0]! - low[0]!;
  for (let i = 1; i < n; i++) out[i] = trueRange(high[i]!, low[i]!, close[i - 1]!);
  return out;
}

export function trueRange(h: number, l: number, prevClose: number): number {
  if (prevClose !== prevClose) return h - l; // no previous close (Pine: na(high[1]) ? high - low)
  const a = h - l;
  const b = Math.abs(h - prevClose);
  const c = Math.abs(l - prevClose);
  return a >= b ? (a >= c ? a : c) : b >= c ? b : c;
}

/**
 * ta.atr(length) = rma(tr(true), length); first value at bar length-1. One fused pass with one
 * output array (`out`, when given, is overwritten); if any true range is NaN it falls back to
 * rma(tr(...)) (which skips NaN values).
 */
export function atr(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  length: number,
  out: Float64Array = new Float64Array(high.length),
): Float64Array {
  checkLength('atr', 'length', length);
  const n = checkSameLength('atr', high, low, close, out);
  const alpha = 1 / length;
  const beta = 1 - alpha;
  let sum = 0;
  let value = NaN;
  for (let i = 0; i < n; i++) {
    const t = i === 0 ? high[0]! - low[0]! : trueRange(high[i]!, low[i]!, close[i - 1]!);
    if (t !== t) {
      out.set(rma(tr(high, low, close), length));
      return out;
    }
    if (i < length) {
      sum += t;
      if (i === length - 1) value = sum / length;
      out[i] = value;
    } else {
      value = alpha * t + beta * value;
      out[i] = value;
    }
  }
  return out;
}

/** ta.bb(src, length, mult): basis = sma, upper/lower = basis ± mult·stdev (population). */
export function bb(
  src: Float64Array,
  length: number,
  mult: number,
): { basis: Float64Array; upper: Float64Array; lower: Float64Array } {
  checkLength('bb', 'length', length);
  checkFinite('bb', 'mult', mult);
  const n = src.length;
  const basis = sma(src, length);
  // Without NaN in src the deviation is written straight into `upper` (one array fewer).
  let upper: Float64Array;
  if (hasNaN(src)) upper = stdev(src, length);
  else stdevKernel(src, (upper = new Float64Array(n)), length);
  const lower = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = mult * upper[i]!;
    upper[i] = basis[i]! + d;
    lower[i] = basis[i]! - d;
  }
  return { basis, upper, lower };
}

/**
 * ta.supertrend(factor, atrPeriod) as in Pine's reference implementation: src = hl2,
 * up = src + factor·atr, dn = src - factor·atr;
 * dn := dn > nz(dn[1]) or close[1] < nz(dn[1]) ? dn : nz(dn[1]);
 * up := up < nz(up[1]) or close[1] > nz(up[1]) ? up : nz(up[1]);
 * direction = na(atr[1]) ? 1 : line[1] == up[1] ? (close > up ? -1 : 1) : (close < dn ? 1 : -1);
 * line = direction == -1 ? dn : up. **direction -1 = uptrend (line below price), +1 = downtrend.**
 * The first value is at bar atrPeriod-1 (direction 1 there). Before it, Pine's line is na and its
 * direction would read 1; we return NaN for both so no rule fires on warm-up bars.
 */
export function supertrend(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  factor: number,
  atrPeriod: number,
): { line: Float64Array; direction: Float64Array } {
  checkFinite('supertrend', 'factor', factor);
  checkLength('supertrend', 'atrPeriod', atrPeriod);
  const n = checkSameLength('supertrend', high, low, close);
  const line = new Float64Array(n);
  const direction = new Float64Array(n);
  const st = new SupertrendCore(factor);
  // The ATR is a temporary: a lent work array.
  withScratch(n, (a) =>
    supertrendInto(high, low, close, atr(high, low, close, atrPeriod, a), st, line, direction),
  );
  return { line, direction };
}

function supertrendInto(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  atrValues: Float64Array,
  st: SupertrendCore,
  line: Float64Array,
  direction: Float64Array,
): void {
  for (let i = 0; i < high.length; i++) {
    st.step(high[i]!, low[i]!, close[i]!, atrValues[i]!);
    line[i] = st.line;
    direction[i] = st.direction;
  }
}

/** One bar of the supertrend recursion, shared by the batch function and SupertrendState. */
export class SupertrendCore {
  line = NaN;
  direction = NaN;
  private prevUp = NaN;
  private prevDn = NaN;
  private prevLine = NaN;
  private prevClose = NaN;
  private prevAtr = NaN;

  constructor(private readonly factor: number) {}

  step(high: number, low: number, close: number, atr: number): void {
    const src = (high + low) / 2;
    let up = src + this.factor * atr;
    let dn = src - this.factor * atr;
    const pUp = Number.isNaN(this.prevUp) ? 0 : this.prevUp;
    const pDn = Number.isNaN(this.prevDn) ? 0 : this.prevDn;
    const pc = this.prevClose;
    dn = dn > pDn || pc < pDn ? dn : pDn;
    up = up < pUp || pc > pUp ? up : pUp;
    let dir: number;
    if (Number.isNaN(this.prevAtr)) dir = 1;
    else if (this.prevLine === this.prevUp) dir = close > up ? -1 : 1;
    else dir = close < dn ? 1 : -1;
    const line = dir === -1 ? dn : up;
    this.prevUp = up;
    this.prevDn = dn;
    this.prevLine = line;
    this.prevClose = close;
    this.prevAtr = atr;
    const warm = Number.isNaN(atr);
    this.line = warm ? NaN : line;
    this.direction = warm ? NaN : dir;
  }
}
