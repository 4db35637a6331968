import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { candleAt, seriesFromRows } from '../../src/candles/series.ts';
import { compileSignals } from '../../src/strategy/compile-signals.ts';
import type { StrategyDeclaration } from '../../src/strategy/declaration.ts';
import { evaluateStrategy } from '../../src/strategy/evaluate.ts';
import * as dsl from '../../src/strategy/expr.ts';
import type { BoolExpr, NumExpr } from '../../src/strategy/expr.ts';
import { LiveSignalEvaluator } from '../../src/strategy/live.ts';

/**
 * The compiled signal kernel against the bar-by-bar LiveSignalEvaluator — a separate
 * implementation over the incremental indicators — on random expression trees and random candles.
 * Prices are whole numbers, so running sums are exact and both sides see the same indicator
 * values; warm-up NaN, x/0 and NaN through max/min and crosses all occur.
 */
const p = dsl.param('p');
const sources = [dsl.close, dsl.source('open'), dsl.source('high'), dsl.source('low'), dsl.source('hl2')];
const leafArb: fc.Arbitrary<NumExpr> = fc.oneof(
  fc.constantFrom(...sources),
  fc.constantFrom(0, 1, -1, 100).map((v): NumExpr => dsl.num(v)),
  fc.constant(p),
  fc.constantFrom(...sources).map((s) => dsl.sma(s, p)),
  fc.constantFrom(...sources).map((s) => dsl.ema(s, dsl.num(3))),
  fc.constantFrom(...sources).map((s) => dsl.highest(s, p)),
  fc.constantFrom(...sources).map((s) => dsl.lowest(s, dsl.num(2))),
  fc.constant(dsl.atr(dsl.num(3))),
  fc.constant(dsl.supertrend(dsl.num(2), dsl.num(3)).direction),
  fc.constant(dsl.stoch(dsl.num(3), dsl.num(1), dsl.num(2)).k),
  fc.constant(dsl.ichimoku(dsl.num(2), dsl.num(3), dsl.num(5), dsl.num(3)).cloudB),
  fc.constant(dsl.ichimoku(dsl.num(2), dsl.num(3), dsl.num(5), dsl.num(3)).base),
);

const { bool: boolArb } = fc.letrec<{ num: NumExpr; bool: BoolExpr }>((tie) => ({
  num: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc
      .tuple(fc.constantFrom('+', '-', '*', '/', 'max', 'min' as const), tie('num'), tie('num'))
      .map(([op, left, right]): NumExpr => ({ kind: 'binary', op, left, right })),
    fc.tuple(tie('num'), fc.integer({ min: 1, max: 3 })).map(([expr, bars]) => dsl.prev(expr, bars)),
  ),
  bool: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc
      .tuple(fc.constantFrom('>', '<', '>=', '<=' as const), tie('num'), tie('num'))
      .map(([op, left, right]): BoolExpr => ({ kind: 'compare', op, left, right })),
    fc
      .tuple(fc.constantFrom('crossover', 'crossunder' as const), tie('num'), tie('num'))
      .map(([op, left, right]): BoolExpr => ({ kind: 'cross', op, left, right })),
    fc
      .tuple(fc.constantFrom('and', 'or' as const), fc.array(tie('bool'), { minLength: 1, maxLength: 3 }))
      .map(([op, args]): BoolExpr => ({ kind: 'logic', op, args })),
    tie('bool').map((arg) => dsl.not(arg)),
  ),
}));

const candlesArb = fc
  .array(
    fc.record({
      move: fc.integer({ min: -6, max: 6 }),
      up: fc.nat(4),
      down: fc.nat(4),
      body: fc.integer({ min: -5, max: 5 }),
    }),
    { minLength: 1, maxLength: 70 },
  )
  .map((steps) => {
    let prev = 100;
    const rows = steps.map((s, i) => {
      const open = Math.max(20, prev + s.move);
      const close = Math.max(20, open + s.body);
      prev = close;
      return {
        time: Date.UTC(2024, 0, 1) + i * 60_000,
        open,
        high: Math.max(open, close) + s.up,
        low: Math.min(open, close) - s.down,
        close,
        volume: 1,
      };
    });
    return seriesFromRows(rows, 'random', 60_000);
  });

function declarationOf(signals: StrategyDeclaration['signals']): StrategyDeclaration {
  const text = { en: 'random', ko: '무작위' };
  return {
    id: 'random',
    name: text,
    description: text,
    rulesText: { longEntry: text, longExit: text, shortEntry: text, shortExit: text },
    params: { p: { type: 'int', default: 2, min: 1, max: 5, step: 1, label: text } },
    constraints: [],
    signals,
    plots: [],
  };
}

describe('compiled signal kernel', () => {
  it('gives the bar-by-bar evaluator’s signals on random rules and candles', () => {
    fc.assert(
      fc.property(
        fc.record({ longEntry: boolArb, longExit: boolArb, shortEntry: boolArb, shortExit: boolArb }),
        candlesArb,
        fc.integer({ min: 1, max: 5 }),
        (signals, candles, pValue) => {
          const declaration = declarationOf(signals);
          const params = { p: pValue };
          const batch = evaluateStrategy(declaration, candles, params).signals;
          const live = new LiveSignalEvaluator(declaration, params);
          for (let i = 0; i < candles.length; i++) {
            const expected = live.update(candleAt(candles, i));
            for (const name of ['longEntry', 'longExit', 'shortEntry', 'shortExit'] as const) {
              expect([name, i, batch[name][i]]).toEqual([name, i, expected[name] ? 1 : 0]);
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('is compiled once per declaration, reads each series once and takes numbers as arguments', () => {
    const fast = dsl.ema(dsl.close, p);
    const slow = dsl.sma(dsl.close, dsl.num(20));
    const rsi = dsl.rsi(dsl.close, dsl.num(14));
    const rules = {
      longEntry: dsl.and(dsl.crossover(fast, slow), dsl.lt(rsi, dsl.num(70))),
      longExit: dsl.crossunder(fast, slow),
      shortEntry: dsl.and(dsl.crossunder(fast, slow), dsl.gt(rsi, p)),
      shortExit: dsl.crossover(fast, slow),
    };
    const compiled = compileSignals(rules);
    expect(compileSignals(rules)).toBe(compiled);
    expect(compiled.leaves).toEqual([fast, slow, rsi]);
    expect(compiled.scalarInputs).toEqual([dsl.num(70), p]);
    // Literals and parameter values never reach the generated source.
    expect(compiled.source).not.toMatch(/70|20|14/);
  });

  it('refuses an operator outside the expression language instead of generating it', () => {
    const bad = {
      kind: 'compare',
      op: '>; process.exit(1); //',
      left: dsl.close,
      right: dsl.close,
    } as unknown as BoolExpr;
    const rules = { longEntry: bad, longExit: bad, shortEntry: bad, shortExit: bad };
    expect(() => compileSignals(rules)).toThrow(/unknown comparison/);
  });
});
