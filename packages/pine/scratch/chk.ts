import { exportStrategy } from '../src/exporter.ts';
import { getStrategy, STRATEGY_IDS } from '../src/engine.ts';
import { checkPine, formatIssues } from '../src/checker/check.ts';
for (const id of STRATEGY_IDS) {
  const src = exportStrategy(
    getStrategy(id),
    {},
    {
      exchange: 'binance',
      accountId: 'acc_1',
      secret: 'abcdefghijklmnop"q',
      leverage: 1,
      backtest: { stopLoss: { type: 'atr', multiplier: 2 } },
    },
  );
  const r = checkPine(src);
  console.log(id, r.ok, formatIssues(r.errors), formatIssues(r.warnings));
}
