import { afterEach, describe, expect, it } from 'vitest';
import { OkxSwapClient, clientOrderId, type Exchange, type PositionMode } from '@tradingbot/exchange';
import { startOkxSimulator, type OkxSimulator } from '@tradingbot/exchange/sim';
import { OrderExecutor } from '../src/index.ts';
import { CANDLES, HOUR, T0, harness, signal } from './helpers.ts';

/**
 * Issue 17.2 on OKX: a market entry carries its stop-loss and take-profit (`attachAlgoOrds`), so
 * entry and protection are one request; after the fill the executor confirms the algo order OKX
 * created from them, places separately only what OKX did not create, and a resumed signal finds the
 * attached orders by their id instead of placing a second stop. The real OkxSwapClient against the
 * OKX wire simulator; the requests are read from the simulator's log.
 *
 * Hand computations (helpers.ts candles): ATR(3) = 278/27 ≈ 10.2963; SOL-USDT-SWAP tick 0.01,
 * step 0.01 (ctVal 1); price 98; balance 1000 USDT; leverage 5.
 *   size 1000 × 10 % × 5 / 98 = 5.102… → 5.10
 *   SL 98 − 2 × 278/27 = 77.4074… → 77.40 (down), TP 98 + 3 × 278/27 = 128.8888… → 128.89 (up)
 */

const KEY = 'attachKey0123456789';
const SECRET = 'attachSecret0123456789';
const PASSPHRASE = 'Attach-pass1';
const SYMBOL = 'SOL-USDT-SWAP';
const ORDER = '/api/v5/trade/order';
const ALGO = '/api/v5/trade/order-algo';

const fast = { protectionBackoffMs: 1, fillPollIntervalMs: 1, sleep: async () => {} };
const num = (v: string | undefined) => (v === undefined ? NaN : Number(v));

/** A clock one minute into the 6th (forming) hour, running in real time: the 5 candles are closed. */
function clock(): () => number {
  const start = Date.now();
  return () => T0 + 5 * HOUR + 60_000 + (Date.now() - start);
}

type Setup = {
  sim: OkxSimulator;
  client: OkxSwapClient;
  executor: OrderExecutor;
  context: ReturnType<typeof harness>['context'];
  records: ReturnType<typeof harness>['records'];
  audits: ReturnType<typeof harness>['audits'];
  /** POSTs to `path` that reached the simulator, with their parsed bodies. */
  posts(path: string): Record<string, unknown>[];
};

const open: OkxSimulator[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function setup(mode: PositionMode, settings: { tpAtr?: number; slAtr?: number } = {}): Promise<Setup> {
  const now = clock();
  const sim = await startOkxSimulator({
    apiKey: KEY,
    apiSecret: SECRET,
    passphrase: PASSPHRASE,
    hedge: mode === 'hedge',
    balance: 1000,
    prices: { [SYMBOL]: '98' },
    candles: { [SYMBOL]: CANDLES.map((c, i) => ({ time: T0 + i * HOUR, ...c, volume: 100 })) },
    now,
  });
  open.push(sim);
  const client = new OkxSwapClient({
    apiKey: KEY,
    apiSecret: SECRET,
    passphrase: PASSPHRASE,
    baseUrl: sim.url,
    timeoutMs: 3000,
    baseDelayMs: 10,
    maxDelayMs: 50,
  });
  const h = harness(client, { tpAtr: 3, ...settings }, { accountExchange: 'okx', now });
  return {
    sim,
    client,
    executor: new OrderExecutor(fast),
    ...h,
    posts: (path) =>
      sim.requests
        .filter((r) => r.method === 'POST' && r.path === path)
        .map((r) => JSON.parse(r.body) as Record<string, unknown>),
  };
}

const okxSignal = (action: string, id?: string) =>
  signal({ action, exchange: 'okx', symbol: SYMBOL, ...(id !== undefined ? { id } : {}) });

/** The attachAlgoOrds entry of a POST /trade/order body. */
const attachOf = (body: Record<string, unknown> | undefined) =>
  (body?.attachAlgoOrds as Record<string, string>[] | undefined)?.[0];

describe.each<PositionMode>(['one_way', 'hedge'])(
  'OKX market entry with attached protection (%s)',
  (mode) => {
    const side = (leg: 'long' | 'short') => (mode === 'hedge' ? leg : 'net');

    it('LONG: one order request carries SL and TP; no separate algo request; OKX holds them; the stop fires later', async () => {
      const t = await setup(mode);
      const s = okxSignal('long');
      const result = await t.executor.executeSignal(s, t.context);
      expect(result).toMatchObject({ success: true, message: 'LONG order executed on okx' });

      const orders = t.posts(ORDER);
      expect(orders).toHaveLength(1);
      expect(orders[0]).toMatchObject({ side: 'buy', ordType: 'market', sz: '5.1' });
      expect(attachOf(orders[0])).toEqual({
        attachAlgoClOrdId: clientOrderId(`${s.idempotencyKey}:entry`, 'okx', 'p'),
        slTriggerPx: '77.4',
        slOrdPx: '-1',
        slTriggerPxType: 'mark',
        tpTriggerPx: '128.89',
        tpOrdPx: '-1',
        tpTriggerPxType: 'mark',
      });
      expect(t.posts(ALGO)).toEqual([]);

      const r = result.order_details.results;
      expect(r.stop_loss).toMatchObject({ attached: true, reference_price: '98', attempts: 1 });
      expect(num(r.stop_loss?.trigger_price)).toBe(77.4);
      expect(r.take_profit).toMatchObject({ attached: true, reference_price: '98' });
      expect(num(r.take_profit?.trigger_price)).toBe(128.89);
      expect(r.stop_loss?.basis).toMatchObject({ kind: 'atr', multiplier: 2, source: 'default' });
      expect(t.records.map((x) => [x.role, x.status])).toEqual([
        ['entry', 'placed'],
        ['sl', 'placed'],
        ['tp', 'placed'],
      ]);
      expect(t.audits.filter((a) => a.type === 'protection_attached').map((a) => a.level)).toEqual([
        'info',
        'info',
      ]);

      // What rests on the venue: one oco algo order of the two legs, closing the long.
      const resting = await t.client.openOrders(SYMBOL);
      expect(resting.map((o) => [o.type, o.side, o.positionSide, num(o.triggerPrice)]).sort()).toEqual(
        [
          ['stop_market', 'sell', side('long'), 77.4],
          ['take_profit_market', 'sell', side('long'), 128.89],
        ].sort(),
      );
      expect((await t.client.positions(SYMBOL)).map((p) => [p.side, p.qty])).toEqual([[side('long'), '5.1']]);

      // The price falls through the stop: OKX's attached stop closes the position.
      t.sim.venue.setPrice(SYMBOL, '77');
      expect(await t.client.positions(SYMBOL)).toEqual([]);
      const stop = t.sim.venue.orderHistory(SYMBOL).find((o) => o.type === 'stop_market');
      expect(stop).toMatchObject({ status: 'filled', side: 'sell' });
      expect(await t.client.openOrders(SYMBOL)).toEqual([]);
    });

    it('CLOSE_LONG cancels the attached oco with ONE request (its two legs are one algo order), then closes', async () => {
      const t = await setup(mode);
      expect((await t.executor.executeSignal(okxSignal('long'), t.context)).success).toBe(true);
      const from = t.sim.requests.length;
      const close = await t.executor.executeSignal(okxSignal('close_long'), t.context);
      expect(close).toMatchObject({ success: true, message: 'CLOSE_LONG order executed on okx' });
      const cancels = t.sim.requests
        .slice(from)
        .filter((r) => r.method === 'POST' && r.path === '/api/v5/trade/cancel-algos');
      expect(cancels).toHaveLength(1);
      expect(close.order_details.results.canceled?.map((c) => c.type).sort()).toEqual([
        'stop_market',
        'take_profit_market',
      ]);
      expect(await t.client.positions(SYMBOL)).toEqual([]);
      expect(await t.client.openOrders(SYMBOL)).toEqual([]);
    });

    it('cancel_orders cancels the attached oco with one request too; the position stays', async () => {
      const t = await setup(mode);
      expect((await t.executor.executeSignal(okxSignal('long'), t.context)).success).toBe(true);
      const from = t.sim.requests.length;
      const result = await t.executor.executeSignal(okxSignal('cancel_orders'), t.context);
      expect(result.success).toBe(true);
      expect(result.order_details.results.canceled).toHaveLength(2);
      expect(
        t.sim.requests
          .slice(from)
          .filter((r) => r.method === 'POST' && r.path === '/api/v5/trade/cancel-algos'),
      ).toHaveLength(1);
      expect(await t.client.openOrders(SYMBOL)).toEqual([]);
      expect((await t.client.positions(SYMBOL)).map((p) => p.qty)).toEqual(['5.1']);
    });

    it('SHORT with a stop-loss only attaches the stop (a conditional)', async () => {
      const t = await setup(mode, { tpAtr: 0 });
      const result = await t.executor.executeSignal(okxSignal('short'), t.context);
      expect(result.success).toBe(true);
      // SL 98 + 2 × 278/27 = 118.5925… → 118.60 (up)
      const attach = attachOf(t.posts(ORDER)[0]);
      expect(attach?.slTriggerPx).toBe('118.6');
      expect(attach?.tpTriggerPx).toBeUndefined();
      expect(t.posts(ALGO)).toEqual([]);
      expect(result.order_details.results.take_profit).toBeUndefined();
      expect(result.order_details.results.stop_loss).toMatchObject({ attached: true, side: 'buy' });
      const resting = await t.client.openOrders(SYMBOL);
      expect(resting.map((o) => [o.type, o.side, num(o.triggerPrice)])).toEqual([
        ['stop_market', 'buy', 118.6],
      ]);
    });
  },
);

describe('OKX attached protection with a trailing stop', () => {
  it('SL and TP ride on the entry; the trailing stop (never attached) still goes out after the fill', async () => {
    const t = await setup('one_way');
    const s = signal({ action: 'long', exchange: 'okx', symbol: SYMBOL, trail_pct: 1.5 });
    const result = await t.executor.executeSignal(s, t.context);
    expect(result).toMatchObject({ success: true });
    expect(attachOf(t.posts(ORDER)[0])).toMatchObject({ slTriggerPx: '77.4', tpTriggerPx: '128.89' });
    const algos = t.posts(ALGO);
    expect(algos).toHaveLength(1);
    expect(algos[0]).toMatchObject({ ordType: 'move_order_stop', callbackRatio: '0.015', side: 'sell' });
    expect(result.order_details.results.trailing_stop).toMatchObject({ callback_rate_pct: '1.5' });
    expect(t.records.map((x) => x.role)).toEqual(['entry', 'sl', 'tp', 'trail']);
  });
});

describe('OKX attached protection: fallback and exactly-once', () => {
  it('OKX did not create the attached stop (the fill crossed it): the stop is placed separately, from the fill price', async () => {
    const t = await setup('one_way');
    // The entry is held 1 s on its way in; meanwhile the price gaps to 70, through the stop of 77.40
    // measured from 98: the market order fills at 70 and the attached stop cannot be created.
    t.sim.faults.add({ kind: 'latency', method: 'POST', path: ORDER, ms: 1000 });
    const running = t.executor.executeSignal(okxSignal('long'), t.context);
    while (t.posts(ORDER).length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    t.sim.venue.setPrice(SYMBOL, '70');
    const result = await running;
    expect(result).toMatchObject({ success: true });

    expect(t.posts(ORDER)).toHaveLength(1);
    expect(attachOf(t.posts(ORDER)[0])).toMatchObject({ slTriggerPx: '77.4', tpTriggerPx: '128.89' });
    const r = result.order_details.results;
    expect(num(r.entry?.avg_price)).toBe(70);
    // The take-profit was created by OKX; the stop is placed the normal way from the fill:
    // 70 − 2 × 278/27 = 49.4074… → 49.40 (down).
    expect(r.take_profit).toMatchObject({ attached: true });
    expect(num(r.take_profit?.trigger_price)).toBe(128.89);
    expect(r.stop_loss?.attached).toBeUndefined();
    expect(r.stop_loss).toMatchObject({ reference_price: '70' });
    expect(num(r.stop_loss?.trigger_price)).toBe(49.4);
    const algos = t.posts(ALGO);
    expect(algos).toHaveLength(1);
    expect(algos[0]).toMatchObject({ ordType: 'conditional', side: 'sell', slTriggerPx: '49.4' });
    expect(t.audits.find((a) => a.type === 'protection_attached' && a.level === 'warn')?.message).toContain(
      'did not create the attached stop_loss',
    );

    const resting = await t.client.openOrders(SYMBOL);
    expect(resting.map((o) => [o.type, num(o.triggerPrice)]).sort()).toEqual(
      [
        ['stop_market', 49.4],
        ['take_profit_market', 128.89],
      ].sort(),
    );
  });

  it('a signal resumed after a crash between the fill and the check finds the attached orders: no second stop', async () => {
    const t = await setup('one_way');
    const s = okxSignal('long', 'crash-1');
    // The first run "dies" while it looks for the attached orders: that call never returns.
    const dying = new Proxy(t.client, {
      get(target, prop, receiver) {
        if (prop === 'attachedProtection') return () => new Promise(() => {});
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Exchange;
    void t.executor.executeSignal(s, { ...t.context, exchange: dying });
    while (t.posts(ORDER).length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    while (!t.sim.requests.some((r) => r.method === 'GET' && r.path === ORDER))
      await new Promise((resolve) => setTimeout(resolve, 2));

    const resumed = await t.executor.executeSignal(s, { ...t.context, resumed: true });
    expect(resumed).toMatchObject({ success: true });
    const r = resumed.order_details.results;
    expect(r.entry?.reused).toBe(true);
    expect(r.stop_loss).toMatchObject({ attached: true, reused: true });
    expect(r.stop_loss?.reference_price).toBeUndefined();
    expect(num(r.stop_loss?.trigger_price)).toBe(77.4);
    expect(r.take_profit).toMatchObject({ attached: true, reused: true });
    expect(t.posts(ORDER)).toHaveLength(1);
    expect(t.posts(ALGO)).toEqual([]);
    expect((await t.client.openOrders(SYMBOL)).map((o) => o.type).sort()).toEqual([
      'stop_market',
      'take_profit_market',
    ]);
    expect(t.records.filter((x) => x.role === 'sl').map((x) => x.status)).toEqual(['existing']);
  });

  it('a limit entry that filled before a resume: its attached protection is found, not placed twice', async () => {
    const t = await setup('one_way');
    // A buy limit above the market fills at once; its protection is measured from the limit price.
    const s = signal({ action: 'long', exchange: 'okx', symbol: SYMBOL, order_type: 'limit', price: '100' });
    const first = await t.executor.executeSignal(s, t.context);
    expect(first.success).toBe(true);
    // 100 − 2 × 278/27 = 79.4074… → 79.40
    expect(attachOf(t.posts(ORDER)[0])).toMatchObject({ slTriggerPx: '79.4' });
    const again = await t.executor.executeSignal(s, { ...t.context, resumed: true });
    expect(again.order_details.results.stop_loss).toMatchObject({ attached: true, reused: true });
    expect(t.posts(ALGO)).toEqual([]);
    expect(t.posts(ORDER)).toHaveLength(1);
  });
});
