import { defineStrategy } from '../declaration.ts';
import { crossover, crossunder, gt, lt, num, param, supertrend as supertrendIndicator } from '../expr.ts';

const st = supertrendIndicator(param('factor'), param('atrPeriod'));

/** Trend following on the SuperTrend line; Pine direction −1 is an uptrend. */
export const supertrend = defineStrategy({
  id: 'supertrend',
  name: { en: 'SuperTrend', ko: '슈퍼트렌드' },
  description: {
    en: 'Follows the trend of the ATR-based SuperTrend line: long when it flips to an uptrend, short when it flips to a downtrend.',
    ko: 'ATR 기반 슈퍼트렌드 선의 추세를 따릅니다. 상승 추세로 전환되면 매수(롱), 하락 추세로 전환되면 매도(숏)합니다.',
  },
  rulesText: {
    longEntry: {
      en: 'SuperTrend flips to an uptrend (direction turns −1).',
      ko: '슈퍼트렌드가 상승 추세로 전환(방향 −1)될 때.',
    },
    longExit: { en: 'SuperTrend is in a downtrend.', ko: '슈퍼트렌드가 하락 추세일 때.' },
    shortEntry: {
      en: 'SuperTrend flips to a downtrend (direction turns +1).',
      ko: '슈퍼트렌드가 하락 추세로 전환(방향 +1)될 때.',
    },
    shortExit: { en: 'SuperTrend is in an uptrend.', ko: '슈퍼트렌드가 상승 추세일 때.' },
  },
  params: {
    factor: {
      type: 'float',
      default: 3,
      min: 0.5,
      max: 10,
      step: 0.5,
      label: { en: 'ATR factor', ko: 'ATR 배수' },
    },
    atrPeriod: {
      type: 'int',
      default: 10,
      min: 2,
      max: 100,
      step: 1,
      label: { en: 'ATR period', ko: 'ATR 기간' },
    },
  },
  constraints: [],
  signals: {
    longEntry: crossunder(st.direction, num(0)),
    longExit: gt(st.direction, num(0)),
    shortEntry: crossover(st.direction, num(0)),
    shortExit: lt(st.direction, num(0)),
  },
  plots: [{ title: 'SuperTrend', expr: st.line, color: '#2962FF', overlay: true }],
});
