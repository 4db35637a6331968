import { describe, expect, it } from 'vitest';
import { PaperExchange, type PaperVenueSnapshot } from '../src/paper/paper-exchange.ts';

const T0 = Date.UTC(2026, 10, 2, 9, 30, 0);

/** A venue with a bit of everything: hedge mode, an isolated leg, a resting limit, an SL/TP pair, fills. */
async function busyVenue(): Promise<PaperExchange> {
  const venue = new PaperExchange({ balances: { USDT: 10_000 } });
  venue.setPrice('BTCUSDT', '60000', T0);
  venue.setPrice('ETHUSDT', '3000', T0);
  venue.setPositionMode('hedge');
  venue.setMarginMode('ETHUSDT', 'isolated');
  venue.setLeverageSync('BTCUSDT', 10);
  await venue.placeOrder({
    venueSymbol: 'BTCUSDT',
    side: 'buy',
    type: 'market',
    qty: '0.05',
    positionSide: 'long',
    idempotencyKey: 'entry-1',
  });
  await venue.placeProtection({
    venueSymbol: 'BTCUSDT',
    positionSide: 'long',
    stopLoss: '58000',
    takeProfit: '63000',
    idempotencyKey: 'entry-1',
  });
  await venue.placeOrder({
    venueSymbol: 'ETHUSDT',
    side: 'sell',
    type: 'market',
    qty: '1',
    positionSide: 'short',
    idempotencyKey: 'entry-2',
  });
  await venue.placeOrder({
    venueSymbol: 'ETHUSDT',
    side: 'buy',
    type: 'limit',
    price: '2900',
    qty: '0.5',
    positionSide: 'long',
    idempotencyKey: 'resting-1',
  });
  venue.setPrice('BTCUSDT', '60500', T0 + 60_000);
  return venue;
}

describe('PaperExchange snapshot / restore', () => {
  it('round-trips the whole account through JSON', async () => {
    const venue = await busyVenue();
    const json = JSON.stringify(venue.snapshot());
    const restored = new PaperExchange({ balances: { USDT: 10_000 } });
    restored.restore(JSON.parse(json) as PaperVenueSnapshot);
    expect(restored.accountState()).toEqual(venue.accountState());
    expect(restored.orderHistory()).toEqual(venue.orderHistory());
    expect(restored.fills()).toEqual(venue.fills());
    expect(await restored.openOrders()).toEqual(await venue.openOrders());
    expect(JSON.stringify(restored.snapshot())).toBe(json);
  });

  it('goes on trading exactly as the original would', async () => {
    const venue = await busyVenue();
    const restored = new PaperExchange();
    restored.restore(JSON.parse(JSON.stringify(venue.snapshot())) as PaperVenueSnapshot);
    // the same price path: the take-profit fills, the oco stop is cancelled, the limit fills
    for (const v of [venue, restored]) {
      v.setPrice('BTCUSDT', '63100', T0 + 120_000);
      v.setPrice('ETHUSDT', '2890', T0 + 120_000);
    }
    expect(restored.accountState()).toEqual(venue.accountState());
    expect(restored.orderHistory()).toEqual(venue.orderHistory());
    // a done key still answers with its order (exactly-once), a new order continues the numbering
    expect(
      await restored.placeOrder({
        venueSymbol: 'BTCUSDT',
        side: 'buy',
        type: 'market',
        qty: '0.05',
        positionSide: 'long',
        idempotencyKey: 'entry-1',
      }),
    ).toEqual(await venue.orderByIdempotencyKey('BTCUSDT', 'entry-1'));
    const next = { venueSymbol: 'BTCUSDT', side: 'sell', type: 'market', qty: '0.01' } as const;
    expect(restored.submitOrder({ ...next, positionSide: 'short' })).toEqual(
      venue.submitOrder({ ...next, positionSide: 'short' }),
    );
  });

  it('keeps an activated trailing stop: the restored venue fires it at the same level', async () => {
    const venue = new PaperExchange({ balances: { USDT: 10_000 } });
    venue.setPrice('BTCUSDT', '60000', T0);
    await venue.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.05',
      idempotencyKey: 'trail-entry',
    });
    await venue.placeTrailingStop({
      venueSymbol: 'BTCUSDT',
      side: 'sell',
      callbackRatePct: '2',
      activationPrice: '61000',
      qty: '0.05',
      idempotencyKey: 'trail-1',
    });
    venue.setPrice('BTCUSDT', '62000', T0 + 60_000); // activated; the stop rests at 62,000 × 0.98 = 60,760
    const restored = new PaperExchange({ balances: { USDT: 10_000 } });
    restored.restore(JSON.parse(JSON.stringify(venue.snapshot())) as PaperVenueSnapshot);
    expect(await restored.openOrders('BTCUSDT')).toEqual(await venue.openOrders('BTCUSDT'));
    expect((await restored.openOrders('BTCUSDT'))[0]).toMatchObject({
      type: 'trailing_stop_market',
      triggerPrice: '60760',
      callbackRatePct: '2',
      activationPrice: '61000',
    });
    restored.setPrice('BTCUSDT', '60800', T0 + 120_000);
    expect((await restored.positions('BTCUSDT')).map((p) => p.qty)).toEqual(['0.05']);
    restored.setPrice('BTCUSDT', '60700', T0 + 180_000);
    expect(await restored.positions('BTCUSDT')).toEqual([]);
  });

  it('refuses a snapshot it does not know', () => {
    const venue = new PaperExchange();
    expect(() => venue.restore({ version: 2 } as unknown as PaperVenueSnapshot)).toThrow(/snapshot version/);
  });
});
