/**
 * Partial take-profits and the break-even move (issue 18): each case computed by hand. The
 * decision close is 100, so percent distances are price units; qty 4 splits into whole shares.
 * Every long case runs mirrored (price p → 200 − p) as a short with the same trades.
 */
import { describe, expect, it } from 'vitest';
import { runBacktest, type BacktestOptions, type Trade } from '../../src/backtest/index.ts';
import { bars, opts, sig } from './helpers.ts';

type Row = readonly [number, number, number, number];

const TWO_PARTIALS: Partial<BacktestOptions> = {
  sizeValue: 4,
  stopLoss: { type: 'percent', percent: 3 },
  takeProfit: { type: 'percent', percent: 6 },
  partialTakeProfits: [
    { distance: { type: 'percent', percent: 2 }, qtyPct: 50 },
    { distance: { type: 'percent', percent: 4 }, qtyPct: 25 },
  ],
};

function run(side: 'long' | 'short', rows: Row[], partial: Partial<BacktestOptions>) {
  const mirrored = rows.map(([o, h, l, c]): Row => [200 - o, 200 - l, 200 - h, 200 - c]);
  const candles = bars(side === 'long' ? rows : mirrored);
  const signals = sig(rows.length, side === 'long' ? { le: [0] } : { se: [0] });
  return runBacktest(candles, signals, opts(partial));
}

/** [exitBar, exitPrice (long), qty, reason] of each closed trade; prices mirrored for a short. */
function rows(side: 'long' | 'short', trades: Trade[]) {
  return trades.map((t) => [
    t.exitBar,
    side === 'long' ? t.exitPrice : 200 - t.exitPrice,
    t.qty,
    t.exitReason,
  ]);
}

describe.each(['long', 'short'] as const)('partial take-profits, %s', (side) => {
  it('fills the first take-profit, then the rest at the break-even stop from the next bar', () => {
    const candles: Row[] = [
      [100, 100, 100, 100],
      // Entry at 100; low first (0.5 < 3): TP1 102 fills half, 2 units.
      [100, 103, 99.5, 102],
      // High first; 99 passes the stop moved to the entry price 100 (the 97 stop would hold).
      [101.5, 101.8, 99, 100],
    ];
    const plan = { ...TWO_PARTIALS, partialTakeProfits: TWO_PARTIALS.partialTakeProfits!.slice(0, 1) };
    const r = run(side, candles, { ...plan, breakEven: true });
    expect(rows(side, r.trades)).toEqual([
      [1, 102, 2, 'take_profit'],
      [2, 100, 2, 'stop_loss'],
    ]);
    expect(r.trades.map((t) => t.pnl)).toEqual([4, 0]);
    expect(r.openTrade).toBeNull();

    const without = run(side, candles, plan);
    expect(rows(side, without.trades)).toEqual([[1, 102, 2, 'take_profit']]);
    expect(without.openTrade?.qty).toBe(2);
  });

  it('fills the first, the second and the last take-profit, nearest first within a bar', () => {
    const r = run(
      side,
      [
        [100, 100, 100, 100],
        [100, 103, 99.5, 102],
        // Low first; the rise to 106.5 passes TP2 104, then the last take-profit 106.
        [102, 106.5, 101.5, 106],
      ],
      { ...TWO_PARTIALS, breakEven: true },
    );
    expect(rows(side, r.trades)).toEqual([
      [1, 102, 2, 'take_profit'],
      [2, 104, 1, 'take_profit'],
      [2, 106, 1, 'take_profit'],
    ]);
    expect(r.trades.map((t) => t.pnl)).toEqual([4, 4, 6]);
    expect(r.metrics.netProfit).toBe(14);
  });

  it('stops every bracket out at the stop-loss before any take-profit, one trade each', () => {
    const r = run(
      side,
      [
        [100, 100, 100, 100],
        // High first (0.5 < 4), 100.5 reaches no take-profit; then 96 passes the stop 97.
        [100, 100.5, 96, 97],
      ],
      TWO_PARTIALS,
    );
    expect(rows(side, r.trades)).toEqual([
      [1, 97, 2, 'stop_loss'],
      [1, 97, 1, 'stop_loss'],
      [1, 97, 1, 'stop_loss'],
    ]);
    expect(r.metrics.netProfit).toBe(-12);
  });

  it('fills the take-profit and the stop in one bar in the order of the assumed path', () => {
    const highFirst = run(
      side,
      [
        [100, 100, 100, 100],
        // High first (2.5 < 3.5): TP1 102, then down through the stop 97 — still 97 on this bar
        // with break-even, which moves the stop from the next bar.
        [100, 102.5, 96.5, 98],
      ],
      { ...TWO_PARTIALS, breakEven: true },
    );
    expect(rows(side, highFirst.trades)).toEqual([
      [1, 102, 2, 'take_profit'],
      [1, 97, 1, 'stop_loss'],
      [1, 97, 1, 'stop_loss'],
    ]);
    const lowFirst = run(
      side,
      [
        [100, 100, 100, 100],
        // Low first (4 > 3): the stop 97 closes everything before the high reaches 102.
        [100, 104, 97, 98],
      ],
      { ...TWO_PARTIALS, breakEven: true },
    );
    expect(rows(side, lowFirst.trades)).toEqual([
      [1, 97, 2, 'stop_loss'],
      [1, 97, 1, 'stop_loss'],
      [1, 97, 1, 'stop_loss'],
    ]);
  });

  it('fills take-profits the open gapped past at the open', () => {
    const r = run(
      side,
      [
        [100, 100, 100, 100],
        [100, 100.5, 99.5, 100],
        // Opens at 105, beyond TP1 102 and TP2 104 but short of the last take-profit 106.
        [105, 105.5, 104.5, 105],
      ],
      TWO_PARTIALS,
    );
    expect(rows(side, r.trades)).toEqual([
      [2, 105, 2, 'take_profit'],
      [2, 105, 1, 'take_profit'],
    ]);
    expect(r.openTrade?.qty).toBe(1);
  });

  it('closes the rest on a reversal, cancelling the remaining take-profits', () => {
    const n = 4;
    const rowsIn: Row[] = [
      [100, 100, 100, 100],
      [100, 103, 99.5, 102], // TP1: 2 units at 102
      [102, 102.5, 101.5, 102], // the opposite signal on this close
      [102, 102.5, 101.5, 102], // the reversal fills at the open 102
    ];
    const mirrored = rowsIn.map(([o, h, l, c]): Row => [200 - o, 200 - l, 200 - h, 200 - c]);
    const signals = side === 'long' ? sig(n, { le: [0], se: [2] }) : sig(n, { se: [0], le: [2] });
    const r = runBacktest(bars(side === 'long' ? rowsIn : mirrored), signals, opts(TWO_PARTIALS));
    expect(rows(side, r.trades)).toEqual([
      [1, 102, 2, 'take_profit'],
      [3, 102, 2, 'reverse'],
    ]);
    expect(r.openTrade?.side).toBe(side === 'long' ? 'short' : 'long');
  });
});

describe('partial take-profits beside a partial close', () => {
  it('shrinks the take-profit shares with the position an exit signal halves', () => {
    const r = runBacktest(
      bars([
        [100, 100, 100, 100],
        [100, 101, 99.5, 100.5], // the exit signal on this close
        // The signal closes 2 of 4 at the open 100.5; TP1's share shrinks from 2 to 1 and fills at 102.
        [100.5, 102.5, 100.4, 102],
      ]),
      sig(3, { le: [0], lx: [1] }),
      opts({ ...TWO_PARTIALS, closePct: 50 }),
    );
    expect(rows('long', r.trades)).toEqual([
      [2, 100.5, 2, 'signal'],
      [2, 102, 1, 'take_profit'],
    ]);
    expect(r.openTrade?.qty).toBe(1);
  });

  it('closes only the share of a partial take-profit when no other exit is set', () => {
    const r = runBacktest(
      bars([
        [100, 100, 100, 100],
        [100, 103, 99.5, 102],
        [102, 110, 90, 100], // no stop, no last take-profit: the rest stays open
      ]),
      sig(3, { le: [0] }),
      opts({ sizeValue: 4, partialTakeProfits: [{ distance: { type: 'percent', percent: 2 }, qtyPct: 50 }] }),
    );
    expect(rows('long', r.trades)).toEqual([[1, 102, 2, 'take_profit']]);
    expect(r.openTrade?.qty).toBe(2);
  });
});

describe('partial take-profit options', () => {
  it('refuses a plan core refuses, naming the field', () => {
    const bad = (partial: Partial<BacktestOptions>) => () =>
      opts({ takeProfit: { type: 'atr', multiplier: 3 }, ...partial });
    expect(bad({ partialTakeProfits: [{ distance: { type: 'atr', multiplier: 3 }, qtyPct: 50 }] })).toThrow(
      /partialTakeProfits\[0\].*nearer than the last/,
    );
    expect(
      bad({
        partialTakeProfits: [
          { distance: { type: 'atr', multiplier: 1 }, qtyPct: 60 },
          { distance: { type: 'atr', multiplier: 2 }, qtyPct: 40 },
        ],
      }),
    ).toThrow(/partialTakeProfits\[1\].*sum below 100/);
    expect(bad({ partialTakeProfits: [{ distance: { type: 'pips', x: 1 }, qtyPct: 50 }] as never })).toThrow(
      /partialTakeProfits\[0\]\.distance\.type/,
    );
    expect(bad({ breakEven: 'yes' as never })).toThrow(/"breakEven"/);
    expect(
      bad({
        partialTakeProfits: [{ distance: { type: 'atr', multiplier: 1.5 }, qtyPct: 50 }],
        breakEven: true,
      }),
    ).not.toThrow();
  });

  it('needs the atr series for an ATR partial take-profit', () => {
    const options = opts({
      takeProfit: { type: 'percent', percent: 5 },
      partialTakeProfits: [{ distance: { type: 'atr', multiplier: 1 }, qtyPct: 50 }],
    });
    expect(() => runBacktest(bars([[100, 100, 100, 100]]), sig(1, {}), options)).toThrow(/atr/);
  });
});
