import { describe, expect, it } from 'vitest';
import {
  atr,
  bb,
  crossover,
  crossunder,
  donchian,
  ema,
  highest,
  ichimoku,
  lowest,
  macd,
  rma,
  rsi,
  sma,
  stdev,
  stoch,
  supertrend,
  tr,
} from '../../src/index.ts';
import { expectClose } from './real-data.ts';

const f = (xs: number[]) => Float64Array.from(xs);
const N = NaN;

// Every expected value below is computed by hand (arithmetic in the comments), not by the code.
describe('hand-computed indicator values, including the exact warm-up bars', () => {
  it('sma', () => {
    // (1+2+3)/3 = 2, (2+3+4)/3 = 3
    expectClose(sma(f([1, 2, 3, 4]), 3), [N, N, 2, 3], 1e-12, 'sma');
    expectClose(sma(f([5]), 3), [N], 0, 'short');
    expectClose(sma(f([7, 9]), 1), [7, 9], 0, 'length 1');
  });

  it('ema: α = 2/(n+1), seeded with the SMA of the first n values', () => {
    // n = 3, α = 0.5: seed (1+2+3)/3 = 2; 0.5·4 + 0.5·2 = 3; 0.5·5 + 0.5·3 = 4
    expectClose(ema(f([1, 2, 3, 4, 5]), 3), [N, N, 2, 3, 4], 1e-12, 'ema');
    // n = 2, α = 2/3: seed (10+20)/2 = 15; 2/3·0 + 1/3·15 = 5
    expectClose(ema(f([10, 20, 0]), 2), [N, 15, 5], 1e-12, 'ema2');
  });

  it('ema/rma skip leading NaNs: the seed is the SMA of the first n non-NaN values', () => {
    // the same numbers as above, shifted by two NaN bars
    expectClose(ema(f([N, N, 1, 2, 3, 4]), 3), [N, N, N, N, 2, 3], 1e-12, 'ema');
    // n = 3, α = 1/3: seed (3+6+9)/3 = 6; 12/3 + 2/3·6 = 8
    expectClose(rma(f([N, 3, 6, 9, 12]), 3), [N, N, N, 6, 8], 1e-12, 'rma');
    // a NaN in the middle is ignored: window of the last 2 non-NaN values
    expectClose(sma(f([1, 3, N, 5]), 2), [N, 2, N, 4], 1e-12, 'sma mid NaN');
  });

  it('rma: α = 1/n', () => {
    // seed (3+6+9)/3 = 6; (1/3)·12 + (2/3)·6 = 8
    expectClose(rma(f([3, 6, 9, 12]), 3), [N, N, 6, 8], 1e-12, 'rma');
  });

  it('rsi: all up → 100, all down → 0, mixed by hand; first value at bar n', () => {
    expectClose(rsi(f([1, 2, 3, 4, 5]), 3), [N, N, N, 100, 100], 0, 'up');
    expectClose(rsi(f([5, 4, 3, 2, 1]), 3), [N, N, N, 0, 0], 0, 'down');
    // flat: up = down = 0 → 100 (TradingView's script tests down == 0 first)
    expectClose(rsi(f([2, 2, 2]), 2), [N, N, 100], 0, 'flat');
    // x = 10,12,11,13,12 → changes +2,-1,+2,-1; n = 2 (α = 0.5)
    // bar 2: up = (2+0)/2 = 1, down = (0+1)/2 = 0.5 → rs 2 → 100 - 100/3 = 66.666…
    // bar 3: up = 0.5·2 + 0.5·1 = 1.5, down = 0.5·0 + 0.5·0.5 = 0.25 → rs 6 → 100 - 100/7
    // bar 4: up = 0.5·0 + 0.5·1.5 = 0.75, down = 0.5·1 + 0.5·0.25 = 0.625 → rs 1.2 → 100 - 100/2.2
    expectClose(
      rsi(f([10, 12, 11, 13, 12]), 2),
      [N, N, 100 - 100 / 3, 100 - 100 / 7, 100 - 100 / 2.2],
      1e-12,
      'rsi',
    );
  });

  it('tr(true) and atr', () => {
    // bar 0: high - low = 10 - 8 = 2
    // bar 1: max(15-13 = 2, |15-9| = 6, |13-9| = 4) = 6   (gap up over close 9)
    // bar 2: max(14-11 = 3, |14-14| = 0, |11-14| = 3) = 3
    const high = f([10, 15, 14]);
    const low = f([8, 13, 11]);
    const close = f([9, 14, 12]);
    expectClose(tr(high, low, close), [2, 6, 3], 0, 'tr');
    // atr(2) = rma(tr, 2): seed (2+6)/2 = 4; 0.5·3 + 0.5·4 = 3.5
    expectClose(atr(high, low, close, 2), [N, 4, 3.5], 1e-12, 'atr');
  });

  it('stdev is the population standard deviation; bb = sma ± mult·stdev', () => {
    // window 2,4,6: mean 4, squared deviations 4+0+4 = 8, /3 → sqrt(8/3); same for 4,6,8
    const s = Math.sqrt(8 / 3);
    expectClose(stdev(f([2, 4, 6, 8]), 3), [N, N, s, s], 1e-12, 'stdev');
    expectClose(stdev(f([5, 5, 5]), 2), [N, 0, 0], 0, 'flat');
    const b = bb(f([2, 4, 6, 8]), 3, 2);
    expectClose(b.basis, [N, N, 4, 6], 1e-12, 'basis');
    expectClose(b.upper, [N, N, 4 + 2 * s, 6 + 2 * s], 1e-12, 'upper');
    expectClose(b.lower, [N, N, 4 - 2 * s, 6 - 2 * s], 1e-12, 'lower');
  });

  it('highest, lowest, donchian', () => {
    expectClose(highest(f([1, 3, 2, 5, 4, 0]), 3), [N, N, 3, 5, 5, 5], 0, 'highest');
    expectClose(lowest(f([1, 3, 2, 5, 4, 0]), 3), [N, N, 1, 2, 2, 0], 0, 'lowest');
    // bar 1: (max(5,7) + min(1,2))/2 = 4; bar 2: (max(7,6) + min(2,4))/2 = 4.5
    expectClose(donchian(f([5, 7, 6]), f([1, 2, 4]), 2), [N, 4, 4.5], 0, 'donchian');
  });

  it('macd: line from bar slow-1, signal from bar slow-1+signal-1', () => {
    // x = 1..6. ema2 (α 2/3): seed (1+2)/2 = 1.5; 2/3·3 + 1/3·1.5 = 2.5; then 3.5, 4.5, 5.5
    // ema3 (α 1/2): seed (1+2+3)/3 = 2; 0.5·4 + 0.5·2 = 3; then 4, 5
    // line = 0.5 from bar 2; signal = ema2(line): seed (0.5+0.5)/2 = 0.5 at bar 3
    const m = macd(f([1, 2, 3, 4, 5, 6]), 2, 3, 2);
    expectClose(m.macd, [N, N, 0.5, 0.5, 0.5, 0.5], 1e-12, 'macd');
    expectClose(m.signal, [N, N, N, 0.5, 0.5, 0.5], 1e-12, 'signal');
    expectClose(m.hist, [N, N, N, 0, 0, 0], 1e-12, 'hist');
  });

  it('stoch: k = sma(raw, kSmoothing), d = sma(k, dSmoothing)', () => {
    const high = f([10, 12, 11, 13]);
    const low = f([8, 9, 9, 10]);
    const close = f([9, 11, 10, 12]);
    // raw (n = 2): bar 1: hh 12, ll 8 → 100·(11-8)/4 = 75; bar 2: hh 12, ll 9 → 100·1/3;
    // bar 3: hh 13, ll 9 → 100·3/4 = 75. d = sma(k, 2): (75 + 33.33)/2, (33.33 + 75)/2
    const s = stoch(close, high, low, 2, 1, 2);
    expectClose(s.k, [N, 75, 100 / 3, 75], 1e-12, 'k');
    expectClose(s.d, [N, N, (75 + 100 / 3) / 2, (75 + 100 / 3) / 2], 1e-12, 'd');
    // kSmoothing 2: k = sma(raw, 2) → bar 2: (75 + 33.33)/2
    expectClose(
      stoch(close, high, low, 2, 2, 1).k,
      [N, N, (75 + 100 / 3) / 2, (100 / 3 + 75) / 2],
      1e-12,
      'slow',
    );
  });

  it('stoch: a flat window repeats the previous value (NaN when there is none)', () => {
    // n = 2. bar 1: window high 5,5 low 5,5 → flat, no previous → NaN
    // bar 2: hh 6, ll 5 → 100·(5.5-5)/1 = 50; bar 3: hh 6, ll 5 → 100·(6-5)/1 = 100
    // bar 4: hh 6, ll 6 → flat → previous 100
    const high = f([5, 5, 6, 6, 6]);
    const low = f([5, 5, 5, 6, 6]);
    const close = f([5, 5, 5.5, 6, 6]);
    expectClose(stoch(close, high, low, 2, 1, 1).k, [N, N, 50, 100, 100], 1e-12, 'k');
  });

  it('supertrend: direction flips on a hand-built series (-1 = uptrend)', () => {
    const high = f([11, 11, 11, 15, 16, 10]);
    const low = f([9, 9, 9, 13, 14, 8]);
    const close = f([10, 10, 10, 14, 15, 9]);
    // tr: 2, 2, 2, max(2, |15-10|, |13-10|) = 5, max(2, |16-14|, 0) = 2, max(2, |10-15|, |8-15|) = 7
    // atr(2): -, 2, 2, 0.5·5+0.5·2 = 3.5, 0.5·2+0.5·3.5 = 2.75, 0.5·7+0.5·2.75 = 4.875
    // hl2: 10, 10, 10, 14, 15, 9; factor 1
    // bar 1: up 12, dn 8 (previous bands nz → 0); atr[1] na → dir 1, line = up = 12
    // bar 2: up 12, dn 8 (unchanged); line[1] == up[1] → close 10 > 12? no → dir 1, line 12
    // bar 3: basic up 17.5, dn 10.5; dn 10.5 > 8 → 10.5; up 17.5 < 12 no, close[1] 10 > 12 no → 12;
    //        line[1] == up[1] → close 14 > 12 → dir -1 (uptrend), line = dn = 10.5
    // bar 4: basic up 17.75, dn 12.25; dn 12.25 > 10.5 → 12.25; close[1] 14 > up[1] 12 → up 17.75;
    //        line[1] (10.5) != up[1] → close 15 < 12.25? no → dir -1, line 12.25
    // bar 5: basic up 13.875, dn 4.125; dn: 4.125 > 12.25 no, close[1] 15 < 12.25 no → 12.25;
    //        up 13.875 < 17.75 → 13.875; line[1] != up[1] → close 9 < 12.25 → dir 1, line = 13.875
    const st = supertrend(high, low, close, 1, 2);
    expectClose(st.line, [N, 12, 12, 10.5, 12.25, 13.875], 1e-12, 'line');
    expectClose(st.direction, [N, 1, 1, -1, -1, 1], 0, 'direction');
  });

  it('ichimoku: raw spans, the cloud drawn at each bar, the displayed lagging span', () => {
    const high = f([4, 6, 5, 7]);
    const low = f([2, 3, 1, 4]);
    const close = f([3, 5, 2, 6]);
    // conversion (1) = (h+l)/2: 3, 4.5, 3, 5.5
    // base (2): bar 1 (6+2)/2 = 4; bar 2 (6+1)/2 = 3.5; bar 3 (7+1)/2 = 4
    // spanA = avg: -, 4.25, 3.25, 4.75; spanB (3): bar 2 (6+1)/2 = 3.5, bar 3 (7+1)/2 = 4
    // displacement 2 → shift 1: cloudA = -, -, 4.25, 3.25; cloudB = -, -, -, 3.5
    const r = ichimoku(high, low, close, 1, 2, 3, 2);
    expectClose(r.conversion, [3, 4.5, 3, 5.5], 0, 'conversion');
    expectClose(r.base, [N, 4, 3.5, 4], 0, 'base');
    expectClose(r.spanA, [N, 4.25, 3.25, 4.75], 0, 'spanA');
    expectClose(r.spanB, [N, N, 3.5, 4], 0, 'spanB');
    expectClose(r.cloudA, [N, N, 4.25, 3.25], 0, 'cloudA');
    expectClose(r.cloudB, [N, N, N, 3.5], 0, 'cloudB');
    expectClose(r.lagging, [3, 5, 2, 6], 0, 'lagging');
    expectClose(r.laggingDisplayed, [5, 2, 6, N], 0, 'laggingDisplayed');
  });

  it('crossover / crossunder (Pine: a > b and a[1] <= b[1])', () => {
    const a = f([1, 2, 3, 2, 1]);
    const b = f([2, 2, 2, 2, 2]);
    // bar 2: 3 > 2 and 2 <= 2; bar 4: 1 < 2 and 2 >= 2
    expect(Array.from(crossover(a, b))).toEqual([0, 0, 1, 0, 0]);
    expect(Array.from(crossunder(a, b))).toEqual([0, 0, 0, 0, 1]);
    expect(Array.from(crossover(f([N, 3]), f([2, 2])))).toEqual([0, 0]);
  });

  it('bad lengths raise INVALID_INDICATOR', () => {
    expect(() => sma(f([1]), 0)).toThrow(/length must be a whole number/);
    expect(() => ema(f([1]), 2.5)).toThrow(/ema: length/);
    try {
      rsi(f([1]), -1);
      expect.unreachable();
    } catch (error) {
      expect((error as { code: string }).code).toBe('INVALID_INDICATOR');
    }
  });
});

describe('NaN-skipping general paths agree with the fused fast paths', () => {
  // Leading NaNs (an indicator of an indicator) must only shift the result.
  const n = 300;
  const x = Float64Array.from({ length: n }, (_, i) => 100 + 8 * Math.sin(i / 9) + 3 * Math.cos(i / 2.3));
  const hi = x.map((v, i) => v + 1 + (i % 4) / 2);
  const lo = x.map((v, i) => v - 1 - (i % 3) / 2);
  const pad = (a: Float64Array, k: number) => {
    const out = new Float64Array(a.length + k).fill(NaN);
    out.set(a, k);
    return out;
  };
  const K = 7;

  it('macd', () => {
    const a = macd(x, 12, 26, 9);
    const b = macd(pad(x, K), 12, 26, 9);
    for (const key of ['macd', 'signal', 'hist'] as const) expectClose(b[key], pad(a[key], K), 1e-12, key);
  });

  it('bb', () => {
    const a = bb(x, 20, 2);
    const b = bb(pad(x, K), 20, 2);
    for (const key of ['basis', 'upper', 'lower'] as const) expectClose(b[key], pad(a[key], K), 1e-12, key);
  });

  it('stoch', () => {
    const a = stoch(x, hi, lo, 14, 3, 3);
    const b = stoch(pad(x, K), pad(hi, K), pad(lo, K), 14, 3, 3);
    expectClose(b.k, pad(a.k, K), 1e-12, 'k');
    expectClose(b.d, pad(a.d, K), 1e-12, 'd');
  });

  it('atr', () => {
    expectClose(atr(pad(hi, K), pad(lo, K), pad(x, K), 14), pad(atr(hi, lo, x, 14), K), 1e-12, 'atr');
  });
});
