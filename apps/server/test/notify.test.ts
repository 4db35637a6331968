import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, like } from 'drizzle-orm';
import { notificationChannels, notificationOutbox } from '@tradingbot/db';
import { PaperExchange } from '@tradingbot/exchange';
import { signUp, testApp, testConfig, type TestApp } from './helpers.ts';
import {
  FakeDiscord,
  FakeSmtp,
  WebhookReceiver,
  everything,
  until,
  verifySignature,
} from './support/notify-fakes.ts';

/*
 * Issue 19: every event reaches every kind of channel, in English and Korean, through the real
 * senders to local fakes speaking the services' protocols (Discord webhook, SMTP, a signed outgoing
 * webhook); a 429 is waited out; a channel that keeps failing is disabled with its reason; refused
 * alerts are throttled per account; and no message ever carries a secret or a full account id.
 */

const PASSWORD = 'correct horse battery staple notify';
const API_KEY = 'PAPER-API-KEY-notify-0123456789';
const API_SECRET = 'PAPER-API-SECRET-notify-9876543210';

let discord: FakeDiscord;
let smtp: FakeSmtp;
let receiver: WebhookReceiver;
let t: TestApp;
let user: Awaited<ReturnType<typeof signUp>>;
let account: { id: string; webhook_secret: string };
/** Every secret of the suite: none may appear in any message a fake received. */
const secrets: string[] = [API_KEY, API_SECRET, PASSWORD];
const venue = new PaperExchange({ balances: { USDT: 100_000 } });
venue.setPrice('BTCUSDT', '50000');
venue.setPrice('ETHUSDT', '3000');

type Channel = { id: string; kind: string; locale: 'en' | 'ko'; hook: string };
const channels: Channel[] = [];

const api = (
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: unknown,
  headers = user.auth,
) => t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });

const alert = (body: Record<string, unknown>) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/webhook/tradingview',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({
      account_id: account.id,
      exchange: 'paper',
      secret: account.webhook_secret,
      ...body,
    }),
  });

async function createChannel(kind: 'discord' | 'email' | 'webhook', locale: 'en' | 'ko', hook: string) {
  const target =
    kind === 'discord'
      ? { webhook_url: discord.url(hook) }
      : kind === 'email'
        ? { address: `${hook}@example.com` }
        : { webhook_url: receiver.url(hook) };
  const response = await api('POST', '/api/v1/notifications/channels', {
    kind,
    name: `${kind} ${locale}`,
    locale,
    ...target,
  });
  expect(response.statusCode, response.body).toBe(201);
  const body = response.json() as { id: string; signing_secret?: string };
  if (kind === 'webhook') {
    expect(body.signing_secret).toMatch(/^[\w-]{40,}$/);
    receiver.secrets.set(hook, body.signing_secret!);
    secrets.push(body.signing_secret!);
  }
  if (kind === 'discord') secrets.push(`tok-${hook}-secretpart`);
  channels.push({ id: body.id, kind, locale, hook });
  return body;
}

/** The texts each channel received since `from` (per channel: [title/subject + text]). */
function delivered(channel: Channel): string[] {
  if (channel.kind === 'discord')
    return discord
      .for(channel.hook)
      .map((r) => `${String(r.body.content)}\n${JSON.stringify(r.body.embeds)}`);
  if (channel.kind === 'email')
    return smtp.for(`${channel.hook}@example.com`).map((m) => `${m.subject}\n${m.text}`);
  return receiver
    .for(channel.hook)
    .map((r) => `${String(r.body.title)}\n${String(r.body.text)}\n${String(r.body.link)}`);
}

const counts = () => channels.map((c) => delivered(c).length);

/** Waits until every channel received one more message than `before`, then returns each one's newest. */
async function nextMessages(before: number[], what: string): Promise<Map<Channel, string>> {
  await until(() => counts().every((n, i) => n >= before[i]! + 1), what);
  await new Promise((resolve) => setTimeout(resolve, 300)); // nothing more may follow
  expect(counts(), `${what}: exactly one message per channel`).toEqual(before.map((n) => n + 1));
  return new Map(channels.map((c) => [c, delivered(c).at(-1)!]));
}

function expectWords(messages: Map<Channel, string>, en: RegExp[], ko: RegExp[]) {
  for (const [channel, text] of messages) {
    for (const pattern of channel.locale === 'en' ? en : ko)
      expect(text, `${channel.kind} ${channel.locale}`).toMatch(pattern);
  }
}

beforeAll(async () => {
  [discord, smtp, receiver] = await Promise.all([
    new FakeDiscord().start(),
    new FakeSmtp().start(),
    new WebhookReceiver().start(),
  ]);
  t = await testApp({
    connectExchange: () => venue,
    config: testConfig({
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      SMTP_FROM: 'TradingBot <bot@example.com>',
      PUBLIC_URL: 'https://bot.example.com',
      NOTIFY_POLL_MS: '50',
      NOTIFY_QUIET_MS: '150',
      NOTIFY_STREAM_DOWN_AFTER_MS: '300',
    }),
  });
  await t.app.ready();
  user = await signUp(t.app, 'notify@example.com', PASSWORD);
  secrets.push(user.session_token, user.access_token);
  const registered = await api('POST', '/api/v1/accounts-secure/register', {
    exchange: 'paper',
    label: 'Main',
    api_key: API_KEY,
    api_secret: API_SECRET,
  });
  account = registered.json();
  secrets.push(account.webhook_secret, account.id);
  for (const locale of ['en', 'ko'] as const) {
    await createChannel('discord', locale, `d-${locale}`);
    await createChannel('email', locale, `mail-${locale}`);
    await createChannel('webhook', locale, `w-${locale}`);
  }
}, 60_000);

afterAll(async () => {
  await t?.close();
  await Promise.all([discord?.close(), smtp?.close(), receiver?.close()]);
});

describe('each event reaches each channel, in its language', () => {
  it('an executed signal: action, symbol, size, price, leverage, stop and take-profit, with a link', async () => {
    const before = counts();
    const response = await alert({
      action: 'long',
      symbol: 'BTCUSDT',
      leverage: 3,
      size_usdt: 100,
      sl_pct: 2,
      tp_pct: 4,
    });
    expect(response.statusCode, response.body).toBe(200);
    const signalId = response.json().signal_id as string;
    const messages = await nextMessages(before, 'executed');
    expectWords(
      messages,
      [/Signal executed: BTCUSDT LONG/, /Main \(…\w{4}\)/, /leverage 3x/, /SL \d+/, /TP \d+/, /price 50000/],
      [/신호 실행됨: BTCUSDT LONG/, /레버리지 3x/, /손절 \d+/, /익절 \d+/],
    );
    for (const [channel, text] of messages) {
      expect(text, channel.kind).toContain(`https://bot.example.com/signals/${signalId}`);
    }
  });

  it('a rejected signal says why in plain words and what to fix', async () => {
    const before = counts();
    const response = await alert({ action: 'long', symbol: 'BTCUSDT', leverage: 2, exchange: 'binance' });
    expect(response.json().error.code).toBe('EXCHANGE_MISMATCH');
    expectWords(
      await nextMessages(before, 'rejected'),
      [/Signal rejected/, /another exchange than the account's/, /Fix: Set the alert's exchange/],
      [/신호 거부됨/, /해결: /],
    );
  });

  it('a failed signal (not enough margin) names the problem and the fix', async () => {
    const before = counts();
    const response = await alert({
      action: 'short',
      symbol: 'ETHUSDT',
      size_usdt: 50_000_000,
      leverage: 1,
      sl_pct: 2,
      tp_pct: 4,
    });
    expect(response.json().success, response.body).toBe(false);
    const code = response.json().code as string;
    const messages = await nextMessages(before, 'failed');
    expectWords(messages, [/Signal failed: ETHUSDT SHORT/, /Fix: /], [/신호 실패: ETHUSDT SHORT/, /해결: /]);
    expect(code).toBe('INSUFFICIENT_BALANCE');
    expectWords(messages, [/Not enough margin/], [/증거금이 부족/]);
  });

  it('stop-loss, take-profit, trailing-stop and liquidation fills with PnL', async () => {
    for (const [reason, en, ko, pnl] of [
      ['stop_loss', /Stop-loss hit: BTCUSDT PnL -12\.5/, /손절 체결: BTCUSDT 손익 -12\.5/, '-12.5'],
      ['take_profit', /Take-profit hit: BTCUSDT PnL \+30/, /익절 체결: BTCUSDT 손익 \+30/, '30'],
      ['trailing', /Trailing stop hit: BTCUSDT PnL \+18/, /트레일링 스탑 체결: BTCUSDT 손익 \+18/, '18'],
      ['liquidation', /Liquidated: BTCUSDT PnL -500/, /강제 청산: BTCUSDT 손익 -500/, '-500'],
    ] as const) {
      const before = counts();
      t.app.events.emit('fill.received', {
        accountId: account.id,
        userId: user.user.id,
        exchange: 'paper',
        venueSymbol: 'BTCUSDT',
        venueTradeId: `trade-${reason}`,
        venueOrderId: 'o1',
        clientOrderId: 'c1',
        side: 'sell',
        positionSide: 'long',
        qty: '0.002',
        price: '49000',
        fee: '0.01',
        feeAsset: 'USDT',
        realizedPnl: pnl,
        reason,
        signalId: null,
        at: Date.now(),
      });
      expectWords(await nextMessages(before, reason), [en, /0\.002 @ 49000/], [ko, /실현 손익/]);
    }
  });

  it('a fill of a signal order is not a notification', async () => {
    const before = counts();
    t.app.events.emit('fill.received', {
      accountId: account.id,
      userId: user.user.id,
      exchange: 'paper',
      venueSymbol: 'BTCUSDT',
      venueTradeId: 'trade-entry',
      venueOrderId: 'o2',
      clientOrderId: 'c2',
      side: 'buy',
      positionSide: 'long',
      qty: '0.002',
      price: '50000',
      fee: '0.01',
      feeAsset: 'USDT',
      realizedPnl: '0',
      reason: 'signal',
      signalId: null,
      at: Date.now(),
    });
    await t.app.events.idle();
    expect(
      await t.database.db
        .select()
        .from(notificationOutbox)
        .where(eq(notificationOutbox.event, 'trade_closed')),
    ).toHaveLength(4 * channels.length);
    expect(counts()).toEqual(before);
  });

  it('a position without protection', async () => {
    const before = counts();
    t.app.events.emit('protection.missing', {
      accountId: account.id,
      userId: user.user.id,
      exchange: 'paper',
      venueSymbol: 'BTCUSDT',
      side: 'long',
      qty: '0.002',
      action: 'failed',
      error: { code: 'ORDER_REJECTED', message: 'no' },
      at: Date.now(),
    });
    expectWords(
      await nextMessages(before, 'protection'),
      [/Position without a stop-loss: BTCUSDT/, /check the position on the exchange now/],
      [/손절 없는 포지션: BTCUSDT/, /거래소에서 포지션을 확인/],
    );
  });

  it('a stream down for longer than the threshold, not one that came back in time', async () => {
    const before = counts();
    const base = { accountId: account.id, userId: user.user.id, exchange: 'paper' };
    t.app.events.emit('stream.down', { ...base, reason: 'blip', at: Date.now() });
    t.app.events.emit('stream.up', { ...base, downMs: 50, at: Date.now() });
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(counts(), 'a short outage is not told').toEqual(before);
    const downAt = Date.now();
    t.app.events.emit('stream.down', { ...base, reason: 'socket closed', at: downAt });
    // Held in the outbox (not in this process's memory), due only once the threshold has passed:
    // a process that dies meanwhile does not take the message with it.
    const queued = () =>
      t.database.db
        .select()
        .from(notificationOutbox)
        .where(like(notificationOutbox.idempotencyKey, `stream:${account.id}:${downAt}:%`));
    await until(async () => (await queued()).length === channels.length, 'the queued stream-down rows');
    for (const row of await queued()) expect(row.nextAttemptAt.getTime()).toBe(downAt + 300);
    expectWords(
      await nextMessages(before, 'stream down'),
      [/Venue stream down: paper/, /over a minute/],
      [/거래소 연결 끊김: paper/],
    );
  });

  it('alerts refused for a wrong secret or staleness: one message per account per window', async () => {
    const before = counts();
    for (let i = 0; i < 3; i++) {
      const response = await alert({
        action: 'long',
        symbol: 'BTCUSDT',
        secret: `wrong-secret-${i}-xxxxxxxx`,
      });
      expect(response.statusCode).toBe(401);
    }
    const stale = await alert({
      action: 'long',
      symbol: 'BTCUSDT',
      leverage: 2,
      timestamp: Date.now() - 600_000,
      max_lag: 30,
    });
    expect(stale.json().error.code).toBe('STALE_SIGNAL');
    expectWords(
      await nextMessages(before, 'refused'),
      [/Alert refused for Main \(…\w{4}\)/, /Invalid webhook secret/],
      [/알림 거부됨/, /웹훅 시크릿 불일치/],
    );
  });

  it('the outgoing webhook is signed over timestamp and body; a wrong secret does not verify', () => {
    const hooks = receiver.received;
    expect(hooks.length).toBeGreaterThan(10);
    expect(hooks.every((h) => h.verified)).toBe(true);
    const first = hooks[0]!;
    const body = JSON.stringify(first.body);
    expect(
      verifySignature(first.headers['x-tradingbot-signature'] as string, body, 'another-secret-value'),
    ).toBe(false);
    expect(first.headers['x-tradingbot-delivery']).toMatch(/^[\w-]+$/);
  });
});

describe('delivery', () => {
  it('waits out a Discord 429 (retry_after) and then delivers once', async () => {
    const body = await createChannel('discord', 'en', 'limited');
    channels.pop(); // not one of the per-event channels
    discord.script('limited', {
      status: 429,
      body: { message: 'You are being rate limited.', retry_after: 0.4, global: false },
    });
    const test = await api('POST', `/api/v1/notifications/channels/${body.id}/test`);
    expect(test.json()).toMatchObject({ ok: false, reason: 'Discord rate limit' });
    // Through the outbox: the 429 comes first, the message after the wait.
    discord.script('limited', { status: 429, body: { retry_after: 0.4 }, headers: { 'retry-after': '1' } });
    const sentAt = Date.now();
    await t.app.notifications.enqueue(
      user.user.id,
      'test',
      { type: 'test', channelName: 'limited' },
      'limited-1',
      {
        channelIds: [body.id],
      },
    );
    await until(() => discord.for('limited').length === 1, 'the message after the 429');
    const requests = discord.requests.filter((r) => r.path.includes('/limited/'));
    expect(requests.length).toBe(3); // the test's 429, the outbox's 429, the delivery
    expect(discord.for('limited')[0]!.at - requests[1]!.at).toBeGreaterThanOrEqual(380);
    expect(discord.for('limited')[0]!.at - sentAt).toBeGreaterThanOrEqual(380);
  });

  it('disables a channel that keeps failing for good, with the reason visible', async () => {
    const body = await createChannel('discord', 'en', 'deleted');
    channels.pop();
    for (let i = 0; i < 3; i++)
      discord.script('deleted', { status: 404, body: { message: 'Unknown Webhook', code: 10015 } });
    for (let i = 0; i < 3; i++) {
      await t.app.notifications.enqueue(
        user.user.id,
        'test',
        { type: 'test', channelName: 'x' },
        `gone-${i}`,
        {
          channelIds: [body.id],
        },
      );
      await until(async () => {
        const rows = await t.database.db
          .select()
          .from(notificationOutbox)
          .where(eq(notificationOutbox.channelId, body.id));
        return rows.every((row) => row.status === 'failed');
      }, 'the 404 to be handled');
    }
    const list = (await api('GET', '/api/v1/notifications/channels')).json() as {
      channels: { id: string; enabled: boolean; disabled_reason: string | null }[];
    };
    const channel = list.channels.find((c) => c.id === body.id)!;
    expect(channel.enabled).toBe(false);
    expect(channel.disabled_reason).toMatch(/Discord refused the webhook \(HTTP 404\)/);
    // Re-enabling clears the reason.
    const enabled = await api('PATCH', `/api/v1/notifications/channels/${body.id}`, { enabled: true });
    expect(enabled.json()).toMatchObject({ enabled: true, disabled_reason: null });
  });

  it('email to an address the server refuses (SMTP 550) fails for good, not retried', async () => {
    const response = await api('POST', '/api/v1/notifications/channels', {
      kind: 'email',
      name: 'bounce',
      address: 'bounce@example.com',
    });
    const test = await api('POST', `/api/v1/notifications/channels/${response.json().id}/test`);
    expect(test.json()).toMatchObject({ ok: false, reason: expect.stringMatching(/SMTP 550/) });
  });
});

describe('the channels API', () => {
  it('lists channels with their destinations masked, never a webhook URL or signing secret', async () => {
    const response = await api('GET', '/api/v1/notifications/channels');
    expect(response.statusCode).toBe(200);
    const text = response.body;
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toContain('/api/webhooks/');
    const list = response.json() as {
      channels: { kind: string; target_hint: string }[];
      available_kinds: string[];
    };
    expect(list.available_kinds).toEqual(['discord', 'email', 'webhook']);
    expect(list.channels.find((c) => c.kind === 'discord')!.target_hint).toBe(
      `http://127.0.0.1:${discord.port}/…`,
    );
  });

  it("another user's channel is not found; without a session nothing is", async () => {
    const other = await signUp(t.app, 'other-notify@example.com');
    const id = channels[0]!.id;
    for (const [method, url, payload] of [
      ['PATCH', `/api/v1/notifications/channels/${id}`, { name: 'mine' }],
      ['DELETE', `/api/v1/notifications/channels/${id}`, undefined],
      ['POST', `/api/v1/notifications/channels/${id}/test`, undefined],
    ] as const) {
      const response = await api(method, url, payload, other.auth);
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.json().error.code).toBe('NOTIFICATION_CHANNEL_NOT_FOUND');
    }
    expect(
      (await api('GET', '/api/v1/notifications/channels', undefined, other.auth)).json().channels,
    ).toEqual([]);
    expect((await api('GET', '/api/v1/notifications/channels', undefined, {} as never)).statusCode).toBe(401);
  });

  it('refuses bad destinations with stable codes, and Telegram by chat id', async () => {
    const bad = await api('POST', '/api/v1/notifications/channels', {
      kind: 'discord',
      name: 'x',
      webhook_url: 'ftp://a/b',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('NOTIFICATION_TARGET_INVALID');
    const missing = await api('POST', '/api/v1/notifications/channels', { kind: 'webhook', name: 'x' });
    expect(missing.json().error.code).toBe('NOTIFICATION_TARGET_INVALID');
    const telegram = await api('POST', '/api/v1/notifications/channels', {
      kind: 'telegram',
      name: 'x',
      address: '12345',
    });
    expect(telegram.statusCode).toBe(400);
    const events = await api('POST', '/api/v1/notifications/channels', {
      kind: 'email',
      name: 'x',
      address: 'a@b.co',
      events: ['nope'],
    });
    expect(events.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('sends a test message on demand, in the channel language', async () => {
    const [discordKo] = channels.filter((c) => c.kind === 'discord' && c.locale === 'ko');
    const before = discord.for(discordKo!.hook).length;
    const response = await api('POST', `/api/v1/notifications/channels/${discordKo!.id}/test`);
    expect(response.json()).toEqual({ ok: true, reason: null });
    expect(discord.for(discordKo!.hook)).toHaveLength(before + 1);
    expect(String(discord.for(discordKo!.hook).at(-1)!.body.content)).toContain('TradingBot 테스트 메시지');
  });

  it('preferences: a channel without an event kind does not get it; deleting a channel drops its queue', async () => {
    const [emailEn] = channels.filter((c) => c.kind === 'email' && c.locale === 'en');
    const patched = await api('PATCH', `/api/v1/notifications/channels/${emailEn!.id}`, {
      events: ['signal_executed'],
    });
    expect(patched.json().events).toEqual(['signal_executed']);
    t.app.events.emit('protection.missing', {
      accountId: account.id,
      userId: user.user.id,
      exchange: 'paper',
      venueSymbol: 'ETHUSDT',
      side: 'short',
      qty: '1',
      action: 'alerted',
      at: Date.now(),
    });
    await t.app.events.idle();
    const rows = await t.database.db
      .select()
      .from(notificationOutbox)
      .where(eq(notificationOutbox.event, 'protection_missing'));
    expect(rows.filter((r) => r.channelId === emailEn!.id)).toHaveLength(1); // the earlier one only
    expect(await api('DELETE', `/api/v1/notifications/channels/${emailEn!.id}`)).toMatchObject({
      statusCode: 200,
    });
    const left = await t.database.db
      .select()
      .from(notificationChannels)
      .where(eq(notificationChannels.id, emailEn!.id));
    expect(left).toEqual([]);
  });
});

describe('no message carries a secret', () => {
  it('over every message any fake received in this file', () => {
    expect(everything.length).toBeGreaterThan(50);
    for (const message of everything) {
      for (const secret of secrets) expect(message).not.toContain(secret);
    }
  });
});
