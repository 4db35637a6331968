import { describe, expect, it } from 'vitest';
import { candleAt, loadCandlesCsv } from '../../src/candles/index.ts';
import { resolveBacktestOptions } from '../../src/backtest/index.ts';
import { decide } from '../../src/strategy/decision.ts';
import { evaluateStrategy } from '../../src/strategy/evaluate.ts';
import { LiveSignalEvaluator, LiveStrategy } from '../../src/strategy/live.ts';
import { backtestStrategy } from '../../src/strategy/run.ts';
import { resolveParams } from '../../src/strategy/declaration.ts';
import { STRATEGIES } from '../../src/strategy/strategies/index.ts';
import { realCandlesFile } from '../support/shared-data.ts';

// Without ../shared/data: the vendored 4,000-bar BTCUSDT sample.
const ethFile = realCandlesFile('ETHUSDT-1h.csv').path;

describe('decide (the signal → action rule of docs/backtest-semantics.md)', () => {
  const none = { longEntry: false, longExit: false, shortEntry: false, shortExit: false };
  it.each([
    ['flat', { longEntry: true }, 'both', 'long'],
    ['flat', { shortEntry: true }, 'both', 'short'],
    ['flat', { longEntry: true, shortEntry: true }, 'both', null], // both: neither counts
    ['flat', { shortEntry: true }, 'long', null],
    ['long', { shortEntry: true }, 'both', 'short'], // reverse
    ['long', { shortEntry: true }, 'long', 'close_long'], // long-only: a short signal closes
    ['long', { longExit: true }, 'both', 'close_long'],
    ['long', { longEntry: true }, 'both', null], // no pyramiding
    ['short', { longEntry: true }, 'both', 'long'],
    ['short', { shortExit: true }, 'both', 'close_short'],
    ['short', { longEntry: true }, 'short', 'close_short'],
  ] as const)('%s + %j (%s) → %s', (position, signals, direction, action) => {
    expect(decide({ ...none, ...signals }, position, direction)).toBe(action);
  });
});

describe('live signals on real candles', async () => {
  const candles = await loadCandlesCsv(ethFile);
  const bars = 3000;

  it.each(STRATEGIES.map((s) => s.id))(
    '%s: bar-by-bar streaming evaluation equals the vectorised one on every bar',
    (id) => {
      const declaration = STRATEGIES.find((s) => s.id === id)!;
      const params = resolveParams(declaration);
      const batch = evaluateStrategy(declaration, candles!, params).signals;
      const live = new LiveSignalEvaluator(declaration, params);
      const mismatches: string[] = [];
      for (let i = 0; i < bars; i++) {
        const s = live.update(candleAt(candles!, i));
        for (const name of ['longEntry', 'longExit', 'shortEntry', 'shortExit'] as const) {
          if (s[name] !== (batch[name][i] === 1)) mismatches.push(`${name}@${i}`);
        }
      }
      expect(mismatches).toEqual([]);
      expect(batch.longEntry.slice(0, bars).some((v) => v === 1)).toBe(true); // the comparison saw signals
    },
  );

  it.each(STRATEGIES.map((s) => s.id))('%s: live actions replay the backtest trade for trade', (id) => {
    const declaration = STRATEGIES.find((s) => s.id === id)!;
    const { result } = backtestStrategy(declaration, candles!, {}, resolveBacktestOptions({}));
    const live = new LiveStrategy(declaration);
    const entries: { bar: number; side: string }[] = [];
    for (let i = 0; i < candles!.length - 1; i++) {
      const { action } = live.update(candleAt(candles!, i));
      // An action decided at bar i fills at the open of bar i + 1 in the backtest.
      if (action === 'long' || action === 'short') entries.push({ bar: i + 1, side: action });
    }
    const trades = [...result.trades, ...(result.openTrade ? [result.openTrade] : [])];
    expect(entries).toEqual(trades.map((t) => ({ bar: t.entryBar, side: t.side })));
  });
});
