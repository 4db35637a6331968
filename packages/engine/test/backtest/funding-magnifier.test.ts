import { describe, expect, it } from 'vitest';
import { fundingSeries, parseFundingCsv, runBacktest } from '../../src/backtest/index.ts';
import { bars, HOUR, opts, sig, T0 } from './helpers.ts';

// Opens 100, 102, 104, 106, 103, 101; each close equals its open.
const six = bars([
  [100, 101, 99, 100],
  [102, 103, 101, 102],
  [104, 105, 103, 104],
  [106, 107, 105, 106],
  [103, 104, 102, 103],
  [101, 102, 100, 101],
]);

// A position of 2 held from the open of bar 1 (T0 + 1 h) to the open of bar 4 (T0 + 4 h).
const events = fundingSeries([
  { time: T0 - HOUR, rate: 0.01 }, // before the data: ignored
  { time: T0 + HOUR, rate: 0.01, markPrice: 100 }, // end of bar 0: flat at its close, nothing
  { time: T0 + 2 * HOUR, rate: 0.0001, markPrice: 110 }, // end of bar 1: 2 × 110 × 0.0001 = 0.022
  { time: T0 + 3.5 * HOUR, rate: -0.0002 }, // inside bar 3, no mark: close[3] 106 → 2 × 106 × 0.0002 = 0.0424
  { time: T0 + 4 * HOUR, rate: 0.0003, markPrice: 105 }, // end of bar 3, still open: 2 × 105 × 0.0003 = 0.063
  { time: T0 + 5 * HOUR, rate: 0.01, markPrice: 103 }, // end of bar 4: flat again, nothing
]);
const PAID_BY_LONG = 0.022 - 0.0424 + 0.063; // 0.0426

describe('funding', () => {
  it('charges a long position notional × rate at each funding time it is open (mark price, else the close)', () => {
    const r = runBacktest(six, sig(6, { le: [0], lx: [3] }), opts({ sizeValue: 2 }), undefined, undefined, {
      funding: events,
    });
    const t = r.trades[0]!;
    expect(t.entryPrice).toBe(102);
    expect(t.exitPrice).toBe(103);
    expect(t.funding).toBeCloseTo(-PAID_BY_LONG, 12);
    expect(t.pnl).toBeCloseTo((103 - 102) * 2 - PAID_BY_LONG, 12);
    expect(r.metrics.funding).toBeCloseTo(-PAID_BY_LONG, 12);
    expect(r.metrics.long.funding).toBeCloseTo(-PAID_BY_LONG, 12);
    expect(r.metrics.netProfit).toBeCloseTo(2 - PAID_BY_LONG, 12);
    // The equity curve carries the funding from the bar it is settled in.
    const cap = 10_000;
    expect(r.equity[1]).toBeCloseTo(cap + 0 - 0.022, 9);
    expect(r.equity[2]).toBeCloseTo(cap + 4 - 0.022, 9);
    expect(r.equity[3]).toBeCloseTo(cap + 8 - PAID_BY_LONG, 9);
    expect(r.equity[4]).toBeCloseTo(cap + 2 - PAID_BY_LONG, 9);
  });

  it('credits a short the same amounts', () => {
    const r = runBacktest(six, sig(6, { se: [0], sx: [3] }), opts({ sizeValue: 2 }), undefined, undefined, {
      funding: events,
    });
    expect(r.trades[0]!.funding).toBeCloseTo(PAID_BY_LONG, 12);
    expect(r.trades[0]!.pnl).toBeCloseTo((102 - 103) * 2 + PAID_BY_LONG, 12);
    expect(r.metrics.short.funding).toBeCloseTo(PAID_BY_LONG, 12);
  });

  it('is off without a funding series', () => {
    const r = runBacktest(six, sig(6, { le: [0], lx: [3] }), opts({ sizeValue: 2 }));
    expect(r.trades[0]!.pnl).toBe(2);
    expect(r.trades[0]!.funding).toBe(0);
    expect(r.metrics.funding).toBe(0);
  });

  it('reports the open trade’s funding and splits it on a partial close', () => {
    // Long from bar 1; half closed at the open of bar 4; the other half still open at the end.
    const r = runBacktest(
      six,
      sig(6, { le: [0], lx: [3] }),
      opts({ sizeValue: 2, closePct: 50 }),
      undefined,
      undefined,
      { funding: events },
    );
    const closed = r.trades[0]!;
    expect(closed.qty).toBe(1);
    expect(closed.funding).toBeCloseTo(-PAID_BY_LONG / 2, 12);
    // The open half pays 1 × 103 × 0.01 at the end of bar 4.
    expect(r.openTrade!.funding).toBeCloseTo(-PAID_BY_LONG / 2 - 1.03, 12);
    expect(r.metrics.funding).toBeCloseTo(-PAID_BY_LONG - 1.03, 12);
  });

  it('reads the documented CSV and refuses a malformed one', () => {
    const csv = `time,rate,mark_price\n${T0},0.0001,42000.5\n${T0 + 8 * HOUR},-0.00005,\n`;
    const s = parseFundingCsv(csv, 'f.csv');
    expect(Array.from(s.time)).toEqual([T0, T0 + 8 * HOUR]);
    expect(Array.from(s.rate)).toEqual([0.0001, -0.00005]);
    expect(s.markPrice[0]).toBe(42000.5);
    expect(s.markPrice[1]).toBeNaN();
    expect(() => parseFundingCsv(`time,rate\n${T0},0.1\n`)).toThrow(/header/);
    expect(() => parseFundingCsv(`time,rate,mark_price\n${T0},abc,\n`)).toThrow(/line 2/);
    expect(() => parseFundingCsv(`time,rate,mark_price\n${T0},0.1,\n${T0},0.1,\n`)).toThrow(/ascend/);
  });
});

describe('bar magnifier', () => {
  // Long from the open of bar 1 at 100 with stop 95 and take-profit 105 (5 % of close[0] = 100).
  const main = bars([
    [100, 101, 99, 100],
    [100, 106, 94, 100], // open in the middle: the assumed path goes low first → the stop
    [100, 101, 99, 100],
  ]);
  const Q = HOUR / 4;
  const lower = bars(
    [
      [100, 101, 99, 100],
      [100, 100.5, 99.5, 100],
      [100, 100.5, 99.5, 100],
      [100, 100.5, 99.5, 100],
      // bar 1: the 15-minute bars reach 106 before 94
      [100, 106, 99, 105],
      [105, 105, 96, 97],
      [97, 97, 94, 95],
      [95, 100, 95, 100],
    ],
    Q,
  );
  const o = opts({ stopLoss: { type: 'percent', percent: 5 }, takeProfit: { type: 'percent', percent: 5 } });

  it('without lower-timeframe candles, the assumed path decides: the stop', () => {
    const t = runBacktest(main, sig(3, { le: [0] }), o).trades[0]!;
    expect(t.exitReason).toBe('stop_loss');
    expect(t.exitPrice).toBe(95);
  });

  it('with them, the lower-timeframe bars decide: the take-profit, reached in the first 15 minutes', () => {
    const t = runBacktest(main, sig(3, { le: [0] }), o, undefined, undefined, { lowerTimeframe: lower })
      .trades[0]!;
    expect(t.exitReason).toBe('take_profit');
    expect(t.exitPrice).toBe(105);
    expect(t.exitBar).toBe(1);
  });

  it('keeps a bar’s own path when no lower-timeframe bar covers it', () => {
    const partial = bars(
      [
        [100, 101, 99, 100],
        [100, 100.5, 99.5, 100],
      ],
      Q,
    );
    const t = runBacktest(main, sig(3, { le: [0] }), o, undefined, undefined, { lowerTimeframe: partial })
      .trades[0]!;
    expect(t.exitReason).toBe('stop_loss');
  });

  it('refuses candles that are not of a shorter timeframe', () => {
    expect(() =>
      runBacktest(main, sig(3, { le: [0] }), o, undefined, undefined, { lowerTimeframe: main }),
    ).toThrow(/shorter timeframe/);
  });
});
