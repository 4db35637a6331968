import { afterEach, describe, expect, it } from 'vitest';
import {
  BinanceFuturesClient,
  OkxSwapClient,
  prepareOrderPrice,
  roundPrice,
  sizeForNotional,
  type Exchange,
  type PositionMode,
} from '@tradingbot/exchange';
import { startBinanceSimulator, startOkxSimulator } from '@tradingbot/exchange/sim';
import { OrderExecutor, toSignal, type SignalPayload } from '../src/index.ts';
import { harness } from './helpers.ts';

/**
 * Issue 18.6: flatten (`close_all` with `scope: "account"`) closes every position on every symbol —
 * both legs in hedge mode — and cancels every open order (resting entries, stop-losses,
 * take-profits), on the real Binance and OKX clients against their wire simulators, in one-way and
 * hedge mode. The positions and orders are checked at the source: the simulators' paper venue.
 */

const KEY = 'flattenKey0123456789';
const SECRET = 'flattenSecret0123456789';
const PASSPHRASE = 'Flatten-pass1';

type Venue = { exchange: Exchange; venue: 'binance' | 'okx'; symbols: [string, string, string] };

const VENUES: Record<'binance' | 'okx', (hedge: boolean) => Promise<Venue & { close(): Promise<void> }>> = {
  binance: async (hedge) => {
    const sim = await startBinanceSimulator({ apiKey: KEY, apiSecret: SECRET, hedge });
    const exchange = new BinanceFuturesClient({
      apiKey: KEY,
      apiSecret: SECRET,
      baseUrl: sim.url,
      timeoutMs: 3000,
      baseDelayMs: 10,
      maxDelayMs: 50,
    });
    return {
      exchange,
      venue: 'binance',
      symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'],
      close: () => sim.close(),
    };
  },
  okx: async (hedge) => {
    const sim = await startOkxSimulator({ apiKey: KEY, apiSecret: SECRET, passphrase: PASSPHRASE, hedge });
    const exchange = new OkxSwapClient({
      apiKey: KEY,
      apiSecret: SECRET,
      passphrase: PASSPHRASE,
      baseUrl: sim.url,
      timeoutMs: 3000,
      baseDelayMs: 10,
      maxDelayMs: 50,
    });
    return {
      exchange,
      venue: 'okx',
      symbols: ['BTC-USDT-SWAP', 'ETH-USDT-SWAP', 'SOL-USDT-SWAP'],
      close: () => sim.close(),
    };
  },
};

let counter = 0;
const flattenSignal = (venue: 'binance' | 'okx', extra: Partial<SignalPayload> = {}) =>
  toSignal({
    account_id: 'acc-1',
    exchange: venue,
    action: 'close_all',
    scope: 'account',
    id: `flatten-${++counter}`,
    ...extra,
  } as SignalPayload);

/**
 * Opens positions by hand on the venue: a long on the first symbol (and a short beside it in hedge
 * mode), a short on the second, each first symbol's long protected by a stop-loss; and a resting
 * limit entry far from the market on the third.
 */
async function openBook(v: Venue, mode: PositionMode) {
  const { exchange, symbols } = v;
  const side = (leg: 'long' | 'short') => (mode === 'hedge' ? leg : 'net');
  const [first, second, third] = symbols;
  // The smallest size the venue takes, with room: above both its minimum quantity and notional.
  const qty = async (symbol: string) => {
    const instrument = await exchange.instrument(symbol);
    const price = (await exchange.ticker(symbol)).price;
    const byNotional = sizeForNotional(instrument, String(Number(instrument.minNotional) * 2 + 1), price);
    return Number(byNotional) > Number(instrument.minQty) ? byNotional : instrument.minQty;
  };
  const open = async (symbol: string, leg: 'long' | 'short', key: string) =>
    exchange.placeOrder({
      venueSymbol: symbol,
      side: leg === 'long' ? 'buy' : 'sell',
      type: 'market',
      qty: await qty(symbol),
      positionSide: side(leg),
      idempotencyKey: key,
    });
  await open(first, 'long', 'setup-1');
  if (mode === 'hedge') await open(first, 'short', 'setup-2');
  await open(second, 'short', 'setup-3');
  const firstInstrument = await exchange.instrument(first);
  const price = Number((await exchange.ticker(first)).price);
  await exchange.placeConditional({
    venueSymbol: first,
    kind: 'stop_loss',
    side: 'sell',
    positionSide: side('long'),
    triggerPrice: prepareOrderPrice(
      firstInstrument,
      roundPrice(firstInstrument, String(price * 0.8), 'down'),
    ),
    idempotencyKey: 'setup-sl',
  });
  const thirdInstrument = await exchange.instrument(third);
  const thirdPrice = Number((await exchange.ticker(third)).price);
  await exchange.placeOrder({
    venueSymbol: third,
    side: 'buy',
    type: 'limit',
    qty: await qty(third),
    price: prepareOrderPrice(thirdInstrument, roundPrice(thirdInstrument, String(thirdPrice * 0.5), 'down')),
    positionSide: side('long'),
    idempotencyKey: 'setup-limit',
  });
}

const fast = { protectionBackoffMs: 1, fillPollIntervalMs: 1, sleep: async () => {} };

describe.each(['binance', 'okx'] as const)('flatten on the %s simulator', (venueName) => {
  const running: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((v) => v.close()));
  });

  it.each<PositionMode>(['one_way', 'hedge'])(
    '%s: every position closed, every open order cancelled, in one signal',
    async (mode) => {
      const v = await VENUES[venueName](mode === 'hedge');
      running.push(v);
      expect(await v.exchange.positionMode()).toBe(mode);
      await openBook(v, mode);
      const before = await v.exchange.positions();
      expect(before.length).toBe(mode === 'hedge' ? 3 : 2);
      expect((await v.exchange.openOrders()).length).toBe(2);

      const h = harness(v.exchange, {}, { accountExchange: venueName });
      const result = await new OrderExecutor(fast).executeSignal(flattenSignal(venueName), h.context);

      expect(result.success).toBe(true);
      expect(result.order_details.action).toBe('CLOSE_ALL');
      expect(result.order_details.symbol).toBe('*');
      expect(result.order_details.results.closed).toHaveLength(before.length);
      expect(result.order_details.results.canceled?.length).toBe(2);
      expect(await v.exchange.positions()).toEqual([]);
      expect(await v.exchange.openOrders()).toEqual([]);
      // Each close is keyed per symbol and leg, so a re-run finds them instead of sending again.
      const closeKeys = h.records.filter((r) => r.role === 'close').map((r) => r.idempotencyKey);
      expect(new Set(closeKeys).size).toBe(closeKeys.length);
      for (const key of closeKeys) expect(key).toMatch(/^acct:acc-1:id:flatten-\d+:.+:close:(long|short)$/);

      // A second flatten finds nothing open and sends nothing.
      const again = await new OrderExecutor(fast).executeSignal(flattenSignal(venueName), h.context);
      expect(again).toMatchObject({ success: true, code: 'NO_POSITION_TO_CLOSE' });
    },
  );

  it('cancel_orders with scope account cancels every order and keeps the positions', async () => {
    const v = await VENUES[venueName](false);
    running.push(v);
    await openBook(v, 'one_way');
    const h = harness(v.exchange, {}, { accountExchange: venueName });
    const result = await new OrderExecutor(fast).executeSignal(
      flattenSignal(venueName, { action: 'cancel_orders' }),
      h.context,
    );
    expect(result).toMatchObject({ success: true });
    expect(result.order_details.results.canceled?.length).toBe(2);
    expect(await v.exchange.openOrders()).toEqual([]);
    expect((await v.exchange.positions()).length).toBe(2);
  });
});
