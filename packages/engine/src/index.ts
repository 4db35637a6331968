export * from './candles/index.ts';
export * from './indicators/index.ts';
export * from './backtest/index.ts';
