import { describe, expect, it } from 'vitest';
import { isAppError } from '@tradingbot/core';
import { defineStrategy, defaultParams, resolveParams } from '../../src/strategy/declaration.ts';
import { close, crossover, ema, param } from '../../src/strategy/expr.ts';
import { getStrategy, STRATEGIES, STRATEGY_IDS } from '../../src/strategy/strategies/index.ts';

function errorOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('the six strategies', () => {
  it('are exactly the ids the product promises', () => {
    expect(STRATEGY_IDS).toEqual(['supertrend', 'rsi_ema', 'macd_stoch', 'ichimoku', 'bb_rsi', 'ema_cross']);
  });

  it.each(STRATEGIES.map((s) => [s.id, s] as const))(
    '%s is documented in English and Korean',
    (_id, strategy) => {
      for (const text of [strategy.name, strategy.description, ...Object.values(strategy.rulesText)]) {
        expect(text.en.length).toBeGreaterThan(2);
        expect(text.ko).toMatch(/[\uac00-\ud7a3]|RSI|EMA/); // Hangul, or an indicator name kept as is
      }
      for (const spec of Object.values(strategy.params)) {
        expect(spec.min).toBeLessThanOrEqual(spec.default);
        expect(spec.default).toBeLessThanOrEqual(spec.max);
        expect(spec.step).toBeGreaterThan(0);
        expect(spec.label.en && spec.label.ko).toBeTruthy();
      }
    },
  );

  it('answers an unknown id with the list of known ones', () => {
    const error = errorOf(() => getStrategy('rsi'));
    expect(isAppError(error) && error.code).toBe('UNKNOWN_STRATEGY');
    expect((error as Error).message).toContain(
      'supertrend, rsi_ema, macd_stoch, ichimoku, bb_rsi, ema_cross',
    );
  });
});

describe('resolveParams', () => {
  const emaCross = getStrategy('ema_cross');

  it('fills defaults and accepts numeric strings', () => {
    expect(resolveParams(emaCross)).toEqual({ fastLength: 9, slowLength: 21 });
    expect(resolveParams(emaCross, { fastLength: '5' })).toEqual({ fastLength: 5, slowLength: 21 });
  });

  it.each([
    [{ fastLength: 1 }, 'fastLength must be between 2 and 100'],
    [{ fastLength: 5.5 }, 'fastLength must be a whole number'],
    [{ fastLength: 'x' }, 'fastLength must be a number'],
    [{ fastLength: null }, 'fastLength must be a number'],
    [{ fast: 5 }, 'has no parameter "fast"; its parameters are fastLength, slowLength'],
    [{ fastLength: 30, slowLength: 20 }, 'the fast EMA must be shorter than the slow EMA'],
  ])('refuses %j with a message naming the problem', (given, message) => {
    const error = errorOf(() => resolveParams(emaCross, given));
    expect(isAppError(error) && error.code).toBe('INVALID_STRATEGY_PARAMS');
    expect(isAppError(error) && error.status).toBe(400);
    expect((error as Error).message).toContain(message);
  });

  it('accepts floats for float parameters', () => {
    expect(resolveParams(getStrategy('supertrend'), { factor: 2.5 }).factor).toBe(2.5);
  });
});

describe('defineStrategy', () => {
  const base = {
    id: 't',
    name: { en: 'T', ko: '티' },
    description: { en: 'T', ko: '티' },
    rulesText: {
      longEntry: { en: 'a', ko: '가' },
      longExit: { en: 'a', ko: '가' },
      shortEntry: { en: 'a', ko: '가' },
      shortExit: { en: 'a', ko: '가' },
    },
    constraints: [],
    plots: [],
  };
  const rule = crossover(close, ema(close, param('length')));
  const signals = { longEntry: rule, longExit: rule, shortEntry: rule, shortExit: rule };
  const length = {
    type: 'int' as const,
    default: 10,
    min: 2,
    max: 50,
    step: 1,
    label: { en: 'L', ko: '엘' },
  };

  it('refuses a parameter used but not declared, and one declared but unused', () => {
    expect(() => defineStrategy({ ...base, params: {}, signals })).toThrow(
      '"length" is used but not declared',
    );
    expect(() => defineStrategy({ ...base, params: { length, other: length }, signals })).toThrow(
      '"other" is declared but never used',
    );
  });

  it('refuses a default outside its own range', () => {
    expect(() =>
      defineStrategy({ ...base, params: { length: { ...length, default: 60 } }, signals }),
    ).toThrow('default of length must be between 2 and 50');
  });

  it('keeps a valid declaration and derives its defaults', () => {
    expect(defaultParams(defineStrategy({ ...base, params: { length }, signals }))).toEqual({ length: 10 });
  });
});
