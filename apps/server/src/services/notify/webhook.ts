import { createHmac } from 'node:crypto';
import type { ChannelSender, OutgoingMessage, SendOutcome } from './channel.ts';
import { networkFailure, retryAfterHeaderMs } from './http-target.ts';

/**
 * The generic outgoing webhook: a JSON body, signed so the receiver knows it came from this server
 * and is recent. `X-TradingBot-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`
 * (the shape Stripe uses); receivers recompute it over the raw body and refuse an old `t` (replay).
 * `X-TradingBot-Delivery` is the message id: the same on a retry, so a receiver can drop duplicates.
 * docs/notifications.md has a verification snippet.
 */
export const SIGNATURE_HEADER = 'x-tradingbot-signature';
export const DELIVERY_HEADER = 'x-tradingbot-delivery';

export function signWebhook(secret: string, body: string, timestampSeconds: number): string {
  const v1 = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${v1}`;
}

export function webhookBody(message: OutgoingMessage, sentAt: Date): string {
  return JSON.stringify({
    id: message.id,
    event: message.event,
    locale: message.locale,
    title: message.title,
    text: message.text,
    link: message.link ?? null,
    data: message.data,
    sent_at: sentAt.toISOString(),
  });
}

export function webhookSender(options: { timeoutMs: number; now?: () => Date }): ChannelSender<'webhook'> {
  return {
    kind: 'webhook',
    async send(target, message) {
      const now = options.now?.() ?? new Date();
      const body = webhookBody(message, now);
      let response: Response;
      try {
        response = await fetch(target.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'TradingBot-Webhook/1',
            [SIGNATURE_HEADER]: signWebhook(target.signingSecret, body, Math.floor(now.getTime() / 1000)),
            [DELIVERY_HEADER]: message.id,
          },
          body,
          redirect: 'error',
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        return networkFailure(error);
      }
      await response.arrayBuffer().catch(() => undefined);
      return outcome(response);
    },
  };
}

function outcome(response: Response): SendOutcome {
  if (response.ok) return { ok: true };
  if (response.status === 429 || response.status === 408) {
    const retryAfterMs = retryAfterHeaderMs(response.headers.get('retry-after'));
    return {
      ok: false,
      permanent: false,
      reason: `the receiver answered HTTP ${response.status}`,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }
  if (
    response.status === 410 ||
    response.status === 404 ||
    response.status === 401 ||
    response.status === 403
  ) {
    return {
      ok: false,
      permanent: true,
      reason: `the receiver refused the message (HTTP ${response.status}): check the URL and signing secret`,
    };
  }
  return {
    ok: false,
    permanent: response.status < 500,
    reason: `the receiver answered HTTP ${response.status}`,
  };
}
