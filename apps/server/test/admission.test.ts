import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaperExchange } from '@tradingbot/exchange';
import { InMemoryLeverageCache, OrderExecutor, toSignal, type ExecutionContext } from '@tradingbot/executor';
import type { OrderRecorded, SignalFinished } from '../src/events.ts';
import { signUp, testApp, type TestApp } from './helpers.ts';

/*
 * The admission rules (another venue's alert, a stale alert) answer the same code and status
 * whether the webhook refuses the request or the executor refuses the signal; and what
 * the listeners on `app.events` hear of executed and refused alerts.
 */

let t: TestApp;
let user: Awaited<ReturnType<typeof signUp>>;
let paperAccount: { id: string; webhook_secret: string };
const paperVenue = new PaperExchange({ balances: { USDT: 10_000 } });
paperVenue.setPrice('BTCUSDT', '50000');

beforeAll(async () => {
  t = await testApp({ connectExchange: () => paperVenue });
  user = await signUp(t.app, 'admission@example.com');
  paperAccount = (
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/accounts-secure/register',
      headers: user.auth,
      payload: { exchange: 'paper', api_key: 'k', api_secret: 's' },
    })
  ).json();
});
afterAll(async () => t.close());

const payload = (extra: Record<string, unknown> = {}) => ({
  account_id: paperAccount.id,
  exchange: 'binance',
  action: 'long',
  symbol: 'BTCUSDT',
  leverage: 2,
  secret: paperAccount.webhook_secret,
  ...extra,
});

const post = (body: Record<string, unknown>) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/webhook/tradingview',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });

async function fromServer(body: Record<string, unknown>) {
  const response = await post(body);
  const error = response.json().error as { code: string; message: string };
  return { status: response.statusCode, code: error.code, message: error.message };
}

async function fromExecutor(body: Record<string, unknown>) {
  const venue = new PaperExchange({ balances: { USDT: 10_000 } });
  venue.setPrice('BTCUSDT', '50000');
  const context: ExecutionContext = {
    exchange: venue,
    account: { id: paperAccount.id, exchange: 'paper', settings: { defaultLeverage: 1 } },
    leverageCache: new InMemoryLeverageCache(),
    recordOrder: async () => {},
    audit: async () => {},
    now: () => Date.now(),
  };
  const result = await new OrderExecutor().executeSignal(toSignal(body as never), context);
  return { result, orders: venue.orderHistory('BTCUSDT') };
}

describe('one admission rule for the webhook and the executor', () => {
  it('a paper account refuses an alert that names binance, with the same code and status', async () => {
    const server = await fromServer(payload({ id: 'paper-says-binance' }));
    const { result, orders } = await fromExecutor(payload({ id: 'paper-says-binance' }));
    expect(server, server.message).toMatchObject({ status: 400, code: 'EXCHANGE_MISMATCH' });
    expect(server.message).toContain('is a paper account');
    expect(result).toMatchObject({
      success: false,
      code: 'EXCHANGE_MISMATCH',
      error: { code: 'EXCHANGE_MISMATCH', status: 400 },
    });
    expect(result.message).toContain('is a paper account');
    expect(orders).toEqual([]);
  });

  it('a stale alert is refused with the same code and status', async () => {
    const stale = { exchange: 'paper', timestamp: Date.now() - 120_000, max_lag: 30 };
    const server = await fromServer(payload({ id: 'stale-paper', ...stale }));
    const { result, orders } = await fromExecutor(payload({ id: 'stale-paper', ...stale }));
    expect(server).toMatchObject({ status: 400, code: 'STALE_SIGNAL' });
    expect(result).toMatchObject({
      success: false,
      code: 'STALE_SIGNAL',
      error: { code: 'STALE_SIGNAL', status: 400 },
    });
    expect(orders).toEqual([]);
  });
});

describe('app.events', () => {
  it('tells listeners of executed and refused alerts, and a throwing listener breaks nothing', async () => {
    const finished: SignalFinished[] = [];
    const recorded: OrderRecorded[] = [];
    const unsubscribe = [
      t.app.events.on('signal.finished', () => {
        throw new Error('a broken listener');
      }),
      t.app.events.on('signal.finished', (event) => void finished.push(event)),
      t.app.events.on('order.recorded', (event) => void recorded.push(event)),
    ];
    try {
      const executed = await post(payload({ id: 'events-long', exchange: 'paper', sl_pct: 2, tp_pct: 4 }));
      expect(executed.statusCode, executed.body).toBe(200);
      expect(executed.json()).toMatchObject({ success: true, message: 'LONG order executed on paper' });
      const refused = await post(payload({ id: 'events-binance' }));
      expect(refused.statusCode).toBe(400);
      await t.app.events.idle();

      expect(recorded.map((o) => [o.role, o.outcome])).toEqual([
        ['entry', 'placed'],
        ['sl', 'placed'],
        ['tp', 'placed'],
      ]);
      expect(finished).toEqual([
        expect.objectContaining({
          signalId: executed.json().signal_id,
          accountId: paperAccount.id,
          userId: user.user.id,
          exchange: 'paper',
          status: 'executed',
          orders: recorded,
          resumed: false,
          executionMs: expect.any(Number),
        }),
        expect.objectContaining({
          signalId: refused.json().error.details.signal_id,
          status: 'rejected',
          code: 'EXCHANGE_MISMATCH',
          orders: [],
        }),
      ]);
      // The XP listener credited the trade: an entry (10) with its stop-loss (5) and take-profit (5).
      const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: user.auth });
      expect(me.json()).toMatchObject({ total_xp: 20, total_trades: 1 });
      expect(t.logs.join('')).toContain('a broken listener');
    } finally {
      for (const off of unsubscribe) off();
    }
  });
});
