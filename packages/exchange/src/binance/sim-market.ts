import Decimal from 'decimal.js';
import type { MarketEvent, MarketStream, MarketSubscription } from '../stream/types.ts';
import { BINANCE_INTERVALS } from './parse.ts';

/**
 * The simulator's market streams (streams.md §1.4), driven by the paper venue's own in-process
 * market stream (`PaperExchange.marketStream`: a mark per price move, klines from the venue's
 * stored bars, closed once a later bar starts or its candles cover it). The streams the simulator's
 * WebSocket clients are subscribed to decide what the paper stream is subscribed to:
 * `<symbol>@markPrice[@1s]`, `@ticker` and `@miniTicker` need the symbol's marks;
 * `<symbol>@kline_<interval>` its bars (every interval but `1M`, which has no fixed length).
 * Tickers: a 24 h window of the marks seen since the simulator started (no trade tape: volumes 0).
 */

export type MarketPublisher = {
  wants(stream: string): boolean;
  publishMarket(stream: string, frame: Record<string, unknown>): void;
};

const STREAM = /^([a-z0-9]+)@(markPrice(?:@1s)?|ticker|miniTicker|kline_([0-9]+[mhdw]))$/;

function subscriptionOf(stream: string, symbols: Map<string, string>): MarketSubscription | undefined {
  const match = STREAM.exec(stream);
  const symbol = match === null ? undefined : symbols.get(match[1] as string);
  if (match === null || symbol === undefined) return undefined;
  const interval = match[3];
  if (interval === undefined) return { kind: 'mark', venueSymbol: symbol };
  if (!(BINANCE_INTERVALS as readonly string[]).includes(interval)) return undefined;
  return { kind: 'kline', venueSymbol: symbol, timeframe: interval };
}

const keyOf = (s: MarketSubscription): string =>
  s.kind === 'mark' ? `mark:${s.venueSymbol}` : `kline:${s.venueSymbol}:${s.timeframe}`;

export class BinanceMarketFrames {
  /** The paper stream's current subscriptions, by key. */
  private readonly subscribed = new Map<string, MarketSubscription>();
  /** The 24 h window of each symbol's ticker: first price seen, high and low. */
  private readonly day = new Map<string, { open: Decimal; high: Decimal; low: Decimal; since: number }>();
  private readonly symbols: Map<string, string>;

  constructor(
    private readonly paper: MarketStream,
    private readonly out: MarketPublisher,
    venueSymbols: readonly string[],
  ) {
    this.symbols = new Map(venueSymbols.map((s) => [s.toLowerCase(), s]));
    paper.onEvent((event) => this.handle(event));
  }

  /** The WebSocket clients' streams changed: (un)subscribe the paper stream to match. */
  streamsChanged(streams: Iterable<string>): void {
    const wanted = new Map<string, MarketSubscription>();
    for (const stream of streams) {
      const subscription = subscriptionOf(stream, this.symbols);
      if (subscription !== undefined) wanted.set(keyOf(subscription), subscription);
    }
    for (const [key, subscription] of this.subscribed) {
      if (wanted.has(key)) continue;
      this.subscribed.delete(key);
      void this.paper.unsubscribe(subscription).catch(() => undefined);
    }
    for (const [key, subscription] of wanted) {
      if (this.subscribed.has(key)) continue;
      this.subscribed.set(key, subscription);
      void this.paper.subscribe(subscription).catch(() => this.subscribed.delete(key));
    }
  }

  /**
   * Binance pushes `<symbol>@markPrice@1s` every second whether or not the price moved (the paper
   * stream only on a move): the simulator's clock calls this once a second.
   */
  republishMarks(priceOf: (venueSymbol: string) => string | undefined, now: number): void {
    for (const subscription of this.subscribed.values()) {
      if (subscription.kind !== 'mark') continue;
      const name = `${subscription.venueSymbol.toLowerCase()}@markPrice@1s`;
      const price = priceOf(subscription.venueSymbol);
      if (price !== undefined && this.out.wants(name))
        this.out.publishMarket(name, markFrame(subscription.venueSymbol, price, now));
    }
  }

  private handle(event: MarketEvent): void {
    const lower = event.venueSymbol.toLowerCase();
    if (event.kind === 'kline') {
      const name = `${lower}@kline_${event.timeframe}`;
      if (this.out.wants(name)) this.out.publishMarket(name, klineFrame(event));
      return;
    }
    this.tickers(event.venueSymbol, lower, new Decimal(event.price), event.time);
    const mark = markFrame(event.venueSymbol, event.price, event.time);
    for (const name of [`${lower}@markPrice`, `${lower}@markPrice@1s`]) {
      if (this.out.wants(name)) this.out.publishMarket(name, mark);
    }
  }

  private tickers(venueSymbol: string, lower: string, p: Decimal, time: number): void {
    let day = this.day.get(venueSymbol);
    if (day === undefined || time - day.since > 86_400_000) {
      day = { open: p, high: p, low: p, since: time };
      this.day.set(venueSymbol, day);
    }
    day.high = Decimal.max(day.high, p);
    day.low = Decimal.min(day.low, p);
    const mini = `${lower}@miniTicker`;
    if (this.out.wants(mini)) {
      this.out.publishMarket(mini, {
        e: '24hrMiniTicker',
        E: time,
        s: venueSymbol,
        c: p.toFixed(),
        o: day.open.toFixed(),
        h: day.high.toFixed(),
        l: day.low.toFixed(),
        v: '0',
        q: '0',
      });
    }
    const name = `${lower}@ticker`;
    if (!this.out.wants(name)) return;
    const change = p.minus(day.open);
    this.out.publishMarket(name, {
      e: '24hrTicker',
      E: time,
      s: venueSymbol,
      p: change.toFixed(),
      P: day.open.isZero() ? '0' : change.div(day.open).times(100).toFixed(3),
      w: p.toFixed(),
      c: p.toFixed(),
      Q: '0',
      o: day.open.toFixed(),
      h: day.high.toFixed(),
      l: day.low.toFixed(),
      v: '0',
      q: '0',
      O: day.since,
      C: time,
      F: 0,
      L: 0,
      n: 0,
    });
  }
}

function klineFrame(event: Extract<MarketEvent, { kind: 'kline' }>): Record<string, unknown> {
  const step = intervalLength(event.timeframe);
  return {
    e: 'kline',
    E: event.time,
    s: event.venueSymbol,
    k: {
      t: event.openTime,
      T: event.openTime + step - 1,
      s: event.venueSymbol,
      i: event.timeframe,
      f: 0,
      L: 0,
      o: event.open,
      c: event.close,
      h: event.high,
      l: event.low,
      v: event.volume,
      n: 0,
      x: event.closed,
      q: new Decimal(event.volume).times(event.close).toFixed(),
      V: '0',
      Q: '0',
      B: '0',
    },
  };
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

function intervalLength(interval: string): number {
  const match = /^(\d+)([mhdw])$/.exec(interval);
  return match === null ? 60_000 : Number(match[1]) * (UNIT_MS[match[2] as string] ?? 60_000);
}

/** A `markPriceUpdate` frame (mark, index and settlement price alike in the simulator). */
function markFrame(venueSymbol: string, price: string, time: number): Record<string, unknown> {
  return {
    e: 'markPriceUpdate',
    E: time,
    s: venueSymbol,
    p: price,
    i: price,
    P: price,
    r: '0.00010000',
    T: Math.floor(time / 28_800_000) * 28_800_000 + 28_800_000,
  };
}
