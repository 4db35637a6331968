import type { Instrument } from '../types.ts';
import { PaperExchange } from '../paper/index.ts';

/** One candle a simulator serves from its klines / candles endpoints; volume in base units. */
export type Candle = { time: number; open: number; high: number; low: number; close: number; volume: number };

/** Candles given to a simulator: symbol → candles, or one list for every symbol. */
export type SimCandles = Record<string, Candle[]> | Candle[];

/**
 * The candles a klines request is served from: those given for `symbol`, grouped up to `step`, or
 * else the synthetic ones `synthesize` makes.
 */
export function servedCandles(
  candles: SimCandles | undefined,
  symbol: string,
  step: number,
  synthesize: () => Candle[],
): Candle[] {
  const given = candles === undefined ? undefined : Array.isArray(candles) ? candles : candles[symbol];
  return given !== undefined ? aggregateCandles(given, step) : synthesize();
}

/** Groups candles into `step`-long buckets (when the request asks a coarser interval than the data's). */
export function aggregateCandles(candles: Candle[], step: number): Candle[] {
  if (candles.length < 2) return candles;
  const base = (candles[1] as Candle).time - (candles[0] as Candle).time;
  if (base >= step || step % base !== 0) return candles;
  const out: Candle[] = [];
  for (const c of candles) {
    const bucket = Math.floor(c.time / step) * step;
    const last = out[out.length - 1];
    if (last !== undefined && last.time === bucket) {
      last.high = Math.max(last.high, c.high);
      last.low = Math.min(last.low, c.low);
      last.close = c.close;
      last.volume += c.volume;
    } else {
      out.push({ ...c, time: bucket });
    }
  }
  return out;
}

/**
 * A deterministic candle around `price` for open time `time`: the same open time always gives the
 * same candle; the newest one served closes at the price itself.
 */
export function syntheticCandle(time: number, step: number, price: number, closesAtPrice: boolean): Candle {
  const wave = (k: number): number => Math.sin(time / step / k);
  const open = price * (1 + 0.01 * wave(7));
  const close = closesAtPrice ? price : price * (1 + 0.01 * wave(7.3));
  const high = Math.max(open, close) * (1 + 0.002 * (1 + wave(3)));
  const low = Math.min(open, close) * (1 - 0.002 * (1 + wave(5)));
  return { time, open, high, low, close, volume: 10 + 5 * (1 + wave(2)) };
}

export type FreshVenueOptions = {
  /** The venue's instruments; the paper venue's defaults when omitted. */
  instruments?: readonly Instrument[];
  /** Representative starting prices, so market orders work at once. */
  defaultPrices: Readonly<Record<string, string>>;
  candles?: SimCandles | undefined;
  prices?: Record<string, string | number> | undefined;
  balance?: number | undefined;
  hedge?: boolean | undefined;
  now: () => number;
};

/**
 * The paper venue behind a simulator started without one. Starting prices: the defaults, then each
 * symbol's last candle close, then the prices given; with `instruments`, defaults and candles of
 * other symbols are left out.
 */
export function freshPaperVenue(options: FreshVenueOptions): PaperExchange {
  const ids =
    options.instruments === undefined ? undefined : new Set(options.instruments.map((i) => i.venueSymbol));
  const listed = (symbol: string): boolean => ids === undefined || ids.has(symbol);
  const prices: Record<string, string> = {};
  for (const [symbol, price] of Object.entries(options.defaultPrices))
    if (listed(symbol)) prices[symbol] = price;
  const candles = options.candles;
  if (candles !== undefined && !Array.isArray(candles)) {
    for (const [symbol, list] of Object.entries(candles)) {
      const last = list[list.length - 1];
      if (last !== undefined && listed(symbol)) prices[symbol] = String(last.close);
    }
  }
  for (const [symbol, price] of Object.entries(options.prices ?? {})) prices[symbol] = String(price);
  return new PaperExchange({
    ...(options.instruments !== undefined ? { instruments: options.instruments } : {}),
    balances: { USDT: options.balance ?? 10_000 },
    positionMode: options.hedge === true ? 'hedge' : 'one_way',
    prices,
    now: options.now,
  });
}
