import { randomUUID } from 'node:crypto';
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import type { VenueId } from '@tradingbot/core';
import {
  accountGroupMembers,
  accountGroups,
  accounts,
  type AccountGroupRow,
  type AccountRow,
  type Database,
} from '@tradingbot/db';
import { ServerErrors } from '../errors.ts';
import { newWebhookSecret } from './accounts.ts';
import { audit } from './audit.ts';

/** Groups one user may hold. */
export const MAX_GROUPS_PER_USER = 50;

export type GroupMember = { account_id: string; exchange: VenueId; label: string; is_active: boolean };

export type PublicGroup = {
  id: string;
  name: string;
  /** The last four characters of the group's webhook secret. */
  webhook_secret_hint: string;
  members: GroupMember[];
  created_at: string;
  updated_at: string;
};

export type GroupChanges = { name?: string | undefined; account_ids?: string[] | undefined };

/**
 * Account groups: one alert (`group_id` + the group's secret) runs on every member account
 * (`WebhookPipeline`). Owner-scoped throughout: another user's group is ACCOUNT_GROUP_NOT_FOUND,
 * another user's account as a member ACCOUNT_GROUP_MEMBER_UNKNOWN with the field at fault (and the
 * database's composite foreign keys refuse it too).
 */
export class AccountGroups {
  constructor(private readonly database: Database) {}

  async list(userId: string): Promise<PublicGroup[]> {
    const rows = await this.database.db
      .select()
      .from(accountGroups)
      .where(eq(accountGroups.userId, userId))
      .orderBy(asc(accountGroups.createdAt), asc(accountGroups.id));
    const members = await this.#members(rows.map((row) => row.id));
    return rows.map((row) => publicGroup(row, members.get(row.id) ?? []));
  }

  async get(userId: string, groupId: string): Promise<PublicGroup> {
    const row = await this.#own(userId, groupId);
    return publicGroup(row, (await this.#members([row.id])).get(row.id) ?? []);
  }

  /** Creates the group; its webhook secret is in this answer only (stored as a hash). */
  async create(
    userId: string,
    body: { name: string; account_ids: string[] },
  ): Promise<PublicGroup & { webhook_secret: string }> {
    const webhook = newWebhookSecret();
    const id = randomUUID();
    await this.database.db.transaction(async (tx) => {
      const [held] = await tx
        .select({ n: count() })
        .from(accountGroups)
        .where(eq(accountGroups.userId, userId));
      if ((held?.n ?? 0) >= MAX_GROUPS_PER_USER) {
        throw ServerErrors.create('ACCOUNT_GROUP_LIMIT_REACHED', { details: { limit: MAX_GROUPS_PER_USER } });
      }
      await checkMembers(tx, userId, body.account_ids);
      await tx.insert(accountGroups).values({
        id,
        userId,
        name: body.name,
        webhookSecretHash: webhook.hash,
        webhookSecretHint: webhook.hint,
      });
      await insertMembers(tx, userId, id, body.account_ids);
    });
    await audit(this.database, { userId, action: 'account_group.created', details: { group_id: id } });
    return { ...(await this.get(userId, id)), webhook_secret: webhook.secret };
  }

  /** Renames the group and/or replaces its members (in the order given). */
  async update(userId: string, groupId: string, changes: GroupChanges): Promise<PublicGroup> {
    await this.database.db.transaction(async (tx) => {
      await this.#own(userId, groupId, tx);
      if (changes.account_ids !== undefined) {
        await checkMembers(tx, userId, changes.account_ids);
        await tx.delete(accountGroupMembers).where(eq(accountGroupMembers.groupId, groupId));
        await insertMembers(tx, userId, groupId, changes.account_ids);
      }
      await tx
        .update(accountGroups)
        .set({ ...(changes.name !== undefined ? { name: changes.name } : {}), updatedAt: new Date() })
        .where(and(eq(accountGroups.id, groupId), eq(accountGroups.userId, userId)));
    });
    await audit(this.database, {
      userId,
      action: 'account_group.updated',
      details: { group_id: groupId, ...changes },
    });
    return this.get(userId, groupId);
  }

  /** A new webhook secret for the group (the old one stops working now); shown once. */
  async rotateSecret(userId: string, groupId: string): Promise<string> {
    await this.#own(userId, groupId);
    const webhook = newWebhookSecret();
    await this.database.db
      .update(accountGroups)
      .set({ webhookSecretHash: webhook.hash, webhookSecretHint: webhook.hint, updatedAt: new Date() })
      .where(and(eq(accountGroups.id, groupId), eq(accountGroups.userId, userId)));
    await audit(this.database, {
      userId,
      action: 'account_group.webhook_secret_rotated',
      details: { group_id: groupId },
    });
    return webhook.secret;
  }

  async delete(userId: string, groupId: string): Promise<void> {
    await this.#own(userId, groupId);
    await this.database.db
      .delete(accountGroups)
      .where(and(eq(accountGroups.id, groupId), eq(accountGroups.userId, userId)));
    await audit(this.database, { userId, action: 'account_group.deleted', details: { group_id: groupId } });
  }

  async #own(userId: string, groupId: string, db: Queryable = this.database.db): Promise<AccountGroupRow> {
    const [row] = await db
      .select()
      .from(accountGroups)
      .where(and(eq(accountGroups.id, groupId), eq(accountGroups.userId, userId)));
    if (!row) throw ServerErrors.create('ACCOUNT_GROUP_NOT_FOUND');
    return row;
  }

  async #members(groupIds: string[]): Promise<Map<string, GroupMember[]>> {
    const byGroup = new Map<string, GroupMember[]>();
    if (groupIds.length === 0) return byGroup;
    const rows = await this.database.db
      .select({ groupId: accountGroupMembers.groupId, account: accounts })
      .from(accountGroupMembers)
      .innerJoin(accounts, eq(accounts.id, accountGroupMembers.accountId))
      .where(inArray(accountGroupMembers.groupId, groupIds))
      .orderBy(asc(accountGroupMembers.position));
    for (const { groupId, account } of rows) {
      const list = byGroup.get(groupId) ?? [];
      list.push(publicMember(account));
      byGroup.set(groupId, list);
    }
    return byGroup;
  }
}

type Transaction = Parameters<Parameters<Database['db']['transaction']>[0]>[0];
type Queryable = Database['db'] | Transaction;

function publicMember(account: AccountRow): GroupMember {
  return {
    account_id: account.id,
    exchange: account.exchange,
    label: account.label,
    is_active: account.isActive,
  };
}

function publicGroup(row: AccountGroupRow, members: GroupMember[]): PublicGroup {
  return {
    id: row.id,
    name: row.name,
    webhook_secret_hint: row.webhookSecretHint,
    members,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** Every id is one of the caller's accounts; else the first that is not, as a field error. */
async function checkMembers(db: Queryable, userId: string, accountIds: string[]): Promise<void> {
  const owned = await db
    .select({ id: accounts.id })
    .from(accounts)
    .where(and(eq(accounts.userId, userId), inArray(accounts.id, accountIds)));
  const ids = new Set(owned.map((row) => row.id));
  const index = accountIds.findIndex((id) => !ids.has(id));
  if (index < 0) return;
  throw ServerErrors.create('ACCOUNT_GROUP_MEMBER_UNKNOWN', {
    message: `account_ids.${index}: not one of your exchange accounts`,
    details: {
      issues: [
        { field: `account_ids.${index}`, code: 'custom', message: 'not one of your exchange accounts' },
      ],
    },
  });
}

async function insertMembers(db: Queryable, userId: string, groupId: string, accountIds: string[]) {
  await db
    .insert(accountGroupMembers)
    .values(accountIds.map((accountId, position) => ({ groupId, accountId, userId, position })));
}

/**
 * The group an alert names, with its member accounts in the group's order (the webhook reads it
 * before checking the secret, as it reads an account). Undefined when no group has this id.
 */
export async function groupForAlert(
  database: Database,
  groupId: string,
): Promise<{ group: AccountGroupRow; members: AccountRow[] } | undefined> {
  const [group] = await database.db.select().from(accountGroups).where(eq(accountGroups.id, groupId));
  if (!group) return undefined;
  const rows = await database.db
    .select({ account: accounts })
    .from(accountGroupMembers)
    .innerJoin(accounts, eq(accounts.id, accountGroupMembers.accountId))
    .where(and(eq(accountGroupMembers.groupId, groupId), eq(accounts.userId, group.userId)))
    .orderBy(asc(accountGroupMembers.position));
  return { group, members: rows.map((row) => row.account) };
}
