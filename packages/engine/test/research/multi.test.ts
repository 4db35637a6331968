import { describe, expect, it } from 'vitest';
import { resolveBacktestOptions } from '../../src/backtest/index.ts';
import { loadCandlesCsv } from '../../src/candles/index.ts';
import type { CandleSeries } from '../../src/candles/series.ts';
import { optimize } from '../../src/optimize/optimizer.ts';
import { aggregateScore, backtestPortfolio, optimizeMany } from '../../src/research/multi.ts';
import { backtestStrategy } from '../../src/strategy/run.ts';
import { realCandlesFile } from '../support/shared-data.ts';

const eth = await loadCandlesCsv(realCandlesFile('ETHUSDT-1h.csv').path);
const btcAll = await loadCandlesCsv(realCandlesFile('BTCUSDT-1h.csv').path);

function slice(series: CandleSeries, from: number, to: number): CandleSeries {
  const view = (a: Float64Array) => a.subarray(from, to);
  return {
    ...series,
    length: to - from,
    time: view(series.time),
    open: view(series.open),
    high: view(series.high),
    low: view(series.low),
    close: view(series.close),
    volume: view(series.volume),
  };
}
const btc = slice(btcAll, Math.max(0, btcAll.length - 6000), btcAll.length);
const options = resolveBacktestOptions({});

describe('several data sets at once', () => {
  it('aggregates by the worst or the lower median symbol', () => {
    expect(aggregateScore([3, -1, 2], 'worst')).toBe(-1);
    expect(aggregateScore([3, -1, 2], 'median')).toBe(2);
    expect(aggregateScore([4, 1, 3, 2], 'median')).toBe(2);
    expect(aggregateScore([], 'worst')).toBe(Number.NEGATIVE_INFINITY);
  });

  it('ranks each parameter set by its worst symbol, with every per-symbol figure as a single optimization gives it', async () => {
    const request = {
      strategy: 'ema_cross',
      backtest: options,
      method: 'grid' as const,
      space: { fastLength: { min: 5, max: 9 }, slowLength: { min: 20, max: 40, step: 5 } },
      objective: 'net_profit' as const,
      minTrades: 1,
      workers: 1,
    };
    const many = await optimizeMany({ ...request, datasets: [btc, eth], rankBy: 'worst' });
    const single = [
      await optimize({ ...request, candles: btc }),
      await optimize({ ...request, candles: eth }),
    ];
    expect(many.candidates).toBe(25);
    expect(many.symbols.map((s) => s.result)).toEqual(single);
    for (const entry of many.ranking) {
      single.forEach((result, s) => {
        const own = result.ranking.find((r) => JSON.stringify(r.params) === JSON.stringify(entry.params))!;
        expect(entry.perSymbol[s]).toEqual(own.metrics);
      });
      expect(entry.score).toBe(Math.min(...entry.perSymbol.map((m) => m.score)));
    }
    const scores = many.ranking.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));

    const median = await optimizeMany({
      ...request,
      datasets: [btc, eth, slice(btc, 0, 3000)],
      rankBy: 'median',
    });
    for (const entry of median.ranking) {
      const sorted = entry.perSymbol.map((m) => m.score).sort((a, b) => a - b);
      expect(entry.score).toBe(sorted[1]);
    }
  });
});

describe('portfolio: one capital over several symbols', () => {
  it('with one symbol is the single backtest', () => {
    const portfolio = backtestPortfolio('supertrend', [eth], {}, options);
    const single = backtestStrategy('supertrend', eth, {}, options).result;
    expect(portfolio.equity).toEqual(single.equity);
    expect(portfolio.finalEquity).toBe(single.metrics.finalEquity);
    expect(portfolio.maxDrawdownPct).toBeCloseTo(single.metrics.maxDrawdownPct, 9);
  });

  it('sums equal sleeves on the union of the bar times, carrying each forward', () => {
    // BTC's last 6,000 hours and ETH's 2023 overlap only in part: the union has both ends.
    const portfolio = backtestPortfolio('ema_cross', [btc, eth], {}, options);
    const half = resolveBacktestOptions({ ...options, initialCapital: options.initialCapital / 2 });
    const sleeves = [btc, eth].map((d) => backtestStrategy('ema_cross', d, {}, half).result);
    const times = new Set([...btc.time, ...eth.time]);
    expect(portfolio.time.length).toBe(times.size);
    // Check the combined equity at every time against each sleeve looked up by its own time.
    const at = (series: CandleSeries, equity: Float64Array, t: number) => {
      let value = half.initialCapital;
      for (let i = 0; i < series.length && series.time[i]! <= t; i++) value = equity[i]!;
      return value;
    };
    for (let i = 0; i < portfolio.time.length; i += 499) {
      const t = portfolio.time[i]!;
      expect(portfolio.equity[i]).toBeCloseTo(
        at(btc, sleeves[0]!.equity, t) + at(eth, sleeves[1]!.equity, t),
        6,
      );
    }
    expect(portfolio.finalEquity).toBeCloseTo(
      sleeves[0]!.metrics.finalEquity + sleeves[1]!.metrics.finalEquity,
      6,
    );
    expect(portfolio.sleeves.map((s) => s.totalTrades)).toEqual(sleeves.map((s) => s.metrics.totalTrades));
  });
});
