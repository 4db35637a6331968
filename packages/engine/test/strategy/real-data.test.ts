import { describe, expect, it } from 'vitest';
import { backtestStrategy } from '../../src/strategy/run.ts';
import { STRATEGIES } from '../../src/strategy/strategies/index.ts';
import { loadCandlesCsv } from '../../src/candles/index.ts';
import { resolveBacktestOptions } from '../../src/backtest/index.ts';
import type { CandleSeries } from '../../src/candles/series.ts';
import { realCandlesFile } from '../support/shared-data.ts';

// Without ../shared/data both fall back to the vendored 4,000-bar BTCUSDT sample.
const btcFile = realCandlesFile('BTCUSDT-1h.csv').path;
const ethFile = realCandlesFile('ETHUSDT-1h.csv').path;

function lastBars(series: CandleSeries, bars: number): CandleSeries {
  const from = Math.max(0, series.length - bars);
  const view = (a: Float64Array) => a.subarray(from);
  return {
    ...series,
    length: series.length - from,
    time: view(series.time),
    open: view(series.open),
    high: view(series.high),
    low: view(series.low),
    close: view(series.close),
    volume: view(series.volume),
  };
}

/** A deliberately naive EMA written from the Pine definition (SMA seed, then α-smoothing), independent of src/. */
function naiveEma(values: Float64Array, length: number): number[] {
  const out: number[] = [];
  let previous = NaN;
  for (let i = 0; i < values.length; i++) {
    if (i < length - 1) out.push(NaN);
    else if (i === length - 1) {
      let sum = 0;
      for (let k = 0; k < length; k++) sum += values[k]!;
      previous = sum / length;
      out.push(previous);
    } else {
      previous = (2 / (length + 1)) * values[i]! + (1 - 2 / (length + 1)) * previous;
      out.push(previous);
    }
  }
  return out;
}

describe('every strategy end to end on real candles', async () => {
  const btc = lastBars(await loadCandlesCsv(btcFile), 17_520); // the last two years of BTCUSDT 1h
  const eth = await loadCandlesCsv(ethFile);
  const options = resolveBacktestOptions({});

  for (const [label, candles] of [
    ['BTCUSDT 1h', btc],
    ['ETHUSDT 1h', eth],
  ] as const) {
    it.each(STRATEGIES.map((s) => s.id))(`%s on ${label} trades and keeps its books`, (id) => {
      const { result } = backtestStrategy(id, candles, {}, options);
      expect(result.trades.length).toBeGreaterThan(5);
      // Books: final equity − capital = Σ closed net PnL + open PnL.
      const closed = result.trades.reduce((sum, t) => sum + t.pnl, 0);
      const open = result.openTrade?.pnl ?? 0;
      expect(result.equity[candles.length - 1]! - options.initialCapital).toBeCloseTo(closed + open, 6);
      for (const trade of result.trades) {
        expect(trade.exitTime).toBeGreaterThanOrEqual(trade.entryTime);
        // Entries fill at the open of the bar after the decision (no look-ahead).
        expect(trade.entryPrice).toBe(candles.open[trade.entryBar]);
      }
    });
  }

  it('ema_cross enters exactly where a naive EMA crossover says, one bar later', () => {
    const { result, params } = backtestStrategy('ema_cross', btc, {}, options);
    const fast = naiveEma(btc.close, params.fastLength!);
    const slow = naiveEma(btc.close, params.slowLength!);
    const crossings: { bar: number; side: 'long' | 'short' }[] = [];
    for (let i = 1; i < btc.length - 1; i++) {
      if (fast[i]! > slow[i]! && fast[i - 1]! <= slow[i - 1]!) crossings.push({ bar: i + 1, side: 'long' });
      if (fast[i]! < slow[i]! && fast[i - 1]! >= slow[i - 1]!) crossings.push({ bar: i + 1, side: 'short' });
    }
    const entries = [...result.trades.map((t) => ({ bar: t.entryBar, side: t.side }))];
    if (result.openTrade) entries.push({ bar: result.openTrade.entryBar, side: result.openTrade.side });
    // Always in the market after the first cross: every crossing is an entry (a reversal) and vice versa.
    expect(entries).toEqual(crossings);
  });
});
