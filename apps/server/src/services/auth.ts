import { randomUUID } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { loginAttempts, sessions, users, type Database, type UserRow } from '@tradingbot/db';
import { ServerErrors } from '../errors.ts';
import { hashToken, randomToken } from '../crypto/credentials.ts';
import { audit } from './audit.ts';

export type AuthDeps = {
  database: Database;
  secretKey: string;
  now?: () => Date;
  accessTokenTtlSeconds?: number;
  sessionTtlSeconds?: number;
};

export type PublicUser = {
  id: string;
  email: string;
  name: string;
  created_at: string;
  total_xp: number;
  level: number;
  total_trades: number;
};

export const MAX_LOGIN_FAILURES = 5;
const ISSUER = 'tradingbot';

export function publicUser(row: UserRow): PublicUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    created_at: row.createdAt.toISOString(),
    total_xp: row.totalXp,
    level: row.level,
    total_trades: row.totalTrades,
  };
}

const clock = (deps: AuthDeps) => (deps.now ?? (() => new Date()))();
const jwtKey = (secretKey: string) => new TextEncoder().encode(secretKey);

export async function registerUser(
  deps: AuthDeps,
  input: { email: string; password: string; name?: string | undefined },
): Promise<PublicUser> {
  const email = input.email.trim().toLowerCase();
  const existing = await deps.database.db
    .select({ id: users.id })
    .from(users)
    .where(sql`lower(${users.email}) = ${email}`);
  if (existing.length > 0) throw ServerErrors.create('EMAIL_TAKEN');
  const passwordHash = await hash(input.password); // argon2id, the library's defaults
  try {
    const [row] = await deps.database.db
      .insert(users)
      .values({ id: randomUUID(), email, name: input.name?.trim() ?? '', passwordHash })
      .returning();
    await audit(deps.database, { userId: row!.id, action: 'user.registered' });
    return publicUser(row!);
  } catch (error) {
    // Two registrations racing for one email: the unique index decides.
    if (String((error as Error).message).includes('users_email_lower_key'))
      throw ServerErrors.create('EMAIL_TAKEN');
    throw error;
  }
}

let dummyHash: Promise<string> | null = null;

export type LoginResult = {
  access_token: string;
  token_type: 'bearer';
  session_token: string;
  expires_at: string;
  user: PublicUser;
};

/**
 * Verifies a password and opens a session. Failed attempts are counted per email and address;
 * from the fifth, the pair is locked out for a time that doubles with each further failure. An
 * unknown email costs the same hash verification as a known one.
 */
export async function login(
  deps: AuthDeps,
  input: { email: string; password: string; ip: string },
): Promise<LoginResult> {
  const email = input.email.trim().toLowerCase();
  const now = clock(deps);
  const [attempt] = await deps.database.db
    .select()
    .from(loginAttempts)
    .where(and(eq(loginAttempts.email, email), eq(loginAttempts.ip, input.ip)));
  if (attempt?.lockedUntil && attempt.lockedUntil > now) {
    throw ServerErrors.create('TOO_MANY_ATTEMPTS', {
      details: { retry_after_seconds: Math.ceil((attempt.lockedUntil.getTime() - now.getTime()) / 1000) },
    });
  }
  const [user] = await deps.database.db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${email}`);
  dummyHash ??= hash('not-a-real-password');
  const valid = user
    ? await verify(user.passwordHash, input.password)
    : (await verify(await dummyHash, input.password), false);
  if (!user || !valid) {
    const failures = (attempt?.failures ?? 0) + 1;
    const lockedUntil =
      failures >= MAX_LOGIN_FAILURES
        ? new Date(now.getTime() + Math.min(3600, 30 * 2 ** (failures - MAX_LOGIN_FAILURES)) * 1000)
        : null;
    await deps.database.db
      .insert(loginAttempts)
      .values({ email, ip: input.ip, failures, lockedUntil, updatedAt: now })
      .onConflictDoUpdate({
        target: [loginAttempts.email, loginAttempts.ip],
        set: { failures, lockedUntil, updatedAt: now },
      });
    await audit(deps.database, {
      userId: user?.id ?? null,
      action: 'user.login_failed',
      details: { ip: input.ip },
    });
    throw ServerErrors.create('INVALID_CREDENTIALS');
  }
  if (attempt) {
    await deps.database.db
      .delete(loginAttempts)
      .where(and(eq(loginAttempts.email, email), eq(loginAttempts.ip, input.ip)));
  }
  const sessionToken = randomToken(32);
  const expiresAt = new Date(now.getTime() + (deps.sessionTtlSeconds ?? 30 * 24 * 3600) * 1000);
  await deps.database.db.insert(sessions).values({
    id: randomUUID(),
    userId: user.id,
    tokenHash: hashToken(sessionToken),
    createdAt: now,
    expiresAt,
  });
  const accessToken = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user.id)
    .setIssuer(ISSUER)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(now.getTime() / 1000) + (deps.accessTokenTtlSeconds ?? 15 * 60))
    .sign(jwtKey(deps.secretKey));
  await audit(deps.database, { userId: user.id, action: 'user.logged_in', details: { ip: input.ip } });
  return {
    access_token: accessToken,
    token_type: 'bearer',
    session_token: sessionToken,
    expires_at: expiresAt.toISOString(),
    user: publicUser(user),
  };
}

export type Authenticated = { user: UserRow; sessionId: string | null };

/**
 * The caller of a protected route, from a JWT access token or a session token (what the web UI's
 * Auth.js session carries). Missing, invalid, expired or revoked → UNAUTHENTICATED; a valid token whose
 * user is gone → USER_NOT_FOUND ("User not found").
 */
export async function authenticate(
  deps: AuthDeps,
  authorization: string | undefined,
): Promise<Authenticated> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) throw ServerErrors.create('UNAUTHENTICATED', { message: 'Missing bearer token' });
  const token = match[1]!;
  let userId: string;
  let sessionId: string | null = null;
  if (token.split('.').length === 3) {
    try {
      const { payload } = await jwtVerify(token, jwtKey(deps.secretKey), {
        issuer: ISSUER,
        algorithms: ['HS256'],
        currentDate: clock(deps),
      });
      userId = String(payload.sub);
    } catch (error) {
      const expired = error instanceof joseErrors.JWTExpired;
      throw ServerErrors.create('UNAUTHENTICATED', { message: expired ? 'Token expired' : 'Invalid token' });
    }
  } else {
    const [session] = await deps.database.db
      .select()
      .from(sessions)
      .where(
        and(
          eq(sessions.tokenHash, hashToken(token)),
          isNull(sessions.revokedAt),
          gt(sessions.expiresAt, clock(deps)),
        ),
      );
    if (!session)
      throw ServerErrors.create('UNAUTHENTICATED', { message: 'Invalid, expired or revoked session' });
    userId = session.userId;
    sessionId = session.id;
  }
  const [user] = await deps.database.db.select().from(users).where(eq(users.id, userId));
  if (!user) throw ServerErrors.create('USER_NOT_FOUND');
  return { user, sessionId };
}

/** Revokes the presented session, or every session of the user. */
export async function logout(deps: AuthDeps, auth: Authenticated, all: boolean): Promise<number> {
  const now = clock(deps);
  const where =
    all || auth.sessionId === null
      ? and(eq(sessions.userId, auth.user.id), isNull(sessions.revokedAt))
      : and(eq(sessions.id, auth.sessionId), isNull(sessions.revokedAt));
  const revoked = await deps.database.db
    .update(sessions)
    .set({ revokedAt: now })
    .where(where)
    .returning({ id: sessions.id });
  await audit(deps.database, {
    userId: auth.user.id,
    action: 'user.logged_out',
    details: { sessions: revoked.length },
  });
  return revoked.length;
}
