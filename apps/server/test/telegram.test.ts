import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { Api } from 'grammy';
import { auditLog, signals, telegramLinks } from '@tradingbot/db';
import { createLinkCode } from '../src/services/notify/telegram/linking.ts';
import { TelegramPacer } from '../src/services/notify/telegram/pacer.ts';
import { TelegramSender } from '../src/services/notify/telegram/sender.ts';
import type { OutgoingMessage } from '../src/services/notify/channel.ts';
import { signUp, testApp, testConfig, type TestApp } from './helpers.ts';
import { startFakeTelegram, type FakeTelegram, type SentMessage } from './support/fake-telegram.ts';

// Issue 19 (Telegram): linking a chat with a one-time code, the bot's commands for linked chats,
// pause/resume admission, /flatten through the signal queue, and the sender's 429 / 403 handling,
// all against a fake Bot API on 127.0.0.1 driven over getUpdates long polling.

const API_KEY = 'paper-api-key-7f3c9d2e81b4';
const API_SECRET = 'paper-api-secret-5a6b7c8d9e0f1a2b';

let fake: FakeTelegram;
let t: TestApp;
let user: Awaited<ReturnType<typeof signUp>>;
let account: { id: string; webhook_secret: string };
const secrets: string[] = [];
const hookCalls: Array<[string, Record<string, unknown>]> = [];

/** The bot's next message to `chatId` after the `after`-th message sent. */
const nextTo = (chatId: number, after: number, ms?: number) =>
  fake.waitForMessage((m) => m.chatId === String(chatId) && fake.sent.indexOf(m) >= after, ms);

/** Says `text` in `chatId` and resolves with the bot's answer. */
async function ask(chatId: number, text: string, from?: { language_code?: string }): Promise<SentMessage> {
  const after = fake.sent.length;
  fake.userSays(chatId, text, from);
  return nextTo(chatId, after);
}

const linkCode = async (locale: 'en' | 'ko' = 'en', auth = user.auth) => {
  const answer = await t.app.inject({
    method: 'POST',
    url: '/api/v1/notifications/telegram/link',
    headers: auth,
    payload: { locale },
  });
  expect(answer.statusCode).toBe(200);
  return answer.json() as { code: string; bot_username: string; deep_link: string; expires_at: string };
};

/** Sends an alert; an answer given at the 2.5 s deadline (202: a slow machine) is awaited to its result. */
async function alert(
  action: string,
  id: string,
): Promise<{ statusCode: number; body: string; json(): Record<string, unknown> }> {
  const answer = await t.app.inject({
    method: 'POST',
    url: '/api/v1/webhook/tradingview',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({
      account_id: account.id,
      exchange: 'paper',
      action,
      symbol: 'BINANCE:BTCUSDT.P',
      leverage: 2,
      size_pct: 5,
      id,
      secret: account.webhook_secret,
    }),
  });
  if (answer.statusCode !== 202) return answer;
  const result = await t.app.webhook.worker.waitFor(answer.json<{ signal_id: string }>().signal_id, 20_000);
  if (result === 'timeout') throw new Error(`alert ${id} did not finish`);
  return {
    statusCode: 200,
    body: JSON.stringify(result),
    json: () => result as unknown as Record<string, unknown>,
  };
}

const LINKED_CHAT = 7001;

beforeAll(async () => {
  fake = await startFakeTelegram();
  const config = testConfig({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_URL: fake.url });
  t = await testApp({
    config,
    telegram: {
      pacer: { perChatMs: 20 },
      retryMs: 100,
      resultWaitMs: 15_000,
      hooks: {
        linked: async (link) => void hookCalls.push(['linked', link]),
        unlinked: async (link) => void hookCalls.push(['unlinked', link]),
      },
    },
  });
  await t.app.ready();
  user = await signUp(t.app, 'telegram@example.com');
  const registered = await t.app.inject({
    method: 'POST',
    url: '/api/v1/accounts-secure/register',
    headers: user.auth,
    payload: { exchange: 'paper', api_key: API_KEY, api_secret: API_SECRET, label: 'Paper one' },
  });
  expect(registered.statusCode).toBe(200);
  account = registered.json() as typeof account;
  secrets.push(fake.token, API_KEY, API_SECRET, account.webhook_secret, account.id, config.secretKey);
  secrets.push(user.session_token, user.access_token);
});

afterAll(async () => {
  await t?.close();
  await fake?.close();
});

describe('linking a chat with a one-time code', () => {
  it('answers a code, a bot username and a deep link; /start <code> links the chat that sent it', async () => {
    const link = await linkCode('en');
    expect(link.bot_username).toBe(fake.username);
    expect(link.code).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(link.deep_link).toBe(`https://t.me/${fake.username}?start=${link.code}`);
    expect(Date.parse(link.expires_at)).toBeGreaterThan(Date.now());

    const reply = await ask(LINKED_CHAT, `/start ${link.code}`, { language_code: 'en' });
    expect(reply.text).toContain('Linked.');
    const [row] = await t.database.db
      .select()
      .from(telegramLinks)
      .where(eq(telegramLinks.userId, user.user.id));
    expect(row?.chatId).toBe(String(LINKED_CHAT));

    // The code is burnt: another chat sending it links nothing.
    expect((await ask(7002, link.code)).text).toContain('not valid');
    // The notify outbox's channel is made through the hook, with the chat id Telegram delivered.
    expect(hookCalls).toContainEqual([
      'linked',
      { userId: user.user.id, chatId: String(LINKED_CHAT), locale: 'en' },
    ]);
    const status = await t.app.inject({
      method: 'GET',
      url: '/api/v1/notifications/telegram',
      headers: user.auth,
    });
    expect(status.json()).toMatchObject({ bot_configured: true, linked: true, locale: 'en' });
  });

  it('refuses a wrong code and an expired one, and links nothing', async () => {
    expect((await ask(7003, '/start AAAAAAAAAAAAAAAAAAAAAA')).text).toContain('not valid');
    const other = await signUp(t.app, 'telegram-expired@example.com');
    const old = await createLinkCode(t.database, other.user.id, 'en', new Date(Date.now() - 11 * 60_000));
    expect((await ask(7003, `/start ${old.code}`)).text).toContain('expired');
    const rows = await t.database.db.select().from(telegramLinks).where(eq(telegramLinks.chatId, '7003'));
    expect(rows).toEqual([]);
  });

  it('never takes a chat id from the API: the link request accepts no chat_id', async () => {
    const answer = await t.app.inject({
      method: 'POST',
      url: '/api/v1/notifications/telegram/link',
      headers: user.auth,
      payload: { locale: 'en', chat_id: '999' },
    });
    expect(answer.statusCode).toBe(400);
    const unauthenticated = await t.app.inject({
      method: 'POST',
      url: '/api/v1/notifications/telegram/link',
      payload: { locale: 'en' },
    });
    expect(unauthenticated.statusCode).toBe(401);
  });

  it('answers an unlinked chat with how to link and nothing else', async () => {
    for (const command of ['/status', '/balance', '/pause', '/flatten', 'hello']) {
      const reply = await ask(7004, command);
      expect(reply.text, command).toContain('not linked');
      expect(reply.replyMarkup, command).toBeUndefined();
    }
  });

  it('refuses to work in a group chat', async () => {
    const after = fake.sent.length;
    fake.groupSays(-100500, LINKED_CHAT, '/status');
    expect((await nextTo(-100500, after)).text).toContain('private chat');
  });

  it('speaks Korean to a user who asked for the code in Korean', async () => {
    const korean = await signUp(t.app, 'telegram-ko@example.com');
    const link = await linkCode('ko', korean.auth);
    expect((await ask(7005, `/start ${link.code}`)).text).toContain('연결되었습니다');
    expect((await ask(7005, '/balance')).text).toContain('아직 거래소 계정이 없습니다');
    // Before linking, the Telegram app's language chooses.
    expect((await ask(7006, '/status', { language_code: 'ko' })).text).toContain('연결되어 있지 않습니다');
  });
});

describe('commands of a linked chat', () => {
  it('/status and /balance read the paper account after a webhook trade', async () => {
    expect((await alert('long', 'tg-long-1')).statusCode).toBe(200);
    const status = await ask(LINKED_CHAT, '/status');
    expect(status.text).toContain('Paper one');
    expect(status.text).toMatch(/BTCUSDT long \d/);
    expect(status.text).toContain('PnL');
    const balance = await ask(LINKED_CHAT, '/balance');
    expect(balance.text).toMatch(/Paper one \(…\w{4}\): total [\d.]+ USDT, available [\d.]+/);
  });

  it('/pause refuses a new long alert with ENTRIES_PAUSED while a close passes; /resume takes entries again', async () => {
    expect((await ask(LINKED_CHAT, '/pause')).text).toContain('New entries paused on: Paper one');
    const refused = await alert('long', 'tg-long-paused');
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ error: { code: 'ENTRIES_PAUSED' } });
    const close = await alert('close_all', 'tg-close-paused');
    expect(close.statusCode, close.body).toBe(200);
    expect(close.json(), close.body).toMatchObject({
      success: true,
      order_details: { action: 'close_all', results: { closed: [{ status: 'filled' }] } },
    });

    expect((await ask(LINKED_CHAT, '/resume')).text).toContain('New entries resumed on: Paper one');
    expect((await alert('long', 'tg-long-resumed')).json()).toMatchObject({ success: true });
  });

  it('/flatten asks to confirm, then closes every position through the signal queue, audited as manual', async () => {
    const question = await ask(LINKED_CHAT, '/flatten');
    expect(question.text).toContain('Close EVERY open position on Paper one');
    const yes = question.replyMarkup?.inline_keyboard?.[0]?.[0]?.callback_data;
    expect(yes).toMatch(/^ok:/);
    const after = fake.sent.length;
    fake.press(LINKED_CHAT, question, yes!);
    const done = await fake.waitForMessage(
      (m) => m.chatId === String(LINKED_CHAT) && fake.sent.indexOf(m) >= after && m.text.startsWith('Done'),
      20_000,
    );
    expect(done.text).toContain('BTCUSDT · Paper one');
    expect(done.text).toContain('✓');

    const manual = await t.database.db
      .select()
      .from(signals)
      .where(and(eq(signals.accountId, account.id), eq(signals.status, 'executed')));
    const fromTelegram = manual.filter((s) => (s.payload as { source?: string }).source === 'telegram');
    expect(fromTelegram).toHaveLength(1);
    expect(fromTelegram[0]!.payload).toMatchObject({ action: 'close_all', symbol: 'BTCUSDT' });
    const audited = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.signalId, fromTelegram[0]!.id), eq(auditLog.action, 'signal.manual')));
    expect(audited[0]?.details).toMatchObject({ source: 'telegram', command: 'flatten' });
    expect((await ask(LINKED_CHAT, '/status')).text).toContain('no open positions');
    const trades = await ask(LINKED_CHAT, '/trades');
    expect(trades.text).toContain('Last closed trades');
    expect(trades.text).toMatch(/BTCUSDT close sell 0\.\d+ @ [\d.]+ · Paper one/);
  });

  it('/flatten from an unlinked chat does nothing, and a linked chat button pressed elsewhere does nothing', async () => {
    expect((await alert('long', 'tg-long-2')).statusCode).toBe(200);
    const before = (await t.database.db.select().from(signals)).length;
    const reply = await ask(7010, '/flatten');
    expect(reply.text).toContain('not linked');
    // A button of the linked chat's confirm, replayed from another chat.
    const question = await ask(LINKED_CHAT, '/flatten');
    const yes = question.replyMarkup!.inline_keyboard![0]![0]!.callback_data!;
    const after = fake.sent.length;
    fake.press(7010, question, yes);
    expect((await nextTo(7010, after)).text).toContain('not linked');
    await t.app.telegram!.idle();
    expect((await t.database.db.select().from(signals)).length).toBe(before);
    expect((await ask(LINKED_CHAT, '/status')).text).toMatch(/BTCUSDT long/);
  });

  it('/close SYMBOL with Cancel sends nothing', async () => {
    const before = (await t.database.db.select().from(signals)).length;
    const question = await ask(LINKED_CHAT, '/close btcusdt');
    expect(question.text).toContain('Close the BTCUSDT position on Paper one');
    const no = question.replyMarkup!.inline_keyboard![0]![1]!.callback_data!;
    const after = fake.sent.length;
    fake.press(LINKED_CHAT, question, no);
    expect((await nextTo(LINKED_CHAT, after)).text).toContain('Cancelled');
    expect((await t.database.db.select().from(signals)).length).toBe(before);
  });

  it('honours 429 retry_after on its replies', async () => {
    fake.failNext('sendMessage', {
      code: 429,
      description: 'Too Many Requests: retry after 1',
      retryAfter: 1,
    });
    const start = fake.calls.length;
    const reply = await ask(LINKED_CHAT, '/help');
    expect(reply.text).toContain('/flatten');
    const sends = fake.calls.slice(start).filter((c) => c.method === 'sendMessage');
    expect(sends).toHaveLength(2);
    expect(sends[1]!.at - sends[0]!.at).toBeGreaterThanOrEqual(1000);
  });
});

describe('TelegramSender (the outbox seam)', () => {
  const message: OutgoingMessage = {
    id: 'out-1',
    event: 'test',
    locale: 'en',
    title: 'Test message',
    text: 'Your Telegram channel works.',
    data: {},
  };
  const sender = () => new TelegramSender(new Api(fake.token, { apiRoot: fake.url }));

  it('delivers, and reports 429 as retryAfterMs and a blocked chat as permanent', async () => {
    expect(await sender().send({ kind: 'telegram', chatId: String(LINKED_CHAT) }, message)).toEqual({
      ok: true,
    });
    expect(fake.sent.at(-1)?.text).toBe('Test message\n\nYour Telegram channel works.');
    fake.failNext('sendMessage', {
      code: 429,
      description: 'Too Many Requests: retry after 7',
      retryAfter: 7,
    });
    expect(await sender().send({ kind: 'telegram', chatId: String(LINKED_CHAT) }, message)).toMatchObject({
      ok: false,
      permanent: false,
      retryAfterMs: 7000,
    });
    fake.block(7099);
    expect(await sender().send({ kind: 'telegram', chatId: '7099' }, message)).toMatchObject({
      ok: false,
      permanent: true,
      reason: expect.stringContaining('blocked'),
    });
  });
});

describe('pacing', () => {
  it('keeps one message a second per chat and thirty a second for the bot', () => {
    let now = 0;
    const pacer = new TelegramPacer({ now: () => now });
    expect([pacer.reserve('a'), pacer.reserve('a'), pacer.reserve('a')]).toEqual([0, 1000, 2000]);
    now = 5000;
    const slots = Array.from({ length: 31 }, (_, i) => pacer.reserve(`chat-${i}`));
    expect(slots.slice(0, 30).every((at) => at === 5000)).toBe(true);
    expect(slots[30]).toBe(6000);
  });
});

describe('unlinking', () => {
  it('DELETE unlinks; the chat then gets only how to link', async () => {
    const answer = await t.app.inject({
      method: 'DELETE',
      url: '/api/v1/notifications/telegram/link',
      headers: user.auth,
    });
    expect(answer.json()).toEqual({ success: true });
    expect(hookCalls).toContainEqual(['unlinked', { userId: user.user.id, chatId: String(LINKED_CHAT) }]);
    expect((await ask(LINKED_CHAT, '/status')).text).toContain('not linked');
    const again = await t.app.inject({
      method: 'DELETE',
      url: '/api/v1/notifications/telegram/link',
      headers: user.auth,
    });
    expect(again.statusCode).toBe(404);
  });
});

describe('every message the bot sent in this suite', () => {
  it('holds no secret, key, token or full account id', () => {
    expect(fake.texts().length).toBeGreaterThan(20);
    for (const text of fake.texts()) {
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
    for (const call of fake.calls) {
      const body = JSON.stringify(call.params);
      for (const secret of secrets) expect(body).not.toContain(secret);
    }
    // Nor does any log line name the bot token.
    expect(t.logs.length).toBeGreaterThan(0);
    for (const line of t.logs) expect(line).not.toContain(fake.token);
  });
});

describe('webhook mode (PUBLIC_URL https) and no bot', () => {
  it('registers the webhook with a secret token and takes updates only with it; never polls', async () => {
    const hookFake = await startFakeTelegram();
    const config = testConfig({
      TELEGRAM_BOT_TOKEN: hookFake.token,
      TELEGRAM_API_URL: hookFake.url,
      PUBLIC_URL: 'https://bot.example.com',
    });
    const h = await testApp({ config });
    try {
      await h.app.ready();
      await expect.poll(() => hookFake.webhook, { timeout: 10_000 }).not.toBeNull();
      expect(hookFake.webhook?.url).toBe('https://bot.example.com/api/v1/telegram/webhook');
      const secretToken = hookFake.webhook!.secretToken!;
      expect(secretToken).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
      expect(secretToken).not.toContain(config.secretKey);

      const update = {
        update_id: 1,
        message: {
          message_id: 1,
          date: Math.floor(Date.now() / 1000),
          from: { id: 8001, is_bot: false, first_name: 'Tester' },
          chat: { id: 8001, type: 'private', first_name: 'Tester' },
          text: '/status',
          entities: [{ type: 'bot_command', offset: 0, length: 7 }],
        },
      };
      const url = '/api/v1/telegram/webhook';
      const forged = await h.app.inject({ method: 'POST', url, payload: update });
      expect(forged.statusCode).toBe(401);
      expect(forged.json()).toMatchObject({ error: { code: 'TELEGRAM_WEBHOOK_FORBIDDEN' } });
      const wrong = await h.app.inject({
        method: 'POST',
        url,
        payload: update,
        headers: { 'x-telegram-bot-api-secret-token': 'not-the-token' },
      });
      expect(wrong.statusCode).toBe(401);
      expect(hookFake.sent).toEqual([]);

      const genuine = await h.app.inject({
        method: 'POST',
        url,
        payload: update,
        headers: { 'x-telegram-bot-api-secret-token': secretToken },
      });
      expect(genuine.statusCode).toBe(200);
      expect(hookFake.sent.map((m) => [m.chatId, m.text.split('\n')[0]])).toEqual([
        ['8001', 'This chat is not linked to a TradingBot AI account.'],
      ]);
      expect(hookFake.calls.some((c) => c.method === 'getUpdates')).toBe(false);
    } finally {
      await h.close();
      await hookFake.close();
    }
  });

  it('answers TELEGRAM_NOT_CONFIGURED (409) for a link code when the operator set no bot', async () => {
    const h = await testApp();
    try {
      const someone = await signUp(h.app, 'telegram-nobot@example.com');
      const answer = await h.app.inject({
        method: 'POST',
        url: '/api/v1/notifications/telegram/link',
        headers: someone.auth,
        payload: { locale: 'en' },
      });
      expect(answer.statusCode).toBe(409);
      expect(answer.json()).toMatchObject({ error: { code: 'TELEGRAM_NOT_CONFIGURED' } });
      const status = await h.app.inject({
        method: 'GET',
        url: '/api/v1/notifications/telegram',
        headers: someone.auth,
      });
      expect(status.json()).toMatchObject({ bot_configured: false, linked: false });
    } finally {
      await h.close();
    }
  });
});
