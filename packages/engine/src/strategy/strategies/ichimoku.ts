import { defineStrategy } from '../declaration.ts';
import {
  and,
  close,
  crossover,
  crossunder,
  gt,
  ichimoku as ichimokuIndicator,
  lt,
  max,
  min,
  param,
} from '../expr.ts';

const ichi = ichimokuIndicator(param('conversion'), param('base'), param('spanB'), param('displacement'));
// "The cloud" is the one drawn at the current bar: spans computed displacement − 1 bars ago.
const cloudTop = max(ichi.cloudA, ichi.cloudB);
const cloudBottom = min(ichi.cloudA, ichi.cloudB);

/** Tenkan/Kijun crosses taken only on the right side of the cloud; the Kijun is the exit. */
export const ichimoku = defineStrategy({
  id: 'ichimoku',
  name: { en: 'Ichimoku Cloud', ko: '일목균형표' },
  description: {
    en: 'Takes conversion/base line crosses in the direction of the cloud: long above the cloud, short below it; exits when price closes back through the base line. "The cloud" is the one drawn at the current bar (spans of displacement − 1 bars ago).',
    ko: '구름대 방향의 전환선/기준선 교차에 진입합니다. 구름 위에서는 롱, 아래에서는 숏. 가격이 기준선을 되돌아 넘으면 청산합니다. "구름"은 현재 봉에 그려진 구름(displacement − 1 봉 전의 선행스팬)입니다.',
  },
  rulesText: {
    longEntry: {
      en: 'Conversion crosses above base and close is above the cloud.',
      ko: '전환선이 기준선을 상향 돌파하고 종가가 구름 위.',
    },
    longExit: { en: 'Close crosses below the base line.', ko: '종가가 기준선을 하향 돌파.' },
    shortEntry: {
      en: 'Conversion crosses below base and close is below the cloud.',
      ko: '전환선이 기준선을 하향 돌파하고 종가가 구름 아래.',
    },
    shortExit: { en: 'Close crosses above the base line.', ko: '종가가 기준선을 상향 돌파.' },
  },
  params: {
    conversion: {
      type: 'int',
      default: 9,
      min: 2,
      max: 60,
      step: 1,
      label: { en: 'Conversion line length', ko: '전환선 기간' },
    },
    base: {
      type: 'int',
      default: 26,
      min: 2,
      max: 120,
      step: 1,
      label: { en: 'Base line length', ko: '기준선 기간' },
    },
    spanB: {
      type: 'int',
      default: 52,
      min: 2,
      max: 240,
      step: 1,
      label: { en: 'Leading span B length', ko: '선행스팬 B 기간' },
    },
    displacement: {
      type: 'int',
      default: 26,
      min: 1,
      max: 120,
      step: 1,
      label: { en: 'Displacement', ko: '이동 기간' },
    },
  },
  constraints: [
    {
      kind: 'less_than',
      smaller: 'conversion',
      larger: 'base',
      message: {
        en: 'the conversion length must be below the base length',
        ko: '전환선 기간은 기준선 기간보다 작아야 합니다',
      },
    },
  ],
  signals: {
    longEntry: and(crossover(ichi.conversion, ichi.base), gt(close, cloudTop)),
    longExit: crossunder(close, ichi.base),
    shortEntry: and(crossunder(ichi.conversion, ichi.base), lt(close, cloudBottom)),
    shortExit: crossover(close, ichi.base),
  },
  plots: [
    { title: 'Conversion', expr: ichi.conversion, color: '#2962FF', overlay: true },
    { title: 'Base', expr: ichi.base, color: '#B71C1C', overlay: true },
    { title: 'Cloud A', expr: ichi.cloudA, color: '#43A047', overlay: true },
    { title: 'Cloud B', expr: ichi.cloudB, color: '#FF5252', overlay: true },
  ],
});
