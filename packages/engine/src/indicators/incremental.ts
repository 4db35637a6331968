import { checkFinite, checkLength, resumInterval } from './common.ts';
import { RECOMPUTE_RATIO, shiftedVariance } from './moving.ts';
import { rsiValue } from './oscillators.ts';
import { SupertrendCore, trueRange } from './volatility.ts';

/**
 * Incremental (streaming) versions of the batch indicators, for live use: feed one bar at a time
 * with `update(...)`, which returns the new value (NaN during warm-up); `value` reads the latest.
 * They follow the batch functions exactly, including skipped NaN inputs (a NaN input returns NaN
 * and leaves the state unchanged, as the batch functions ignore NaN source values).
 */

export type Bar = { high: number; low: number; close: number };

/** Fixed-size ring of the last `length` values. */
class Ring {
  readonly buf: Float64Array;
  count = 0;
  pos = 0;
  constructor(readonly length: number) {
    this.buf = new Float64Array(length);
  }
  /** Pushes x; returns the value that fell out (NaN while not full). */
  push(x: number): number {
    const old = this.count >= this.length ? this.buf[this.pos]! : NaN;
    this.buf[this.pos] = x;
    this.pos = (this.pos + 1) % this.length;
    if (this.count < this.length) this.count++;
    return old;
  }
}

export class SmaState {
  value = NaN;
  private readonly ring: Ring;
  private sum = 0;
  private since = 0;
  private readonly every: number;
  constructor(readonly length: number) {
    checkLength('sma', 'length', length);
    this.ring = new Ring(length);
    this.every = resumInterval(length);
  }
  update(x: number): number {
    if (Number.isNaN(x)) return NaN;
    if (this.length === 1) return (this.value = x); // exact, as smaKernel (no running-sum rounding)
    const old = this.ring.push(x);
    this.sum += x;
    if (!Number.isNaN(old)) {
      this.sum -= old;
      if (++this.since >= this.every - 1) {
        this.since = 0;
        let s = 0;
        for (let j = 0; j < this.length; j++) s += this.ring.buf[j]!;
        this.sum = s;
      }
    }
    this.value = this.ring.count === this.length ? this.sum / this.length : NaN;
    return this.value;
  }
}

class ExpState {
  value = NaN;
  private count = 0;
  private sum = 0;
  constructor(
    readonly length: number,
    private readonly alpha: number,
  ) {}
  update(x: number): number {
    if (Number.isNaN(x)) return NaN;
    if (this.count < this.length) {
      this.sum += x;
      this.count++;
      if (this.count === this.length) this.value = this.sum / this.length;
      return this.value;
    }
    this.value = this.alpha * x + (1 - this.alpha) * this.value;
    return this.value;
  }
}

export class EmaState extends ExpState {
  constructor(length: number) {
    checkLength('ema', 'length', length);
    super(length, 2 / (length + 1));
  }
}

export class RmaState extends ExpState {
  constructor(length: number) {
    checkLength('rma', 'length', length);
    super(length, 1 / length);
  }
}

export class RsiState {
  value = NaN;
  private prev = NaN;
  private count = 0;
  private up = 0;
  private down = 0;
  constructor(readonly length: number) {
    checkLength('rsi', 'length', length);
  }
  update(x: number): number {
    if (Number.isNaN(x)) return NaN;
    const prev = this.prev;
    this.prev = x;
    if (Number.isNaN(prev)) return NaN;
    const ch = x - prev;
    const u = ch > 0 ? ch : 0;
    const d = ch < 0 ? -ch : 0;
    const n = this.length;
    this.count++;
    if (this.count < n) {
      this.up += u;
      this.down += d;
      return NaN;
    }
    if (this.count === n) {
      this.up = (this.up + u) / n;
      this.down = (this.down + d) / n;
    } else {
      this.up = (1 / n) * u + (1 - 1 / n) * this.up;
      this.down = (1 / n) * d + (1 - 1 / n) * this.down;
    }
    this.value = rsiValue(this.up, this.down);
    return this.value;
  }
}

export class TrState {
  value = NaN;
  private prevClose = NaN;
  update(bar: Bar): number {
    this.value = Number.isNaN(this.prevClose)
      ? bar.high - bar.low
      : trueRange(bar.high, bar.low, this.prevClose);
    this.prevClose = bar.close;
    return this.value;
  }
}

export class AtrState {
  value = NaN;
  private readonly trState = new TrState();
  private readonly rmaState: RmaState;
  constructor(readonly length: number) {
    checkLength('atr', 'length', length);
    this.rmaState = new RmaState(length);
  }
  update(bar: Bar): number {
    this.value = this.rmaState.update(this.trState.update(bar));
    return this.value;
  }
}

/** Rolling population standard deviation (same algorithm as the batch `stdev`). */
export class StdevState {
  value = NaN;
  private readonly ring: Ring;
  private k = 0;
  private s1 = 0;
  private s2 = 0;
  private peak = 0;
  private since: number;
  private readonly every: number;
  constructor(readonly length: number) {
    checkLength('stdev', 'length', length);
    this.ring = new Ring(length);
    this.every = resumInterval(length);
    this.since = this.every;
  }
  update(x: number): number {
    if (Number.isNaN(x)) return NaN;
    const n = this.length;
    const old = this.ring.push(x);
    if (this.ring.count < n) return NaN;
    let exact = this.since >= this.every;
    if (!exact) {
      const dn = x - this.k;
      const dold = old - this.k;
      this.s1 += dn - dold;
      this.s2 += dn * dn - dold * dold;
      if (this.s2 > this.peak) this.peak = this.s2;
      exact = this.s2 - (this.s1 * this.s1) / n < RECOMPUTE_RATIO * this.peak;
    }
    if (exact) {
      this.since = 0;
      let mean = 0;
      for (let j = 0; j < n; j++) mean += this.ring.buf[j]!;
      this.k = mean / n;
      let s1 = 0;
      let s2 = 0;
      for (let j = 0; j < n; j++) {
        const d = this.ring.buf[j]! - this.k;
        s1 += d;
        s2 += d * d;
      }
      this.s1 = s1;
      this.s2 = s2;
      this.peak = s2;
    }
    this.since++;
    this.value = Math.sqrt(shiftedVariance(this.s1, this.s2, n));
    return this.value;
  }
}

class ExtremeState {
  value = NaN;
  private readonly vals: Float64Array;
  private readonly idx: Float64Array;
  private head = 0;
  private size = 0;
  private i = -1;
  constructor(
    readonly length: number,
    private readonly max: boolean,
  ) {
    this.vals = new Float64Array(length + 1);
    this.idx = new Float64Array(length + 1);
  }
  update(x: number): number {
    if (Number.isNaN(x)) return NaN;
    const cap = this.length + 1;
    const i = ++this.i;
    // Pop dominated values from the back.
    while (this.size > 0) {
      const back = (this.head + this.size - 1) % cap;
      const v = this.vals[back]!;
      if (this.max ? v <= x : v >= x) this.size--;
      else break;
    }
    const at = (this.head + this.size) % cap;
    this.vals[at] = x;
    this.idx[at] = i;
    this.size++;
    if (this.idx[this.head]! <= i - this.length) {
      this.head = (this.head + 1) % cap;
      this.size--;
    }
    this.value = i >= this.length - 1 ? this.vals[this.head]! : NaN;
    return this.value;
  }
}

export class HighestState extends ExtremeState {
  constructor(length: number) {
    checkLength('highest', 'length', length);
    super(length, true);
  }
}

export class LowestState extends ExtremeState {
  constructor(length: number) {
    checkLength('lowest', 'length', length);
    super(length, false);
  }
}

export class DonchianState {
  value = NaN;
  private readonly hi: HighestState;
  private readonly lo: LowestState;
  constructor(readonly length: number) {
    this.hi = new HighestState(length);
    this.lo = new LowestState(length);
  }
  update(bar: { high: number; low: number }): number {
    this.value = (this.lo.update(bar.low) + this.hi.update(bar.high)) / 2;
    return this.value;
  }
}

export type MacdValue = { macd: number; signal: number; hist: number };

export class MacdState {
  value: MacdValue = { macd: NaN, signal: NaN, hist: NaN };
  private readonly fast: EmaState;
  private readonly slow: EmaState;
  private readonly sig: EmaState;
  constructor(fast: number, slow: number, signal: number) {
    this.fast = new EmaState(fast);
    this.slow = new EmaState(slow);
    this.sig = new EmaState(signal);
  }
  update(x: number): MacdValue {
    const line = this.fast.update(x) - this.slow.update(x);
    const signal = this.sig.update(line);
    this.value = { macd: line, signal, hist: line - signal };
    return this.value;
  }
}

export type StochValue = { k: number; d: number };

export class StochState {
  value: StochValue = { k: NaN, d: NaN };
  private readonly hi: HighestState;
  private readonly lo: LowestState;
  private readonly kSma: SmaState;
  private readonly dSma: SmaState;
  private prev = NaN;
  constructor(kLength: number, kSmoothing: number, dSmoothing: number) {
    this.hi = new HighestState(kLength);
    this.lo = new LowestState(kLength);
    this.kSma = new SmaState(kSmoothing);
    this.dSma = new SmaState(dSmoothing);
  }
  update(bar: Bar): StochValue {
    const h = this.hi.update(bar.high);
    const l = this.lo.update(bar.low);
    let raw = NaN;
    if (!Number.isNaN(h) && !Number.isNaN(l) && !Number.isNaN(bar.close)) {
      const diff = h - l;
      this.prev = diff === 0 ? this.prev : (100 * (bar.close - l)) / diff;
      raw = this.prev;
    }
    const k = this.kSma.update(raw);
    const d = Number.isNaN(k) ? NaN : this.dSma.update(k);
    this.value = { k, d };
    return this.value;
  }
}

export type BbValue = { basis: number; upper: number; lower: number };

export class BbState {
  value: BbValue = { basis: NaN, upper: NaN, lower: NaN };
  private readonly smaState: SmaState;
  private readonly stdevState: StdevState;
  constructor(
    length: number,
    private readonly mult: number,
  ) {
    checkFinite('bb', 'mult', mult);
    this.smaState = new SmaState(length);
    this.stdevState = new StdevState(length);
  }
  update(x: number): BbValue {
    const basis = this.smaState.update(x);
    const dev = this.mult * this.stdevState.update(x);
    this.value = { basis, upper: basis + dev, lower: basis - dev };
    return this.value;
  }
}

export type SupertrendValue = { line: number; direction: number };

export class SupertrendState {
  value: SupertrendValue = { line: NaN, direction: NaN };
  private readonly atrState: AtrState;
  private readonly core: SupertrendCore;
  constructor(factor: number, atrPeriod: number) {
    checkFinite('supertrend', 'factor', factor);
    this.atrState = new AtrState(atrPeriod);
    this.core = new SupertrendCore(factor);
  }
  update(bar: Bar): SupertrendValue {
    this.core.step(bar.high, bar.low, bar.close, this.atrState.update(bar));
    this.value = { line: this.core.line, direction: this.core.direction };
    return this.value;
  }
}

export type IchimokuValue = {
  conversion: number;
  base: number;
  spanA: number;
  spanB: number;
  lagging: number;
  cloudA: number;
  cloudB: number;
};

/**
 * Streaming Ichimoku: raw values at the new bar plus the cloud drawn at it (spans of
 * displacement-1 bars ago). The displayed lagging span (a future close) is not available live.
 */
export class IchimokuState {
  value: IchimokuValue = {
    conversion: NaN,
    base: NaN,
    spanA: NaN,
    spanB: NaN,
    lagging: NaN,
    cloudA: NaN,
    cloudB: NaN,
  };
  private readonly conv: DonchianState;
  private readonly baseState: DonchianState;
  private readonly spanBState: DonchianState;
  private readonly pastA: Ring;
  private readonly pastB: Ring;
  private readonly shift: number;
  constructor(conversionLength: number, baseLength: number, spanBLength: number, displacement: number) {
    checkLength('ichimoku', 'displacement', displacement);
    this.conv = new DonchianState(conversionLength);
    this.baseState = new DonchianState(baseLength);
    this.spanBState = new DonchianState(spanBLength);
    this.shift = displacement - 1;
    this.pastA = new Ring(displacement);
    this.pastB = new Ring(displacement);
  }
  update(bar: Bar): IchimokuValue {
    const conversion = this.conv.update(bar);
    const base = this.baseState.update(bar);
    const spanB = this.spanBState.update(bar);
    const spanA = (conversion + base) / 2;
    let cloudA = spanA;
    let cloudB = spanB;
    if (this.shift > 0) {
      // Ring of `displacement` = shift + 1 values: after pushing, the oldest is `shift` bars ago.
      this.pastA.push(spanA);
      this.pastB.push(spanB);
      const full = this.pastA.count === this.pastA.length;
      cloudA = full ? this.pastA.buf[this.pastA.pos]! : NaN;
      cloudB = full ? this.pastB.buf[this.pastB.pos]! : NaN;
    }
    this.value = { conversion, base, spanA, spanB, lagging: bar.close, cloudA, cloudB };
    return this.value;
  }
}
