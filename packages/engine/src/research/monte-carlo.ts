import { mulberry32 } from '../candles/synthetic.ts';
import { EngineErrors } from '../errors.ts';

/** Percentiles of one figure over the resampled runs. */
export type Band = { p5: number; p25: number; p50: number; p75: number; p95: number };

export type MonteCarloResult = {
  runs: number;
  trades: number;
  seed: number;
  method: 'bootstrap';
  /** True: each trade's return on the equity before it is compounded (percent-of-equity sizing). */
  compound: boolean;
  /** Net profit in percent of the initial capital. */
  netProfitPct: Band;
  /** Largest fall of the closed-trade equity below its running peak, percent of that peak. */
  maxDrawdownPct: Band;
  /** Share of runs (0..1) that end below the initial capital. */
  lossProbability: number;
  /** The same figures of the trade sequence as it happened, for comparison with the bands. */
  actual: { netProfitPct: number; maxDrawdownPct: number };
};

export type MonteCarloOptions = {
  runs: number;
  seed?: number;
  /** Compound per-trade returns (right for percent-of-equity sizing) instead of adding PnLs. */
  compound?: boolean;
};

/**
 * "Is it luck?" for a trade sequence: draws `runs` sequences of the same length from the closed
 * trades with replacement (a bootstrap, seeded: the same seed gives the same bands) and reports
 * percentile bands of the final return and of the maximum drawdown of the closed-trade equity.
 * A strategy whose 5th percentile return is a loss, or whose 95th percentile drawdown is several
 * times the one it showed, owes its result to the order and the luck of a few trades.
 */
export function monteCarloTrades(
  pnls: readonly number[],
  initialCapital: number,
  options: MonteCarloOptions,
): MonteCarloResult {
  const { runs } = options;
  const seed = options.seed ?? 1;
  const compound = options.compound ?? false;
  if (!Number.isInteger(runs) || runs < 1 || runs > 1_000_000) {
    throw EngineErrors.create('INVALID_RESEARCH_OPTIONS', {
      message: 'Monte Carlo runs must be a whole number from 1 to 1,000,000',
    });
  }
  if (!(initialCapital > 0)) {
    throw EngineErrors.create('INVALID_RESEARCH_OPTIONS', { message: 'initial capital must be > 0' });
  }
  // Per-trade return on the equity before the trade, as the trades happened.
  const steps = new Float64Array(pnls.length);
  let equity = initialCapital;
  for (let k = 0; k < pnls.length; k++) {
    steps[k] = compound ? (equity > 0 ? pnls[k]! / equity : 0) : pnls[k]!;
    equity += pnls[k]!;
  }
  const actual = path(steps, steps.length, initialCapital, compound, null);
  const random = mulberry32(seed);
  const finals = new Float64Array(runs);
  const drawdowns = new Float64Array(runs);
  let losses = 0;
  for (let r = 0; r < runs; r++) {
    const result = path(steps, steps.length, initialCapital, compound, random);
    finals[r] = result.netProfitPct;
    drawdowns[r] = result.maxDrawdownPct;
    if (result.netProfitPct < 0) losses++;
  }
  return {
    runs,
    trades: pnls.length,
    seed,
    method: 'bootstrap',
    compound,
    netProfitPct: band(finals),
    maxDrawdownPct: band(drawdowns),
    lossProbability: losses / runs,
    actual,
  };
}

/** One equity path over `count` steps: in order (random = null) or drawn with replacement. */
function path(
  steps: Float64Array,
  count: number,
  capital: number,
  compound: boolean,
  random: (() => number) | null,
): { netProfitPct: number; maxDrawdownPct: number } {
  let equity = capital;
  let peak = capital;
  let maxDd = 0;
  for (let k = 0; k < count; k++) {
    const step = random === null ? steps[k]! : steps[Math.floor(random() * count)]!;
    equity = compound ? equity * (1 + step) : equity + step;
    if (equity > peak) peak = equity;
    else if (peak > 0) {
      const dd = ((peak - equity) / peak) * 100;
      if (dd > maxDd) maxDd = dd;
    }
  }
  return { netProfitPct: ((equity - capital) / capital) * 100, maxDrawdownPct: maxDd };
}

/** Percentiles by the nearest-rank rule (a value that occurred, never an interpolation). */
export function band(values: Float64Array): Band {
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) =>
    sorted.length === 0
      ? NaN
      : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { p5: at(5), p25: at(25), p50: at(50), p75: at(75), p95: at(95) };
}
