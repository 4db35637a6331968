import { EngineErrors } from '../errors.ts';

const MINUTE = 60_000;

/** The timeframes the resampler and the CLI accept, with their length in ms. */
export const TIMEFRAMES = {
  '1m': MINUTE,
  '3m': 3 * MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '30m': 30 * MINUTE,
  '1h': 60 * MINUTE,
  '2h': 120 * MINUTE,
  '4h': 240 * MINUTE,
  '6h': 360 * MINUTE,
  '12h': 720 * MINUTE,
  '1d': 1440 * MINUTE,
} as const;

export type Timeframe = keyof typeof TIMEFRAMES;

/** `parseTimeframe('4h')` → 14_400_000. Unknown names raise INVALID_TIMEFRAME. */
export function parseTimeframe(timeframe: string): number {
  const ms = (TIMEFRAMES as Record<string, number | undefined>)[timeframe.trim()];
  if (ms === undefined) {
    throw EngineErrors.create('INVALID_TIMEFRAME', {
      message: `unknown timeframe "${timeframe}" (expected one of ${Object.keys(TIMEFRAMES).join(', ')})`,
      details: { timeframe },
    });
  }
  return ms;
}

/** The timeframe name of a duration in ms ('1h' for 3_600_000), or undefined when it has none. */
export function timeframeName(ms: number): Timeframe | undefined {
  for (const [name, value] of Object.entries(TIMEFRAMES)) if (value === ms) return name as Timeframe;
  return undefined;
}

/**
 * The most common difference between consecutive times (ties: the smaller one), or undefined
 * with fewer than two candles.
 */
export function detectTimeframeMs(time: Float64Array): number | undefined {
  if (time.length < 2) return undefined;
  const counts = new Map<number, number>();
  for (let i = 1; i < time.length; i++) {
    const d = time[i]! - time[i - 1]!;
    counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let best: number | undefined;
  let bestCount = 0;
  for (const [d, c] of counts) {
    if (c > bestCount || (c === bestCount && best !== undefined && d < best)) {
      best = d;
      bestCount = c;
    }
  }
  return best;
}
