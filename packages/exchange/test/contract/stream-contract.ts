import Decimal from 'decimal.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { supportsTrailingStop } from '../../src/trailing.ts';
import { roundPrice, sizeForNotional } from '../../src/instrument.ts';
import type {
  AccountEvent,
  AccountStream,
  MarketEvent,
  MarketStream,
  StreamingVenue,
  StreamOptions,
  VenueFill,
} from '../../src/stream/types.ts';
import type { Exchange, Instrument } from '../../src/types.ts';

/**
 * The contract every streaming venue passes (`StreamingVenue`, stream/types.ts): PaperExchange in
 * process, and the Binance and OKX clients against their simulators (whose `setPrice` moves the
 * paper venue behind them). Written against the interfaces only; events may arrive over a socket,
 * so every expectation waits (bounded) for what it needs.
 *
 * What the harness must provide:
 *  - a fresh account per test with at least ~1,000 USDT free, one-way mode, no position or order;
 *  - `setPrice(symbol, price)`: moves the venue's price (conditional orders trigger on it);
 *  - optionally `symbol` (default: the BTC/USDT instrument), `price` (default 50000, on the tick
 *    grid), `streamOptions` (short reconnect delays) and `quietMs`: how long to wait to be sure
 *    that nothing more arrives (default 300 ms).
 */
export type StreamContractHarness = {
  venue: Exchange & StreamingVenue;
  setPrice(symbol: string, price: string): Promise<void>;
  teardown(): Promise<void>;
  symbol?: string;
  price?: string;
  streamOptions?: StreamOptions;
  quietMs?: number;
};

const dec = (value: string | number) => new Decimal(value);

/** Resolves once `condition` holds; fails after `timeoutMs` with `what`. */
async function waitFor(what: string, condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function runStreamContract(name: string, setup: () => Promise<StreamContractHarness>): void {
  describe(`Stream contract: ${name}`, () => {
    let h: StreamContractHarness;
    let venue: Exchange & StreamingVenue;
    let instrument: Instrument;
    let symbol: string;
    let price: string;
    let qty: string;
    let key = 0;
    const streams: (AccountStream | MarketStream)[] = [];
    const nextKey = (label: string) => `stream-${name}-${label}-${Date.now()}-${++key}`;
    const pricePct = (pct: number) =>
      roundPrice(instrument, dec(price).mul(1 + pct / 100), 'nearest').toString();

    async function openAccountStream(): Promise<{ stream: AccountStream; events: AccountEvent[] }> {
      const stream = venue.accountStream(h.streamOptions);
      streams.push(stream);
      const events: AccountEvent[] = [];
      stream.onEvent((event) => events.push(event));
      await stream.start();
      return { stream, events };
    }

    const fillsOf = (events: AccountEvent[]): VenueFill[] =>
      events.flatMap((event) =>
        event.kind === 'fill' && event.fill.venueSymbol === symbol ? [event.fill] : [],
      );

    /** A market entry (long), once its fill is on the stream. */
    async function longEntry(events: AccountEvent[]) {
      const entry = await venue.placeOrder({
        venueSymbol: symbol,
        side: 'buy',
        type: 'market',
        qty,
        positionSide: 'net',
        idempotencyKey: nextKey('entry'),
      });
      await waitFor('the entry fill', () => fillsOf(events).length >= 1);
      return entry;
    }

    /** A market entry (long) and its close-position stop 2 % below, then the price 3 % below. */
    async function entryThenStop(events: AccountEvent[]): Promise<{ entryClientId: string }> {
      const entry = await longEntry(events);
      await venue.placeConditional({
        venueSymbol: symbol,
        kind: 'stop_loss',
        side: 'sell',
        positionSide: 'net',
        triggerPrice: pricePct(-2),
        idempotencyKey: nextKey('stop'),
      });
      await h.setPrice(symbol, pricePct(-3));
      await waitFor('the stop fill', () => fillsOf(events).length >= 2);
      return { entryClientId: entry.clientOrderId };
    }

    beforeEach(async () => {
      h = await setup();
      venue = h.venue;
      const list = await venue.instruments();
      const chosen =
        h.symbol !== undefined
          ? list.find((i) => i.venueSymbol === h.symbol)
          : (list.find((i) => i.base === 'BTC' && i.quote === 'USDT') ?? list[0]);
      if (chosen === undefined) throw new Error('the harness venue lists no usable instrument');
      instrument = chosen;
      symbol = chosen.venueSymbol;
      price = h.price ?? '50000';
      qty = sizeForNotional(instrument, Decimal.max(200, dec(instrument.minNotional).mul(2)), price);
      if (dec(qty).lt(instrument.minQty)) qty = instrument.minQty;
      await h.setPrice(symbol, price);
    });

    afterEach(async () => {
      for (const stream of streams.splice(0)) await stream.close();
      await h.teardown();
    });

    it('start resolves with the stream up; close takes it down and stops the events', async () => {
      const stream = venue.accountStream(h.streamOptions);
      streams.push(stream);
      const statuses: string[] = [];
      stream.onStatus((status) => statuses.push(status.state));
      await stream.start();
      expect(stream.status.state).toBe('up');
      expect(statuses).toContain('up');
      const events: AccountEvent[] = [];
      stream.onEvent((event) => events.push(event));
      await stream.close();
      expect(stream.status.state).toBe('down');
      await venue.placeOrder({
        venueSymbol: symbol,
        side: 'buy',
        type: 'market',
        qty,
        positionSide: 'net',
        idempotencyKey: nextKey('after-close'),
      });
      await sleep(h.quietMs ?? 300);
      expect(events).toEqual([]);
    });

    it('an entry and its stop arrive as fills in order: cause order, then trigger / stop_loss; the position ends flat', async () => {
      const { events } = await openAccountStream();
      const { entryClientId } = await entryThenStop(events);
      const [entryFill, stopFill] = fillsOf(events);
      expect(entryFill).toMatchObject({ cause: 'order', side: 'buy', venueSymbol: symbol });
      expect(entryFill?.clientOrderId).toBe(entryClientId);
      expect(stopFill).toMatchObject({
        cause: 'trigger',
        trigger: 'stop_loss',
        side: 'sell',
        venueSymbol: symbol,
      });
      expect(dec(entryFill?.qty ?? '0').eq(qty)).toBe(true);
      expect(dec(stopFill?.qty ?? '0').eq(qty)).toBe(true);
      // a taker fee on each, and a loss on the stop (it sold below the entry)
      expect(dec(entryFill?.fee ?? '0').gt(0)).toBe(true);
      expect(dec(stopFill?.fee ?? '0').gt(0)).toBe(true);
      expect(dec(stopFill?.realizedPnl ?? '0').lt(0)).toBe(true);
      expect(entryFill?.venueTradeId).not.toBe(stopFill?.venueTradeId);
      expect(entryFill?.time).toBeLessThanOrEqual(stopFill?.time ?? 0);
      // the entry's order reported its state; the position was reported flat after the stop
      expect(events.some((e) => e.kind === 'order' && e.order.clientOrderId === entryClientId)).toBe(true);
      await waitFor('the flat position', () =>
        events.some(
          (e) =>
            e.kind === 'positions' &&
            e.positions.some((p) => p.venueSymbol === symbol && dec(p.qty).isZero()),
        ),
      );
    });

    it('a trailing stop that fires arrives as a fill with trigger "trailing" (venues that place them)', async () => {
      if (!supportsTrailingStop(venue.id)) return;
      const { events } = await openAccountStream();
      await longEntry(events);
      await venue.placeTrailingStop({
        venueSymbol: symbol,
        side: 'sell',
        positionSide: 'net',
        callbackRatePct: '1',
        qty,
        idempotencyKey: nextKey('trail'),
      });
      // Active at once: the high +3 % puts the stop at 1.03 × 0.99 ≈ +1.97 %; +1.5 % fires it.
      await h.setPrice(symbol, pricePct(3));
      await h.setPrice(symbol, pricePct(1.5));
      await waitFor('the trailing fill', () => fillsOf(events).length >= 2);
      expect(fillsOf(events)[1]).toMatchObject({ cause: 'trigger', trigger: 'trailing', side: 'sell' });
      expect(dec(fillsOf(events)[1]?.realizedPnl ?? '0').gt(0)).toBe(true);
    });

    it('fillsSince returns the fills the stream delivered', async () => {
      const since = (await venue.serverTime()) - 1_000;
      const { events } = await openAccountStream();
      await entryThenStop(events);
      const streamed = fillsOf(events);
      const history = (await venue.fillsSince({ since, venueSymbol: symbol })).filter((f) =>
        streamed.some((s) => s.venueTradeId === f.venueTradeId),
      );
      const essentials = (fills: VenueFill[]) =>
        fills.map((f) => ({
          venueTradeId: f.venueTradeId,
          side: f.side,
          qty: dec(f.qty).toString(),
          price: dec(f.price).toString(),
          fee: dec(f.fee).toString(),
          cause: f.cause,
        }));
      expect(essentials(history)).toEqual(essentials(streamed));
      expect(await venue.fillsSince({ since, venueSymbol: symbol, limit: 1 })).toHaveLength(1);
    });

    it('a repeated subscription is harmless: no event twice, one unsubscribe ends it', async () => {
      const account = await openAccountStream();
      await account.stream.start(); // a second start changes nothing
      await venue.placeOrder({
        venueSymbol: symbol,
        side: 'buy',
        type: 'market',
        qty,
        positionSide: 'net',
        idempotencyKey: nextKey('repeat'),
      });
      await waitFor('the fill', () => fillsOf(account.events).length >= 1);
      await sleep(h.quietMs ?? 300);
      expect(fillsOf(account.events)).toHaveLength(1);

      const market = venue.marketStream(h.streamOptions);
      streams.push(market);
      const marks: MarketEvent[] = [];
      market.onEvent((event) => {
        if (event.kind === 'mark' && event.venueSymbol === symbol) marks.push(event);
      });
      await market.start();
      await market.subscribe({ kind: 'mark', venueSymbol: symbol });
      await market.subscribe({ kind: 'mark', venueSymbol: symbol });
      const moved = pricePct(1);
      await h.setPrice(symbol, moved);
      await waitFor('the mark price', () => marks.some((m) => m.kind === 'mark' && dec(m.price).eq(moved)));
      await sleep(h.quietMs ?? 300);
      const seen = marks.map((m) => (m.kind === 'mark' ? `${m.time}|${dec(m.price).toString()}` : ''));
      expect(new Set(seen).size).toBe(seen.length);

      await market.unsubscribe({ kind: 'mark', venueSymbol: symbol });
      await sleep(h.quietMs ?? 300);
      const before = marks.length;
      await h.setPrice(symbol, pricePct(2));
      await sleep(h.quietMs ?? 300);
      expect(marks).toHaveLength(before);
    });
  });
}
