import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isAppError } from '@tradingbot/core';
import type { Database } from '@tradingbot/db';
import { decryptCredentials, encryptCredentials, type KeyRing } from '../crypto/credentials.ts';
import { ServerErrors } from '../errors.ts';
import { devSecretsPath } from '../config.ts';
import { decryptTotpSecret, reencryptTotpSecrets } from './totp.ts';
import { reencryptChannelSecrets } from './notify/channels.ts';

type Row = {
  id: string;
  api_key_enc: string;
  api_secret_enc: string;
  passphrase_enc: string | null;
  key_id: string;
};

/**
 * The lock every running server holds shared and a rotation takes exclusive (PostgreSQL; on PGlite
 * the folder's lock file already keeps a rotation out while a server runs). A server keeps its key
 * ring in memory, so rotating under it would leave it unable to read the re-encrypted accounts and
 * writing new ones under the old key.
 */
export const SERVER_LOCK = 'tradingbot:server';

const rowCredentials = (row: Row) => ({
  apiKeyEnc: row.api_key_enc,
  apiSecretEnc: row.api_secret_enc,
  passphraseEnc: row.passphrase_enc,
});

/**
 * Re-encrypts every credential (and every user's TOTP secret) that is not under the ring's current
 * key, in ONE transaction: either
 * every account moves to the new key or none does. A value no key of the ring can decrypt aborts
 * the rotation (DECRYPTION_FAILED) and leaves everything as it was. Refused (KEY_ROTATION_SERVER_RUNNING)
 * while a server runs on the database.
 */
export async function rotateKeys(
  database: Database,
  ring: KeyRing,
): Promise<{ reencrypted: number; unchanged: number }> {
  const release = await database.tryLock(SERVER_LOCK, 'exclusive');
  if (!release) throw serverRunning('a server is running on this database');
  try {
    return await database.transaction(async (tx) => {
      const rows = await tx.query<Row>(
        'SELECT id, api_key_enc, api_secret_enc, passphrase_enc, key_id FROM api_keys ORDER BY id FOR UPDATE',
      );
      let reencrypted = 0;
      for (const row of rows) {
        const allCurrent = [row.api_key_enc, row.api_secret_enc, row.passphrase_enc]
          .filter((v): v is string => v !== null)
          .every((v) => v.split(':')[1] === ring.current.id);
        if (allCurrent) continue;
        const fresh = encryptCredentials(ring, row.id, decryptCredentials(ring, row.id, rowCredentials(row)));
        await tx.query(
          'UPDATE api_keys SET api_key_enc = $1, api_secret_enc = $2, passphrase_enc = $3, key_id = $4, updated_at = now() WHERE id = $5',
          [fresh.apiKeyEnc, fresh.apiSecretEnc, fresh.passphraseEnc, fresh.keyId, row.id],
        );
        reencrypted++;
      }
      await reencryptTotpSecrets(tx, ring); // users' TOTP secrets are under the same ring
      await reencryptChannelSecrets(tx, ring); // and notification channels' webhook URLs and signing secrets
      return { reencrypted, unchanged: rows.length - reencrypted };
    });
  } finally {
    await release();
  }
}

function serverRunning(who: string) {
  return ServerErrors.create('KEY_ROTATION_SERVER_RUNNING', {
    message:
      `Key rotation refused: ${who}. A running server keeps its keys in memory, so it could not ` +
      'read the re-encrypted accounts and would store new ones under the old key. Stop the server, ' +
      'rotate, then start it with the new ENCRYPTION_KEY.',
  });
}

/**
 * The rotation as `tradingbot keys rotate` runs it: opens the database (refused while a server
 * holds it), re-encrypts, and when development secrets are kept in DATA_DIR, writes the new key
 * there too, so a later start without ENCRYPTION_KEY does not fall back to the old one.
 */
export async function rotateStoredKeys(
  openDatabase: () => Promise<Database>,
  ring: KeyRing,
  dataDir: string,
): Promise<{ reencrypted: number; unchanged: number; devSecretsUpdated: boolean }> {
  let database: Database;
  try {
    database = await openDatabase();
  } catch (error) {
    if (isAppError(error) && error.code === 'DATABASE_LOCKED') {
      throw serverRunning(`process ${String(error.details?.['pid'])} holds the database folder`);
    }
    throw error;
  }
  try {
    const result = await rotateKeys(database, ring);
    return { ...result, devSecretsUpdated: recordKeyInDevSecrets(dataDir, ring) };
  } finally {
    await database.close();
  }
}

/** Puts the ring's current key in DATA_DIR/dev-secrets.json when that file holds another one. */
function recordKeyInDevSecrets(dataDir: string, ring: KeyRing): boolean {
  const file = devSecretsPath(dataDir);
  if (!existsSync(file)) return false;
  const values = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  const current = ring.current.key.toString('base64');
  if (values['ENCRYPTION_KEY'] === current) return false;
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify({ ...values, ENCRYPTION_KEY: current }, null, 2) + '\n', {
    mode: 0o600,
  });
  renameSync(temporary, file);
  return true;
}

/** Per key id: how many accounts are stored under it and how many of those do not decrypt. */
export type CredentialCheck = {
  accounts: number;
  undecryptable: string[];
  /** Users with two-factor on, and those whose TOTP secret no key of the ring decrypts. */
  totpSecrets: number;
  undecryptableTotp: string[];
  byKeyId: Record<string, { accounts: number; undecryptable: number; inRing: boolean }>;
};

/** Decrypts every stored credential with the ring (in memory only; nothing is kept or logged). */
export async function checkStoredCredentials(database: Database, ring: KeyRing): Promise<CredentialCheck> {
  const rows = await database.query<Row>(
    'SELECT id, api_key_enc, api_secret_enc, passphrase_enc, key_id FROM api_keys ORDER BY id',
  );
  const ids = new Set([ring.current.id, ...ring.old.map((k) => k.id)]);
  const check: CredentialCheck = {
    accounts: rows.length,
    undecryptable: [],
    totpSecrets: 0,
    undecryptableTotp: [],
    byKeyId: {},
  };
  for (const row of rows) {
    const entry = (check.byKeyId[row.key_id] ??= {
      accounts: 0,
      undecryptable: 0,
      inRing: ids.has(row.key_id),
    });
    entry.accounts++;
    try {
      decryptCredentials(ring, row.id, rowCredentials(row));
    } catch {
      entry.undecryptable++;
      check.undecryptable.push(row.id);
    }
  }
  // Two-factor secrets are under the same ring: one that does not decrypt locks its owner out.
  const users = await database.query<{ id: string; totp_secret_enc: string }>(
    'SELECT id, totp_secret_enc FROM users WHERE totp_secret_enc IS NOT NULL ORDER BY id',
  );
  check.totpSecrets = users.length;
  for (const user of users) {
    try {
      decryptTotpSecret(ring, user.id, user.totp_secret_enc);
    } catch {
      check.undecryptableTotp.push(user.id);
    }
  }
  return check;
}

/** One line for the log or the refusal: `3 under key ab12cd34 (current), 1 under key 9f… (not configured, 1 failing)`. */
export function describeCredentialCheck(check: CredentialCheck, ring: KeyRing): string {
  const parts = Object.entries(check.byKeyId).map(([id, entry]) => {
    const role = id === ring.current.id ? 'current' : entry.inRing ? 'old' : 'not configured';
    const failing = entry.undecryptable ? `, ${entry.undecryptable} not decrypting` : '';
    return `${entry.accounts} under key ${id} (${role}${failing})`;
  });
  return parts.length ? parts.join('; ') : 'no exchange accounts stored';
}
