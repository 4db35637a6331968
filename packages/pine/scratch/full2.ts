import { backtestStrategy } from '../../engine/src/strategy/run.ts';
import { resolveBacktestOptions } from '../../engine/src/backtest/index.ts';
import { STRATEGIES } from '../src/engine.ts';
import { exportStrategy } from '../src/exporter.ts';
import { runPine } from '../src/interpreter/run.ts';
import { readCandles } from '../test/support/data.ts';
import { tradeDifference } from '../test/support/compare.ts';
const files = process.argv.slice(2);
for (const spec of files) {
  const [file, bars] = spec.split('@');
  const candles = readCandles(`/work/shared/data/${file}`, bars ? Number(bars) : undefined);
  for (const d of STRATEGIES) {
    for (const cfg of [{}, { stopLoss: { type: 'atr' as const, multiplier: 2 }, takeProfit: { type: 'atr' as const, multiplier: 3 } }]) {
      const src = exportStrategy(d, {}, { exchange: 'binance', includeSecret: false, backtest: cfg });
      const t0 = Date.now();
      const run = runPine(src, candles);
      const t1 = Date.now();
      const eng = backtestStrategy(d, candles, {}, resolveBacktestOptions(cfg)).result;
      console.log(spec, d.id, Object.keys(cfg).length ? 'atr' : 'default', `${t1 - t0}ms`, eng.trades.length, run.trades.length, tradeDifference(eng.trades, run.trades), tradeDifference(eng.openTrade ? [eng.openTrade] : [], run.openTrade ? [run.openTrade] : []));
    }
  }
}
