import { afterEach, describe, expect, it } from 'vitest';
import {
  BinanceFuturesClient,
  BybitLinearClient,
  ExchangeErrors,
  PaperExchange,
  type Exchange,
  type PositionMode,
} from '@tradingbot/exchange';
import {
  startBinanceSimulator,
  startBybitSimulator,
  type BybitSimRequestLog,
  type SimRequestLog,
} from '@tradingbot/exchange/sim';
import { OrderExecutor } from '../src/index.ts';
import { CANDLES, HOUR, T0, harness, instrument, signal, type CallLog, type Faults } from './helpers.ts';

/**
 * The main scenarios, run against every venue: the PaperExchange directly, and the real
 * BinanceFuturesClient against the Binance wire simulator over loopback (its venue is a
 * PaperExchange we hold, so positions and resting orders can be checked at the source). Same
 * hand-made candles as executor-paper.test.ts: ATR(3) = 278/27; SOLUSDT tick 0.01, step 1; price 98;
 * balance 1000 USDT; no fees; leverage 5.
 */

type VenueUnderTest = {
  exchange: Exchange;
  paper: PaperExchange;
  /** Makes the venue reject the next `n` stop / take-profit placements. */
  rejectNextConditionals(n: number): void;
  /** The raw requests that reached a wire simulator (undefined for the in-process venue). */
  wire?: () => (SimRequestLog | BybitSimRequestLog)[];
  /** The Exchange calls the executor made (the in-process venue, where there is no wire). */
  calls?: CallLog;
  close(): Promise<void>;
};

type VenueFactory = (mode: PositionMode) => Promise<VenueUnderTest>;

/** A clock that starts one minute into the 6th (forming) hour and runs in real time. */
function clock(): () => number {
  const start = Date.now();
  return () => T0 + 5 * HOUR + 60_000 + (Date.now() - start);
}

function paperVenue(mode: PositionMode, now: () => number): PaperExchange {
  const paper = new PaperExchange({
    positionMode: mode,
    balances: { USDT: '1000' },
    makerFeeRate: 0,
    takerFeeRate: 0,
    prices: { SOLUSDT: '98' },
    now,
  });
  return paper;
}

const venues: Record<string, VenueFactory> = {
  paper: async (mode) => {
    const now = clock();
    const paper = paperVenue(mode, now);
    CANDLES.forEach((c, i) => paper.applyCandle('SOLUSDT', { openTime: T0 + i * HOUR, ...c }));
    paper.setPrice('SOLUSDT', '98');
    const faults: Faults = {};
    const { exchange, calls } = instrument(paper, faults);
    return {
      exchange,
      paper,
      calls,
      rejectNextConditionals(n) {
        faults.placeConditional = Array.from(
          { length: n },
          () => () => ExchangeErrors.create('ORDER_REJECTED', { message: 'rejected' }),
        );
      },
      close: async () => {},
    };
  },
  'binance simulator': async (mode) => {
    const now = clock();
    const paper = paperVenue(mode, now);
    const sim = await startBinanceSimulator({
      apiKey: 'exec-key',
      apiSecret: 'exec-secret',
      venue: paper,
      now,
      candles: {
        SOLUSDT: CANDLES.map((c, i) => ({ time: T0 + i * HOUR, ...c, volume: 100 })),
      },
    });
    const client = new BinanceFuturesClient({
      apiKey: 'exec-key',
      apiSecret: 'exec-secret',
      baseUrl: sim.url,
      timeoutMs: 2000,
      baseDelayMs: 10,
      maxDelayMs: 50,
    });
    return {
      exchange: client,
      paper,
      rejectNextConditionals(n) {
        sim.faults.add({
          kind: 'http_error',
          method: 'POST',
          path: '/fapi/v1/algoOrder',
          status: 400,
          code: -2021,
          msg: 'Order would immediately trigger.',
          times: n,
        });
      },
      wire: () => sim.requests,
      close: () => sim.close(),
    };
  },
  'bybit simulator': async (mode) => {
    const now = clock();
    const paper = paperVenue(mode, now);
    const sim = await startBybitSimulator({
      apiKey: 'execKey0123456789',
      apiSecret: 'execSecret0123456789',
      venue: paper,
      now,
      candles: {
        SOLUSDT: CANDLES.map((c, i) => ({ time: T0 + i * HOUR, ...c, volume: 100 })),
      },
    });
    const client = new BybitLinearClient({
      apiKey: 'execKey0123456789',
      apiSecret: 'execSecret0123456789',
      baseUrl: sim.url,
      timeoutMs: 2000,
      baseDelayMs: 10,
      maxDelayMs: 50,
    });
    return {
      exchange: client,
      paper,
      rejectNextConditionals(n) {
        sim.faults.add({
          kind: 'http_error',
          method: 'POST',
          path: '/v5/order/create#conditional',
          code: 110092,
          msg: 'expect Rising, but trigger_price[77.4] <= current[98]',
          times: n,
        });
      },
      wire: () => sim.requests,
      close: () => sim.close(),
    };
  },
};

const fast = { protectionBackoffMs: 1, fillPollIntervalMs: 1, sleep: async () => {} };
const num = (v: string | undefined) => (v === undefined ? NaN : Number(v));

describe.each(Object.keys(venues))('main scenarios on %s', (venueName) => {
  const open: VenueUnderTest[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((v) => v.close()));
  });

  async function setup(mode: PositionMode, tpAtr?: number) {
    const factory = venues[venueName] as VenueFactory;
    const v = await factory(mode);
    open.push(v);
    // Without tpAtr the account states no take-profit (0), as these scenarios were written.
    const h = harness(v.exchange, { tpAtr: tpAtr ?? 0 }, { now: () => v.paper.now() });
    return { ...v, ...h, executor: new OrderExecutor(fast) };
  }

  describe.each<PositionMode>(['one_way', 'hedge'])('%s', (mode) => {
    const side = (leg: 'long' | 'short') => (mode === 'hedge' ? leg : 'net');

    it('LONG: size, entry, SL and TP; then CLOSE_LONG cancels them and closes', async () => {
      const t = await setup(mode, 3);
      const result = await t.executor.executeSignal(signal({ action: 'long' }), t.context);
      expect(result.message).toBe('LONG order executed on binance');
      const r = result.order_details.results;
      // 1000 × 10% × 5 / 98 = 5.10 → 5
      expect(r.entry).toMatchObject({ side: 'buy', position_side: side('long'), status: 'filled' });
      expect(num(r.entry?.filled_qty)).toBe(5);
      expect(num(r.entry?.avg_price)).toBe(98);
      // SL 98 − 2·278/27 → 77.40 (down); TP 98 + 3·278/27 → 128.89 (up)
      expect(num(r.stop_loss?.trigger_price)).toBe(77.4);
      expect(num(r.take_profit?.trigger_price)).toBe(128.89);
      const resting = await t.paper.openOrders('SOLUSDT');
      expect(resting.map((o) => [o.type, o.side, o.positionSide, num(o.triggerPrice)]).sort()).toEqual(
        [
          ['stop_market', 'sell', side('long'), 77.4],
          ['take_profit_market', 'sell', side('long'), 128.89],
        ].sort(),
      );
      expect((await t.paper.positions('SOLUSDT')).map((p) => [p.side, p.qty])).toEqual([[side('long'), '5']]);

      const close = await t.executor.executeSignal(signal({ action: 'close_long' }), t.context);
      expect(close.message).toBe('CLOSE_LONG order executed on binance');
      expect(close.order_details.results.canceled).toHaveLength(2);
      expect(num(close.order_details.results.closed?.[0]?.filled_qty)).toBe(5);
      expect(await t.paper.positions('SOLUSDT')).toEqual([]);
      expect(await t.paper.openOrders('SOLUSDT')).toEqual([]);
    });

    it('LONG with trail_pct: the trailing stop rests on the leg where the venue places one; CLOSE_LONG cancels it too', async () => {
      const t = await setup(mode);
      const result = await t.executor.executeSignal(
        signal({ action: 'long', trail_pct: 2, trail_activation_pct: 1 }),
        t.context,
      );
      expect(result.success).toBe(true);
      const trailing = (await t.paper.openOrders('SOLUSDT')).filter((o) => o.type === 'trailing_stop_market');
      if (venueName === 'bybit simulator') {
        expect(result.warning).toMatch(/not placed on bybit yet/);
        expect(trailing).toEqual([]);
        return;
      }
      expect(result.warning).toBeUndefined();
      // Activation 98 × 1.01 = 98.98; 2 % behind the best price, for the 5 SOL the entry filled.
      expect(trailing.map((o) => [o.side, o.positionSide, num(o.qty), num(o.callbackRatePct)])).toEqual([
        ['sell', side('long'), 5, 2],
      ]);
      expect(num(trailing[0]?.activationPrice)).toBe(98.98);
      const close = await t.executor.executeSignal(signal({ action: 'close_long' }), t.context);
      expect(close.order_details.results.canceled?.map((c) => c.type).sort()).toEqual([
        'stop_market',
        'trailing_stop_market',
      ]);
      expect(await t.paper.openOrders('SOLUSDT')).toEqual([]);
    });

    it('CLOSE_LONG with close_pct closes that part reduce-only, once, and leaves SL and TP for the rest', async () => {
      const t = await setup(mode, 3);
      await t.executor.executeSignal(signal({ action: 'long' }), t.context);
      // 5 × 60 % = 3 (step 1): 2 stay open with their stop and take-profit.
      const partial = signal({ action: 'close_long', close_pct: 60 });
      const result = await t.executor.executeSignal(partial, t.context);
      expect(result.message).toBe('CLOSE_LONG order executed on binance');
      expect(result.order_details.results.closed?.[0]).toMatchObject({
        side: 'sell',
        position_side: side('long'),
      });
      expect(num(result.order_details.results.closed?.[0]?.filled_qty)).toBe(3);
      expect(result.order_details.results.canceled).toBeUndefined();
      expect((await t.paper.positions('SOLUSDT')).map((p) => [p.side, p.qty])).toEqual([[side('long'), '2']]);
      expect((await t.paper.openOrders('SOLUSDT')).map((o) => o.type).sort()).toEqual([
        'stop_market',
        'take_profit_market',
      ]);
      // The same alert again (a re-delivery) finds its order and sends nothing.
      const again = await t.executor.executeSignal(partial, t.context);
      expect(again.order_details.results.closed?.[0]?.reused).toBe(true);
      expect((await t.paper.positions('SOLUSDT')).map((p) => p.qty)).toEqual(['2']);
    });

    it('SHORT, then LONG reverses it', async () => {
      const t = await setup(mode);
      const short = await t.executor.executeSignal(signal({ action: 'short' }), t.context);
      expect(short.order_details.results.entry).toMatchObject({ side: 'sell', position_side: side('short') });
      // SL 98 + 2·278/27 = 118.59… → 118.60 (up)
      expect(num(short.order_details.results.stop_loss?.trigger_price)).toBe(118.6);
      const long = await t.executor.executeSignal(signal({ action: 'long' }), t.context);
      expect(long.message).toBe('LONG order executed on binance');
      expect(long.order_details.results.closed?.[0]).toMatchObject({
        side: 'buy',
        position_side: side('short'),
      });
      expect((await t.paper.positions('SOLUSDT')).map((p) => [p.side, p.qty])).toEqual([[side('long'), '5']]);
      expect((await t.paper.openOrders('SOLUSDT')).map((o) => [o.side, num(o.triggerPrice)])).toEqual([
        ['sell', 77.4],
      ]);
    });

    it('close when flat sends nothing; the same signal twice places one entry', async () => {
      const t = await setup(mode);
      const flat = await t.executor.executeSignal(signal({ action: 'close_short' }), t.context);
      expect(flat).toMatchObject({ success: true, code: 'NO_POSITION_TO_CLOSE' });
      const s = signal({ action: 'long' });
      await t.executor.executeSignal(s, t.context);
      const again = await t.executor.executeSignal(s, t.context);
      expect(again.order_details.results.entry?.reused).toBe(true);
      expect(again.order_details.results.stop_loss?.reused).toBe(true);
      const history = t.paper.orderHistory('SOLUSDT');
      expect(history.filter((o) => o.type === 'market')).toHaveLength(1);
      expect(history.filter((o) => o.type === 'stop_market')).toHaveLength(1);
    });

    it('SL rejected twice then placed; rejected always → flattened', async () => {
      const t = await setup(mode);
      t.rejectNextConditionals(2);
      const retried = await t.executor.executeSignal(signal({ action: 'long' }), t.context);
      expect(retried.success).toBe(true);
      expect(retried.order_details.results.stop_loss?.attempts).toBe(3);
      await t.executor.executeSignal(signal({ action: 'close_long' }), t.context);

      t.rejectNextConditionals(3);
      const failed = await t.executor.executeSignal(signal({ action: 'long' }), t.context);
      expect(failed).toMatchObject({ success: false, code: 'PROTECTION_FAILED' });
      expect(failed.order_details.results.flattened).toBeDefined();
      expect(await t.paper.positions('SOLUSDT')).toEqual([]);
    });
  });

  it('speaks the venue dialect: positionSide on opens and closes, reduce-only only in one-way', async () => {
    for (const mode of ['one_way', 'hedge'] as const) {
      const t = await setup(mode);
      await t.executor.executeSignal(signal({ action: 'long' }), t.context);
      await t.executor.executeSignal(signal({ action: 'close_long' }), t.context);
      if (t.wire === undefined) {
        // The in-process venue speaks the Exchange interface itself: the leg ('net' in one-way) on
        // every order, the close reduce-only, the stop closing the whole position (qty "0").
        const leg = mode === 'hedge' ? 'long' : 'net';
        const history = t.paper.orderHistory('SOLUSDT');
        expect(
          history.filter((o) => o.type === 'market').map((o) => [o.side, o.positionSide, o.reduceOnly]),
        ).toEqual([
          ['buy', leg, false],
          ['sell', leg, true],
        ]);
        expect(
          history
            .filter((o) => o.isAlgo)
            .map((o) => [o.type, o.side, o.positionSide, o.reduceOnly, o.qty, o.status]),
        ).toEqual([['stop_market', 'sell', leg, true, '0', 'canceled']]);
        // The stop was canceled before the close was sent.
        const methods = t.calls!.map((c) => c.method);
        const cancel = methods.indexOf('cancelOrder');
        expect(cancel).toBeGreaterThan(-1);
        expect(cancel).toBeLessThan(methods.lastIndexOf('closePosition'));
        continue;
      }
      if (venueName === 'bybit simulator') {
        // Bybit: one order path; positionIdx 0 / 1; reduceOnly on the closes (one-way and hedge alike);
        // the stop a conditional reduce-only market order with closeOnTrigger.
        const created = t
          .wire()
          .filter((r) => r.method === 'POST' && r.path === '/v5/order/create')
          .map((r) => JSON.parse(r.body) as Record<string, unknown>);
        const idx = mode === 'hedge' ? 1 : 0;
        expect(
          created
            .filter((b) => b.triggerPrice === undefined)
            .map((b) => [b.side, b.positionIdx, b.reduceOnly]),
        ).toEqual([
          ['Buy', idx, undefined],
          ['Sell', idx, true],
        ]);
        expect(
          created
            .filter((b) => b.triggerPrice !== undefined)
            .map((b) => [b.side, b.positionIdx, b.triggerDirection, b.reduceOnly, b.closeOnTrigger]),
        ).toEqual([['Sell', idx, 2, true, true]]);
        const paths = t.wire().map((r) => `${r.method} ${r.path}`);
        const cancel = paths.indexOf('POST /v5/order/cancel');
        expect(cancel).toBeGreaterThan(-1);
        expect(cancel).toBeLessThan(paths.lastIndexOf('POST /v5/order/create'));
        continue;
      }
      const params = (r: SimRequestLog) => new URLSearchParams(r.body !== '' ? r.body : r.query);
      const orders = t
        .wire()
        .filter((r) => r.method === 'POST' && r.path === '/fapi/v1/order')
        .map(params);
      const algos = t
        .wire()
        .filter((r) => r.method === 'POST' && r.path === '/fapi/v1/algoOrder')
        .map(params);
      expect(orders.map((p) => [p.get('side'), p.get('positionSide'), p.get('reduceOnly')])).toEqual(
        mode === 'hedge'
          ? [
              ['BUY', 'LONG', null],
              ['SELL', 'LONG', null],
            ]
          : [
              ['BUY', 'BOTH', null],
              ['SELL', 'BOTH', 'true'],
            ],
      );
      expect(
        algos.map((p) => [p.get('type'), p.get('side'), p.get('positionSide'), p.get('closePosition')]),
      ).toEqual([['STOP_MARKET', 'SELL', mode === 'hedge' ? 'LONG' : 'BOTH', 'true']]);
      // The stop was canceled before the close was sent (a resting TP/SL can block a close: -4118).
      const paths = t.wire().map((r) => `${r.method} ${r.path}`);
      const cancel = paths.findIndex((p) => p.startsWith('DELETE /fapi/v1/algoOrder'));
      const close = paths.lastIndexOf('POST /fapi/v1/order');
      expect(cancel).toBeGreaterThan(-1);
      expect(cancel).toBeLessThan(close);
    }
  });
});
