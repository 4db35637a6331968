/**
 * Bar-by-bar implementations of the `ta.*` built-ins, written from the Pine v6 reference
 * definitions (https://www.tradingview.com/pine-script-reference/v6/ and its pseudo-code), deliberately
 * independent of packages/engine/src/indicators: each call site of a script owns one instance
 * whose `next(...)` is called once per bar with that bar's arguments. `NaN` is Pine's `na`.
 */

const isNa = (x: number) => Number.isNaN(x);

/** The last `length` values of a series, oldest first. */
class Window {
  private readonly values: number[] = [];
  constructor(readonly length: number) {}
  push(x: number): void {
    this.values.push(x);
    if (this.values.length > this.length) this.values.shift();
  }
  get full(): boolean {
    return this.values.length === this.length;
  }
  get items(): readonly number[] {
    return this.values;
  }
}

function checkLength(name: string, length: number): number {
  if (!Number.isInteger(length) || length < 1)
    throw new RangeError(`${name}: length must be a positive integer, got ${length}`);
  return length;
}

/** ta.sma: mean of the last n values; na until n values exist or when one of them is na. */
export class Sma {
  private readonly window: Window;
  constructor(length: number) {
    this.window = new Window(checkLength('ta.sma', length));
  }
  next(x: number): number {
    this.window.push(x);
    if (!this.window.full) return NaN;
    let sum = 0;
    for (const v of this.window.items) sum += v;
    return sum / this.window.length;
  }
}

/** The manual's `sum := na(sum[1]) ? ta.sma(src, length) : alpha * src + (1 - alpha) * nz(sum[1])`. */
class Smoothed {
  private readonly sma: Sma;
  private previous = NaN;
  constructor(
    length: number,
    private readonly alpha: number,
  ) {
    this.sma = new Sma(length);
  }
  next(x: number): number {
    const seed = this.sma.next(x);
    const value = isNa(this.previous) ? seed : this.alpha * x + (1 - this.alpha) * this.previous;
    this.previous = value;
    return value;
  }
}

/** ta.ema: α = 2 / (n + 1), seeded with the SMA of the first n values. */
export class Ema extends Smoothed {
  constructor(length: number) {
    super(checkLength('ta.ema', length), 2 / (length + 1));
  }
}

/** ta.rma (Wilder): α = 1 / n, seeded with the SMA of the first n values. */
export class Rma extends Smoothed {
  constructor(length: number) {
    super(checkLength('ta.rma', length), 1 / length);
  }
}

/** ta.rsi: rma of gains over rma of losses; 100 when the average loss is 0, 0 when the average gain is 0. */
export class Rsi {
  private previous = NaN;
  private readonly up: Rma;
  private readonly down: Rma;
  constructor(length: number) {
    this.up = new Rma(length);
    this.down = new Rma(length);
  }
  next(x: number): number {
    const change = x - this.previous; // na on the first bar
    this.previous = x;
    const u = this.up.next(isNa(change) ? NaN : Math.max(change, 0));
    const d = this.down.next(isNa(change) ? NaN : Math.max(-change, 0));
    if (isNa(u) || isNa(d)) return NaN;
    if (d === 0) return 100;
    if (u === 0) return 0;
    return 100 - 100 / (1 + u / d);
  }
}

/** ta.tr(true): high − low on the first bar, then the largest of the three ranges. */
export class TrueRange {
  private previousClose = NaN;
  next(high: number, low: number, close: number): number {
    const pc = this.previousClose;
    this.previousClose = close;
    if (isNa(pc)) return high - low;
    return Math.max(high - low, Math.abs(high - pc), Math.abs(low - pc));
  }
}

/** ta.atr: rma of the true range. */
export class Atr {
  private readonly tr = new TrueRange();
  private readonly rma: Rma;
  constructor(length: number) {
    this.rma = new Rma(length);
  }
  next(high: number, low: number, close: number): number {
    return this.rma.next(this.tr.next(high, low, close));
  }
}

/** ta.stdev (biased): population standard deviation of the last n values. */
export class Stdev {
  private readonly window: Window;
  constructor(length: number) {
    this.window = new Window(checkLength('ta.stdev', length));
  }
  next(x: number): number {
    this.window.push(x);
    if (!this.window.full) return NaN;
    const items = this.window.items;
    let sum = 0;
    for (const v of items) sum += v;
    const mean = sum / items.length;
    let squares = 0;
    for (const v of items) squares += (v - mean) * (v - mean);
    return Math.sqrt(squares / items.length);
  }
}

/** ta.highest / ta.lowest over the last n values (na until n bars exist). */
export class Extreme {
  private readonly window: Window;
  constructor(
    length: number,
    private readonly highest: boolean,
  ) {
    this.window = new Window(checkLength(highest ? 'ta.highest' : 'ta.lowest', length));
  }
  next(x: number): number {
    this.window.push(x);
    if (!this.window.full) return NaN;
    let best = NaN;
    for (const v of this.window.items) {
      if (isNa(v)) continue;
      if (isNa(best) || (this.highest ? v > best : v < best)) best = v;
    }
    return best;
  }
}

/** ta.stoch: 100 · (source − lowest(low, n)) / (highest(high, n) − lowest(low, n)); na on a zero range. */
export class Stoch {
  private readonly hh: Extreme;
  private readonly ll: Extreme;
  constructor(length: number) {
    this.hh = new Extreme(length, true);
    this.ll = new Extreme(length, false);
  }
  next(source: number, high: number, low: number): number {
    const hh = this.hh.next(high);
    const ll = this.ll.next(low);
    const range = hh - ll;
    if (isNa(range) || range === 0) return NaN;
    return (100 * (source - ll)) / range;
  }
}

/** ta.macd: [ema(fast) − ema(slow), its ema(signal), their difference]. */
export class Macd {
  private readonly fast: Ema;
  private readonly slow: Ema;
  private readonly signal: Ema;
  constructor(fast: number, slow: number, signal: number) {
    this.fast = new Ema(fast);
    this.slow = new Ema(slow);
    this.signal = new Ema(signal);
  }
  next(x: number): [number, number, number] {
    const line = this.fast.next(x) - this.slow.next(x);
    const signal = this.signal.next(line);
    return [line, signal, line - signal];
  }
}

/** ta.bb: [sma, sma + mult · stdev, sma − mult · stdev]. */
export class Bb {
  private readonly sma: Sma;
  private readonly stdev: Stdev;
  constructor(
    length: number,
    private readonly mult: number,
  ) {
    this.sma = new Sma(length);
    this.stdev = new Stdev(length);
  }
  next(x: number): [number, number, number] {
    const basis = this.sma.next(x);
    const dev = this.mult * this.stdev.next(x);
    return [basis, basis + dev, basis - dev];
  }
}

/**
 * ta.supertrend, following the manual's reference implementation:
 *
 *     upperBand = hl2 + factor * atr, lowerBand = hl2 - factor * atr
 *     lowerBand := lowerBand > nz(lowerBand[1]) or close[1] < nz(lowerBand[1]) ? lowerBand : nz(lowerBand[1])
 *     upperBand := upperBand < nz(upperBand[1]) or close[1] > nz(upperBand[1]) ? upperBand : nz(upperBand[1])
 *     direction = na(atr[1]) ? 1 : superTrend[1] == upperBand[1] ? (close > upperBand ? -1 : 1) : (close < lowerBand ? 1 : -1)
 *     superTrend = direction == -1 ? lowerBand : upperBand
 *
 * Returns [superTrend, direction]; direction −1 is an uptrend.
 */
export class Supertrend {
  private readonly atr: Atr;
  private previousAtr = NaN;
  private previousClose = NaN;
  private previousUpper = NaN;
  private previousLower = NaN;
  private previousLine = NaN;
  constructor(
    private readonly factor: number,
    atrPeriod: number,
  ) {
    this.atr = new Atr(atrPeriod);
  }
  next(high: number, low: number, close: number): [number, number] {
    const atr = this.atr.next(high, low, close);
    const src = (high + low) / 2;
    let upper = src + this.factor * atr;
    let lower = src - this.factor * atr;
    const prevLower = isNa(this.previousLower) ? 0 : this.previousLower;
    const prevUpper = isNa(this.previousUpper) ? 0 : this.previousUpper;
    // Comparisons with na are false, as in Pine.
    lower = lower > prevLower || this.previousClose < prevLower ? lower : prevLower;
    upper = upper < prevUpper || this.previousClose > prevUpper ? upper : prevUpper;
    let direction: number;
    if (isNa(this.previousAtr)) direction = 1;
    else if (this.previousLine === prevUpper) direction = close > upper ? -1 : 1;
    else direction = close < lower ? 1 : -1;
    const line = direction === -1 ? lower : upper;
    this.previousAtr = atr;
    this.previousClose = close;
    this.previousUpper = upper;
    this.previousLower = lower;
    this.previousLine = line;
    return [line, direction];
  }
}

/** ta.crossover / ta.crossunder: a > b and a[1] <= b[1] (mirror for under). */
export class Cross {
  private previousA = NaN;
  private previousB = NaN;
  constructor(private readonly over: boolean) {}
  next(a: number, b: number): boolean {
    const pa = this.previousA;
    const pb = this.previousB;
    this.previousA = a;
    this.previousB = b;
    return this.over ? a > b && pa <= pb : a < b && pa >= pb;
  }
}
