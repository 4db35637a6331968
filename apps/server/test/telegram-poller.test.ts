import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openTestDatabase, type Database } from '@tradingbot/db';
import { TelegramBot } from '../src/services/notify/telegram/bot.ts';
import { createExchangeFactory } from '../src/exchange-factory.ts';
import { TEST_DATABASE_URL, testConfig } from './helpers.ts';
import { startFakeTelegram, type FakeTelegram } from './support/fake-telegram.ts';

// One poller per bot across server processes: two bots with the same token on one PostgreSQL
// database (each as another process would be) — only the holder of the advisory lock polls, and
// the other takes over when it stops. PGlite is one process by construction (its tryLock always
// grants), so this runs on PostgreSQL only.

const TOKEN = '987654321:AAPollerLockTestToken_abcdefghijklmn';
const silent = { info: () => {}, warn: () => {}, error: () => {} };

describe.runIf(TEST_DATABASE_URL)('the Telegram poller lock (PostgreSQL)', () => {
  let database: Database;
  let fakes: FakeTelegram[];
  let bots: TelegramBot[];

  beforeAll(async () => {
    database = await openTestDatabase(TEST_DATABASE_URL);
    await migrate(database);
    fakes = [await startFakeTelegram({ token: TOKEN }), await startFakeTelegram({ token: TOKEN })];
    const config = testConfig();
    bots = fakes.map(
      (fake) =>
        new TelegramBot({
          database,
          keyRing: config.keyRing,
          connectExchange: createExchangeFactory({ paperFeed: false, sweepEveryMs: 0 }),
          queue: { kick: () => {}, waitFor: async () => 'timeout' },
          publicUrl: 'http://127.0.0.1:8001',
          token: TOKEN,
          apiUrl: fake.url,
          secretKey: config.secretKey,
          retryMs: 200,
          log: silent,
        }),
    );
  });
  afterAll(async () => {
    for (const bot of bots ?? []) await bot.stop();
    for (const fake of fakes ?? []) await fake.close();
    await database?.close();
  });

  const polls = (fake: FakeTelegram) => fake.calls.filter((c) => c.method === 'getUpdates').length;

  it('lets one process poll, and the other take over when it stops', async () => {
    bots[0]!.start();
    await expect.poll(() => polls(fakes[0]!), { timeout: 10_000 }).toBeGreaterThan(0);
    bots[1]!.start();
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // five lock attempts by the second
    expect(polls(fakes[1]!)).toBe(0);

    await bots[0]!.stop();
    await expect.poll(() => polls(fakes[1]!), { timeout: 10_000 }).toBeGreaterThan(0);
    // The second now answers its chats.
    const after = fakes[1]!.sent.length;
    fakes[1]!.userSays(9001, '/status');
    const reply = await fakes[1]!.waitForMessage((m) => fakes[1]!.sent.indexOf(m) >= after);
    expect(reply.text).toContain('not linked');
  });
});
