/**
 * Cross-checks against two independent, well-known implementations on real BTCUSDT 1h candles,
 * only where they define the indicator exactly as Pine does. Differences found (and why some
 * comparisons are shifted or loosened):
 * - technicalindicators: EMA/MACD seed with the SMA (as Pine) → compared exactly. RSI is rounded
 *   to 2 decimals → compared within 0.005. Its TrueRange starts at bar 1 (no bar-0 high-low), so
 *   its ATR equals Pine's RMA of TR from bar 1 on, i.e. `rma(tr.subarray(1))`, not ta.atr.
 *   Stochastic %K is unsmoothed (= our kSmoothing 1) and turns a flat window into 0.
 * - trading-signals: EMA seeds with the first price (NOT Pine's SMA seed) → not compared. WSMA
 *   (its RMA), RSI, TR (bar 0 = high-low) and ATR match Pine exactly; SuperTrend uses the same band
 *   recursion, except that its first bar is "up" when close > upper band (Pine: always direction 1;
 *   the precondition is asserted).
 * - highest/lowest/donchian/stdev are also checked against naive O(n·length) loops.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as TI from 'technicalindicators';
import { ATR as TsATR, RSI as TsRSI, SuperTrend as TsSuperTrend, WSMA as TsWSMA } from 'trading-signals';
import {
  atr,
  bb,
  donchian,
  ema,
  highest,
  lowest,
  macd,
  rma,
  rsi,
  sma,
  stdev,
  stoch,
  supertrend,
  tr,
  type CandleSeries,
} from '../../src/index.ts';
import { expectClose, loadRealOrSample } from './real-data.ts';

const FILE = 'BTCUSDT-1h.csv';
const BARS = 3000;
let s: CandleSeries;

beforeAll(async () => {
  // The vendored sample is the same first 4,000 bars, so a fresh clone checks the same candles.
  s = await loadRealOrSample(FILE, BARS);
});

/** A technicalindicators result (starts at its first defined bar) padded with NaN to length n. */
function padded(values: ArrayLike<number | undefined>, n: number): Float64Array {
  const out = new Float64Array(n).fill(NaN);
  const offset = n - values.length;
  for (let k = 0; k < values.length; k++) out[offset + k] = values[k] ?? NaN;
  return out;
}

function fromUpdates(n: number, f: (i: number) => number | null): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f(i) ?? NaN;
  return out;
}

describe('cross-check with technicalindicators / trading-signals on BTCUSDT 1h', () => {
  it('sma, ema (SMA-seeded in both) = technicalindicators', () => {
    const values = Array.from(s.close);
    expectClose(sma(s.close, 20), padded(TI.SMA.calculate({ period: 20, values }), s.length), 1e-10, 'sma');
    expectClose(ema(s.close, 20), padded(TI.EMA.calculate({ period: 20, values }), s.length), 1e-10, 'ema');
  });

  it('rma = trading-signals WSMA', () => {
    const w = new TsWSMA(14);
    expectClose(
      rma(s.close, 14),
      fromUpdates(s.length, (i) => w.update(s.close[i]!, false)),
      1e-10,
      'rma',
    );
  });

  it('macd(12,26,9) = technicalindicators MACD with EMA oscillator and EMA signal', () => {
    const out = TI.MACD.calculate({
      values: Array.from(s.close),
      fastPeriod: 12,
      slowPeriod: 26,
      signalPeriod: 9,
      SimpleMAOscillator: false,
      SimpleMASignal: false,
    });
    const m = macd(s.close, 12, 26, 9);
    expectClose(
      m.macd,
      padded(
        out.map((o) => o.MACD),
        s.length,
      ),
      1e-9,
      'macd',
    );
    expectClose(
      m.signal,
      padded(
        out.map((o) => o.signal),
        s.length,
      ),
      1e-9,
      'signal',
    );
    expectClose(
      m.hist,
      padded(
        out.map((o) => o.histogram),
        s.length,
      ),
      1e-9,
      'hist',
    );
    // Pine warm-up of 12/26/9: line from bar 25, signal from bar 33
    expect(Number.isNaN(m.macd[24]!) && !Number.isNaN(m.macd[25]!)).toBe(true);
    expect(Number.isNaN(m.signal[32]!) && !Number.isNaN(m.signal[33]!)).toBe(true);
  });

  it('rsi(14) = trading-signals RSI exactly, technicalindicators within its 2-decimal rounding', () => {
    const ours = rsi(s.close, 14);
    const t = new TsRSI(14);
    expectClose(
      ours,
      fromUpdates(s.length, (i) => t.update(s.close[i]!, false)),
      1e-9,
      'rsi/ts',
    );
    const ti = padded(TI.RSI.calculate({ period: 14, values: Array.from(s.close) }), s.length);
    for (let i = 0; i < s.length; i++) {
      expect(Number.isNaN(ours[i]!)).toBe(Number.isNaN(ti[i]!));
      if (!Number.isNaN(ti[i]!)) expect(Math.abs(ours[i]! - ti[i]!)).toBeLessThanOrEqual(0.005 + 1e-9);
    }
  });

  it('atr(14) = trading-signals ATR; technicalindicators ATR = rma of tr from bar 1', () => {
    const a = new TsATR(14);
    const ts = fromUpdates(s.length, (i) =>
      a.update({ high: s.high[i]!, low: s.low[i]!, close: s.close[i]! }, false),
    );
    expectClose(atr(s.high, s.low, s.close, 14), ts, 1e-9, 'atr/ts');
    const ti = TI.ATR.calculate({
      high: Array.from(s.high),
      low: Array.from(s.low),
      close: Array.from(s.close),
      period: 14,
    });
    const fromBar1 = rma(tr(s.high, s.low, s.close).subarray(1), 14);
    expectClose(fromBar1, padded(ti, s.length - 1), 1e-9, 'atr/ti');
  });

  it('bb(20,2) = technicalindicators BollingerBands (population SD)', () => {
    const out = TI.BollingerBands.calculate({ period: 20, stdDev: 2, values: Array.from(s.close) });
    const b = bb(s.close, 20, 2);
    expectClose(
      b.basis,
      padded(
        out.map((o) => o.middle),
        s.length,
      ),
      1e-10,
      'basis',
    );
    expectClose(
      b.upper,
      padded(
        out.map((o) => o.upper),
        s.length,
      ),
      1e-9,
      'upper',
    );
    expectClose(
      b.lower,
      padded(
        out.map((o) => o.lower),
        s.length,
      ),
      1e-9,
      'lower',
    );
  });

  it('stoch(14,1,3) = technicalindicators Stochastic (unsmoothed %K, %D = sma 3)', () => {
    const out = TI.Stochastic.calculate({
      high: Array.from(s.high),
      low: Array.from(s.low),
      close: Array.from(s.close),
      period: 14,
      signalPeriod: 3,
    });
    const st = stoch(s.close, s.high, s.low, 14, 1, 3);
    expectClose(
      st.k,
      padded(
        out.map((o) => o.k),
        s.length,
      ),
      1e-9,
      'k',
    );
    expectClose(
      st.d,
      padded(
        out.map((o) => o.d),
        s.length,
      ),
      1e-9,
      'd',
    );
  });

  it('supertrend(3,10) = trading-signals SuperTrend (direction -1 ↔ BULLISH)', () => {
    const t = new TsSuperTrend({ interval: 10, multiplier: 3 });
    const line = new Float64Array(s.length).fill(NaN);
    const dir = new Float64Array(s.length).fill(NaN);
    for (let i = 0; i < s.length; i++) {
      const r = t.update({ high: s.high[i]!, low: s.low[i]!, close: s.close[i]! }, false);
      if (r !== null) {
        line[i] = r.supertrend;
        dir[i] = r.trend === 'BULLISH' ? -1 : 1;
      }
    }
    expect(dir[9]).toBe(1); // precondition: the first bars agree (see the file comment)
    const ours = supertrend(s.high, s.low, s.close, 3, 10);
    expectClose(ours.line, line, 1e-9, 'line');
    expectClose(ours.direction, dir, 0, 'direction');
    // the series does trend both ways
    expect(ours.direction.includes(-1) && ours.direction.includes(1)).toBe(true);
  });

  it('highest / lowest / donchian / stdev = naive loops', () => {
    const n = s.length;
    const L = 20;
    const hi = highest(s.high, L);
    const lo = lowest(s.low, L);
    const dc = donchian(s.high, s.low, L);
    const sd = stdev(s.close, L);
    for (let i = 0; i < n; i++) {
      if (i < L - 1) {
        expect([hi[i], lo[i], dc[i], sd[i]].every((x) => Number.isNaN(x))).toBe(true);
        continue;
      }
      let h = -Infinity;
      let l = Infinity;
      let mean = 0;
      for (let j = i - L + 1; j <= i; j++) {
        h = Math.max(h, s.high[j]!);
        l = Math.min(l, s.low[j]!);
        mean += s.close[j]! / L;
      }
      let ss = 0;
      for (let j = i - L + 1; j <= i; j++) ss += (s.close[j]! - mean) ** 2;
      expect(hi[i]).toBe(h);
      expect(lo[i]).toBe(l);
      expect(dc[i]).toBe((h + l) / 2);
      expect(Math.abs(sd[i]! - Math.sqrt(ss / L))).toBeLessThanOrEqual(1e-9 * Math.sqrt(ss / L) + 1e-12);
    }
  });
});
