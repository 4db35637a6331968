/**
 * A tiny expression language in which strategies are declared. A declaration is data, not code,
 * so the same tree is evaluated by the engine (vectorised, over typed arrays), compiled to Pine
 * Script by the exporter, and evaluated bar by bar for live signals: the three cannot drift apart.
 *
 * `na` semantics follow Pine: an indicator is NaN during its warm-up, arithmetic with NaN is NaN,
 * and every comparison with NaN is false.
 */

export type PriceSource = 'open' | 'high' | 'low' | 'close' | 'volume' | 'hl2' | 'hlc3' | 'ohlc4';

/** A length or multiplier given to an indicator: a literal or a strategy parameter. */
export type ScalarExpr = { kind: 'const'; value: number } | { kind: 'param'; name: string };

/** Every indicator the language knows, with its scalar arguments in Pine's order. */
export type IndicatorCall =
  | { fn: 'sma' | 'ema' | 'rma' | 'rsi' | 'stdev' | 'highest' | 'lowest'; src: NumExpr; length: ScalarExpr }
  | { fn: 'atr'; length: ScalarExpr }
  | { fn: 'supertrend'; factor: ScalarExpr; atrPeriod: ScalarExpr }
  | { fn: 'macd'; src: NumExpr; fast: ScalarExpr; slow: ScalarExpr; signal: ScalarExpr }
  | { fn: 'stoch'; kLength: ScalarExpr; kSmoothing: ScalarExpr; dSmoothing: ScalarExpr }
  | { fn: 'bb'; src: NumExpr; length: ScalarExpr; mult: ScalarExpr }
  | {
      fn: 'ichimoku';
      conversion: ScalarExpr;
      base: ScalarExpr;
      spanB: ScalarExpr;
      displacement: ScalarExpr;
    };

/** The outputs of each indicator; single-output indicators have `value`. */
export type IndicatorOutputs = {
  sma: 'value';
  ema: 'value';
  rma: 'value';
  rsi: 'value';
  stdev: 'value';
  highest: 'value';
  lowest: 'value';
  atr: 'value';
  supertrend: 'line' | 'direction';
  macd: 'macd' | 'signal' | 'hist';
  stoch: 'k' | 'd';
  bb: 'basis' | 'upper' | 'lower';
  /** cloudA / cloudB: the cloud drawn at the bar, i.e. spanA / spanB of `displacement − 1` bars ago. */
  ichimoku: 'conversion' | 'base' | 'spanA' | 'spanB' | 'cloudA' | 'cloudB';
};

export type NumExpr =
  | { kind: 'source'; source: PriceSource }
  | ScalarExpr
  | { kind: 'indicator'; call: IndicatorCall; output: string }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/' | 'max' | 'min'; left: NumExpr; right: NumExpr }
  /** The value `bars` bars ago (Pine `x[bars]`); NaN before the start of the data. */
  | { kind: 'prev'; expr: NumExpr; bars: number };

export type BoolExpr =
  | { kind: 'compare'; op: '>' | '<' | '>=' | '<='; left: NumExpr; right: NumExpr }
  | { kind: 'cross'; op: 'crossover' | 'crossunder'; left: NumExpr; right: NumExpr }
  | { kind: 'logic'; op: 'and' | 'or'; args: BoolExpr[] }
  | { kind: 'not'; arg: BoolExpr };

// ---- Builders: the vocabulary the six strategy files are written in. ----

export const source = (name: PriceSource): NumExpr => ({ kind: 'source', source: name });
export const close = source('close');
export const num = (value: number): ScalarExpr => ({ kind: 'const', value });
export const param = (name: string): ScalarExpr => ({ kind: 'param', name });

function single(call: IndicatorCall): NumExpr {
  return { kind: 'indicator', call, output: 'value' };
}
function outputs<F extends keyof IndicatorOutputs>(
  call: IndicatorCall & { fn: F },
  names: readonly IndicatorOutputs[F][],
): Record<IndicatorOutputs[F], NumExpr> {
  const entries = names.map((output): [string, NumExpr] => [output, { kind: 'indicator', call, output }]);
  return Object.fromEntries(entries) as Record<IndicatorOutputs[F], NumExpr>;
}

export const sma = (src: NumExpr, length: ScalarExpr) => single({ fn: 'sma', src, length });
export const ema = (src: NumExpr, length: ScalarExpr) => single({ fn: 'ema', src, length });
export const rma = (src: NumExpr, length: ScalarExpr) => single({ fn: 'rma', src, length });
export const rsi = (src: NumExpr, length: ScalarExpr) => single({ fn: 'rsi', src, length });
export const stdev = (src: NumExpr, length: ScalarExpr) => single({ fn: 'stdev', src, length });
export const highest = (src: NumExpr, length: ScalarExpr) => single({ fn: 'highest', src, length });
export const lowest = (src: NumExpr, length: ScalarExpr) => single({ fn: 'lowest', src, length });
export const atr = (length: ScalarExpr) => single({ fn: 'atr', length });
export const supertrend = (factor: ScalarExpr, atrPeriod: ScalarExpr) =>
  outputs({ fn: 'supertrend', factor, atrPeriod }, ['line', 'direction']);
export const macd = (src: NumExpr, fast: ScalarExpr, slow: ScalarExpr, signal: ScalarExpr) =>
  outputs({ fn: 'macd', src, fast, slow, signal }, ['macd', 'signal', 'hist']);
export const stoch = (kLength: ScalarExpr, kSmoothing: ScalarExpr, dSmoothing: ScalarExpr) =>
  outputs({ fn: 'stoch', kLength, kSmoothing, dSmoothing }, ['k', 'd']);
export const bb = (src: NumExpr, length: ScalarExpr, mult: ScalarExpr) =>
  outputs({ fn: 'bb', src, length, mult }, ['basis', 'upper', 'lower']);
export const ichimoku = (
  conversion: ScalarExpr,
  base: ScalarExpr,
  spanB: ScalarExpr,
  displacement: ScalarExpr,
) =>
  outputs({ fn: 'ichimoku', conversion, base, spanB, displacement }, [
    'conversion',
    'base',
    'spanA',
    'spanB',
    'cloudA',
    'cloudB',
  ]);

const binary =
  (op: '+' | '-' | '*' | '/' | 'max' | 'min') =>
  (left: NumExpr, right: NumExpr): NumExpr => ({ kind: 'binary', op, left, right });
export const add = binary('+');
export const sub = binary('-');
export const mul = binary('*');
export const div = binary('/');
export const max = binary('max');
export const min = binary('min');
export const prev = (expr: NumExpr, bars = 1): NumExpr => ({ kind: 'prev', expr, bars });

const compare =
  (op: '>' | '<' | '>=' | '<=') =>
  (left: NumExpr, right: NumExpr): BoolExpr => ({ kind: 'compare', op, left, right });
export const gt = compare('>');
export const lt = compare('<');
export const gte = compare('>=');
export const lte = compare('<=');
export const crossover = (left: NumExpr, right: NumExpr): BoolExpr => ({
  kind: 'cross',
  op: 'crossover',
  left,
  right,
});
export const crossunder = (left: NumExpr, right: NumExpr): BoolExpr => ({
  kind: 'cross',
  op: 'crossunder',
  left,
  right,
});
export const and = (...args: BoolExpr[]): BoolExpr => ({ kind: 'logic', op: 'and', args });
export const or = (...args: BoolExpr[]): BoolExpr => ({ kind: 'logic', op: 'or', args });
export const not = (arg: BoolExpr): BoolExpr => ({ kind: 'not', arg });

/** A stable text key for an expression: equal keys mean equal series (used for memoisation and naming). */
export function exprKey(expr: NumExpr | BoolExpr | IndicatorCall | ScalarExpr): string {
  return JSON.stringify(expr);
}

/** The parameter names an expression tree refers to. */
export function paramsUsed(expr: unknown, into = new Set<string>()): Set<string> {
  if (expr !== null && typeof expr === 'object') {
    const node = expr as Record<string, unknown>;
    if (node.kind === 'param' && typeof node.name === 'string') into.add(node.name);
    for (const value of Object.values(node)) paramsUsed(value, into);
  }
  return into;
}
