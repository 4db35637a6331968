export * from './types.ts';
export * from './errors.ts';
export * from './instrument.ts';
export * from './client-order-id.ts';
export { D as ExchangeDecimal, parseDecimal, fmt as formatDecimal } from './decimal.ts';
export * from './symbols.ts';
export * from './paper/index.ts';
export * from './download.ts';
export * from './binance/index.ts';
