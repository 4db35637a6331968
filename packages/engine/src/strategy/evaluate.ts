import type { CandleSeries } from '../candles/series.ts';
import * as ta from '../indicators/index.ts';
import { unpackSignals, type PackedSignals, type StrategySignals } from '../backtest/index.ts';
import type { ParamValues, StrategyDeclaration } from './declaration.ts';
import type { IndicatorCall, NumExpr, PriceSource, ScalarExpr } from './expr.ts';
import { compileSignals } from './compile-signals.ts';
import type { IndicatorCache } from './indicator-cache.ts';

export type EvaluatedPlot = { title: string; color: string; overlay: boolean; values: Float64Array };
export type EvaluatedStrategy = {
  /** What the broker reads: one byte per bar (SIGNAL_BITS). */
  packedSignals: PackedSignals;
  /** The same as four series, unpacked when first read. */
  readonly signals: StrategySignals;
  plots: EvaluatedPlot[];
};

type Outputs = Record<string, Float64Array>;

/**
 * Evaluates numeric expressions over a whole candle series (vectorised): the indicator series the
 * signal kernel reads, and the plots. Identical sub-expressions (same indicator with the same
 * resolved arguments) are computed once.
 */
export class SeriesEvaluator {
  private readonly numbers = new Map<string, Float64Array>();
  private readonly indicators = new Map<string, Outputs>();

  /**
   * `cache` (optional) shares indicator series across evaluations on the same candles — an
   * optimization's parameter sets; its series are read-only.
   */
  constructor(
    private readonly candles: CandleSeries,
    private readonly params: ParamValues,
    private readonly cache?: IndicatorCache,
  ) {}

  scalar(expr: ScalarExpr): number {
    if (expr.kind === 'const') return expr.value;
    const value = this.params[expr.name];
    if (value === undefined) throw new Error(`parameter ${expr.name} has no value`);
    return value;
  }

  number(expr: NumExpr): Float64Array {
    const key = JSON.stringify(expr);
    let values = this.numbers.get(key);
    if (values === undefined) {
      values = this.computeNumber(expr);
      this.numbers.set(key, values);
    }
    return values;
  }

  private computeNumber(expr: NumExpr): Float64Array {
    const n = this.candles.length;
    switch (expr.kind) {
      case 'source':
        return priceSource(this.candles, expr.source);
      case 'const':
      case 'param':
        return new Float64Array(n).fill(this.scalar(expr));
      case 'indicator': {
        const outputs = this.indicator(expr.call);
        const values = outputs[expr.output];
        if (values === undefined) throw new Error(`indicator ${expr.call.fn} has no output ${expr.output}`);
        return values;
      }
      case 'binary': {
        const a = this.number(expr.left);
        const b = this.number(expr.right);
        const out = new Float64Array(n);
        switch (expr.op) {
          case '+':
            for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!;
            break;
          case '-':
            for (let i = 0; i < n; i++) out[i] = a[i]! - b[i]!;
            break;
          case '*':
            for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!;
            break;
          case '/':
            for (let i = 0; i < n; i++) out[i] = a[i]! / b[i]!;
            break;
          // Pine's math.max / math.min return na when either argument is na.
          case 'max':
            for (let i = 0; i < n; i++)
              out[i] = Number.isNaN(a[i]!) || Number.isNaN(b[i]!) ? NaN : Math.max(a[i]!, b[i]!);
            break;
          case 'min':
            for (let i = 0; i < n; i++)
              out[i] = Number.isNaN(a[i]!) || Number.isNaN(b[i]!) ? NaN : Math.min(a[i]!, b[i]!);
            break;
        }
        return out;
      }
      case 'prev': {
        const a = this.number(expr.expr);
        const out = new Float64Array(n).fill(NaN);
        out.set(a.subarray(0, Math.max(0, n - expr.bars)), Math.min(n, expr.bars));
        return out;
      }
    }
  }

  private indicator(call: IndicatorCall): Outputs {
    const key = this.resolvedKey(call);
    let outputs = this.indicators.get(key);
    if (outputs === undefined) {
      outputs =
        this.cache === undefined
          ? this.computeIndicator(call)
          : this.cache.get(this.candles, key, () => this.computeIndicator(call));
      this.indicators.set(key, outputs);
    }
    return outputs;
  }

  /** Arguments resolved to numbers, so two parameters with equal values share one computation. */
  private resolvedKey(call: IndicatorCall): string {
    return JSON.stringify(call, (_key, value: unknown) =>
      value !== null && typeof value === 'object' && (value as ScalarExpr).kind === 'param'
        ? this.scalar(value as ScalarExpr)
        : value,
    );
  }

  private computeIndicator(call: IndicatorCall): Outputs {
    const { high, low, close } = this.candles;
    const s = (expr: ScalarExpr) => this.scalar(expr);
    switch (call.fn) {
      case 'sma':
      case 'ema':
      case 'rma':
      case 'rsi':
      case 'stdev':
      case 'highest':
      case 'lowest':
        return { value: ta[call.fn](this.number(call.src), s(call.length)) };
      case 'atr':
        return { value: ta.atr(high, low, close, s(call.length)) };
      case 'supertrend':
        return ta.supertrend(high, low, close, s(call.factor), s(call.atrPeriod));
      case 'macd':
        return ta.macd(this.number(call.src), s(call.fast), s(call.slow), s(call.signal));
      case 'stoch':
        return ta.stoch(close, high, low, s(call.kLength), s(call.kSmoothing), s(call.dSmoothing));
      case 'bb':
        return ta.bb(this.number(call.src), s(call.length), s(call.mult));
      case 'ichimoku': {
        const result = ta.ichimoku(
          high,
          low,
          close,
          s(call.conversion),
          s(call.base),
          s(call.spanB),
          s(call.displacement),
        );
        return {
          conversion: result.conversion,
          base: result.base,
          spanA: result.spanA,
          spanB: result.spanB,
          cloudA: result.cloudA,
          cloudB: result.cloudB,
        };
      }
    }
  }
}

export function priceSource(candles: CandleSeries, source: PriceSource): Float64Array {
  const { open, high, low, close, length: n } = candles;
  switch (source) {
    case 'open':
    case 'high':
    case 'low':
    case 'close':
    case 'volume':
      return candles[source];
    case 'hl2': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = (high[i]! + low[i]!) / 2;
      return out;
    }
    case 'hlc3': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = (high[i]! + low[i]! + close[i]!) / 3;
      return out;
    }
    case 'ohlc4': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = (open[i]! + high[i]! + low[i]! + close[i]!) / 4;
      return out;
    }
  }
}

/**
 * The signals (packed, and as four series when read) and the plots of a strategy over a candle
 * series. With `cache`, indicator series come from (and go to) the shared cache: the plots may then
 * be shared, read-only arrays.
 */
export function evaluateStrategy(
  declaration: StrategyDeclaration,
  candles: CandleSeries,
  params: ParamValues,
  cache?: IndicatorCache,
): EvaluatedStrategy {
  const evaluator = new SeriesEvaluator(candles, params, cache);
  const { leaves, scalarInputs, kernel } = compileSignals(declaration.signals);
  const n = candles.length;
  const packed = new Uint8Array(n);
  kernel(
    n,
    leaves.map((leaf) => evaluator.number(leaf)),
    scalarInputs.map((scalar) => evaluator.scalar(scalar)),
    packed,
  );
  let signals: StrategySignals | undefined;
  return {
    packedSignals: packed,
    get signals() {
      return (signals ??= unpackSignals(packed));
    },
    plots: declaration.plots.map((plot) => ({
      title: plot.title,
      color: plot.color,
      overlay: plot.overlay,
      values: evaluator.number(plot.expr),
    })),
  };
}
