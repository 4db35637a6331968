import type { PaperMarketData, PaperMarketVenue } from '@tradingbot/core';
import type { FetchKlinesPage } from '../download.ts';
import { ExchangeErrors } from '../errors.ts';
import { roundPrice } from '../instrument.ts';
import type { MarketEvent, MarketStream } from '../stream/types.ts';
import type { Instrument, Kline } from '../types.ts';
import { historyBar, type PaperCandle, type PaperExchange, type PaperHistoryBar } from './paper-exchange.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Whether a paper account's market data can be trusted now. `synthetic` is always `up` (it is
 * computed, never received); a venue's public stream is `down` with the reason while it is
 * disconnected or silent, and then the paper venue refuses new orders rather than fill them at a
 * stale price (it never falls back to synthetic prices).
 */
export type MarketDataStatus = {
  source: PaperMarketData;
  state: 'connecting' | 'up' | 'down';
  /** Since when (ms). */
  since: number;
  reason?: string;
  /** Venue time of the newest mark price received (venue feeds only). */
  lastPriceAt?: number;
};

export type PublicMarketFeedOptions = {
  venue: PaperMarketVenue;
  /** Builds the venue's public stream (`BinanceMarketStream`, `OkxMarketStream`); called once. */
  openStream: () => MarketStream;
  /** The venue's public candle pages (REST, no key): history, and the minutes a gap missed. */
  klinesPage: FetchKlinesPage;
  /** The venue's id for a paper symbol (`BTCUSDT` → `BTC-USDT-SWAP` on OKX). */
  venueSymbolOf: (paperSymbol: string) => string;
  now?: () => number;
  /** Backoff between attempts to open the stream when the first connection fails (ms; jittered). */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** A stream that is up but sent no mark price for this long is stale (default 60 s). */
  staleAfterMs?: number;
  /** Closed minutes kept per symbol (default 13 h). */
  keepMinutesMs?: number;
  random?: () => number;
};

type Mark = { price: string; time: number };
/** A candle of the feed: its open time is always known. */
type TimedCandle = PaperCandle & { openTime: number };

/** How long after a minute closed the stream gets to deliver it before REST is asked (ms). */
const STREAM_GRACE_MS = 5_000;
/** After a failed REST read, the same symbol is not asked again for this long (ms). */
const REST_RETRY_MS = 5_000;

/**
 * One venue's public market data (mark price and closed 1-minute klines over its public
 * WebSocket, candles over its public REST endpoint; no keys), shared by every paper account that
 * follows that venue: one stream per process and venue, one cache of minutes and hours.
 *
 * The stream reconnects itself with jittered backoff (the venue clients' streams); a first
 * connection that fails is retried here with the same kind of backoff. Minutes the stream missed
 * (a gap, a restart) are read from REST when asked for, so a replay never skips a minute silently.
 */
export class PublicMarketFeed {
  readonly venue: PaperMarketVenue;
  readonly #options: PublicMarketFeedOptions;
  readonly #now: () => number;
  #stream: MarketStream | undefined;
  #status: MarketDataStatus;
  #everUp = false;
  #closed = false;
  #attempt = 0;
  #retryTimer: NodeJS.Timeout | undefined;
  /** Paper symbols wanted, and those subscribed on the stream. */
  readonly #wanted = new Set<string>();
  readonly #subscribed = new Set<string>();
  /** Venue symbol → paper symbol. */
  readonly #paperSymbol = new Map<string, string>();
  readonly #marks = new Map<string, Mark>();
  /** Per paper symbol: open time → closed minute candle, or null when the venue has none. */
  readonly #minutes = new Map<string, Map<number, TimedCandle | null>>();
  readonly #hours = new Map<string, Map<number, TimedCandle>>();
  readonly #restFailedAt = new Map<string, number>();
  readonly #restInFlight = new Map<string, Promise<void>>();

  constructor(options: PublicMarketFeedOptions) {
    this.venue = options.venue;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#status = { source: options.venue, state: 'connecting', since: this.#now() };
  }

  /** The stream's state, `down` also when it is up but no mark price came for `staleAfterMs`. */
  status(symbol?: string): MarketDataStatus {
    const status = { ...this.#status };
    const mark = symbol === undefined ? undefined : this.#marks.get(symbol);
    if (mark !== undefined) status.lastPriceAt = mark.time;
    if (status.state !== 'up' || symbol === undefined) return status;
    const staleAfter = this.#options.staleAfterMs ?? 60_000;
    const now = this.#now();
    if (mark === undefined) {
      if (now - status.since > staleAfter) {
        return { ...status, state: 'down', reason: `no ${this.venue} mark price for ${symbol} yet` };
      }
      return { ...status, state: 'connecting' };
    }
    if (now - mark.time > staleAfter) {
      return {
        ...status,
        state: 'down',
        since: mark.time,
        reason: `no ${this.venue} mark price for ${symbol} for ${Math.round((now - mark.time) / 1000)} s`,
      };
    }
    return status;
  }

  /** Follows these paper symbols (mark price and 1m klines); starts the stream on first use. */
  ensure(symbols: readonly string[]): void {
    if (this.#closed) return;
    for (const symbol of symbols) {
      if (this.#wanted.has(symbol)) continue;
      this.#wanted.add(symbol);
      this.#paperSymbol.set(this.#options.venueSymbolOf(symbol), symbol);
    }
    if (this.#stream === undefined) {
      this.#stream = this.#options.openStream();
      this.#stream.onEvent((event) => this.#handle(event));
      this.#stream.onStatus((status) => {
        if (status.state === 'up') {
          this.#everUp = true;
          this.#attempt = 0;
          this.#setStatus({ source: this.venue, state: 'up', since: status.time });
          this.#subscribeWanted();
        } else if (status.state === 'down') {
          this.#setStatus({ source: this.venue, state: 'down', since: status.time, reason: status.reason });
        }
      });
      this.#start();
      return;
    }
    if (this.#status.state === 'up') this.#subscribeWanted();
  }

  /** The newest mark price of a paper symbol, if any came. */
  mark(symbol: string): Mark | undefined {
    return this.#marks.get(symbol);
  }

  /**
   * The closed 1m candles of `[from, to)` that follow on from `from` without a hole (minutes the
   * venue has none of are skipped). Minutes the stream should have delivered by now but did not
   * are read from REST first.
   */
  async minutes(instrument: Instrument, from: number, to: number): Promise<TimedCandle[]> {
    const symbol = instrument.venueSymbol;
    const cache = this.#minuteCache(symbol);
    const settled = Math.min(to, Math.floor((this.#now() - STREAM_GRACE_MS) / MINUTE) * MINUTE);
    let missing: number | undefined;
    for (let t = from; t < settled; t += MINUTE) {
      if (!cache.has(t)) {
        missing = t;
        break;
      }
    }
    if (missing !== undefined) await this.#fill(instrument, missing, settled - MINUTE);
    const out: TimedCandle[] = [];
    for (let t = from; t < to; t += MINUTE) {
      const candle = cache.get(t);
      if (candle === undefined) break;
      if (candle !== null) out.push(candle);
    }
    return out;
  }

  /** Closed 1h candles of `[from, to)` from REST (cached; no hole filling beyond what REST has). */
  async hours(instrument: Instrument, from: number, to: number): Promise<TimedCandle[]> {
    const symbol = instrument.venueSymbol;
    let cache = this.#hours.get(symbol);
    if (cache === undefined) {
      cache = new Map();
      this.#hours.set(symbol, cache);
    }
    let first: number | undefined;
    for (let t = from; t < to; t += HOUR) {
      if (!cache.has(t)) {
        first = t;
        break;
      }
    }
    if (first !== undefined && to - HOUR >= first) {
      for (const kline of await this.#rest(symbol, '1h', first, to - HOUR)) {
        if (kline.openTime + HOUR <= this.#now())
          cache.set(kline.openTime, toCandle(instrument, kline, HOUR));
      }
      for (const t of [...cache.keys()]) if (t < from - DAY) cache.delete(t);
    }
    const out: TimedCandle[] = [];
    for (let t = from; t < to; t += HOUR) {
      const candle = cache.get(t);
      if (candle !== undefined) out.push(candle);
    }
    return out;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    await this.#stream?.close();
    this.#setStatus({ source: this.venue, state: 'down', since: this.#now(), reason: 'closed' });
  }

  #start(): void {
    const stream = this.#stream;
    if (stream === undefined || this.#closed) return;
    stream.start().catch((error: unknown) => {
      if (this.#closed) return;
      const reason = error instanceof Error ? error.message : String(error);
      this.#setStatus({ source: this.venue, state: 'down', since: this.#now(), reason });
      // The venue streams reconnect themselves once up; a first connection that failed is ours to retry.
      const min = this.#options.retryMinMs ?? 500;
      const max = this.#options.retryMaxMs ?? 30_000;
      const delay =
        Math.min(max, min * 2 ** this.#attempt++) * (0.5 + (this.#options.random ?? Math.random)());
      this.#retryTimer = setTimeout(() => {
        if (!this.#everUp || stream.status.state === 'down') this.#start();
      }, delay);
      this.#retryTimer.unref();
    });
  }

  #subscribeWanted(): void {
    const stream = this.#stream;
    if (stream === undefined) return;
    for (const symbol of this.#wanted) {
      if (this.#subscribed.has(symbol)) continue;
      this.#subscribed.add(symbol);
      const venueSymbol = this.#options.venueSymbolOf(symbol);
      void Promise.all([
        stream.subscribe({ kind: 'mark', venueSymbol }),
        stream.subscribe({ kind: 'kline', venueSymbol, timeframe: '1m' }),
      ]).catch(() => {
        // Tried again at the next `ensure` while up (the stream itself re-sends what it holds).
        this.#subscribed.delete(symbol);
      });
    }
  }

  #handle(event: MarketEvent): void {
    const symbol = this.#paperSymbol.get(event.venueSymbol);
    if (symbol === undefined) return;
    if (event.kind === 'mark') {
      const previous = this.#marks.get(symbol);
      if (previous === undefined || event.time >= previous.time) {
        this.#marks.set(symbol, { price: event.price, time: event.time });
      }
      return;
    }
    if (event.timeframe !== '1m' || !event.closed) return;
    const cache = this.#minuteCache(symbol);
    cache.set(event.openTime, {
      openTime: event.openTime,
      closeTime: event.openTime + MINUTE - 1,
      open: event.open,
      high: event.high,
      low: event.low,
      close: event.close,
      volume: Number(event.volume),
    });
    this.#prune(cache);
  }

  /** Reads the minutes `[from, last]` from REST into the cache; the minutes REST skips count as none. */
  async #fill(instrument: Instrument, from: number, last: number): Promise<void> {
    const symbol = instrument.venueSymbol;
    const inFlight = this.#restInFlight.get(symbol);
    if (inFlight !== undefined) return inFlight;
    const failedAt = this.#restFailedAt.get(symbol);
    if (failedAt !== undefined && this.#now() - failedAt < REST_RETRY_MS) return;
    const run = (async () => {
      try {
        const cache = this.#minuteCache(symbol);
        const klines = await this.#rest(symbol, '1m', from, last);
        const now = this.#now();
        let newest = -Infinity;
        for (const kline of klines) {
          if (kline.openTime + MINUTE > now) continue;
          cache.set(kline.openTime, toCandle(instrument, kline, MINUTE));
          newest = Math.max(newest, kline.openTime);
        }
        // A minute older than the newest one REST returned, and not returned, has no candle.
        for (let t = from; t < newest; t += MINUTE) if (!cache.has(t)) cache.set(t, null);
        this.#prune(cache);
        this.#restFailedAt.delete(symbol);
      } catch (error) {
        this.#restFailedAt.set(symbol, this.#now());
        throw error;
      } finally {
        this.#restInFlight.delete(symbol);
      }
    })();
    this.#restInFlight.set(symbol, run);
    return run;
  }

  /** Every kline of `[from, last]` (open times), page after page. */
  async #rest(symbol: string, timeframe: string, from: number, last: number): Promise<Kline[]> {
    const venueSymbol = this.#options.venueSymbolOf(symbol);
    const out: Kline[] = [];
    let start = from;
    for (let page = 0; page < 1_000 && start <= last; page++) {
      const klines = await this.#options.klinesPage({
        symbol: venueSymbol,
        timeframe,
        startTime: start,
        endTime: last,
      });
      const fresh = klines.filter((k) => k.openTime >= start && k.openTime <= last);
      if (fresh.length === 0) break;
      out.push(...fresh);
      start = (fresh.at(-1) as Kline).openTime + 1;
    }
    return out;
  }

  #minuteCache(symbol: string): Map<number, TimedCandle | null> {
    let cache = this.#minutes.get(symbol);
    if (cache === undefined) {
      cache = new Map();
      this.#minutes.set(symbol, cache);
    }
    return cache;
  }

  #prune(cache: Map<number, TimedCandle | null>): void {
    const keep = this.#options.keepMinutesMs ?? 13 * HOUR;
    if (cache.size <= keep / MINUTE + 60) return;
    const oldest = this.#now() - keep;
    for (const t of cache.keys()) if (t < oldest) cache.delete(t);
  }

  #setStatus(status: MarketDataStatus): void {
    this.#status = status;
  }
}

function toCandle(instrument: Instrument, kline: Kline, step: number): TimedCandle {
  const price = (value: number): string => roundPrice(instrument, String(value), 'nearest');
  return {
    openTime: kline.openTime,
    closeTime: kline.openTime + step - 1,
    open: price(kline.open),
    high: price(kline.high),
    low: price(kline.low),
    close: price(kline.close),
    volume: kline.volume,
  };
}

/** What drives a paper venue's prices: the synthetic feed or a venue's public market data. */
export interface PaperPriceDriver {
  /** Brings every instrument of the venue up to the clock. */
  catchUp(): Promise<void>;
  /** The venue's state is as of `time` (a restored snapshot): the first catch-up replays since then. */
  resumeAt(time: number): void;
  /** Where the prices come from and whether they can be trusted now. */
  marketData(symbol?: string): MarketDataStatus;
  /** Throws when new orders on `symbol` must be refused (market data down): never a fill at a stale price. */
  assertTradable(symbol: string): void;
}

export type MarketFeedDriverOptions = {
  now?: () => number;
  /** Minute candles kept before now (default 12 h) and the most a resume replays. */
  minuteHistoryMs?: number;
  /** Hourly candles before the minute history (default 20 days). */
  hourlyHistoryMs?: number;
};

/**
 * Drives a PaperExchange from a venue's public market data (`PublicMarketFeed`): the first
 * catch-up seeds the history klines need from REST (hours, then minutes, no matching), then each
 * catch-up replays, through the matching engine, every closed minute since the last one (stops
 * and take-profits fill where the real candle crossed them) and ticks to the newest mark price
 * (market orders fill there, positions mark to it). A venue restored from a snapshot replays the
 * minutes since its snapshot from REST. While the stream is down, prices stay where they were and
 * `assertTradable` refuses new orders, saying why.
 */
export class MarketFeedDriver implements PaperPriceDriver {
  readonly #venue: PaperExchange;
  readonly #market: PublicMarketFeed;
  readonly #now: () => number;
  readonly #minuteHistoryMs: number;
  readonly #hourlyHistoryMs: number;
  readonly #next = new Map<string, number>();
  #resumeAt: number | undefined;
  readonly #seeded = new Set<string>();
  /** Per symbol, the last catch-up's problem (REST unreachable, a symbol the venue lacks), until one succeeds. */
  readonly #problems = new Map<string, string>();
  #running: Promise<void> = Promise.resolve();
  #compactedAt = -Infinity;

  constructor(venue: PaperExchange, market: PublicMarketFeed, options: MarketFeedDriverOptions = {}) {
    this.#venue = venue;
    this.#market = market;
    this.#now = options.now ?? Date.now;
    this.#minuteHistoryMs = options.minuteHistoryMs ?? 12 * HOUR;
    this.#hourlyHistoryMs = options.hourlyHistoryMs ?? 20 * DAY;
  }

  resumeAt(time: number): void {
    this.#resumeAt = time;
  }

  marketData(symbol?: string): MarketDataStatus {
    const status = this.#market.status(symbol);
    const problem = symbol === undefined ? undefined : this.#problems.get(symbol);
    if (problem !== undefined && status.state === 'up') return { ...status, state: 'down', reason: problem };
    return status;
  }

  assertTradable(symbol: string): void {
    const paperSymbol = this.#venue.instrumentSymbol(symbol);
    const status = this.marketData(paperSymbol);
    if (status.state === 'up' && this.#venue.priceOf(paperSymbol) !== undefined) return;
    const label = this.#market.venue === 'okx' ? 'OKX' : 'Binance';
    throw ExchangeErrors.create('EXCHANGE_UNAVAILABLE', {
      message:
        status.state === 'connecting'
          ? `The ${label} market data this paper account follows is still connecting; try again in a moment`
          : `The ${label} market data this paper account follows is down (${status.reason ?? 'no price'}); ` +
            'no order is filled at a stale price',
      details: { reason: 'market_data_down', source: this.#market.venue, state: status.state },
    });
  }

  catchUp(): Promise<void> {
    const run = this.#running.then(() => this.#catchUp());
    this.#running = run.catch(() => undefined);
    return run;
  }

  async #catchUp(): Promise<void> {
    const instruments = await this.#venue.instruments();
    this.#market.ensure(instruments.map((i) => i.venueSymbol));
    const currentMinute = Math.floor(this.#now() / MINUTE) * MINUTE;
    for (const instrument of instruments) {
      const symbol = instrument.venueSymbol;
      try {
        if (!this.#seeded.has(symbol)) {
          await this.#seed(instrument);
          this.#seeded.add(symbol);
        }
        let next = Math.max(this.#next.get(symbol) ?? currentMinute, currentMinute - this.#minuteHistoryMs);
        if (next < currentMinute) {
          for (const candle of await this.#market.minutes(instrument, next, currentMinute)) {
            this.#venue.applyCandle(symbol, candle);
            next = candle.openTime + MINUTE;
          }
          this.#next.set(symbol, next);
        }
        const mark = this.#market.mark(symbol);
        if (mark !== undefined && mark.time >= next) {
          this.#venue.setPrice(symbol, roundPrice(instrument, mark.price, 'nearest'), mark.time);
        }
        this.#problems.delete(symbol);
      } catch (error) {
        // Reads go on with the prices known; orders on this symbol are refused until a catch-up succeeds.
        this.#problems.set(symbol, error instanceof Error ? error.message : String(error));
      }
    }
    this.#compact(currentMinute);
  }

  async #seed(instrument: Instrument): Promise<void> {
    const currentMinute = Math.floor(this.#now() / MINUTE) * MINUTE;
    const minuteStart = Math.ceil((currentMinute - this.#minuteHistoryMs) / HOUR) * HOUR;
    const hourlyStart = Math.floor((minuteStart - this.#hourlyHistoryMs) / HOUR) * HOUR;
    const resume =
      this.#resumeAt === undefined ? currentMinute : Math.floor(this.#resumeAt / MINUTE) * MINUTE;
    const seedEnd = Math.min(currentMinute, Math.max(resume, currentMinute - this.#minuteHistoryMs));
    const symbol = instrument.venueSymbol;
    const bars: PaperHistoryBar[] = [];
    for (const candle of await this.#market.hours(instrument, hourlyStart, minuteStart)) {
      bars.push(historyBar(symbol, candle));
    }
    for (const candle of await this.#market.minutes(instrument, minuteStart, seedEnd)) {
      bars.push(historyBar(symbol, candle));
    }
    this.#venue.seedHistory(symbol, bars);
    // Minutes after the seed (a resume) are replayed with matching by the catch-up.
    this.#next.set(symbol, seedEnd);
  }

  #compact(currentMinute: number): void {
    if (currentMinute - this.#compactedAt < HOUR) return;
    this.#compactedAt = currentMinute;
    const foldBefore = Math.floor((currentMinute - this.#minuteHistoryMs) / HOUR) * HOUR;
    const dropBefore = foldBefore - this.#hourlyHistoryMs - HOUR;
    for (const symbol of this.#next.keys()) this.#venue.compactHistory(symbol, foldBefore, dropBefore);
  }
}
