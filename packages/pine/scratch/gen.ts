import { exportStrategy } from '../src/exporter.ts';
import { getStrategy } from '../src/engine.ts';
const id = process.argv[2] ?? 'ema_cross';
process.stdout.write(
  exportStrategy(
    getStrategy(id),
    {},
    {
      exchange: 'binance',
      accountId: 'acc_1',
      secret: 'abcdefghijklmnop"q',
      leverage: 1,
      backtest: { stopLoss: { type: 'atr', multiplier: 2 } },
    },
  ),
);
