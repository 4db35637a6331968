import { Api, GrammyError, HttpError } from 'grammy';
import type { ChannelSender, OutgoingMessage, SendOutcome } from '../channel.ts';
import type { TelegramPacer } from './pacer.ts';

/** Telegram's text limit per message (after entity parsing). */
export const TELEGRAM_TEXT_MAX = 4096;

/** The Bot API client for a token and API root (TELEGRAM_API_URL): grammY's `Api`, paced. */
export function telegramApi(token: string, apiRoot: string, pacer: TelegramPacer): Api {
  const api = new Api(token, { apiRoot });
  api.config.use(async (previous, method, payload, signal) => {
    const chatId = (payload as { chat_id?: unknown }).chat_id;
    if ((method === 'sendMessage' || method === 'editMessageText') && chatId !== undefined) {
      await pacer.slot(String(chatId));
    }
    return previous(method, payload, signal);
  });
  return api;
}

/** The text Telegram receives for a message: title, text and link, plain (no parse mode to escape). */
export function telegramText(message: OutgoingMessage): string {
  const parts = [message.title, message.text, message.link].filter((part) => part && part.trim() !== '');
  const text = parts.join('\n\n');
  return text.length <= TELEGRAM_TEXT_MAX ? text : `${text.slice(0, TELEGRAM_TEXT_MAX - 1)}…`;
}

/**
 * What a failed Bot API call means for the outbox: 429 → wait `retry_after`; the chat blocked
 * the bot, was deleted or never existed (403, 400 "chat not found") → permanent, the channel is
 * disabled with the reason; anything else (5xx, network) → retry later.
 */
export function sendOutcomeOf(error: unknown): SendOutcome {
  if (error instanceof GrammyError) {
    const retryAfter = error.parameters.retry_after;
    if (error.error_code === 429) {
      return {
        ok: false,
        permanent: false,
        reason: 'Telegram asked to slow down (429)',
        retryAfterMs: (typeof retryAfter === 'number' && retryAfter > 0 ? retryAfter : 1) * 1000,
      };
    }
    const description = error.description.toLowerCase();
    if (
      error.error_code === 403 ||
      description.includes('chat not found') ||
      description.includes('user is deactivated')
    ) {
      return {
        ok: false,
        permanent: true,
        reason: `Telegram refused the chat: ${error.description} (link the chat again from the notifications page)`,
      };
    }
    if (error.error_code === 401) {
      return {
        ok: false,
        permanent: false,
        reason: 'Telegram refused the bot token (401): check TELEGRAM_BOT_TOKEN',
      };
    }
    return {
      ok: false,
      permanent: false,
      reason: `Telegram error ${error.error_code}: ${error.description}`,
    };
  }
  if (error instanceof HttpError) {
    return { ok: false, permanent: false, reason: 'Telegram could not be reached' };
  }
  return { ok: false, permanent: false, reason: 'Sending to Telegram failed' };
}

/** Sends the outbox's messages to a linked chat (the seam: `ChannelSender<'telegram'>`). */
export class TelegramSender implements ChannelSender<'telegram'> {
  readonly kind = 'telegram' as const;

  constructor(private readonly api: Api) {}

  async send(target: { kind: 'telegram'; chatId: string }, message: OutgoingMessage): Promise<SendOutcome> {
    try {
      await this.api.sendMessage(target.chatId, telegramText(message), {
        link_preview_options: { is_disabled: true },
      });
      return { ok: true };
    } catch (error) {
      return sendOutcomeOf(error);
    }
  }
}
