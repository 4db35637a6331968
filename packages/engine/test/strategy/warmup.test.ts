import { describe, expect, it } from 'vitest';
import { candleAt, loadCandlesCsv } from '../../src/candles/index.ts';
import { resolveParams } from '../../src/strategy/declaration.ts';
import { evaluateStrategy } from '../../src/strategy/evaluate.ts';
import { LiveSignalEvaluator } from '../../src/strategy/live.ts';
import { STRATEGIES } from '../../src/strategy/strategies/index.ts';
import { warmupBars } from '../../src/strategy/warmup.ts';
import { realCandlesFile } from '../support/shared-data.ts';

// A bot warms up on `warmupBars` closed bars, never the whole history: its signals from then on
// must be the backtest's over the whole history. Without ../shared/data: the vendored sample.
const file = realCandlesFile('BTCUSDT-1h.csv').path;

describe('warmupBars: enough history for live signals to equal the whole-history ones', async () => {
  const candles = (await loadCandlesCsv(file))!;
  const check = 400;

  it.each(STRATEGIES.map((s) => s.id))('%s', (id) => {
    const declaration = STRATEGIES.find((s) => s.id === id)!;
    const params = resolveParams(declaration);
    const warmup = warmupBars(declaration, params);
    // At least every window the rules read; at most the history a bot reads at start.
    expect(warmup).toBeGreaterThan(Math.max(...Object.values(params).filter((v) => Number.isInteger(v))));
    expect(warmup).toBeLessThanOrEqual(5_000);
    const start = candles.length - check - warmup - 1;
    expect(start).toBeGreaterThan(0);
    const batch = evaluateStrategy(declaration, candles, params).signals;
    const live = new LiveSignalEvaluator(declaration, params);
    for (let i = start; i < start + warmup; i++) live.update(candleAt(candles, i));
    const mismatches: string[] = [];
    let fired = 0;
    for (let i = start + warmup; i < start + warmup + check; i++) {
      const s = live.update(candleAt(candles, i));
      for (const name of ['longEntry', 'longExit', 'shortEntry', 'shortExit'] as const) {
        if (s[name] !== (batch[name][i] === 1)) mismatches.push(`${name}@${i}`);
        if (s[name]) fired++;
      }
    }
    expect(mismatches).toEqual([]);
    expect(fired).toBeGreaterThan(0); // the comparison saw signals
  });

  it('grows with the parameters it reads', () => {
    const ema = STRATEGIES.find((s) => s.id === 'ema_cross')!;
    const small = warmupBars(ema, resolveParams(ema, { fastLength: 5, slowLength: 10 }));
    const large = warmupBars(ema, resolveParams(ema, { fastLength: 5, slowLength: 100 }));
    expect(large).toBeGreaterThan(small);
    expect(large).toBeGreaterThanOrEqual(10 * 100); // an EMA forgets its seed over 10 × its length
  });
});
