import { describe, expect, it } from 'vitest';
import { walkForwardRanges } from '../../src/optimize/optimizer.ts';
import {
  gridCandidates,
  gridSize,
  randomCandidates,
  rangeValues,
  searchSpace,
} from '../../src/optimize/space.ts';
import { getStrategy } from '../../src/strategy/strategies/index.ts';

describe('search space', () => {
  it('steps ranges by integer counts, without float drift', () => {
    expect(rangeValues({ min: 0.5, max: 2, step: 0.5 })).toEqual([0.5, 1, 1.5, 2]);
    // 0.1 + 0.2 would be 0.30000000000000004 by accumulation.
    expect(rangeValues({ min: 0.1, max: 0.5, step: 0.1 })).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(rangeValues({ min: 3, max: 3, step: 1 })).toEqual([3]);
  });

  it('counts and enumerates the grid, keeping only valid combinations', () => {
    const emaCross = getStrategy('ema_cross');
    const space = searchSpace(emaCross, { fastLength: { min: 5, max: 10 }, slowLength: { min: 8, max: 12 } });
    expect(gridSize(space)).toBe(6 * 5);
    // fast < slow: fast 5,6,7 pair with all 5 slows; fast 8 with 9..12 (4); 9 with 10..12 (3); 10 with 11,12 (2).
    const grid = gridCandidates(emaCross, space);
    expect(grid).toHaveLength(5 + 5 + 5 + 4 + 3 + 2);
    expect(grid.every((p) => p.fastLength! < p.slowLength!)).toBe(true);
  });

  it('fixes a parameter given as a number and refuses ranges outside the declaration', () => {
    const supertrend = getStrategy('supertrend');
    expect(searchSpace(supertrend, { atrPeriod: 10 }).atrPeriod).toEqual({ min: 10, max: 10, step: 1 });
    expect(() => searchSpace(supertrend, { atrPeriod: { min: 1 } })).toThrow('must lie within 2..100');
    expect(() => searchSpace(supertrend, { atrPeriod: { step: 0.5 } })).toThrow('whole number');
    expect(() => searchSpace(supertrend, { nope: 1 })).toThrow('has no parameter "nope"');
  });

  it('draws a reproducible sample of distinct valid combinations', () => {
    const macdStoch = getStrategy('macd_stoch');
    const space = searchSpace(macdStoch);
    const a = randomCandidates(macdStoch, space, 50, 7);
    const b = randomCandidates(macdStoch, space, 50, 7);
    const c = randomCandidates(macdStoch, space, 50, 8);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(new Set(a.map((p) => JSON.stringify(p))).size).toBe(50);
    expect(a.every((p) => p.fast! < p.slow! && p.oversold! < p.overbought!)).toBe(true);
  });
});

describe('walk-forward windows', () => {
  it('tile the end of the data with out-of-sample windows after their in-sample windows', () => {
    // 1000 bars, 4 windows, in-sample 3× out-of-sample: oos = floor(1000 / 7) = 142, is = 426,
    // start = 1000 − 4·142 − 426 = 6.
    expect(walkForwardRanges(1000, 4, 3)).toEqual([
      { inSample: { from: 6, to: 432 }, outOfSample: { from: 432, to: 574 } },
      { inSample: { from: 148, to: 574 }, outOfSample: { from: 574, to: 716 } },
      { inSample: { from: 290, to: 716 }, outOfSample: { from: 716, to: 858 } },
      { inSample: { from: 432, to: 858 }, outOfSample: { from: 858, to: 1000 } },
    ]);
  });

  it('refuses windows too short to mean anything', () => {
    expect(() => walkForwardRanges(300, 10, 3)).toThrow('use fewer windows or more data');
  });
});
