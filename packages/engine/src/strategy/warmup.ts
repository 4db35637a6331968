import type { ParamValues, StrategyDeclaration } from './declaration.ts';
import type { BoolExpr, IndicatorCall, NumExpr, ScalarExpr } from './expr.ts';

/**
 * How many bars a recursive indicator is fed per unit of its length before its value no longer
 * depends on where the history started: an EMA (α = 2/(n+1)) forgets its seed as (1−α)^k, so 10·n
 * bars leave e^−20 ≈ 2·10⁻⁹ of it; an RMA (α = 1/n, RSI, ATR, SuperTrend) needs 20·n for the same.
 * Finite windows (SMA, stdev, highest, lowest, the stochastic, Bollinger, Ichimoku) need exactly
 * their window.
 */
export const EMA_MEMORY = 10;
export const RMA_MEMORY = 20;

/**
 * The bars a live strategy reads before its first decision, computed from its declaration: each
 * rule's deepest chain of indicators (a source's own history adds to the indicator that reads it),
 * plus what `x[n]` and crosses look back. A bot fetches this many closed bars from the venue's
 * REST history before it evaluates live candles, so its signals equal the backtester's over the
 * whole history (to ~10⁻⁹ of a price).
 */
export function warmupBars(declaration: StrategyDeclaration, params: ParamValues): number {
  const scalar = (expr: ScalarExpr) => (expr.kind === 'const' ? expr.value : (params[expr.name] ?? 0));
  const num = (expr: NumExpr): number => {
    switch (expr.kind) {
      case 'source':
      case 'const':
      case 'param':
        return 0;
      case 'binary':
        return Math.max(num(expr.left), num(expr.right));
      case 'prev':
        return num(expr.expr) + expr.bars;
      case 'indicator':
        return indicatorBars(expr.call, scalar, num);
    }
  };
  const bool = (expr: BoolExpr): number => {
    switch (expr.kind) {
      case 'compare':
        return Math.max(num(expr.left), num(expr.right));
      case 'cross':
        return Math.max(num(expr.left), num(expr.right)) + 1;
      case 'logic':
        return Math.max(0, ...expr.args.map(bool));
      case 'not':
        return bool(expr.arg);
    }
  };
  const rules = Object.values(declaration.signals).map(bool);
  return Math.ceil(Math.max(1, ...rules)) + 1;
}

function indicatorBars(
  call: IndicatorCall,
  scalar: (expr: ScalarExpr) => number,
  num: (expr: NumExpr) => number,
): number {
  const source = 'src' in call ? num(call.src) : 0;
  switch (call.fn) {
    case 'sma':
    case 'stdev':
    case 'highest':
    case 'lowest':
      return source + scalar(call.length);
    case 'ema':
      return source + EMA_MEMORY * scalar(call.length);
    case 'rma':
    case 'rsi':
      return source + RMA_MEMORY * scalar(call.length);
    case 'atr':
      return RMA_MEMORY * scalar(call.length);
    case 'supertrend':
      return RMA_MEMORY * scalar(call.atrPeriod);
    case 'macd':
      return source + EMA_MEMORY * (scalar(call.slow) + scalar(call.signal));
    case 'stoch':
      return scalar(call.kLength) + scalar(call.kSmoothing) + scalar(call.dSmoothing);
    case 'bb':
      return source + scalar(call.length);
    case 'ichimoku':
      return (
        Math.max(scalar(call.conversion), scalar(call.base), scalar(call.spanB)) + scalar(call.displacement)
      );
  }
}
