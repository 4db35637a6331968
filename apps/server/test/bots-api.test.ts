import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBinanceSimulator } from '@tradingbot/exchange/sim';
import { createExchangeFactory } from '../src/exchange-factory.ts';
import { signUp, testApp, type TestApp } from './helpers.ts';

/*
 * The bots API (issue 20 item 1): define, list, read, start, stop, delete — owner-scoped, and bad
 * definitions (unknown strategy, parameters out of range, a timeframe the venue lacks) refused
 * with 400 and one field error per problem. No runner here (BOTS_ENABLED is off in tests).
 */

const KEY = 'B'.repeat(32) + 'b'.repeat(32);
const SECRET = 'C'.repeat(32) + 'c'.repeat(32);

type Sim = Awaited<ReturnType<typeof startBinanceSimulator>>;
let sim: Sim;
let t: TestApp;
let owner: Awaited<ReturnType<typeof signUp>>;
let stranger: Awaited<ReturnType<typeof signUp>>;
let binanceAccount: string;
let paperAccount: string;

async function register(auth: Record<string, string>, exchange: 'binance' | 'paper') {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/accounts-secure/register',
    headers: auth,
    payload:
      exchange === 'binance'
        ? { exchange, api_key: KEY, api_secret: SECRET }
        : { exchange, api_key: 'k', api_secret: 's' },
  });
  if (response.statusCode !== 200) throw new Error(`registration failed: ${response.body}`);
  return (response.json() as { id: string }).id;
}

const create = (auth: Record<string, string>, payload: object) =>
  t.app.inject({ method: 'POST', url: '/api/v1/bots', headers: auth, payload });

beforeAll(async () => {
  sim = await startBinanceSimulator({ port: 0, host: '127.0.0.1', apiKey: KEY, apiSecret: SECRET });
  t = await testApp({ connectExchange: createExchangeFactory({ baseUrls: { binance: sim.url } }) });
  owner = await signUp(t.app, 'bots-owner@example.com');
  stranger = await signUp(t.app, 'bots-stranger@example.com');
  binanceAccount = await register(owner.auth, 'binance');
  paperAccount = await register(owner.auth, 'paper');
});
afterAll(async () => {
  await t.close();
  await sim.close();
});

describe('/api/v1/bots', () => {
  it('creates a bot with the plan stated in full, lists, reads, starts, stops and deletes it', async () => {
    const created = await create(owner.auth, {
      account_id: binanceAccount,
      name: 'ema 1h',
      strategy: 'ema_cross',
      params: { fastLength: 8 },
      symbol: 'btcusdt',
      timeframe: '1h',
      plan: { leverage: 3, sl_pct: 1.5, tp_atr: 0 },
      max_signal_age_s: 90,
    });
    expect(created.statusCode, created.body).toBe(201);
    const bot = created.json() as Record<string, unknown> & { id: string; params: Record<string, number> };
    expect(bot).toMatchObject({
      account_id: binanceAccount,
      exchange: 'binance',
      name: 'ema 1h',
      strategy: 'ema_cross',
      symbol: 'BTCUSDT',
      timeframe: '1h',
      desired_state: 'stopped',
      status: 'stopped',
      position: 'flat',
      last_bar_time: null,
      next_bar_due: null,
      max_signal_age_s: 90,
      // Leverage and the stop as asked; size and the ATR period from the trade plan; "no take-profit" stated.
      plan: {
        size_pct: 10,
        leverage: 3,
        margin_mode: 'cross',
        sl_atr: null,
        sl_pct: 1.5,
        tp_atr: 0,
        tp_pct: null,
        atr_period: 14,
        direction: 'both',
      },
    });
    // Every parameter resolved (the others at their defaults).
    expect(bot.params.fastLength).toBe(8);
    expect(Object.keys(bot.params).length).toBeGreaterThan(1);

    const list = await t.app.inject({ method: 'GET', url: '/api/v1/bots', headers: owner.auth });
    expect(list.json()).toMatchObject({ total: 1, bots: [{ id: bot.id }] });

    const started = await t.app.inject({
      method: 'POST',
      url: `/api/v1/bots/${bot.id}/start`,
      headers: owner.auth,
    });
    expect(started.statusCode).toBe(200);
    expect(started.json()).toMatchObject({ desired_state: 'running' });

    const detail = await t.app.inject({ method: 'GET', url: `/api/v1/bots/${bot.id}`, headers: owner.auth });
    expect(detail.json()).toMatchObject({ id: bot.id, desired_state: 'running', decisions: [] });

    const stopped = await t.app.inject({
      method: 'POST',
      url: `/api/v1/bots/${bot.id}/stop`,
      headers: owner.auth,
    });
    expect(stopped.json()).toMatchObject({
      desired_state: 'stopped',
      status: 'stopped',
      status_reason: 'stopped by the user',
    });

    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/bots/${bot.id}`,
      headers: owner.auth,
    });
    expect(deleted.json()).toEqual({ success: true, message: 'Bot deleted' });
    const gone = await t.app.inject({ method: 'GET', url: `/api/v1/bots/${bot.id}`, headers: owner.auth });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('BOT_NOT_FOUND');
  });

  it('is owner-scoped: another user can neither see, start, stop, delete nor create on the account', async () => {
    const bot = (
      await create(owner.auth, {
        account_id: paperAccount,
        strategy: 'supertrend',
        symbol: 'BTCUSDT',
        timeframe: '1m',
      })
    ).json() as { id: string };
    for (const [method, url] of [
      ['GET', `/api/v1/bots/${bot.id}`],
      ['POST', `/api/v1/bots/${bot.id}/start`],
      ['POST', `/api/v1/bots/${bot.id}/stop`],
      ['DELETE', `/api/v1/bots/${bot.id}`],
    ] as const) {
      const response = await t.app.inject({ method, url, headers: stranger.auth });
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.json().error.code).toBe('BOT_NOT_FOUND');
    }
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/bots', headers: stranger.auth })).json(),
    ).toEqual({ bots: [], total: 0 });
    const onTheirAccount = await create(stranger.auth, {
      account_id: paperAccount,
      strategy: 'supertrend',
      symbol: 'BTCUSDT',
      timeframe: '1m',
    });
    expect(onTheirAccount.statusCode).toBe(404);
    expect(onTheirAccount.json().error.code).toBe('ACCOUNT_NOT_FOUND');
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/bots' });
    expect(anonymous.statusCode).toBe(401);
    // Still the owner's, still stopped.
    const mine = await t.app.inject({ method: 'GET', url: `/api/v1/bots/${bot.id}`, headers: owner.auth });
    expect(mine.json()).toMatchObject({ desired_state: 'stopped' });
  });

  it('refuses bad definitions with 400 and a field error for each problem', async () => {
    const unknown = await create(owner.auth, {
      account_id: binanceAccount,
      strategy: 'moon_shot',
      symbol: 'BTCUSDT',
      timeframe: '1h',
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { issues: [{ field: 'strategy' }] },
    });

    const outOfRange = await create(owner.auth, {
      account_id: binanceAccount,
      strategy: 'ema_cross',
      params: { fastLength: 0, slowLength: 100_000 },
      symbol: 'BTCUSDT',
      timeframe: '1h',
    });
    expect(outOfRange.statusCode).toBe(400);
    const issues = outOfRange.json().error.details.issues as Array<Record<string, unknown>>;
    expect(issues).toEqual([
      expect.objectContaining({ field: 'params.fastLength', code: 'too_small', minimum: expect.any(Number) }),
      expect.objectContaining({ field: 'params.slowLength', code: 'too_big', maximum: expect.any(Number) }),
    ]);

    const unknownParam = await create(owner.auth, {
      account_id: binanceAccount,
      strategy: 'ema_cross',
      params: { speed: 3 },
      symbol: 'BTCUSDT',
      timeframe: '1h',
    });
    expect(unknownParam.json().error.details.issues).toEqual([
      expect.objectContaining({ field: 'params.speed' }),
    ]);

    // Binance has no 10-minute candles (its intervals: 1m 3m 5m 15m 30m 1h …); the paper venue aggregates any.
    const noSuchBars = await create(owner.auth, {
      account_id: binanceAccount,
      strategy: 'ema_cross',
      symbol: 'BTCUSDT',
      timeframe: '10m',
    });
    expect(noSuchBars.statusCode).toBe(400);
    expect(noSuchBars.json().error.details.issues).toEqual([
      expect.objectContaining({ field: 'timeframe', message: 'binance has no 10m candles' }),
    ]);
    const paperTen = await create(owner.auth, {
      account_id: paperAccount,
      strategy: 'ema_cross',
      symbol: 'BTCUSDT',
      timeframe: '10m',
    });
    expect(paperTen.statusCode).toBe(201);

    // The schema's own checks answer the same way.
    const schema = await create(owner.auth, {
      account_id: binanceAccount,
      strategy: 'ema_cross',
      symbol: 'BTCUSDT',
      timeframe: 'hourly',
      plan: { leverage: 500, sl_atr: 1, sl_pct: 1 },
    });
    expect(schema.statusCode).toBe(400);
    const fields = (schema.json().error.details.issues as Array<{ field: string }>)
      .map((i) => i.field)
      .sort();
    expect(fields).toEqual(expect.arrayContaining(['timeframe']));

    // Nothing was stored by a refused definition.
    const list = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/bots?account_id=${binanceAccount}`,
        headers: owner.auth,
      })
    ).json();
    expect(list.total).toBe(0);
  });
});
