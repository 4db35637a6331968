import { decryptValue, encryptValue, type KeyRing } from '../../crypto/credentials.ts';
import type { NotificationChannelRow, SqlExecutor } from '@tradingbot/db';
import type { ChannelTarget } from './channel.ts';
import { maskId } from './facts.ts';

/**
 * A channel's target as stored: `address` for what is not a secret (email address, Telegram chat
 * id), `secret_enc` for what is (a Discord webhook URL carries its token; an outgoing webhook has
 * its URL and signing secret) as AES-256-GCM bound to the channel id, and a masked `target_hint`.
 */
const SECRET_FIELD = 'notify_target';

export type StoredTarget = { address: string | null; secretEnc: string | null; targetHint: string };

export function storeTarget(ring: KeyRing, channelId: string, target: ChannelTarget): StoredTarget {
  switch (target.kind) {
    case 'telegram':
      return { address: target.chatId, secretEnc: null, targetHint: `chat ${maskId(target.chatId)}` };
    case 'email':
      return { address: target.address, secretEnc: null, targetHint: target.address };
    case 'discord':
      return {
        address: null,
        secretEnc: encryptValue(
          ring,
          channelId,
          SECRET_FIELD,
          JSON.stringify({ webhookUrl: target.webhookUrl }),
        ),
        targetHint: urlHint(target.webhookUrl),
      };
    case 'webhook':
      return {
        address: null,
        secretEnc: encryptValue(
          ring,
          channelId,
          SECRET_FIELD,
          JSON.stringify({ url: target.url, signingSecret: target.signingSecret }),
        ),
        targetHint: urlHint(target.url),
      };
  }
}

/** The target to send to, decrypted in memory at the moment of use. */
export function loadTarget(
  ring: KeyRing,
  row: Pick<NotificationChannelRow, 'id' | 'kind' | 'address' | 'secretEnc'>,
): ChannelTarget {
  const secret = () =>
    JSON.parse(decryptValue(ring, row.id, SECRET_FIELD, row.secretEnc ?? '')) as Record<string, string>;
  switch (row.kind) {
    case 'telegram':
      return { kind: 'telegram', chatId: row.address ?? '' };
    case 'email':
      return { kind: 'email', address: row.address ?? '' };
    case 'discord':
      return { kind: 'discord', webhookUrl: secret().webhookUrl ?? '' };
    case 'webhook': {
      const s = secret();
      return { kind: 'webhook', url: s.url ?? '', signingSecret: s.signingSecret ?? '' };
    }
  }
}

/** `https://discord.com/…`: the service, never the path (a Discord webhook's path is its token). */
export function urlHint(text: string): string {
  try {
    const url = new URL(text);
    return `${url.protocol}//${url.host}/…`;
  } catch {
    return '…';
  }
}

/** Key rotation (`services/key-rotation.ts`): every channel secret not under the ring's current key, re-encrypted in `tx`. */
export async function reencryptChannelSecrets(tx: SqlExecutor, ring: KeyRing): Promise<number> {
  const rows = await tx.query<{ id: string; secret_enc: string }>(
    'SELECT id, secret_enc FROM notification_channels WHERE secret_enc IS NOT NULL ORDER BY id FOR UPDATE',
  );
  let changed = 0;
  for (const row of rows) {
    if (row.secret_enc.split(':')[1] === ring.current.id) continue;
    const plain = decryptValue(ring, row.id, SECRET_FIELD, row.secret_enc);
    await tx.query('UPDATE notification_channels SET secret_enc = $1 WHERE id = $2', [
      encryptValue(ring, row.id, SECRET_FIELD, plain),
      row.id,
    ]);
    changed++;
  }
  return changed;
}
