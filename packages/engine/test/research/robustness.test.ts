import { describe, expect, it } from 'vitest';
import { resolveBacktestOptions } from '../../src/backtest/index.ts';
import { loadCandlesCsv } from '../../src/candles/index.ts';
import { score } from '../../src/optimize/objective.ts';
import { searchSpace } from '../../src/optimize/space.ts';
import { neighbourhoodRobustness } from '../../src/research/robustness.ts';
import { backtestStrategy } from '../../src/strategy/run.ts';
import { getStrategy } from '../../src/strategy/strategies/index.ts';
import { realCandlesFile } from '../support/shared-data.ts';

const candles = await loadCandlesCsv(realCandlesFile('ETHUSDT-1h.csv').path);
const options = resolveBacktestOptions({});

describe('parameter-neighbourhood robustness', () => {
  it('scores every valid one-step neighbour with a full backtest', () => {
    const declaration = getStrategy('ema_cross');
    const space = searchSpace(declaration, {
      fastLength: { min: 5, max: 15 },
      slowLength: { min: 6, max: 40 },
    });
    const params = { fastLength: 10, slowLength: 11 };
    const report = neighbourhoodRobustness({
      declaration,
      candles,
      options,
      objective: 'net_profit',
      minTrades: 1,
      params,
      space,
    });
    // fast 9 and slow 12 are valid; fast 11 (= slow) and slow 10 (= fast) break fast < slow.
    expect(report.neighbours.map((n) => [n.param, n.value])).toEqual([
      ['fastLength', 9],
      ['slowLength', 12],
    ]);
    const direct = (p: Record<string, number>) =>
      score('net_profit', backtestStrategy(declaration, candles, p, options).result.metrics, 1);
    expect(report.score).toBe(direct(params));
    expect(report.neighbours[0]!.score).toBe(direct({ fastLength: 9, slowLength: 11 }));
    expect(report.neighbours[1]!.score).toBe(direct({ fastLength: 10, slowLength: 12 }));
    const mean = (report.neighbours[0]!.score + report.neighbours[1]!.score) / 2;
    expect(report.meanNeighbourScore).toBe(mean);
    if (report.score > 0) expect(report.robustness).toBeCloseTo(mean / report.score, 12);
    else expect(report.robustness).toBeNull();
  });

  it('is 1 on a plateau: a parameter fixed in the space has no neighbours to lose to', () => {
    const declaration = getStrategy('supertrend');
    const space = searchSpace(declaration, { atrPeriod: 10, factor: 3 });
    const report = neighbourhoodRobustness({
      declaration,
      candles,
      options,
      objective: 'net_profit',
      minTrades: 1,
      params: { atrPeriod: 10, factor: 3 },
      space,
    });
    expect(report.neighbours).toEqual([]);
    expect(report.robustness).toBeNull();
    expect(report.worstDropPct).toBeNull();
  });
});
