import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orders } from '@tradingbot/db';
import { realizedFromFills } from '../src/services/pnl.ts';
import { signUp, testApp, type TestApp } from './helpers.ts';

describe('realizedFromFills', () => {
  it('realizes against the average entry, across reversals, per symbol', () => {
    const { realized, open } = realizedFromFills([
      { symbol: 'BTCUSDT', side: 'buy', qty: '1', price: '100' },
      { symbol: 'BTCUSDT', side: 'buy', qty: '1', price: '110' }, // long 2 @ 105
      { symbol: 'BTCUSDT', side: 'sell', qty: '1', price: '120' }, // +15
      { symbol: 'BTCUSDT', side: 'sell', qty: '2', price: '100' }, // +(-5) on 1, then short 1 @ 100
      { symbol: 'ETHUSDT', side: 'sell', qty: '2', price: '50' },
      { symbol: 'ETHUSDT', side: 'buy', qty: '1', price: '40' }, // +10
    ]);
    expect(realized.toString()).toBe('20');
    expect(open).toEqual([
      { symbol: 'BTCUSDT', qty: -1, avg_entry: 100 },
      { symbol: 'ETHUSDT', qty: -1, avg_entry: 50 },
    ]);
  });

  it('does not drift over many small fills (decimal, not float)', () => {
    // 0.1 + 0.2 style sums: 1,000 round trips of 0.001 BTC, each 0.1 USDT apart, realize exactly 0.1
    const fills = Array.from({ length: 1_000 }, (_, i) => [
      { symbol: 'BTCUSDT', side: 'buy', qty: '0.001', price: `${60000 + i}.1` },
      { symbol: 'BTCUSDT', side: 'sell', qty: '0.001', price: `${60000 + i}.2` },
    ]).flat();
    const { realized, open, fills: counted } = realizedFromFills(fills);
    expect(realized.toString()).toBe('0.1');
    expect(open).toEqual([]);
    expect(counted).toBe(2_000);
  });
});

describe('GET /api/v1/accounts-secure/:id/pnl', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(async () => t.close());

  it("sums the account's recorded fills, owner only", async () => {
    const alice = await signUp(t.app, 'pnl-alice@example.com');
    const bob = await signUp(t.app, 'pnl-bob@example.com');
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/accounts-secure/register',
      headers: alice.auth,
      payload: { exchange: 'paper', api_key: 'k', api_secret: 's', testnet: true },
    });
    const accountId = created.json().id as string;
    const order = (side: string, qty: string, price: string, status = 'filled') => ({
      id: randomUUID(),
      accountId,
      role: 'entry' as const,
      clientOrderId: randomUUID(),
      symbol: 'BTCUSDT',
      side,
      type: 'market',
      qty,
      price,
      status,
      response: { filledQty: status === 'filled' ? qty : '0', avgPrice: price },
    });
    await t.database.db.insert(orders).values(order('buy', '0.5', '30000'));
    await t.database.db.insert(orders).values(order('sell', '0.5', '31000', 'new')); // not filled
    await t.database.db.insert(orders).values(order('sell', '0.5', '30500'));
    const pnl = await t.app.inject({
      method: 'GET',
      url: `/api/v1/accounts-secure/${accountId}/pnl`,
      headers: alice.auth,
    });
    expect(pnl.statusCode, pnl.body).toBe(200);
    expect(pnl.json()).toMatchObject({ realized_pnl: 250, fills: 2, open: [] });
    const foreign = await t.app.inject({
      method: 'GET',
      url: `/api/v1/accounts-secure/${accountId}/pnl`,
      headers: bob.auth,
    });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('ACCOUNT_NOT_FOUND');
  });
});
