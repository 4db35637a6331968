import { randomUUID } from 'node:crypto';
import { and, count, eq } from 'drizzle-orm';
import { notificationChannels, type Database, type NotificationChannelRow } from '@tradingbot/db';
import type { z } from 'zod';
import type { NotifyConfig } from '../config.ts';
import { randomToken, type KeyRing } from '../crypto/credentials.ts';
import { ServerErrors } from '../errors.ts';
import type {
  ChannelCreateBody,
  ChannelUpdateBody,
  NotificationChannel,
} from '../routes/notifications.schema.ts';
import type { ChannelKind, ChannelSender, ChannelTarget } from './notify/channel.ts';
import { loadTarget, storeTarget } from './notify/channels.ts';
import { NOTIFY_EVENT_KINDS, type NotifyEventKind } from './notify/facts.ts';
import { targetUrlProblem } from './notify/http-target.ts';
import { renderMessage } from './notify/render.ts';
import type { Senders } from './notify/senders.ts';

/** The notification channels API (`/api/v1/notifications/channels`): owner-scoped, secrets never returned. */
export type NotificationDeps = {
  database: Database;
  config: NotifyConfig;
  keyRing: KeyRing;
  senders: Senders;
};

export const MAX_CHANNELS_PER_USER = 20;

type ChannelJson = z.infer<typeof NotificationChannel>;

function toJson(row: NotificationChannelRow): ChannelJson {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    locale: row.locale,
    events: row.events.filter((e): e is NotifyEventKind =>
      (NOTIFY_EVENT_KINDS as readonly string[]).includes(e),
    ),
    enabled: row.enabled,
    disabled_reason: row.disabledReason,
    target_hint: row.targetHint,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export function availableKinds(senders: Senders): ChannelKind[] {
  return (['telegram', 'discord', 'email', 'webhook'] as const).filter((kind) => senders[kind] !== undefined);
}

export async function listChannels(deps: NotificationDeps, userId: string) {
  const rows = await deps.database.db
    .select()
    .from(notificationChannels)
    .where(eq(notificationChannels.userId, userId))
    .orderBy(notificationChannels.createdAt);
  return {
    channels: rows.map(toJson),
    event_kinds: [...NOTIFY_EVENT_KINDS],
    available_kinds: availableKinds(deps.senders),
  };
}

/** The caller's channel, or NOTIFICATION_CHANNEL_NOT_FOUND — the same for another user's id as for none. */
async function ownChannel(
  deps: NotificationDeps,
  userId: string,
  id: string,
): Promise<NotificationChannelRow> {
  const [row] = await deps.database.db
    .select()
    .from(notificationChannels)
    .where(and(eq(notificationChannels.id, id), eq(notificationChannels.userId, userId)));
  if (!row) throw ServerErrors.create('NOTIFICATION_CHANNEL_NOT_FOUND');
  return row;
}

function invalid(field: string, problem: string) {
  return ServerErrors.create('NOTIFICATION_TARGET_INVALID', {
    message: `${field}: ${problem}`,
    details: { issues: [{ field, message: problem }] },
  });
}

function checkedUrl(deps: NotificationDeps, url: string | undefined): string {
  if (url === undefined) throw invalid('webhook_url', 'required');
  const problem = targetUrlProblem(url, deps.config.allowPrivateTargets);
  if (problem) throw invalid('webhook_url', problem);
  return url;
}

type TargetInput = {
  webhook_url?: string | undefined;
  address?: string | undefined;
  signing_secret?: string | undefined;
};

/** The target a create (or an update of the destination) describes; `generated`: a signing secret made here. */
function targetFor(
  deps: NotificationDeps,
  kind: ChannelKind,
  input: TargetInput,
  current?: ChannelTarget,
): { target: ChannelTarget; generated?: string } {
  switch (kind) {
    case 'discord':
      return {
        target: {
          kind,
          webhookUrl: checkedUrl(deps, input.webhook_url ?? (current as { webhookUrl?: string })?.webhookUrl),
        },
      };
    case 'email': {
      const address = input.address ?? (current as { address?: string } | undefined)?.address;
      if (!address) throw invalid('address', 'required');
      return { target: { kind, address } };
    }
    case 'webhook': {
      const old = current as Extract<ChannelTarget, { kind: 'webhook' }> | undefined;
      const url = checkedUrl(deps, input.webhook_url ?? old?.url);
      const generated = (input.signing_secret ?? old?.signingSecret) ? undefined : randomToken(32);
      return {
        target: { kind, url, signingSecret: input.signing_secret ?? old?.signingSecret ?? generated! },
        ...(generated ? { generated } : {}),
      };
    }
    case 'telegram':
      throw ServerErrors.create('NOTIFICATION_KIND_UNAVAILABLE', {
        message: 'Telegram chats are linked through the bot (a one-time code), not set here',
      });
  }
}

export async function createChannel(
  deps: NotificationDeps,
  userId: string,
  body: z.infer<typeof ChannelCreateBody>,
) {
  if (deps.senders[body.kind] === undefined) {
    throw ServerErrors.create('NOTIFICATION_KIND_UNAVAILABLE', {
      message: `${body.kind} channels are not available on this server${body.kind === 'email' ? ' (the operator has not set SMTP_URL)' : ''}`,
    });
  }
  const { db } = deps.database;
  const [{ total } = { total: 0 }] = await db
    .select({ total: count() })
    .from(notificationChannels)
    .where(eq(notificationChannels.userId, userId));
  if (total >= MAX_CHANNELS_PER_USER) throw ServerErrors.create('NOTIFICATION_CHANNEL_LIMIT');
  const id = randomUUID();
  const { target, generated } = targetFor(deps, body.kind, body);
  const [row] = await db
    .insert(notificationChannels)
    .values({
      id,
      userId,
      kind: body.kind,
      name: body.name,
      locale: body.locale,
      events: [...new Set(body.events)],
      ...storeTarget(deps.keyRing, id, target),
    })
    .returning();
  return { ...toJson(row!), ...(generated ? { signing_secret: generated } : {}) };
}

export async function updateChannel(
  deps: NotificationDeps,
  userId: string,
  id: string,
  body: z.infer<typeof ChannelUpdateBody>,
) {
  const row = await ownChannel(deps, userId, id);
  const changesTarget =
    body.webhook_url !== undefined || body.address !== undefined || body.signing_secret !== undefined;
  const stored = changesTarget
    ? storeTarget(deps.keyRing, id, targetFor(deps, row.kind, body, loadTarget(deps.keyRing, row)).target)
    : {};
  const reEnable = body.enabled === true && !row.enabled;
  const [updated] = await deps.database.db
    .update(notificationChannels)
    .set({
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.locale !== undefined ? { locale: body.locale } : {}),
      ...(body.events !== undefined ? { events: [...new Set(body.events)] } : {}),
      ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
      ...(reEnable || changesTarget ? { disabledReason: null, failures: 0 } : {}),
      ...(body.enabled === false ? { disabledReason: null } : {}),
      ...stored,
      updatedAt: new Date(),
    })
    .where(and(eq(notificationChannels.id, id), eq(notificationChannels.userId, userId)))
    .returning();
  return toJson(updated!);
}

export async function deleteChannel(deps: NotificationDeps, userId: string, id: string): Promise<void> {
  await ownChannel(deps, userId, id);
  await deps.database.db
    .delete(notificationChannels)
    .where(and(eq(notificationChannels.id, id), eq(notificationChannels.userId, userId)));
}

/** "Send test": one message straight through the channel's sender, answered with how it went. */
export async function testChannel(deps: NotificationDeps, userId: string, id: string) {
  const row = await ownChannel(deps, userId, id);
  const sender = deps.senders[row.kind] as ChannelSender | undefined;
  if (sender === undefined) {
    return { ok: false, reason: `${row.kind} channels are not available on this server` };
  }
  const message = renderMessage(
    `test-${randomUUID()}`,
    { type: 'test', channelName: row.name },
    row.locale,
    deps.config.linkBase,
  );
  const outcome = await sender.send(loadTarget(deps.keyRing, row), message);
  return outcome.ok ? { ok: true, reason: null } : { ok: false, reason: outcome.reason };
}
