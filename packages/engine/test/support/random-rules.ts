import fc from 'fast-check';
import { seriesFromRows } from '../../src/candles/series.ts';
import type { StrategyDeclaration } from '../../src/strategy/declaration.ts';
import * as dsl from '../../src/strategy/expr.ts';
import type { BoolExpr, NumExpr } from '../../src/strategy/expr.ts';

/**
 * Random rule declarations and random candles (fast-check), shared by the compiled-kernel test
 * and the lookahead test. Prices are whole numbers, so running sums are exact.
 */
export const p = dsl.param('p');
const sources = [dsl.close, dsl.source('open'), dsl.source('high'), dsl.source('low'), dsl.source('hl2')];
export const leafArb: fc.Arbitrary<NumExpr> = fc.oneof(
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

export const { bool: boolArb } = fc.letrec<{ num: NumExpr; bool: BoolExpr }>((tie) => ({
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

export const candlesArb = fc
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

export function declarationOf(signals: StrategyDeclaration['signals']): StrategyDeclaration {
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
