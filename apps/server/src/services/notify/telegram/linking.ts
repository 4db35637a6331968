import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { telegramLinkCodes, telegramLinks, type Database } from '@tradingbot/db';
import { hashToken } from '../../../crypto/credentials.ts';
import { audit } from '../../audit.ts';

export type TelegramLocale = 'en' | 'ko';

/** How long a link code may be sent to the bot. */
export const LINK_CODE_TTL_MS = 10 * 60_000;

/**
 * A link code: 16 random bytes in base64url (22 characters from `A-Za-z0-9_-`, what a deep link's
 * `start` payload allows). Only its sha256 is stored.
 */
export const LINK_CODE_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/**
 * What happens beside the link itself: the notify outbox keeps its channels in
 * `notification_channels` (another part of issue 19); whoever wires the two registers these so a
 * linked chat becomes the user's Telegram channel and an unlinked one stops being it.
 */
export type TelegramLinkHooks = {
  linked?(link: { userId: string; chatId: string; locale: TelegramLocale }): Promise<void>;
  unlinked?(link: { userId: string; chatId: string }): Promise<void>;
};

export type LinkCode = { code: string; expiresAt: Date };

/** A new one-time code for `userId` (older unused codes of theirs stay valid until they expire). */
export async function createLinkCode(
  database: Database,
  userId: string,
  locale: TelegramLocale,
  now = new Date(),
): Promise<LinkCode> {
  const code = randomBytes(16).toString('base64url');
  const expiresAt = new Date(now.getTime() + LINK_CODE_TTL_MS);
  await database.db
    .insert(telegramLinkCodes)
    .values({ codeHash: hashToken(code), userId, locale, expiresAt, createdAt: now });
  return { code, expiresAt };
}

export type RedeemResult =
  | { ok: true; userId: string; locale: TelegramLocale; already: boolean }
  | { ok: false; reason: 'invalid' | 'expired' | 'chat_taken' };

/**
 * Links the chat that sent `code` to the code's user and burns the code. The chat id comes from
 * the update Telegram delivered, never from anything a user typed. A chat linked to another user
 * stays theirs until it is unlinked; a user's new chat replaces their old one.
 */
export async function redeemLinkCode(
  database: Database,
  input: { code: string; chatId: string; username?: string | undefined; now?: Date },
  hooks: TelegramLinkHooks = {},
): Promise<RedeemResult> {
  const now = input.now ?? new Date();
  if (!LINK_CODE_PATTERN.test(input.code)) return { ok: false, reason: 'invalid' };
  const codeHash = hashToken(input.code);
  const result = await database.db.transaction(async (tx) => {
    const [burnt] = await tx
      .update(telegramLinkCodes)
      .set({ usedAt: now })
      .where(
        and(
          eq(telegramLinkCodes.codeHash, codeHash),
          isNull(telegramLinkCodes.usedAt),
          gt(telegramLinkCodes.expiresAt, now),
        ),
      )
      .returning();
    if (!burnt) {
      const [known] = await tx
        .select()
        .from(telegramLinkCodes)
        .where(eq(telegramLinkCodes.codeHash, codeHash));
      return {
        ok: false as const,
        reason: known && known.usedAt === null ? ('expired' as const) : ('invalid' as const),
      };
    }
    const [holder] = await tx.select().from(telegramLinks).where(eq(telegramLinks.chatId, input.chatId));
    if (holder && holder.userId !== burnt.userId)
      return { ok: false as const, reason: 'chat_taken' as const };
    if (holder) return { ok: true as const, userId: burnt.userId, locale: holder.locale, already: true };
    await tx.delete(telegramLinks).where(eq(telegramLinks.userId, burnt.userId));
    await tx.insert(telegramLinks).values({
      userId: burnt.userId,
      chatId: input.chatId,
      username: input.username ?? null,
      locale: burnt.locale,
      createdAt: now,
    });
    return { ok: true as const, userId: burnt.userId, locale: burnt.locale, already: false };
  });
  if (result.ok && !result.already) {
    await audit(database, { userId: result.userId, action: 'telegram.linked', details: {} });
    await hooks.linked?.({ userId: result.userId, chatId: input.chatId, locale: result.locale });
  }
  return result;
}

/** The link of a chat, if any. */
export async function linkOfChat(database: Database, chatId: string) {
  const [link] = await database.db.select().from(telegramLinks).where(eq(telegramLinks.chatId, chatId));
  return link;
}

/** The link of a user, if any. */
export async function linkOfUser(database: Database, userId: string) {
  const [link] = await database.db.select().from(telegramLinks).where(eq(telegramLinks.userId, userId));
  return link;
}

/** Removes the user's link; false when there was none. */
export async function unlinkUser(
  database: Database,
  userId: string,
  hooks: TelegramLinkHooks = {},
): Promise<boolean> {
  const [removed] = await database.db
    .delete(telegramLinks)
    .where(eq(telegramLinks.userId, userId))
    .returning();
  if (!removed) return false;
  await audit(database, { userId, action: 'telegram.unlinked', details: {} });
  await hooks.unlinked?.({ userId, chatId: removed.chatId });
  return true;
}
