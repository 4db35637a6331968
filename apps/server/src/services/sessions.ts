import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import { sessions, users } from '@tradingbot/db';
import { ServerErrors } from '../errors.ts';
import { audit } from './audit.ts';
import { clock, revokeSessions, type AuthDeps, type Authenticated } from './auth.ts';
import { assertStrongPassword, passwordHasher, verifyPassword } from './passwords.ts';
import { sessionCacheFor } from './session-cache.ts';

export type PublicSession = {
  id: string;
  created_at: string;
  last_seen_at: string | null;
  expires_at: string;
  user_agent: string | null;
  ip: string | null;
  current: boolean;
};

/** The user's live sessions, newest first, the caller's own marked. */
export async function listSessions(deps: AuthDeps, auth: Authenticated): Promise<PublicSession[]> {
  const rows = await deps.database.db
    .select()
    .from(sessions)
    .where(
      and(eq(sessions.userId, auth.user.id), isNull(sessions.revokedAt), gt(sessions.expiresAt, clock(deps))),
    )
    .orderBy(desc(sessions.createdAt));
  return rows.map((row) => ({
    id: row.id,
    created_at: row.createdAt.toISOString(),
    last_seen_at: row.lastSeenAt?.toISOString() ?? null,
    expires_at: row.expiresAt.toISOString(),
    user_agent: row.userAgent,
    ip: row.ip,
    current: row.id === auth.sessionId,
  }));
}

/** Ends one of the user's sessions (another user's or an unknown id → SESSION_NOT_FOUND). */
export async function revokeSession(deps: AuthDeps, auth: Authenticated, sessionId: string): Promise<void> {
  const ended = await deps.database.db
    .update(sessions)
    .set({ revokedAt: clock(deps) })
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, auth.user.id), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  if (ended.length === 0) throw ServerErrors.create('SESSION_NOT_FOUND');
  sessionCacheFor(deps.database).forget([sessionId]);
  await audit(deps.database, {
    userId: auth.user.id,
    action: 'user.session_revoked',
    details: { session_id: sessionId },
  });
}

/**
 * Changes the password (the current one is required, the new one must pass the policy) and ends
 * every other session: whoever knew the old password is signed out everywhere but here.
 */
export async function changePassword(
  deps: AuthDeps,
  auth: Authenticated,
  input: { current_password: string; new_password: string },
): Promise<number> {
  const { user } = auth;
  if (!(await verifyPassword(user.passwordHash, input.current_password)))
    throw ServerErrors.create('CURRENT_PASSWORD_WRONG');
  assertStrongPassword(input.new_password, [user.email, user.email.split('@')[0]!, user.name]);
  const passwordHash = await passwordHasher.hash(input.new_password);
  await deps.database.db.update(users).set({ passwordHash }).where(eq(users.id, user.id));
  const ended = await revokeSessions(deps, auth, 'others');
  await audit(deps.database, {
    userId: user.id,
    action: 'user.password_changed',
    details: { sessions_ended: ended },
  });
  return ended;
}
