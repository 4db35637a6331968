import { and, desc, eq, gte, lt, notInArray, sql } from 'drizzle-orm';
import { accounts, refusedAlerts, type Database } from '@tradingbot/db';
import type { AlertRefused } from '../events.ts';
import { hasUnsafeText } from '../input-safety.ts';

/*
 * Alerts refused before authentication (the wrong or no webhook secret) against an account that
 * exists: recorded for the account's owner, aggregated per account, reason and minute, so a flood
 * of bad alerts costs one row a minute and the newest KEEP_PER_ACCOUNT rows per account are kept.
 * Nothing of the secret is stored. Fed by the webhook's `alert.refused` event (listeners/refused-alerts.ts).
 */

/** One row per account and reason per this many milliseconds. */
export const REFUSED_BUCKET_MS = 60_000;
/** Rows kept per account (the oldest buckets go first). */
export const REFUSED_KEEP_PER_ACCOUNT = 200;

export type RefusedAlertSummary = {
  action?: string;
  symbol?: string;
  exchange?: string;
  id?: string;
  /** The alert's field names (what it had, what it lacked). */
  fields: string[];
  /** False when the alert had no secret at all (a different mistake from a wrong one). */
  secret_present: boolean;
};

/** The alert fields shown to the owner (never `secret`), each cut to this length. */
const SUMMARY_FIELDS = ['action', 'symbol', 'exchange', 'id'] as const;
const TEXT_MAX = 64;
const FIELDS_MAX = 24;

const shortText = (value: unknown): string | undefined => {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return undefined;
  const text = String(value).slice(0, TEXT_MAX);
  return hasUnsafeText(text) ? undefined : text;
};

/**
 * What the owner needs to recognise a refused alert without its secret: the action, symbol,
 * exchange and alert id as sent, which fields it had, and whether it carried a secret at all
 * (a missing one is a different mistake from a wrong one).
 */
export function refusedAlertSummary(raw: Record<string, unknown>): RefusedAlertSummary {
  const summary: RefusedAlertSummary = {
    fields: Object.keys(raw)
      .filter((key) => !hasUnsafeText(key))
      .slice(0, FIELDS_MAX)
      .map((key) => key.slice(0, TEXT_MAX)),
    secret_present: typeof raw.secret === 'string' && raw.secret !== '',
  };
  for (const field of SUMMARY_FIELDS) {
    const value = shortText(raw[field]);
    if (value !== undefined) summary[field] = value;
  }
  return summary;
}

/** Counts one refused alert in its account's bucket; a new bucket may push the account's oldest out. */
export async function recordRefusedAlert(database: Database, event: Readonly<AlertRefused>): Promise<void> {
  const at = new Date(event.at);
  const bucket = new Date(Math.floor(event.at / REFUSED_BUCKET_MS) * REFUSED_BUCKET_MS);
  const [row] = await database.db
    .insert(refusedAlerts)
    .values({
      accountId: event.accountId,
      userId: event.userId,
      reason: event.code,
      bucket,
      firstSeen: at,
      lastSeen: at,
      sourceIp: event.sourceIp ?? null,
      summary: event.summary ?? {},
    })
    .onConflictDoUpdate({
      target: [refusedAlerts.accountId, refusedAlerts.reason, refusedAlerts.bucket],
      set: {
        count: sql`${refusedAlerts.count} + 1`,
        lastSeen: sql`greatest(${refusedAlerts.lastSeen}, excluded.last_seen)`,
        sourceIp: sql`excluded.source_ip`,
        summary: sql`excluded.summary`,
      },
    })
    .returning({ count: refusedAlerts.count });
  if (row?.count === 1) await prune(database, event.accountId);
}

/** Keeps the account's newest REFUSED_KEEP_PER_ACCOUNT rows. */
async function prune(database: Database, accountId: string): Promise<void> {
  const newest = database.db
    .select({ id: refusedAlerts.id })
    .from(refusedAlerts)
    .where(eq(refusedAlerts.accountId, accountId))
    .orderBy(desc(refusedAlerts.bucket))
    .limit(REFUSED_KEEP_PER_ACCOUNT);
  await database.db
    .delete(refusedAlerts)
    .where(and(eq(refusedAlerts.accountId, accountId), notInArray(refusedAlerts.id, newest)));
}

export type RefusedFilter = {
  account_id?: string | undefined;
  before?: string | undefined;
  after?: string | undefined;
  limit: number;
};

/** The caller's refused alerts (all accounts, or one), the most recent first; only the owner's rows. */
export async function listRefusedAlerts(database: Database, userId: string, filter: RefusedFilter) {
  const { account_id: accountId, before, after, limit } = filter;
  const rows = await database.db
    .select({ row: refusedAlerts, label: accounts.label })
    .from(refusedAlerts)
    .innerJoin(accounts, eq(accounts.id, refusedAlerts.accountId))
    .where(
      and(
        eq(refusedAlerts.userId, userId),
        eq(accounts.userId, userId),
        accountId ? eq(refusedAlerts.accountId, accountId) : undefined,
        before ? lt(refusedAlerts.lastSeen, new Date(before)) : undefined,
        after ? gte(refusedAlerts.lastSeen, new Date(after)) : undefined,
      ),
    )
    .orderBy(desc(refusedAlerts.lastSeen), desc(refusedAlerts.id))
    .limit(limit);
  const refused = rows.map(({ row, label }) => ({
    id: String(row.id),
    account_id: row.accountId,
    account_label: label,
    reason: row.reason,
    count: row.count,
    first_seen: row.firstSeen.toISOString(),
    last_seen: row.lastSeen.toISOString(),
    source_ip: row.sourceIp,
    summary: row.summary as RefusedAlertSummary,
  }));
  return { refused, total: refused.length };
}
