import { loadCandlesCsv, evaluateCandidate, getStrategy, resolveBacktestOptions, IndicatorCache, evaluateStrategy, runBacktest } from '@tradingbot/engine';
const all = await loadCandlesCsv('/work/shared/data/BTCUSDT-1h.csv');
const from = all.length - 8760;
const v = (a: Float64Array) => a.subarray(from);
const hours = { ...all, length: 8760, time: v(all.time), open: v(all.open), high: v(all.high), low: v(all.low), close: v(all.close), volume: v(all.volume) };
const declaration = getStrategy('ema_cross');
const options = resolveBacktestOptions({});
const cache = new IndicatorCache();
const ctx = { declaration, candles: hours, options, objective: 'sharpe' as const, minTrades: 1, cache };
const sets = [];
for (let f = 2; f < 52; f++) for (let s = 60; s < 260; s++) sets.push({ fastLength: f, slowLength: s });
for (let rep = 0; rep < 3; rep++) {
  let t = performance.now();
  for (const p of sets) evaluateCandidate(ctx, { params: p, ranges: [{ from: 0, to: 8760 }] });
  console.log('full', (performance.now() - t).toFixed(0), 'ms');
  t = performance.now();
  const sigs = [];
  for (const p of sets) sigs.push(evaluateStrategy(declaration, hours, p, cache).packedSignals);
  console.log('signals', (performance.now() - t).toFixed(0), 'ms');
  t = performance.now();
  for (const s of sigs) runBacktest(hours, s, options).metrics;
  console.log('broker+metrics', (performance.now() - t).toFixed(0), 'ms');
}
console.log(cache.stats());
