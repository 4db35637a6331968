import { defineStrategy } from '../declaration.ts';
import { levelParams, oversoldBelowOverbought, rsiLengthParam } from './shared-params.ts';
import { and, bb, close, gt, lt, param, rsi } from '../expr.ts';

const bands = bb(close, param('bbLength'), param('bbMult'));
const rsiValue = rsi(close, param('rsiLength'));

/** Mean reversion: a close outside the bands confirmed by RSI, back to the middle band. */
export const bbRsi = defineStrategy({
  id: 'bb_rsi',
  name: { en: 'Bollinger Bands + RSI', ko: '볼린저 밴드 + RSI' },
  description: {
    en: 'Mean reversion: buys a close below the lower band with RSI oversold, sells short a close above the upper band with RSI overbought, and exits at the middle band.',
    ko: '평균 회귀 전략: 종가가 하단 밴드 아래이고 RSI가 과매도면 매수, 상단 밴드 위이고 RSI가 과매수면 매도(숏)하며, 중심선에서 청산합니다.',
  },
  rulesText: {
    longEntry: {
      en: 'Close < lower band and RSI < oversold.',
      ko: '종가 < 하단 밴드 그리고 RSI < 과매도 기준.',
    },
    longExit: { en: 'Close > middle band.', ko: '종가 > 중심선.' },
    shortEntry: {
      en: 'Close > upper band and RSI > overbought.',
      ko: '종가 > 상단 밴드 그리고 RSI > 과매수 기준.',
    },
    shortExit: { en: 'Close < middle band.', ko: '종가 < 중심선.' },
  },
  params: {
    bbLength: {
      type: 'int',
      default: 20,
      min: 5,
      max: 100,
      step: 1,
      label: { en: 'Bands length', ko: '밴드 기간' },
    },
    bbMult: {
      type: 'float',
      default: 2,
      min: 0.5,
      max: 5,
      step: 0.1,
      label: { en: 'Bands width (σ)', ko: '밴드 폭 (σ)' },
    },
    rsiLength: rsiLengthParam,
    ...levelParams(30, 70, 1),
  },
  constraints: [oversoldBelowOverbought],
  signals: {
    longEntry: and(lt(close, bands.lower), lt(rsiValue, param('oversold'))),
    longExit: gt(close, bands.basis),
    shortEntry: and(gt(close, bands.upper), gt(rsiValue, param('overbought'))),
    shortExit: lt(close, bands.basis),
  },
  plots: [
    { title: 'Basis', expr: bands.basis, color: '#FF6D00', overlay: true },
    { title: 'Upper', expr: bands.upper, color: '#2962FF', overlay: true },
    { title: 'Lower', expr: bands.lower, color: '#2962FF', overlay: true },
    { title: 'RSI', expr: rsiValue, color: '#7E57C2', overlay: false },
  ],
});
