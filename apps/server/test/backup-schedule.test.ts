import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, openTestDatabase } from '@tradingbot/db';
import { buildApp } from '../src/app.ts';
import { testConfig } from './helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'tradingbot-backup-schedule-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('BACKUP_CRON, BACKUP_DIR, BACKUP_KEEP_DAYS', () => {
  it('are checked at start: a bad pattern names the variable', () => {
    expect(() => testConfig({ BACKUP_CRON: '61 * * * *' })).toThrow(
      /BACKUP_CRON: "61 \* \* \* \*" is not a cron pattern/,
    );
    expect(() => testConfig({ BACKUP_KEEP_DAYS: '-1' })).toThrow(/BACKUP_KEEP_DAYS/);
    const config = testConfig({ DATA_DIR: join(work, 'data'), BACKUP_CRON: '30 3 * * *' });
    expect(config).toMatchObject({
      backupCron: '30 3 * * *',
      backupDir: join(work, 'data', 'backups'),
      backupKeepDays: 7,
    });
    expect(testConfig({ DATA_DIR: join(work, 'data') }).backupCron).toBeUndefined();
  });
});

// The schedule runs against the server's own database handle; the PostgreSQL path (pg_dump) is the
// same backup function, tested end to end by apps/cli/test/db-backup.test.ts.
describe('the server backs itself up on its schedule (PGlite)', { timeout: 180_000 }, () => {
  async function app(overrides: Record<string, string>) {
    const database = await openTestDatabase(undefined);
    await migrate(database);
    const logs: string[] = [];
    const logStream = new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    });
    const built = await buildApp({ config: testConfig(overrides), database, logStream });
    return {
      app: built,
      logs,
      close: async () => {
        await built.close();
        await database.close();
      },
    };
  }

  it('writes backups on BACKUP_CRON while serving, and a backup running at close finishes first', async () => {
    const dir = join(work, 'scheduled');
    const t = await app({ BACKUP_CRON: '* * * * * *', BACKUP_DIR: dir }); // every second
    await t.app.ready();
    const deadline = Date.now() + 120_000;
    const written = () => existsSync(dir) && readdirSync(dir).some((name) => name.endsWith('.manifest.json'));
    while (!written() && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/webhook/health' })).statusCode).toBe(200);
    await t.close();
    const names = readdirSync(dir);
    expect(names.some((n) => /^tradingbot-pglite-\d{8}T\d{6}Z(-\d+)?\.tar\.gz$/.test(n))).toBe(true);
    expect(names.filter((n) => n.endsWith('.partial'))).toEqual([]); // nothing half-written left behind
    for (const name of names) expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
    expect(t.logs.join('')).toMatch(/database backups scheduled/);
    expect(t.logs.join('')).toMatch(/database backup written/);
  });

  it('logs a failed backup and keeps serving; nothing is scheduled without BACKUP_CRON', async () => {
    const blocker = join(work, 'a-file');
    writeFileSync(blocker, '');
    const t = await app({ BACKUP_DIR: join(blocker, 'backups') }); // a folder under a file cannot exist
    await t.app.ready();
    expect(await t.app.backups.runOnce()).toBeNull();
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/webhook/health' })).statusCode).toBe(200);
    await t.close();
    const logs = t.logs.join('');
    expect(logs).toMatch(/database backup failed/);
    expect(logs).not.toMatch(/database backups scheduled/);
  });
});
