import { exportStrategy } from '../src/exporter.ts';
import { getStrategy, STRATEGY_IDS } from '../src/engine.ts';
import { runPine } from '../src/interpreter/run.ts';
import { readCandles } from '../test/support/data.ts';
import { WebhookPayloadSchema } from '@tradingbot/core';
const candles = readCandles('/work/shared/data/BTCUSDT-1h.csv', 5000);
for (const id of STRATEGY_IDS) {
  const src = exportStrategy(
    getStrategy(id),
    {},
    {
      exchange: 'binance',
      accountId: 'acc_1',
      secret: 'abcdefghijklmnop"q',
      leverage: 1,
      backtest: { stopLoss: { type: 'atr', multiplier: 2 }, takeProfit: { type: 'atr', multiplier: 3 } },
    },
  );
  const t0 = Date.now();
  const r = runPine(src, candles, { timenow: 1700000000000 });
  const bad = r.alerts.filter((a) => !WebhookPayloadSchema.safeParse(JSON.parse(a)).success);
  console.log(
    id,
    Date.now() - t0,
    'ms',
    r.trades.length,
    'trades',
    r.alerts.length,
    'alerts',
    bad.length,
    'bad',
    JSON.stringify(r.trades.slice(0, 2)),
  );
}
console.log(
  runPine(
    exportStrategy(getStrategy('ema_cross'), {}, { exchange: 'okx', includeSecret: false }),
    candles,
  ).alerts.slice(0, 3),
);
