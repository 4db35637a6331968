export * from './series.ts';
export { loadCandlesCsv, parseCandlesCsv, writeCandlesCsv, type LoadCandlesOptions } from './csv.ts';
export { resample } from './resample.ts';
export { syntheticCandles, mulberry32, type SyntheticCandlesOptions } from './synthetic.ts';
export { parseTimeframe, timeframeName, detectTimeframeMs, TIMEFRAMES, type Timeframe } from './timeframe.ts';
