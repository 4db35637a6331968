import { describe, expect, it } from 'vitest';
import { PaperExchange, type PaperExchangeOptions } from '../src/paper/paper-exchange.ts';
import type { AccountEvent } from '../src/stream/types.ts';

/*
 * The paper venue's account events (PaperExchange.onAccountEvent): the exact sequence for each
 * thing the venue books. Every figure is worked out by hand in the comment beside it. Defaults:
 * taker 0.04 %, maker 0.02 %, maintenance margin rate 0.5 %, 10,000 USDT.
 */

const T0 = Date.UTC(2026, 0, 1, 8, 0, 0);

function setup(options: PaperExchangeOptions = {}) {
  let clock = T0;
  const p = new PaperExchange({ prices: { BTCUSDT: 50_000 }, now: () => clock, ...options });
  const events: AccountEvent[] = [];
  p.onAccountEvent((event) => events.push(event));
  return {
    p,
    events,
    /** The events since the last call (and forgets them). */
    take(): AccountEvent[] {
      return events.splice(0, events.length);
    },
    tick(ms: number) {
      clock += ms;
    },
  };
}

function kinds(events: AccountEvent[]): string[] {
  return events.map((e) => (e.kind === 'order' ? `order:${e.order.status}` : e.kind));
}

describe('paper account events', () => {
  it('a market entry: order new, fill, order filled, positions, balances', () => {
    const { p, take } = setup();
    p.setLeverageSync('BTCUSDT', 10);
    const order = p.submitOrder({ venueSymbol: 'BTCUSDT', side: 'buy', type: 'market', qty: '0.1' });
    const events = take();
    expect(kinds(events)).toEqual(['order:new', 'fill', 'order:filled', 'positions', 'balances']);
    expect(events[0]).toMatchObject({
      kind: 'order',
      time: T0,
      updateTime: T0,
      order: { venueOrderId: order.venueOrderId, status: 'new', filledQty: '0', qty: '0.1', isAlgo: false },
    });
    // fee 0.1 × 50000 × 0.0004 = 2; nothing realised on an opening fill
    expect(events[1]).toEqual({
      kind: 'fill',
      time: T0,
      fill: {
        venueTradeId: '1',
        venueOrderId: order.venueOrderId,
        clientOrderId: order.clientOrderId,
        venueSymbol: 'BTCUSDT',
        side: 'buy',
        positionSide: 'net',
        qty: '0.1',
        price: '50000',
        fee: '2',
        feeAsset: 'USDT',
        realizedPnl: '0',
        liquidity: 'taker',
        cause: 'order',
        time: T0,
      },
    });
    expect(events[2]).toMatchObject({
      kind: 'order',
      order: { status: 'filled', filledQty: '0.1', avgPrice: '50000' },
    });
    // cross: LP = (5000 − 9998) / (0.1 × 0.995) < 0, so no liquidation price
    expect(events[3]).toEqual({
      kind: 'positions',
      time: T0,
      reason: 'ORDER',
      positions: [
        {
          venueSymbol: 'BTCUSDT',
          side: 'net',
          qty: '0.1',
          entryPrice: '50000',
          markPrice: '50000',
          unrealizedPnl: '0',
          leverage: 10,
          marginMode: 'cross',
        },
      ],
    });
    // wallet 10000 − 2 = 9998; available 9998 − initial margin 0.1 × 50000 / 10 (500) = 9498
    expect(events[4]).toEqual({
      kind: 'balances',
      time: T0,
      reason: 'ORDER',
      balances: [{ asset: 'USDT', total: '9998', available: '9498', unrealizedPnl: '0' }],
    });
  });

  it('a triggered stop: fill with cause trigger / stop_loss, the position closed to qty 0', () => {
    const { p, take, tick } = setup();
    p.setLeverageSync('BTCUSDT', 10);
    p.submitOrder({ venueSymbol: 'BTCUSDT', side: 'buy', type: 'market', qty: '0.1' });
    const stop = p.submitOrder({
      venueSymbol: 'BTCUSDT',
      side: 'sell',
      type: 'stop_market',
      triggerPrice: '49000',
      closePosition: true,
    });
    const placed = take().at(-1);
    expect(placed).toMatchObject({
      kind: 'order',
      order: { venueOrderId: stop.venueOrderId, status: 'new', isAlgo: true, type: 'stop_market', qty: '0' },
    });

    tick(60_000);
    // a tick fills the stop at the new price, 48900
    p.setPrice('BTCUSDT', 48_900);
    const events = take();
    expect(kinds(events)).toEqual(['fill', 'order:filled', 'positions', 'balances']);
    // realised 0.1 × (48900 − 50000) = −110; fee 0.1 × 48900 × 0.0004 = 1.956
    expect(events[0]).toEqual({
      kind: 'fill',
      time: T0 + 60_000,
      fill: {
        venueTradeId: '2',
        venueOrderId: stop.venueOrderId,
        clientOrderId: stop.clientOrderId,
        venueSymbol: 'BTCUSDT',
        side: 'sell',
        positionSide: 'net',
        qty: '0.1',
        price: '48900',
        fee: '1.956',
        feeAsset: 'USDT',
        realizedPnl: '-110',
        liquidity: 'taker',
        cause: 'trigger',
        trigger: 'stop_loss',
        time: T0 + 60_000,
      },
    });
    expect(events[1]).toMatchObject({
      kind: 'order',
      updateTime: T0 + 60_000,
      order: { venueOrderId: stop.venueOrderId, status: 'filled', isAlgo: true, filledQty: '0.1' },
    });
    expect(events[2]).toEqual({
      kind: 'positions',
      time: T0 + 60_000,
      reason: 'ORDER',
      positions: [
        {
          venueSymbol: 'BTCUSDT',
          side: 'net',
          qty: '0',
          entryPrice: '0',
          markPrice: '48900',
          unrealizedPnl: '0',
          leverage: 10,
          marginMode: 'cross',
        },
      ],
    });
    // 9998 − 110 − 1.956 = 9886.044, all available when flat
    expect(events[3]).toMatchObject({
      kind: 'balances',
      balances: [{ asset: 'USDT', total: '9886.044', available: '9886.044', unrealizedPnl: '0' }],
    });
  });

  it('a take-profit attached to the entry: placed after the entry fill, fills as take_profit, cancels its stop', () => {
    const { p, take } = setup();
    p.setLeverageSync('BTCUSDT', 10);
    const entry = p.submitOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.1',
      clientOrderId: 'entry-1',
      attachedStopLoss: '48000',
      attachedTakeProfit: '52000',
    });
    const placed = take();
    expect(kinds(placed)).toEqual([
      'order:new',
      'fill',
      'order:filled',
      'positions',
      'balances',
      'order:new',
      'order:new',
    ]);
    const [stopLoss, takeProfit] = placed.slice(5).map((e) => (e.kind === 'order' ? e.order : undefined));
    expect(stopLoss).toMatchObject({ type: 'stop_market', clientOrderId: 'entry-1sl', isAlgo: true });
    expect(takeProfit).toMatchObject({
      type: 'take_profit_market',
      clientOrderId: 'entry-1tp',
      isAlgo: true,
    });
    expect((entry.raw as Record<string, unknown> | undefined)?.['protection']).toEqual([
      'entry-1sl',
      'entry-1tp',
    ]);

    // the candle walks to its low 49900 first (nearer the open), then up through 52000: the
    // take-profit fills at its level
    p.applyCandle('BTCUSDT', { openTime: T0, open: 50_000, high: 52_500, low: 49_900, close: 52_100 });
    const events = take();
    expect(kinds(events)).toEqual(['fill', 'order:filled', 'order:canceled', 'positions', 'balances']);
    // realised 0.1 × (52000 − 50000) = 200; fee 0.1 × 52000 × 0.0004 = 2.08
    expect(events[0]).toMatchObject({
      kind: 'fill',
      fill: {
        venueTradeId: '2',
        clientOrderId: 'entry-1tp',
        side: 'sell',
        qty: '0.1',
        price: '52000',
        fee: '2.08',
        realizedPnl: '200',
        cause: 'trigger',
        trigger: 'take_profit',
      },
    });
    expect(events[2]).toMatchObject({
      kind: 'order',
      order: { clientOrderId: 'entry-1sl', status: 'canceled' },
    });
    expect(events[3]).toMatchObject({ kind: 'positions', positions: [{ qty: '0' }] });
    // 9998 + 200 − 2.08 = 10195.92
    expect(events[4]).toMatchObject({ kind: 'balances', balances: [{ total: '10195.92' }] });
  });

  it('a liquidation: one fill with cause liquidation, the autoclose order filled, margin lost', () => {
    const { p, take } = setup();
    p.setMarginMode('BTCUSDT', 'isolated');
    p.setLeverageSync('BTCUSDT', 10);
    p.submitOrder({ venueSymbol: 'BTCUSDT', side: 'buy', type: 'market', qty: '0.1' });
    // M = 500; LP = (5000 − 500) / (0.1 × 0.995) = 45226.13…, first tick below: 45226.1
    expect(take()[3]).toMatchObject({ kind: 'positions', positions: [{ liquidationPrice: '45226.1' }] });

    p.setPrice('BTCUSDT', 45_200);
    const events = take();
    expect(kinds(events)).toEqual(['fill', 'order:filled', 'positions', 'balances']);
    // realised 0.1 × (45226.1 − 50000) = −477.39; the rest of the margin, 500 − 477.39 = 22.61, is the fee
    expect(events[0]).toMatchObject({
      kind: 'fill',
      fill: {
        venueTradeId: '2',
        clientOrderId: 'autoclose-2',
        side: 'sell',
        qty: '0.1',
        price: '45226.1',
        fee: '22.61',
        realizedPnl: '-477.39',
        cause: 'liquidation',
      },
    });
    expect(events[0]?.kind === 'fill' && 'trigger' in events[0].fill).toBe(false);
    expect(events[1]).toMatchObject({
      kind: 'order',
      order: { clientOrderId: 'autoclose-2', status: 'filled', reduceOnly: true, filledQty: '0.1' },
    });
    expect(events[2]).toMatchObject({
      kind: 'positions',
      positions: [{ qty: '0', marginMode: 'isolated', markPrice: '45200' }],
    });
    // wallet 9998 − 500 (the whole isolated margin) = 9498
    expect(events[3]).toMatchObject({
      kind: 'balances',
      balances: [{ asset: 'USDT', total: '9498', available: '9498', unrealizedPnl: '0' }],
    });
  });

  it('a cancel: one order event, canceled, at the cancel time; no account change', () => {
    const { p, take, tick } = setup();
    const limit = p.submitOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      qty: '0.1',
      price: '49000',
    });
    expect(kinds(take())).toEqual(['order:new']);
    tick(5_000);
    p.cancel('BTCUSDT', { venueOrderId: limit.venueOrderId });
    const events = take();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: 'order',
      time: T0 + 5_000,
      updateTime: T0 + 5_000,
      order: { venueOrderId: limit.venueOrderId, status: 'canceled', filledQty: '0', price: '49000' },
    });
  });

  it('an expired conditional is reported as expired', () => {
    const { p, take } = setup();
    p.submitOrder({ venueSymbol: 'BTCUSDT', side: 'buy', type: 'market', qty: '0.1' });
    p.submitOrder({
      venueSymbol: 'BTCUSDT',
      side: 'sell',
      type: 'stop_market',
      triggerPrice: '49000',
      qty: '0.1',
      reduceOnly: true,
    });
    p.submitOrder({ venueSymbol: 'BTCUSDT', side: 'sell', type: 'market', qty: '0.1', reduceOnly: true });
    take();
    p.setPrice('BTCUSDT', 48_000);
    expect(take()).toMatchObject([{ kind: 'order', order: { status: 'expired', isAlgo: true } }]);
  });

  it('funding: one event per position paid, signed as received (+) / paid (−), unique ids', async () => {
    const { p, take, tick } = setup({ positionMode: 'hedge' });
    p.submitOrder({ venueSymbol: 'BTCUSDT', side: 'buy', type: 'market', qty: '0.1', positionSide: 'long' });
    p.submitOrder({
      venueSymbol: 'BTCUSDT',
      side: 'sell',
      type: 'market',
      qty: '0.04',
      positionSide: 'short',
    });
    take();
    tick(1_000);
    // long pays 0.1 × 50000 × 0.0001 = 0.5; short receives 0.04 × 50000 × 0.0001 = 0.2
    expect(p.applyFunding('BTCUSDT', '0.0001')).toBe('-0.3');
    const events = take();
    const time = T0 + 1_000;
    expect(events).toEqual([
      {
        kind: 'funding',
        time,
        payment: { venueEntryId: '1', venueSymbol: 'BTCUSDT', amount: '-0.5', asset: 'USDT', time },
      },
      {
        kind: 'funding',
        time,
        payment: { venueEntryId: '2', venueSymbol: 'BTCUSDT', amount: '0.2', asset: 'USDT', time },
      },
      // fees 2 + 0.8 → 9997.2; funding −0.3 → 9996.9; 20× cross margin 250 + 100 → available 9646.9
      {
        kind: 'balances',
        time,
        reason: 'FUNDING_FEE',
        balances: [{ asset: 'USDT', total: '9996.9', available: '9646.9', unrealizedPnl: '0' }],
      },
    ]);
    tick(1_000);
    p.applyFunding('BTCUSDT', '-0.0002');
    expect(
      take().map((e) => (e.kind === 'funding' ? [e.payment.venueEntryId, e.payment.amount] : e.kind)),
    ).toEqual([['3', '1'], ['4', '-0.4'], 'balances']);
    expect((await p.fundingSince({ since: T0 + 2_000 })).map((f) => f.amount)).toEqual(['1', '-0.4']);
    expect(await p.fundingSince({ since: 0, limit: 1 })).toHaveLength(1);
    // a zero rate pays nothing: no ledger entry, no event
    p.applyFunding('BTCUSDT', '0');
    expect(take()).toEqual([]);
  });

  it('automatic funding as the clock crosses the interval emits funding events', () => {
    const { p, take } = setup({ funding: { rate: '0.0001', intervalMs: 60_000 }, now: undefined });
    p.setPrice('BTCUSDT', 50_000, T0);
    p.submitOrder({ venueSymbol: 'BTCUSDT', side: 'sell', type: 'market', qty: '0.2' });
    take();
    p.setPrice('BTCUSDT', 50_000, T0 + 60_000);
    // short receives 0.2 × 50000 × 0.0001 = 1
    expect(take()).toMatchObject([
      { kind: 'funding', payment: { venueEntryId: '1', amount: '1', venueSymbol: 'BTCUSDT' } },
      { kind: 'balances', reason: 'FUNDING_FEE' },
    ]);
  });

  it('a margin call once the cross margin ratio reaches 80 %, again only after it recovered', () => {
    const { p, take } = setup({ balances: { USDT: 1_000 } });
    p.setLeverageSync('BTCUSDT', 20);
    p.submitOrder({ venueSymbol: 'BTCUSDT', side: 'buy', type: 'market', qty: '0.3' });
    take();
    const calls = () => take().filter((e) => e.kind === 'margin_call');
    // wallet 1000 − fee 6 = 994; at 47000: maintenance 0.3 × 47000 × 0.005 = 70.5,
    // margin balance 994 + 0.3 × (47000 − 50000) = 94 → 75 %: no call
    p.setPrice('BTCUSDT', 47_000);
    expect(calls()).toEqual([]);
    // at 46950: maintenance 70.425, margin balance 79 → 89.14 % (70.425 / 79 = 0.89146…)
    p.setPrice('BTCUSDT', 46_950);
    expect(calls()).toEqual([
      {
        kind: 'margin_call',
        time: T0,
        detail: 'cross USDT: margin ratio 89.14% (maintenance 70.425 USDT, margin balance 79 USDT)',
      },
    ]);
    p.setPrice('BTCUSDT', 46_960);
    expect(calls()).toEqual([]); // still short: warned once
    p.setPrice('BTCUSDT', 48_000);
    p.setPrice('BTCUSDT', 46_950);
    expect(calls()).toHaveLength(1); // recovered, then short again
  });

  it('an isolated position gets its own margin call, naming its symbol', () => {
    const { p, take } = setup();
    p.setMarginMode('BTCUSDT', 'isolated');
    p.setLeverageSync('BTCUSDT', 10);
    p.submitOrder({ venueSymbol: 'BTCUSDT', side: 'buy', type: 'market', qty: '0.1' });
    take();
    // margin 500; at 45300: maintenance 0.1 × 45300 × 0.005 = 22.65, balance 500 − 470 = 30 → 75.5 %
    p.setPrice('BTCUSDT', 45_300);
    expect(take().filter((e) => e.kind === 'margin_call')).toEqual([]);
    // at 45250: maintenance 22.625, balance 25 → 90.5 % (liquidation only at 45226.1)
    p.setPrice('BTCUSDT', 45_250);
    expect(take()).toEqual([
      {
        kind: 'margin_call',
        time: T0,
        venueSymbol: 'BTCUSDT',
        detail: 'isolated BTCUSDT net: margin ratio 90.50% (maintenance 22.625 USDT, margin balance 25 USDT)',
      },
    ]);
  });

  it('deposits and withdrawals emit balances, each with its amount as the change', () => {
    const { p, take } = setup();
    p.deposit('USDT', 500);
    p.deposit('USDT', -200);
    expect(take()).toMatchObject([
      { kind: 'balances', reason: 'DEPOSIT', balances: [{ asset: 'USDT', total: '10500', change: '500' }] },
      { kind: 'balances', reason: 'WITHDRAW', balances: [{ asset: 'USDT', total: '10300', change: '-200' }] },
    ]);
  });

  it('unsubscribing stops the events; a throwing listener does not stop the venue', () => {
    const p = new PaperExchange({ prices: { BTCUSDT: 50_000 } });
    const seen: AccountEvent[] = [];
    p.onAccountEvent(() => {
      throw new Error('listener bug');
    });
    const off = p.onAccountEvent((e) => seen.push(e));
    p.submitOrder({ venueSymbol: 'BTCUSDT', side: 'buy', type: 'market', qty: '0.1' });
    expect(seen).toHaveLength(5);
    off();
    p.submitOrder({ venueSymbol: 'BTCUSDT', side: 'sell', type: 'market', qty: '0.1' });
    expect(seen).toHaveLength(5);
    expect(p.fills()).toHaveLength(2);
  });

  it('fillsSince returns the fills in the stream shape, oldest first, filtered and limited', async () => {
    const { p, events, tick } = setup();
    p.submitOrder({ venueSymbol: 'BTCUSDT', side: 'buy', type: 'market', qty: '0.1' });
    tick(1_000);
    p.submitOrder({ venueSymbol: 'BTCUSDT', side: 'sell', type: 'market', qty: '0.1' });
    const streamed = events.flatMap((e) => (e.kind === 'fill' ? [e.fill] : []));
    expect(await p.fillsSince({ since: 0 })).toEqual(streamed);
    expect(await p.fillsSince({ since: T0 + 1_000 })).toEqual([streamed[1]]);
    expect(await p.fillsSince({ since: 0, limit: 1 })).toEqual([streamed[0]]);
    expect(await p.fillsSince({ since: 0, venueSymbol: 'ETHUSDT' })).toEqual([]);
  });
});

describe('ids stay unique across snapshot and restore', () => {
  it('trade and funding ids continue after a restore', async () => {
    const a = setup();
    a.p.submitOrder({ venueSymbol: 'BTCUSDT', side: 'buy', type: 'market', qty: '0.1' });
    a.p.applyFunding('BTCUSDT', '0.0001');
    const snapshot = JSON.parse(JSON.stringify(a.p.snapshot()));

    const b = setup();
    b.p.restore(snapshot);
    expect(await b.p.fundingSince({ since: 0 })).toEqual(await a.p.fundingSince({ since: 0 }));
    b.p.applyFunding('BTCUSDT', '0.0001');
    b.p.submitOrder({ venueSymbol: 'BTCUSDT', side: 'sell', type: 'market', qty: '0.1' });
    const ids = b
      .take()
      .flatMap((e) =>
        e.kind === 'fill'
          ? [`fill ${e.fill.venueTradeId}`]
          : e.kind === 'funding'
            ? [`funding ${e.payment.venueEntryId}`]
            : [],
      );
    expect(ids).toEqual(['funding 2', 'fill 2']);
  });

  it('a snapshot from before account events (no funding fields) still restores', async () => {
    const a = setup();
    a.p.submitOrder({ venueSymbol: 'BTCUSDT', side: 'buy', type: 'market', qty: '0.1' });
    const old: Record<string, unknown> = JSON.parse(JSON.stringify(a.p.snapshot()));
    delete old['fundingSeq'];
    delete old['funding'];
    const b = setup();
    b.p.restore(old as unknown as ReturnType<PaperExchange['snapshot']>);
    expect(await b.p.fundingSince({ since: 0 })).toEqual([]);
    b.p.applyFunding('BTCUSDT', '0.0001');
    b.p.submitOrder({ venueSymbol: 'BTCUSDT', side: 'sell', type: 'market', qty: '0.1' });
    expect(
      b
        .take()
        .flatMap((e) =>
          e.kind === 'fill' ? [e.fill.venueTradeId] : e.kind === 'funding' ? [e.payment.venueEntryId] : [],
        ),
    ).toEqual(['1', '2']);
  });
});
