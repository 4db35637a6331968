/**
 * `npm run bench`: the engine's speed goals, measured in one run (not part of `npm test`).
 * - indicators vs technicalindicators on one year of 1-minute bars (goal ≥ 10×);
 * - the broker emulator alone on 525,600 bars;
 * - every strategy's full backtest (indicators + signals + broker + metrics) on one year of 1-minute
 *   bars built from real candles (goal ≤ 50 ms, ≥ 10 M bars/s, one core);
 * - a 1,000-combination optimization over one year of 1-hour candles on all cores (goal ≤ 2 s on 2 cores);
 * - a 10,000-set grid on 2 workers with the indicator cache and without it (goal ≤ 2 s cached; the ratio).
 */
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { loadCandlesCsv, syntheticCandles, type CandleSeries } from '@tradingbot/engine';
import { benchIndicators, loadOneMinuteYear } from './indicators.bench.ts';
import { benchBacktest } from './backtest.bench.ts';
import { benchBreakdown, benchOptimize, benchOptimizeGrid, benchStrategies } from './strategies.bench.ts';

const HOURLY = resolve(
  process.env.TRADINGBOT_SHARED_DATA_DIR ||
    resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/data'),
  'BTCUSDT-1h.csv',
);
const ok = (pass: boolean) => (pass ? 'ok  ' : 'MISS');
const log = (line: string) => console.log(line);

async function lastYearOfHours(): Promise<CandleSeries> {
  if (!existsSync(HOURLY)) {
    log(`(${HOURLY} not found: using synthetic hourly candles)`);
    return syntheticCandles({ bars: 8760, timeframe: '1h', seed: 7 });
  }
  const all = await loadCandlesCsv(HOURLY);
  const from = all.length - 8760;
  const view = (a: Float64Array) => a.subarray(from);
  return {
    ...all,
    length: 8760,
    time: view(all.time),
    open: view(all.open),
    high: view(all.high),
    low: view(all.low),
    close: view(all.close),
    volume: view(all.volume),
  };
}

log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}\n`);

log('== indicators: ours vs technicalindicators (median of runs; goal ≥ 10×)');
// benchIndicators prints one line per indicator, with the ratio and whether it meets the goal.
await benchIndicators({ log });

log('\n== broker emulator alone, 525,600 synthetic bars, random signals');
for (const r of benchBacktest()) {
  log(
    `     ${r.name.padEnd(58)} median ${r.medianMs.toFixed(1).padStart(6)} ms  ${(r.barsPerSec / 1e6).toFixed(1)} M bars/s  ${r.trades} trades`,
  );
}

log('\n== full strategy backtests, one year of 1-minute bars (goal ≤ 50 ms, ≥ 10 M bars/s on one core)');
const minutes = await loadOneMinuteYear(log);
for (const r of benchStrategies(minutes)) {
  log(
    `${ok(r.medianMs <= 50)} ${r.strategy.padEnd(12)} ${r.bars} bars  median ${r.medianMs.toFixed(1).padStart(6)} ms (min ${r.minMs.toFixed(1).padStart(5)}, first ${r.firstMs.toFixed(0).padStart(3)})  ${(r.barsPerSecond / 1e6).toFixed(1).padStart(5)} M bars/s  ${r.trades} trades (ATR SL 2 / TP 3)`,
  );
}

log('\n== where a full backtest of one year of minutes spends its time (medians, ms; goal ≤ 10 ms total)');
for (const r of benchBreakdown(minutes)) {
  log(
    `${ok(r.totalMs <= 10)} ${r.strategy.padEnd(12)} total ${r.totalMs.toFixed(1).padStart(6)}  indicators ${r.indicatorsMs.toFixed(1).padStart(6)}  signal loop ${r.kernelMs.toFixed(1).padStart(5)}  stop ATR ${r.stopAtrMs.toFixed(1).padStart(5)}  broker+metrics ${r.brokerMs.toFixed(1).padStart(6)}`,
  );
}

log('\n== CSV loading: the 104,816-row 5m file, ours vs a plain split/Number parse (goal well under 1 s)');
{
  const file = resolve(dirname(HOURLY), 'BTCUSDT-5m.csv');
  if (!existsSync(file)) log(`(${file} not found: skipped)`);
  else {
    const { readFile } = await import('node:fs/promises');
    const median = async (run: () => Promise<unknown>) => {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        await run();
        times.push(performance.now() - t);
      }
      return times.sort((a, b) => a - b)[2]!;
    };
    const ours = await median(() => loadCandlesCsv(file));
    // The peer: read the file and split every line into numbers, no validation.
    const plain = await median(async () =>
      (await readFile(file, 'utf8'))
        .split('\n')
        .slice(1)
        .map((line) => line.split(',').map(Number)),
    );
    log(
      `${ok(ours < 1000)} ours ${ours.toFixed(0)} ms, plain parse ${plain.toFixed(0)} ms (ratio ${(plain / ours).toFixed(2)}×)`,
    );
  }
}

log('\n== 1,000-combination optimization, one year of 1-hour bars, all cores (goal ≤ 2 s on 2 cores)');
const hours = await lastYearOfHours();
const opt = await benchOptimize(hours);
log(
  `${ok(opt.seconds <= 2)} ${opt.strategy}: ${opt.combinations} combinations × ${opt.bars} bars on ${opt.workers} workers in ${opt.seconds.toFixed(2)} s`,
);

log(
  '\n== 10,000-set grid × one year of 1-hour bars on 2 workers, indicator cache on vs off (goal ≤ 2 s cached)',
);
log(
  `   load average before: ${loadavg()[0]!.toFixed(1)} (2 cores; figures above 2 mean the machine was shared)`,
);
for (const strategy of ['ema_cross', 'macd_stoch'] as const) {
  const grid = await benchOptimizeGrid(hours, strategy);
  log(
    `${ok(grid.cachedSeconds <= 2)} ${grid.strategy}: ${grid.combinations} sets × ${grid.bars} bars on ${grid.workers} workers: cached ${grid.cachedSeconds.toFixed(2)} s, uncached ${grid.uncachedSeconds.toFixed(2)} s — ${(grid.uncachedSeconds / grid.cachedSeconds).toFixed(2)}× ${grid.sameBest ? '(same best set)' : 'BEST SET DIFFERS'}`,
  );
}
