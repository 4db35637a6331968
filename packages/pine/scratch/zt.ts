import { WebhookPayloadSchema } from '@tradingbot/core';
console.log(
  WebhookPayloadSchema.safeParse({
    account_id: 'a1',
    exchange: 'BINANCE',
    action: 'Long',
    symbol: 'BTCUSDT.P',
    leverage: '10',
    secret: 'x'.repeat(20),
    extra: 1,
    timestamp: '1700000000000',
    timeframe: '60',
    sl_atr: 2,
  }),
);
console.log(
  JSON.stringify(
    WebhookPayloadSchema.safeParse({
      account_id: 'a1',
      exchange: 'x',
      action: 'long',
      symbol: 'BTC USDT',
      secret: 'short',
    }).error?.issues.map((i) => i.path.join('.') + ': ' + i.message),
  ),
);
