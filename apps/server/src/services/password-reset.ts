import { randomBytes } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { accountLoginFailures, sessions, users, type Database } from '@tradingbot/db';
import { ServerErrors } from '../errors.ts';
import { audit } from './audit.ts';
import { assertStrongPassword, passwordHasher } from './passwords.ts';
import { sessionCacheFor } from './session-cache.ts';

export type OperatorPasswordReset = {
  email: string;
  /** The new password: the one given, or a generated one (shown once to the operator). */
  password: string;
  generated: boolean;
  /** Sessions of the user that were ended. */
  sessionsEnded: number;
};

/**
 * A temporary password that passes the policy: 4 groups of 5 characters from an alphabet without
 * look-alikes (0/O, 1/l/I), ~100 bits, easy to read out to the user.
 */
export function temporaryPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(20);
  const chars = [...bytes].map((byte) => alphabet[byte % alphabet.length]!);
  return [0, 5, 10, 15].map((start) => chars.slice(start, start + 5).join('')).join('-');
}

/**
 * The operator's password reset (`tradingbot user reset-password EMAIL`, run on the server): for
 * installations without email, the way back in for a user who forgot the password. Sets the new
 * password (it must pass the same policy), ends every session of the user, clears the email's
 * sign-in delay, and records it in the audit log. USER_NOT_FOUND for an unknown email: the
 * operator is trusted with the user list.
 */
export async function resetPasswordByOperator(
  database: Database,
  input: { email: string; password?: string | undefined },
): Promise<OperatorPasswordReset> {
  const email = input.email.trim().toLowerCase();
  const [user] = await database.db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${email}`);
  if (!user) throw ServerErrors.create('USER_NOT_FOUND', { message: `No user has the email ${email}` });
  const generated = input.password === undefined;
  const password = input.password ?? temporaryPassword();
  assertStrongPassword(password, [user.email, user.email.split('@')[0]!, user.name]);
  const passwordHash = await passwordHasher.hash(password);
  const ended = await database.db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id));
    await tx.delete(accountLoginFailures).where(eq(accountLoginFailures.email, email));
    return tx
      .update(sessions)
      .set({ revokedAt: new Date() })
      .where(and(eq(sessions.userId, user.id), isNull(sessions.revokedAt)))
      .returning({ id: sessions.id });
  });
  sessionCacheFor(database).forget(ended.map((row) => row.id));
  await audit(database, {
    userId: user.id,
    action: 'user.password_reset_by_operator',
    details: { sessions_ended: ended.length, generated },
  });
  return { email: user.email, password, generated, sessionsEnded: ended.length };
}
