import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { candleAt } from '../../src/candles/series.ts';
import { compileSignals } from '../../src/strategy/compile-signals.ts';
import { evaluateStrategy } from '../../src/strategy/evaluate.ts';
import * as dsl from '../../src/strategy/expr.ts';
import type { BoolExpr } from '../../src/strategy/expr.ts';
import { LiveSignalEvaluator } from '../../src/strategy/live.ts';
import { boolArb, candlesArb, declarationOf, p } from '../support/random-rules.ts';

/**
 * The compiled signal kernel against the bar-by-bar LiveSignalEvaluator — a separate
 * implementation over the incremental indicators — on random expression trees and random candles.
 * Prices are whole numbers, so running sums are exact and both sides see the same indicator
 * values; warm-up NaN, x/0 and NaN through max/min and crosses all occur.
 */
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
