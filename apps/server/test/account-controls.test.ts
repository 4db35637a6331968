import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import {
  accountLeases,
  auditLog,
  fills,
  notificationChannels,
  notificationOutbox,
  signals,
} from '@tradingbot/db';
import type { ExecutionResult } from '@tradingbot/executor';
import { renderMessage } from '../src/services/notify/render.ts';
import type { NotifyFacts } from '../src/services/notify/facts.ts';
import { signUp, testApp, type TestApp } from './helpers.ts';

// Issue 18.4 / 18.6 / 19: an account's settings (field errors, the caps enforced on alerts, the old
// protection-policy route folded in), manual controls through the account's signal queue (a close
// queued behind an alert runs after it), and the daily loss limit (entries paused and notified,
// closes pass, resume lifts it) — on a paper account, end to end through the API.

let t: TestApp;
let user: Awaited<ReturnType<typeof signUp>>;
let other: Awaited<ReturnType<typeof signUp>>;
let account: { id: string; webhook_secret: string };

type Answer = { statusCode: number; json(): Record<string, unknown> };

/**
 * Sends an alert and resolves with its execution result, or with its refusal's code (the webhook
 * answers 202 at once here, so a refusal too ends up as a `rejected` row).
 */
async function alert(payload: Record<string, unknown>): Promise<ExecutionResult> {
  const answer = await t.app.inject({
    method: 'POST',
    url: '/api/v1/webhook/tradingview',
    payload: {
      account_id: account.id,
      exchange: 'paper',
      symbol: 'BINANCE:BTCUSDT.P',
      leverage: 2,
      size_pct: 5,
      secret: account.webhook_secret,
      ...payload,
    },
  });
  if (answer.statusCode !== 202) return answer.json<ExecutionResult>();
  const signalId = answer.json<{ signal_id: string }>().signal_id;
  for (const until = Date.now() + 20_000; Date.now() < until;) {
    const [row] = await t.database.db.select().from(signals).where(eq(signals.id, signalId));
    if (row?.status === 'rejected') return { success: false, code: row.errorCode } as ExecutionResult;
    if ((row?.status === 'executed' || row?.status === 'failed') && row.result)
      return row.result as ExecutionResult;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`alert ${String(payload.id)} did not finish`);
}

const api = (method: 'GET' | 'PUT' | 'POST', path: string, payload?: unknown, auth = user.auth) =>
  t.app.inject({
    method,
    url: `/api/v1/accounts-secure/${account.id}${path}`,
    headers: auth,
    ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
  }) as Promise<Answer & { body: string }>;

const issueFields = (answer: Answer) =>
  (answer.json() as { error: { details: { issues: Array<{ field: string }> } } }).error.details.issues
    .map((i) => i.field)
    .sort();

beforeAll(async () => {
  t = await testApp({ answerWithinMs: 0 });
  await t.app.ready();
  user = await signUp(t.app, 'controls@example.com');
  other = await signUp(t.app, 'controls-other@example.com');
  const registered = await t.app.inject({
    method: 'POST',
    url: '/api/v1/accounts-secure/register',
    headers: user.auth,
    payload: { exchange: 'paper', api_key: 'paper-key-0123456789', api_secret: 'paper-secret-0123456789' },
  });
  expect(registered.statusCode).toBe(200);
  account = registered.json();
});

afterAll(async () => {
  await t?.close();
});

describe('GET/PUT /accounts-secure/{id}/settings', () => {
  it("answers the trade plan's defaults for a new account, to its owner only", async () => {
    const answer = await api('GET', '/settings');
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json()).toEqual({
      account_id: account.id,
      default_size: { kind: 'pct', value: 10 },
      default_leverage: 1,
      margin_mode: 'cross',
      stop_loss: { type: 'atr', multiplier: 2 },
      take_profit: { type: 'atr', multiplier: 3 },
      max_leverage: null,
      max_position_notional: null,
      max_open_positions: null,
      daily_loss_limit: null,
      protection_policy: 'reprotect',
      entries_paused: false,
      loss_paused_until: null,
      today_net_pnl: '0',
    });
    expect((await api('GET', '/settings', undefined, other.auth)).statusCode).toBe(404);
    expect((await api('PUT', '/settings', { default_leverage: 2 }, other.auth)).statusCode).toBe(404);
    expect((await api('POST', '/flatten', undefined, other.auth)).statusCode).toBe(404);
    expect((await api('POST', '/pause', undefined, other.auth)).statusCode).toBe(404);
  });

  it('refuses bad input with one field error per field, and saves nothing', async () => {
    const bad = await api('PUT', '/settings', {
      default_leverage: 0,
      stop_loss: { type: 'atr', multiplier: 0 },
      take_profit: { type: 'percent', percent: 150 },
      max_open_positions: 1.5,
      daily_loss_limit: 'a lot',
      default_size: { kind: 'pct', value: 101 },
      margin_mode: 'portfolio',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect(issueFields(bad)).toEqual(
      [
        'daily_loss_limit',
        'default_leverage',
        'default_size.value',
        'margin_mode',
        'max_open_positions',
        'stop_loss.multiplier',
        'take_profit.percent',
      ].sort(),
    );
    expect((await api('PUT', '/settings', { surprise: 1 })).statusCode).toBe(400);
    // The default leverage may not exceed the maximum, within one body or against the stored one.
    const within = await api('PUT', '/settings', { default_leverage: 5, max_leverage: 3 });
    expect(within.statusCode).toBe(400);
    expect(issueFields(within)).toEqual(['default_leverage']);
    expect((await api('PUT', '/settings', { max_leverage: 3 })).statusCode).toBe(200);
    const against = await api('PUT', '/settings', { default_leverage: 5 });
    expect(against.statusCode).toBe(400);
    expect(issueFields(against)).toEqual(['default_leverage']);
    expect((await api('GET', '/settings')).json()).toMatchObject({ default_leverage: 1, max_leverage: 3 });
  });

  it('saves a whole plan and the caps; null clears a cap; the protection policy is shared with the old route', async () => {
    const saved = await api('PUT', '/settings', {
      default_size: { kind: 'usdt', value: '25.5' },
      default_leverage: 3,
      margin_mode: 'isolated',
      stop_loss: { type: 'percent', percent: 1.5 },
      take_profit: { type: 'none' },
      max_leverage: 10,
      max_position_notional: 5000,
      max_open_positions: 2,
      daily_loss_limit: '150',
      protection_policy: 'alert',
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({
      default_size: { kind: 'usdt', value: '25.5' },
      default_leverage: 3,
      margin_mode: 'isolated',
      stop_loss: { type: 'percent', percent: 1.5 },
      take_profit: { type: 'none' },
      max_leverage: 10,
      max_position_notional: '5000',
      max_open_positions: 2,
      daily_loss_limit: '150',
      protection_policy: 'alert',
    });
    const stream = await api('GET', '/stream');
    expect(stream.json()).toMatchObject({ protection_policy: 'alert' });
    expect((await api('PUT', '/protection-policy', { protection_policy: 'close' })).statusCode).toBe(200);
    expect((await api('GET', '/settings')).json()).toMatchObject({ protection_policy: 'close' });

    const cleared = await api('PUT', '/settings', {
      default_size: { kind: 'pct', value: 5 },
      max_position_notional: null,
      max_open_positions: null,
      daily_loss_limit: null,
      take_profit: { type: 'atr', multiplier: 3 },
      protection_policy: 'reprotect',
    });
    expect(cleared.json()).toMatchObject({
      default_size: { kind: 'pct', value: 5 },
      max_position_notional: null,
      max_open_positions: null,
      daily_loss_limit: null,
      max_leverage: 10,
    });
    const audited = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.accountId, account.id), eq(auditLog.action, 'account.settings_changed')));
    expect(audited.length).toBeGreaterThanOrEqual(3);
  });

  it('the executor enforces the caps on alerts, with their codes', async () => {
    expect((await api('PUT', '/settings', { default_leverage: 1, max_leverage: 2 })).statusCode).toBe(200);
    const refused = await alert({ action: 'long', leverage: 3, id: 'cap-1' });
    expect(refused).toMatchObject({ success: false, code: 'MAX_LEVERAGE_EXCEEDED' });
    await api('PUT', '/settings', { max_leverage: null, max_position_notional: '1' });
    const tooBig = await alert({ action: 'long', id: 'cap-2' });
    expect(tooBig).toMatchObject({ success: false, code: 'MAX_NOTIONAL_EXCEEDED' });
    await api('PUT', '/settings', { max_position_notional: null });
  });
});

describe('manual control through the account queue', () => {
  it('a manual close queued behind an alert for the same account runs after it', async () => {
    // Another process holds the account's lease: nothing runs until it is let go, so both signals
    // are queued first — the alert, then the close.
    const held = { holder: 'someone-else', expiresAt: new Date(Date.now() + 60_000) };
    await t.database.db
      .insert(accountLeases)
      .values({ accountId: account.id, ...held })
      .onConflictDoUpdate({ target: accountLeases.accountId, set: held });
    const queued = await t.app.inject({
      method: 'POST',
      url: '/api/v1/webhook/tradingview',
      payload: {
        account_id: account.id,
        exchange: 'paper',
        action: 'long',
        symbol: 'BINANCE:ETHUSDT.P',
        leverage: 2,
        size_pct: 5,
        id: 'behind-1',
        secret: account.webhook_secret,
      },
    });
    expect(queued.statusCode).toBe(202);
    const alertId = queued.json<{ signal_id: string }>().signal_id;
    const close = await api('POST', '/close', { symbol: 'ETHUSDT' });
    expect(close.statusCode, close.body).toBe(200);
    expect(close.json()).toMatchObject({ status: 'queued', result: null });
    const closeId = close.json().signal_id as string;

    await t.database.db.delete(accountLeases).where(eq(accountLeases.accountId, account.id));
    await t.app.webhook.worker.sweep();
    const [opened, closed] = await Promise.all([
      t.app.webhook.worker.waitFor(alertId, 20_000),
      t.app.webhook.worker.waitFor(closeId, 20_000),
    ]);
    expect(opened).toMatchObject({ success: true });
    expect(closed).toMatchObject({ success: true });
    expect((closed as ExecutionResult).order_details.results.closed).toHaveLength(1);
    const rows = await t.database.db.select().from(signals).where(eq(signals.accountId, account.id));
    const alertRow = rows.find((r) => r.id === alertId)!;
    const closeRow = rows.find((r) => r.id === closeId)!;
    expect(closeRow.startedAt!.getTime()).toBeGreaterThanOrEqual(alertRow.finishedAt!.getTime());
    expect(closeRow.payload).toMatchObject({ source: 'manual', action: 'close_all', symbol: 'ETHUSDT' });
    expect(JSON.stringify(closeRow.payload)).not.toContain(account.webhook_secret);
    const [audited] = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.signalId, closeId), eq(auditLog.action, 'signal.manual')));
    expect(audited?.details).toMatchObject({ source: 'manual', command: 'close', symbol: 'ETHUSDT' });
  });

  it('flatten closes every position of the account; cancel-orders and pause/resume answer', async () => {
    expect(await alert({ action: 'long', id: 'flat-1' })).toMatchObject({ success: true });
    expect(await alert({ action: 'short', symbol: 'BINANCE:SOLUSDT.P', id: 'flat-2' })).toMatchObject({
      success: true,
    });
    const flatten = await api('POST', '/flatten');
    expect(flatten.statusCode, flatten.body).toBe(200);
    const signalId = flatten.json().signal_id as string;
    const result =
      flatten.json().status === 'queued'
        ? await t.app.webhook.worker.waitFor(signalId, 20_000)
        : (flatten.json().result as ExecutionResult);
    expect(result).toMatchObject({ success: true, order_details: { action: 'CLOSE_ALL', symbol: '*' } });
    expect((result as ExecutionResult).order_details.results.closed).toHaveLength(2);
    const positions = await api('GET', '/positions');
    expect(positions.json()).toMatchObject({ positions: [] });

    const cancel = await api('POST', '/cancel-orders', {});
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect((await api('POST', '/close', { symbol: 'bad symbol!' })).statusCode).toBe(400);

    expect((await api('POST', '/pause')).json()).toMatchObject({ entries_paused: true });
    expect(await alert({ action: 'long', id: 'paused-1' })).toMatchObject({ code: 'ENTRIES_PAUSED' });
    expect((await api('POST', '/resume')).json()).toMatchObject({ entries_paused: false });
  });
});

describe('the daily loss limit', () => {
  it('pauses new entries (notified once), lets closes through, and resuming lifts it for the day', async () => {
    await t.database.db.insert(notificationChannels).values({
      id: 'ch-loss',
      userId: user.user.id,
      kind: 'email',
      name: 'Mail',
      address: 'controls@example.com',
      events: ['daily_loss_reached'],
    });
    expect((await api('PUT', '/settings', { daily_loss_limit: '100' })).statusCode).toBe(200);
    expect(await alert({ action: 'long', id: 'loss-open' })).toMatchObject({ success: true });

    // What the account mirror records from the venue: two losing fills today, 110.5 net with fees.
    const now = new Date();
    const fill = (n: number, pnl: string, fee: string) => ({
      accountId: account.id,
      venueTradeId: `t-${n}`,
      venueOrderId: `o-${n}`,
      symbol: 'ETHUSDT',
      side: 'sell' as const,
      positionSide: 'net' as const,
      qty: '1',
      price: '3000',
      fee,
      feeAsset: 'USDT',
      realizedPnl: pnl,
      liquidity: 'taker' as const,
      reason: 'stop_loss' as const,
      venueTime: now,
    });
    await t.database.db.insert(fills).values([fill(1, '-60', '0.25'), fill(2, '-50', '0.25')]);

    const refused = await alert({ action: 'long', symbol: 'BINANCE:ETHUSDT.P', id: 'loss-entry' });
    expect(refused).toMatchObject({ success: false, code: 'DAILY_LOSS_LIMIT_REACHED' });
    const midnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
    const settings = (await api('GET', '/settings')).json();
    expect(settings).toMatchObject({
      today_net_pnl: '-110.5',
      loss_paused_until: midnight.toISOString(),
      entries_paused: false,
    });
    // A second refused entry does not notify again.
    expect(await alert({ action: 'short', id: 'loss-entry-2' })).toMatchObject({
      code: 'DAILY_LOSS_LIMIT_REACHED',
    });
    await t.app.events.idle();
    const queued = await t.database.db
      .select()
      .from(notificationOutbox)
      .where(
        and(eq(notificationOutbox.userId, user.user.id), eq(notificationOutbox.event, 'daily_loss_reached')),
      );
    expect(queued).toHaveLength(1);
    const facts = queued[0]!.payload as unknown as NotifyFacts;
    expect(facts).toMatchObject({ type: 'daily_loss_reached', limit: '100', netPnl: '-110.5' });
    expect(JSON.stringify(facts)).not.toContain(account.id);
    const en = renderMessage('m1', facts, 'en', 'https://bot.example');
    expect(en.title).toContain('Daily loss limit reached');
    expect(en.text).toContain("Today's net PnL -110.5 USDT, limit -100 USDT.");
    expect(en.text).toContain('Closes still run');
    const ko = renderMessage('m1', facts, 'ko', undefined);
    expect(ko.title).toContain('일일 손실 한도 도달');
    expect(ko.text).toContain('청산은 계속 실행됩니다');

    // Closes still run while paused.
    const close = await alert({ action: 'close_all', id: 'loss-close' });
    expect(close).toMatchObject({ success: true });
    expect(close.order_details.results.closed).toHaveLength(1);

    // The user resumes: entries run again, and today's losses do not pause the account again.
    expect((await api('POST', '/resume')).json()).toMatchObject({ loss_paused_until: null });
    expect(await alert({ action: 'long', id: 'loss-after-resume' })).toMatchObject({ success: true });
    await alert({ action: 'close_all', id: 'loss-after-resume-close' });
  });
});

describe('GET /simple/export-pine with the lab plan (issue 18.3)', () => {
  const exportWith = (query: Record<string, string>) =>
    t.app.inject({
      method: 'GET',
      url: `/api/v1/simple/export-pine?${new URLSearchParams({ strategy: 'ema_cross', account_id: account.id, ...query })}`,
      headers: user.auth,
    });

  it('carries the lab run (5x, ATR SL/TP, size, costs) into the script, its alerts and the guide', async () => {
    const plan = {
      initial_capital: 5000,
      size_pct: 20,
      leverage: 5,
      commission_pct: 0.05,
      direction: 'long',
      stop_loss_atr: 1.5,
      take_profit_atr: 4,
    };
    const answer = await exportWith({
      plan: JSON.stringify(plan),
      expected: JSON.stringify({ total_trades: 17, net_profit_pct: 3.2, win_rate: null }),
    });
    expect(answer.statusCode, answer.body).toBe(200);
    const body = answer.json();
    expect(body.plan).toEqual({
      leverage: 5,
      size_pct: 20,
      initial_capital: 5000,
      commission_pct: 0.05,
      slippage_ticks: 0,
      direction: 'long',
      stop_loss: { type: 'atr', multiplier: 1.5 },
      take_profit: { type: 'atr', multiplier: 4 },
      partial_take_profits: [],
      break_even: false,
      trailing: { type: 'none' },
      close_pct: 100,
      atr_period: 14,
      bar_magnifier: false,
      funding: false,
    });
    expect(body.script).toContain('use_bar_magnifier = false');
    expect(body.alert_message_example).toMatchObject({ leverage: 5, sl_atr: 1.5, tp_atr: 4, size_pct: 20 });
    expect(body.script).toContain('"leverage":5,');
    expect(body.script).toContain('initial_capital = 5000');
    expect(body.guide).toContain('Total closed trades: 17');
    // A plan that states no take-profit says so (tp_atr 0), never the default.
    const none = await exportWith({ plan: JSON.stringify({ leverage: 2, take_profit_atr: 0 }) });
    expect(none.json().plan.take_profit).toEqual({ type: 'none' });
    expect(none.json().alert_message_example).toMatchObject({ leverage: 2, sl_atr: 2, tp_atr: 0 });
  });

  it('carries everything the lab sends: trailing stop, partial close, partial take-profits and break-even', async () => {
    // What the lab's form sends (lab-state.ts `optionsBody`): every exit stated, none as 0.
    const plan = {
      initial_capital: 10_000,
      size_pct: 10,
      leverage: 3,
      commission_pct: 0.04,
      direction: 'both',
      stop_loss_atr: 2,
      take_profit_atr: 3,
      trailing_atr: 0,
      close_pct: 100,
      tp1_atr: 1.5,
      tp1_qty_pct: 50,
      tp2_pct: 4,
      tp2_qty_pct: 25,
      break_even: true,
    };
    const answer = await exportWith({ plan: JSON.stringify(plan) });
    expect(answer.statusCode, answer.body).toBe(200);
    const body = answer.json();
    expect(body.plan).toMatchObject({
      partial_take_profits: [
        { distance: { type: 'atr', multiplier: 1.5 }, qty_pct: 50 },
        { distance: { type: 'percent', percent: 4 }, qty_pct: 25 },
      ],
      break_even: true,
      trailing: { type: 'none' },
      close_pct: 100,
    });
    // The script's entry alerts state them (core `partialTakeProfitAlertFields`), so live trading runs
    // the same ladder; its inputs default to the lab's values.
    expect(body.script).toContain('"tp1_qty_pct":');
    expect(body.script).toContain('"tp2_qty_pct":');
    expect(body.script).toContain('"break_even":1,');
    expect(body.script).toMatch(/tp1Value = input\.float\(1\.5,/);
    expect(body.script).toMatch(/tp2Mode = input\.string\('Percent',/);
    expect(body.script).toMatch(/tp2Qty = input\.float\(25\.0,/);
    expect(body.script).toMatch(/breakEven = input\.bool\(true,/);
    // A trailing stop and a partial close from the lab reach the script as well.
    const trailing = await exportWith({
      plan: JSON.stringify({ trailing_pct: 1.5, trailing_activation: 2, close_pct: 50 }),
    });
    expect(trailing.statusCode, trailing.body).toBe(200);
    expect(trailing.json().plan).toMatchObject({
      trailing: { type: 'percent', offset: 1.5, activation: 2 },
      close_pct: 50,
      partial_take_profits: [],
      break_even: false,
    });
    expect(trailing.json().alert_message_example).toMatchObject({ trail_pct: 1.5, trail_activation_pct: 2 });
    expect(trailing.json().script).not.toContain('tp1_qty_pct');
    expect(trailing.json().script).not.toContain('break_even');
  });

  it('a lab run with the bar magnifier exports use_bar_magnifier = true; funding is stated, not scripted', async () => {
    const answer = await exportWith({
      plan: JSON.stringify({ leverage: 2, bar_magnifier: true, funding: true }),
    });
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json().plan).toMatchObject({ bar_magnifier: true, funding: true });
    expect(answer.json().script).toContain('use_bar_magnifier = true');
    expect(answer.json().script).not.toContain('funding');
    const bad = await exportWith({ plan: JSON.stringify({ bar_magnifier: 'yes' }) });
    expect(bad.statusCode).toBe(400);
    expect(issueFields(bad)).toEqual(['plan.bar_magnifier']);
  });

  it('refuses partial take-profits that are not a plan with the plan field named', async () => {
    const bad = async (plan: Record<string, unknown>) => {
      const answer = await exportWith({ plan: JSON.stringify(plan) });
      expect(answer.statusCode, answer.body).toBe(400);
      return issueFields(answer);
    };
    expect(await bad({ tp1_atr: 3.5, tp1_qty_pct: 50 })).toEqual(['plan.tp1_atr']);
    expect(await bad({ tp1_atr: 1, tp1_qty_pct: 60, tp2_atr: 2, tp2_qty_pct: 40 })).toEqual([
      'plan.tp2_qty_pct',
    ]);
    expect(await bad({ tp1_pct: 2 })).toEqual(['plan.tp1_qty_pct']);
    expect(await bad({ trailing_atr: 1, trailing_pct: 1 })).toEqual(['plan.trailing_pct']);
  });

  it('refuses a bad plan with field errors', async () => {
    const bad = await exportWith({ plan: JSON.stringify({ leverage: 500, direction: 'sideways' }) });
    expect(bad.statusCode).toBe(400);
    expect(issueFields(bad)).toEqual(['plan.direction', 'plan.leverage']);
    expect((await exportWith({ plan: 'not json' })).statusCode).toBe(400);
  });
});

describe('the daily summary (issue 19)', () => {
  it("queues one message per user and day for channels that chose it: each account's PnL, trades and open positions", async () => {
    const { queueDailySummaries } = await import('../src/services/notify/daily-summary.ts');
    const { positions } = await import('@tradingbot/db');
    await t.database.db.insert(notificationChannels).values({
      id: 'ch-summary',
      userId: user.user.id,
      kind: 'email',
      name: 'Summary',
      address: 'controls@example.com',
      locale: 'ko',
      events: ['daily_summary'],
    });
    await t.database.db.insert(positions).values({
      accountId: account.id,
      symbol: 'BTCUSDT',
      side: 'long',
      qty: '0.5',
      entryPrice: '50000',
      unrealizedPnl: '12.5',
      venueTime: new Date(),
    });
    const day = new Date().toISOString().slice(0, 10);
    expect(await queueDailySummaries(t.database, t.app.notifications, day)).toBe(1);
    expect(await queueDailySummaries(t.database, t.app.notifications, day)).toBe(0);
    const [row] = await t.database.db
      .select()
      .from(notificationOutbox)
      .where(and(eq(notificationOutbox.userId, user.user.id), eq(notificationOutbox.event, 'daily_summary')));
    const facts = row!.payload as unknown as NotifyFacts;
    expect(facts).toMatchObject({
      type: 'daily_summary',
      day,
      accounts: [
        {
          exchange: 'paper',
          netPnl: '-110.50',
          trades: 2,
          openPositions: [{ symbol: 'BTCUSDT', side: 'long', qty: '0.5', unrealizedPnl: '12.5' }],
        },
      ],
    });
    expect(JSON.stringify(facts)).not.toContain(account.id);
    expect(renderMessage('s', facts, 'en', undefined).text).toContain(
      'net PnL -110.50 USDT · 2 closing fill(s)\n  BTCUSDT long 0.5 · unrealized +12.5',
    );
    expect(renderMessage('s', facts, 'ko', undefined).title).toBe(`일일 요약 ${day} (UTC)`);
  });
});
