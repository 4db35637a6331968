import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { migrate, notificationOutbox, openTestDatabase, type Database } from '@tradingbot/db';
import { PaperExchange } from '@tradingbot/exchange';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import type { Config } from '../src/config.ts';
import type { ChannelSender } from '../src/services/notify/channel.ts';
import { NotificationOutbox } from '../src/services/notify/outbox.ts';
import { createSenders } from '../src/services/notify/senders.ts';
import { TEST_DATABASE_URL, signUp, testConfig } from './helpers.ts';
import { FakeDiscord, FakeSmtp, WebhookReceiver, everything, until } from './support/notify-fakes.ts';

/*
 * Issue 19, delivery that neither loses nor spams: a 50-signal burst becomes one digest per
 * channel; a message queued by a process that stops before sending it, or claimed by one that dies
 * while sending, is sent exactly once by the next process; queueing the same event twice queues once.
 */

let discord: FakeDiscord;
let smtp: FakeSmtp;
let receiver: WebhookReceiver;
let database: Database;
let config: Config;
const apps: FastifyInstance[] = [];
const venue = new PaperExchange({ balances: { USDT: 1_000_000 } });
venue.setPrice('BTCUSDT', '50000');
let userId: string;
let auth: { authorization: string };
let account: { id: string; webhook_secret: string };
const secrets: string[] = [];

const start = async (dispatch: boolean) => {
  const app = await buildApp({
    config: { ...config, notify: { ...config.notify, dispatch } },
    database,
    connectExchange: () => venue,
    logStream: { write: () => true },
  });
  await app.ready();
  apps.push(app);
  return app;
};

const seen = () => ({
  discord: discord.received.length,
  email: smtp.received.length,
  webhook: receiver.received.length,
});

const protectionEvent = (app: FastifyInstance, symbol: string) =>
  app.events.emit('protection.missing', {
    accountId: account.id,
    userId,
    exchange: 'paper',
    venueSymbol: symbol,
    side: 'long',
    qty: '1',
    action: 'alerted',
    at: 1_700_000_000_000,
  });

beforeAll(async () => {
  [discord, smtp, receiver] = await Promise.all([
    new FakeDiscord().start(),
    new FakeSmtp().start(),
    new WebhookReceiver().start(),
  ]);
  database = await openTestDatabase(TEST_DATABASE_URL);
  await migrate(database);
  config = testConfig({
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    NOTIFY_POLL_MS: '50',
    NOTIFY_QUIET_MS: '1500',
  });
  const app = await start(false);
  const user = await signUp(app, 'durable@example.com');
  userId = user.user.id;
  auth = user.auth;
  account = (
    await app.inject({
      method: 'POST',
      url: '/api/v1/accounts-secure/register',
      headers: auth,
      payload: { exchange: 'paper', api_key: 'durable-key-123456', api_secret: 'durable-secret-123456' },
    })
  ).json();
  secrets.push(account.id, account.webhook_secret, 'durable-key-123456', 'durable-secret-123456');
  for (const payload of [
    { kind: 'discord', name: 'd', webhook_url: discord.url('burst') },
    { kind: 'email', name: 'e', address: 'burst@example.com', locale: 'ko' },
    { kind: 'webhook', name: 'w', webhook_url: receiver.url('burst') },
  ]) {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/notifications/channels',
      headers: auth,
      payload,
    });
    expect(response.statusCode, response.body).toBe(201);
    if (payload.kind === 'webhook') receiver.secrets.set('burst', response.json().signing_secret);
  }
}, 60_000);

afterAll(async () => {
  for (const app of apps) await app.close();
  await database?.close();
  await Promise.all([discord?.close(), smtp?.close(), receiver?.close()]);
});

describe('a crash between queueing and sending', () => {
  it('queued by a process that stopped before sending: sent exactly once after the restart', async () => {
    const first = apps[0]!;
    protectionEvent(first, 'QUEUEDUSDT');
    protectionEvent(first, 'QUEUEDUSDT'); // the same event again: queued once
    await first.events.idle();
    const rows = await database.db.select().from(notificationOutbox);
    expect(rows.map((r) => r.status)).toEqual(['queued', 'queued', 'queued']);
    await first.close();
    apps.shift();
    expect(seen()).toEqual({ discord: 0, email: 0, webhook: 0 });

    const restarted = await start(true);
    await until(() => Object.values(seen()).every((n) => n === 1), 'one message per channel');
    await restarted.close();
    apps.pop();
    const again = await start(true); // and another restart sends nothing more
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(seen()).toEqual({ discord: 1, email: 1, webhook: 1 });
    expect(String(discord.received[0]!.body.content)).toContain('QUEUEDUSDT');
    await again.close();
    apps.pop();
  });

  it('claimed by a process that died while sending: sent once when its lease runs out', async () => {
    const before = seen();
    const app = await start(false);
    protectionEvent(app, 'CLAIMEDUSDT');
    await app.events.idle();
    // The dying process: it claims the rows, and its sends never come back.
    const hang: ChannelSender = { kind: 'discord', send: () => new Promise(() => undefined) };
    const dying = new NotificationOutbox({
      database,
      config: { ...config.notify, quietMs: 0 },
      keyRing: config.keyRing,
      senders: { discord: hang as ChannelSender<'discord'>, email: hang as never, webhook: hang as never },
    });
    void dying.dispatchOnce();
    await until(async () => {
      const rows = await database.db
        .select()
        .from(notificationOutbox)
        .where(eq(notificationOutbox.status, 'sending'));
      return rows.length === 3;
    }, 'the rows to be claimed');
    // The next process, once the lease (60 s) has run out.
    const senders = createSenders(config.notify);
    const next = new NotificationOutbox({
      database,
      config: { ...config.notify, quietMs: 0 },
      keyRing: config.keyRing,
      senders,
      now: () => Date.now() + 61_000,
    });
    expect(await next.dispatchOnce()).toBe(3);
    expect(await next.dispatchOnce()).toBe(0);
    senders.close();
    const after = seen();
    expect(after).toEqual({
      discord: before.discord + 1,
      email: before.email + 1,
      webhook: before.webhook + 1,
    });
    expect(String(discord.received.at(-1)!.body.content)).toContain('CLAIMEDUSDT');
    const rows = await database.db
      .select()
      .from(notificationOutbox)
      .where(eq(notificationOutbox.status, 'sent'));
    expect(
      rows.filter((r) => (r.payload as { symbol: string }).symbol === 'CLAIMEDUSDT').map((r) => r.attempts),
    ).toEqual([2, 2, 2]);
  });
});

describe('a burst', () => {
  it('50 signals become one digest per channel', async () => {
    const before = seen();
    const app = await start(true);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/webhook/tradingview',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify({
            account_id: account.id,
            exchange: 'paper',
            secret: account.webhook_secret,
            id: `burst-${i}`,
            action: i % 2 === 0 ? 'long' : 'close_long',
            symbol: 'BTCUSDT',
            leverage: 2,
            size_usdt: 100,
            sl_pct: 1,
          }),
        }),
      ),
    );
    expect(answers.every((a) => a.statusCode === 200 || a.statusCode === 202)).toBe(true);
    await until(
      async () =>
        (
          await database.db
            .select()
            .from(notificationOutbox)
            .where(eq(notificationOutbox.event, 'signal_executed'))
        ).length +
          (
            await database.db
              .select()
              .from(notificationOutbox)
              .where(eq(notificationOutbox.event, 'signal_failed'))
          ).length ===
        150,
      '150 rows queued',
      60_000,
    );
    await until(
      () => Object.entries(seen()).every(([k, n]) => n > before[k as keyof typeof before]),
      'the digests',
      60_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(seen()).toEqual({
      discord: before.discord + 1,
      email: before.email + 1,
      webhook: before.webhook + 1,
    });
    expect(String(discord.received.at(-1)!.body.content)).toContain('50 notifications in a burst');
    expect(smtp.received.at(-1)!.subject).toBe('알림 50건 요약');
    expect(receiver.received.at(-1)!.body).toMatchObject({ event: 'digest', data: { count: 50 } });
    expect(receiver.received.every((r) => r.verified)).toBe(true);
    const rows = await database.db.select().from(notificationOutbox);
    const digest = rows.filter((r) => r.digestKey !== null);
    expect(digest).toHaveLength(150);
    expect(new Set(digest.map((r) => r.digestKey)).size).toBe(3);
    expect(digest.every((r) => r.status === 'sent')).toBe(true);
  }, 120_000);

  it('no message carried a secret or a full account id', () => {
    expect(everything.length).toBeGreaterThan(0);
    for (const message of everything) for (const secret of secrets) expect(message).not.toContain(secret);
  });
});
