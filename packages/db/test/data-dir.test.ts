import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { dataDirLock, migrate, openDatabase, type Database } from '../src/index.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'tb-datadir-'));
const opened: Database[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((d) => d.close()));
});
async function open(dir: string): Promise<Database> {
  const database = await openDatabase({ dataDir: dir });
  opened.push(database);
  return database;
}

/** Every file and folder under a directory, with its mode. */
function modes(dir: string): { path: string; mode: number; isDir: boolean }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).map((entry) => {
    const path = join(entry.parentPath, entry.name);
    return { path, mode: statSync(path).mode & 0o777, isDir: entry.isDirectory() };
  });
}

describe('no silent in-memory database', () => {
  it('refuses a URL that is not PostgreSQL instead of falling back to memory', async () => {
    await expect(openDatabase({ url: 'mysql://u:p@127.0.0.1/x' })).rejects.toMatchObject({
      code: 'DATABASE_URL_INVALID',
    });
    await expect(openDatabase({ url: 'postgresql:/127.0.0.1/x' })).rejects.toMatchObject({
      code: 'DATABASE_URL_INVALID',
    });
  });

  it('refuses to open without a URL, a folder or an explicit memory: true', async () => {
    await expect(openDatabase({})).rejects.toMatchObject({ code: 'DATABASE_TARGET_MISSING' });
    await expect(openDatabase({ dataDir: 'memory://' })).rejects.toMatchObject({
      code: 'DATABASE_TARGET_MISSING',
    });
    const memory = await openDatabase({ memory: true });
    expect(memory.kind).toBe('pglite');
    await memory.close();
  });
});

describe('PGlite folder permissions', () => {
  it('creates the folder 0700 and leaves every file in it owner-only (PGlite makes them 0666)', async () => {
    const dir = join(tmp(), 'db');
    const database = await open(dir);
    await migrate(database);
    await database.close();
    opened.length = 0;
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const loose = () =>
      modes(dir)
        .filter((entry) => (entry.mode & 0o077) !== 0)
        .map((e) => `${e.path} ${e.mode.toString(8)}`);
    expect(loose()).toEqual([]);
    // Files an older version left world-writable are tightened on the next open.
    const old = modes(dir).find((entry) => !entry.isDir)!.path;
    chmodSync(old, 0o666);
    chmodSync(dir, 0o755);
    await open(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(old).mode & 0o777).toBe(0o600);
    // While open, what PGlite adds follows the process umask (0077 in `tradingbot serve`).
    const writable = modes(dir).filter((entry) => (entry.mode & 0o022) !== 0);
    expect(writable.map((e) => e.path)).toEqual([]);
  }, 180_000); // two PGlite opens and the migrations: ~20 s each on a loaded 2-core machine

  it('refuses a group- or world-writable folder, naming it and the chmod to run', async () => {
    const dir = join(tmp(), 'db');
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    const attempt = openDatabase({ dataDir: dir });
    await expect(attempt).rejects.toMatchObject({ code: 'DATA_DIR_INSECURE' });
    await expect(attempt).rejects.toThrow(`chmod 700 ${dir}`);
  });
});

describe('PGlite folder lock', () => {
  it('a second open of the same folder in one process is refused until the first closes', async () => {
    const dir = join(tmp(), 'db');
    const first = await open(dir);
    expect(dataDirLock(dir)).toEqual({ pid: process.pid, alive: true });
    const second = openDatabase({ dataDir: dir });
    await expect(second).rejects.toMatchObject({ code: 'DATABASE_LOCKED' });
    await expect(second).rejects.toThrow(`process ${process.pid}`);
    await first.close();
    opened.length = 0;
    expect(dataDirLock(dir)).toBeNull();
    await open(dir); // free again
  });

  it('takes over a lock whose holder is dead', async () => {
    const dir = join(tmp(), 'db');
    await (await openDatabase({ dataDir: dir })).close();
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => dead.on('exit', resolve));
    writeFileSync(join(dir, 'tradingbot.lock'), `${dead.pid}\n`);
    expect(dataDirLock(dir)).toEqual({ pid: dead.pid, alive: false });
    await open(dir);
    expect(dataDirLock(dir)).toEqual({ pid: process.pid, alive: true });
  });

  it('a second real process on the same folder refuses to start', async () => {
    const dir = join(tmp(), 'db');
    await open(dir);
    const script = fileURLToPath(new URL('./support/open-data-dir.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, dir], { stdio: 'pipe' });
    let output = '';
    child.stdout.on('data', (chunk) => (output += String(chunk)));
    child.stderr.on('data', (chunk) => (output += String(chunk)));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(output).toContain('DATABASE_LOCKED');
    expect(output).toContain(`process ${process.pid}`);
    expect(code).toBe(3);
    expect(existsSync(join(dir, 'tradingbot.lock'))).toBe(true); // still ours
    expect(dataDirLock(dir)).toEqual({ pid: process.pid, alive: true });
  });
});
