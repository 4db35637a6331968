import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balanceDays, fills, fundingPayments } from '@tradingbot/db';
import type { PaperExchange } from '@tradingbot/exchange';
import { createExchangeFactory } from '../src/exchange-factory.ts';
import { signUp, testApp, type TestApp } from './helpers.ts';

/*
 * Trade history and performance across a user's accounts (`/api/v1/history/*`) and the position
 * chart (`/accounts-secure/{id}/chart|open-orders`). The fills are written by hand with figures
 * whose sums are worked out below, so the endpoints are checked against arithmetic, not themselves.
 */

type Auth = { authorization: string };

let seq = 0;
function fill(
  accountId: string,
  at: string,
  symbol: string,
  side: 'buy' | 'sell',
  qty: string,
  price: string,
  fee: string,
  realizedPnl: string,
  reason: 'signal' | 'stop_loss' | 'take_profit',
) {
  seq += 1;
  return {
    accountId,
    venueTradeId: `t${seq}`,
    venueOrderId: `o${seq}`,
    symbol,
    side,
    positionSide: 'net' as const,
    qty,
    price,
    fee,
    feeAsset: 'USDT',
    realizedPnl,
    liquidity: 'taker' as const,
    reason,
    venueTime: new Date(at),
  };
}

describe('trade history and the position chart', () => {
  let t: TestApp;
  let owner: Auth;
  let stranger: Auth;
  let a: string; // owner's account with two closed trades
  let b: string; // owner's account with one open trade and a funding payment
  let foreign: string; // the stranger's account
  const factory = createExchangeFactory({ paperFeed: false, sweepEveryMs: 0 });

  const get = (url: string, auth: Auth) => t.app.inject({ method: 'GET', url, headers: auth });
  const register = async (auth: Auth, label: string) =>
    (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/accounts-secure/register',
        headers: auth,
        payload: { exchange: 'paper', label },
      })
    ).json() as { id: string; webhook_secret: string };

  beforeAll(async () => {
    t = await testApp({ connectExchange: factory });
    await t.app.ready();
    owner = (await signUp(t.app, 'history-owner@example.com')).auth;
    stranger = (await signUp(t.app, 'history-stranger@example.com')).auth;
    a = (await register(owner, 'Alpha')).id;
    b = (await register(owner, 'Beta')).id;
    foreign = (await register(stranger, 'Other')).id;
    await t.database.db.insert(fills).values([
      // A: BTC long 100 → 110, take-profit. Net 10 − 0.1 − 0.11 = 9.79.
      fill(a, '2026-03-01T10:00:00Z', 'BTCUSDT', 'buy', '1', '100', '0.1', '0', 'signal'),
      fill(a, '2026-03-01T12:00:00Z', 'BTCUSDT', 'sell', '1', '110', '0.11', '10', 'take_profit'),
      // A: ETH short 2 at 50 → 55, stopped. Net −10 − 0.05 − 0.055 = −10.105.
      fill(a, '2026-04-02T09:00:00Z', 'ETHUSDT', 'sell', '2', '50', '0.05', '0', 'signal'),
      fill(a, '2026-04-03T09:00:00Z', 'ETHUSDT', 'buy', '2', '55', '0.055', '-10', 'stop_loss'),
      // B: an open BTC long.
      fill(b, '2026-04-03T10:00:00Z', 'BTCUSDT', 'buy', '1', '200', '0.2', '0', 'signal'),
      // The stranger's profitable trade must never show up in the owner's figures.
      fill(foreign, '2026-03-01T10:00:00Z', 'BTCUSDT', 'buy', '1', '100', '0', '0', 'signal'),
      fill(foreign, '2026-03-01T11:00:00Z', 'BTCUSDT', 'sell', '1', '1100', '0', '1000', 'signal'),
    ]);
    await t.database.db.insert(fundingPayments).values({
      accountId: b,
      venueEntryId: 'f1',
      symbol: 'BTCUSDT',
      amount: '-0.5',
      asset: 'USDT',
      venueTime: new Date('2026-04-03T18:00:00Z'),
    });
    // A's wallet as the mirror saw it on 1 March: 1,000 before the trade, 1,009.79 after it. B has
    // no balance recorded; the stranger's 1,000,000 must not count.
    const balanceDay = (accountId: string, day: string, open: string, close: string) => ({
      accountId,
      asset: 'USDT',
      day,
      openBalance: open,
      openAt: new Date(`${day}T09:00:00Z`),
      closeBalance: close,
      closeAt: new Date(`${day}T12:00:01Z`),
    });
    await t.database.db
      .insert(balanceDays)
      .values([
        balanceDay(a, '2026-03-01', '1000', '1009.79'),
        balanceDay(foreign, '2026-03-01', '1000000', '1001000'),
      ]);
  });
  afterAll(async () => t.close());

  it('lists the round trips of all the caller’s accounts, newest first, each naming its account', async () => {
    const response = await get('/api/v1/history/trades', owner);
    expect(response.statusCode, response.body).toBe(200);
    const { trades, total } = response.json() as { trades: Record<string, unknown>[]; total: number };
    expect(total).toBe(3);
    expect(trades.map((x) => [x.account_label, x.symbol, x.status])).toEqual([
      ['Beta', 'BTCUSDT', 'open'],
      ['Alpha', 'ETHUSDT', 'closed'],
      ['Alpha', 'BTCUSDT', 'closed'],
    ]);
    expect(trades[1]).toMatchObject({ side: 'short', exit_reason: 'stop_loss', net_pnl: '-10.105' });
    expect(trades[2]).toMatchObject({ side: 'long', exit_reason: 'take_profit', net_pnl: '9.79' });

    const closed = (await get('/api/v1/history/trades?status=closed&limit=1&offset=1', owner)).json();
    expect(closed).toMatchObject({ total: 2, trades: [{ symbol: 'BTCUSDT', account_id: a }] });
  });

  it('sums PnL per day and per month, with the closed trades summed up', async () => {
    const daily = (await get('/api/v1/history/returns', owner)).json() as {
      periods: Record<string, unknown>[];
      summary: Record<string, unknown>;
    };
    expect(daily.periods.map((p) => [p.date, p.net_pnl, p.cumulative_net_pnl, p.fills])).toEqual([
      ['2026-03-01', '9.79', '9.79', 2],
      ['2026-04-02', '-0.05', '9.74', 1],
      // −10 realized − 0.055 − 0.2 fees − 0.5 funding
      ['2026-04-03', '-10.755', '-1.015', 2],
    ]);
    expect(daily.summary).toEqual({
      closed_trades: 2,
      open_trades: 1,
      wins: 1,
      losses: 1,
      win_rate_pct: 50,
      net_pnl: '-0.315',
      fees: '0.315',
      funding: '0',
      gross_profit: '9.79',
      gross_loss: '10.105',
      profit_factor: '0.9688', // 9.79 / 10.105
      best_trade: '9.79',
      worst_trade: '-10.105',
    });

    const monthly = (await get('/api/v1/history/returns?period=month', owner)).json() as {
      periods: Record<string, unknown>[];
    };
    expect(monthly.periods.map((p) => [p.date, p.realized_pnl, p.fees, p.funding, p.net_pnl])).toEqual([
      ['2026-03', '10', '0.21', '0', '9.79'],
      ['2026-04', '-10', '0.305', '-0.5', '-10.805'],
    ]);
  });

  it('returns in percent of the balance at the start of each period, null while an account that traded has none', async () => {
    const daily = (await get('/api/v1/history/returns', owner)).json() as {
      periods: Record<string, unknown>[];
    };
    expect(daily.periods.map((p) => [p.date, p.start_equity, p.return_pct, p.cumulative_return_pct])).toEqual(
      [
        // 1,009.79 − 9.79 = 1,000 at the start; 9.79 / 1,000 = 0.979 %.
        ['2026-03-01', '1000', '0.979', '0.979'],
        // Nothing seen since 1 March's 1,009.79; −0.05 / 1,009.79; compounded: 1,009.74 / 1,000 − 1.
        ['2026-04-02', '1009.79', '-0.00495152', '0.974'],
        // B traded and has no balance: unknown, and so is the compounding from here on.
        ['2026-04-03', null, null, null],
      ],
    );
    const monthly = (await get('/api/v1/history/returns?period=month', owner)).json() as {
      periods: Record<string, unknown>[];
    };
    expect(monthly.periods.map((p) => [p.date, p.start_equity, p.return_pct])).toEqual([
      ['2026-03', '1000', '0.979'],
      ['2026-04', null, null],
    ]);
    // A alone on 3 April: 1,009.74 at the start, −10.055 net (−10 − 0.055); B's trade is not its.
    const one = (await get(`/api/v1/history/returns?account_id=${a}`, owner)).json() as {
      periods: Record<string, unknown>[];
    };
    expect(one.periods.at(-1)).toMatchObject({
      date: '2026-04-03',
      start_equity: '1009.74',
      return_pct: '-0.9958009',
      cumulative_return_pct: '-0.0315',
    });
  });

  it('narrows to one account, and refuses another user’s account as not found', async () => {
    const one = (await get(`/api/v1/history/returns?account_id=${a}`, owner)).json() as {
      periods: { date: string; cumulative_net_pnl: string }[];
    };
    expect(one.periods.at(-1)).toMatchObject({ date: '2026-04-03', cumulative_net_pnl: '-0.315' });

    for (const url of [
      `/api/v1/history/trades?account_id=${foreign}`,
      `/api/v1/history/returns?account_id=${foreign}`,
      `/api/v1/accounts-secure/${foreign}/chart?symbol=BTCUSDT`,
      `/api/v1/accounts-secure/${foreign}/open-orders`,
    ]) {
      const refused = await get(url, owner);
      expect(refused.statusCode, url).toBe(404);
      expect(refused.json().error.code).toBe('ACCOUNT_NOT_FOUND');
    }
    const strangers = (await get('/api/v1/history/trades', stranger)).json() as { total: number };
    expect(strangers.total).toBe(1);
    expect((await get('/api/v1/history/trades', { authorization: 'Bearer nope' })).statusCode).toBe(401);
  });

  it('answers CSV with the same rows', async () => {
    const trades = await get('/api/v1/history/trades?format=csv', owner);
    expect(trades.headers['content-type']).toMatch(/^text\/csv/);
    expect(trades.headers['content-disposition']).toBe('attachment; filename="trades.csv"');
    const lines = trades.body.trim().split('\r\n');
    expect(lines[0]).toMatch(/^symbol,side,status,.*,net_pnl,fills,account_id,account_label,exchange$/);
    expect(lines).toHaveLength(4);
    expect(lines[2]).toContain(',-10.105,');
    const months = await get('/api/v1/history/returns?period=month&format=csv', owner);
    expect(months.body.split('\r\n').slice(0, 2)).toEqual([
      'date,realized_pnl,fees,funding,net_pnl,cumulative_net_pnl,fills,start_equity,return_pct,cumulative_return_pct',
      '2026-03,10,0.21,0,9.79,9.79,2,1000,0.979,0.979',
    ]);
  });

  it('refuses bad queries with 400', async () => {
    for (const url of [
      '/api/v1/history/returns?period=week',
      '/api/v1/history/trades?status=lost',
      `/api/v1/accounts-secure/${a}/chart?symbol=btc%20usdt`,
      `/api/v1/accounts-secure/${a}/chart?symbol=BTCUSDT&timeframe=7m`,
      `/api/v1/accounts-secure/${a}/chart`,
    ]) {
      const refused = await get(url, owner);
      expect(refused.statusCode, `${url}: ${refused.body}`).toBe(400);
      expect(refused.json().error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('charts a position: candles, the fills on them, and the stop-loss and take-profit resting on the venue', async () => {
    const account = await register(owner, 'Chart');
    const venue = factory(
      { id: account.id, exchange: 'paper', testnet: true },
      { apiKey: '', apiSecret: '' },
    ) as PaperExchange;
    const start = Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000;
    for (const [k, price] of ['50000', '50100', '49900', '50000'].entries())
      venue.setPrice('BTCUSDT', price, start + k * 60_000);
    const opened = await t.app.inject({
      method: 'POST',
      url: '/api/v1/webhook/tradingview',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({
        account_id: account.id,
        secret: account.webhook_secret,
        exchange: 'paper',
        action: 'long',
        symbol: 'BINANCE:BTCUSDT.P',
        leverage: 5,
        qty: 0.01,
        sl_pct: 2, // 49,000
        tp_pct: 4, // 52,000
        id: 'history-chart-1',
      }),
    });
    expect(opened.json(), opened.body).toMatchObject({ success: true });
    await t.database.db
      .insert(fills)
      .values(
        fill(
          account.id,
          new Date(start + 3 * 60_000).toISOString(),
          'BTCUSDT',
          'buy',
          '0.01',
          '50000',
          '0.2',
          '0',
          'signal',
        ),
      );

    const response = await get(
      `/api/v1/accounts-secure/${account.id}/chart?symbol=BTCUSDT&timeframe=1m`,
      owner,
    );
    expect(response.statusCode, response.body).toBe(200);
    const chart = response.json() as {
      candles: { time: number; high: number; low: number }[];
      fills: { time: number; side: string; reason: string }[];
      orders: { kind: string; trigger_price: string | null; side: string }[];
      positions: { qty: string; entry_price: string }[];
    };
    expect(chart.candles.length).toBeGreaterThanOrEqual(4);
    expect(chart.candles[0]!.time).toBe(start);
    expect(Math.max(...chart.candles.map((c) => c.high))).toBe(50100);
    expect(chart.fills).toEqual([
      expect.objectContaining({ time: start + 3 * 60_000, side: 'buy', reason: 'signal' }),
    ]);
    const protection = Object.fromEntries(chart.orders.map((o) => [o.kind, Number(o.trigger_price)]));
    expect(protection).toEqual({ stop_loss: 49_000, take_profit: 52_000 });
    expect(chart.orders.every((o) => o.side === 'sell')).toBe(true);
    expect(Number(chart.positions[0]!.qty)).toBeCloseTo(0.01, 8);

    const resting = (await get(`/api/v1/accounts-secure/${account.id}/open-orders`, owner)).json() as {
      orders: { kind: string; symbol: string }[];
    };
    expect(resting.orders.map((o) => o.kind).sort()).toEqual(['stop_loss', 'take_profit']);
  });
});
