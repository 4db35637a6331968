import { describe, expect, it } from 'vitest';
import { fundingSeries, resolveBacktestOptions } from '../../src/backtest/index.ts';
import { resample } from '../../src/candles/index.ts';
import { syntheticCandles } from '../../src/candles/synthetic.ts';
import { optimize } from '../../src/optimize/optimizer.ts';
import { backtestStrategy } from '../../src/strategy/run.ts';

const HOUR = 3_600_000;
const lower = syntheticCandles({
  bars: 4 * 1500,
  timeframe: '15m',
  seed: 11,
  startTime: Date.UTC(2024, 0, 1),
});
const candles = resample(lower, '1h');
// A funding event every eight hours at 0.01 %, settled at the bar's close (no mark price).
const funding = fundingSeries(
  Array.from({ length: 1500 / 8 }, (_, k) => ({
    time: Date.UTC(2024, 0, 1) + (k + 1) * 8 * HOUR,
    rate: 0.0001,
  })),
);
const options = resolveBacktestOptions({
  stopLoss: { type: 'percent', percent: 0.5 },
  takeProfit: { type: 'percent', percent: 0.5 },
});
const params = { fastLength: 9, slowLength: 21 };

describe('an optimization with funding and the bar magnifier', () => {
  it('scores a set as backtestStrategy does with the same inputs', async () => {
    const inputs = { funding, lowerTimeframe: lower };
    const request = {
      strategy: 'ema_cross',
      candles,
      backtest: options,
      space: params,
      minTrades: 0,
      walkForward: 0,
      robustness: false,
    };
    const plain = await optimize(request);
    const realistic = await optimize({ ...request, inputs });
    const expected = backtestStrategy('ema_cross', candles, params, options, inputs).result.metrics;
    const without = backtestStrategy('ema_cross', candles, params, options).result.metrics;
    expect(expected.funding).not.toBe(0);
    expect(realistic.ranking[0]!.metrics.netProfit).toBeCloseTo(expected.netProfit, 9);
    expect(plain.ranking[0]!.metrics.netProfit).toBeCloseTo(without.netProfit, 9);
    expect(realistic.ranking[0]!.metrics.netProfit).not.toBeCloseTo(without.netProfit, 3);
  });
});
