import { describe, expect, it } from 'vitest';
import {
  computeIndicatorColumns,
  formatIndicatorValue,
  parseIndicatorList,
  seriesFromRows,
  INDICATOR_LIST_HELP,
} from '../../src/index.ts';

const rows = Array.from({ length: 80 }, (_, i) => {
  const c = 100 + 10 * Math.sin(i / 5) + i / 10;
  return {
    time: Date.UTC(2023, 0, 1) + i * 3_600_000,
    open: c,
    high: c + 1 + (i % 3),
    low: c - 1 - (i % 2),
    close: c,
    volume: 1,
  };
});
const s = seriesFromRows(rows, 'spec');

describe('parseIndicatorList', () => {
  it('produces the documented column headers', () => {
    const cols = computeIndicatorColumns(
      s,
      'rsi(14),atr(14),supertrend(3,10),macd(12,26,9),stoch(14,1,3),bb(20,2),ichimoku(9,26,52,26)',
    );
    expect(cols.map((c) => c.header)).toEqual([
      'rsi(14)',
      'atr(14)',
      'supertrend(3,10).line',
      'supertrend(3,10).direction',
      'macd(12,26,9).macd',
      'macd(12,26,9).signal',
      'macd(12,26,9).hist',
      'stoch(14,1,3).k',
      'stoch(14,1,3).d',
      'bb(20,2).basis',
      'bb(20,2).upper',
      'bb(20,2).lower',
      'ichimoku(9,26,52,26).conversion',
      'ichimoku(9,26,52,26).base',
      'ichimoku(9,26,52,26).spanA',
      'ichimoku(9,26,52,26).spanB',
      'ichimoku(9,26,52,26).lagging',
    ]);
    for (const c of cols) expect(c.values.length).toBe(s.length);
  });

  it('accepts the single-output indicators, defaults, spaces and case', () => {
    const specs = parseIndicatorList(
      ' sma(20), EMA(20) ,rma(14),stdev(20),highest(20),lowest(20),donchian(20),tr,rsi',
    );
    expect(specs.map((x) => x.label)).toEqual([
      'sma(20)',
      'ema(20)',
      'rma(14)',
      'stdev(20)',
      'highest(20)',
      'lowest(20)',
      'donchian(20)',
      'tr',
      'rsi(14)',
    ]);
  });

  it('ichimoku columns are the values displayed at each bar (shifted)', () => {
    const cols = computeIndicatorColumns(s, 'ichimoku(2,3,4,3)');
    const get = (name: string) => cols.find((c) => c.header === `ichimoku(2,3,4,3).${name}`)!.values;
    // spanA at bar i = avg(conversion, base) computed at bar i-2 (displacement 3 → shift 2)
    const i = 10;
    expect(get('spanA')[i]).toBeCloseTo((get('conversion')[i - 2]! + get('base')[i - 2]!) / 2, 12);
    // lagging at bar i = close of bar i+2; empty for the last 2 bars
    expect(get('lagging')[i]).toBe(s.close[i + 2]);
    expect(Number.isNaN(get('lagging')[s.length - 1]!)).toBe(true);
    expect(Number.isNaN(get('spanA')[1]!)).toBe(true);
  });

  it.each([
    ['foo(3)', /unknown indicator "foo"/],
    ['rsi(0)', /rsi: length must be a whole number ≥ 1 \(got "0"\)/],
    ['rsi(abc)', /rsi: length must be a whole number/],
    ['rsi(14,2)', /rsi takes 1 argument \(length\), got 2/],
    ['macd(12,26)', /macd takes 3 arguments/],
    ['bb(20,-2)', /bb: mult must be a number > 0/],
    ['rsi(14', /unbalanced "\("/],
    ['rsi(14)),ema(3)', /unbalanced "\)"/],
    ['rsi(14),,ema(3)', /empty item/],
    ['', /empty/],
    ['14', /cannot read indicator "14"/],
  ])('%s → INVALID_INDICATOR', (list, message) => {
    expect(() => parseIndicatorList(list)).toThrow(message);
    expect(() => parseIndicatorList(list)).toThrow(
      expect.objectContaining({ code: 'INVALID_INDICATOR', status: 400 }),
    );
  });

  it('help text lists every indicator', () => {
    for (const name of ['sma', 'ema', 'rma', 'rsi', 'stdev', 'highest', 'lowest', 'donchian', 'tr', 'atr']) {
      expect(INDICATOR_LIST_HELP).toContain(`  ${name}`);
    }
    expect(INDICATOR_LIST_HELP).toMatch(/ichimoku\(conversion,base,spanB,displacement\).*cloud DRAWN/);
  });
});

describe('formatIndicatorValue', () => {
  it('at most 8 decimals, no trailing zeros, no exponent, empty for NaN', () => {
    expect(formatIndicatorValue(NaN)).toBe('');
    expect(formatIndicatorValue(100)).toBe('100');
    expect(formatIndicatorValue(0.1 + 0.2)).toBe('0.3');
    expect(formatIndicatorValue(66.666666666666)).toBe('66.66666667');
    expect(formatIndicatorValue(1.5e-7)).toBe('0.00000015');
    expect(formatIndicatorValue(-1)).toBe('-1');
    expect(formatIndicatorValue(-1e-12)).toBe('0');
  });
});
