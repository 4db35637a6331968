import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balanceDays, type BalanceDayRow, type FillRow, type FundingPaymentRow } from '@tradingbot/db';
import { createExchangeFactory } from '../src/exchange-factory.ts';
import { pnlByPeriod, returnsByPeriod } from '../src/services/account-history.ts';
import { balanceDaysOf, observeBalance, recordBalance } from '../src/services/balance-history.ts';
import { signUp, testApp, type TestApp } from './helpers.ts';

/*
 * Returns in percent from the recorded wallet balances (`returnsByPeriod`). Every expected figure is
 * worked out by hand in the comments: the balance at the start of the period, the net PnL, and the
 * deposit that must not count as a return.
 */

let seq = 0;
function fill(accountId: string, at: string, realizedPnl: string, fee: string): FillRow {
  seq += 1;
  return {
    id: seq,
    accountId,
    venueTradeId: `t${seq}`,
    venueOrderId: `o${seq}`,
    clientOrderId: '',
    signalId: null,
    symbol: 'BTCUSDT',
    side: 'sell',
    positionSide: 'net',
    qty: '1',
    price: '100',
    fee,
    feeAsset: 'USDT',
    realizedPnl,
    liquidity: 'taker',
    reason: 'signal',
    venueTime: new Date(at),
    createdAt: new Date(at),
  };
}

function day(
  accountId: string,
  date: string,
  open: [string, string],
  close: [string, string],
  transfers = '0',
): BalanceDayRow {
  return {
    accountId,
    asset: 'USDT',
    day: date,
    openBalance: open[0],
    openAt: new Date(`${date}T${open[1]}Z`),
    closeBalance: close[0],
    closeAt: new Date(`${date}T${close[1]}Z`),
    transfers,
    updatedAt: new Date(),
  };
}

const A = 'acct-a';

// Account A. 28 Feb: a fill before the mirror ever saw a balance.
// 1 Mar: first balance 10,000 at 08:00; net +150 (realized 155, fees 5); 10,150 after the last fill.
// 2 Mar: deposit of 5,000 at 09:00 (15,150); net −101.5 (realized −100, fee 1.5) → 15,048.5.
// 3 Mar: no balance observed; net +300.97 (realized 301.97, fee 1).
const rowsA = [
  fill(A, '2026-02-28T10:00:00Z', '10', '0'),
  fill(A, '2026-03-01T10:00:00Z', '0', '2'),
  fill(A, '2026-03-01T12:00:00Z', '155', '3'),
  fill(A, '2026-03-02T14:00:00Z', '-100', '1.5'),
  fill(A, '2026-03-03T10:00:00Z', '301.97', '1'),
];
const daysA = [
  day(A, '2026-03-01', ['10000', '08:00:00'], ['10150', '12:00:01']),
  day(A, '2026-03-02', ['15150', '09:00:00'], ['15048.5', '14:00:01'], '5000'),
];

const run = (
  period: 'day' | 'month',
  rows: FillRow[],
  balances: BalanceDayRow[],
  accountIds: string[],
  funding: FundingPaymentRow[] = [],
) => returnsByPeriod(pnlByPeriod(rows, funding, period), { rows, funding, balances, accountIds });

describe('returns in percent of the balance at the start of the period', () => {
  it('per day: worked back from the balance, a deposit is capital and not a return, compounded', () => {
    const periods = run('day', rowsA, daysA, [A]);
    expect(
      periods.map((p) => [p.date, p.net_pnl, p.start_equity, p.return_pct, p.cumulative_return_pct]),
    ).toEqual([
      // No balance yet: unknown, and the compounding starts later.
      ['2026-02-28', '10', null, null, null],
      // 10,150 − 150 = 10,000; 150 / 10,000 = 1.5 %.
      ['2026-03-01', '150', '10000', '1.5', '1.5'],
      // 15,048.5 + 101.5 − 5,000 deposited = 10,150; −101.5 / 10,150 = −1 %; 1.015 × 0.99 − 1 = 0.485 %.
      ['2026-03-02', '-101.5', '10150', '-1', '0.485'],
      // No balance that day: 2 March's close 15,048.5 (nothing traded since); 300.97 / 15,048.5 = 2 %;
      // 1.015 × 0.99 × 1.02 − 1 = 2.4947 %.
      ['2026-03-03', '300.97', '15048.5', '2', '2.4947'],
    ]);
  });

  it('per month: the month’s start balance, not its days compounded', () => {
    const periods = run('month', rowsA, daysA, [A]);
    expect(periods.map((p) => [p.date, p.start_equity, p.return_pct, p.cumulative_return_pct])).toEqual([
      ['2026-02', null, null, null],
      // 15,048.5 (last close in March) − 48.5 net up to it − 5,000 deposited = 10,000;
      // (150 − 101.5 + 300.97) / 10,000 = 3.4947 % (the days compounded give 2.4947 %: the deposit
      // doubled half the month's capital).
      ['2026-03', '10000', '3.4947', '3.4947'],
    ]);
  });

  it('all accounts: the start balances add up; an idle account without a balance is left out', () => {
    const B = 'acct-b'; // 5,000 all along, never traded
    const C = 'acct-c'; // never observed, never traded
    const days = [...daysA, day(B, '2026-03-01', ['5000', '07:00:00'], ['5000', '07:00:00'])];
    const periods = run('day', rowsA, days, [A, B, C]);
    // 1 Mar: 10,000 + 5,000; 150 / 15,000 = 1 %. 2 Mar: 10,150 + 5,000; −101.5 / 15,150 = −0.67 %.
    expect(periods[1]).toMatchObject({ start_equity: '15000', return_pct: '1' });
    expect(periods[2]).toMatchObject({ start_equity: '15150', return_pct: '-0.669967' });
  });

  it('an account that traded without a balance makes the period unknown, and the compounding stops', () => {
    const B = 'acct-b';
    const rows = [...rowsA, fill(B, '2026-03-02T16:00:00Z', '5', '0')];
    const periods = run('day', rows, daysA, [A, B]);
    expect(periods.map((p) => [p.date, p.return_pct, p.cumulative_return_pct])).toEqual([
      ['2026-02-28', null, null],
      ['2026-03-01', '1.5', '1.5'],
      ['2026-03-02', null, null],
      // Known again (B did not trade), but the chain of returns has a hole: no cumulative figure.
      ['2026-03-03', '2', null],
    ]);
  });

  it('funding counts as PnL; no capital means no return', () => {
    const funding: FundingPaymentRow[] = [
      {
        id: 1,
        accountId: A,
        venueEntryId: 'f1',
        symbol: 'BTCUSDT',
        amount: '-20',
        asset: 'USDT',
        venueTime: new Date('2026-03-01T16:00:00Z'),
        createdAt: new Date('2026-03-01T16:00:00Z'),
      },
    ];
    // 1 Mar closes at 10,130 after the funding: 10,130 − (150 − 20) = 10,000; 130 / 10,000 = 1.3 %.
    const days = [day(A, '2026-03-01', ['10000', '08:00:00'], ['10130', '16:00:01'])];
    const periods = run('day', rowsA.slice(1, 3), days, [A], funding);
    expect(periods).toMatchObject([{ net_pnl: '130', start_equity: '10000', return_pct: '1.3' }]);

    const empty = [day(A, '2026-03-01', ['0', '08:00:00'], ['150', '12:00:01'])];
    expect(run('day', rowsA.slice(1, 3), empty, [A])).toMatchObject([
      { start_equity: '0', return_pct: null, cumulative_return_pct: null },
    ]);
  });

  it('reads a balance event: wallet without unrealised PnL, a transfer only when the reason says so', () => {
    const at = Date.parse('2026-03-02T09:00:00Z');
    const usdt = { asset: 'USDT', total: '15200', available: '15000', unrealizedPnl: '50', change: '5000' };
    expect(observeBalance([usdt], at, 'DEPOSIT')).toEqual({
      wallet: '15150',
      transfer: '5000',
      at: new Date(at),
    });
    expect(observeBalance([usdt], at, 'ORDER')?.transfer).toBe('0');
    expect(observeBalance([{ ...usdt, change: undefined }], at, 'WITHDRAW')?.transfer).toBe('0');
    expect(observeBalance([{ ...usdt, asset: 'BNB' }], at, 'DEPOSIT')).toBeUndefined();
  });
});

describe('balance_days: one upsert per observation', () => {
  let t: TestApp;
  let accountId: string;

  beforeAll(async () => {
    t = await testApp({ connectExchange: createExchangeFactory({ paperFeed: false, sweepEveryMs: 0 }) });
    await t.app.ready();
    const { auth } = await signUp(t.app, 'balance-days@example.com');
    const registered = await t.app.inject({
      method: 'POST',
      url: '/api/v1/accounts-secure/register',
      headers: auth,
      payload: { exchange: 'paper', label: 'Days' },
    });
    accountId = (registered.json() as { id: string }).id;
  });
  afterAll(async () => t.close());

  it('keeps the earliest as the open and the latest as the close, adds transfers up, one row per UTC day', async () => {
    const at = (iso: string) => new Date(iso);
    const record = (wallet: string, iso: string, transfer = '0') =>
      recordBalance(t.database, accountId, { wallet, transfer, at: at(iso) });
    await record('1000', '2026-03-01T08:00:00Z');
    await record('1500', '2026-03-01T09:00:00Z', '500');
    await record('1490', '2026-03-01T12:00:00Z');
    // Arrives late: neither the open nor the close, but its transfer counts.
    await record('1200', '2026-03-01T10:00:00Z', '-300.5');
    // Earlier than every other: the new open.
    await record('990', '2026-03-01T07:00:00Z');
    // 23:59:59.999 is still 1 March; midnight is 2 March.
    await record('1480', '2026-03-01T23:59:59.999Z');
    await record('1470', '2026-03-02T00:00:00Z');

    const rows = await balanceDaysOf(t.database, [accountId]);
    expect(
      rows.map((r) => [
        r.day,
        r.openBalance,
        r.openAt.toISOString(),
        r.closeBalance,
        r.closeAt.toISOString(),
      ]),
    ).toEqual([
      ['2026-03-01', '990', '2026-03-01T07:00:00.000Z', '1480', '2026-03-01T23:59:59.999Z'],
      ['2026-03-02', '1470', '2026-03-02T00:00:00.000Z', '1470', '2026-03-02T00:00:00.000Z'],
    ]);
    // 500 − 300.5
    expect(Number(rows[0]!.transfers)).toBe(199.5);
    expect(rows[1]!.transfers).toBe('0');
    expect(rows.every((r) => r.asset === 'USDT')).toBe(true);
    expect(await balanceDaysOf(t.database, ['someone-else'])).toEqual([]);
    await t.database.db.delete(balanceDays);
  });
});
