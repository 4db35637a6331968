import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '@tradingbot/db';
import { loadConfig, type Config } from '../src/config.ts';
import {
  createKeyRing,
  encryptValue,
  generateSecrets,
  parseEncryptionKey,
} from '../src/crypto/credentials.ts';
import { openConfiguredDatabase, startServer, type RunningServer } from '../src/server.ts';
import { rotateStoredKeys } from '../src/services/key-rotation.ts';
import { TEST_DATABASE_URL } from './helpers.ts';

/**
 * Issue 15, finding 10: rotating keys under a running server made every account fail until a
 * restart, an account the old process created afterwards stayed on the old key, dev-secrets.json
 * kept the old key for a later start to fall back to, and no start checked that stored
 * credentials decrypt.
 */
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Where the servers keep their data: a throwaway PostgreSQL schema, or a PGlite folder. */
async function storage(): Promise<Record<string, string>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tb-rotation-'));
  if (!TEST_DATABASE_URL) return { DATA_DIR: dataDir };
  const database = await openTestDatabase(TEST_DATABASE_URL);
  cleanups.push(() => database.close());
  const [row] = await database.query<{ schema: string }>('SELECT current_schema() AS schema');
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${row!.schema}`);
  return { DATA_DIR: dataDir, DATABASE_URL: url.toString() };
}

const config = (env: Record<string, string | undefined>) =>
  loadConfig({ PORT: '0', LOG_LEVEL: 'silent', ...env });

async function start(env: Record<string, string | undefined>): Promise<RunningServer> {
  const server = await startServer(config(env));
  cleanups.push(() => server.close());
  return server;
}

async function post(server: RunningServer, path: string, body: unknown, token?: string) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Signs up (or in) and registers a paper account; returns the token and the account id. */
async function paperAccount(server: RunningServer, email: string) {
  const password = 'long enough password';
  await post(server, '/api/v1/auth/register', { email, password });
  const login = await post(server, '/api/v1/auth/login', { email, password });
  const token = login.body['session_token'] as string;
  const created = await post(
    server,
    '/api/v1/accounts-secure/register',
    { exchange: 'paper', api_key: 'paper-key', api_secret: 'paper-secret' },
    token,
  );
  expect(created.status).toBe(200);
  return { token, id: created.body['id'] as string };
}

/** Whether the server can decrypt and use the account's stored credentials. */
async function usable(server: RunningServer, account: { token: string; id: string }) {
  const test = await post(server, `/api/v1/accounts-secure/${account.id}/test`, {}, account.token);
  return test.body['ok'] === true ? 'ok' : String((test.body['error'] as { code?: string })?.code);
}

const rotate = (c: Config) => rotateStoredKeys(() => openConfiguredDatabase(c), c.keyRing, c.dataDir);

describe(`key rotation (${TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('is refused while a server runs on the database, which keeps working; done after it stops', async () => {
    const store = await storage();
    const oldKeys = generateSecrets();
    const server = await start({ ...store, ...oldKeys });
    const account = await paperAccount(server, 'rotate-running@example.com');
    const newKey = generateSecrets().ENCRYPTION_KEY;
    const rotation = config({
      ...store,
      ...oldKeys,
      ENCRYPTION_KEY: newKey,
      ENCRYPTION_KEYS_OLD: oldKeys.ENCRYPTION_KEY,
    });
    await expect(rotate(rotation)).rejects.toMatchObject({ code: 'KEY_ROTATION_SERVER_RUNNING' });
    expect(await usable(server, account)).toBe('ok'); // untouched
    const later = await paperAccount(server, 'rotate-running-2@example.com');
    await server.close();

    expect(await rotate(rotation)).toMatchObject({ reencrypted: 2, unchanged: 0 });
    const restarted = await start({ ...store, ...oldKeys, ENCRYPTION_KEY: newKey });
    expect(await usable(restarted, account)).toBe('ok');
    expect(await usable(restarted, later)).toBe('ok');
    await restarted.close();
  });

  it('writes the new key into dev-secrets.json, so a start without ENCRYPTION_KEY does not fall back to the old one', async () => {
    const store = await storage();
    const first = await start(store); // development secrets, generated into DATA_DIR
    const account = await paperAccount(first, 'rotate-dev@example.com');
    await first.close();
    const file = join(store.DATA_DIR!, 'dev-secrets.json');
    const oldKey = (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>).ENCRYPTION_KEY!;
    const newKey = generateSecrets().ENCRYPTION_KEY;
    const result = await rotate(config({ ...store, ENCRYPTION_KEY: newKey, ENCRYPTION_KEYS_OLD: oldKey }));
    expect(result).toMatchObject({ reencrypted: 1, devSecretsUpdated: true });
    const kept = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    expect(parseEncryptionKey(kept.ENCRYPTION_KEY!).id).toBe(parseEncryptionKey(newKey).id);
    const again = await start(store); // ENCRYPTION_KEY from dev-secrets.json again
    expect(await usable(again, account)).toBe('ok');
    await again.close();
  });

  it('a start whose keys cannot decrypt the stored credentials is refused, with counts per key id', async () => {
    const store = await storage();
    const keys = generateSecrets();
    const first = await start({ ...store, ...keys });
    await paperAccount(first, 'rotate-check@example.com');
    await paperAccount(first, 'rotate-check-2@example.com');
    await first.close();
    const storedUnder = parseEncryptionKey(keys.ENCRYPTION_KEY).id;
    const wrong = generateSecrets().ENCRYPTION_KEY;
    let refusal: unknown;
    try {
      await start({ ...store, ...keys, ENCRYPTION_KEY: wrong });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({ code: 'KEY_RING_MISMATCH' });
    const message = (refusal as Error).message;
    expect(message).toContain('2 of 2 exchange accounts cannot be decrypted');
    expect(message).toContain(`2 under key ${storedUnder} (not configured, 2 not decrypting)`);
    expect(message).not.toContain(keys.ENCRYPTION_KEY);
    expect(message).not.toContain(wrong);
    // With the old key as ENCRYPTION_KEYS_OLD it starts (the accounts still decrypt).
    const fixed = await start({
      ...store,
      ...keys,
      ENCRYPTION_KEY: wrong,
      ENCRYPTION_KEYS_OLD: keys.ENCRYPTION_KEY,
    });
    await fixed.close();
  });

  it('a two-factor secret the keys cannot decrypt also refuses the start (its owner could not sign in)', async () => {
    const store = await storage();
    const keys = generateSecrets();
    const first = await start({ ...store, ...keys });
    const email = 'rotate-totp@example.com';
    await post(first, '/api/v1/auth/register', { email, password: 'long enough password' });
    await first.close();
    // Two-factor on, as confirming an enrolment leaves it: the secret under the key of that time.
    const database = await openConfiguredDatabase(config({ ...store, ...keys }));
    const [user] = await database.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [email]);
    const ring = createKeyRing(parseEncryptionKey(keys.ENCRYPTION_KEY));
    await database.query('UPDATE users SET totp_secret_enc = $1, totp_enabled_at = now() WHERE id = $2', [
      encryptValue(ring, `user:${user!.id}`, 'totp_secret', 'JBSWY3DPEHPK3PXP'),
      user!.id,
    ]);
    await database.close();
    const wrong = generateSecrets().ENCRYPTION_KEY;
    await expect(start({ ...store, ...keys, ENCRYPTION_KEY: wrong })).rejects.toMatchObject({
      code: 'KEY_RING_MISMATCH',
      message: expect.stringContaining('1 of 1 two-factor secrets cannot be decrypted'),
    });
    const fixed = await start({
      ...store,
      ...keys,
      ENCRYPTION_KEY: wrong,
      ENCRYPTION_KEYS_OLD: keys.ENCRYPTION_KEY,
    });
    await fixed.close();
  });
});
