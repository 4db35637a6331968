import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts, migrate, openTestDatabase, users, type Database } from '@tradingbot/db';
import { isAppError } from '@tradingbot/core';
import {
  createKeyRing,
  decryptCredentials,
  encryptCredentials,
  encryptValue,
  decryptValue,
  parseEncryptionKey,
} from '../src/crypto/credentials.ts';
import { rotateKeys } from '../src/services/key-rotation.ts';
import { TEST_DATABASE_URL } from './helpers.ts';

const key = () => parseEncryptionKey(randomBytes(32).toString('base64'));
const credentials = { apiKey: 'A'.repeat(64), apiSecret: 'b'.repeat(64), passphrase: 'pass-phrase!' };

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isAppError(error) ? error.code : 'not an AppError';
  }
  return undefined;
}

describe('credential encryption (AES-256-GCM)', () => {
  const ring = createKeyRing(key());

  it('round-trips, with a fresh nonce for every value', () => {
    const a = encryptCredentials(ring, 'acc1', credentials);
    const b = encryptCredentials(ring, 'acc1', credentials);
    expect(a.apiKeyEnc).not.toBe(b.apiKeyEnc);
    expect(a.apiKeyEnc.split(':')[1]).toBe(ring.current.id);
    expect(decryptCredentials(ring, 'acc1', a)).toEqual(credentials);
    expect(JSON.stringify(a)).not.toContain(credentials.apiKey);
  });

  it('fails as "Decryption failed" under another key, in another row or another field', () => {
    const sealed = encryptValue(ring, 'acc1', 'api_secret', 'secret');
    expect(code(() => decryptValue(createKeyRing(key()), 'acc1', 'api_secret', sealed))).toBe(
      'DECRYPTION_FAILED',
    );
    expect(code(() => decryptValue(ring, 'acc2', 'api_secret', sealed))).toBe('DECRYPTION_FAILED');
    expect(code(() => decryptValue(ring, 'acc1', 'api_key', sealed))).toBe('DECRYPTION_FAILED');
    // Flip one bit of the ciphertext itself (editing base64 text could touch only discarded padding bits).
    const parts = sealed.split(':');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 0x01;
    const tampered = [...parts.slice(0, 3), body.toString('base64url')].join(':');
    expect(code(() => decryptValue(ring, 'acc1', 'api_secret', tampered))).toBe('DECRYPTION_FAILED');
  });

  it('accepts 64 hex or base64 keys and refuses anything else', () => {
    const raw = randomBytes(32);
    expect(parseEncryptionKey(raw.toString('hex')).key).toEqual(raw);
    expect(parseEncryptionKey(raw.toString('base64')).key).toEqual(raw);
    expect(parseEncryptionKey(raw.toString('base64url')).key).toEqual(raw);
    expect(() => parseEncryptionKey('too-short')).toThrow('ENCRYPTION_KEY must be 32 bytes');
    expect(() => parseEncryptionKey(randomBytes(16).toString('hex'))).toThrow();
  });
});

describe(`key rotation (${TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(TEST_DATABASE_URL);
    await migrate(database);
    await database.db.insert(users).values({ id: 'u', email: 'u@x.io', passwordHash: 'h' });
  });
  afterAll(() => database.close());

  it('re-encrypts every account under the new key in one transaction', async () => {
    const oldKey = key();
    const oldRing = createKeyRing(oldKey);
    for (const id of ['a1', 'a2', 'a3']) {
      const sealed = encryptCredentials(oldRing, id, { ...credentials, apiKey: `${id}${'K'.repeat(62)}` });
      await database.db.insert(accounts).values({
        id,
        userId: 'u',
        exchange: 'okx',
        ...sealed,
        webhookSecretHash: 'h',
        webhookSecretHint: 'h',
      });
    }
    const newRing = createKeyRing(key(), [oldKey]);
    expect(await rotateKeys(database, newRing)).toEqual({ reencrypted: 3, unchanged: 0 });
    const rows = await database.db.select().from(accounts);
    for (const row of rows) {
      expect(row.keyId).toBe(newRing.current.id);
      expect(row.apiKeyEnc.split(':')[1]).toBe(newRing.current.id);
      // Readable with the new key alone: the old one can now be retired.
      expect(decryptCredentials(createKeyRing(newRing.current), row.id, row).apiKey).toBe(
        `${row.id}${'K'.repeat(62)}`,
      );
    }
    expect(await rotateKeys(database, newRing)).toEqual({ reencrypted: 0, unchanged: 3 });
  });

  it('changes nothing when one account cannot be decrypted', async () => {
    const stranger = createKeyRing(key());
    const sealed = encryptCredentials(stranger, 'a4', credentials);
    await database.db.insert(accounts).values({
      id: 'a4',
      userId: 'u',
      exchange: 'okx',
      ...sealed,
      webhookSecretHash: 'h',
      webhookSecretHint: 'h',
    });
    const before = await database.db.select().from(accounts);
    const ring = createKeyRing(key(), [parseEncryptionKey(randomBytes(32).toString('hex'))]);
    await expect(rotateKeys(database, ring)).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
    expect(await database.db.select().from(accounts)).toEqual(before);
  });
});
