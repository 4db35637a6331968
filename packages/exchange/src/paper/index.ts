export * from './paper-exchange.ts';
export * from './instruments.ts';
