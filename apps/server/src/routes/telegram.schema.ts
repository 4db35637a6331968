import { z } from 'zod';
import { nameSchemas } from './schema-registry.ts';

export const TelegramLinkRequest = z.strictObject({
  /** The language the bot answers in once linked (the web UI's). */
  locale: z.enum(['en', 'ko']).default('en'),
});

/** A one-time code: send `/start <code>` (or open `deep_link`) to the bot within 10 minutes. */
export const TelegramLinkCode = z.object({
  code: z.string(),
  bot_username: z.string(),
  deep_link: z.string(),
  expires_at: z.string(),
});

export const TelegramStatus = z.object({
  bot_configured: z.boolean(),
  linked: z.boolean(),
  /** The linked chat's Telegram @username, when it has one (never the chat id). */
  username: z.string().nullable(),
  locale: z.enum(['en', 'ko']).nullable(),
  linked_at: z.string().nullable(),
});

export const TelegramUnlinked = z.object({ success: z.literal(true) });

nameSchemas({ TelegramLinkCode, TelegramStatus, TelegramUnlinked });
