import type { Database } from '@tradingbot/db';
import { ServerErrors } from '../../../errors.ts';
import type { TelegramBot } from './bot.ts';
import {
  createLinkCode,
  linkOfUser,
  unlinkUser,
  type TelegramLinkHooks,
  type TelegramLocale,
} from './linking.ts';

/** What the API answers about linking (routes/telegram.ts): JSON shapes, snake_case. */
export async function newLinkCode(
  database: Database,
  bot: TelegramBot,
  userId: string,
  locale: TelegramLocale,
) {
  const username = await bot.username();
  const { code, expiresAt } = await createLinkCode(database, userId, locale);
  return {
    code,
    bot_username: username,
    deep_link: `https://t.me/${username}?start=${code}`,
    expires_at: expiresAt.toISOString(),
  };
}

export async function telegramStatus(database: Database, bot: TelegramBot | undefined, userId: string) {
  const link = await linkOfUser(database, userId);
  return {
    bot_configured: bot !== undefined,
    linked: link !== undefined,
    username: link?.username ?? null,
    locale: link?.locale ?? null,
    linked_at: link?.createdAt.toISOString() ?? null,
  };
}

export async function unlinkTelegram(database: Database, userId: string, hooks?: TelegramLinkHooks) {
  if (!(await unlinkUser(database, userId, hooks))) throw ServerErrors.create('TELEGRAM_NOT_LINKED');
}
