import Decimal from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { PaperExchange } from '../src/paper/paper-exchange.ts';
import { PAPER_DEFAULT_INSTRUMENTS } from '../src/paper/instruments.ts';
import {
  PAPER_WARMUP_CONCURRENCY,
  PaperFeedDriver,
  SyntheticMinuteCandles,
  feedDrivenExchange,
} from '../src/paper/price-feed.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.UTC(2026, 10, 2, 9, 30, 15);
const btc = PAPER_DEFAULT_INSTRUMENTS.find((i) => i.venueSymbol === 'BTCUSDT')!;
const onGrid = (price: string | number, tick: string) => new Decimal(price).mod(tick).isZero();

describe('SyntheticMinuteCandles', () => {
  const source = new SyntheticMinuteCandles();

  it('is a pure function of symbol and time: the same minute twice is the same candle', () => {
    expect(source.candle(btc, T0 - (T0 % MINUTE))).toEqual(source.candle(btc, T0 - (T0 % MINUTE)));
    const eth = PAPER_DEFAULT_INSTRUMENTS.find((i) => i.venueSymbol === 'ETHUSDT')!;
    expect(source.priceAt(eth, T0)).not.toBe(source.priceAt(btc, T0));
  });

  it('gives well-formed candles on the tick grid, at the asset’s usual level, that join up', () => {
    let previousClose: string | undefined;
    for (let t = T0 - (T0 % MINUTE); t < T0 + 3 * HOUR; t += MINUTE) {
      const c = source.candle(btc, t);
      const [open, high, low, close] = [c.open, c.high, c.low, c.close].map((v) => Number(v));
      expect(high).toBeGreaterThanOrEqual(Math.max(open!, close!));
      expect(low).toBeLessThanOrEqual(Math.min(open!, close!));
      for (const v of [c.open, c.high, c.low, c.close]) expect(onGrid(String(v), btc.tickSize)).toBe(true);
      expect(open).toBeGreaterThan(40_000);
      expect(open).toBeLessThan(90_000);
      // sampled at both ends of the minute, so each candle opens where the last one closed
      if (previousClose !== undefined) expect(c.open).toBe(previousClose);
      previousClose = String(c.close);
    }
  });
});

describe('PaperFeedDriver', () => {
  it('replays history so klines exist on every timeframe up to 1d, and ticks to the price now', async () => {
    let now = T0;
    const venue = new PaperExchange();
    const driver = new PaperFeedDriver(venue, { now: () => now });
    await driver.catchUp();
    const source = new SyntheticMinuteCandles();
    const ticker = await venue.ticker('BTCUSDT');
    expect(Number(ticker.price)).toBeCloseTo(source.priceAt(btc, T0), -1);
    for (const timeframe of ['1m', '15m', '1h', '4h', '1d']) {
      const klines = await venue.klines({ venueSymbol: 'BTCUSDT', timeframe, limit: 15 });
      expect(klines, timeframe).toHaveLength(15);
      expect(klines.slice(0, -1).every((k) => k.closed)).toBe(true);
    }
    // the last closed 1m kline is exactly the source's candle of the previous minute
    const [, lastClosed] = (await venue.klines({ venueSymbol: 'BTCUSDT', timeframe: '1m', limit: 2 })).slice(
      -2,
    );
    const expected = source.candle(btc, T0 - (T0 % MINUTE) - MINUTE);
    expect(lastClosed).toBeDefined();
    now = T0 + 5 * MINUTE;
    await driver.catchUp();
    const after = await venue.klines({ venueSymbol: 'BTCUSDT', timeframe: '1m', limit: 7 });
    const replayed = after.find((k) => k.openTime === expected.openTime)!;
    expect([replayed.open, replayed.high, replayed.low, replayed.close]).toEqual(
      [expected.open, expected.high, expected.low, expected.close].map(Number),
    );
  });

  it('triggers a stop the price path crosses between two catch-ups, at the stop level', async () => {
    let now = T0;
    const venue = new PaperExchange({ balances: { USDT: 100_000 } });
    const exchange = feedDrivenExchange(venue, new PaperFeedDriver(venue, { now: () => now }));
    await exchange.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.01',
      idempotencyKey: 'feed-long',
    });
    const entry = Number((await exchange.ticker('BTCUSDT')).price);
    // The lowest low of the next 12 hours, from the source itself: a stop just above it must fire.
    const source = new SyntheticMinuteCandles();
    const start = T0 - (T0 % MINUTE) + MINUTE;
    let lowest = Infinity;
    for (let t = start; t < start + 12 * HOUR; t += MINUTE)
      lowest = Math.min(lowest, Number(source.candle(btc, t).low));
    expect(lowest).toBeLessThan(entry);
    const stop = new Decimal(lowest).plus(btc.tickSize).toString();
    await exchange.placeConditional({
      venueSymbol: 'BTCUSDT',
      kind: 'stop_loss',
      side: 'sell',
      triggerPrice: stop,
      idempotencyKey: 'feed-stop',
    });
    now = start + 12 * HOUR;
    expect(await exchange.positions('BTCUSDT')).toEqual([]);
    const stopOrder = await exchange.orderByIdempotencyKey('BTCUSDT', 'feed-stop');
    expect(stopOrder?.status).toBe('filled');
    // candles join up (no gaps), so the path crosses the level and fills there
    expect(Number(stopOrder?.avgPrice)).toBe(Number(stop));
  });
});

describe('PaperFeedDriver warm-up (issue 15, finding 1)', () => {
  it('yields to the event loop while it builds a new venue’s history', async () => {
    const venue = new PaperExchange();
    // its own source: the history other tests computed is not shared with this venue
    const driver = new PaperFeedDriver(venue, { now: () => T0, source: new SyntheticMinuteCandles() });
    let done = false;
    let turnsDuringWarmUp = 0;
    // Counts event-loop turns (setImmediate runs once per turn) until the warm-up has finished.
    const countTurns = () => {
      if (done) return;
      turnsDuringWarmUp++;
      setImmediate(countTurns);
    };
    setImmediate(countTurns);
    await driver.catchUp().then(() => (done = true));
    // A synchronous replay lets no turn through before it ends; a chunked one lets many.
    expect(turnsDuringWarmUp).toBeGreaterThanOrEqual(10);
  });

  it('warms up a bounded number of venues at once', async () => {
    const source = new SyntheticMinuteCandles();
    // Each driver's source notes the order of its calls, so overlapping warm-ups can be counted.
    const calls: number[] = [];
    const drivers = Array.from({ length: 6 }, (_, i) => {
      const noting = {
        candle(instrument: (typeof PAPER_DEFAULT_INSTRUMENTS)[number], openTime: number) {
          // history only: the tick to the price now comes after the warm-up
          if (openTime < T0 - (T0 % MINUTE)) calls.push(i);
          return source.candle(instrument, openTime);
        },
      };
      const history = { minuteHistoryMs: 2 * HOUR, hourlyHistoryMs: 48 * HOUR };
      return new PaperFeedDriver(new PaperExchange(), { now: () => T0, source: noting, ...history });
    });
    await Promise.all(drivers.map((driver) => driver.catchUp()));
    const spans = drivers.map((_, i) => [calls.indexOf(i), calls.lastIndexOf(i)] as const);
    const overlapping = Math.max(
      ...spans.map(([first]) => spans.filter(([from, to]) => from <= first && first <= to).length),
    );
    expect(overlapping).toBeGreaterThan(0);
    expect(overlapping).toBeLessThanOrEqual(PAPER_WARMUP_CONCURRENCY);
    expect(PAPER_WARMUP_CONCURRENCY).toBeLessThan(6);
  });

  it('keeps a bounded candle history however long the venue lives', async () => {
    let now = T0;
    const venue = new PaperExchange();
    const driver = new PaperFeedDriver(venue, { now: () => now });
    await driver.catchUp();
    const stored = async () => (await venue.klines({ venueSymbol: 'BTCUSDT', timeframe: '1m' })).length;
    const afterStart = await stored();
    for (let day = 0; day < 3; day++) {
      now += 24 * HOUR;
      await driver.catchUp();
    }
    // Minute bars older than the minute history are folded into hours and the oldest hours dropped.
    expect(await stored()).toBeLessThanOrEqual(afterStart + 60);
    expect(afterStart).toBeLessThanOrEqual(20 * 24 + 12 * 60 + 60);
    // klines still reach back far enough for ATR(14) on every timeframe up to 1d
    for (const timeframe of ['1m', '15m', '1h', '4h', '1d']) {
      const klines = await venue.klines({ venueSymbol: 'BTCUSDT', timeframe, limit: 15 });
      expect(klines.filter((k) => k.closed).length, timeframe).toBeGreaterThanOrEqual(14);
    }
  });
});

describe('SyntheticMinuteCandles.hourCandle', () => {
  it('is the candle hourCandle builds from the source’s minutes, computed in one pass', async () => {
    const source = new SyntheticMinuteCandles();
    // a source that is not the synthetic class takes the general path over the same minutes
    const general = { candle: (i: typeof btc, t: number) => source.candle(i, t) };
    const hour = Math.floor(T0 / HOUR) * HOUR - HOUR; // the last hourly candle before the minutes
    const seeded = async (s: typeof general | SyntheticMinuteCandles) => {
      const venue = new PaperExchange();
      const history = { minuteHistoryMs: HOUR, hourlyHistoryMs: 6 * HOUR };
      await new PaperFeedDriver(venue, { now: () => T0, source: s, ...history }).catchUp();
      return (await venue.klines({ venueSymbol: 'BTCUSDT', timeframe: '1h' })).filter(
        (k) => k.openTime <= hour,
      );
    };
    const fast = await seeded(source);
    expect(fast.length).toBe(6);
    expect(fast).toEqual(await seeded(general));
  });
});
