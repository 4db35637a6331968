import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCandlesCsv } from '../../src/candles/index.ts';
import { searchSpace, randomCandidates } from '../../src/optimize/space.ts';
import { checkLookahead, perturbAfter } from '../../src/research/lookahead.ts';
import { defaultParams } from '../../src/strategy/declaration.ts';
import { evaluateStrategy } from '../../src/strategy/evaluate.ts';
import { STRATEGIES } from '../../src/strategy/strategies/index.ts';
import { mulberry32 } from '../../src/candles/synthetic.ts';
import { boolArb, candlesArb, declarationOf } from '../support/random-rules.ts';
import { realCandlesFile } from '../support/shared-data.ts';

const candles = await loadCandlesCsv(realCandlesFile('ETHUSDT-1h.csv').path);

describe('lookahead: changing the future leaves every past decision unchanged', () => {
  it.each(STRATEGIES.map((s) => [s.id, s] as const))(
    '%s, at its defaults and 6 random parameter sets, on real candles',
    (_id, declaration) => {
      const sets = [
        defaultParams(declaration),
        ...randomCandidates(declaration, searchSpace(declaration), 6, 11),
      ];
      for (const params of sets) {
        const report = checkLookahead(declaration, candles, params, { cuts: 6, seed: 5 });
        expect(report.cuts).toHaveLength(6);
        expect({ params, violations: report.violations }).toEqual({ params, violations: [] });
      }
    },
  );

  it('holds for random rule declarations on random candles', () => {
    fc.assert(
      fc.property(
        fc.record({ longEntry: boolArb, longExit: boolArb, shortEntry: boolArb, shortExit: boolArb }),
        candlesArb,
        fc.integer({ min: 1, max: 5 }),
        fc.nat(),
        (signals, series, pValue, seed) => {
          const report = checkLookahead(declarationOf(signals), series, { p: pValue }, { cuts: 4, seed });
          expect(report.violations).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('catches rules that read the next bar, and the future it draws really differs', () => {
    const declaration = STRATEGIES[0]!;
    // An evaluator that cheats: its signal bits are read from the NEXT close.
    const report = checkLookahead(declaration, candles, defaultParams(declaration), {
      cuts: 5,
      signalsOf: (series) => {
        const out = new Uint8Array(series.length);
        for (let i = 0; i + 1 < series.length; i++) out[i] = Math.floor(series.close[i + 1]! * 1e6) % 251;
        return out;
      },
    });
    expect(report.violations).toHaveLength(5);
    for (const v of report.violations) expect(v.bar).toBe(v.cut);

    const changed = perturbAfter(candles, 100, mulberry32(1));
    expect(changed.close.subarray(0, 101)).toEqual(candles.close.subarray(0, 101));
    let different = 0;
    for (let i = 101; i < candles.length; i++) if (changed.close[i] !== candles.close[i]) different++;
    expect(different).toBe(candles.length - 101);
    for (let i = 101; i < candles.length; i++) {
      expect(changed.high[i]).toBeGreaterThanOrEqual(Math.max(changed.open[i]!, changed.close[i]!));
      expect(changed.low[i]).toBeLessThanOrEqual(Math.min(changed.open[i]!, changed.close[i]!));
    }
    // The strategy itself sees the change: its signals after the cut differ somewhere.
    const params = defaultParams(declaration);
    const before = evaluateStrategy(declaration, candles, params).packedSignals;
    const after = evaluateStrategy(declaration, changed, params).packedSignals;
    expect(after.subarray(101)).not.toEqual(before.subarray(101));
  });
});
