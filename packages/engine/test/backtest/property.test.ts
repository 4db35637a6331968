import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveBacktestOptions, runBacktest, type BacktestOptions } from '../../src/backtest/index.ts';
import { equityExtremesBarByBar } from '../../src/backtest/run.ts';
import { seriesFromRows, type CandleSeries } from '../../src/candles/series.ts';
import { HOUR, T0 } from './helpers.ts';

type Bar = { move: number; up: number; down: number; close: number };

/** A random walk: each bar opens where a move from the previous close lands, wicks around it. */
function series(barsIn: readonly Bar[], flat: boolean): CandleSeries {
  let prev = 100;
  const rows = barsIn.map((b, i) => {
    const open = flat ? 100 : Math.max(1, prev * (1 + b.move));
    const close = flat ? 100 : Math.max(1, open * (1 + b.close));
    const high = flat ? 100 : Math.max(open, close) * (1 + b.up);
    const low = flat ? 100 : Math.min(open, close) * (1 - b.down);
    prev = close;
    return { time: T0 + i * 6 * HOUR, open, high, low, close, volume: 0 }; // spans months for long inputs
  });
  return seriesFromRows(rows, 'property', 6 * HOUR);
}

const barArb = fc.record({
  move: fc.double({ min: -0.05, max: 0.05, noNaN: true }),
  up: fc.double({ min: 0, max: 0.06, noNaN: true }),
  down: fc.double({ min: 0, max: 0.06, noNaN: true }),
  close: fc.double({ min: -0.06, max: 0.06, noNaN: true }),
});

const ruleArb = fc.option(
  fc.oneof(
    fc.record({
      type: fc.constant('atr' as const),
      multiplier: fc.double({ min: 0.2, max: 4, noNaN: true }),
    }),
    fc.record({
      type: fc.constant('percent' as const),
      percent: fc.double({ min: 0.2, max: 15, noNaN: true }),
    }),
  ),
  { nil: undefined },
);

const caseArb = fc.array(barArb, { minLength: 1, maxLength: 300, size: 'medium' }).chain((barsIn) => {
  const n = barsIn.length;
  const flags = fc.uint8Array({ minLength: n, maxLength: n });
  return fc.record({
    barsIn: fc.constant(barsIn),
    flags,
    atrValues: fc.array(fc.double({ min: 0, max: 5, noNaN: true }), { minLength: n, maxLength: n }),
    options: fc.record({
      sizing: fc.constantFrom('percent' as const, 'cash' as const, 'qty' as const),
      leverage: fc.constantFrom(1, 2, 10, 50, 100),
      commissionPct: fc.constantFrom(0, 0.04, 0.1),
      slippageTicks: fc.integer({ min: 0, max: 5 }),
      direction: fc.constantFrom('both' as const, 'long' as const, 'short' as const),
      fillOnClose: fc.boolean(),
      stopLoss: ruleArb,
      takeProfit: ruleArb,
      trailing: fc.option(
        fc.record({
          type: fc.constantFrom('atr' as const, 'percent' as const),
          activation: fc.double({ min: 0, max: 3, noNaN: true }),
          offset: fc.double({ min: 0.2, max: 5, noNaN: true }),
        }),
        { nil: undefined },
      ),
      closePct: fc.option(fc.constantFrom(25, 50, 100), { nil: undefined }),
      // Nearer than any take-profit the rule above draws (0.2 and up), so always a valid plan.
      partialTakeProfits: fc.option(
        fc.constantFrom(
          [{ distance: { type: 'percent' as const, percent: 0.1 }, qtyPct: 50 }],
          [
            { distance: { type: 'percent' as const, percent: 0.1 }, qtyPct: 30 },
            { distance: { type: 'atr' as const, multiplier: 0.1 }, qtyPct: 30 },
          ],
        ),
        { nil: undefined },
      ),
      breakEven: fc.boolean(),
    }),
  });
});

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function build(c: Case, flat = false) {
  const candles = series(c.barsIn, flat);
  const n = candles.length;
  // Two bits per series: each is true on about one bar in four.
  const bit = (k: number) => Uint8Array.from(c.flags, (f) => (((f >> (2 * k)) & 3) === 0 ? 1 : 0));
  const signals = { longEntry: bit(0), longExit: bit(1), shortEntry: bit(2), shortExit: bit(3) };
  const sizeValue = c.options.sizing === 'percent' ? 10 : c.options.sizing === 'cash' ? 1000 : 3;
  const options: BacktestOptions = resolveBacktestOptions({ ...c.options, sizeValue });
  return { candles, signals, options, atr: Float64Array.from(c.atrValues), n };
}

describe('backtest invariants (property)', () => {
  it('holds the accounting identities on random candles and signals', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { candles, signals, options, atr, n } = build(c);
        const r = runBacktest(candles, signals, options, atr);
        const capital = options.initialCapital;
        const commRate = options.commissionPct / 100;

        for (let i = 0; i < n; i++) expect(Number.isFinite(r.equity[i])).toBe(true);

        // Final equity = capital + Σ closed PnL + open PnL.
        const closed = r.trades.reduce((a, t) => a + t.pnl, 0);
        const open = r.openTrade?.pnl ?? 0;
        expect(r.equity[n - 1]! - capital).toBeCloseTo(closed + open, 6);

        let prevExit = -1;
        let prevEntry = -1;
        for (const t of r.trades) {
          expect(t.exitBar).toBeGreaterThanOrEqual(t.entryBar);
          expect(t.exitTime).toBeGreaterThanOrEqual(t.entryTime);
          // One position at a time; the parts of a partially closed one share its entry.
          if (t.entryBar !== prevEntry) expect(t.entryBar).toBeGreaterThanOrEqual(prevExit);
          expect(t.exitBar).toBeGreaterThanOrEqual(prevExit);
          prevExit = t.exitBar;
          prevEntry = t.entryBar;
          expect(t.fees).toBeGreaterThanOrEqual(0);
          expect(t.qty).toBeGreaterThan(0);
          expect(t.barsHeld).toBe(t.exitBar - t.entryBar);
          // Every trade's PnL is its price move less its fees.
          const side = t.side === 'long' ? 1 : -1;
          expect(t.pnl).toBeCloseTo(side * (t.exitPrice - t.entryPrice) * t.qty - t.fees, 6);
          if (t.exitReason === 'liquidation') {
            // Loses exactly the isolated margin plus the entry commission.
            expect(t.pnl).toBeCloseTo(
              -(t.entryPrice * t.qty) / options.leverage - commRate * t.entryPrice * t.qty,
              6,
            );
          }
          if (options.direction === 'long') expect(t.side).toBe('long');
          if (options.direction === 'short') expect(t.side).toBe('short');
        }

        // Independent reconstruction of the close-marked equity curve from the trade list: a trade
        // is held at the close of bar i when entryBar ≤ i < exitBar (the open trade through the end).
        const all = r.openTrade ? [...r.trades, r.openTrade] : r.trades;
        for (let i = 0; i < n; i++) {
          let eq = capital;
          for (const t of all) {
            const held = t === r.openTrade ? t.entryBar <= i : t.entryBar <= i && i < t.exitBar;
            if (t !== r.openTrade && t.exitBar <= i) eq += t.pnl;
            else if (held) {
              const side = t.side === 'long' ? 1 : -1;
              eq += side * (candles.close[i]! - t.entryPrice) * t.qty - commRate * t.entryPrice * t.qty;
            }
          }
          expect(r.equity[i]).toBeCloseTo(eq, 6);
        }

        // Metrics agree with the trade list.
        expect(r.metrics.totalTrades).toBe(r.trades.length);
        expect(r.metrics.long.totalTrades + r.metrics.short.totalTrades).toBe(r.trades.length);
        expect(r.metrics.netProfit).toBeCloseTo(closed, 6);
        expect(r.metrics.maxDrawdownPct).toBeGreaterThanOrEqual(0);
        // The drawdown and run-up maxima, bar by bar from the equity curve, exactly (the broker
        // takes them after its loop, in WebAssembly; test/wasm-kernels.test.ts covers the rest).
        const worst = equityExtremesBarByBar(r.equity, capital);
        expect([r.metrics.maxDrawdown, r.metrics.maxDrawdownPct]).toEqual([worst.maxDd, worst.maxDdPct]);
        expect([r.metrics.maxRunUp, r.metrics.maxRunUpPct]).toEqual([worst.maxRunUp, worst.maxRunUpPct]);
        // No NaN or Infinity anywhere (they would not survive JSON): every figure is finite or null.
        const figures = [r.metrics, r.metrics.long, r.metrics.short].flatMap((m) => Object.entries(m));
        for (const [name, v] of figures) {
          if (typeof v === 'number' || v === null)
            expect([name, v === null || Number.isFinite(v)]).toEqual([name, true]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('makes no money and loses none on a flat price without costs', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { candles, signals, options, atr, n } = build(
          { ...c, options: { ...c.options, commissionPct: 0, slippageTicks: 0 } },
          true,
        );
        const r = runBacktest(candles, signals, options, atr);
        for (const t of r.trades) expect(Math.abs(t.pnl)).toBe(0);
        expect(Math.abs(r.openTrade?.pnl ?? 0)).toBe(0);
        for (let i = 0; i < n; i++) expect(r.equity[i]).toBe(options.initialCapital);
      }),
      { numRuns: 200 },
    );
  });

  it('fills within the bar range when there is no slippage (liquidations aside)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { candles, signals, options, atr } = build({
          ...c,
          options: { ...c.options, slippageTicks: 0 },
        });
        const r = runBacktest(candles, signals, options, atr);
        for (const t of r.trades) {
          expect(t.entryPrice).toBeGreaterThanOrEqual(candles.low[t.entryBar]!);
          expect(t.entryPrice).toBeLessThanOrEqual(candles.high[t.entryBar]!);
          if (t.exitReason === 'liquidation') continue;
          // Levels are tick-rounded, so allow half a tick.
          expect(t.exitPrice).toBeGreaterThanOrEqual(candles.low[t.exitBar]! - options.tickSize / 2);
          expect(t.exitPrice).toBeLessThanOrEqual(candles.high[t.exitBar]! + options.tickSize / 2);
        }
      }),
      { numRuns: 200 },
    );
  });
});
