import { and, eq } from 'drizzle-orm';
import { notificationChannels, type Database } from '@tradingbot/db';
import type { KeyRing } from '../../crypto/credentials.ts';
import { storeTarget } from './channels.ts';
import { DEFAULT_NOTIFY_EVENTS } from './facts.ts';

/**
 * A user's linked Telegram chat as their `telegram` notification channel. The Telegram bot's
 * linking (services/notify/telegram/linking.ts) calls these hooks: a chat linked by its one-time
 * code becomes the user's one Telegram channel (replacing an earlier chat's, every event kind on,
 * in the language the link was made in); an unlinked chat stops being it. The chat id only ever
 * comes from the update Telegram delivered, never from the API.
 */
export function telegramChannelHooks(database: Database, keyRing: KeyRing) {
  return {
    async linked(link: { userId: string; chatId: string; locale: 'en' | 'ko' }): Promise<void> {
      await database.transaction(async (tx) => {
        await tx.query(`DELETE FROM notification_channels WHERE user_id = $1 AND kind = 'telegram'`, [
          link.userId,
        ]);
        const id = `tg-${link.userId}`;
        const stored = storeTarget(keyRing, id, { kind: 'telegram', chatId: link.chatId });
        await tx.query(
          `INSERT INTO notification_channels (id, user_id, kind, name, address, target_hint, locale, events)
           VALUES ($1, $2, 'telegram', 'Telegram', $3, $4, $5, $6::jsonb)`,
          [
            id,
            link.userId,
            stored.address,
            stored.targetHint,
            link.locale,
            JSON.stringify(DEFAULT_NOTIFY_EVENTS),
          ],
        );
      });
    },
    async unlinked(link: { userId: string; chatId: string }): Promise<void> {
      await database.db
        .delete(notificationChannels)
        .where(
          and(
            eq(notificationChannels.userId, link.userId),
            eq(notificationChannels.kind, 'telegram'),
            eq(notificationChannels.address, link.chatId),
          ),
        );
    },
  };
}
