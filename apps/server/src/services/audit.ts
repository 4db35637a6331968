import { auditLog, type Database } from '@tradingbot/db';

export type AuditEvent = {
  userId?: string | null;
  accountId?: string | null;
  signalId?: string | null;
  action: string;
  /** Never a secret: callers pass identifiers and outcomes only. */
  details?: Record<string, unknown>;
};

export async function audit(database: Database, event: AuditEvent): Promise<void> {
  await database.db.insert(auditLog).values({
    userId: event.userId ?? null,
    accountId: event.accountId ?? null,
    signalId: event.signalId ?? null,
    action: event.action,
    details: event.details ?? {},
  });
}
