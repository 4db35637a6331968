import { defineStrategy } from '../declaration.ts';
import { close, crossover, crossunder, ema, param } from '../expr.ts';

const fastEma = ema(close, param('fastLength'));
const slowEma = ema(close, param('slowLength'));

/** The classic moving-average crossover, always in the market once the first cross happened. */
export const emaCross = defineStrategy({
  id: 'ema_cross',
  name: { en: 'EMA Crossover', ko: 'EMA 크로스오버' },
  description: {
    en: 'Long when the fast EMA crosses above the slow EMA, short when it crosses below.',
    ko: '단기 EMA가 장기 EMA를 상향 돌파하면 롱, 하향 돌파하면 숏합니다.',
  },
  rulesText: {
    longEntry: { en: 'Fast EMA crosses above slow EMA.', ko: '단기 EMA가 장기 EMA를 상향 돌파.' },
    longExit: { en: 'Fast EMA crosses below slow EMA.', ko: '단기 EMA가 장기 EMA를 하향 돌파.' },
    shortEntry: { en: 'Fast EMA crosses below slow EMA.', ko: '단기 EMA가 장기 EMA를 하향 돌파.' },
    shortExit: { en: 'Fast EMA crosses above slow EMA.', ko: '단기 EMA가 장기 EMA를 상향 돌파.' },
  },
  params: {
    fastLength: {
      type: 'int',
      default: 9,
      min: 2,
      max: 100,
      step: 1,
      label: { en: 'Fast EMA length', ko: '단기 EMA 기간' },
    },
    slowLength: {
      type: 'int',
      default: 21,
      min: 3,
      max: 300,
      step: 1,
      label: { en: 'Slow EMA length', ko: '장기 EMA 기간' },
    },
  },
  constraints: [
    {
      kind: 'less_than',
      smaller: 'fastLength',
      larger: 'slowLength',
      message: {
        en: 'the fast EMA must be shorter than the slow EMA',
        ko: '단기 EMA 기간은 장기 EMA 기간보다 짧아야 합니다',
      },
    },
  ],
  signals: {
    longEntry: crossover(fastEma, slowEma),
    longExit: crossunder(fastEma, slowEma),
    shortEntry: crossunder(fastEma, slowEma),
    shortExit: crossover(fastEma, slowEma),
  },
  plots: [
    { title: 'Fast EMA', expr: fastEma, color: '#2962FF', overlay: true },
    { title: 'Slow EMA', expr: slowEma, color: '#FF6D00', overlay: true },
  ],
});
