import { describe, expect, it } from 'vitest';
import { isAppError } from '@tradingbot/core';
import {
  DEFAULT_BACKTEST_OPTIONS,
  resolveBacktestOptions,
  runBacktest,
  type BacktestOptions,
} from '../../src/backtest/index.ts';
import { bars, opts, sig } from './helpers.ts';

function errorOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (isAppError(error)) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('resolveBacktestOptions', () => {
  it('fills the documented defaults', () => {
    expect(resolveBacktestOptions({})).toEqual({
      initialCapital: 10_000,
      sizing: 'percent',
      sizeValue: 10,
      leverage: 1,
      maintenanceMarginPct: 0.5,
      commissionPct: 0.04,
      slippageTicks: 0,
      tickSize: 0.01,
      direction: 'both',
      fillOnClose: false,
      atrPeriod: 14,
      riskFreeRatePct: 2,
    });
    expect(resolveBacktestOptions({})).toEqual(DEFAULT_BACKTEST_OPTIONS);
  });

  it('keeps given values and exit rules; null or undefined exit rules mean none', () => {
    const o = resolveBacktestOptions({
      leverage: 5,
      stopLoss: { type: 'atr', multiplier: 2 },
      takeProfit: undefined,
    });
    expect(o.leverage).toBe(5);
    expect(o.stopLoss).toEqual({ type: 'atr', multiplier: 2 });
    expect('takeProfit' in o).toBe(false);
    const n = resolveBacktestOptions({ stopLoss: null } as unknown as Partial<BacktestOptions>);
    expect(n.stopLoss).toBeUndefined();
  });

  const bad: [string, Record<string, unknown>][] = [
    ['initialCapital', { initialCapital: 0 }],
    ['initialCapital', { initialCapital: Number.NaN }],
    ['sizing', { sizing: 'all-in' }],
    ['sizeValue', { sizeValue: 0 }],
    ['sizeValue', { sizeValue: 101 }], // percent of equity above 100
    ['leverage', { leverage: 0.5 }],
    ['leverage', { leverage: 200 }],
    ['maintenanceMarginPct', { leverage: 100, maintenanceMarginPct: 1 }], // liq at the entry
    ['commissionPct', { commissionPct: -0.1 }],
    ['slippageTicks', { slippageTicks: 1.5 }],
    ['tickSize', { tickSize: 0 }],
    ['direction', { direction: 'up' }],
    ['fillOnClose', { fillOnClose: 'yes' }],
    ['stopLoss.multiplier', { stopLoss: { type: 'atr', multiplier: -1 } }],
    ['stopLoss.percent', { stopLoss: { type: 'percent', percent: 150 } }],
    ['takeProfit.type', { takeProfit: { type: 'ticks', ticks: 5 } }],
    ['takeProfit', { takeProfit: 3 }],
    ['atrPeriod', { atrPeriod: 0 }],
    ['riskFreeRatePct', { riskFreeRatePct: Infinity }],
    ['leverag', { leverag: 3 }],
  ];
  it.each(bad)('rejects a bad %s with a 400 naming the option', (option, partial) => {
    const e = errorOf(() => resolveBacktestOptions(partial as Partial<BacktestOptions>));
    expect(e.code).toBe('INVALID_BACKTEST_OPTIONS');
    expect(e.status).toBe(400);
    expect(e.message).toContain(`"${option}"`);
    expect(e.details?.option).toBe(option);
  });

  it('accepts cash and qty sizes above 100', () => {
    expect(resolveBacktestOptions({ sizing: 'cash', sizeValue: 5000 }).sizeValue).toBe(5000);
  });
});

describe('runBacktest input checks', () => {
  const s = bars([
    [1, 1, 1, 1],
    [1, 1, 1, 1],
  ]);

  it('rejects signals of the wrong length', () => {
    const e = errorOf(() => runBacktest(s, sig(3, {}), opts()));
    expect(e.code).toBe('INVALID_BACKTEST_INPUT');
    expect(e.message).toContain('signals.longEntry');
  });

  it('rejects an ATR rule without the atr series', () => {
    const e = errorOf(() => runBacktest(s, sig(2, {}), opts({ takeProfit: { type: 'atr', multiplier: 2 } })));
    expect(e.code).toBe('INVALID_BACKTEST_INPUT');
    expect(e.message).toContain('atr(14)');
    expect(() =>
      runBacktest(s, sig(2, {}), opts({ takeProfit: { type: 'atr', multiplier: 2 } }), new Float64Array(2)),
    ).not.toThrow();
  });

  it('validates options passed directly', () => {
    const e = errorOf(() => runBacktest(s, sig(2, {}), { ...opts(), leverage: -1 }));
    expect(e.code).toBe('INVALID_BACKTEST_OPTIONS');
  });

  it('handles an empty series', () => {
    const empty = bars([]);
    const r = runBacktest(empty, sig(0, {}), opts());
    expect(r.trades).toEqual([]);
    expect(r.metrics.finalEquity).toBe(10_000);
    expect(r.metrics.cagrPct).toBeNull();
  });
});
