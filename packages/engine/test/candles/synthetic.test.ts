import { describe, expect, it } from 'vitest';
import {
  crossover,
  ema,
  parseCandlesCsv,
  supertrend,
  syntheticCandles,
  writeCandlesCsv,
} from '../../src/index.ts';

const year = {
  bars: 24 * 365,
  timeframe: '1h',
  seed: 42,
  startPrice: 30_000,
  startTime: Date.UTC(2023, 0, 1),
};

describe('syntheticCandles', () => {
  it('is deterministic: same options → identical series; another seed → different series', () => {
    const a = syntheticCandles(year);
    const b = syntheticCandles(year);
    const c = syntheticCandles({ ...year, seed: 43 });
    for (const key of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
      expect(Array.from(a[key])).toEqual(Array.from(b[key]));
    }
    expect(Array.from(a.close)).not.toEqual(Array.from(c.close));
  });

  it('is labelled synthetic and has the requested shape', () => {
    const s = syntheticCandles(year);
    expect(s.source).toBe('synthetic:seed=42,timeframe=1h');
    expect(s.length).toBe(8760);
    expect(s.timeframeMs).toBe(3_600_000);
    expect(s.time[0]).toBe(Date.UTC(2023, 0, 1));
    expect(s.time[1]! - s.time[0]!).toBe(3_600_000);
    expect(s.open[0]).toBe(30_000);
  });

  it('every candle is valid: the CSV validator accepts the written file unchanged', () => {
    for (const seed of [1, 2, 3]) {
      const s = syntheticCandles({ bars: 5000, timeframe: '5m', seed, startPrice: 1.2345 });
      const back = parseCandlesCsv(writeCandlesCsv(s), 'synthetic.csv');
      expect(Array.from(back.close)).toEqual(Array.from(s.close));
      for (let i = 1; i < s.length; i++) expect(s.open[i]).toBe(s.close[i - 1]);
    }
  });

  it('has regimes strategies can trade: both trend directions and repeated EMA crosses', () => {
    const s = syntheticCandles(year);
    const dir = supertrend(s.high, s.low, s.close, 3, 10).direction;
    let flips = 0;
    for (let i = 1; i < s.length; i++) if (dir[i] !== dir[i - 1] && !Number.isNaN(dir[i - 1]!)) flips++;
    const crosses = crossover(ema(s.close, 20), ema(s.close, 50)).reduce((a, b) => a + b, 0);
    expect(flips).toBeGreaterThan(20);
    expect(crosses).toBeGreaterThan(10);
    // not a degenerate walk: the price moves by more than ±10 % over the year at some point
    const max = Math.max(...s.close);
    const min = Math.min(...s.close);
    expect(max / 30_000 > 1.1 || min / 30_000 < 0.9).toBe(true);
  });

  it('rejects bad options', () => {
    expect(() => syntheticCandles({ bars: -1 })).toThrow(/bars/);
    expect(() => syntheticCandles({ bars: 10, timeframe: '7m' })).toThrow(/unknown timeframe/);
    expect(() => syntheticCandles({ bars: 10, startPrice: 0 })).toThrow(/startPrice/);
  });
});
