import { EngineErrors } from '../errors.ts';
import type { CandleSeries } from './series.ts';
import { parseTimeframe } from './timeframe.ts';

export type SyntheticCandlesOptions = {
  /** Number of candles. */
  bars: number;
  /** '1m' … '1d' (default '1h'). */
  timeframe?: string;
  /** PRNG seed (default 1): the same options always give the same candles. */
  seed?: number;
  /** First open (default 30,000). */
  startPrice?: number;
  /** Open time of the first candle in epoch ms (default 2023-01-01T00:00:00Z). */
  startTime?: number;
};

/** mulberry32: a small, fast 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Regime = 'up' | 'down' | 'range';

/**
 * SYNTHETIC candles (not market data): a deterministic geometric random walk, labelled
 * `source = "synthetic:seed=<seed>,timeframe=<tf>"`. It is the built-in data set, so the product
 * runs with no network and no third-party data. To give strategies something to trade, the walk
 * switches between regimes (trending up, trending down, mean-reverting range; each lasts a random
 * 50–400 bars) and its volatility clusters (GARCH(1,1)-like variance). Every candle is valid:
 * open = previous close, high ≥ max(open, close), low ≤ min(open, close), prices > 0, volume ≥ 0.
 * Prices are rounded to 7 significant digits of the start price.
 */
export function syntheticCandles(options: SyntheticCandlesOptions): CandleSeries {
  const bars = options.bars;
  if (!Number.isInteger(bars) || bars < 0) {
    throw EngineErrors.create('INVALID_BACKTEST_INPUT', {
      message: `bars must be a whole number ≥ 0 (got ${bars})`,
    });
  }
  const timeframe = options.timeframe ?? '1h';
  const tf = parseTimeframe(timeframe);
  const seed = options.seed ?? 1;
  const startPrice = options.startPrice ?? 30_000;
  if (!(startPrice > 0) || !Number.isFinite(startPrice)) {
    throw EngineErrors.create('INVALID_BACKTEST_INPUT', {
      message: `startPrice must be > 0 (got ${startPrice})`,
    });
  }
  const startTime = options.startTime ?? Date.UTC(2023, 0, 1);
  const rand = mulberry32(seed);
  const gauss = () => {
    // Box–Muller; 1 - u keeps the log argument in (0, 1].
    const u = 1 - rand();
    const v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };

  // Price grid: 7 significant digits of the start price (30,000 → 0.01).
  const decimals = 6 - Math.floor(Math.log10(startPrice));
  const scale = 10 ** Math.abs(decimals);
  const round =
    decimals >= 0
      ? (x: number) => Math.round(x * scale) / scale
      : (x: number) => Math.round(x / scale) * scale;
  const tick = decimals >= 0 ? 1 / scale : scale;

  // Per-bar volatility: ~0.6 % per hour, scaled with √(timeframe).
  const baseSigma = 0.006 * Math.sqrt(tf / 3_600_000);
  const omega = baseSigma * baseSigma * 0.05;
  const alpha = 0.1;
  const beta = 0.85;

  const time = new Float64Array(bars);
  const open = new Float64Array(bars);
  const high = new Float64Array(bars);
  const low = new Float64Array(bars);
  const close = new Float64Array(bars);
  const volume = new Float64Array(bars);

  let regime: Regime = 'range';
  let regimeLeft = 0;
  let drift = 0;
  let anchor = Math.log(startPrice);
  let variance = baseSigma * baseSigma;
  let lastReturn = 0;
  let logPrice = Math.log(startPrice);
  let prevClose = round(startPrice);

  for (let i = 0; i < bars; i++) {
    if (regimeLeft <= 0) {
      const r = rand();
      regime = r < 0.35 ? 'up' : r < 0.7 ? 'down' : 'range';
      regimeLeft = 50 + Math.floor(rand() * 350);
      // Trend strength: 0.05–0.25 σ per bar.
      drift = (0.05 + 0.2 * rand()) * baseSigma * (regime === 'up' ? 1 : regime === 'down' ? -1 : 0);
      anchor = logPrice;
    }
    regimeLeft--;
    variance = omega + alpha * lastReturn * lastReturn + beta * variance;
    const sigma = Math.sqrt(variance);
    const meanReversion = regime === 'range' ? -0.05 * (logPrice - anchor) : 0;
    const r = drift + meanReversion + sigma * gauss();
    lastReturn = r;
    logPrice += r;

    const o = prevClose;
    let c = round(Math.exp(logPrice));
    if (c < tick) c = tick;
    const wickUp = Math.abs(gauss()) * sigma * 0.6;
    const wickDown = Math.abs(gauss()) * sigma * 0.6;
    let h = round(Math.max(o, c) * Math.exp(wickUp));
    let l = round(Math.min(o, c) * Math.exp(-wickDown));
    if (h < Math.max(o, c)) h = Math.max(o, c);
    if (l > Math.min(o, c)) l = Math.min(o, c);
    if (l < tick) l = Math.min(tick, o, c);

    time[i] = startTime + i * tf;
    open[i] = o;
    high[i] = h;
    low[i] = l;
    close[i] = c;
    // Volume rises with the size of the move and with volatility.
    volume[i] = Math.round(100 * (1 + Math.abs(r) / baseSigma) * Math.exp(0.3 * gauss()) * 1000) / 1000;
    prevClose = c;
  }

  return {
    length: bars,
    time,
    open,
    high,
    low,
    close,
    volume,
    source: `synthetic:seed=${seed},timeframe=${timeframe}`,
    timeframeMs: tf,
  };
}
