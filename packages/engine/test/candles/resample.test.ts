import { describe, expect, it } from 'vitest';
import { parseCandlesCsv, parseTimeframe, resample, seriesFromRows } from '../../src/index.ts';
import { dataFile, loadReal, skipMessage } from '../indicators/real-data.ts';

const M = 60_000;
const T0 = Date.UTC(2023, 0, 1);

describe('parseTimeframe', () => {
  it('names → ms', () => {
    expect(parseTimeframe('1m')).toBe(60_000);
    expect(parseTimeframe('4h')).toBe(4 * 3_600_000);
    expect(parseTimeframe('1d')).toBe(86_400_000);
    expect(() => parseTimeframe('7m')).toThrow(/unknown timeframe "7m"/);
    expect(() => parseTimeframe('1w')).toThrow(expect.objectContaining({ code: 'INVALID_TIMEFRAME' }));
  });
});

describe('resample (hand-made cases)', () => {
  const rows = [
    // 5m candles: 00:00, 00:05, 00:10 | 00:15 | (00:30 bucket empty) | 00:45, 00:50
    { time: T0, open: 10, high: 12, low: 9, close: 11, volume: 1 },
    { time: T0 + 5 * M, open: 11, high: 15, low: 10, close: 14, volume: 2 },
    { time: T0 + 10 * M, open: 14, high: 14, low: 8, close: 9, volume: 3 },
    { time: T0 + 15 * M, open: 9, high: 10, low: 9, close: 10, volume: 4 },
    { time: T0 + 45 * M, open: 20, high: 21, low: 19, close: 20, volume: 5 },
    { time: T0 + 50 * M, open: 20, high: 22, low: 18, close: 21, volume: 6 },
  ];
  const s = seriesFromRows(rows, 'hand', 5 * M);

  it('15m: first open, max high, min low, last close, summed volume; empty buckets absent', () => {
    const r = resample(s, '15m');
    expect(Array.from(r.time)).toEqual([T0, T0 + 15 * M, T0 + 45 * M]);
    // bucket 00:00 = rows 0..2: open 10, high max(12,15,14) = 15, low min(9,10,8) = 8, close 9, vol 6
    expect([r.open[0], r.high[0], r.low[0], r.close[0], r.volume[0]]).toEqual([10, 15, 8, 9, 6]);
    expect([r.open[1], r.high[1], r.low[1], r.close[1], r.volume[1]]).toEqual([9, 10, 9, 10, 4]);
    expect([r.open[2], r.high[2], r.low[2], r.close[2], r.volume[2]]).toEqual([20, 22, 18, 21, 11]);
    expect(r.timeframeMs).toBe(15 * M);
  });

  it('buckets are aligned to UTC epoch multiples (a 4h bucket starts at 00:00/04:00/… UTC)', () => {
    // hourly candles from 02:00 to 05:00 → buckets 00:00 (02:00, 03:00) and 04:00 (04:00, 05:00)
    const h = seriesFromRows(
      [2, 3, 4, 5].map((k) => ({
        time: T0 + k * 60 * M,
        open: k,
        high: k + 1,
        low: k,
        close: k + 1,
        volume: 1,
      })),
      'h',
    );
    const r = resample(h, '4h');
    expect(Array.from(r.time)).toEqual([T0, T0 + 240 * M]);
    expect(Array.from(r.open)).toEqual([2, 4]);
    expect(Array.from(r.close)).toEqual([4, 6]);
  });

  it('the target must be a multiple of the source timeframe', () => {
    expect(() => resample(s, '1m')).toThrow(/cannot resample hand from 5m to 1m/);
    const three = parseCandlesCsv(
      `time,open,high,low,close,volume\n${T0},1,1,1,1,1\n${T0 + 3 * M},1,1,1,1,1\n${T0 + 6 * M},1,1,1,1,1`,
      'three.csv',
    );
    expect(() => resample(three, '5m')).toThrow(expect.objectContaining({ code: 'INVALID_TIMEFRAME' }));
    expect(resample(three, '15m').length).toBe(1);
  });
});

const have = dataFile('BTCUSDT-5m.csv') !== null && dataFile('BTCUSDT-1h.csv') !== null;
if (!have) console.warn(skipMessage('BTCUSDT-5m.csv / BTCUSDT-1h.csv'));

describe.skipIf(!have)('resample cross-check with real data from two different sources', () => {
  it('BTCUSDT-5m resampled to 1h equals BTCUSDT-1h on every common hour (OHLC exact)', async () => {
    const five = (await loadReal('BTCUSDT-5m.csv'))!;
    const hour = (await loadReal('BTCUSDT-1h.csv'))!;
    const r = resample(five, '1h');
    const index = new Map<number, number>();
    for (let i = 0; i < hour.length; i++) index.set(hour.time[i]!, i);
    let common = 0;
    for (let k = 0; k < r.length; k++) {
      const i = index.get(r.time[k]!);
      if (i === undefined) continue;
      common++;
      expect([r.open[k], r.high[k], r.low[k], r.close[k]]).toEqual([
        hour.open[i],
        hour.high[i],
        hour.low[i],
        hour.close[i],
      ]);
      expect(Math.abs(r.volume[k]! - hour.volume[i]!)).toBeLessThanOrEqual(
        1e-9 * Math.max(1, hour.volume[i]!),
      );
    }
    // the two files have 8,735 hours of 2023 in common
    expect(common).toBe(8735);
  });
});
