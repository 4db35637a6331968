import { describe, expect, it } from 'vitest';
import { resolveBacktestOptions } from '../../src/backtest/index.ts';
import { loadCandlesCsv } from '../../src/candles/index.ts';
import { syntheticCandles } from '../../src/candles/synthetic.ts';
import { evaluateCandidate, type EvaluationContext } from '../../src/optimize/evaluate-candidate.ts';
import { optimize } from '../../src/optimize/optimizer.ts';
import { IndicatorCache } from '../../src/strategy/indicator-cache.ts';
import { getStrategy, STRATEGY_IDS } from '../../src/strategy/strategies/index.ts';
import { realCandlesFile } from '../support/shared-data.ts';

// Real hourly ETHUSDT candles (the vendored BTC sample without ../shared/data).
const candles = await loadCandlesCsv(realCandlesFile('ETHUSDT-1h.csv').path);
const atrStops = resolveBacktestOptions({
  stopLoss: { type: 'atr', multiplier: 2 },
  takeProfit: { type: 'atr', multiplier: 3 },
});

describe('indicator cache inside an optimization', () => {
  it.each(STRATEGY_IDS)(
    '%s: every metric of every set and every walk-forward window is identical with and without the cache',
    async (strategy) => {
      const request = {
        strategy,
        candles,
        backtest: atrStops,
        method: 'random' as const,
        trials: 40,
        seed: 3,
        walkForward: 3,
        minTrades: 1,
        workers: 1,
      };
      const uncached = await optimize({ ...request, indicatorCache: false });
      const cached = await optimize({ ...request, indicatorCache: true });
      // 64 KiB holds less than one series of these candles' outputs: every entry is evicted.
      const starved = await optimize({ ...request, indicatorCache: 64 * 1024 });
      expect(uncached.candidates).toBe(40);
      expect(cached).toEqual(uncached);
      expect(starved).toEqual(uncached);
    },
  );

  it('gives the same ranking on worker threads, each with its own cache', async () => {
    const request = {
      strategy: 'ema_cross',
      candles,
      backtest: resolveBacktestOptions({}),
      method: 'grid' as const,
      space: { fastLength: { min: 5, max: 12 }, slowLength: { min: 20, max: 29 } },
      trials: 1000,
      walkForward: 2,
    };
    const inline = await optimize({ ...request, workers: 1, indicatorCache: false });
    const threaded = await optimize({ ...request, workers: 2, indicatorCache: true });
    expect(inline.candidates).toBe(80);
    expect(threaded).toEqual(inline);
  });

  it('computes each distinct series once per candle series: a fast × slow grid needs each length once', () => {
    const cache = new IndicatorCache();
    const context: EvaluationContext = {
      declaration: getStrategy('ema_cross'),
      candles,
      options: atrStops,
      objective: 'sharpe',
      minTrades: 1,
      cache,
    };
    const ranges = [{ from: 0, to: candles.length }];
    for (let fast = 5; fast < 10; fast++) {
      for (let slow = 20; slow < 26; slow++) {
        evaluateCandidate(context, { params: { fastLength: fast, slowLength: slow }, ranges });
      }
    }
    // 30 sets × (two EMAs + the stop ATR) lookups; computed: 5 fast + 6 slow EMAs and the ATR once.
    expect(cache.stats()).toMatchObject({ misses: 12, hits: 30 * 3 - 12, entries: 12 });
    // Another candle series (another data window) shares nothing.
    const other = { ...candles };
    evaluateCandidate({ ...context, candles: other }, { params: { fastLength: 5, slowLength: 20 }, ranges });
    expect(cache.stats()).toMatchObject({ misses: 15, entries: 15 });
  });
});

describe('IndicatorCache', () => {
  const series = syntheticCandles({ bars: 100, timeframe: '1h', seed: 1 });
  const outputs = (bars: number, fill: number) => ({ value: new Float64Array(bars).fill(fill) });

  it('evicts the least recently used entries to stay within its bytes', () => {
    const cache = new IndicatorCache(3 * 800);
    let computed = 0;
    const get = (key: string) =>
      cache.get(series, key, () => {
        computed++;
        return outputs(100, key.length);
      });
    get('a');
    get('bb');
    get('ccc');
    expect(cache.stats()).toMatchObject({ entries: 3, bytes: 2400, evictions: 0 });
    get('a'); // a hit: "a" becomes the most recently used
    get('dddd'); // evicts "bb", the least recently used
    expect(cache.stats()).toMatchObject({ entries: 3, bytes: 2400, evictions: 1, hits: 1 });
    expect(computed).toBe(4);
    get('a');
    get('ccc');
    expect(computed).toBe(4);
    get('bb');
    expect(computed).toBe(5);
  });

  it('returns but does not keep an entry larger than the whole cache', () => {
    const cache = new IndicatorCache(100);
    const value = cache.get(series, 'big', () => outputs(100, 1));
    expect(value.value).toHaveLength(100);
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0, misses: 1 });
  });
});
