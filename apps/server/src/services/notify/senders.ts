import type { NotifyConfig } from '../../config.ts';
import type { ChannelKind, ChannelSender } from './channel.ts';
import { discordSender } from './discord.ts';
import { emailSender } from './email.ts';
import { webhookSender } from './webhook.ts';

/**
 * Every channel kind's sender, in one place: the outbox looks a channel's sender up here. A kind
 * whose service is not configured (email without SMTP_URL, Telegram without its bot) is absent, and
 * its channels' messages wait. The Telegram sender (services/notify/telegram/) adds its line here.
 */
export type Senders = { [K in ChannelKind]?: ChannelSender<K> };

export function createSenders(config: NotifyConfig, extra: Senders = {}): Senders & { close(): void } {
  const email = config.smtpUrl
    ? emailSender({ smtpUrl: config.smtpUrl, from: config.smtpFrom, timeoutMs: config.sendTimeoutMs })
    : undefined;
  return {
    discord: discordSender({ timeoutMs: config.sendTimeoutMs }),
    webhook: webhookSender({ timeoutMs: config.sendTimeoutMs }),
    ...(email ? { email } : {}),
    ...extra,
    close: () => email?.close(),
  };
}
