/**
 * The seam between the notification outbox and the services that carry messages (Telegram,
 * Discord, email, an outgoing webhook). The outbox renders an event into a `OutgoingMessage` in the
 * user's language, then hands it to the channel's `ChannelSender`; the sender only talks to its
 * service and says how it went, so retries, back-off, digests and disabling a failing channel live
 * in one place (the outbox), not in each sender.
 */

export type ChannelKind = 'telegram' | 'discord' | 'email' | 'webhook';

/** A rendered message: never a secret, key or full account id (a test asserts it over every message sent). */
export type OutgoingMessage = {
  /** The outbox row's id: senders that can pass an idempotency key to their service use it. */
  id: string;
  /** The event it tells about (`signal.finished`, `fill.received`, `digest`, `test`…). */
  event: string;
  locale: 'en' | 'ko';
  /** One line, for a subject or a title. */
  title: string;
  /** Plain text, a few short lines. */
  text: string;
  /** A link to the signal or trade in the web UI, when the server knows its public URL. */
  link?: string;
  /** The event's facts for structured channels (the outgoing webhook's JSON body). */
  data: Record<string, unknown>;
};

/** Where a channel delivers, as stored for it (decrypted by the outbox when it is a secret, e.g. a Discord webhook URL). */
export type ChannelTarget =
  | { kind: 'telegram'; chatId: string }
  | { kind: 'discord'; webhookUrl: string }
  | { kind: 'email'; address: string }
  | { kind: 'webhook'; url: string; signingSecret: string };

/** How a send went. */
export type SendOutcome =
  | { ok: true }
  /**
   * Not delivered. `retryAfterMs`: the service asked to wait (Telegram `retry_after`, Discord's
   * rate-limit headers); `permanent`: retrying cannot help (chat blocked the bot, webhook deleted,
   * address refused), so the outbox disables the channel with `reason` shown to the user.
   */
  | { ok: false; permanent: boolean; reason: string; retryAfterMs?: number };

/** One service's sender. Must not throw for a service's refusal: answer `{ ok: false }`. */
export interface ChannelSender<K extends ChannelKind = ChannelKind> {
  readonly kind: K;
  send(target: Extract<ChannelTarget, { kind: K }>, message: OutgoingMessage): Promise<SendOutcome>;
}
