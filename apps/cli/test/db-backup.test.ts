import {
  copyFileSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@tradingbot/db';
import { decryptCredentials, generateSecrets, loadConfig, startServer } from '@tradingbot/server';
import { runCli } from './support/run-cli.ts';

// `tradingbot db backup` → wipe → `tradingbot db restore` into a fresh DATA_DIR (or a fresh PostgreSQL
// database) → the user logs in and the exchange account's credentials still decrypt with the same key.
// PGlite always; PostgreSQL when TEST_DATABASE_URL is set (.ci/run runs this file again with it).

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
const PASSWORD = 'backup restore: seven quiet owls';
const API_KEY = `paper-key-${randomBytes(6).toString('hex')}`;
const API_SECRET = `paper-secret-${randomBytes(6).toString('hex')}`;
const secrets = generateSecrets();
const work = mkdtempSync(join(tmpdir(), 'tradingbot-backup-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The environment a user's shell would give the CLI and the server: nothing of the test runner's. */
function envFor(place: { dataDir: string; databaseUrl?: string }, keys = secrets): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'silent', ...keys };
  for (const name of ['DATABASE_URL', 'TEST_DATABASE_URL', 'BACKUP_DIR', 'BACKUP_CRON', 'BACKUP_KEEP_DAYS'])
    delete env[name];
  env.DATA_DIR = place.dataDir;
  if (place.databaseUrl) env.DATABASE_URL = place.databaseUrl;
  return env;
}

const cli = (args: string[], env: NodeJS.ProcessEnv) => runCli(args, { env, cwd: work, timeoutMs: 120_000 });

async function withServer<T>(
  env: NodeJS.ProcessEnv,
  fn: (server: Awaited<ReturnType<typeof startServer>>) => Promise<T>,
) {
  const server = await startServer(loadConfig({ ...env, HOST: '127.0.0.1', PORT: '0' }));
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

type Server = Awaited<ReturnType<typeof startServer>>;

async function login(server: Server) {
  const answer = await server.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: 'owner@example.com', password: PASSWORD },
  });
  return { status: answer.statusCode, auth: { authorization: `Bearer ${answer.json().session_token}` } };
}

/** A user with one exchange account (its credentials stored encrypted under ENCRYPTION_KEY). */
async function seed(server: Server): Promise<string> {
  const registered = await server.app.inject({
    method: 'POST',
    url: '/api/v1/auth/register',
    payload: { email: 'owner@example.com', password: PASSWORD, name: 'owner' },
  });
  expect(registered.statusCode).toBe(201);
  const { auth } = await login(server);
  const created = await server.app.inject({
    method: 'POST',
    url: '/api/v1/accounts-secure/register',
    headers: auth,
    payload: { exchange: 'paper', api_key: API_KEY, api_secret: API_SECRET },
  });
  expect(created.statusCode).toBe(200);
  return created.json().id as string;
}

/** After a restore: the user logs in, and the server decrypts the account's keys to test them. */
async function expectRestored(server: Server, accountId: string) {
  const { status, auth } = await login(server);
  expect(status).toBe(200);
  const list = await server.app.inject({ method: 'GET', url: '/api/v1/accounts-secure/list', headers: auth });
  expect(list.json().accounts.map((a: { id: string }) => a.id)).toEqual([accountId]);
  const test = await server.app.inject({
    method: 'POST',
    url: `/api/v1/accounts-secure/${accountId}/test`,
    headers: auth,
  });
  expect(test.json()).toMatchObject({ ok: true, exchange: 'paper' });
}

/** The stored ciphertexts decrypt to the very keys registered, with the key kept apart from the backup. */
async function expectDecrypts(place: { dataDir: string; databaseUrl?: string }, accountId: string) {
  const database = await openDatabase(
    place.databaseUrl ? { url: place.databaseUrl } : { dataDir: join(place.dataDir, 'db') },
  );
  try {
    const [stored] = await database.query<{ api_key_enc: string; api_secret_enc: string }>(
      'SELECT api_key_enc, api_secret_enc FROM api_keys WHERE id = $1',
      [accountId],
    );
    const row = { apiKeyEnc: stored!.api_key_enc, apiSecretEnc: stored!.api_secret_enc, passphraseEnc: null };
    const ring = loadConfig(envFor(place)).keyRing;
    expect(decryptCredentials(ring, accountId, row)).toMatchObject({
      apiKey: API_KEY,
      apiSecret: API_SECRET,
    });
    const otherRing = loadConfig(envFor(place, generateSecrets())).keyRing;
    expect(() => decryptCredentials(otherRing, accountId, row)).toThrow();
  } finally {
    await database.close();
  }
}

function backupFiles(out: string) {
  const names = readdirSync(out).sort();
  const file = names.find((n) => !n.endsWith('.manifest.json'))!;
  return {
    names,
    file: join(out, file),
    manifest: JSON.parse(readFileSync(join(out, `${file}.manifest.json`), 'utf8')),
  };
}

// PGlite in a child process and servers on a 2-core machine shared with other runs: generous limits.
const SLOW = { timeout: 240_000 };

describe('tradingbot db backup / restore on PGlite', SLOW, () => {
  const placeA = { dataDir: join(work, 'pglite-a') };
  const placeB = { dataDir: join(work, 'pglite-b') };
  const out = join(work, 'pglite-backups');
  let accountId = '';

  it('refuses to back up a folder a running server holds, naming the way out', async () => {
    await withServer(envFor(placeA), async (server) => {
      accountId = await seed(server);
      const refused = await cli(['db', 'backup', '--out', out], envFor(placeA));
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/Stop the server or use BACKUP_CRON/);
      expect(refused.stderr).toMatch(/BACKUP_SOURCE_IN_USE/);
    });
  });

  it('backs up (0600 files, UTC name, manifest with sha256, no encryption key inside), wipes, restores into a fresh DATA_DIR', async () => {
    const made = await cli(['db', 'backup', '--out', out], envFor(placeA));
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(/not in the backup/);
    const { names, file, manifest } = backupFiles(out);
    expect(names).toHaveLength(2);
    expect(file).toMatch(/tradingbot-pglite-\d{8}T\d{6}Z\.tar\.gz$/);
    expect(manifest).toMatchObject({ kind: 'pglite', schema_version: expect.any(Number) });
    for (const name of names) expect(statSync(join(out, name)).mode & 0o777).toBe(0o600);
    const tar = gunzipSync(readFileSync(file));
    expect(tar.includes('owner@example.com')).toBe(true); // it is the database…
    for (const secret of Object.values(secrets)) expect(tar.includes(secret)).toBe(false); // …without the keys
    expect(tar.includes(API_SECRET)).toBe(false); // credentials only as ciphertext

    rmSync(placeA.dataDir, { recursive: true, force: true }); // the disk is lost

    const restored = await cli(['db', 'restore', file], envFor(placeB));
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    await withServer(envFor(placeB), (server) => expectRestored(server, accountId));
    await expectDecrypts(placeB, accountId);
  });

  it('refuses a damaged backup before touching anything, and a folder that already holds a database', async () => {
    const { file } = backupFiles(out);
    const bytes = readFileSync(file);
    const damaged = join(work, 'damaged');
    rmSync(damaged, { recursive: true, force: true });
    const copy = join(work, 'damaged.tar.gz');
    const middle = bytes.length >> 1;
    bytes[middle] = bytes[middle]! ^ 0xff;
    writeFileSync(copy, bytes);
    copyFileSync(`${file}.manifest.json`, `${copy}.manifest.json`);
    const refused = await cli(['db', 'restore', copy], envFor({ dataDir: damaged }));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/checksum does not match the manifest.*BACKUP_INVALID/);
    expect(() => readdirSync(join(damaged, 'db'))).toThrow(); // nothing was created

    const occupied = await cli(['db', 'restore', file], envFor(placeB));
    expect(occupied.code).not.toBe(0);
    expect(occupied.stderr).toMatch(/already holds a database.*--force.*RESTORE_TARGET_NOT_EMPTY/);
  });
});

describe.skipIf(!TEST_DATABASE_URL)(
  'tradingbot db backup / restore on PostgreSQL (TEST_DATABASE_URL)',
  SLOW,
  () => {
    const suffix = randomBytes(4).toString('hex');
    const names = [`test_backup_${suffix}_a`, `test_backup_${suffix}_b`];
    const urlOf = (name: string) => {
      const url = new URL(TEST_DATABASE_URL!);
      url.pathname = `/${name}`;
      return url.toString();
    };
    const admin = async (sql: string) => {
      const database = await openDatabase({ url: TEST_DATABASE_URL! });
      try {
        await database.exec(sql);
      } finally {
        await database.close();
      }
    };
    afterAll(async () => {
      for (const name of names) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    });

    it('pg_dump custom format, drop the database, pg_restore into a new one: login and decryption work', async () => {
      for (const name of names) await admin(`CREATE DATABASE ${name}`);
      const placeA = { dataDir: join(work, 'pg-a'), databaseUrl: urlOf(names[0]!) };
      const placeB = { dataDir: join(work, 'pg-b'), databaseUrl: urlOf(names[1]!) };
      const out = join(work, 'pg-backups');
      const accountId = await withServer(envFor(placeA), seed);

      const made = await cli(['db', 'backup', '--out', out], envFor(placeA));
      expect(made.stderr).toBe('');
      expect(made.code).toBe(0);
      const { file, manifest } = backupFiles(out);
      expect(file).toMatch(/tradingbot-postgres-\d{8}T\d{6}Z\.dump$/);
      expect(manifest).toMatchObject({ kind: 'postgres', tool: expect.stringMatching(/^pg_dump/) });
      expect(statSync(file).mode & 0o777).toBe(0o600);

      await admin(`DROP DATABASE ${names[0]} WITH (FORCE)`); // the database is lost

      const wrongKind = await cli(['db', 'restore', file], envFor({ dataDir: join(work, 'pg-as-pglite') }));
      expect(wrongKind.stderr).toMatch(/BACKUP_KIND_MISMATCH/);

      const restored = await cli(['db', 'restore', file], envFor(placeB));
      expect(restored.stderr).toBe('');
      expect(restored.code).toBe(0);
      await withServer(envFor(placeB), (server) => expectRestored(server, accountId));
      await expectDecrypts(placeB, accountId);

      const again = await cli(['db', 'restore', file], envFor(placeB));
      expect(again.stderr).toMatch(/RESTORE_TARGET_NOT_EMPTY/);
    });
  },
);
