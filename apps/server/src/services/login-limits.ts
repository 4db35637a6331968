import { randomUUID } from 'node:crypto';
import { and, eq, gt, isNull, lte, or, sql } from 'drizzle-orm';
import { accountLoginFailures, loginAttempts, trustedDevices, type Database } from '@tradingbot/db';
import { hashToken, randomToken } from '../crypto/credentials.ts';
import { ServerErrors } from '../errors.ts';

/** Failures per email and address before that pair waits: 30 s, doubling per further failure, ≤ 1 h. */
export const MAX_LOGIN_FAILURES = 5;
/** Failures per account, from any address, before each further attempt waits: 1 s, doubling, ≤ 15 min. */
export const ACCOUNT_FREE_FAILURES = 10;
export const ACCOUNT_MAX_DELAY_SECONDS = 15 * 60;
/** A device token (given at sign-in, exempt from the per-account delay) lasts this long unused. */
export const DEVICE_TTL_SECONDS = 90 * 24 * 3600;

const at = (date: Date) => sql`${date.toISOString()}::timestamptz`;
const secondsUntil = (until: Date | null | undefined, now: Date) =>
  Math.max(1, Math.ceil(((until?.getTime() ?? now.getTime()) - now.getTime()) / 1000));

/**
 * Claims one sign-in attempt for an email from an address, before the password is checked: one
 * UPDATE counts it and, from the fifth, locks the pair in advance, so parallel guesses cannot all
 * be checked (a success clears the row). Locked → TOO_MANY_ATTEMPTS with the seconds to wait.
 */
export async function claimAddressAttempt(database: Database, email: string, ip: string, now: Date) {
  const { db } = database;
  await db
    .insert(loginAttempts)
    .values({ email, ip, failures: 0, lockedUntil: null, updatedAt: now })
    .onConflictDoNothing();
  const failures = sql`${loginAttempts.failures} + 1`;
  const claimed = await db
    .update(loginAttempts)
    .set({
      failures,
      lockedUntil: sql`CASE WHEN ${failures} >= ${MAX_LOGIN_FAILURES}
        THEN ${at(now)} + make_interval(secs => least(3600, 30 * power(2, ${failures} - ${MAX_LOGIN_FAILURES})))
        ELSE NULL END`,
      updatedAt: now,
    })
    .where(
      and(
        eq(loginAttempts.email, email),
        eq(loginAttempts.ip, ip),
        or(isNull(loginAttempts.lockedUntil), lte(loginAttempts.lockedUntil, now)),
      ),
    )
    .returning({ failures: loginAttempts.failures });
  if (claimed.length > 0) return;
  const [row] = await db
    .select({ lockedUntil: loginAttempts.lockedUntil })
    .from(loginAttempts)
    .where(and(eq(loginAttempts.email, email), eq(loginAttempts.ip, ip)));
  throw ServerErrors.create('TOO_MANY_ATTEMPTS', {
    details: { retry_after_seconds: secondsUntil(row?.lockedUntil, now) },
  });
}

/**
 * Claims one sign-in attempt for an account from any address (skipped for a trusted device). Past
 * ACCOUNT_FREE_FAILURES each attempt sets the earliest time of the next, doubling up to 15 minutes:
 * a delay, never a lock, and the owner's known devices are exempt, so guessing from many addresses
 * cannot shut the owner out. A quiet day forgets the count. Delayed → LOGIN_DELAYED.
 */
export async function claimAccountAttempt(database: Database, email: string, now: Date) {
  const { db } = database;
  await db
    .insert(accountLoginFailures)
    .values({ email, failures: 0, nextAttemptAt: null, updatedAt: now })
    .onConflictDoNothing();
  const dayAgo = new Date(now.getTime() - 24 * 3600 * 1000);
  const failures = sql`(CASE WHEN ${accountLoginFailures.updatedAt} < ${at(dayAgo)} THEN 0 ELSE ${accountLoginFailures.failures} END + 1)`;
  const claimed = await db
    .update(accountLoginFailures)
    .set({
      failures,
      nextAttemptAt: sql`CASE WHEN ${failures} >= ${ACCOUNT_FREE_FAILURES}
        THEN ${at(now)} + make_interval(secs => least(${ACCOUNT_MAX_DELAY_SECONDS}, power(2, ${failures} - ${ACCOUNT_FREE_FAILURES})))
        ELSE NULL END`,
      updatedAt: now,
    })
    .where(
      and(
        eq(accountLoginFailures.email, email),
        or(isNull(accountLoginFailures.nextAttemptAt), lte(accountLoginFailures.nextAttemptAt, now)),
      ),
    )
    .returning({ failures: accountLoginFailures.failures });
  if (claimed.length > 0) return;
  const [row] = await db
    .select({ nextAttemptAt: accountLoginFailures.nextAttemptAt })
    .from(accountLoginFailures)
    .where(eq(accountLoginFailures.email, email));
  throw ServerErrors.create('LOGIN_DELAYED', {
    details: { retry_after_seconds: secondsUntil(row?.nextAttemptAt, now) },
  });
}

/**
 * A completed sign-in clears the email's counters, unless it came from a trusted device (which
 * skipped them): the owner signing in on a known device must not hand someone guessing from
 * elsewhere a fresh budget.
 */
export async function clearLoginFailures(
  database: Database,
  { email, ip, fromTrustedDevice }: { email: string; ip: string; fromTrustedDevice: boolean },
): Promise<void> {
  await database.db
    .delete(loginAttempts)
    .where(and(eq(loginAttempts.email, email), eq(loginAttempts.ip, ip)));
  if (!fromTrustedDevice)
    await database.db.delete(accountLoginFailures).where(eq(accountLoginFailures.email, email));
}

/** The user's device that presents this token, if it signed in before and has not expired. */
export async function findTrustedDevice(
  database: Database,
  userId: string,
  token: string | undefined,
  now: Date,
): Promise<{ id: string } | null> {
  if (!token) return null;
  const [device] = await database.db
    .select({ id: trustedDevices.id })
    .from(trustedDevices)
    .where(
      and(
        eq(trustedDevices.tokenHash, hashToken(token)),
        eq(trustedDevices.userId, userId),
        gt(trustedDevices.expiresAt, now),
      ),
    );
  return device ?? null;
}

/**
 * The device token a completed sign-in hands out: the presented one, renewed, when it is the
 * user's; otherwise a new one (stored as a sha256 only).
 */
export async function issueDeviceToken(
  database: Database,
  userId: string,
  presented: { id: string; token: string } | null,
  now: Date,
): Promise<string> {
  const expiresAt = new Date(now.getTime() + DEVICE_TTL_SECONDS * 1000);
  if (presented) {
    await database.db
      .update(trustedDevices)
      .set({ lastUsedAt: now, expiresAt })
      .where(eq(trustedDevices.id, presented.id));
    return presented.token;
  }
  const token = randomToken(32);
  await database.db.insert(trustedDevices).values({
    id: randomUUID(),
    userId,
    tokenHash: hashToken(token),
    createdAt: now,
    lastUsedAt: now,
    expiresAt,
  });
  return token;
}
