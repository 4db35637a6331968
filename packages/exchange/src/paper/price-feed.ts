import { roundPrice } from '../instrument.ts';
import type { Exchange, Instrument } from '../types.ts';
import type { PaperCandle, PaperExchange } from './paper-exchange.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A source of one-minute candles, as a pure function of symbol and time. */
export interface MinuteCandleSource {
  /** The 1m candle that opens at `openTime` (a multiple of 60,000), or undefined if it has none. */
  candle(instrument: Instrument, openTime: number): PaperCandle | undefined;
}

/** Typical price levels, so that order sizes and minimum notionals behave as on the real venue. */
const BASE_PRICES: Record<string, number> = {
  BTC: 60_000,
  ETH: 3_000,
  SOL: 150,
  BNB: 600,
  XRP: 0.6,
  DOGE: 0.15,
};

/** Waves of the synthetic log-price: [period ms, amplitude]. Long waves trend, short ones chop. */
const WAVES: ReadonlyArray<readonly [number, number]> = [
  [9.3 * DAY, 0.09],
  [2.1 * DAY, 0.035],
  [17.7 * HOUR, 0.018],
  [3.1 * HOUR, 0.008],
  [47 * MINUTE, 0.004],
  [11 * MINUTE, 0.0018],
  [2.7 * MINUTE, 0.0008],
];

function hash32(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** A deterministic value in [-1, 1) from a 32-bit seed and an integer. */
function noise(seed: number, n: number): number {
  let x = Math.imul(seed ^ Math.imul(n | 0, 0x9e3779b1), 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return (x >>> 0) / 2 ** 31 - 1;
}

/**
 * SYNTHETIC prices — not market data. The log-price is a sum of sine waves with incommensurate
 * periods plus per-sample noise, so any minute of any day can be computed on its own (no replay
 * from an origin, no state) and every paper account sees the same market. It lets a newcomer trade
 * the paper venue with no network; ATR, stops and take-profits behave as on a real chart.
 */
export class SyntheticMinuteCandles implements MinuteCandleSource {
  priceAt(instrument: Instrument, time: number): number {
    const seed = hash32(instrument.venueSymbol);
    const base = BASE_PRICES[instrument.base] ?? 100;
    let logPrice = 0;
    WAVES.forEach(([period, amplitude], i) => {
      const phase = ((seed >>> (i * 4)) & 0xff) / 256;
      logPrice += amplitude * Math.sin(2 * Math.PI * (time / period + phase));
    });
    logPrice += 0.0004 * noise(seed, Math.floor(time / 10_000));
    return base * Math.exp(logPrice);
  }

  candle(instrument: Instrument, openTime: number): PaperCandle {
    const samples: number[] = [];
    for (let t = openTime; t <= openTime + MINUTE; t += 10_000) samples.push(this.priceAt(instrument, t));
    const onGrid = (p: number) => roundPrice(instrument, p.toPrecision(12), 'nearest').toString();
    const open = onGrid(samples[0]!);
    const close = onGrid(samples.at(-1)!);
    const high = onGrid(Math.max(...samples));
    const low = onGrid(Math.min(...samples));
    const volume = 50 + 50 * Math.abs(noise(hash32(instrument.venueSymbol), openTime / MINUTE));
    return { openTime, closeTime: openTime + MINUTE - 1, open, high, low, close, volume };
  }
}

export type PaperFeedDriverOptions = {
  source?: MinuteCandleSource;
  /** Clock (ms). Default Date.now. */
  now?: () => number;
  /** Minute candles replayed before the first use (default 3 days: ATR(14) on 4h needs 56 h). */
  minuteHistoryMs?: number;
  /** Hourly candles before the minute history (default 20 days: ATR(14) on 1d). */
  hourlyHistoryMs?: number;
};

/**
 * Drives a PaperExchange from a minute-candle source, lazily: `catchUp()` replays every finished
 * minute since the last call (so stops and take-profits trigger where the path crosses them) and
 * ticks the current, unfinished minute to its latest price. History before first use is replayed
 * once, hourly then by the minute, so klines for ATR exist on every timeframe up to 1d.
 */
export class PaperFeedDriver {
  readonly #venue: PaperExchange;
  readonly #source: MinuteCandleSource;
  readonly #now: () => number;
  readonly #minuteHistoryMs: number;
  readonly #hourlyHistoryMs: number;
  /** Per symbol: open time of the next minute candle not yet replayed. */
  readonly #next = new Map<string, number>();

  constructor(venue: PaperExchange, options: PaperFeedDriverOptions = {}) {
    this.#venue = venue;
    this.#source = options.source ?? new SyntheticMinuteCandles();
    this.#now = options.now ?? Date.now;
    this.#minuteHistoryMs = options.minuteHistoryMs ?? 3 * DAY;
    this.#hourlyHistoryMs = options.hourlyHistoryMs ?? 20 * DAY;
  }

  /** Brings every instrument of the venue up to the clock. Cheap when called often. */
  async catchUp(): Promise<void> {
    const now = this.#now();
    const currentMinute = Math.floor(now / MINUTE) * MINUTE;
    for (const instrument of await this.#venue.instruments()) {
      const symbol = instrument.venueSymbol;
      let next = this.#next.get(symbol);
      if (next === undefined) {
        next = this.#replayHistory(instrument, currentMinute);
      }
      // A long pause (a sleeping laptop) replays at most the minute history, not weeks of minutes.
      next = Math.max(next, currentMinute - this.#minuteHistoryMs);
      for (; next < currentMinute; next += MINUTE) {
        const candle = this.#source.candle(instrument, next);
        if (candle) this.#venue.applyCandle(symbol, candle);
      }
      this.#next.set(symbol, next);
      // The unfinished minute: tick to the price now (its candle is replayed whole at a later catch-up).
      const live = livePrice(instrument, this.#source, currentMinute, now);
      if (live !== undefined) this.#venue.setPrice(symbol, live, now);
    }
  }

  #replayHistory(instrument: Instrument, currentMinute: number): number {
    const minuteStart = currentMinute - this.#minuteHistoryMs;
    const hourlyStart = Math.floor((minuteStart - this.#hourlyHistoryMs) / HOUR) * HOUR;
    for (let hour = hourlyStart; hour + HOUR <= minuteStart; hour += HOUR) {
      const candle = hourCandle(instrument, this.#source, hour);
      if (candle) this.#venue.applyCandle(instrument.venueSymbol, candle);
    }
    return Math.ceil(minuteStart / HOUR) * HOUR;
  }
}

function hourCandle(
  instrument: Instrument,
  source: MinuteCandleSource,
  openTime: number,
): PaperCandle | undefined {
  const first = source.candle(instrument, openTime);
  if (!first) return undefined;
  let high = Number(first.high);
  let low = Number(first.low);
  let close = first.close;
  let volume = Number(first.volume ?? 0);
  // Every 5th minute (and the last) is enough for an hourly range and keeps the first start fast.
  const minutes = [...Array.from({ length: 11 }, (_, i) => (i + 1) * 5), 59];
  for (const t of minutes.map((m) => openTime + m * MINUTE)) {
    const c = source.candle(instrument, t);
    if (!c) continue;
    high = Math.max(high, Number(c.high));
    low = Math.min(low, Number(c.low));
    close = c.close;
    volume += Number(c.volume ?? 0) * 5;
  }
  return {
    openTime,
    closeTime: openTime + HOUR - 1,
    open: first.open,
    high: String(high),
    low: String(low),
    close,
    volume,
  };
}

function livePrice(
  instrument: Instrument,
  source: MinuteCandleSource,
  minute: number,
  now: number,
): string | undefined {
  if (source instanceof SyntheticMinuteCandles) {
    return roundPrice(instrument, source.priceAt(instrument, now).toPrecision(12), 'nearest').toString();
  }
  const candle = source.candle(instrument, minute);
  return candle === undefined ? undefined : String(candle.open);
}

/**
 * The venue as an `Exchange` whose every call first brings the feed up to the clock, so whoever
 * asks (the executor, a positions page) sees the market as of now.
 */
export function feedDrivenExchange(venue: PaperExchange, driver: PaperFeedDriver): Exchange {
  return new Proxy(venue, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        await driver.catchUp();
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
