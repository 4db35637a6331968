import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { startBinanceSimulator } from '@tradingbot/exchange/sim';
import { orders, signals } from '@tradingbot/db';
import { createExchangeFactory } from '../src/exchange-factory.ts';
import { signUp, testApp, type TestApp } from './helpers.ts';

const KEY = 'A'.repeat(32) + 'b'.repeat(32);
const SECRET = 'C'.repeat(32) + 'd'.repeat(32);

let t: TestApp;
let sim: Awaited<ReturnType<typeof startBinanceSimulator>>;
let user: Awaited<ReturnType<typeof signUp>>;
let account: { id: string; webhook_secret: string };

beforeAll(async () => {
  sim = await startBinanceSimulator({
    port: 0,
    host: '127.0.0.1',
    apiKey: KEY,
    apiSecret: SECRET,
    balance: 10_000,
    prices: { BTCUSDT: 50_000 },
  });
  t = await testApp({ connectExchange: createExchangeFactory({ baseUrls: { binance: sim.url } }) });
  user = await signUp(t.app, 'trader@example.com');
  const registered = await t.app.inject({
    method: 'POST',
    url: '/api/v1/accounts-secure/register',
    headers: user.auth,
    payload: { exchange: 'binance', api_key: KEY, api_secret: SECRET },
  });
  account = registered.json();
});
afterAll(async () => {
  await t.close();
  await sim.close();
});

const alert = (extra: Record<string, unknown> = {}) => ({
  account_id: account.id,
  exchange: 'binance',
  action: 'long',
  symbol: 'BINANCE:BTCUSDT.P',
  leverage: 5,
  secret: account.webhook_secret,
  ...extra,
});
const send = (body: unknown, contentType = 'application/json') =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/webhook/tradingview',
    headers: { 'content-type': contentType },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('POST /api/v1/webhook/tradingview against the Binance wire simulator', () => {
  it('answers a long alert with real orders: leverage, an entry of 10 % of the balance, and the plan default stop-loss and take-profit', async () => {
    const response = await send(alert({ id: 'first-long' }));
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ success: true, message: 'LONG order executed on binance' });
    // The action as the alert sent it, as in the design's example; the message keeps `LONG`.
    expect(body.order_details).toMatchObject({ exchange: 'binance', action: 'long', symbol: 'BTCUSDT' });
    expect(body.order_details.results).toHaveProperty('entry');
    expect(body.order_details.results).toHaveProperty('leverage');
    // On the venue: a long position of 10% × 10,000 × 5 ÷ 50,000 = 0.1 BTC, and a resting stop.
    const positions = await (await fetch(`${sim.url}/__sim/state`)).json();
    expect(JSON.stringify(positions)).toContain('BTCUSDT');
    const stored = await t.database.db.select().from(orders).where(eq(orders.signalId, body.signal_id));
    // The alert states no protection: the trade plan's 2 × ATR stop and 3 × ATR take-profit, and the answer says so.
    expect(stored.map((o) => o.role).sort()).toEqual(['entry', 'sl', 'tp']);
    expect(body.order_details.results.stop_loss.basis).toMatchObject({
      kind: 'atr',
      multiplier: 2,
      source: 'default',
    });
    expect(body.order_details.results.take_profit.basis).toMatchObject({
      kind: 'atr',
      multiplier: 3,
      source: 'default',
    });
    expect(stored.find((o) => o.role === 'entry')!.qty).toBe('0.1');
    const [signal] = await t.database.db.select().from(signals).where(eq(signals.id, body.signal_id));
    expect(signal!.status).toBe('executed');
    expect(JSON.stringify(signal!.payload)).not.toContain(account.webhook_secret); // stored without its secret
  });

  it('executes four identical deliveries once and answers each with the first result', async () => {
    const bodies = await Promise.all(
      [1, 2, 3, 4].map(() => send(alert({ id: 'dup-close', action: 'close_long' }))),
    );
    const answers = bodies.map((b) => b.json());
    expect(new Set(answers.map((a) => a.signal_id)).size).toBe(1);
    const closes = await t.database.db.select().from(orders).where(eq(orders.signalId, answers[0].signal_id));
    expect(closes.filter((o) => o.role === 'close')).toHaveLength(1);
    expect(answers.filter((a) => a.duplicate === true).length).toBe(3);
  });

  it('reads the JSON of a text/plain body, as TradingView sends it', async () => {
    const response = await send(JSON.stringify(alert({ id: 'plain-text', action: 'short' })), 'text/plain');
    expect(response.statusCode).toBe(200);
    expect(response.json().message).toBe('SHORT order executed on binance');
  });

  it.each([
    ['a wrong secret', { secret: 'x'.repeat(43) }, 401, 'INVALID_WEBHOOK_SECRET', 'Invalid webhook secret'],
    [
      'an unknown account',
      { account_id: '00000000-0000-4000-8000-000000000000' },
      404,
      'UNKNOWN_ACCOUNT',
      'Unknown account',
    ],
    ['another exchange', { exchange: 'okx' }, 400, 'EXCHANGE_MISMATCH', 'is a binance account'],
    ['an unknown action', { action: 'moon' }, 400, 'VALIDATION_FAILED', 'action'],
  ])('refuses %s with its own code', async (_name, extra, status, code, message) => {
    const response = await send(alert(extra));
    expect(response.statusCode).toBe(status);
    expect(response.json().error.code).toBe(code);
    expect(response.json().error.message).toContain(message);
  });

  it('refuses a stale alert and records why', async () => {
    const response = await send(alert({ id: 'stale', timestamp: Date.now() - 120_000, max_lag: 30 }));
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(/Stale alert: sent 1[12]\d s ago, max_lag is 30 s/);
    const [row] = await t.database.db
      .select()
      .from(signals)
      .where(eq(signals.idempotencyKey, `acct:${account.id}:id:stale`));
    expect(row).toMatchObject({ status: 'rejected', errorCode: 'STALE_SIGNAL' });
  });

  it('refuses an inactive account', async () => {
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/accounts-secure/${account.id}/toggle`,
      headers: user.auth,
    });
    const response = await send(alert({ id: 'inactive' }));
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('ACCOUNT_INACTIVE');
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/accounts-secure/${account.id}/toggle`,
      headers: user.auth,
    });
  });

  it('credits XP and trades to the user, counts requests and execution time', async () => {
    const me = (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: user.auth })).json();
    expect(me.total_trades).toBeGreaterThanOrEqual(3); // long, close, short
    expect(me.total_xp).toBeGreaterThan(0);
    const metrics = await t.app.metrics.metrics();
    expect(metrics).toMatch(/webhook_requests_total\{outcome="executed"\} [1-9]/);
    expect(metrics).toMatch(/webhook_requests_total\{outcome="invalid_webhook_secret"\} 1/);
    expect(metrics).toContain('order_execution_seconds_bucket');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/webhook/health' })).json()).toEqual({
      status: 'ok',
      service: 'webhook',
    });
  });
});

describe('reading signals, orders, positions and balance', () => {
  it('shows the owner every signal with its orders, and live positions and balance', async () => {
    const list = (
      await t.app.inject({ method: 'GET', url: '/api/v1/signals?limit=100', headers: user.auth })
    ).json();
    expect(list.total).toBeGreaterThanOrEqual(4);
    expect(list.signals.map((s: { status: string }) => s.status)).toEqual(
      expect.arrayContaining(['executed', 'rejected']),
    );
    expect(JSON.stringify(list)).not.toContain(account.webhook_secret);
    const executed = list.signals.find((s: { payload: { id?: string } }) => s.payload.id === 'first-long');
    const detail = (
      await t.app.inject({ method: 'GET', url: `/api/v1/signals/${executed.id}`, headers: user.auth })
    ).json();
    expect(detail.orders.map((o: { role: string }) => o.role).sort()).toEqual(['entry', 'sl', 'tp']);
    const rejected = (
      await t.app.inject({ method: 'GET', url: '/api/v1/signals?status=rejected', headers: user.auth })
    ).json();
    expect(rejected.signals.every((s: { status: string }) => s.status === 'rejected')).toBe(true);

    const positions = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/accounts-secure/${account.id}/positions`,
        headers: user.auth,
      })
    ).json();
    expect(positions.positions).toHaveLength(1); // the short opened from the text/plain alert
    expect(Number(positions.positions[0].qty)).toBeLessThan(0);
    const balance = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/accounts-secure/${account.id}/balance`,
        headers: user.auth,
      })
    ).json();
    expect(balance).toMatchObject({ account_id: account.id, asset: 'USDT' });
    expect(Number(balance.total)).toBeLessThan(10_000); // fees were paid
  });

  it('shows another user none of it', async () => {
    const other = await signUp(t.app, 'someone-else@example.com');
    const list = (await t.app.inject({ method: 'GET', url: '/api/v1/signals', headers: other.auth })).json();
    expect(list).toEqual({ signals: [], total: 0 });
    const mine = (await t.app.inject({ method: 'GET', url: '/api/v1/signals', headers: user.auth })).json();
    for (const url of [
      `/api/v1/signals/${mine.signals[0].id}`,
      `/api/v1/accounts-secure/${account.id}/positions`,
      `/api/v1/accounts-secure/${account.id}/balance`,
    ]) {
      expect((await t.app.inject({ method: 'GET', url, headers: other.auth })).statusCode).toBe(404);
    }
  });
});
