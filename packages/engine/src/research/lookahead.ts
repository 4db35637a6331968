import type { PackedSignals } from '../backtest/index.ts';
import { mulberry32 } from '../candles/synthetic.ts';
import type { CandleSeries } from '../candles/series.ts';
import type { ParamValues, StrategyDeclaration } from '../strategy/declaration.ts';
import { evaluateStrategy } from '../strategy/evaluate.ts';

export type LookaheadViolation = {
  /** Last bar left as it was; every bar after it was changed. */
  cut: number;
  /** The first bar at or before `cut` whose signals changed. */
  bar: number;
  before: number;
  after: number;
};

export type LookaheadReport = {
  cuts: number[];
  violations: LookaheadViolation[];
};

export type SignalsOf = (candles: CandleSeries) => PackedSignals;

/**
 * Lookahead check: a decision on bar t may depend on bars 0..t only. For each cut t, every bar after
 * t is replaced (prices scaled by a random factor per bar, OHLC kept consistent, volume changed too)
 * and the signals are recomputed; any change at a bar ≤ t is a violation — the rules read the future.
 * Works for any declaration (a user's too): pass `signalsOf` to test another evaluator.
 */
export function checkLookahead(
  declaration: StrategyDeclaration,
  candles: CandleSeries,
  params: ParamValues,
  options: { cuts?: number; seed?: number; signalsOf?: SignalsOf } = {},
): LookaheadReport {
  const signalsOf =
    options.signalsOf ??
    ((series: CandleSeries) => evaluateStrategy(declaration, series, params).packedSignals);
  const random = mulberry32(options.seed ?? 1);
  const n = candles.length;
  const reference = signalsOf(candles);
  const cutCount = Math.min(options.cuts ?? 8, Math.max(0, n - 1));
  const cuts = Array.from({ length: cutCount }, (_, k) => Math.floor(((k + 1) * (n - 1)) / (cutCount + 1)));
  const violations: LookaheadViolation[] = [];
  for (const cut of cuts) {
    const changed = perturbAfter(candles, cut, random);
    const signals = signalsOf(changed);
    for (let i = 0; i <= cut; i++) {
      if (signals[i] !== reference[i]) {
        violations.push({ cut, bar: i, before: reference[i]!, after: signals[i]! });
        break;
      }
    }
  }
  return { cuts, violations };
}

/** A copy of `candles` with bars after `cut` changed (a different future), bars 0..cut untouched. */
export function perturbAfter(candles: CandleSeries, cut: number, random: () => number): CandleSeries {
  const copy = (a: Float64Array) => Float64Array.from(a);
  const out: CandleSeries = {
    ...candles,
    open: copy(candles.open),
    high: copy(candles.high),
    low: copy(candles.low),
    close: copy(candles.close),
    volume: copy(candles.volume),
  };
  for (let i = cut + 1; i < candles.length; i++) {
    // Each bar's prices move by up to ±30 %, and its shape is redrawn: open and close swap at random.
    const factor = 0.7 + 0.6 * random();
    let open = candles.open[i]! * factor;
    let close = candles.close[i]! * (0.7 + 0.6 * random());
    if (random() < 0.5) [open, close] = [close, open];
    out.open[i] = open;
    out.close[i] = close;
    out.high[i] = Math.max(open, close) * (1 + 0.02 * random());
    out.low[i] = Math.min(open, close) * (1 - 0.02 * random());
    out.volume[i] = candles.volume[i]! * (0.5 + random());
  }
  return out;
}
