import { defineStrategy } from '../declaration.ts';
import { levelParams, oversoldBelowOverbought } from './shared-params.ts';
import { and, close, crossover, crossunder, gt, lt, macd as macdIndicator, param, stoch } from '../expr.ts';

const m = macdIndicator(close, param('fast'), param('slow'), param('signal'));
const s = stoch(param('stochLength'), param('stochSmoothK'), param('stochSmoothD'));

/** Momentum: MACD crosses confirmed by a stochastic that is not already stretched. */
export const macdStoch = defineStrategy({
  id: 'macd_stoch',
  name: { en: 'MACD + Stochastic', ko: 'MACD + 스토캐스틱' },
  description: {
    en: 'Enters on MACD line / signal crosses when the stochastic %K is not already overbought (long) or oversold (short); exits when %K turns against the position from the extreme zone.',
    ko: 'MACD선과 시그널선의 교차에 진입하되, 스토캐스틱 %K가 이미 과매수(롱)나 과매도(숏)가 아닐 때만 진입합니다. %K가 극단 구간에서 반대로 꺾이면 청산합니다.',
  },
  rulesText: {
    longEntry: {
      en: 'MACD crosses above its signal line and %K < overbought.',
      ko: 'MACD가 시그널선을 상향 돌파하고 %K < 과매수 기준.',
    },
    longExit: {
      en: '%K crosses below %D while %K > overbought.',
      ko: '%K > 과매수 기준에서 %K가 %D를 하향 돌파.',
    },
    shortEntry: {
      en: 'MACD crosses below its signal line and %K > oversold.',
      ko: 'MACD가 시그널선을 하향 돌파하고 %K > 과매도 기준.',
    },
    shortExit: {
      en: '%K crosses above %D while %K < oversold.',
      ko: '%K < 과매도 기준에서 %K가 %D를 상향 돌파.',
    },
  },
  params: {
    fast: {
      type: 'int',
      default: 12,
      min: 2,
      max: 50,
      step: 1,
      label: { en: 'MACD fast length', ko: 'MACD 단기' },
    },
    slow: {
      type: 'int',
      default: 26,
      min: 5,
      max: 100,
      step: 1,
      label: { en: 'MACD slow length', ko: 'MACD 장기' },
    },
    signal: {
      type: 'int',
      default: 9,
      min: 2,
      max: 50,
      step: 1,
      label: { en: 'MACD signal length', ko: 'MACD 시그널' },
    },
    stochLength: {
      type: 'int',
      default: 14,
      min: 2,
      max: 100,
      step: 1,
      label: { en: 'Stochastic %K length', ko: '스토캐스틱 %K 기간' },
    },
    stochSmoothK: {
      type: 'int',
      default: 3,
      min: 1,
      max: 20,
      step: 1,
      label: { en: '%K smoothing', ko: '%K 평활' },
    },
    stochSmoothD: {
      type: 'int',
      default: 3,
      min: 1,
      max: 20,
      step: 1,
      label: { en: '%D smoothing', ko: '%D 평활' },
    },
    ...levelParams(20, 80, 5),
  },
  constraints: [
    {
      kind: 'less_than',
      smaller: 'fast',
      larger: 'slow',
      message: {
        en: 'the fast MACD length must be below the slow one',
        ko: 'MACD 단기 기간은 장기 기간보다 작아야 합니다',
      },
    },
    oversoldBelowOverbought,
  ],
  signals: {
    longEntry: and(crossover(m.macd, m.signal), lt(s.k, param('overbought'))),
    longExit: and(crossunder(s.k, s.d), gt(s.k, param('overbought'))),
    shortEntry: and(crossunder(m.macd, m.signal), gt(s.k, param('oversold'))),
    shortExit: and(crossover(s.k, s.d), lt(s.k, param('oversold'))),
  },
  plots: [
    { title: 'MACD', expr: m.macd, color: '#2962FF', overlay: false },
    { title: 'Signal', expr: m.signal, color: '#FF6D00', overlay: false },
    { title: '%K', expr: s.k, color: '#00897B', overlay: false },
    { title: '%D', expr: s.d, color: '#E91E63', overlay: false },
  ],
});
