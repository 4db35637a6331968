import type { FastifyInstance } from 'fastify';
import type { Database } from '@tradingbot/db';
import type { Config } from '../../../config.ts';
import type { ConnectExchange } from '../../../exchange-factory.ts';
import { ServerErrors } from '../../../errors.ts';
import { TelegramBot, type TelegramBotOptions } from './bot.ts';
import type { TelegramLinkHooks } from './linking.ts';
import type { SignalQueuePort } from './manual-signals.ts';

export { TelegramBot, TELEGRAM_POLL_LOCK } from './bot.ts';
export { TelegramSender, sendOutcomeOf, telegramText } from './sender.ts';
export { TelegramPacer } from './pacer.ts';
export * from './linking.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The Telegram bot, when TELEGRAM_BOT_TOKEN is set. */
    telegram: TelegramBot | undefined;
  }
}

export type TelegramWiring = {
  config: Config;
  database: Database;
  connectExchange: ConnectExchange;
  queue: SignalQueuePort;
  hooks?: TelegramLinkHooks;
  /**
   * Link hooks (the notify outbox's channel rows: see `TelegramLinkHooks`), and test settings:
   * pacing, retry waits, how long a close's result is awaited.
   */
  overrides?: Partial<
    Pick<TelegramBotOptions, 'hooks' | 'pacer' | 'retryMs' | 'resultWaitMs' | 'confirmTtlMs'>
  >;
};

/**
 * Creates the bot when TELEGRAM_BOT_TOKEN is set (`app.telegram`), starts it when the server is
 * ready and stops it on close (before the signal worker drains: a confirmed close is waiting for
 * its result).
 */
export function registerTelegramBot(app: FastifyInstance, wiring: TelegramWiring): TelegramBot | undefined {
  const { config } = wiring;
  const token = config.telegram.botToken;
  const bot = token
    ? new TelegramBot({
        database: wiring.database,
        keyRing: config.keyRing,
        connectExchange: wiring.connectExchange,
        queue: wiring.queue,
        publicUrl: config.publicUrl,
        token,
        apiUrl: config.telegram.apiUrl,
        secretKey: config.secretKey,
        ...(wiring.hooks ? { hooks: wiring.hooks } : {}),
        ...wiring.overrides,
        log: {
          info: (obj, msg) => app.log.info(obj, msg),
          warn: (obj, msg) => app.log.warn(obj, msg),
          error: (obj, msg) => app.log.error(obj, msg),
        },
      })
    : undefined;
  app.decorate('telegram', bot);
  if (bot) {
    app.addHook('onReady', async () => bot.start());
    app.addHook('onClose', async () => bot.stop());
  }
  return bot;
}

/** The bot, or TELEGRAM_NOT_CONFIGURED (409) when the operator has not set one up. */
export function requireBot(bot: TelegramBot | undefined): TelegramBot {
  if (!bot) throw ServerErrors.create('TELEGRAM_NOT_CONFIGURED');
  return bot;
}
