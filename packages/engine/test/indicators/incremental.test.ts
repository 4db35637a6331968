import { beforeAll, describe, expect, it } from 'vitest';
import {
  AtrState,
  BbState,
  DonchianState,
  EmaState,
  HighestState,
  IchimokuState,
  LowestState,
  MacdState,
  RmaState,
  RsiState,
  SmaState,
  StdevState,
  StochState,
  SupertrendState,
  TrState,
  atr,
  bb,
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
  type CandleSeries,
} from '../../src/index.ts';
import { expectClose, loadRealOrSample } from './real-data.ts';

const FILE = 'BTCUSDT-1h.csv';
let s: CandleSeries;
beforeAll(async () => {
  // The vendored sample is the same first 4,000 bars, so a fresh clone checks the same candles.
  s = await loadRealOrSample(FILE, 4000);
});

/** Runs a state over every bar and collects the named output. */
function stream<T>(n: number, update: (i: number) => T, pick: (v: T) => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = pick(update(i));
  return out;
}

const TOL = 1e-9;

describe('batch and incremental agree on 4,000 real bars (NaN warm-up positions exactly)', () => {
  const bar = (i: number) => ({ high: s.high[i]!, low: s.low[i]!, close: s.close[i]! });
  const id = (x: number) => x;

  it('sma, ema, rma, rsi, stdev, highest, lowest', () => {
    const n = s.length;
    const c = s.close;
    const cases: Array<[string, Float64Array, { update(x: number): number; value: number }]> = [
      ['sma', sma(c, 20), new SmaState(20)],
      ['ema', ema(c, 20), new EmaState(20)],
      ['rma', rma(c, 14), new RmaState(14)],
      ['rsi', rsi(c, 14), new RsiState(14)],
      ['stdev', stdev(c, 20), new StdevState(20)],
      ['highest', highest(s.high, 20), new HighestState(20)],
      ['lowest', lowest(s.low, 20), new LowestState(20)],
    ];
    for (const [name, batch, state] of cases) {
      const src = name === 'highest' ? s.high : name === 'lowest' ? s.low : c;
      const inc = stream(n, (i) => state.update(src[i]!), id);
      expectClose(inc, batch, TOL, name);
      expectClose([state.value], [batch[n - 1]!], TOL, `${name}.value`);
    }
  });

  it('tr, atr, donchian', () => {
    const n = s.length;
    const t = new TrState();
    expectClose(
      stream(n, (i) => t.update(bar(i)), id),
      tr(s.high, s.low, s.close),
      TOL,
      'tr',
    );
    const a = new AtrState(14);
    expectClose(
      stream(n, (i) => a.update(bar(i)), id),
      atr(s.high, s.low, s.close, 14),
      TOL,
      'atr',
    );
    const d = new DonchianState(26);
    expectClose(
      stream(n, (i) => d.update(bar(i)), id),
      donchian(s.high, s.low, 26),
      TOL,
      'donchian',
    );
  });

  it('macd, bb, stoch, supertrend', () => {
    const n = s.length;
    const m = macd(s.close, 12, 26, 9);
    const ms = new MacdState(12, 26, 9);
    const mv = Array.from({ length: n }, (_, i) => ms.update(s.close[i]!));
    expectClose(
      mv.map((v) => v.macd),
      m.macd,
      TOL,
      'macd',
    );
    expectClose(
      mv.map((v) => v.signal),
      m.signal,
      TOL,
      'signal',
    );
    expectClose(
      mv.map((v) => v.hist),
      m.hist,
      TOL,
      'hist',
    );

    const b = bb(s.close, 20, 2);
    const bs = new BbState(20, 2);
    const bv = Array.from({ length: n }, (_, i) => bs.update(s.close[i]!));
    expectClose(
      bv.map((v) => v.upper),
      b.upper,
      TOL,
      'bb.upper',
    );
    expectClose(
      bv.map((v) => v.lower),
      b.lower,
      TOL,
      'bb.lower',
    );

    for (const [kl, ks, ds] of [
      [14, 1, 3],
      [14, 3, 3],
    ] as const) {
      const st = stoch(s.close, s.high, s.low, kl, ks, ds);
      const ss = new StochState(kl, ks, ds);
      const sv = Array.from({ length: n }, (_, i) => ss.update(bar(i)));
      expectClose(
        sv.map((v) => v.k),
        st.k,
        TOL,
        `stoch ${kl},${ks},${ds} k`,
      );
      expectClose(
        sv.map((v) => v.d),
        st.d,
        TOL,
        `stoch ${kl},${ks},${ds} d`,
      );
    }

    const su = supertrend(s.high, s.low, s.close, 3, 10);
    const sus = new SupertrendState(3, 10);
    const suv = Array.from({ length: n }, (_, i) => sus.update(bar(i)));
    expectClose(
      suv.map((v) => v.line),
      su.line,
      TOL,
      'supertrend.line',
    );
    expectClose(
      suv.map((v) => v.direction),
      su.direction,
      0,
      'supertrend.direction',
    );
  });

  it('ichimoku (raw values and the cloud drawn at each bar)', () => {
    const n = s.length;
    const r = ichimoku(s.high, s.low, s.close, 9, 26, 52, 26);
    const st = new IchimokuState(9, 26, 52, 26);
    const v = Array.from({ length: n }, (_, i) => st.update(bar(i)));
    for (const key of ['conversion', 'base', 'spanA', 'spanB', 'lagging', 'cloudA', 'cloudB'] as const) {
      expectClose(
        v.map((x) => x[key]),
        r[key],
        TOL,
        key,
      );
    }
    // first cloudB value: spanB from bar 51, drawn 25 bars later → bar 76
    expect(Number.isNaN(r.cloudB[75]!) && !Number.isNaN(r.cloudB[76]!)).toBe(true);
  });
});

describe('incremental states on an indicator of an indicator (leading NaNs are skipped)', () => {
  it('EmaState fed with an SMA series equals ema(sma(...))', () => {
    const x = Float64Array.from({ length: 200 }, (_, i) => 100 + 10 * Math.sin(i / 7) + (i % 5));
    const inner = sma(x, 10);
    const e = new EmaState(5);
    const st = new StdevState(5);
    expectClose(
      Array.from(inner, (v) => e.update(v)),
      ema(inner, 5),
      TOL,
      'ema(sma)',
    );
    expectClose(
      Array.from(inner, (v) => st.update(v)),
      stdev(inner, 5),
      TOL,
      'stdev(sma)',
    );
    // the seed is the SMA of the first 5 non-NaN values: bars 9..13
    const seed = (inner[9]! + inner[10]! + inner[11]! + inner[12]! + inner[13]!) / 5;
    expect(ema(inner, 5)[13]).toBeCloseTo(seed, 12);
    expect(Number.isNaN(ema(inner, 5)[12]!)).toBe(true);
  });
});
