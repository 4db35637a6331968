import type Decimal from 'decimal.js';
import { D } from '../../decimal.ts';
import type { Kline, KlineQuery } from '../../types.ts';
import { fail, parsePositivePrice } from './rejections.ts';
import type { VenueState } from './state.ts';
import type { Bar, PaperCandle } from './types.ts';

// The candle history the venue serves as `klines`: replayed candles as given, ticks as 1-minute
// bars, aggregated on request.

const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
const TIMEFRAME_UNITS: Readonly<Record<string, number>> = {
  s: 1000,
  m: MINUTE,
  h: HOUR,
  d: 24 * HOUR,
  w: 7 * 24 * HOUR,
};

/** Parses '1m', '15m', '1h', '4H', '1d', '1D', '1w' (case-insensitive except minutes vs months). */
export function timeframeMs(timeframe: string): number {
  const match = /^(\d+)([smhdwHDW])(utc)?$/.exec(timeframe);
  const unit = match?.[2]?.toLowerCase();
  const ms = unit === undefined ? undefined : TIMEFRAME_UNITS[unit];
  if (match === null || ms === undefined || Number(match[1]) <= 0) {
    throw fail('INVALID_REQUEST', 'invalid_timeframe', `Unsupported timeframe "${timeframe}"`, { timeframe });
  }
  return Number(match[1]) * ms;
}

/**
 * The points a candle's price visits after its open: the nearer extreme first (open nearer the
 * high: high, low, close; otherwise, ties included, low first), as docs/backtest-semantics.md.
 */
export function candlePath(bar: { open: Decimal; high: Decimal; low: Decimal; close: Decimal }): Decimal[] {
  const highFirst = bar.high.minus(bar.open).lt(bar.open.minus(bar.low));
  return highFirst ? [bar.high, bar.low, bar.close] : [bar.low, bar.high, bar.close];
}

function symbolBars(state: VenueState, symbol: string): Map<number, Bar> {
  let bars = state.bars.get(symbol);
  if (bars === undefined) {
    bars = new Map();
    state.bars.set(symbol, bars);
  }
  return bars;
}

/** Stores a replayed candle (replacing whatever the minute held). */
export function storeCandle(state: VenueState, symbol: string, bar: Bar): void {
  symbolBars(state, symbol).set(bar.openTime, bar);
}

/**
 * Folds a tick into its 1-minute bar. Bars are never changed in place (a new one replaces the old),
 * so history bars can be shared between venues (`seedHistory`).
 */
export function recordTick(state: VenueState, symbol: string, price: Decimal, time: number): void {
  const openTime = Math.floor(time / MINUTE) * MINUTE;
  const bars = symbolBars(state, symbol);
  const bar = bars.get(openTime);
  if (bar === undefined)
    bars.set(openTime, { openTime, open: price, high: price, low: price, close: price, volume: 0 });
  else bars.set(openTime, { ...bar, high: D.max(bar.high, price), low: D.min(bar.low, price), close: price });
}

/** A candle as a stored bar; throws `invalid_candle` when its high/low do not contain open and close. */
export function toBar(symbol: string, candle: PaperCandle, openTime: number): Bar {
  const prices = {
    open: parsePositivePrice(candle.open),
    high: parsePositivePrice(candle.high),
    low: parsePositivePrice(candle.low),
    close: parsePositivePrice(candle.close),
  };
  if (prices.high.lt(D.max(prices.open, prices.close)) || prices.low.gt(D.min(prices.open, prices.close))) {
    throw fail('INVALID_REQUEST', 'invalid_candle', 'Candle high/low do not contain its open and close', {
      venueSymbol: symbol,
    });
  }
  return {
    openTime,
    ...prices,
    volume: candle.volume ?? 0,
    ...(candle.closeTime !== undefined ? { end: candle.closeTime + 1 } : {}),
  };
}

/**
 * Keeps a symbol's history bounded: bars opening before `foldBefore` are merged into one bar per
 * hour, and bars opening before `dropBefore` are dropped. klines on 1h and above are unchanged.
 */
export function compactHistory(
  state: VenueState,
  symbol: string,
  foldBefore: number,
  dropBefore: number,
): void {
  const bars = state.bars.get(symbol);
  if (bars === undefined) return;
  const old = new Map<number, Bar>();
  for (const [openTime, bar] of bars) {
    if (openTime < dropBefore) bars.delete(openTime);
    // A whole hour's bar (seeded history) is already what folding would make: kept as it is.
    else if (openTime < foldBefore && !(openTime % HOUR === 0 && (bar.end ?? 0) >= openTime + HOUR)) {
      old.set(openTime, bar);
      bars.delete(openTime);
    }
  }
  for (const [openTime, bar] of aggregate(old, HOUR)) bars.set(openTime, bar);
}

/**
 * The stored bars aggregated into `query.timeframe`, oldest first; the last one is open while the
 * clock is inside it.
 */
export function klines(state: VenueState, symbol: string, query: KlineQuery): Kline[] {
  const tf = timeframeMs(query.timeframe);
  const now = state.now();
  let out = [...aggregate(symbolBars(state, symbol), tf).values()]
    .filter(
      (b) =>
        (query.startTime === undefined || b.openTime >= query.startTime) &&
        (query.endTime === undefined || b.openTime <= query.endTime),
    )
    .map<Kline>((b) => ({
      openTime: b.openTime,
      open: b.open.toNumber(),
      high: b.high.toNumber(),
      low: b.low.toNumber(),
      close: b.close.toNumber(),
      volume: b.volume,
      // closed once the clock has left it, or once replayed candles with closeTime cover it
      closed: b.openTime + tf <= now || (b.end !== undefined && b.end >= b.openTime + tf),
    }));
  if (query.limit !== undefined && query.limit > 0) out = out.slice(-query.limit);
  return out;
}

/**
 * The `tf` bar opening at `openTime` (a multiple of tf), aggregated from the stored bars, with
 * `klines`' closed rule; undefined when no bar falls in it.
 */
export function barAt(
  state: VenueState,
  symbol: string,
  tf: number,
  openTime: number,
): (Bar & { closed: boolean }) | undefined {
  const inside = new Map<number, Bar>();
  for (const [time, bar] of state.bars.get(symbol) ?? []) {
    if (time >= openTime && time < openTime + tf) inside.set(time, bar);
  }
  const bar = aggregate(inside, tf).get(openTime);
  if (bar === undefined) return undefined;
  const closed = openTime + tf <= state.now() || (bar.end !== undefined && bar.end >= openTime + tf);
  return { ...bar, closed };
}

function aggregate(bars: Map<number, Bar>, tf: number): Map<number, Bar> {
  const buckets = new Map<number, Bar>();
  const source = [...bars.values()].sort((a, b) => a.openTime - b.openTime);
  for (const bar of source) {
    const openTime = Math.floor(bar.openTime / tf) * tf;
    const bucket = buckets.get(openTime);
    if (bucket === undefined) buckets.set(openTime, { ...bar, openTime });
    else {
      bucket.high = D.max(bucket.high, bar.high);
      bucket.low = D.min(bucket.low, bar.low);
      bucket.close = bar.close;
      bucket.volume += bar.volume;
      if (bar.end === undefined || bucket.end === undefined) delete bucket.end;
      else bucket.end = Math.max(bucket.end, bar.end);
    }
  }
  return buckets;
}
