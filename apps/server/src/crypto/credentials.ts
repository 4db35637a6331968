import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ServerErrors } from '../errors.ts';

/**
 * Exchange credentials at rest: AES-256-GCM with a random 96-bit nonce per value, the key id stored
 * with each value, and associated data binding the ciphertext to its account and field, so a value
 * copied to another row or column does not decrypt. Format: `v1:<keyId>:<nonce>:<ciphertext+tag>`
 * (base64url). Decryption happens only in memory, at the moment of use.
 */
export type EncryptionKey = { id: string; key: Buffer };
export type KeyRing = { current: EncryptionKey; old: EncryptionKey[] };
export type Credentials = { apiKey: string; apiSecret: string; passphrase?: string | undefined };
export type EncryptedCredentials = {
  apiKeyEnc: string;
  apiSecretEnc: string;
  passphraseEnc: string | null;
  keyId: string;
};

/** Parses a 32-byte key written as 64 hex characters or as base64 / base64url (the Fernet-style form). */
export function parseEncryptionKey(text: string): EncryptionKey {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : /^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)
      ? Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
      : null;
  if (key === null || key.length !== 32) {
    throw ServerErrors.create('CONFIG_INVALID', {
      message:
        'ENCRYPTION_KEY must be 32 bytes: 64 hex characters or 44 base64 characters (tradingbot keys generate)',
    });
  }
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 8), key };
}

export function createKeyRing(current: EncryptionKey, old: EncryptionKey[] = []): KeyRing {
  return { current, old: old.filter((k) => k.id !== current.id) };
}

const aad = (accountId: string, field: string) => Buffer.from(`tradingbot:${accountId}:${field}`);

export function encryptValue(ring: KeyRing, accountId: string, field: string, plaintext: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', ring.current.key, nonce);
  cipher.setAAD(aad(accountId, field));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `v1:${ring.current.id}:${nonce.toString('base64url')}:${body.toString('base64url')}`;
}

export function decryptValue(ring: KeyRing, accountId: string, field: string, value: string): string {
  const failed = () => ServerErrors.create('DECRYPTION_FAILED', { details: { account_id: accountId } });
  const [version, keyId, nonceText, bodyText] = value.split(':');
  if (version !== 'v1' || !keyId || !nonceText || !bodyText) throw failed();
  const key = [ring.current, ...ring.old].find((k) => k.id === keyId);
  if (!key) throw failed();
  try {
    const body = Buffer.from(bodyText, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(nonceText, 'base64url'));
    decipher.setAAD(aad(accountId, field));
    decipher.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw failed();
  }
}

export function encryptCredentials(
  ring: KeyRing,
  accountId: string,
  credentials: Credentials,
): EncryptedCredentials {
  return {
    apiKeyEnc: encryptValue(ring, accountId, 'api_key', credentials.apiKey),
    apiSecretEnc: encryptValue(ring, accountId, 'api_secret', credentials.apiSecret),
    passphraseEnc:
      credentials.passphrase === undefined
        ? null
        : encryptValue(ring, accountId, 'passphrase', credentials.passphrase),
    keyId: ring.current.id,
  };
}

export function decryptCredentials(
  ring: KeyRing,
  accountId: string,
  row: Pick<EncryptedCredentials, 'apiKeyEnc' | 'apiSecretEnc' | 'passphraseEnc'>,
): Credentials {
  return {
    apiKey: decryptValue(ring, accountId, 'api_key', row.apiKeyEnc),
    apiSecret: decryptValue(ring, accountId, 'api_secret', row.apiSecretEnc),
    ...(row.passphraseEnc === null
      ? {}
      : { passphrase: decryptValue(ring, accountId, 'passphrase', row.passphraseEnc) }),
  };
}

/** sha256 hex of a bearer token or webhook secret: what the database keeps instead of the value. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Constant-time comparison of two hex digests. */
export function timingSafeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Fresh values for every secret: 32 random bytes each, in the encoding `loadConfig` expects. */
export function generateSecrets(): { SECRET_KEY: string; ENCRYPTION_KEY: string; WEBHOOK_SECRET: string } {
  return {
    SECRET_KEY: randomBytes(32).toString('hex'),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    WEBHOOK_SECRET: randomToken(32),
  };
}
