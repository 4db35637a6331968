import { z } from 'zod';
import { VENUE_IDS } from '@tradingbot/core';
import { nameSchemas } from './schema-registry.ts';

/** At most this many accounts in one group (one alert's fan-out). */
export const MAX_GROUP_MEMBERS = 20;

const AccountIds = z
  .array(z.string().trim().min(1).max(64))
  .min(1)
  .max(MAX_GROUP_MEMBERS)
  .superRefine((ids, ctx) => {
    ids.forEach((id, index) => {
      if (ids.indexOf(id) !== index)
        ctx.addIssue({ code: 'custom', path: [index], message: 'this account is listed twice' });
    });
  });

const GroupName = z.string().trim().min(1).max(64);

/** A new group: its name and its member accounts (the caller's own, in the order listed). */
export const CreateAccountGroupBody = z.strictObject({ name: GroupName, account_ids: AccountIds });

/** Rename and/or replace the members; at least one of the two. */
export const UpdateAccountGroupBody = z
  .strictObject({ name: GroupName.optional(), account_ids: AccountIds.optional() })
  .refine((body) => body.name !== undefined || body.account_ids !== undefined, {
    message: 'send name, account_ids or both',
    path: ['name'],
  });

export const AccountGroupParams = z.strictObject({ id: z.string().min(1).max(64) });

export const AccountGroupMember = z.object({
  account_id: z.string(),
  exchange: z.enum(VENUE_IDS),
  label: z.string(),
  is_active: z.boolean(),
});

export const AccountGroup = z.object({
  id: z.string(),
  name: z.string(),
  /** The last four characters of the group's webhook secret, so a user can tell which one is current. */
  webhook_secret_hint: z.string(),
  members: z.array(AccountGroupMember),
  created_at: z.string(),
  updated_at: z.string(),
});

export const CreatedAccountGroup = AccountGroup.extend({
  /** Shown once: the secret alerts for this group carry (with `group_id`). Stored only as a hash. */
  webhook_secret: z.string(),
});

export const AccountGroupList = z.object({ groups: z.array(AccountGroup), total: z.number().int() });

export const AccountGroupSecretRotated = z.object({ group_id: z.string(), webhook_secret: z.string() });

export const AccountGroupDeleted = z.object({ success: z.literal(true) });

nameSchemas({
  AccountGroupMember,
  AccountGroup,
  CreatedAccountGroup,
  AccountGroupList,
  AccountGroupSecretRotated,
  AccountGroupDeleted,
});
