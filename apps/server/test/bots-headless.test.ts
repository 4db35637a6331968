import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { accounts, bots, migrate, openDatabase, users } from '@tradingbot/db';
import { encryptCredentials } from '../src/crypto/credentials.ts';
import { runHeadlessBot } from '../src/services/bots/headless.ts';
import { testConfig } from './helpers.ts';

/*
 * `tradingbot bot run` (issue 20 item 6) without the web server: the same runner and signal worker
 * on the configured database (an embedded PGlite folder here), a one-line status, and the bot
 * stopped when the command ends. A paper account: its venue serves candles with no network.
 */

const dir = mkdtempSync(join(tmpdir(), 'tb-bot-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function until<T>(what: string, probe: () => T | undefined | false, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('runHeadlessBot (tradingbot bot run)', () => {
  it(
    'runs one bot on a paper account with a live status line, and stops it when it ends',
    { timeout: 120_000 },
    async () => {
      const config = testConfig({ DATA_DIR: dir });
      // An account as the server stores it, written before the command opens the folder.
      const setup = await openDatabase({ dataDir: join(dir, 'db') });
      await migrate(setup);
      await setup.db.insert(users).values({ id: 'u1', email: 'cli@example.com', passwordHash: 'x' });
      const sealed = encryptCredentials(config.keyRing, 'acct-cli', { apiKey: 'k', apiSecret: 's' });
      await setup.db.insert(accounts).values({
        id: 'acct-cli',
        userId: 'u1',
        exchange: 'paper',
        ...sealed,
        webhookSecretHash: 'x',
        webhookSecretHint: 'x',
      });
      await setup.close();

      await expect(
        runHeadlessBot(config, {
          accountId: 'acct-cli',
          strategy: 'nope',
          params: {},
          symbol: 'BTCUSDT',
          timeframe: '1m',
          onStatus: () => {},
        }),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { issues: [{ field: 'strategy' }] } });

      const lines: string[] = [];
      const running = await runHeadlessBot(config, {
        accountId: 'acct-cli',
        strategy: 'ema_cross',
        params: { fastLength: 5, slowLength: 12 },
        symbol: 'BTCUSDT',
        timeframe: '1m',
        plan: { sl_pct: 1, tp_atr: 0 },
        statusEveryMs: 100,
        onStatus: (line) => lines.push(line),
      });
      const line = await until('a running status', () =>
        lines.find((l) => l.includes(' · running · last bar ')),
      );
      expect(line).toMatch(
        /^ema_cross BTCUSDT 1m · running · last bar \d{4}-\d\d-\d\d \d\d:\d\d UTC · position flat · 0 sent, 0 skipped$/,
      );
      await running.stop();

      const check = await openDatabase({ dataDir: join(dir, 'db') });
      const [row] = await check.db.select().from(bots).where(eq(bots.id, running.botId));
      await check.close();
      expect(row).toMatchObject({
        desiredState: 'stopped',
        status: 'stopped',
        strategy: 'ema_cross',
        accountId: 'acct-cli',
      });
      expect(row!.lastBarTime).not.toBeNull();
    },
  );
});
