import { z } from 'zod';
import { DEFAULT_NOTIFY_EVENTS, NOTIFY_EVENT_KINDS } from '../services/notify/facts.ts';
import { nameSchemas } from './schema-registry.ts';

export const ChannelKind = z.enum(['telegram', 'discord', 'email', 'webhook']);
export const NotifyEventKind = z.enum(NOTIFY_EVENT_KINDS);
const Locale = z.enum(['en', 'ko']);
const Name = z.string().trim().min(1).max(60);
const Url = z.string().trim().min(1).max(2048);
const Address = z.string().trim().email().max(254);
const SigningSecret = z.string().min(16).max(256);

export const ChannelParams = z.strictObject({ id: z.string().min(1).max(64) });

/**
 * A new channel. Discord: `webhook_url`; email: `address`; outgoing webhook: `webhook_url` and
 * optionally `signing_secret` (generated and shown once when omitted). Telegram chats are linked
 * through the bot, never by typing a chat id.
 */
export const ChannelCreateBody = z.strictObject({
  kind: z.enum(['discord', 'email', 'webhook']),
  name: Name,
  locale: Locale.default('en'),
  events: z
    .array(NotifyEventKind)
    .max(NOTIFY_EVENT_KINDS.length)
    .default([...DEFAULT_NOTIFY_EVENTS]),
  webhook_url: Url.optional(),
  address: Address.optional(),
  signing_secret: SigningSecret.optional(),
});

/** Changes to a channel; `enabled: true` on a disabled channel clears its reason and failure count. */
export const ChannelUpdateBody = z.strictObject({
  name: Name.optional(),
  locale: Locale.optional(),
  events: z.array(NotifyEventKind).max(NOTIFY_EVENT_KINDS.length).optional(),
  enabled: z.boolean().optional(),
  webhook_url: Url.optional(),
  address: Address.optional(),
  signing_secret: SigningSecret.optional(),
});

/** A channel as its owner sees it: the destination only masked (`target_hint`), never a secret. */
export const NotificationChannel = z.object({
  id: z.string(),
  kind: ChannelKind,
  name: z.string(),
  locale: Locale,
  events: z.array(NotifyEventKind),
  enabled: z.boolean(),
  disabled_reason: z.string().nullable(),
  target_hint: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});

/** The answer to a create: `signing_secret` only when the server generated it (shown this once). */
export const NotificationChannelCreated = NotificationChannel.extend({
  signing_secret: z.string().optional(),
});

export const NotificationChannelList = z.object({
  channels: z.array(NotificationChannel),
  /** The event kinds a channel may choose. */
  event_kinds: z.array(NotifyEventKind),
  /** Kinds this server can send (email needs SMTP_URL; Telegram its bot). */
  available_kinds: z.array(ChannelKind),
});

export const NotificationTestResult = z.object({ ok: z.boolean(), reason: z.string().nullable() });
export const NotificationChannelDeleted = z.object({ success: z.literal(true) });

nameSchemas({
  NotificationChannel,
  NotificationChannelCreated,
  NotificationChannelList,
  NotificationTestResult,
  NotificationChannelDeleted,
});
