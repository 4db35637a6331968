export * from './candles/series.ts';
export * from './backtest/index.ts';
