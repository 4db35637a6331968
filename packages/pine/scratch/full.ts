import { backtestStrategy } from '../../engine/src/strategy/run.ts';
import { resolveBacktestOptions } from '../../engine/src/backtest/index.ts';
import { STRATEGIES } from '../src/engine.ts';
import { exportStrategy } from '../src/exporter.ts';
import { runPine } from '../src/interpreter/run.ts';
import { readCandles } from '../test/support/data.ts';
import { tradeDifference } from '../test/support/compare.ts';
for (const [file, bars] of [
  ['BTCUSDT-1h.csv', 5000],
  ['ETHUSDT-1h.csv', undefined],
] as const) {
  const candles = readCandles(`/work/shared/data/${file}`, bars);
  for (const d of STRATEGIES) {
    for (const cfg of [
      {},
      {
        stopLoss: { type: 'atr' as const, multiplier: 2 },
        takeProfit: { type: 'atr' as const, multiplier: 3 },
      },
    ]) {
      const src = exportStrategy(d, {}, { exchange: 'binance', includeSecret: false, backtest: cfg });
      const run = runPine(src, candles);
      const eng = backtestStrategy(d, candles, {}, resolveBacktestOptions(cfg)).result;
      console.log(
        file,
        d.id,
        Object.keys(cfg).length ? 'atr' : 'default',
        eng.trades.length,
        run.trades.length,
        tradeDifference(eng.trades, run.trades),
      );
    }
  }
}
