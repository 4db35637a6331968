import { describe, expect, it } from 'vitest';
import { migrate, notificationChannels, notificationOutbox, openTestDatabase, users } from '@tradingbot/db';
import { createKeyRing, generateSecrets, parseEncryptionKey } from '../src/crypto/credentials.ts';
import type { ChannelSender } from '../src/services/notify/channel.ts';
import { loadTarget, reencryptChannelSecrets, storeTarget } from '../src/services/notify/channels.ts';
import { DEFAULT_NOTIFY_EVENTS, NOTIFY_EVENT_KINDS } from '../src/services/notify/facts.ts';
import { telegramChannelHooks } from '../src/services/notify/telegram-channel.ts';
import { retryAfterHeaderMs, targetUrlProblem } from '../src/services/notify/http-target.ts';
import { NotificationOutbox, backoffMs } from '../src/services/notify/outbox.ts';
import { renderMessage } from '../src/services/notify/render.ts';
import { signWebhook } from '../src/services/notify/webhook.ts';
import { TEST_DATABASE_URL, testConfig } from './helpers.ts';
import { verifySignature } from './support/notify-fakes.ts';

/* The notifier's small rules: where users may point a webhook, how waits are read, the signature. */

describe('targets users may choose', () => {
  it('in production: no loopback, private or link-local addresses, no credentials in the URL', () => {
    for (const url of [
      'http://127.0.0.1:8001/x',
      'http://localhost/x',
      'http://10.1.2.3/x',
      'http://172.20.0.1/x',
      'http://192.168.1.1/x',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/x',
      'http://[::ffff:127.0.0.1]/x',
      'http://[fd00::1]/x',
    ]) {
      expect(targetUrlProblem(url, false), url).not.toBeNull();
    }
    expect(targetUrlProblem('https://discord.com/api/webhooks/1/abc', false)).toBeNull();
    expect(targetUrlProblem('https://user:pw@example.com/hook', true)).toMatch(/user name or password/);
    expect(targetUrlProblem('file:///etc/passwd', true)).toMatch(/http\(s\)/);
    expect(targetUrlProblem('http://127.0.0.1:9/x', true)).toBeNull(); // allowed by the operator (tests, home labs)
  });
});

describe('waiting', () => {
  it('reads Retry-After as seconds or a date', () => {
    expect(retryAfterHeaderMs('1.5')).toBe(1500);
    expect(retryAfterHeaderMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfterHeaderMs(null)).toBeUndefined();
    expect(retryAfterHeaderMs('soon')).toBeUndefined();
  });

  it('backs off exponentially within ±20 %, capped at 15 minutes', () => {
    expect(backoffMs(1, () => 0.5)).toBe(1000);
    expect(backoffMs(4, () => 0.5)).toBe(8000);
    expect(backoffMs(4, () => 0)).toBe(6400);
    expect(backoffMs(4, () => 1)).toBe(9600);
    expect(backoffMs(40, () => 0.5)).toBe(15 * 60_000);
  });
});

describe('the outgoing webhook signature', () => {
  it('verifies over the exact body and timestamp, and not after 5 minutes or with another body', () => {
    const body = JSON.stringify({ id: 'm1', title: 'x' });
    const t = Math.floor(Date.now() / 1000);
    const header = signWebhook('signing-secret-0123456789', body, t);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature(header, body, 'signing-secret-0123456789')).toBe(true);
    expect(verifySignature(header, body.replace('x', 'y'), 'signing-secret-0123456789')).toBe(false);
    expect(verifySignature(header, body, 'signing-secret-0123456789', (t + 301) * 1000)).toBe(false);
  });
});

describe('messages', () => {
  it('link to the signal only when PUBLIC_URL is set', () => {
    const facts = {
      type: 'signal_failed' as const,
      signalId: 's-1',
      account: { label: 'Main', masked: '…abcd' },
      exchange: 'binance',
      status: 'failed' as const,
      code: 'SOMETHING_NEW',
      message: 'The venue said no',
    };
    expect(renderMessage('m', facts, 'en', 'https://bot.example.com').link).toBe(
      'https://bot.example.com/signals/s-1',
    );
    expect(renderMessage('m', facts, 'en', undefined).link).toBeUndefined();
    expect(renderMessage('m', facts, 'ko', undefined).text).toContain('The venue said no (SOMETHING_NEW)');
  });
});

describe('key rotation', () => {
  it("re-encrypts channels' secrets under the new key", async () => {
    const database = await openTestDatabase(TEST_DATABASE_URL);
    try {
      await migrate(database);
      const oldKey = parseEncryptionKey(generateSecrets().ENCRYPTION_KEY);
      const newKey = parseEncryptionKey(generateSecrets().ENCRYPTION_KEY);
      const oldRing = createKeyRing(oldKey);
      await database.db.insert(users).values({ id: 'u1', email: 'u1@example.com', passwordHash: 'x' });
      const target = {
        kind: 'webhook' as const,
        url: 'https://example.com/h',
        signingSecret: 'a-signing-secret-123',
      };
      await database.db
        .insert(notificationChannels)
        .values({ id: 'c1', userId: 'u1', kind: 'webhook', ...storeTarget(oldRing, 'c1', target) });
      const changed = await database.transaction((tx) =>
        reencryptChannelSecrets(tx, createKeyRing(newKey, [oldKey])),
      );
      expect(changed).toBe(1);
      const [row] = await database.db.select().from(notificationChannels);
      expect(row!.secretEnc!.split(':')[1]).toBe(newKey.id);
      expect(loadTarget(createKeyRing(newKey), row!)).toEqual(target);
      expect(() => loadTarget(oldRing, row!)).toThrow();
    } finally {
      await database.close();
    }
  });
});

describe('a linked Telegram chat as the user’s channel', () => {
  it('link creates it (all events, the link’s language), a new link replaces it, unlink removes it; the outbox sends to it', async () => {
    const database = await openTestDatabase(TEST_DATABASE_URL);
    try {
      await migrate(database);
      const ring = createKeyRing(parseEncryptionKey(generateSecrets().ENCRYPTION_KEY));
      await database.db.insert(users).values({ id: 'u2', email: 'u2@example.com', passwordHash: 'x' });
      const hooks = telegramChannelHooks(database, ring);
      await hooks.linked({ userId: 'u2', chatId: '1001', locale: 'ko' });
      await hooks.linked({ userId: 'u2', chatId: '2002', locale: 'ko' });
      const rows = await database.db.select().from(notificationChannels);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ kind: 'telegram', address: '2002', locale: 'ko', enabled: true });
      expect(rows[0]!.targetHint).not.toContain('2002');
      expect(rows[0]!.events).toEqual([...DEFAULT_NOTIFY_EVENTS]);

      const sent: { chatId: string; title: string }[] = [];
      const telegram: ChannelSender<'telegram'> = {
        kind: 'telegram',
        send: async (target, message) => {
          sent.push({ chatId: target.chatId, title: message.title });
          return { ok: true };
        },
      };
      const config = testConfig({ NOTIFY_QUIET_MS: '0' }).notify;
      const outbox = new NotificationOutbox({ database, config, keyRing: ring, senders: { telegram } });
      const facts = {
        type: 'stream_down' as const,
        account: { label: '', masked: '…abcd' },
        exchange: 'okx',
        downSince: 0,
      };
      expect(await outbox.enqueue('u2', 'stream_down', facts, 'k1')).toBe(1);
      const old = new Date(Date.now() - 40 * 24 * 3600_000);
      await database.db.insert(notificationOutbox).values({
        id: 'old-1',
        channelId: rows[0]!.id,
        userId: 'u2',
        event: 'test',
        payload: {},
        status: 'sent',
        idempotencyKey: 'old-1',
        createdAt: old,
      });
      expect(await outbox.dispatchOnce()).toBe(1);
      const kept = await database.db.select().from(notificationOutbox);
      expect(kept.map((r) => r.idempotencyKey)).toEqual([`k1:${rows[0]!.id}`]); // the 40-day-old row pruned
      expect(sent).toEqual([{ chatId: '2002', title: '거래소 연결 끊김: okx' }]);

      await hooks.unlinked({ userId: 'u2', chatId: '1001' }); // not the linked chat: nothing changes
      expect(await database.db.select().from(notificationChannels)).toHaveLength(1);
      await hooks.unlinked({ userId: 'u2', chatId: '2002' });
      expect(await database.db.select().from(notificationChannels)).toHaveLength(0);
    } finally {
      await database.close();
    }
  });
});

describe('the dispatcher under a steady stream of events', () => {
  it('keeps sending while events keep coming', async () => {
    const database = await openTestDatabase(TEST_DATABASE_URL);
    const ring = createKeyRing(parseEncryptionKey(generateSecrets().ENCRYPTION_KEY));
    const sent: number[] = [];
    const email: ChannelSender<'email'> = {
      kind: 'email',
      send: async () => {
        sent.push(Date.now());
        return { ok: true };
      },
    };
    const config = { ...testConfig().notify, pollMs: 400, quietMs: 500, maxHoldMs: 0, digestAfter: 1000 };
    const outbox = new NotificationOutbox({ database, config, keyRing: ring, senders: { email } });
    try {
      await migrate(database);
      await database.db.insert(users).values({ id: 'u3', email: 'u3@example.com', passwordHash: 'x' });
      await database.db.insert(notificationChannels).values({
        id: 'c3',
        userId: 'u3',
        kind: 'email',
        address: 'u3@example.com',
        events: [...NOTIFY_EVENT_KINDS],
      });
      outbox.start();
      const started = Date.now();
      const facts = { type: 'test' as const, channelName: 'x' };
      for (let i = 0; Date.now() - started < 1500; i++) {
        await outbox.enqueue('u3', 'test', facts, `steady-${i}`, { channelIds: ['c3'] });
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(sent.length).toBeGreaterThan(0);
      expect(sent[0]! - started).toBeLessThan(1000);
    } finally {
      await outbox.stop();
      await database.close();
    }
  });
});
