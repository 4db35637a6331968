import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PaperExchange, type Exchange, type PositionMode } from '@tradingbot/exchange';
import { OrderExecutor, WarmAccountState, type ExecutionResult, type Signal } from '../src/index.ts';
import { CANDLES, HOUR, T0, harness, instrument, signal, type CallLog } from './helpers.ts';

/**
 * The warm path (account state from memory, kept true by the paper venue's own streams) against
 * the cold path (everything read over the venue's REST calls, as before): for the same account
 * state and the same signals they must send the same orders. Two identical paper venues, one per
 * path; the paper venue's streams are the real in-process `AccountStream` / `MarketStream`.
 */

const SYMBOL = 'SOLUSDT';
const fast = { protectionBackoffMs: 1, fillPollIntervalMs: 1, sleep: async () => {} };
/** Calls that change something on the venue; everything else is a read. */
const WRITES = new Set([
  'placeOrder',
  'placeConditional',
  'placeProtection',
  'closePosition',
  'cancelOrder',
  'cancelAllOrders',
  'setLeverage',
]);

function venue(mode: PositionMode, usdt: string, price: string): PaperExchange {
  const paper = new PaperExchange({
    positionMode: mode,
    balances: { USDT: usdt },
    makerFeeRate: 0,
    takerFeeRate: 0,
  });
  CANDLES.forEach((c, i) =>
    paper.applyCandle(SYMBOL, { openTime: T0 + i * HOUR, closeTime: T0 + (i + 1) * HOUR, ...c }),
  );
  paper.setPrice(SYMBOL, price, T0 + 5 * HOUR + 60_000);
  return paper;
}

/**
 * A warm state fed by the venue's streams, as the server's WarmStates does: the mirror's REST
 * snapshot, what earlier executions learned (instrument, mode, klines), then only stream events.
 */
async function followed(paper: PaperExchange): Promise<WarmAccountState> {
  const warm = new WarmAccountState({ maxAgeMs: 60_000 });
  const stream = paper.accountStream();
  stream.onEvent((event) => warm.apply(event));
  stream.onStatus((status) => {
    if (status.state !== 'up') warm.streamDown();
  });
  await stream.start();
  const market = paper.marketStream();
  market.onEvent((event) => warm.applyMarket(event));
  await market.start();
  await market.subscribe({ kind: 'mark', venueSymbol: SYMBOL });
  await market.subscribe({ kind: 'kline', venueSymbol: SYMBOL, timeframe: '1h' });
  warm.synced(
    {
      positions: await paper.positions(),
      openOrders: await paper.openOrders(),
      balances: [await paper.balance('USDT')],
    },
    paper.now(),
  );
  warm.learnInstrument(await paper.instrument(SYMBOL));
  warm.learnPositionMode(await paper.positionMode(), paper.now());
  warm.learnKlines(SYMBOL, '1h', await paper.klines({ venueSymbol: SYMBOL, timeframe: '1h', limit: 300 }));
  warm.applyMarket({
    kind: 'mark',
    venueSymbol: SYMBOL,
    price: (await paper.ticker(SYMBOL)).price,
    time: paper.now(),
  });
  return warm;
}

/** The server reads the available balance again after a change the stream reported (WarmStates does it in the background). */
async function refreshBalance(warm: WarmAccountState, paper: PaperExchange): Promise<void> {
  if (warm.balanceWanted) warm.learnBalance(await paper.balance('USDT'), warm.balanceGeneration);
}

/** The writes of a call log, without the venue's own order ids, in a stable order. */
function writes(calls: CallLog, from = 0): string[] {
  return calls
    .slice(from)
    .filter((c) => WRITES.has(c.method))
    .map((c) =>
      JSON.stringify([
        c.method,
        c.args.map((a) =>
          a !== null && typeof a === 'object'
            ? { ...(a as Record<string, unknown>), venueOrderId: undefined }
            : a,
        ),
      ]),
    )
    .sort();
}

function summary(result: ExecutionResult) {
  const r = result.order_details.results;
  return {
    success: result.success,
    code: result.code,
    qty: r.sizing?.qty,
    entry: r.entry && { side: r.entry.side, qty: r.entry.qty, avg: r.entry.avg_price },
    sl: r.stop_loss?.trigger_price,
    tp: r.take_profit?.trigger_price,
    closed: r.closed?.map((c) => c.qty),
  };
}

async function venueState(exchange: Exchange) {
  const positions = (await exchange.positions(SYMBOL)).map((p) => ({
    side: p.side,
    qty: p.qty,
    entry: p.entryPrice,
  }));
  const open = (await exchange.openOrders(SYMBOL))
    .map((o) => `${o.clientOrderId} ${o.side} ${o.type} ${o.triggerPrice ?? ''} ${o.status}`)
    .sort();
  const balance = await exchange.balance('USDT');
  return { positions, open, available: balance.available };
}

const payloadArb = fc.record({
  action: fc.constantFrom('long', 'short', 'close_long', 'close_short', 'close_all'),
  leverage: fc.integer({ min: 1, max: 10 }),
  size_pct: fc.integer({ min: 5, max: 60 }),
  protection: fc.constantFrom<Record<string, number>>(
    {},
    { sl_atr: 1.5 },
    { sl_atr: 2, tp_atr: 3 },
    { sl_pct: 2, tp_pct: 4 },
    { sl_atr: 0 },
  ),
});

const caseArb = fc.record({
  mode: fc.constantFrom<PositionMode>('one_way', 'hedge'),
  usdt: fc.integer({ min: 300, max: 20_000 }).map(String),
  price: fc.integer({ min: 9_000, max: 10_500 }).map((p) => (p / 100).toFixed(2)),
  moves: fc.array(
    fc.integer({ min: 9_000, max: 10_500 }).map((p) => (p / 100).toFixed(2)),
    { minLength: 3, maxLength: 3 },
  ),
  signals: fc.array(payloadArb, { minLength: 3, maxLength: 3 }),
});

describe('warm path = REST path (property over random account states)', () => {
  it('the same signals on the same account state send the same orders and leave the same venue', async () => {
    const paths = { warm: 0, cold: 0 };
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const coldPaper = venue(c.mode, c.usdt, c.price);
        const warmPaper = venue(c.mode, c.usdt, c.price);
        const cold = instrument(coldPaper);
        const hot = instrument(warmPaper);
        const warm = await followed(warmPaper);
        const coldH = harness(cold.exchange, { tpAtr: 0 }, { now: () => coldPaper.now() });
        const warmH = harness(hot.exchange, { tpAtr: 0 }, { now: () => warmPaper.now() });
        warmH.context.warmState = warm;
        const coldExecutor = new OrderExecutor(fast);
        const warmExecutor = new OrderExecutor(fast);

        for (const [i, payload] of c.signals.entries()) {
          const { protection, ...rest } = payload;
          const s: Signal = signal({ ...rest, ...protection }, warmPaper.now());
          const coldFrom = cold.calls.length;
          const warmFrom = hot.calls.length;
          const a = await coldExecutor.executeSignal(s, coldH.context);
          const b = await warmExecutor.executeSignal(s, warmH.context);
          expect(summary(b)).toEqual(summary(a));
          expect(writes(hot.calls, warmFrom)).toEqual(writes(cold.calls, coldFrom));
          // Warm: nothing is read from the venue before the first order goes out.
          const sent = b.order_details.results.state;
          if (sent !== undefined) paths[sent.path]++;
          if (sent !== undefined) {
            expect(sent).toMatchObject({ path: 'warm', rest_reads: [] });
            const firstWrite = hot.calls.findIndex((call, k) => k >= warmFrom && WRITES.has(call.method));
            expect(firstWrite).toBe(warmFrom);
          }
          // The market moves the same way on both venues (stops may trigger, on both).
          const move = c.moves[i] as string;
          coldPaper.setPrice(SYMBOL, move, T0 + 5 * HOUR + 120_000 + i * 60_000);
          warmPaper.setPrice(SYMBOL, move, T0 + 5 * HOUR + 120_000 + i * 60_000);
          await refreshBalance(warm, warmPaper);
        }
        expect(await venueState(hot.exchange)).toEqual(await venueState(cold.exchange));
      }),
      { numRuns: 40 },
    );
    // The property is about something: most signals that sent orders took the warm path.
    expect(paths.warm).toBeGreaterThan(40);
  }, 120_000);
});

describe('a stale or dropped stream falls back to REST without doubling', () => {
  async function setup(mode: PositionMode = 'one_way') {
    const paper = venue(mode, '5000', '98.00');
    const twin = venue(mode, '5000', '98.00');
    const { exchange, calls } = instrument(paper, {});
    const warm = await followed(paper);
    const h = harness(exchange, { tpAtr: 0 }, { now: () => paper.now() });
    h.context.warmState = warm;
    return { paper, twin, exchange, calls, warm, h };
  }

  it('stream down → every read from REST, the path and its reason in the result and the audit trail', async () => {
    const { calls, warm, h } = await setup();
    warm.streamDown();
    const result = await new OrderExecutor(fast).executeSignal(
      signal({ action: 'long', sl_atr: 2 }),
      h.context,
    );
    expect(result.success).toBe(true);
    expect(result.order_details.results.state).toEqual({
      path: 'cold',
      rest_reads: [
        'instrument',
        'position_mode',
        'order_lookup',
        'positions',
        'klines',
        'open_orders',
        'balance',
        'ticker',
      ],
      reasons: ['stream_down'],
    });
    expect(calls[0]?.method).toBe('instrument');
    const audited = h.audits.find((a) => a.type === 'state_path');
    expect(audited?.data).toMatchObject({ path: 'cold', reasons: ['stream_down'] });
  });

  it('a mark price older than the configured age is read from the venue, the rest from memory', async () => {
    const { paper, calls, warm, h } = await setup();
    // Leverage already set: the only venue request before the entry is the ticker.
    await h.context.leverageCache.set('acc-1', SYMBOL, 'cross', 5);
    const stale = new WarmAccountState({ maxAgeMs: 1_000 });
    stale.applyMarket({ kind: 'mark', venueSymbol: SYMBOL, price: '98', time: paper.now() - 5_000 });
    // Everything from the followed state, but the mark price 5 s old for a 1 s limit.
    h.context.warmState = new Proxy(warm, {
      get: (target, prop) => {
        if (prop === 'markPrice') return (s: string, now: number) => stale.markPrice(s, now);
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const result = await new OrderExecutor(fast).executeSignal(
      signal({ action: 'long', sl_atr: 2 }),
      h.context,
    );
    expect(result.order_details.results.state).toEqual({
      path: 'cold',
      rest_reads: ['ticker'],
      reasons: ['mark_price'],
    });
    expect(calls.map((c) => c.method).slice(0, 2)).toEqual(['ticker', 'placeOrder']);
  });

  it('warm, fresh leverage: the entry is the first venue request, SL and TP go out together on the fill', async () => {
    const { calls, h } = await setup();
    await h.context.leverageCache.set('acc-1', SYMBOL, 'cross', 5);
    const result = await new OrderExecutor(fast).executeSignal(
      signal({ action: 'long', sl_atr: 2, tp_atr: 3 }),
      h.context,
    );
    expect(result.success).toBe(true);
    expect(result.order_details.results.state).toEqual({ path: 'warm', rest_reads: [] });
    // No look-up, no position read, no poll: entry, then the two protective orders.
    expect(calls.map((c) => c.method)).toEqual(['placeOrder', 'placeConditional', 'placeConditional']);
  });

  it('a stream that says nothing after the entry: the fill is looked up after the wait, protection placed once', async () => {
    const paper = venue('one_way', '5000', '98.00');
    const { exchange, calls } = instrument(paper);
    // Synced once, then deaf: no event ever reaches it (a stream silently stalled).
    const warm = new WarmAccountState({ maxAgeMs: 60_000 });
    warm.synced({ positions: [], openOrders: [], balances: [await paper.balance('USDT')] }, paper.now());
    warm.learnInstrument(await paper.instrument(SYMBOL));
    warm.learnPositionMode('one_way', paper.now());
    warm.learnKlines(SYMBOL, '1h', await paper.klines({ venueSymbol: SYMBOL, timeframe: '1h', limit: 300 }));
    warm.applyMarket({ kind: 'mark', venueSymbol: SYMBOL, price: '98', time: paper.now() });
    // The venue answers the entry as accepted, not yet filled (Binance's usual answer).
    const accepted: Exchange = new Proxy(exchange, {
      get: (target, prop) =>
        prop === 'placeOrder'
          ? async (request: Parameters<Exchange['placeOrder']>[0]) => ({
              ...(await target.placeOrder(request)),
              status: 'new' as const,
              filledQty: '0',
              avgPrice: undefined,
            })
          : (Reflect.get(target, prop, target) as unknown),
    });
    const h = harness(accepted, { tpAtr: 0 }, { now: () => paper.now() });
    h.context.warmState = warm;
    await h.context.leverageCache.set('acc-1', SYMBOL, 'cross', 5);
    const s = signal({ action: 'long', sl_atr: 2 });
    const result = await new OrderExecutor({ ...fast, fillWaitMs: 20 }).executeSignal(s, h.context);
    expect(result.success).toBe(true);
    expect(result.order_details.results.stop_loss?.trigger_price).toBe('77.4');
    const methods = calls.map((c) => c.method);
    expect(methods.filter((m) => m === 'placeOrder')).toHaveLength(1);
    expect(methods.filter((m) => m === 'placeConditional')).toHaveLength(1);
    expect(methods).toContain('orderByIdempotencyKey');
    expect((await paper.openOrders(SYMBOL)).filter((o) => o.type === 'stop_market')).toHaveLength(1);
  });

  it('a burst with the stream dropped mid-signal and every alert delivered twice: each order once, the same venue as the REST path', async () => {
    const { paper, twin, exchange, warm, h } = await setup('hedge');
    // The burst's stream: dropped while protective orders go out, re-synced before the next signal.
    let drop = false;
    const dropIt = () => {
      if (drop) warm.streamDown();
      return undefined; // the call itself goes through
    };
    const dropping = instrument(exchange, {
      placeOrder: Array.from({ length: 40 }, () => dropIt),
      closePosition: Array.from({ length: 40 }, () => dropIt),
      placeConditional: Array.from({ length: 40 }, () => dropIt),
    });
    h.context.exchange = dropping.exchange;
    const coldH = harness(twin, { tpAtr: 0 }, { now: () => twin.now() });
    const warmExecutor = new OrderExecutor(fast);
    const coldExecutor = new OrderExecutor(fast);
    const actions = ['long', 'short', 'close_long', 'long', 'close_all', 'short', 'long', 'close_short'];
    for (const [i, action] of actions.entries()) {
      const s = signal({ action, sl_atr: 1.5, tp_atr: 2, size_pct: 20 }, paper.now());
      drop = i % 3 === 1;
      const start = dropping.calls.length;
      const first = await warmExecutor.executeSignal(s, h.context);
      if (drop && writes(dropping.calls, start).length > 0) expect(warm.staleReason()).toBe('stream_down');
      // The same alert again, as a re-run after a timeout: every order looked up, none sent twice.
      const before = dropping.calls.length;
      await warmExecutor.executeSignal(s, { ...h.context, resumed: true });
      expect(writes(dropping.calls, before)).toEqual([]);
      const cold = await coldExecutor.executeSignal(s, coldH.context);
      expect(summary(first)).toEqual(summary(cold));
      // The mirror re-syncs on reconnect before the stream is trusted again.
      warm.synced(
        {
          positions: await paper.positions(),
          openOrders: await paper.openOrders(),
          balances: [await paper.balance('USDT')],
        },
        paper.now(),
      );
      await refreshBalance(warm, paper);
    }
    // Each order key sent at most once, and the venue as the REST path left its twin.
    const keys = dropping.calls
      .filter((c) => c.method === 'placeOrder' || c.method === 'placeConditional')
      .map((c) => (c.args[0] as { idempotencyKey: string }).idempotencyKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBeGreaterThan(8);
    expect(await venueState(exchange)).toEqual(await venueState(twin));
  });
});
