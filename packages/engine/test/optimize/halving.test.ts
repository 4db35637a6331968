import { describe, expect, it } from 'vitest';
import { resolveBacktestOptions } from '../../src/backtest/index.ts';
import { loadCandlesCsv } from '../../src/candles/index.ts';
import { successiveHalving } from '../../src/optimize/halving.ts';
import { optimize } from '../../src/optimize/optimizer.ts';
import { realCandlesFile } from '../support/shared-data.ts';

/**
 * A synthetic objective with a known optimum at (37, 81) on a 100 × 100 grid: a smooth bowl, plus
 * noise that shrinks as the fidelity grows (a backtest on less data is a noisier estimate), exact at
 * fidelity 1.
 */
const OPT = { x: 37, y: 81 };
function objective(p: { x: number; y: number }, fidelity: number): number {
  const bowl = -((p.x - OPT.x) ** 2 + (p.y - OPT.y) ** 2);
  const hash = Math.sin(p.x * 12.9898 + p.y * 78.233) * 43758.5453;
  const noise = (hash - Math.floor(hash) - 0.5) * 40 * (1 - fidelity);
  return bowl + noise;
}
const sampleGrid = (random: () => number) => ({
  x: Math.floor(random() * 100),
  y: Math.floor(random() * 100),
});

describe('successive halving', () => {
  it('lands within one grid step of the known optimum of a synthetic objective, for every seed', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const result = successiveHalving({
        sample: sampleGrid,
        evaluate: objective,
        budget: { evaluations: 2000 },
        eta: 3,
        rungs: 3,
        bracketSize: 27,
        seed,
      });
      expect(result.cost).toBeLessThanOrEqual(2000 + 1e-9);
      // The budget buys ~2.3 full evaluations per candidate kept... and far more candidates drawn.
      expect(result.evaluations).toBeGreaterThan(result.cost * 2);
      const best = result.finalists[0]!.candidate;
      expect(Math.abs(best.x - OPT.x)).toBeLessThanOrEqual(1);
      expect(Math.abs(best.y - OPT.y)).toBeLessThanOrEqual(1);
      // At fidelity 1 the score is exact: the bowl's value at the point found.
      expect(result.finalists[0]!.score).toBe(-((best.x - OPT.x) ** 2 + (best.y - OPT.y) ** 2));
    }
  });

  it('beats plain random search at the same cost', () => {
    let halvingWins = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const halving = successiveHalving({
        sample: sampleGrid,
        evaluate: objective,
        budget: { evaluations: 60 },
        seed,
      });
      const random = successiveHalving({
        sample: sampleGrid,
        evaluate: objective,
        budget: { evaluations: 60 },
        rungs: 1,
        bracketSize: 1,
        seed,
      });
      if (halving.finalists[0]!.score >= random.finalists[0]!.score) halvingWins++;
    }
    expect(halvingWins).toBeGreaterThanOrEqual(15);
  });

  it('stops on a budget in seconds and never without a budget', () => {
    let clock = 0;
    const result = successiveHalving({
      sample: sampleGrid,
      budget: { seconds: 5 },
      // Each evaluation takes 0.1 s of this clock.
      now: () => clock,
      seed: 1,
      ...{ evaluate: (p: { x: number; y: number }, f: number) => ((clock += 100), objective(p, f)) },
    });
    expect(result.evaluations).toBe(50);
    expect(result.seconds).toBeCloseTo(5, 9);
    expect(() => successiveHalving({ sample: sampleGrid, evaluate: objective, budget: {} })).toThrow(
      'budget',
    );
  });
});

describe("optimize({ method: 'halving' }) on real candles", () => {
  it('ranks its finalists by full-data backtests and walks forward with a search per in-sample window', async () => {
    const candles = await loadCandlesCsv(realCandlesFile('ETHUSDT-1h.csv').path);
    const request = {
      strategy: 'macd_stoch',
      candles,
      backtest: resolveBacktestOptions({}),
      method: 'halving' as const,
      budget: { evaluations: 30 },
      seed: 2,
      walkForward: 2,
      minTrades: 1,
      workers: 1,
    };
    const result = await optimize(request);
    expect(result.method).toBe('halving');
    expect(result.search!.cost).toBeLessThanOrEqual(30 + 1e-9);
    expect(result.candidates).toBe(result.search!.evaluations);
    expect(result.candidates).toBeGreaterThan(30);
    const scores = result.ranking.map((r) => r.metrics.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // Each finalist's figures are those of a plain one-set optimization on the whole data.
    const best = result.ranking[0]!;
    const fixed = Object.fromEntries(Object.entries(best.params).map(([k, v]) => [k, v]));
    const single = await optimize({ ...request, method: 'grid', space: fixed, walkForward: 0 });
    expect(single.ranking[0]!.metrics).toEqual(best.metrics);
    expect(result.walkForward!.windows).toHaveLength(2);
    // The same seed gives the same search (only its wall time differs).
    const again = await optimize(request);
    expect({ ...again, search: { ...again.search!, seconds: 0 } }).toEqual({
      ...result,
      search: { ...result.search!, seconds: 0 },
    });
    await expect(optimize({ ...request, budget: { evaluations: 0.5 } })).rejects.toThrow('budget ran out');
  });
});
