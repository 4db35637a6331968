import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { balanceDays, fills, fundingPayments } from '@tradingbot/db';
import type { PaperExchange } from '@tradingbot/exchange';
import { createExchangeFactory } from '../src/exchange-factory.ts';
import { signUp, testApp, testConfig, type TestApp } from './helpers.ts';

/*
 * The account mirror on a paper account: the paper venue's in-process stream (the same
 * AccountEvents as the live venues'), a liquidation and a funding payment recorded in `fills` and
 * the funding ledger, and the trade's PnL net of both.
 */

const SYMBOL = 'BTCUSDT';

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the account mirror on a paper account', () => {
  let t: TestApp;
  let venue: PaperExchange;
  let account: { id: string; webhook_secret: string };
  let auth: { authorization: string };

  let startedOn: string;

  beforeAll(async () => {
    startedOn = new Date().toISOString().slice(0, 10);
    const factory = createExchangeFactory({ paperFeed: false, sweepEveryMs: 0 });
    t = await testApp({
      config: testConfig({ STREAMS_ENABLED: 'true' }),
      connectExchange: factory,
      mirror: { sweepIntervalMs: 100, leaseMs: 1_500, protectionCheckDelayMs: 100 },
    });
    await t.app.ready();
    const user = await signUp(t.app, 'mirror-paper@example.com');
    auth = user.auth;
    const registered = await t.app.inject({
      method: 'POST',
      url: '/api/v1/accounts-secure/register',
      headers: auth,
      payload: { exchange: 'paper', api_key: 'k', api_secret: 's' },
    });
    account = registered.json();
    venue = factory(
      { id: account.id, exchange: 'paper', testnet: true },
      { apiKey: '', apiSecret: '' },
    ) as PaperExchange;
    venue.setPrice(SYMBOL, '50000');
    await until('the paper stream', async () => t.app.mirror?.session(account.id)?.connectedOnce);
  });
  afterAll(async () => t.close());

  it('a funding payment and a liquidation appear in the ledger and in fills', async () => {
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
        leverage: 20,
        qty: 3, // 150,000 USDT at 20× on a 10,000 USDT wallet: cross liquidation near 46,900
        sl_pct: 20, // the stop rests at 40,000, below the liquidation level
        tp_pct: 50, // stated: the default take-profit (3 ATR) needs candles this venue does not have
        id: 'mirror-paper-1',
      }),
    });
    expect(opened.json(), JSON.stringify(opened.json())).toMatchObject({ success: true });
    await until('the entry fill', async () => {
      const rows = await t.database.db.select().from(fills).where(eq(fills.accountId, account.id));
      return rows.length === 1 ? rows : undefined;
    });

    const paid = venue.applyFunding(SYMBOL, '0.001'); // a long pays 3 × 50,000 × 0.001 = 150
    expect(Number(paid)).toBeCloseTo(-150, 6);
    const [payment] = await until('the funding row', async () => {
      const rows = await t.database.db
        .select()
        .from(fundingPayments)
        .where(eq(fundingPayments.accountId, account.id));
      return rows.length === 1 ? rows : undefined;
    });
    expect(payment).toMatchObject({ symbol: SYMBOL, asset: 'USDT' });
    expect(Number(payment!.amount)).toBeCloseTo(-150, 6);

    venue.setPrice(SYMBOL, '45000'); // below the liquidation level (≈ 46,900), above the stop
    const liquidation = await until('the liquidation fill', async () => {
      const rows = await t.database.db.select().from(fills).where(eq(fills.accountId, account.id));
      return rows.find((f) => f.reason === 'liquidation');
    });
    expect(liquidation).toMatchObject({ side: 'sell', qty: '3', signalId: null });
    expect(Number(liquidation.realizedPnl)).toBeLessThan(0);

    const trades = await t.app.inject({
      method: 'GET',
      url: `/api/v1/accounts-secure/${account.id}/trades`,
      headers: auth,
    });
    const [trade] = (trades.json() as { trades: Array<Record<string, string>> }).trades;
    expect(trade).toMatchObject({ status: 'closed', entry_reason: 'signal', exit_reason: 'liquidation' });
    expect(Number(trade!.funding)).toBeCloseTo(-150, 6);
    expect(Number(trade!.net_pnl)).toBeCloseTo(
      Number(trade!.realized_pnl) - Number(trade!.fees) + Number(trade!.funding),
      6,
    );

    // The summary reads the fills: the venue's realized PnL net of fees and funding.
    const pnl = await t.app.inject({
      method: 'GET',
      url: `/api/v1/accounts-secure/${account.id}/pnl`,
      headers: auth,
    });
    expect(pnl.json().realized_pnl).toBeCloseTo(Number(trade!.net_pnl), 6);
    expect(pnl.json().basis).toMatch(/account mirror/);
  });

  it('records the wallet balance per day; a deposit is capital, the day’s return is its net PnL on 10,000', async (ctx) => {
    const today = new Date().toISOString().slice(0, 10);
    // The start-up balance and the trade above belong to one UTC day unless midnight passed since.
    if (startedOn !== today) ctx.skip();
    venue.deposit('USDT', '500');
    const [row] = await until('the deposit in balance_days', async () => {
      const rows = await t.database.db
        .select()
        .from(balanceDays)
        .where(eq(balanceDays.accountId, account.id));
      return rows.length === 1 && rows[0]!.transfers === '500' ? rows : undefined;
    });
    if (new Date().toISOString().slice(0, 10) !== today) ctx.skip();
    // The REST re-sync at start-up saw the paper account's 10,000 before anything happened.
    expect(row).toMatchObject({ asset: 'USDT', day: today, openBalance: '10000', transfers: '500' });
    expect(row!.closeBalance).toBe((await venue.balance('USDT')).total);

    const response = await t.app.inject({
      method: 'GET',
      url: `/api/v1/history/returns?account_id=${account.id}`,
      headers: auth,
    });
    const [period] = (response.json() as { periods: Array<Record<string, string | null>> }).periods;
    // The wallet moved by the trade's net PnL (realized − fees + funding) and the deposit only: worked
    // back from the close it started the day at 10,000, and the return is net / 10,000 × 100.
    expect(period).toMatchObject({ date: today, start_equity: '10000' });
    expect(Number(period!.return_pct)).toBeCloseTo(Number(period!.net_pnl) / 100, 8);
    expect(period!.cumulative_return_pct).toBe(period!.return_pct);
  });
});
