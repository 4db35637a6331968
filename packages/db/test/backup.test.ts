import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  assertPgliteFolderFree,
  backupDatabase,
  backupTimestamp,
  openDatabase,
  pruneBackups,
  restoreBackup,
  verifyBackup,
} from '../src/index.ts';

const work = mkdtempSync(join(tmpdir(), 'tradingbot-db-backup-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const hasPgRestore = (() => {
  try {
    execFileSync('pg_restore', ['--version']);
    return true;
  } catch {
    return false;
  }
})();

describe('backup files', () => {
  it('names carry the UTC time', () => {
    expect(backupTimestamp(new Date('2026-12-07T02:49:04.123Z'))).toBe('20261207T024904Z');
  });

  it('pruning deletes only our own backups older than the limit, never other files', async () => {
    const dir = join(work, 'prune');
    mkdirSync(dir);
    const now = new Date('2026-12-10T00:00:00Z');
    const files = [
      'tradingbot-pglite-20261201T000000Z.tar.gz', // 9 days: pruned
      'tradingbot-pglite-20261201T000000Z.tar.gz.manifest.json', // pruned with it
      'tradingbot-postgres-20261202T235959Z-2.dump', // 7 days and a second: pruned
      'tradingbot-postgres-20261203T000001Z.dump', // just inside 7 days: kept
      'tradingbot-pglite-20261209T000000Z.tar.gz', // yesterday: kept
      'tradingbot-pglite-20200101T000000Z.tar.gz.bak', // not our name: kept
      'mydb-20200101T000000Z.dump', // someone else's: kept
      'notes.txt',
    ];
    for (const name of files) writeFileSync(join(dir, name), 'x');
    mkdirSync(join(dir, 'tradingbot-pglite-20200101T000000Z.tar.gz')); // a folder with our name: not ours, kept
    expect(await pruneBackups(dir, 7, now, [])).toEqual([
      'tradingbot-pglite-20261201T000000Z.tar.gz',
      'tradingbot-pglite-20261201T000000Z.tar.gz.manifest.json',
      'tradingbot-postgres-20261202T235959Z-2.dump',
    ]);
    expect(readdirSync(dir).sort()).toEqual(
      [
        'tradingbot-postgres-20261203T000001Z.dump',
        'tradingbot-pglite-20261209T000000Z.tar.gz',
        'tradingbot-pglite-20200101T000000Z.tar.gz.bak',
        'mydb-20200101T000000Z.dump',
        'notes.txt',
        'tradingbot-pglite-20200101T000000Z.tar.gz',
      ].sort(),
    );
  });

  it('a backup without its manifest is refused', async () => {
    const file = join(work, 'tradingbot-pglite-20261201T000000Z.tar.gz');
    writeFileSync(file, 'not checked');
    await expect(verifyBackup(file)).rejects.toMatchObject({
      code: 'BACKUP_INVALID',
      message: expect.stringMatching(/manifest .* is missing/),
    });
  });

  it.skipIf(!hasPgRestore)(
    'a PostgreSQL backup pg_restore cannot list is refused, even with a matching checksum',
    async () => {
      const file = join(work, 'tradingbot-postgres-20261201T000000Z.dump');
      const body = Buffer.from('PGDMP but not really');
      writeFileSync(file, body);
      writeFileSync(
        `${file}.manifest.json`,
        JSON.stringify({
          format: 'tradingbot-backup',
          version: 1,
          kind: 'postgres',
          file: 'x',
          bytes: body.length,
          sha256: createHash('sha256').update(body).digest('hex'),
          created_at: new Date().toISOString(),
          schema_version: 1,
          tool: 'test',
        }),
      );
      await expect(verifyBackup(file)).rejects.toMatchObject({
        code: 'BACKUP_INVALID',
        message: expect.stringMatching(/pg_restore cannot read it/),
      });
    },
  );
});

describe('PGlite backup and restore', { timeout: 180_000 }, () => {
  it('restores over an existing folder only with force, moving the old one aside; refuses an open folder', async () => {
    const source = await openDatabase({ dataDir: join(work, 'source') });
    await source.exec(`CREATE TABLE marker (v text); INSERT INTO marker VALUES ('from the backup')`);
    expect(() => assertPgliteFolderFree(join(work, 'source'))).toThrow(
      expect.objectContaining({ code: 'BACKUP_SOURCE_IN_USE' }),
    );
    const { file } = await backupDatabase(source, { outDir: join(work, 'out') });
    await source.close();
    assertPgliteFolderFree(join(work, 'source')); // closed: free again

    const target = join(work, 'target');
    const other = await openDatabase({ dataDir: target });
    await other.exec(`CREATE TABLE marker (v text); INSERT INTO marker VALUES ('was there')`);
    await other.close();
    await expect(restoreBackup(file, { kind: 'pglite', dataDir: target })).rejects.toMatchObject({
      code: 'RESTORE_TARGET_NOT_EMPTY',
    });
    await expect(
      restoreBackup(file, { kind: 'postgres', url: 'postgres://127.0.0.1/x' }),
    ).rejects.toMatchObject({
      code: 'BACKUP_KIND_MISMATCH',
    });
    const now = new Date('2026-12-07T03:00:00Z');
    const result = await restoreBackup(file, { kind: 'pglite', dataDir: target }, { force: true, now });
    expect(result.movedAside).toBe(`${target}.before-restore-20261207T030000Z`);
    expect(existsSync(join(result.movedAside!, 'PG_VERSION'))).toBe(true);
    // The snapshot was taken from an open folder: its postmaster.pid must not make the restored one look in use,
    // and nothing restored is readable or writable by others.
    assertPgliteFolderFree(target);
    for (const entry of readdirSync(target, { recursive: true })) {
      expect({ entry, mode: statSync(join(target, String(entry))).mode & 0o077 }).toEqual({ entry, mode: 0 });
    }
    const restored = await openDatabase({ dataDir: target });
    expect(await restored.query('SELECT v FROM marker')).toEqual([{ v: 'from the backup' }]);
    await restored.close();
  });
});
