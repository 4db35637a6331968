import type { ChannelSender, OutgoingMessage, SendOutcome } from './channel.ts';
import { networkFailure, retryAfterHeaderMs } from './http-target.ts';

/**
 * Discord channel webhooks (https://discord.com/developers/docs/resources/webhook#execute-webhook):
 * POST `{content, embeds}` to the channel's webhook URL. A 429 says how long to wait in its body
 * (`retry_after`, seconds) and headers (`Retry-After`, `X-RateLimit-Reset-After`); 401/403/404 mean
 * the webhook was deleted or its token is wrong, which no retry mends.
 */
export function discordSender(options: { timeoutMs: number }): ChannelSender<'discord'> {
  return {
    kind: 'discord',
    async send(target, message) {
      let response: Response;
      try {
        response = await fetch(target.webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(discordBody(message)),
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        return networkFailure(error);
      }
      return outcome(response);
    },
  };
}

/** Discord's limits: content ≤ 2000 characters, an embed title ≤ 256, its description ≤ 4096. */
export function discordBody(message: OutgoingMessage) {
  const content = `**${message.title}**`.slice(0, 2000);
  return {
    content,
    embeds: [
      {
        description: message.text.slice(0, 4096),
        ...(message.link ? { url: message.link, title: message.title.slice(0, 256) } : {}),
      },
    ],
    allowed_mentions: { parse: [] },
  };
}

async function outcome(response: Response): Promise<SendOutcome> {
  const body = await response.text().catch(() => '');
  if (response.ok) return { ok: true };
  if (response.status === 429) {
    let retryAfterMs = retryAfterHeaderMs(response.headers.get('x-ratelimit-reset-after'));
    try {
      const parsed = JSON.parse(body) as { retry_after?: unknown };
      if (typeof parsed.retry_after === 'number') retryAfterMs = Math.ceil(parsed.retry_after * 1000);
    } catch {
      // not JSON: the headers decide
    }
    retryAfterMs ??= retryAfterHeaderMs(response.headers.get('retry-after')) ?? 1000;
    return { ok: false, permanent: false, reason: 'Discord rate limit', retryAfterMs };
  }
  if (response.status === 404 || response.status === 401 || response.status === 403) {
    return {
      ok: false,
      permanent: true,
      reason: `Discord refused the webhook (HTTP ${response.status}): it was deleted or its URL is wrong; paste a new webhook URL`,
    };
  }
  if (response.status >= 400 && response.status < 500) {
    return { ok: false, permanent: true, reason: `Discord refused the message (HTTP ${response.status})` };
  }
  return { ok: false, permanent: false, reason: `Discord answered HTTP ${response.status}` };
}
