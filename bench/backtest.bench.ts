/**
 * Times runBacktest over one year of 1-minute bars (525,600) with random signals.
 * Goal: ≤ 50 ms per run on one core (≥ 10 M bars/s). Run: `npx tsx bench/backtest.bench.ts`.
 */
import { pathToFileURL } from 'node:url';
import {
  mulberry32,
  packSignals,
  resolveBacktestOptions,
  runBacktest,
  syntheticCandles,
  type BacktestOptions,
  type CandleSeries,
  type PackedSignals,
} from '@tradingbot/engine';

/** Random signals, packed as the signal kernel writes them (what backtestStrategy hands the broker). */
function randomSignals(n: number, rand: () => number, p: number): PackedSignals {
  const make = () => Uint8Array.from({ length: n }, () => (rand() < p ? 1 : 0));
  return packSignals({ longEntry: make(), longExit: make(), shortEntry: make(), shortExit: make() });
}

export type BenchCase = {
  /** Median and best time with the trade objects built too (`result.trades` read). */
  withTradesMedianMs: number;
  withTradesMinMs: number;
  name: string;
  bars: number;
  runs: number;
  medianMs: number;
  minMs: number;
  barsPerSec: number;
  trades: number;
};

function timeCase(
  name: string,
  candles: CandleSeries,
  signals: PackedSignals,
  options: BacktestOptions,
  atr: Float64Array | undefined,
  runs: number,
): BenchCase {
  let trades = 0;
  for (let i = 0; i < 5; i++) trades = runBacktest(candles, signals, options, atr).trades.length; // warm-up (JIT)
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    runBacktest(candles, signals, options, atr);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const medianMs = times[Math.floor(runs / 2)]!;
  const withTrades: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    void runBacktest(candles, signals, options, atr).trades.length;
    withTrades.push(performance.now() - t);
  }
  withTrades.sort((a, b) => a - b);
  return {
    name,
    bars: candles.length,
    runs,
    medianMs,
    minMs: times[0]!,
    barsPerSec: candles.length / (medianMs / 1000),
    trades,
    withTradesMedianMs: withTrades[Math.floor(runs / 2)]!,
    withTradesMinMs: withTrades[0]!,
  };
}

/** Times three configurations over 525,600 synthetic bars; returns one row per configuration. */
export function benchBacktest(bars = 525_600, runs = 21): BenchCase[] {
  const rand = mulberry32(42);
  const candles = syntheticCandles({ bars, timeframe: '1m', seed: 42 });
  // The ATR here is a stand-in (the bar range), only to exercise the ATR code path.
  const atr = Float64Array.from(candles.high, (h, i) => h - candles.low[i]!);
  const sparse = randomSignals(bars, rand, 1 / 200);
  const dense = randomSignals(bars, rand, 1 / 10);
  return [
    timeCase(
      'market orders only, ~1/200 signals',
      candles,
      sparse,
      resolveBacktestOptions({}),
      undefined,
      runs,
    ),
    timeCase(
      'ATR SL/TP + 10× leverage, ~1/200 signals',
      candles,
      sparse,
      resolveBacktestOptions({
        leverage: 10,
        slippageTicks: 2,
        stopLoss: { type: 'atr', multiplier: 2 },
        takeProfit: { type: 'atr', multiplier: 3 },
      }),
      atr,
      runs,
    ),
    timeCase(
      'percent SL/TP, fill on close, ~1/10 signals (many trades)',
      candles,
      dense,
      resolveBacktestOptions({
        fillOnClose: true,
        stopLoss: { type: 'percent', percent: 0.5 },
        takeProfit: { type: 'percent', percent: 1 },
      }),
      undefined,
      runs,
    ),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of benchBacktest()) {
    console.log(
      `${r.name.padEnd(58)} ${r.bars} bars  median ${r.medianMs.toFixed(1)} ms  min ${r.minMs.toFixed(1)} ms  ` +
        `${(r.barsPerSec / 1e6).toFixed(1)} M bars/s  ${r.trades} trades  ` +
        `(trade list read: median ${r.withTradesMedianMs.toFixed(1)} ms, min ${r.withTradesMinMs.toFixed(1)} ms)`,
    );
  }
}
