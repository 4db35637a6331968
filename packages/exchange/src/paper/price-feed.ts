import { LRUCache } from 'lru-cache';
import pLimit from 'p-limit';
import { roundPrice } from '../instrument.ts';
import type { StreamingVenue, StreamOptions } from '../stream/types.ts';
import type { Exchange, Instrument } from '../types.ts';
import {
  historyBar,
  type PaperCandle,
  type PaperExchange,
  type PaperHistoryBar,
  type PaperVenueSnapshot,
} from './paper-exchange.ts';
import type { MarketDataStatus, PaperPriceDriver } from './market-feed.ts';

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

/** The minutes an hourly history candle is sampled from: every 5th, and the last. */
const HOUR_SAMPLE_MINUTES = [0, ...Array.from({ length: 11 }, (_, i) => (i + 1) * 5), 59];

const onGrid = (instrument: Instrument, price: number): string =>
  roundPrice(instrument, price.toPrecision(12), 'nearest').toString();

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
    const open = onGrid(instrument, samples[0]!);
    const close = onGrid(instrument, samples.at(-1)!);
    const high = onGrid(instrument, Math.max(...samples));
    const low = onGrid(instrument, Math.min(...samples));
    return {
      openTime,
      closeTime: openTime + MINUTE - 1,
      open,
      high,
      low,
      close,
      volume: this.#volume(instrument, openTime),
    };
  }

  /**
   * The hourly candle `hourCandle` makes from this source's minutes (every 5th minute and the last),
   * computed from the raw samples and put on the tick grid once per price instead of once per
   * minute: the same candle (rounding is monotonic), at a fraction of the cost of a warm-up.
   */
  hourCandle(instrument: Instrument, openTime: number): PaperCandle {
    let high = -Infinity;
    let low = Infinity;
    let volume = 0;
    for (const minute of HOUR_SAMPLE_MINUTES) {
      const start = openTime + minute * MINUTE;
      for (let t = start; t <= start + MINUTE; t += 10_000) {
        const price = this.priceAt(instrument, t);
        if (price > high) high = price;
        if (price < low) low = price;
      }
      volume += this.#volume(instrument, start) * (minute === 0 ? 1 : 5);
    }
    return {
      openTime,
      closeTime: openTime + HOUR - 1,
      open: onGrid(instrument, this.priceAt(instrument, openTime)),
      high: onGrid(instrument, high),
      low: onGrid(instrument, low),
      close: onGrid(instrument, this.priceAt(instrument, openTime + 59 * MINUTE + MINUTE)),
      volume,
    };
  }

  #volume(instrument: Instrument, openTime: number): number {
    return 50 + 50 * Math.abs(noise(hash32(instrument.venueSymbol), openTime / MINUTE));
  }
}

/** The default source, one for every venue, so that they share its history cache. */
const SYNTHETIC = new SyntheticMinuteCandles();

export type PaperFeedDriverOptions = {
  source?: MinuteCandleSource;
  /** Clock (ms). Default Date.now. */
  now?: () => number;
  /**
   * Minute candles kept before now (default 12 h: ATR(14) on 30m needs 7.5 h); older minutes are
   * folded into hourly bars. Also the most a catch-up after a long pause replays.
   */
  minuteHistoryMs?: number;
  /** Hourly candles before the minute history (default 20 days: ATR(14) on 1d); older ones are dropped. */
  hourlyHistoryMs?: number;
};

/** How many paper venues build their history at once; the others wait their turn (a queue). */
export const PAPER_WARMUP_CONCURRENCY = 2;
const warmUpQueue = pLimit(PAPER_WARMUP_CONCURRENCY);

/** Work slice between two yields to the event loop while a venue warms up or catches up (ms). */
const SLICE_MS = 4;

/**
 * History bars per source, shared by every venue the source drives: the source is a pure function
 * of symbol and time, so twenty new accounts compute the same history once, and the bars (frozen)
 * are held once in memory, not once per venue.
 */
const sharedHistory = new WeakMap<MinuteCandleSource, LRUCache<string, PaperHistoryBar>>();

function historyCache(source: MinuteCandleSource): LRUCache<string, PaperHistoryBar> {
  let cache = sharedHistory.get(source);
  if (cache === undefined) {
    // About two days of minutes and a month of hours for each default instrument.
    cache = new LRUCache({ max: 50_000 });
    sharedHistory.set(source, cache);
  }
  return cache;
}

/** Resolves on the next turn of the event loop, after pending I/O and timers. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Drives a PaperExchange from a minute-candle source, lazily: `catchUp()` replays every finished
 * minute since the last call (so stops and take-profits trigger where the path crosses them) and
 * ticks the current, unfinished minute to its latest price.
 *
 * The first catch-up warms the venue up: it seeds the history klines need (hourly for 20 days, then
 * minutes) without replaying it through the matching engine, in slices that yield to the event loop,
 * at most `PAPER_WARMUP_CONCURRENCY` venues at once. A venue restored from a snapshot (`resumeAt`)
 * then replays, with matching, the minutes since its snapshot. Memory stays bounded: minutes older
 * than `minuteHistoryMs` are folded into hours, hours older than `hourlyHistoryMs` dropped.
 */
export class PaperFeedDriver implements PaperPriceDriver {
  readonly #venue: PaperExchange;
  readonly #source: MinuteCandleSource;
  readonly #now: () => number;
  readonly #minuteHistoryMs: number;
  readonly #hourlyHistoryMs: number;
  /** Per symbol: open time of the next minute candle not yet replayed. */
  readonly #next = new Map<string, number>();
  #resumeAt: number | undefined;
  #warmUp: Promise<void> | undefined;
  /** Catch-ups run one after the other (a replay yields, and must not interleave with another). */
  #running: Promise<void> = Promise.resolve();
  #compactedAt = -Infinity;
  readonly #since: number;

  constructor(venue: PaperExchange, options: PaperFeedDriverOptions = {}) {
    this.#venue = venue;
    this.#source = options.source ?? SYNTHETIC;
    this.#now = options.now ?? Date.now;
    this.#minuteHistoryMs = options.minuteHistoryMs ?? 12 * HOUR;
    this.#hourlyHistoryMs = options.hourlyHistoryMs ?? 20 * DAY;
    this.#since = this.#now();
  }

  /** Computed prices are always there: `synthetic`, `up` (labelled synthetic wherever shown). */
  marketData(): MarketDataStatus {
    return { source: 'synthetic', state: 'up', since: this.#since };
  }

  /** A synthetic price is never stale. */
  assertTradable(): void {}

  /**
   * The venue's state is as of `time` (a restored snapshot): the first catch-up replays the minutes
   * since then through the matching engine (at most `minuteHistoryMs`), so stops that the price
   * crossed meanwhile fill. Without it a venue starts at the clock.
   */
  resumeAt(time: number): void {
    this.#resumeAt = time;
  }

  /** Brings every instrument of the venue up to the clock. Cheap when called often. */
  catchUp(): Promise<void> {
    const run = this.#running.then(() => this.#catchUp());
    // A failed catch-up does not block the next one.
    this.#running = run.catch(() => undefined);
    return run;
  }

  async #catchUp(): Promise<void> {
    if (this.#warmUp === undefined) {
      this.#warmUp = warmUpQueue(() => this.#seedHistory());
      // A failed warm-up is tried again at the next catch-up.
      this.#warmUp.catch(() => (this.#warmUp = undefined));
    }
    await this.#warmUp;
    const now = this.#now();
    const currentMinute = Math.floor(now / MINUTE) * MINUTE;
    let slice = performance.now();
    for (const instrument of await this.#venue.instruments()) {
      const symbol = instrument.venueSymbol;
      // A long pause (a sleeping laptop) replays at most the minute history, not weeks of minutes.
      let next = Math.max(this.#next.get(symbol) ?? currentMinute, currentMinute - this.#minuteHistoryMs);
      for (; next < currentMinute; next += MINUTE) {
        const candle = this.#source.candle(instrument, next);
        if (candle) this.#venue.applyCandle(symbol, candle);
        if (performance.now() - slice > SLICE_MS) {
          this.#next.set(symbol, next + MINUTE);
          await nextTurn();
          slice = performance.now();
        }
      }
      this.#next.set(symbol, next);
      // The unfinished minute: tick to the price now (its candle is replayed whole at a later catch-up).
      const live = livePrice(instrument, this.#source, currentMinute, now);
      if (live !== undefined) this.#venue.setPrice(symbol, live, now);
    }
    this.#compact(currentMinute);
  }

  /** Seeds each instrument's history up to the resume point, yielding every few milliseconds. */
  async #seedHistory(): Promise<void> {
    const currentMinute = Math.floor(this.#now() / MINUTE) * MINUTE;
    const minuteStart = Math.ceil((currentMinute - this.#minuteHistoryMs) / HOUR) * HOUR;
    const hourlyStart = Math.floor((minuteStart - this.#hourlyHistoryMs) / HOUR) * HOUR;
    const resume =
      this.#resumeAt === undefined ? currentMinute : Math.floor(this.#resumeAt / MINUTE) * MINUTE;
    const seedEnd = Math.min(currentMinute, Math.max(resume, currentMinute - this.#minuteHistoryMs));
    const cache = historyCache(this.#source);
    let slice = performance.now();
    for (const instrument of await this.#venue.instruments()) {
      const symbol = instrument.venueSymbol;
      const bars: PaperHistoryBar[] = [];
      const times: Array<[number, 'h' | 'm']> = [];
      for (let hour = hourlyStart; hour + HOUR <= minuteStart; hour += HOUR) times.push([hour, 'h']);
      for (let minute = minuteStart; minute < seedEnd; minute += MINUTE) times.push([minute, 'm']);
      for (const [time, kind] of times) {
        const key = `${symbol}|${kind}|${time}`;
        let bar = cache.get(key);
        if (bar === undefined) {
          const candle =
            kind === 'm'
              ? this.#source.candle(instrument, time)
              : this.#source instanceof SyntheticMinuteCandles
                ? this.#source.hourCandle(instrument, time)
                : hourCandle(instrument, this.#source, time);
          if (candle === undefined) continue;
          bar = historyBar(symbol, { ...candle, openTime: time });
          cache.set(key, bar);
        }
        bars.push(bar);
        if (performance.now() - slice > SLICE_MS) {
          await nextTurn();
          slice = performance.now();
        }
      }
      this.#venue.seedHistory(symbol, bars);
      this.#next.set(symbol, seedEnd);
    }
  }

  /** At most once an hour: minutes older than the minute history become hours; too old hours go. */
  #compact(currentMinute: number): void {
    if (currentMinute - this.#compactedAt < HOUR) return;
    this.#compactedAt = currentMinute;
    const foldBefore = Math.floor((currentMinute - this.#minuteHistoryMs) / HOUR) * HOUR;
    const dropBefore = foldBefore - this.#hourlyHistoryMs - HOUR;
    for (const symbol of this.#next.keys()) this.#venue.compactHistory(symbol, foldBefore, dropBefore);
  }
}

/** The venue symbol an order-entry call names (its first argument, or the request's `venueSymbol`). */
function symbolOf(first: unknown): string {
  if (typeof first === 'string') return first;
  const request = first as { venueSymbol?: unknown } | undefined;
  return typeof request?.venueSymbol === 'string' ? request.venueSymbol : '';
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
  for (const t of HOUR_SAMPLE_MINUTES.slice(1).map((m) => openTime + m * MINUTE)) {
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

/** A client whose state is the account itself (a paper venue): the server saves it and restores it. */
export type StatefulVenue = {
  /** The account's state now, or undefined when the venue was never used (nothing to save). */
  saveState(): Promise<PaperVenueSnapshot | undefined>;
};

export function isStatefulVenue<T extends object>(client: T): client is T & StatefulVenue {
  return typeof (client as Partial<StatefulVenue>).saveState === 'function';
}

/** How often an open stream of a feed-driven venue brings the feed up to the clock (ms). */
export const PAPER_STREAM_CATCH_UP_MS = 1_000;

/** Where a feed-driven venue's prices come from (`feedDrivenExchange`): the driver's status. */
export type MarketDataVenue = { marketData(symbol?: string): MarketDataStatus };

export function isMarketDataVenue<T extends object>(client: T): client is T & MarketDataVenue {
  return typeof (client as Partial<MarketDataVenue>).marketData === 'function';
}

/** Order entry: refused while the driver's market data is down (never a fill at a stale price). */
const ORDER_ENTRY_METHODS: ReadonlySet<PropertyKey> = new Set([
  'placeOrder',
  'placeConditional',
  'placeProtection',
  'closePosition',
]);

/** Methods that stay synchronous through `feedDrivenExchange` (they return a stream or an unsubscribe). */
const SYNC_STREAM_METHODS: ReadonlySet<PropertyKey> = new Set([
  'accountStream',
  'marketStream',
  'onAccountEvent',
  'onMarketUpdate',
]);

/**
 * The venue as an `Exchange` whose every call first brings the feed up to the clock, so whoever
 * asks (the executor, a positions page) sees the market as of now. With `restore`, the first call
 * first takes over the stored state (if any) and replays the minutes since it was saved.
 * While one of its streams (`accountStream`, `marketStream`) is open, the feed is also brought up to
 * the clock every `streamCatchUpMs`, so a stop the price crosses fills, and is streamed, without
 * anyone asking.
 */
export function feedDrivenExchange(
  venue: PaperExchange,
  driver: PaperPriceDriver,
  restore?: () => Promise<PaperVenueSnapshot | undefined>,
  options: { streamCatchUpMs?: number } = {},
): Exchange & StatefulVenue & StreamingVenue & MarketDataVenue {
  let restored: Promise<void> | undefined;
  const ready = (): Promise<void> => {
    restored ??= (async () => {
      const snapshot = await restore?.();
      if (snapshot === undefined) return;
      venue.restore(snapshot);
      if (snapshot.clock !== null) driver.resumeAt(snapshot.clock);
    })().catch((error: unknown) => {
      restored = undefined; // tried again at the next call
      throw error;
    });
    return restored;
  };
  const saveState = async (): Promise<PaperVenueSnapshot | undefined> => {
    if (restored === undefined) return undefined;
    await ready();
    await driver.catchUp();
    return venue.snapshot();
  };
  let openStreams = 0;
  let ticker: NodeJS.Timeout | undefined;
  const streamHooks = {
    onStart: async (): Promise<void> => {
      await ready();
      await driver.catchUp();
      openStreams += 1;
      if (ticker === undefined) {
        ticker = setInterval(() => {
          driver.catchUp().catch(() => undefined); // tried again at the next tick
        }, options.streamCatchUpMs ?? PAPER_STREAM_CATCH_UP_MS);
        ticker.unref();
      }
    },
    onClose: (): void => {
      openStreams = Math.max(0, openStreams - 1);
      if (openStreams === 0 && ticker !== undefined) {
        clearInterval(ticker);
        ticker = undefined;
      }
    },
  };
  return new Proxy(venue, {
    get(target, property, receiver) {
      if (property === 'saveState') return saveState;
      if (property === 'marketData') return (symbol?: string) => driver.marketData(symbol);
      if (property === 'accountStream') {
        return (streamOptions?: StreamOptions) => target.accountStream(streamOptions, streamHooks);
      }
      if (property === 'marketStream') {
        return (streamOptions?: StreamOptions) => target.marketStream(streamOptions, streamHooks);
      }
      if (SYNC_STREAM_METHODS.has(property)) {
        return (Reflect.get(target, property, receiver) as (...a: unknown[]) => unknown).bind(target);
      }
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        await ready();
        await driver.catchUp();
        if (ORDER_ENTRY_METHODS.has(property)) driver.assertTradable(symbolOf(args[0]));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as unknown as Exchange & StatefulVenue & StreamingVenue & MarketDataVenue;
}
