import { describe, expect, it } from 'vitest';
import { resolveBacktestOptions } from '../../src/backtest/index.ts';
import { loadCandlesCsv } from '../../src/candles/index.ts';
import { band, monteCarloTrades } from '../../src/research/monte-carlo.ts';
import { backtestStrategy } from '../../src/strategy/run.ts';
import { realCandlesFile } from '../support/shared-data.ts';

describe('Monte Carlo resampling of the trade sequence', () => {
  it('reports the actual sequence exactly, and bands that a seed reproduces', () => {
    const pnls = [100, -50, 200, -300, 50];
    const result = monteCarloTrades(pnls, 1000, { runs: 2000, seed: 7 });
    // In order: 1100, 1050, 1250, 950, 1000 → net 0 %, worst fall from 1250 to 950 = 24 %.
    expect(result.actual.netProfitPct).toBeCloseTo(0, 12);
    expect(result.actual.maxDrawdownPct).toBeCloseTo(24, 12);
    expect(monteCarloTrades(pnls, 1000, { runs: 2000, seed: 7 })).toEqual(result);
    expect(monteCarloTrades(pnls, 1000, { runs: 2000, seed: 8 })).not.toEqual(result);
    const { netProfitPct: r, maxDrawdownPct: d } = result;
    expect(r.p5).toBeLessThanOrEqual(r.p25);
    expect(r.p25).toBeLessThanOrEqual(r.p50);
    expect(r.p50).toBeLessThanOrEqual(r.p75);
    expect(r.p75).toBeLessThanOrEqual(r.p95);
    expect(d.p5).toBeLessThanOrEqual(d.p95);
    // Five draws of ±: the mean trade is 0, so about half the runs lose.
    expect(result.lossProbability).toBeGreaterThan(0.3);
    expect(result.lossProbability).toBeLessThan(0.6);
    // Every resampled outcome is a sum of 5 of the trades: −1500 .. +1000 on 1000.
    expect(r.p5).toBeGreaterThanOrEqual(-150);
    expect(r.p95).toBeLessThanOrEqual(100);
  });

  it('never loses with winning trades only, and compounds returns when asked', () => {
    const result = monteCarloTrades([10, 20, 30], 100, { runs: 500, seed: 1 });
    expect(result.lossProbability).toBe(0);
    expect(result.maxDrawdownPct.p95).toBe(0);
    // Compounding: +10 % then +20/110 then +30/130: the actual path ends at 160 either way.
    const compound = monteCarloTrades([10, 20, 30], 100, { runs: 500, seed: 1, compound: true });
    expect(compound.actual.netProfitPct).toBeCloseTo(60, 10);
    // Three draws of the largest step (+30/130 ≈ 23.08 %) is the best any run can do.
    expect(compound.netProfitPct.p95).toBeLessThanOrEqual((1.3 / 1.3 + 0.3 / 1.3) ** 3 * 100 - 100 + 1e-9);
  });

  it('uses nearest-rank percentiles and refuses bad input', () => {
    expect(band(Float64Array.from([5, 1, 4, 2, 3, 10, 9, 8, 7, 6]))).toEqual({
      p5: 1,
      p25: 3,
      p50: 5,
      p75: 8,
      p95: 10,
    });
    expect(() => monteCarloTrades([1], 100, { runs: 0 })).toThrow('runs');
    expect(() => monteCarloTrades([1], 0, { runs: 10 })).toThrow('capital');
  });

  it('runs on the trades of a real backtest', async () => {
    const candles = await loadCandlesCsv(realCandlesFile('ETHUSDT-1h.csv').path);
    const run = backtestStrategy('supertrend', candles, {}, resolveBacktestOptions({}));
    const pnls = run.result.trades.map((t) => t.pnl);
    const result = monteCarloTrades(pnls, 10_000, { runs: 1000, seed: 3, compound: true });
    expect(result.trades).toBe(run.result.metrics.totalTrades);
    // The in-order path ends where the backtest's closed trades end.
    const closedNet = (pnls.reduce((a, b) => a + b, 0) / 10_000) * 100;
    expect(result.actual.netProfitPct).toBeCloseTo(closedNet, 8);
    expect(result.netProfitPct.p5).toBeLessThan(result.netProfitPct.p95);
  });
});
