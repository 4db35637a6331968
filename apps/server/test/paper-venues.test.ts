import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { paperVenueState } from '@tradingbot/db';
import { createExchangeFactory } from '../src/exchange-factory.ts';
import { databasePaperStateStore } from '../src/services/paper-state.ts';
import { signUp, testApp, testConfig, type TestApp } from './helpers.ts';

// Issue 15, finding 1: paper venues are dropped when idle (and beyond a size bound) without losing
// the paper account, which also survives a restart; a user has a bounded number of accounts.

const T0 = Date.UTC(2026, 10, 2, 9, 30, 15);
const credentials = { apiKey: 'k', apiSecret: 's' };

let t: TestApp;
let user: Awaited<ReturnType<typeof signUp>>;

const register = (exchange = 'paper') =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/accounts-secure/register',
    headers: user.auth,
    payload: { exchange, api_key: 'k', api_secret: 's' },
  });

beforeAll(async () => {
  t = await testApp({ config: testConfig({ MAX_ACCOUNTS_PER_USER: '4' }) });
  user = await signUp(t.app, 'paper-venues@example.com');
});
afterAll(async () => t.close());

describe('paper venues: evicted and restarted without losing the account', () => {
  it('stores the state when it drops an idle venue and restores it into the next one, and after a restart', async () => {
    const account = { id: (await register()).json().id as string, exchange: 'paper' as const, testnet: true };
    const store = databasePaperStateStore(t.database);
    const options = { paperState: store, sweepEveryMs: 0, now: () => T0 };
    const factory = createExchangeFactory({ ...options, idleMs: 60 * 60_000 });
    const venue = factory(account, credentials);
    await venue.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.01',
      idempotencyKey: 'paper-venues-1',
    });
    const positions = await venue.positions();
    const balance = await venue.balance('USDT');
    expect(positions).toHaveLength(1);

    // not idle yet: kept, but its changed state is stored by the sweep
    await factory.sweep();
    expect(factory.size()).toBe(1);
    const [row] = await t.database.db
      .select()
      .from(paperVenueState)
      .where(eq(paperVenueState.accountId, account.id));
    expect(row?.state).toMatchObject({ version: 1 });

    // idle: dropped, and the venue built next is the same account
    const evicting = createExchangeFactory({ ...options, idleMs: 0 });
    const first = evicting(account, credentials);
    expect(await first.positions()).toEqual(positions);
    await first.placeOrder({
      venueSymbol: 'ETHUSDT',
      side: 'sell',
      type: 'market',
      qty: '0.1',
      idempotencyKey: 'paper-venues-2',
    });
    const positionsBoth = await first.positions();
    await evicting.sweep();
    expect(evicting.size()).toBe(0);
    const rebuilt = evicting(account, credentials);
    expect(rebuilt).not.toBe(first);
    expect(await rebuilt.positions()).toEqual(positionsBoth);
    // a done key still answers with its order after the round trip (exactly-once across evictions)
    expect((await rebuilt.orderByIdempotencyKey('BTCUSDT', 'paper-venues-1'))?.status).toBe('filled');

    // a restart: a new factory (a new process) on the same database
    await evicting.close();
    const restarted = createExchangeFactory(options)(account, credentials);
    expect(await restarted.positions()).toEqual(positionsBoth);
    expect((await restarted.balance('USDT')).total).not.toBe(balance.total);
  });

  it('keeps at most maxVenues, dropping the least recently used (state stored first)', async () => {
    const store = databasePaperStateStore(t.database);
    const factory = createExchangeFactory({
      paperState: store,
      sweepEveryMs: 0,
      maxVenues: 2,
      now: () => T0,
    });
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) ids.push((await register()).json().id as string);
    const [a, b] = ids.map((id) => ({ id, exchange: 'paper' as const, testnet: true }));
    const venueA = factory(a!, credentials);
    await venueA.placeOrder({
      venueSymbol: 'SOLUSDT',
      side: 'buy',
      type: 'market',
      qty: '1',
      idempotencyKey: 'lru-a',
    });
    const positionsA = await venueA.positions();
    factory(b!, credentials);
    factory({ id: 'not-paper-state', exchange: 'paper', testnet: true }, credentials);
    expect(factory.size()).toBe(2);
    await factory.close();
    const again = factory(a!, credentials);
    expect(again).not.toBe(venueA);
    expect(await again.positions()).toEqual(positionsA);
  });
});

describe('a deleted paper account', () => {
  it('is dropped at its idle time like any other, with nothing stored', async () => {
    const account = { id: (await register()).json().id as string, exchange: 'paper' as const, testnet: true };
    const store = databasePaperStateStore(t.database);
    const factory = createExchangeFactory({ paperState: store, sweepEveryMs: 0, idleMs: 0, now: () => T0 });
    await factory(account, credentials).balance('USDT');
    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/accounts-secure/${account.id}`,
      headers: user.auth,
    });
    expect(deleted.statusCode).toBeLessThan(300);
    await factory.sweep();
    expect(factory.size()).toBe(0);
    expect(await store.load(account.id)).toBeUndefined();
  });
});

describe('the app stores a paper account after each signal', () => {
  it('writes paper_venue_state when a paper alert has run', async () => {
    const account = (await register()).json() as { id: string; webhook_secret: string };
    const answer = await t.app.inject({
      method: 'POST',
      url: '/api/v1/webhook/tradingview',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({
        account_id: account.id,
        exchange: 'paper',
        action: 'long',
        symbol: 'BINANCE:BTCUSDT.P',
        leverage: 2,
        qty_pct: 5,
        id: 'paper-venues-alert',
        secret: account.webhook_secret,
      }),
    });
    expect(answer.statusCode).toBeLessThan(300);
    await t.app.webhook.drain();
    await t.app.events.idle();
    const [row] = await t.database.db
      .select()
      .from(paperVenueState)
      .where(eq(paperVenueState.accountId, account.id));
    const state = row?.state as { positions: Array<{ venueSymbol: string }> } | undefined;
    expect(state?.positions.map((p) => p.venueSymbol)).toEqual(['BTCUSDT']);
  });
});

describe('accounts per user', () => {
  it('refuses a registration beyond MAX_ACCOUNTS_PER_USER with ACCOUNT_LIMIT_REACHED (409)', async () => {
    const other = await signUp(t.app, 'paper-venues-cap@example.com');
    const registerAs = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/accounts-secure/register',
        headers: other.auth,
        payload: { exchange: 'paper', api_key: 'k', api_secret: 's' },
      });
    for (let i = 0; i < 4; i++) expect((await registerAs()).statusCode).toBe(200);
    const refused = await registerAs();
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('ACCOUNT_LIMIT_REACHED');
    // deleting one makes room again
    const list = (
      await t.app.inject({ method: 'GET', url: '/api/v1/accounts-secure/list', headers: other.auth })
    ).json().accounts as Array<{ id: string }>;
    expect(list).toHaveLength(4);
    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/accounts-secure/${list[0]!.id}`,
      headers: other.auth,
    });
    expect(deleted.statusCode).toBeLessThan(300);
    expect((await registerAs()).statusCode).toBe(200);
  });

  it('holds under parallel registrations: exactly the limit get in', async () => {
    const other = await signUp(t.app, 'paper-venues-race@example.com');
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/accounts-secure/register',
          headers: other.auth,
          payload: { exchange: 'paper', api_key: 'k', api_secret: 's' },
        }),
      ),
    );
    expect(answers.filter((a) => a.statusCode === 200)).toHaveLength(4);
    expect(answers.filter((a) => a.statusCode === 409)).toHaveLength(4);
  });
});
