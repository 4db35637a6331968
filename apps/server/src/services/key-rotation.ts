import type { Database } from '@tradingbot/db';
import { decryptCredentials, encryptCredentials, type KeyRing } from '../crypto/credentials.ts';
import { reencryptTotpSecrets } from './totp.ts';

type Row = {
  id: string;
  api_key_enc: string;
  api_secret_enc: string;
  passphrase_enc: string | null;
  key_id: string;
};

/**
 * Re-encrypts every credential (and every user's TOTP secret) that is not under the ring's current
 * key, in ONE transaction: either
 * every account moves to the new key or none does. A value no key of the ring can decrypt aborts
 * the rotation (DECRYPTION_FAILED) and leaves everything as it was.
 */
export async function rotateKeys(
  database: Database,
  ring: KeyRing,
): Promise<{ reencrypted: number; unchanged: number }> {
  return database.transaction(async (tx) => {
    const rows = await tx.query<Row>(
      'SELECT id, api_key_enc, api_secret_enc, passphrase_enc, key_id FROM api_keys ORDER BY id FOR UPDATE',
    );
    let reencrypted = 0;
    for (const row of rows) {
      const allCurrent = [row.api_key_enc, row.api_secret_enc, row.passphrase_enc]
        .filter((v): v is string => v !== null)
        .every((v) => v.split(':')[1] === ring.current.id);
      if (allCurrent) continue;
      const plain = decryptCredentials(ring, row.id, {
        apiKeyEnc: row.api_key_enc,
        apiSecretEnc: row.api_secret_enc,
        passphraseEnc: row.passphrase_enc,
      });
      const fresh = encryptCredentials(ring, row.id, plain);
      await tx.query(
        'UPDATE api_keys SET api_key_enc = $1, api_secret_enc = $2, passphrase_enc = $3, key_id = $4, updated_at = now() WHERE id = $5',
        [fresh.apiKeyEnc, fresh.apiSecretEnc, fresh.passphraseEnc, fresh.keyId, row.id],
      );
      reencrypted++;
    }
    await reencryptTotpSecrets(tx, ring); // users' TOTP secrets are under the same ring
    return { reencrypted, unchanged: rows.length - reencrypted };
  });
}
