import type { Update } from 'grammy/types';
import { z } from 'zod';
import type { RouteContext } from '../route-context.ts';
import { requireBot, type TelegramBot } from '../services/notify/telegram/index.ts';
import { newLinkCode, telegramStatus, unlinkTelegram } from '../services/notify/telegram/link-api.ts';
import { ErrorResponse } from './error.schema.ts';
import { bearerSecurity, currentUser, requireUser } from './guard.ts';
import {
  TelegramLinkCode,
  TelegramLinkRequest,
  TelegramStatus,
  TelegramUnlinked,
} from './telegram.schema.ts';

/** Linking a Telegram chat (a one-time code the chat sends to the bot), and Telegram's webhook. */
export function registerTelegramRoutes(context: RouteContext, bot: TelegramBot | undefined): void {
  const { app, deps } = context;
  const base = { preHandler: requireUser(context) };
  const tags = ['notifications'];

  app.get(
    '/api/v1/notifications/telegram',
    {
      ...base,
      schema: { tags, security: bearerSecurity, response: { 200: TelegramStatus, 401: ErrorResponse } },
    },
    async (request) => telegramStatus(deps.database, bot, currentUser(request).user.id),
  );

  app.post(
    '/api/v1/notifications/telegram/link',
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        body: TelegramLinkRequest.optional(),
        response: { 200: TelegramLinkCode, 400: ErrorResponse, 401: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) =>
      newLinkCode(deps.database, requireBot(bot), currentUser(request).user.id, request.body?.locale ?? 'en'),
  );

  app.delete(
    '/api/v1/notifications/telegram/link',
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        response: { 200: TelegramUnlinked, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      await unlinkTelegram(deps.database, currentUser(request).user.id, bot?.linkHooks);
      return { success: true as const };
    },
  );

  // Telegram's webhook (PUBLIC_URL https): only requests carrying the secret token set with setWebhook.
  app.post(
    '/api/v1/telegram/webhook',
    {
      schema: {
        hide: true,
        body: z.looseObject({ update_id: z.number().int() }),
        response: { 200: z.object({ ok: z.boolean() }), 401: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) => {
      const header = request.headers['x-telegram-bot-api-secret-token'];
      await requireBot(bot).handleWebhook(
        request.body as unknown as Update,
        typeof header === 'string' ? header : undefined,
      );
      return { ok: true };
    },
  );
}
