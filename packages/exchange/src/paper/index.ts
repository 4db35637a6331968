export * from './paper-exchange.ts';
export * from './instruments.ts';
export * from './price-feed.ts';
export * from './market-feed.ts';
