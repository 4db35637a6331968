import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { accounts } from '@tradingbot/db';
import { decryptCredentials } from '../src/crypto/credentials.ts';
import { createExchangeFactory, type ExchangeFactory } from '../src/exchange-factory.ts';
import { signUp, testApp, type TestApp } from './helpers.ts';

/*
 * The bots page's live chart (`GET /api/v1/bots/{id}/chart`): the bot's candles from its account's
 * venue (here a paper account on the synthetic feed, labelled as such), the strategy's indicators
 * over them, the resting stop-loss and take-profit and the open position; owner-scoped.
 */

let t: TestApp;
let factory: ExchangeFactory;
let owner: Awaited<ReturnType<typeof signUp>>;
let stranger: Awaited<ReturnType<typeof signUp>>;
let botId: string;
let accountId: string;

beforeAll(async () => {
  factory = createExchangeFactory({ sweepEveryMs: 0 });
  t = await testApp({ connectExchange: factory });
  owner = await signUp(t.app, 'bot-chart@example.com');
  stranger = await signUp(t.app, 'bot-chart-stranger@example.com');
  const account = await t.app.inject({
    method: 'POST',
    url: '/api/v1/accounts-secure/register',
    headers: owner.auth,
    payload: { exchange: 'paper' },
  });
  accountId = account.json().id;
  const bot = await t.app.inject({
    method: 'POST',
    url: '/api/v1/bots',
    headers: owner.auth,
    payload: { account_id: accountId, strategy: 'ema_cross', symbol: 'BTCUSDT', timeframe: '15m' },
  });
  expect(bot.statusCode, bot.body).toBe(201);
  botId = bot.json().id;
});
afterAll(async () => {
  await t.close();
  await factory.close();
});

describe('GET /api/v1/bots/{id}/chart', () => {
  it('draws the venue candles with the strategy indicators, the resting stop and take-profit and the position', async () => {
    const [row] = await t.database.db.select().from(accounts).where(eq(accounts.id, accountId));
    const venue = factory(row!, decryptCredentials(t.config.keyRing, row!.id, row!));
    await venue.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.01',
      idempotencyKey: 'e1',
    });
    const price = Number((await venue.ticker('BTCUSDT')).price);
    await venue.placeProtection({
      venueSymbol: 'BTCUSDT',
      positionSide: 'long',
      stopLoss: (price * 0.9).toFixed(1),
      takeProfit: (price * 1.1).toFixed(1),
      idempotencyKey: 'e1',
    });

    const response = await t.app.inject({
      method: 'GET',
      url: `/api/v1/bots/${botId}/chart?bars=120`,
      headers: owner.auth,
    });
    expect(response.statusCode, response.body).toBe(200);
    const chart = response.json();
    expect(chart).toMatchObject({ bot_id: botId, symbol: 'BTCUSDT', timeframe: '15m' });
    const times: number[] = chart.candles.time;
    expect(times.length).toBeGreaterThanOrEqual(50);
    expect(times.every((time, k) => k === 0 || time > times[k - 1]!)).toBe(true);
    // The paper venue keeps 12 h of minutes (older ones as hours): the last 40 bars are 15 minutes apart.
    const recent = times.slice(-40);
    expect(recent.every((time, k) => k === 0 || time - recent[k - 1]! === 15 * 60_000)).toBe(true);
    // ema_cross plots its two EMAs on the price pane, one value per candle, defined after warm-up.
    const overlays = chart.indicators.filter((p: { overlay: boolean }) => p.overlay);
    expect(overlays.length).toBeGreaterThanOrEqual(2);
    for (const plot of overlays) {
      expect(plot.values).toHaveLength(times.length);
      expect(plot.values.at(-1)).toBeGreaterThan(0);
    }
    expect(chart.protection).toEqual(
      expect.arrayContaining([
        { kind: 'stop_loss', price: expect.any(String) },
        { kind: 'take_profit', price: expect.any(String) },
      ]),
    );
    expect(chart.position).toMatchObject({ side: 'long', qty: '0.01' });
    expect(chart.market_data).toMatchObject({ source: 'synthetic', state: 'up' });
  });

  it("answers 404 for another user's bot", async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/v1/bots/${botId}/chart`,
      headers: stranger.auth,
    });
    expect(response.statusCode).toBe(404);
  });
});
