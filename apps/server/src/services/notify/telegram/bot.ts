import { createHmac } from 'node:crypto';
import type { Api } from 'grammy';
import { Bot, GrammyError, HttpError } from 'grammy';
import type { Update } from 'grammy/types';
import type { Database } from '@tradingbot/db';
import { hashToken, timingSafeEqualHex } from '../../../crypto/credentials.ts';
import { ServerErrors } from '../../../errors.ts';
import { telegramCommands, type BotContext, type CommandDeps } from './commands.ts';
import { TelegramPacer, type PacerOptions } from './pacer.ts';
import { TelegramSender, telegramApi } from './sender.ts';
import { BOT_TEXTS } from './texts.ts';
import type { TelegramLinkHooks } from './linking.ts';

/**
 * The advisory lock whose holder polls Telegram: one poller per bot across server processes
 * (the name ends with the bot's numeric id, the public part of its token).
 */
export const TELEGRAM_POLL_LOCK = 'telegram-bot-poller';

export function pollLockName(token: string): string {
  return `${TELEGRAM_POLL_LOCK}:${token.split(':')[0]}`;
}

export type TelegramBotOptions = Omit<CommandDeps, 'log'> & {
  database: Database;
  token: string;
  apiUrl: string;
  /** SECRET_KEY: the webhook's secret token is derived from it (never the bot token). */
  secretKey: string;
  /** Telegram's webhook instead of long polling when this is https (PUBLIC_URL). */
  publicUrl: string;
  pacer?: PacerOptions;
  /** Wait before trying the lock again, or polling again after an error (default 15 s). */
  retryMs?: number;
  log: {
    info(obj: object, msg: string): void;
    warn(obj: object, msg: string): void;
    error(obj: object, msg: string): void;
  };
};

/** A Bot API failure in words that never carry the token (grammY's errors name the method only). */
function describeFailure(error: unknown): string {
  if (error instanceof GrammyError) return `${error.method}: ${error.error_code} ${error.description}`;
  if (error instanceof HttpError) return 'the Bot API could not be reached';
  return error instanceof Error ? error.message : 'unknown error';
}

/**
 * The operator's Telegram bot: commands from linked chats (`commands.ts`) and the outbox's
 * `TelegramSender`. Updates arrive by long polling in the one process holding the
 * `telegram-bot-poller` advisory lock, or by Telegram's webhook (POST /api/v1/telegram/webhook,
 * checked against a secret token) when PUBLIC_URL is https.
 */
export class TelegramBot {
  readonly bot: Bot<BotContext>;
  /** For the notify outbox: sends to linked chats, paced like the bot's own replies. */
  readonly sender: TelegramSender;
  readonly mode: 'polling' | 'webhook';
  readonly webhookUrl: string;
  /** What linking and unlinking also do (the notify outbox's channel row); the API's unlink uses them too. */
  readonly linkHooks: TelegramLinkHooks;
  readonly #secretTokenHash: string;
  readonly #secretToken: string;
  readonly #commands: ReturnType<typeof telegramCommands>;
  #stopped = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor(private readonly options: TelegramBotOptions) {
    const pacer = new TelegramPacer(options.pacer);
    this.linkHooks = options.hooks ?? {};
    this.mode = options.publicUrl.startsWith('https://') ? 'webhook' : 'polling';
    this.webhookUrl = `${options.publicUrl}/api/v1/telegram/webhook`;
    this.#secretToken = createHmac('sha256', options.secretKey)
      .update('telegram-webhook-secret-token')
      .digest('base64url');
    this.#secretTokenHash = hashToken(this.#secretToken);
    this.bot = new Bot<BotContext>(options.token, { client: { apiRoot: options.apiUrl } });
    // The bot's replies are paced per chat and bot-wide, like the outbox's messages.
    this.bot.api.config.use(async (previous, method, payload, signal) => {
      const chatId = (payload as { chat_id?: unknown }).chat_id;
      if ((method === 'sendMessage' || method === 'editMessageText') && chatId !== undefined) {
        await pacer.slot(String(chatId));
      }
      return retryAfter429(() => previous(method, payload, signal), signal);
    });
    this.sender = new TelegramSender(telegramApi(options.token, options.apiUrl, pacer));
    this.#commands = telegramCommands({ ...options, log: options.log });
    this.bot.use((ctx, next) => {
      ctx.texts = BOT_TEXTS.en;
      return next();
    });
    this.bot.use(this.#commands.composer);
    this.bot.catch((error) => {
      options.log.error({ reason: describeFailure(error.error) }, 'telegram: handling an update failed');
    });
  }

  /** The bot's @username (getMe, once). */
  async username(): Promise<string> {
    if (!this.bot.isInited()) await this.bot.init();
    return this.bot.botInfo.username;
  }

  /** Starts receiving updates in the background (polling under the lock, or registering the webhook). */
  start(): void {
    this.#loop ??= this.mode === 'polling' ? this.#poll() : this.#registerWebhook();
  }

  async #poll(): Promise<void> {
    while (!this.#stopped) {
      const release = await this.options.database
        .tryLock(pollLockName(this.options.token), 'exclusive')
        .catch(() => null);
      if (!release) {
        await this.#pause();
        continue;
      }
      try {
        if (this.#stopped) return;
        this.options.log.info({}, 'telegram: this process polls the bot');
        await this.bot.start({ allowed_updates: ['message', 'callback_query'] });
      } catch (error) {
        this.options.log.warn({ reason: describeFailure(error) }, 'telegram: polling stopped; retrying');
      } finally {
        await release().catch(() => {});
      }
      if (!this.#stopped) await this.#pause();
    }
  }

  async #registerWebhook(): Promise<void> {
    while (!this.#stopped) {
      try {
        await this.bot.init();
        await this.bot.api.setWebhook(this.webhookUrl, {
          secret_token: this.#secretToken,
          allowed_updates: ['message', 'callback_query'],
        });
        this.options.log.info({ url: this.webhookUrl }, 'telegram: webhook registered');
        return;
      } catch (error) {
        this.options.log.warn({ reason: describeFailure(error) }, 'telegram: setWebhook failed; retrying');
        await this.#pause();
      }
    }
  }

  #pause(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.options.retryMs ?? 15_000);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** One update from Telegram's webhook, if it carries the secret token. */
  async handleWebhook(update: Update, secretToken: string | undefined): Promise<void> {
    if (this.mode !== 'webhook' || !timingSafeEqualHex(hashToken(secretToken ?? ''), this.#secretTokenHash)) {
      throw ServerErrors.create('TELEGRAM_WEBHOOK_FORBIDDEN');
    }
    if (!this.bot.isInited()) await this.bot.init();
    await this.bot.handleUpdate(update);
  }

  /** Resolves when confirmed closes still reporting their results are done. */
  idle(): Promise<void> {
    return this.#commands.idle();
  }

  /** Stops polling, waits for confirmed closes still reporting, and lets the lock go. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    if (this.bot.isRunning()) await this.bot.stop();
    await this.#loop;
    await this.#commands.idle();
  }

  /** For the outbox's wiring and tests: the raw API (the sender's is paced separately). */
  get api(): Api {
    return this.bot.api;
  }
}

/**
 * A Bot API call that honours 429: waits `retry_after` seconds and tries again (at most 3 times),
 * as Telegram asks (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this).
 */
async function retryAfter429<
  T extends { ok: boolean; error_code?: number; parameters?: { retry_after?: number } },
>(
  call: () => Promise<T>,
  signal:
    { readonly aborted: boolean; addEventListener(type: 'abort', listener: () => void): void } | undefined,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const result = await call();
    const wait = result.parameters?.retry_after;
    if (result.ok || result.error_code !== 429 || attempt >= 3 || typeof wait !== 'number') return result;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.min(wait, 60) * 1000);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    if (signal?.aborted) return result;
  }
}
