export * from './candles/series.ts';
