import { describe, expect, it } from 'vitest';
import { isStreamingVenue, type AccountEvent, type MarketEvent } from '../src/stream/types.ts';
import { PaperExchange } from '../src/paper/paper-exchange.ts';
import { feedDrivenExchange, PaperFeedDriver, type MinuteCandleSource } from '../src/paper/price-feed.ts';
import type { Instrument } from '../src/types.ts';
import { runStreamContract } from './contract/stream-contract.ts';

runStreamContract('PaperExchange', async () => {
  let time = Date.UTC(2026, 0, 1);
  const venue = new PaperExchange({ balances: { USDT: 10_000 }, now: () => time });
  return {
    venue,
    async setPrice(symbol, price) {
      time += 1_000;
      venue.setPrice(symbol, price);
    },
    async teardown() {},
    quietMs: 20,
  };
});

const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);
const MINUTE = 60_000;

describe('PaperExchange market stream', () => {
  it('is a StreamingVenue', () => {
    expect(isStreamingVenue(new PaperExchange())).toBe(true);
  });

  it('marks every price move of a subscribed symbol, candle path included, and nothing of others', async () => {
    const venue = new PaperExchange({ prices: { BTCUSDT: 50_000, ETHUSDT: 3_000 } });
    const stream = venue.marketStream();
    const events: MarketEvent[] = [];
    stream.onEvent((e) => events.push(e));
    await stream.start();
    expect(stream.status.state).toBe('up');
    await stream.subscribe({ kind: 'mark', venueSymbol: 'btcusdt' });
    venue.setPrice('BTCUSDT', 50_100, T0);
    venue.setPrice('ETHUSDT', 3_010, T0);
    // open 50100, then the nearer extreme (high 50300: 200 away, low 49800: 300 away), the other, the close
    venue.applyCandle('BTCUSDT', {
      openTime: T0 + MINUTE,
      open: 50_100,
      high: 50_300,
      low: 49_800,
      close: 50_000,
    });
    expect(events.map((e) => (e.kind === 'mark' ? [e.venueSymbol, e.price] : e.kind))).toEqual([
      ['BTCUSDT', '50100'],
      ['BTCUSDT', '50100'],
      ['BTCUSDT', '50300'],
      ['BTCUSDT', '49800'],
      ['BTCUSDT', '50000'],
    ]);
    await stream.close();
    venue.setPrice('BTCUSDT', 51_000, T0 + 2 * MINUTE);
    expect(events).toHaveLength(5);
    expect(stream.status).toMatchObject({ state: 'down', reason: 'closed' });
  });

  it('klines: the forming bar on every tick, then closed once a later bar starts', async () => {
    const venue = new PaperExchange({ prices: { BTCUSDT: 50_000 } });
    const stream = venue.marketStream();
    const klines: MarketEvent[] = [];
    stream.onEvent((e) => e.kind === 'kline' && klines.push(e));
    await stream.start();
    await stream.subscribe({ kind: 'kline', venueSymbol: 'BTCUSDT', timeframe: '1m' });
    await stream.subscribe({ kind: 'kline', venueSymbol: 'BTCUSDT', timeframe: '1m' });
    venue.setPrice('BTCUSDT', 50_100, T0 + 1_000);
    venue.setPrice('BTCUSDT', 49_900, T0 + 20_000);
    venue.setPrice('BTCUSDT', 50_050, T0 + 59_000);
    venue.setPrice('BTCUSDT', 50_200, T0 + MINUTE + 5_000);
    const view = (e: MarketEvent) =>
      e.kind === 'kline' ? [e.openTime - T0, e.open, e.high, e.low, e.close, e.closed] : [];
    expect(klines.map(view)).toEqual([
      [0, '50100', '50100', '50100', '50100', false],
      [0, '50100', '50100', '49900', '49900', false],
      [0, '50100', '50100', '49900', '50050', false],
      // the next minute's first tick closes the bar before it
      [0, '50100', '50100', '49900', '50050', true],
      [MINUTE, '50200', '50200', '50200', '50200', false],
    ]);
    expect(klines[0]).toMatchObject({
      venueSymbol: 'BTCUSDT',
      timeframe: '1m',
      time: T0 + 1_000,
      volume: '0',
    });
  });

  it('klines from replayed candles: a 5m bar forms from 1m candles and closes with its last one', async () => {
    const venue = new PaperExchange({ prices: { BTCUSDT: 50_000 } });
    const stream = venue.marketStream();
    const klines: MarketEvent[] = [];
    stream.onEvent((e) => e.kind === 'kline' && klines.push(e));
    await stream.start();
    await stream.subscribe({ kind: 'kline', venueSymbol: 'BTCUSDT', timeframe: '5m' });
    const closes = ['50010', '50020', '49990', '50030', '50040'];
    closes.forEach((close, i) => {
      const open = i === 0 ? '50000' : (closes[i - 1] as string);
      venue.applyCandle('BTCUSDT', {
        openTime: T0 + i * MINUTE,
        closeTime: T0 + (i + 1) * MINUTE - 1,
        open,
        high: '50100',
        low: '49900',
        close,
        volume: 2,
      });
    });
    expect(klines.map((e) => (e.kind === 'kline' ? [e.close, e.volume, e.closed] : []))).toEqual([
      ['50010', '2', false],
      ['50020', '4', false],
      ['49990', '6', false],
      ['50030', '8', false],
      // the fifth minute's candle ends at the bar's end: closed now, not later
      ['50040', '10', true],
    ]);
    await expect(
      stream.subscribe({ kind: 'kline', venueSymbol: 'BTCUSDT', timeframe: '7x' }),
    ).rejects.toThrow(/timeframe/);
    await expect(stream.subscribe({ kind: 'mark', venueSymbol: 'NOPE' })).rejects.toThrow(/Unknown symbol/);
  });

  it('the account stream carries funding, and fundingSince returns the same payments', async () => {
    const venue = new PaperExchange({ prices: { BTCUSDT: 50_000 }, now: () => T0 });
    const stream = venue.accountStream();
    const events: AccountEvent[] = [];
    stream.onEvent((e) => events.push(e));
    await stream.start();
    venue.submitOrder({ venueSymbol: 'BTCUSDT', side: 'sell', type: 'market', qty: '0.1' });
    venue.applyFunding('BTCUSDT', '0.0001');
    const payments = events.flatMap((e) => (e.kind === 'funding' ? [e.payment] : []));
    // a short receives 0.1 × 50000 × 0.0001 = 0.5
    expect(payments).toEqual([
      { venueEntryId: '1', venueSymbol: 'BTCUSDT', amount: '0.5', asset: 'USDT', time: T0 },
    ]);
    expect(await venue.fundingSince({ since: T0 })).toEqual(payments);
  });
});

describe('feed-driven paper venue streams', () => {
  /** One price per minute: 50000 for minute 0, then 48000 from minute 2 (a stop at 49000 is crossed). */
  class StepSource implements MinuteCandleSource {
    candle(_instrument: Instrument, openTime: number) {
      const price = openTime >= T0 + 2 * MINUTE ? '48000' : '50000';
      return {
        openTime,
        closeTime: openTime + MINUTE - 1,
        open: price,
        high: price,
        low: price,
        close: price,
      };
    }
  }

  it('while a stream is open the feed catches up by itself, so a crossed stop is streamed without a call', async () => {
    let now = T0 + 30_000;
    const venue = new PaperExchange({ instruments: undefined });
    const driver = new PaperFeedDriver(venue, {
      source: new StepSource(),
      now: () => now,
      minuteHistoryMs: 10 * MINUTE,
      hourlyHistoryMs: 0,
    });
    const exchange = feedDrivenExchange(venue, driver, undefined, { streamCatchUpMs: 20 });
    expect(isStreamingVenue(exchange)).toBe(true);
    const stream = exchange.accountStream();
    const events: AccountEvent[] = [];
    stream.onEvent((e) => events.push(e));
    await stream.start();
    expect(stream.status.state).toBe('up');
    await exchange.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.01',
      idempotencyKey: 'feed-entry',
    });
    await exchange.placeConditional({
      venueSymbol: 'BTCUSDT',
      kind: 'stop_loss',
      side: 'sell',
      positionSide: 'net',
      triggerPrice: '49000',
      idempotencyKey: 'feed-stop',
    });
    now = T0 + 3 * MINUTE + 1_000;
    const deadline = Date.now() + 3_000;
    while (!events.some((e) => e.kind === 'fill' && e.fill.cause === 'trigger') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const stopFill = events.find((e) => e.kind === 'fill' && e.fill.cause === 'trigger');
    // minute 2's candle gaps from 50000 to 48000: the stop fills at the gap's price
    expect(stopFill).toMatchObject({ fill: { trigger: 'stop_loss', price: '48000', qty: '0.01' } });
    await stream.close();
  });

  it("a feed-driven market stream sends the feed's minutes as closed 1m klines as the clock moves", async () => {
    let now = T0 + 30_000;
    const venue = new PaperExchange();
    const driver = new PaperFeedDriver(venue, {
      source: new StepSource(),
      now: () => now,
      minuteHistoryMs: 10 * MINUTE,
      hourlyHistoryMs: 0,
    });
    const exchange = feedDrivenExchange(venue, driver, undefined, { streamCatchUpMs: 20 });
    const stream = exchange.marketStream();
    const closed: MarketEvent[] = [];
    stream.onEvent((e) => e.kind === 'kline' && e.closed && closed.push(e));
    await stream.start();
    await stream.subscribe({ kind: 'kline', venueSymbol: 'BTCUSDT', timeframe: '1m' });
    now = T0 + 3 * MINUTE + 1_000;
    const deadline = Date.now() + 3_000;
    while (closed.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    // minutes 0, 1 (50000) and 2 (48000) were replayed as whole candles: each closed once
    expect(closed.map((e) => (e.kind === 'kline' ? [e.openTime - T0, e.close] : []))).toEqual([
      [0, '50000'],
      [MINUTE, '50000'],
      [2 * MINUTE, '48000'],
    ]);
    await stream.close();
  });
});
