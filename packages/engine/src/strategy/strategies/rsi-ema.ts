import { defineStrategy } from '../declaration.ts';
import { levelParams, oversoldBelowOverbought, rsiLengthParam } from './shared-params.ts';
import { and, close, crossover, crossunder, ema, gt, lt, param, rsi } from '../expr.ts';

const rsiValue = rsi(close, param('rsiLength'));
const trend = ema(close, param('emaLength'));

/** Mean reversion inside the trend: buy oversold dips above the EMA, sell overbought rallies below it. */
export const rsiEma = defineStrategy({
  id: 'rsi_ema',
  name: { en: 'RSI + EMA', ko: 'RSI + EMA' },
  description: {
    en: 'Buys when RSI recovers from oversold while price is above the trend EMA; sells short when RSI falls back from overbought below it.',
    ko: '가격이 추세 EMA 위에 있을 때 RSI가 과매도에서 회복하면 매수하고, EMA 아래에서 RSI가 과매수에서 내려오면 매도(숏)합니다.',
  },
  rulesText: {
    longEntry: {
      en: 'RSI crosses above the oversold level and close > EMA.',
      ko: 'RSI가 과매도 수준을 상향 돌파하고 종가 > EMA.',
    },
    longExit: { en: 'RSI crosses above the overbought level.', ko: 'RSI가 과매수 수준을 상향 돌파.' },
    shortEntry: {
      en: 'RSI crosses below the overbought level and close < EMA.',
      ko: 'RSI가 과매수 수준을 하향 돌파하고 종가 < EMA.',
    },
    shortExit: { en: 'RSI crosses below the oversold level.', ko: 'RSI가 과매도 수준을 하향 돌파.' },
  },
  params: {
    rsiLength: rsiLengthParam,
    ...levelParams(30, 70, 1),
    emaLength: {
      type: 'int',
      default: 200,
      min: 5,
      max: 400,
      step: 5,
      label: { en: 'Trend EMA length', ko: '추세 EMA 기간' },
    },
  },
  constraints: [oversoldBelowOverbought],
  signals: {
    longEntry: and(crossover(rsiValue, param('oversold')), gt(close, trend)),
    longExit: crossover(rsiValue, param('overbought')),
    shortEntry: and(crossunder(rsiValue, param('overbought')), lt(close, trend)),
    shortExit: crossunder(rsiValue, param('oversold')),
  },
  plots: [
    { title: 'EMA', expr: trend, color: '#FF9800', overlay: true },
    { title: 'RSI', expr: rsiValue, color: '#7E57C2', overlay: false },
  ],
});
