import Decimal from 'decimal.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExchangeErrors, type ExchangeErrorCode } from '../../src/errors.ts';
import { roundPrice, roundQtyDown, sizeForNotional } from '../../src/instrument.ts';
import { supportsTrailingStop } from '../../src/trailing.ts';
import type { Exchange, Instrument, Order, PositionMode } from '../../src/types.ts';

/**
 * THE contract every `Exchange` implementation passes (drizzle-style shared suite): PaperExchange
 * directly, BinanceFuturesClient and OkxSwapClient against their wire simulators (whose
 * `setPrice` drives the paper venue behind them). Written against the interface only.
 *
 * What the harness must provide:
 *  - a fresh account per test with at least ~1,000 USDT of free balance and no position or order;
 *  - `setPrice(symbol, price)`: moves the venue's price (conditional orders trigger on it);
 *  - `setPositionMode(mode)`: switches the account (tests call it first, before any other call);
 *  - optionally `symbol` (default: the BTC/USDT instrument) and `price` (default 50000) — the
 *    price must lie on the instrument's tick grid; protections are placed ±2 % / ±4 % around it;
 *  - `klines` must report at least the candle of the last setPrice.
 */
export type ExchangeContractHarness = {
  exchange: Exchange;
  setPrice(symbol: string, price: string): Promise<void>;
  setPositionMode(mode: PositionMode): Promise<void>;
  teardown(): Promise<void>;
  symbol?: string;
  price?: string;
};

const dec = (value: string | number) => new Decimal(value);

async function expectCode(promise: Promise<unknown>, code: ExchangeErrorCode): Promise<unknown> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected ${code}, got a result`).toBeDefined();
  expect(ExchangeErrors.is(caught), `expected an ExchangeErrors error, got ${String(caught)}`).toBe(true);
  expect((caught as { code: string }).code).toBe(code);
  return caught;
}

function expectDecimal(value: unknown): void {
  expect(typeof value).toBe('string');
  expect(value).toMatch(/^-?\d+(\.\d+)?$/);
}

export function runExchangeContract(name: string, setup: () => Promise<ExchangeContractHarness>): void {
  describe(`Exchange contract: ${name}`, () => {
    let h: ExchangeContractHarness;
    let ex: Exchange;
    let symbol: string;
    let instrument: Instrument;
    let price: string;
    /** A quantity worth ~200 USDT at `price`, on the grid and above every minimum. */
    let qty: string;
    let key = 0;
    const nextKey = (label: string) => `contract-${name}-${label}-${Date.now()}-${++key}`;

    const pricePct = (pct: number) => roundPrice(instrument, dec(price).mul(1 + pct / 100), 'nearest');
    const positionsOf = async () => (await ex.positions(symbol)).filter((p) => !dec(p.qty).isZero());

    async function open(
      side: 'buy' | 'sell',
      positionSide: 'net' | 'long' | 'short' = 'net',
    ): Promise<Order> {
      return ex.placeOrder({
        venueSymbol: symbol,
        side,
        type: 'market',
        qty,
        positionSide,
        idempotencyKey: nextKey('open'),
      });
    }

    beforeEach(async () => {
      h = await setup();
      ex = h.exchange;
      const list = await ex.instruments();
      const chosen =
        h.symbol !== undefined
          ? list.find((i) => i.venueSymbol === h.symbol)
          : (list.find((i) => i.base === 'BTC' && i.quote === 'USDT') ?? list[0]);
      if (chosen === undefined) throw new Error('the harness venue lists no usable instrument');
      instrument = chosen;
      symbol = chosen.venueSymbol;
      price = h.price ?? '50000';
      const notional = Decimal.max(200, dec(instrument.minNotional).mul(2));
      qty = sizeForNotional(instrument, notional, price);
      if (dec(qty).lt(instrument.minQty)) qty = instrument.minQty;
    });

    afterEach(async () => {
      await h.teardown();
    });

    describe('market data and account', () => {
      it('reports the server time', async () => {
        const t = await ex.serverTime();
        expect(Number.isFinite(t)).toBe(true);
        expect(t).toBeGreaterThan(0);
      });

      it('reports a USDT balance with available ≤ total', async () => {
        const b = await ex.balance('USDT');
        expect(b.asset).toBe('USDT');
        expectDecimal(b.total);
        expectDecimal(b.available);
        expectDecimal(b.unrealizedPnl);
        expect(dec(b.available).gt(0)).toBe(true);
        expect(dec(b.available).lte(b.total)).toBe(true);
      });

      it('lists instruments with their trading rules in base units', async () => {
        const list = await ex.instruments();
        expect(list.length).toBeGreaterThan(0);
        for (const i of list) {
          expect(i.venueSymbol.length).toBeGreaterThan(0);
          expect(i.base.length).toBeGreaterThan(0);
          expect(i.quote.length).toBeGreaterThan(0);
          for (const field of [i.tickSize, i.stepSize, i.contractSize]) {
            expectDecimal(field);
            expect(dec(field).gt(0)).toBe(true);
          }
          expectDecimal(i.minQty);
          expectDecimal(i.minNotional);
          expect(dec(i.minNotional).gte(0)).toBe(true);
          expect(Number.isInteger(i.maxLeverage) && i.maxLeverage >= 1).toBe(true);
        }
        const one = await ex.instrument(symbol);
        expect(one.venueSymbol).toBe(symbol);
        expect(one.stepSize).toBe(instrument.stepSize);
      });

      it('refuses an unknown symbol with UNKNOWN_SYMBOL', async () => {
        await expectCode(ex.instrument(symbol.replace(instrument.base, 'ZZQNOPE')), 'UNKNOWN_SYMBOL');
      });

      it('reports the ticker the feed set', async () => {
        await h.setPrice(symbol, price);
        const t1 = await ex.ticker(symbol);
        expect(t1.venueSymbol).toBe(symbol);
        expect(dec(t1.price).eq(price)).toBe(true);
        expect(Number.isFinite(t1.time)).toBe(true);
        const moved = pricePct(1);
        await h.setPrice(symbol, moved);
        expect(dec((await ex.ticker(symbol)).price).eq(moved)).toBe(true);
      });

      it('returns klines oldest first with a consistent OHLC shape', async () => {
        await h.setPrice(symbol, price);
        const klines = await ex.klines({ venueSymbol: symbol, timeframe: '1m', limit: 10 });
        expect(klines.length).toBeGreaterThan(0);
        expect(klines.length).toBeLessThanOrEqual(10);
        let previous = -Infinity;
        for (const k of klines) {
          for (const v of [k.openTime, k.open, k.high, k.low, k.close, k.volume]) {
            expect(typeof v).toBe('number');
            expect(Number.isFinite(v)).toBe(true);
          }
          expect(Number.isInteger(k.openTime)).toBe(true);
          expect(k.openTime).toBeGreaterThan(previous);
          previous = k.openTime;
          expect(k.high).toBeGreaterThanOrEqual(Math.max(k.open, k.close));
          expect(k.low).toBeLessThanOrEqual(Math.min(k.open, k.close));
          expect(typeof k.closed).toBe('boolean');
        }
      });
    });

    describe('leverage', () => {
      it('sets leverage within range; refuses 0 and above the maximum without changing it', async () => {
        await h.setPrice(symbol, price);
        expect((await ex.setLeverage(symbol, 5)).leverage).toBe(5);
        await expectCode(ex.setLeverage(symbol, instrument.maxLeverage + 1), 'LEVERAGE_OUT_OF_RANGE');
        await expectCode(ex.setLeverage(symbol, 0), 'LEVERAGE_OUT_OF_RANGE');
        await open('buy');
        const [position] = await positionsOf();
        expect(position?.leverage).toBe(5);
      });
    });

    describe('one-way mode', () => {
      beforeEach(async () => {
        await h.setPositionMode('one_way');
        await h.setPrice(symbol, price);
        await ex.setLeverage(symbol, 10);
      });

      it('reports one_way', async () => {
        expect(await ex.positionMode()).toBe('one_way');
      });

      it('opens a long with a market order: positive qty at the fill price', async () => {
        const order = await open('buy');
        expect(order.status).toBe('filled');
        expect(order.side).toBe('buy');
        expect(dec(order.filledQty).eq(qty)).toBe(true);
        const positions = await positionsOf();
        expect(positions).toHaveLength(1);
        expect(positions[0]?.side).toBe('net');
        expect(dec(positions[0]?.qty ?? '0').eq(qty)).toBe(true);
        expect(dec(positions[0]?.entryPrice ?? '0').eq(price)).toBe(true);
      });

      it('opens a short with a market order: negative qty', async () => {
        await open('sell');
        const positions = await positionsOf();
        expect(positions).toHaveLength(1);
        expect(dec(positions[0]?.qty ?? '0').eq(dec(qty).neg())).toBe(true);
        expect(dec(positions[0]?.entryPrice ?? '0').eq(price)).toBe(true);
      });

      it('adds at a second price (average entry) and reduces with a reduce-only order', async () => {
        await open('buy');
        const higher = pricePct(2);
        await h.setPrice(symbol, higher);
        await open('buy');
        const [added] = await positionsOf();
        expect(dec(added?.qty ?? '0').eq(dec(qty).mul(2))).toBe(true);
        // equal quantities: the average entry is the midpoint
        expect(dec(added?.entryPrice ?? '0').eq(dec(price).plus(higher).div(2))).toBe(true);
        const reduce = await ex.placeOrder({
          venueSymbol: symbol,
          side: 'sell',
          type: 'market',
          qty,
          positionSide: 'net',
          reduceOnly: true,
          idempotencyKey: nextKey('reduce'),
        });
        expect(reduce.status).toBe('filled');
        const [reduced] = await positionsOf();
        expect(dec(reduced?.qty ?? '0').eq(qty)).toBe(true);
      });

      it('closes a long and then a short; closePosition returns null when flat', async () => {
        await open('buy');
        const closeLong = await ex.closePosition(symbol, 'net', nextKey('close'));
        expect(closeLong?.side).toBe('sell');
        expect(closeLong?.status).toBe('filled');
        expect(await positionsOf()).toHaveLength(0);

        await open('sell');
        const closeShort = await ex.closePosition(symbol, 'net', nextKey('close'));
        expect(closeShort?.side).toBe('buy');
        expect(await positionsOf()).toHaveLength(0);

        expect(await ex.closePosition(symbol, 'net', nextKey('close'))).toBeNull();
      });

      it('refuses a reduce-only order that would increase the position, or with no position', async () => {
        const reduceOnly = (side: 'buy' | 'sell') =>
          ex.placeOrder({
            venueSymbol: symbol,
            side,
            type: 'market',
            qty,
            positionSide: 'net',
            reduceOnly: true,
            idempotencyKey: nextKey('ro'),
          });
        await expectCode(reduceOnly('sell'), 'REDUCE_ONLY_REJECTED');
        await open('buy');
        await expectCode(reduceOnly('buy'), 'REDUCE_ONLY_REJECTED');
        const [position] = await positionsOf();
        expect(dec(position?.qty ?? '0').eq(qty)).toBe(true);
      });
    });

    describe('hedge mode', () => {
      beforeEach(async () => {
        await h.setPositionMode('hedge');
        await h.setPrice(symbol, price);
        await ex.setLeverage(symbol, 10);
      });

      it('reports hedge', async () => {
        expect(await ex.positionMode()).toBe('hedge');
      });

      it('holds independent long and short legs and closes each alone', async () => {
        await open('buy', 'long');
        await open('sell', 'short');
        const both = await positionsOf();
        expect(both).toHaveLength(2);
        const long = both.find((p) => p.side === 'long');
        const short = both.find((p) => p.side === 'short');
        expect(dec(long?.qty ?? '0').eq(qty)).toBe(true);
        expect(dec(short?.qty ?? '0').eq(dec(qty).neg())).toBe(true);
        expect(dec(long?.entryPrice ?? '0').eq(price)).toBe(true);

        const closeLong = await ex.closePosition(symbol, 'long', nextKey('close'));
        expect(closeLong?.side).toBe('sell');
        const left = await positionsOf();
        expect(left).toHaveLength(1);
        expect(left[0]?.side).toBe('short');

        await ex.closePosition(symbol, 'short', nextKey('close'));
        expect(await positionsOf()).toHaveLength(0);
      });

      it('refuses an order that does not name the long or short leg', async () => {
        await expectCode(
          ex.placeOrder({
            venueSymbol: symbol,
            side: 'buy',
            type: 'market',
            qty,
            positionSide: 'net',
            idempotencyKey: nextKey('net-on-hedge'),
          }),
          'POSITION_SIDE_MISMATCH',
        );
        expect(await positionsOf()).toHaveLength(0);
      });

      it('protects one leg: its stop closes that leg only', async () => {
        await open('buy', 'long');
        await open('sell', 'short');
        const orders = await ex.placeProtection({
          venueSymbol: symbol,
          positionSide: 'long',
          stopLoss: pricePct(-2),
          idempotencyKey: nextKey('protect'),
        });
        expect(orders).toHaveLength(1);
        expect(orders[0]?.positionSide).toBe('long');
        await h.setPrice(symbol, pricePct(-3));
        const left = await positionsOf();
        expect(left).toHaveLength(1);
        expect(left[0]?.side).toBe('short');
      });
    });

    describe('protection (SL / TP)', () => {
      beforeEach(async () => {
        await h.setPositionMode('one_way');
        await h.setPrice(symbol, price);
        await ex.setLeverage(symbol, 10);
      });

      const protect = (positionSide: 'long' | 'short', sl: string, tp: string) =>
        ex.placeProtection({
          venueSymbol: symbol,
          positionSide,
          stopLoss: sl,
          takeProfit: tp,
          idempotencyKey: nextKey('protect'),
        });

      it('places SL and TP as conditional (algo) orders visible in openOrders', async () => {
        await open('buy');
        const sl = pricePct(-2);
        const tp = pricePct(4);
        const placed = await protect('long', sl, tp);
        expect(placed).toHaveLength(2);
        const open_ = (await ex.openOrders(symbol)).filter((o) => o.isAlgo);
        const stop = open_.find((o) => o.type === 'stop_market');
        const take = open_.find((o) => o.type === 'take_profit_market');
        expect(stop?.side).toBe('sell');
        expect(dec(stop?.triggerPrice ?? '0').eq(sl)).toBe(true);
        expect(take?.side).toBe('sell');
        expect(dec(take?.triggerPrice ?? '0').eq(tp)).toBe(true);
        expect(stop?.clientOrderId).not.toBe(take?.clientOrderId);
      });

      it('a price move through the stop closes the long', async () => {
        await open('buy');
        await protect('long', pricePct(-2), pricePct(4));
        await h.setPrice(symbol, pricePct(-3));
        expect(await positionsOf()).toHaveLength(0);
        const stillOpen = await ex.openOrders(symbol);
        expect(stillOpen.some((o) => o.type === 'stop_market')).toBe(false);
        await ex.cancelAllOrders(symbol);
        expect(await ex.openOrders(symbol)).toHaveLength(0);
      });

      it('a price move through the take-profit closes the long', async () => {
        await open('buy');
        await protect('long', pricePct(-2), pricePct(4));
        await h.setPrice(symbol, pricePct(5));
        expect(await positionsOf()).toHaveLength(0);
      });

      it('a price move up through the stop closes the short', async () => {
        await open('sell');
        await protect('short', pricePct(2), pricePct(-4));
        await h.setPrice(symbol, pricePct(3));
        expect(await positionsOf()).toHaveLength(0);
      });

      it('closePosition works while the SL/TP rest (a resting take-profit must not block the close)', async () => {
        await open('buy');
        await protect('long', pricePct(-2), pricePct(4));
        const close = await ex.closePosition(symbol, 'net', nextKey('close-protected'));
        expect(close?.status).toBe('filled');
        expect(await positionsOf()).toHaveLength(0);
        await ex.cancelAllOrders(symbol);
        expect(await ex.openOrders(symbol)).toHaveLength(0);
      });

      it('cancelAllOrders cancels the conditional orders too: the stop no longer fires', async () => {
        await open('buy');
        await protect('long', pricePct(-2), pricePct(4));
        await ex.cancelAllOrders(symbol);
        expect(await ex.openOrders(symbol)).toHaveLength(0);
        await h.setPrice(symbol, pricePct(-3));
        const [position] = await positionsOf();
        expect(dec(position?.qty ?? '0').eq(qty)).toBe(true);
      });
    });

    describe('trailing stop', () => {
      beforeEach(async () => {
        await h.setPositionMode('one_way');
        await h.setPrice(symbol, price);
        await ex.setLeverage(symbol, 10);
      });

      /** A 1 % trailing sell for the long `open('buy')` opened, activated at +2 %. */
      const trail = (key: string) =>
        ex.placeTrailingStop({
          venueSymbol: symbol,
          side: 'sell',
          positionSide: 'long',
          callbackRatePct: '1',
          activationPrice: pricePct(2),
          qty,
          idempotencyKey: key,
        });

      it('rests as an algo order openOrders lists, with its callback and activation price', async () => {
        await open('buy');
        if (!supportsTrailingStop(ex.id)) {
          await expectCode(trail(nextKey('trail')), 'TRAILING_STOP_UNSUPPORTED');
          expect(await ex.openOrders(symbol)).toHaveLength(0);
          return;
        }
        const k = nextKey('trail');
        const placed = await trail(k);
        expect(placed.type).toBe('trailing_stop_market');
        const resting = (await ex.openOrders(symbol)).filter((o) => o.type === 'trailing_stop_market');
        expect(resting).toHaveLength(1);
        expect(resting[0]?.isAlgo).toBe(true);
        expect(resting[0]?.side).toBe('sell');
        expect(dec(resting[0]?.callbackRatePct ?? '0').eq(1)).toBe(true);
        expect(dec(resting[0]?.activationPrice ?? '0').eq(pricePct(2))).toBe(true);
        expect(dec(resting[0]?.qty ?? '0').eq(qty)).toBe(true);
        expect((await ex.orderByIdempotencyKey(symbol, k))?.venueOrderId).toBe(placed.venueOrderId);
      });

      it('waits for its activation price, then closes the long when the price retraces the callback from its high', async () => {
        if (!supportsTrailingStop(ex.id)) return;
        await open('buy');
        await trail(nextKey('trail'));
        // Not activated (+1 % < +2 %): a fall of 1.5 % from the high of the run does nothing.
        await h.setPrice(symbol, pricePct(1));
        await h.setPrice(symbol, pricePct(-0.5));
        expect(await positionsOf()).toHaveLength(1);
        // Activated at +3 %, high +4 %: the stop rests 1 % below the high, at 1.04 × 0.99 = +2.96 %.
        await h.setPrice(symbol, pricePct(3));
        await h.setPrice(symbol, pricePct(4));
        await h.setPrice(symbol, pricePct(3.5));
        expect(await positionsOf()).toHaveLength(1);
        await h.setPrice(symbol, pricePct(2.9));
        expect(await positionsOf()).toHaveLength(0);
        expect((await ex.openOrders(symbol)).some((o) => o.type === 'trailing_stop_market')).toBe(false);
      });

      it('cancelAllOrders cancels it: the same run and retrace leave the long open', async () => {
        if (!supportsTrailingStop(ex.id)) return;
        await open('buy');
        await trail(nextKey('trail'));
        await ex.cancelAllOrders(symbol);
        expect(await ex.openOrders(symbol)).toHaveLength(0);
        await h.setPrice(symbol, pricePct(4));
        await h.setPrice(symbol, pricePct(2.9));
        const [position] = await positionsOf();
        expect(dec(position?.qty ?? '0').eq(qty)).toBe(true);
      });

      it("refuses a callback outside the venue's range before sending", async () => {
        if (!supportsTrailingStop(ex.id)) return;
        await open('buy');
        await expectCode(
          ex.placeTrailingStop({
            venueSymbol: symbol,
            side: 'sell',
            positionSide: 'long',
            callbackRatePct: '25',
            qty,
            idempotencyKey: nextKey('trail-range'),
          }),
          'INVALID_REQUEST',
        );
        expect(await ex.openOrders(symbol)).toHaveLength(0);
      });
    });

    describe('instrument rules', () => {
      beforeEach(async () => {
        await h.setPositionMode('one_way');
        await h.setPrice(symbol, price);
        await ex.setLeverage(symbol, 10);
      });

      it('refuses off-grid quantity and price; the caller rounds with the instrument helpers', async () => {
        const offQty = dec(qty).plus(dec(instrument.stepSize).div(2)).toFixed();
        await expectCode(
          ex.placeOrder({
            venueSymbol: symbol,
            side: 'buy',
            type: 'market',
            qty: offQty,
            idempotencyKey: nextKey('q'),
          }),
          'INVALID_QUANTITY',
        );
        await expectCode(
          ex.placeOrder({
            venueSymbol: symbol,
            side: 'buy',
            type: 'market',
            qty: '0',
            idempotencyKey: nextKey('q0'),
          }),
          'INVALID_QUANTITY',
        );
        const below = dec(pricePct(-10));
        const offPrice = below.plus(dec(instrument.tickSize).div(2)).toFixed();
        await expectCode(
          ex.placeOrder({
            venueSymbol: symbol,
            side: 'buy',
            type: 'limit',
            qty,
            price: offPrice,
            idempotencyKey: nextKey('p'),
          }),
          'INVALID_PRICE',
        );
        expect(await positionsOf()).toHaveLength(0);
        expect(await ex.openOrders(symbol)).toHaveLength(0);

        const resting = await ex.placeOrder({
          venueSymbol: symbol,
          side: 'buy',
          type: 'limit',
          qty: roundQtyDown(instrument, offQty),
          price: roundPrice(instrument, offPrice, 'down'),
          idempotencyKey: nextKey('rounded'),
        });
        expect(resting.status).toBe('new');
        expect(dec(resting.qty).eq(qty)).toBe(true);
        expect(dec(resting.price ?? '0').eq(below)).toBe(true);
        expect((await ex.openOrders(symbol)).map((o) => o.venueOrderId)).toEqual([resting.venueOrderId]);
        await ex.cancelOrder(symbol, { venueOrderId: resting.venueOrderId });
        expect(await ex.openOrders(symbol)).toHaveLength(0);
      });

      it('refuses an order below the minimum notional before sending', async (ctx) => {
        if (dec(instrument.minNotional).isZero()) ctx.skip();
        // the largest grid quantity whose value is still below the minimum
        let small = roundQtyDown(instrument, dec(instrument.minNotional).div(price));
        if (dec(small).mul(price).gte(instrument.minNotional))
          small = dec(small).minus(instrument.stepSize).toFixed();
        if (dec(small).lt(instrument.minQty) || dec(small).lte(0)) ctx.skip();
        const error = await expectCode(
          ex.placeOrder({
            venueSymbol: symbol,
            side: 'buy',
            type: 'market',
            qty: small,
            idempotencyKey: nextKey('mn'),
          }),
          'ORDER_BELOW_MIN_NOTIONAL',
        );
        expect((error as Error).message).toContain(instrument.minNotional);
        expect(await positionsOf()).toHaveLength(0);
      });

      it('refuses an order the balance cannot margin with INSUFFICIENT_BALANCE', async (ctx) => {
        await ex.setLeverage(symbol, 1);
        const available = dec((await ex.balance(instrument.quote)).available);
        let big = dec(sizeForNotional(instrument, available.mul(3), price));
        if (instrument.maxQty !== undefined && big.gt(instrument.maxQty)) big = dec(instrument.maxQty);
        if (big.mul(price).lte(available.mul(1.5))) ctx.skip();
        await expectCode(
          ex.placeOrder({
            venueSymbol: symbol,
            side: 'buy',
            type: 'market',
            qty: big.toFixed(),
            idempotencyKey: nextKey('big'),
          }),
          'INSUFFICIENT_BALANCE',
        );
        expect(await positionsOf()).toHaveLength(0);
      });
    });

    describe('orders and idempotency', () => {
      beforeEach(async () => {
        await h.setPositionMode('one_way');
        await h.setPrice(symbol, price);
        await ex.setLeverage(symbol, 10);
      });

      it('the same idempotency key twice gives one order; orderByIdempotencyKey finds it', async () => {
        const k = nextKey('idem');
        const request = { venueSymbol: symbol, side: 'buy', type: 'market', qty, idempotencyKey: k } as const;
        const first = await ex.placeOrder(request);
        let second: Order | undefined;
        try {
          second = await ex.placeOrder(request);
        } catch (error) {
          // A venue-faithful answer: the duplicate is refused rather than executed.
          expect(ExchangeErrors.is(error, 'DUPLICATE_CLIENT_ORDER_ID')).toBe(true);
        }
        if (second !== undefined) expect(second.venueOrderId).toBe(first.venueOrderId);
        const [position] = await positionsOf();
        expect(dec(position?.qty ?? '0').eq(qty)).toBe(true);
        const found = await ex.orderByIdempotencyKey(symbol, k);
        expect(found?.venueOrderId).toBe(first.venueOrderId);
        expect(found?.status).toBe('filled');
        expect(await ex.orderByIdempotencyKey(symbol, nextKey('never-used'))).toBeNull();
      });

      it('a resting limit order placed twice with one key rests once', async () => {
        const k = nextKey('idem-limit');
        const request = {
          venueSymbol: symbol,
          side: 'buy',
          type: 'limit',
          qty,
          price: pricePct(-10),
          idempotencyKey: k,
        } as const;
        const first = await ex.placeOrder(request);
        try {
          const second = await ex.placeOrder(request);
          expect(second.venueOrderId).toBe(first.venueOrderId);
        } catch (error) {
          expect(ExchangeErrors.is(error, 'DUPLICATE_CLIENT_ORDER_ID')).toBe(true);
        }
        const open_ = await ex.openOrders(symbol);
        expect(open_).toHaveLength(1);
        expect((await ex.orderByIdempotencyKey(symbol, k))?.status).toBe('new');
        await ex.cancelAllOrders(symbol);
        expect(await ex.openOrders(symbol)).toHaveLength(0);
        expect((await ex.orderByIdempotencyKey(symbol, k))?.status).toBe('canceled');
      });

      it('cancelling an unknown order is ORDER_NOT_FOUND', async () => {
        await expectCode(
          ex.cancelOrder(symbol, { clientOrderId: 'tbNoSuchOrder000000000000000' }),
          'ORDER_NOT_FOUND',
        );
      });
    });
  });
}
