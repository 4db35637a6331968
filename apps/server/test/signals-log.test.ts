import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { fills, refusedAlerts } from '@tradingbot/db';
import type { PaperExchange } from '@tradingbot/exchange';
import { createExchangeFactory } from '../src/exchange-factory.ts';
import { toCsv } from '../src/services/account-history.ts';
import {
  recordRefusedAlert,
  REFUSED_BUCKET_MS,
  REFUSED_KEEP_PER_ACCOUNT,
} from '../src/services/refused-alerts.ts';
import { signUp, testApp, type TestApp } from './helpers.ts';

/*
 * The signals log (issue 21 item 5): alerts refused before authentication recorded for the
 * account's owner (aggregated, bounded, without the secret), "nothing to do" executions, the
 * account / quantity / price / PnL columns, the filters and the CSV export. On a paper account.
 */

type Refused = {
  account_id: string;
  account_label: string;
  reason: string;
  count: number;
  source_ip: string | null;
  summary: Record<string, unknown>;
};
type Row = Record<string, unknown> & { id: string; outcome: string };

let t: TestApp;
let owner: Awaited<ReturnType<typeof signUp>>;
let other: Awaited<ReturnType<typeof signUp>>;
let account: { id: string; webhook_secret: string };
let second: { id: string; webhook_secret: string };
const WRONG = 'W'.repeat(43);

const register = async (auth: { authorization: string }, label: string) =>
  (
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/accounts-secure/register',
      headers: auth,
      payload: {
        exchange: 'paper',
        label,
        api_key: 'paper-key-0123456789',
        api_secret: 'paper-secret-0123456789',
      },
    })
  ).json() as { id: string; webhook_secret: string };

beforeAll(async () => {
  const factory = createExchangeFactory({ paperFeed: false, sweepEveryMs: 0 });
  t = await testApp({ connectExchange: factory });
  await t.app.ready();
  owner = await signUp(t.app, 'log-owner@example.com');
  other = await signUp(t.app, 'log-other@example.com');
  account = await register(owner.auth, 'Main, "paper"');
  // A name a spreadsheet would run as a formula.
  second = await register(owner.auth, '=HYPERLINK("http://x")');
  for (const id of [account.id, second.id]) {
    const venue = factory(
      { id, exchange: 'paper', testnet: true },
      { apiKey: '', apiSecret: '' },
    ) as PaperExchange;
    venue.setPrice('BTCUSDT', '50000');
  }
}, 60_000);
afterAll(async () => t?.close());

const send = (body: Record<string, unknown>, target = account) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/webhook/tradingview',
    headers: { 'content-type': 'application/json' },
    remoteAddress: '203.0.113.7',
    payload: JSON.stringify({
      account_id: target.id,
      exchange: 'paper',
      secret: target.webhook_secret,
      symbol: 'BINANCE:BTCUSDT.P',
      ...body,
    }),
  });
const get = (url: string, auth = owner.auth) => t.app.inject({ method: 'GET', url, headers: auth });
const refused = async (query = '', auth = owner.auth) =>
  (await get(`/api/v1/signals/refused${query}`, auth)).json() as { refused: Refused[]; total: number };
const list = async (query = '') => {
  const response = await get(`/api/v1/signals?limit=100${query}`);
  expect(response.statusCode).toBe(200);
  return (response.json() as { signals: Row[] }).signals;
};

describe('alerts refused before authentication', () => {
  it('a wrong secret on an owned account is recorded without the secret, aggregated on repeat, for the owner only', async () => {
    for (let i = 0; i < 3; i++) {
      const response = await send({ action: 'long', secret: WRONG, id: `wrong-${i}` });
      expect(response.statusCode).toBe(401);
    }
    await t.app.events.idle();
    const mine = await refused();
    expect(mine.refused).toHaveLength(1);
    expect(mine.refused[0]).toMatchObject({
      account_id: account.id,
      account_label: 'Main, "paper"',
      reason: 'INVALID_WEBHOOK_SECRET',
      count: 3,
      source_ip: '203.0.113.7',
      summary: {
        action: 'long',
        symbol: 'BINANCE:BTCUSDT.P',
        exchange: 'paper',
        id: 'wrong-2',
        secret_present: true,
      },
    });
    expect(mine.refused[0]!.summary.fields).toEqual([
      'account_id',
      'exchange',
      'secret',
      'symbol',
      'action',
      'id',
    ]);
    // Neither the wrong secret nor the right one is stored or answered.
    const stored = JSON.stringify(await t.database.db.select().from(refusedAlerts));
    for (const text of [stored, JSON.stringify(mine)]) {
      expect(text).not.toContain(WRONG);
      expect(text).not.toContain(account.webhook_secret);
    }
    // No signal row for a refusal before authentication.
    expect((await list()).filter((s) => s.account_id === account.id)).toEqual([]);

    // Another user sees nothing, not even by naming the account.
    expect((await refused('', other.auth)).refused).toEqual([]);
    expect((await refused(`?account_id=${account.id}`, other.auth)).refused).toEqual([]);
    expect((await get('/api/v1/signals/refused')).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/signals/refused' })).statusCode).toBe(401);
  });

  it('a missing secret is told apart; an unknown account is not recorded; the account filter applies', async () => {
    expect((await send({ action: 'close_all', secret: undefined }, second)).statusCode).toBe(401);
    expect(
      (await send({ action: 'long', secret: WRONG }, { id: 'no-such-account', webhook_secret: '' }))
        .statusCode,
    ).toBe(404);
    await t.app.events.idle();
    const rows = await t.database.db.select().from(refusedAlerts);
    expect(rows.map((r) => r.accountId).sort()).toEqual([account.id, second.id].sort());
    const onSecond = await refused(`?account_id=${second.id}`);
    expect(onSecond.refused).toHaveLength(1);
    expect(onSecond.refused[0]).toMatchObject({
      count: 1,
      summary: { action: 'close_all', secret_present: false },
    });
    expect((await get('/api/v1/signals/refused?limit=0')).statusCode).toBe(400);
  });

  it('a flood adds one row a minute per account and reason, and the account keeps its newest rows only', async () => {
    const base = Date.UTC(2026, 0, 1);
    const event = {
      accountId: second.id,
      userId: owner.user.id,
      exchange: 'paper',
      code: 'INVALID_WEBHOOK_SECRET' as const,
    };
    for (let i = 0; i < 50; i++) await recordRefusedAlert(t.database, { ...event, at: base + i * 100 });
    const minute = await t.database.db
      .select()
      .from(refusedAlerts)
      .where(eq(refusedAlerts.bucket, new Date(base)));
    expect(minute).toHaveLength(1);
    expect(minute[0]!.count).toBe(50);
    expect(minute[0]!.lastSeen.getTime()).toBe(base + 49 * 100);

    const extra = REFUSED_KEEP_PER_ACCOUNT + 5;
    for (let i = 1; i <= extra; i++)
      await recordRefusedAlert(t.database, { ...event, at: base + i * REFUSED_BUCKET_MS });
    const kept = await t.database.db
      .select()
      .from(refusedAlerts)
      .where(eq(refusedAlerts.accountId, second.id));
    expect(kept).toHaveLength(REFUSED_KEEP_PER_ACCOUNT);
    // The oldest buckets went (the live one from the test above is the newest and stays).
    const buckets = kept.map((r) => r.bucket.getTime());
    expect(Math.min(...buckets)).toBe(base + (extra - REFUSED_KEEP_PER_ACCOUNT + 2) * REFUSED_BUCKET_MS);
    // The other account's rows are untouched.
    expect(
      await t.database.db.select().from(refusedAlerts).where(eq(refusedAlerts.accountId, account.id)),
    ).toHaveLength(1);
  });
});

describe('the signals list', () => {
  let noop: Row;
  let opened: Row;
  let closed: Row;

  beforeAll(async () => {
    expect((await send({ action: 'close_long', id: 'close-nothing' })).json()).toMatchObject({
      success: true,
      code: 'NO_POSITION_TO_CLOSE',
    });
    expect(
      (await send({ action: 'long', id: 'open-1', qty: 0.02, leverage: 2, sl_pct: 2, tp_pct: 3 })).statusCode,
    ).toBe(200);
    expect((await send({ action: 'close_long', id: 'close-1' })).statusCode).toBe(200);
    // Refused after authentication (another venue's alert): a rejected signal.
    const mismatch = await send({
      action: 'long',
      id: 'other-venue',
      symbol: 'ETHUSDT',
      exchange: 'binance',
    });
    expect(mismatch.statusCode).toBe(400);
    const rows = await list(`&account_id=${account.id}`);
    const byKey = (id: string) => rows.find((r) => (r.payload as { id?: string }).id === id)!;
    [noop, opened, closed] = [byKey('close-nothing'), byKey('open-1'), byKey('close-1')];
  });

  it('an execution that sent nothing is "nothing_to_do"; the others carry account, quantity and price', async () => {
    expect(noop).toMatchObject({ status: 'executed', outcome: 'nothing_to_do', qty: null, price: null });
    expect(opened).toMatchObject({
      status: 'executed',
      outcome: 'executed',
      account_label: 'Main, "paper"',
      action: 'long',
      symbol: 'BTCUSDT',
      qty: '0.02',
      realized_pnl: null,
    });
    expect(Number(opened.price)).toBeGreaterThan(49_000);
    expect(closed).toMatchObject({ outcome: 'executed', action: 'close_long', qty: '0.02' });
    const detail = (await get(`/api/v1/signals/${noop.id}`)).json() as Row;
    expect(detail).toMatchObject({ outcome: 'nothing_to_do', account_label: 'Main, "paper"' });
  });

  it('PnL is the sum of the realized PnL of the fills tied to the signal', async () => {
    const fill = (n: number, pnl: string) => ({
      accountId: account.id,
      venueTradeId: `log-trade-${n}`,
      venueOrderId: `log-order-${n}`,
      signalId: closed.id,
      symbol: 'BTCUSDT',
      side: 'sell' as const,
      positionSide: 'net' as const,
      qty: '0.01',
      price: '50100',
      fee: '0.2',
      feeAsset: 'USDT',
      realizedPnl: pnl,
      liquidity: 'taker' as const,
      reason: 'signal' as const,
      venueTime: new Date(),
    });
    await t.database.db.insert(fills).values([fill(1, '12.5'), fill(2, '-2.25')]);
    const rows = await list(`&account_id=${account.id}`);
    expect(rows.find((r) => r.id === closed.id)?.realized_pnl).toBe('10.25');
    expect((await get(`/api/v1/signals/${closed.id}`)).json()).toMatchObject({ realized_pnl: '10.25' });
    await t.database.db.delete(fills).where(eq(fills.signalId, closed.id));
  });

  it('filters by outcome, symbol, account and date range', async () => {
    const ids = (rows: Row[]) => rows.map((r) => r.id).sort();
    expect(ids(await list('&outcome=nothing_to_do'))).toEqual([noop.id]);
    expect(ids(await list(`&account_id=${account.id}&outcome=executed`))).toEqual(
      [opened.id, closed.id].sort(),
    );
    expect((await list('&outcome=rejected')).map((r) => r.outcome)).toEqual(['rejected']);
    expect(ids(await list(`&account_id=${account.id}&symbol=btcusdt`))).toEqual(
      [noop.id, opened.id, closed.id].sort(),
    );
    expect(await list('&symbol=ETH')).toHaveLength(1); // the refused ETHUSDT alert
    expect(await list('&symbol=%25')).toEqual([]); // a LIKE wildcard is matched as itself
    expect(await list(`&account_id=${second.id}`)).toEqual([]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await list(`&after=${future}`)).toEqual([]);
    expect(ids(await list(`&before=${future}&outcome=nothing_to_do`))).toEqual([noop.id]);
    const bad = await get('/api/v1/signals?outcome=maybe');
    expect(bad.statusCode).toBe(400);
    // Another user's filters never reach the owner's rows.
    const theirs = await get(`/api/v1/signals?account_id=${account.id}`, other.auth);
    expect(theirs.json()).toEqual({ signals: [], total: 0 });
  });

  it('exports the filtered rows as CSV, quoted and formula-safe', async () => {
    await t.database.db.insert(fills).values({
      accountId: account.id,
      venueTradeId: 'log-trade-csv',
      venueOrderId: 'log-order-csv',
      signalId: closed.id,
      symbol: 'BTCUSDT',
      side: 'sell',
      positionSide: 'net',
      qty: '0.02',
      price: '50000',
      fee: '0.4',
      feeAsset: 'USDT',
      realizedPnl: '-3.5',
      liquidity: 'taker',
      reason: 'signal',
      venueTime: new Date(),
    });
    const response = await get(`/api/v1/signals?account_id=${account.id}&format=csv&limit=100`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="signals.csv"');
    const lines = response.body.split('\r\n');
    expect(lines[0]).toBe(
      'received_at,account_label,account_id,outcome,action,symbol,qty,price,realized_pnl,error_code,error_message,source_ip,finished_at,id',
    );
    expect(lines.at(-1)).toBe('');
    const line = (row: Row) => lines.find((l) => l.endsWith(`,${row.id}`))!;
    const at = (row: Row) => `${row.received_at as string}`;
    expect(line(closed)).toBe(
      `${at(closed)},"Main, ""paper""",${account.id},executed,close_long,BTCUSDT,0.02,${closed.price as string},-3.5,,,203.0.113.7,${closed.finished_at as string},${closed.id}`,
    );
    expect(line(noop)).toBe(
      `${at(noop)},"Main, ""paper""",${account.id},nothing_to_do,close_long,BTCUSDT,,,,,,203.0.113.7,${noop.finished_at as string},${noop.id}`,
    );
    expect(lines).toHaveLength(1 + 4 + 1);
    const filtered = await get(`/api/v1/signals?account_id=${account.id}&format=csv&outcome=nothing_to_do`);
    expect(filtered.body.split('\r\n').filter(Boolean)).toHaveLength(1 + 1);

    // The account's name, which the user chose, starts with "=": quoted so no spreadsheet runs it.
    expect((await send({ action: 'close_all', id: 'csv-formula' }, second)).statusCode).toBe(200);
    const formula = await get(`/api/v1/signals?account_id=${second.id}&format=csv`);
    const [, row] = formula.body.split('\r\n');
    expect(row).toContain(`,"'=HYPERLINK(""http://x"")",${second.id},nothing_to_do,close_all,`);
  });
});

describe('CSV cells', () => {
  it('prefix anything a spreadsheet would run, numbers included only when they are whole numbers', () => {
    const rows = [{ a: "-2+3+cmd|' /C calc'!A0", b: '-12.5', c: '@SUM(1)', d: '+1', e: '-1e-8', f: 'a,"b"' }];
    expect(toCsv(rows, ['a', 'b', 'c', 'd', 'e', 'f'])).toBe(
      `a,b,c,d,e,f\r\n'-2+3+cmd|' /C calc'!A0,-12.5,'@SUM(1),'+1,-1e-8,"a,""b"""\r\n`,
    );
  });
});
