import type { CandleSeries } from '../candles/series.ts';
import { EngineErrors } from '../errors.ts';
import { ichimoku } from './ichimoku.ts';
import { ema, rma, sma, stdev } from './moving.ts';
import { macd, rsi, stoch } from './oscillators.ts';
import { donchian, highest, lowest } from './range.ts';
import { atr, bb, supertrend, tr } from './volatility.ts';

/** One output column of an indicator list: header (`macd(12,26,9).signal`) and one value per bar. */
export type IndicatorColumn = { header: string; values: Float64Array };

/** A parsed `name(arg,…)` item of an indicator list. */
export type IndicatorSpec = {
  name: string;
  args: number[];
  /** `name(args)` with the arguments as used (defaults filled in). */
  label: string;
  compute(series: CandleSeries): IndicatorColumn[];
};

type Definition = {
  params: string[];
  defaults: number[];
  /** Which parameters must be whole numbers ≥ 1 (the others are finite numbers > 0). */
  integer: boolean[];
  help: string;
  compute(series: CandleSeries, args: number[]): Array<[string | null, Float64Array]>;
};

const int = (k: number) => Array.from({ length: k }, () => true);

const DEFINITIONS: Record<string, Definition> = {
  sma: {
    params: ['length'],
    defaults: [20],
    integer: int(1),
    help: 'simple moving average of close',
    compute: (s, [n]) => [[null, sma(s.close, n!)]],
  },
  ema: {
    params: ['length'],
    defaults: [20],
    integer: int(1),
    help: 'exponential moving average of close (seeded with the SMA of the first length bars)',
    compute: (s, [n]) => [[null, ema(s.close, n!)]],
  },
  rma: {
    params: ['length'],
    defaults: [14],
    integer: int(1),
    help: "Wilder's moving average of close (α = 1/length)",
    compute: (s, [n]) => [[null, rma(s.close, n!)]],
  },
  rsi: {
    params: ['length'],
    defaults: [14],
    integer: int(1),
    help: 'relative strength index of close',
    compute: (s, [n]) => [[null, rsi(s.close, n!)]],
  },
  stdev: {
    params: ['length'],
    defaults: [20],
    integer: int(1),
    help: 'population standard deviation of close',
    compute: (s, [n]) => [[null, stdev(s.close, n!)]],
  },
  highest: {
    params: ['length'],
    defaults: [20],
    integer: int(1),
    help: 'highest high of the last length bars',
    compute: (s, [n]) => [[null, highest(s.high, n!)]],
  },
  lowest: {
    params: ['length'],
    defaults: [20],
    integer: int(1),
    help: 'lowest low of the last length bars',
    compute: (s, [n]) => [[null, lowest(s.low, n!)]],
  },
  donchian: {
    params: ['length'],
    defaults: [20],
    integer: int(1),
    help: 'Donchian midline: avg(highest high, lowest low)',
    compute: (s, [n]) => [[null, donchian(s.high, s.low, n!)]],
  },
  tr: {
    params: [],
    defaults: [],
    integer: [],
    help: 'true range, ta.tr(true) (high - low on the first bar)',
    compute: (s) => [[null, tr(s.high, s.low, s.close)]],
  },
  atr: {
    params: ['length'],
    defaults: [14],
    integer: int(1),
    help: 'average true range (RMA of the true range)',
    compute: (s, [n]) => [[null, atr(s.high, s.low, s.close, n!)]],
  },
  supertrend: {
    params: ['factor', 'atrPeriod'],
    defaults: [3, 10],
    integer: [false, true],
    help: '.line and .direction (-1 = uptrend, 1 = downtrend, as Pine)',
    compute: (s, [f, p]) => {
      const r = supertrend(s.high, s.low, s.close, f!, p!);
      return [
        ['line', r.line],
        ['direction', r.direction],
      ];
    },
  },
  macd: {
    params: ['fast', 'slow', 'signal'],
    defaults: [12, 26, 9],
    integer: int(3),
    help: '.macd, .signal, .hist of close',
    compute: (s, [f, sl, sg]) => {
      const r = macd(s.close, f!, sl!, sg!);
      return [
        ['macd', r.macd],
        ['signal', r.signal],
        ['hist', r.hist],
      ];
    },
  },
  stoch: {
    params: ['kLength', 'kSmoothing', 'dSmoothing'],
    defaults: [14, 1, 3],
    integer: int(3),
    help: 'TradingView Stochastic: .k = sma(stoch, kSmoothing), .d = sma(k, dSmoothing)',
    compute: (s, [k, ks, ds]) => {
      const r = stoch(s.close, s.high, s.low, k!, ks!, ds!);
      return [
        ['k', r.k],
        ['d', r.d],
      ];
    },
  },
  bb: {
    params: ['length', 'mult'],
    defaults: [20, 2],
    integer: [true, false],
    help: 'Bollinger Bands of close: .basis, .upper, .lower',
    compute: (s, [n, m]) => {
      const r = bb(s.close, n!, m!);
      return [
        ['basis', r.basis],
        ['upper', r.upper],
        ['lower', r.lower],
      ];
    },
  },
  ichimoku: {
    params: ['conversion', 'base', 'spanB', 'displacement'],
    defaults: [9, 26, 52, 26],
    integer: int(4),
    help:
      "as TradingView's data window shows each bar: .conversion, .base; .spanA/.spanB = the cloud DRAWN at the bar " +
      '(spans computed displacement-1 bars earlier); .lagging = the lagging line drawn at the bar ' +
      '(the close displacement-1 bars LATER, empty for the last bars)',
    compute: (s, [c, b, sb, d]) => {
      const r = ichimoku(s.high, s.low, s.close, c!, b!, sb!, d!);
      return [
        ['conversion', r.conversion],
        ['base', r.base],
        ['spanA', r.cloudA],
        ['spanB', r.cloudB],
        ['lagging', r.laggingDisplayed],
      ];
    },
  },
};

/** Help text: one line per indicator with its parameters, defaults and output columns. */
export const INDICATOR_LIST_HELP: string = Object.entries(DEFINITIONS)
  .map(([name, d]) => {
    const sig = d.params.length === 0 ? name : `${name}(${d.params.join(',')})`;
    const def = d.params.length === 0 ? '' : ` [default ${name}(${d.defaults.join(',')})]`;
    return `  ${sig}${def}: ${d.help}`;
  })
  .join('\n');

export const INDICATOR_NAMES: readonly string[] = Object.keys(DEFINITIONS);

function invalid(message: string) {
  return EngineErrors.create('INVALID_INDICATOR', { message });
}

/**
 * Parses `"rsi(14),atr(14),supertrend(3,10),macd(12,26,9),stoch(14,1,3),bb(20,2),ichimoku(9,26,52,26)"`.
 * An item without parentheses uses the defaults (`rsi` = `rsi(14)`). Unknown names and bad
 * arguments raise INVALID_INDICATOR.
 */
export function parseIndicatorList(list: string): IndicatorSpec[] {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= list.length; i++) {
    const ch = list[i];
    if (ch === '(') depth++;
    else if (ch === ')') {
      depth--;
      if (depth < 0) throw invalid(`unbalanced ")" in indicator list "${list}"`);
    } else if ((ch === ',' && depth === 0) || i === list.length) {
      items.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (depth !== 0) throw invalid(`unbalanced "(" in indicator list "${list}"`);
  if (items.length === 1 && items[0] === '') throw invalid('the indicator list is empty');
  return items.map((item) => {
    if (item === '') throw invalid(`empty item in indicator list "${list}"`);
    return parseItem(item);
  });
}

function parseItem(item: string): IndicatorSpec {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*(?:\((.*)\))?$/.exec(item);
  if (m === null) throw invalid(`cannot read indicator "${item}" (expected name(arg,…), e.g. rsi(14))`);
  const name = m[1]!.toLowerCase();
  const def = DEFINITIONS[name];
  if (def === undefined) {
    throw invalid(`unknown indicator "${m[1]}" (known: ${INDICATOR_NAMES.join(', ')})`);
  }
  const raw = m[2] === undefined || m[2].trim() === '' ? [] : m[2].split(',').map((a) => a.trim());
  let args: number[];
  if (raw.length === 0) args = [...def.defaults];
  else {
    if (raw.length !== def.params.length) {
      throw invalid(
        `${name} takes ${def.params.length} argument${def.params.length === 1 ? '' : 's'} (${def.params.join(', ') || 'none'}), got ${raw.length} in "${item}"`,
      );
    }
    args = raw.map((a, k) => {
      const x = a === '' ? NaN : Number(a);
      const pname = def.params[k]!;
      if (def.integer[k]) {
        if (!Number.isInteger(x) || x < 1)
          throw invalid(`${name}: ${pname} must be a whole number ≥ 1 (got "${a}")`);
      } else if (!Number.isFinite(x) || x <= 0) {
        throw invalid(`${name}: ${pname} must be a number > 0 (got "${a}")`);
      }
      return x;
    });
  }
  const label = def.params.length === 0 ? name : `${name}(${args.join(',')})`;
  return {
    name,
    args,
    label,
    compute(series) {
      return def.compute(series, args).map(([out, values]) => ({
        header: out === null ? label : `${label}.${out}`,
        values,
      }));
    },
  };
}

/** Parses the list (or takes parsed specs) and computes every column on the series. */
export function computeIndicatorColumns(
  series: CandleSeries,
  list: string | IndicatorSpec[],
): IndicatorColumn[] {
  const specs = typeof list === 'string' ? parseIndicatorList(list) : list;
  return specs.flatMap((spec) => spec.compute(series));
}

/**
 * A number as the CLI prints it: at most 8 decimals, trailing zeros removed, no exponent, empty
 * for NaN (warm-up bars).
 */
export function formatIndicatorValue(x: number): string {
  if (Number.isNaN(x)) return '';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  let s = x.toFixed(8);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}
