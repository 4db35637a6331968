import { randomUUID } from 'node:crypto';
import { and, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { sessions, users, type Database, type UserRow } from '@tradingbot/db';
import { ServerErrors } from '../errors.ts';
import { hashToken, randomToken, type KeyRing } from '../crypto/credentials.ts';
import { audit } from './audit.ts';
import {
  claimAccountAttempt,
  claimAddressAttempt,
  clearLoginFailures,
  findTrustedDevice,
  issueDeviceToken,
} from './login-limits.ts';
import { assertStrongPassword, passwordHasher, verifyPassword } from './passwords.ts';
import { sessionCacheFor } from './session-cache.ts';
import { createLoginChallenge, passLoginChallenge, type SecondFactor, type TotpChallenge } from './totp.ts';

export { MAX_LOGIN_FAILURES } from './login-limits.ts';

export type AuthDeps = {
  database: Database;
  secretKey: string;
  /** Encrypts TOTP secrets, like exchange credentials. */
  keyRing: KeyRing;
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
  totp_enabled: boolean;
};

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
    totp_enabled: row.totpSecretEnc !== null,
  };
}

export const clock = (deps: AuthDeps) => (deps.now ?? (() => new Date()))();
const jwtKey = (secretKey: string) => new TextEncoder().encode(secretKey);
const normaliseEmail = (email: string) => email.trim().toLowerCase();

async function findUserByEmail(database: Database, email: string): Promise<UserRow | undefined> {
  const [user] = await database.db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${email}`);
  return user;
}

/**
 * Registers a user. A taken email gets the same answer as a new one (201 with a user of the same
 * shape, whose id is never used) after the same password hashing, so registration does not tell
 * whether an email has an account; no second account is made, and the owner is told in the audit
 * log. The person registering then finds that signing in with their password fails (the web says
 * that the email may already have an account).
 */
export async function registerUser(
  deps: AuthDeps,
  input: { email: string; password: string; name?: string | undefined },
): Promise<PublicUser> {
  const email = normaliseEmail(input.email);
  const name = input.name?.trim() ?? '';
  assertStrongPassword(input.password, [email, email.split('@')[0]!, name]);
  const passwordHash = await passwordHasher.hash(input.password); // argon2id, on both paths
  const existing = await findUserByEmail(deps.database, email);
  const lookalike = (): PublicUser => ({
    ...publicUser({
      id: randomUUID(),
      email,
      name,
      passwordHash: '',
      createdAt: clock(deps),
      totalXp: 0,
      level: 1,
      totalTrades: 0,
      totpSecretEnc: null,
      totpPendingSecretEnc: null,
      totpEnabledAt: null,
      totpLastStep: null,
    }),
  });
  if (existing) {
    await audit(deps.database, { userId: existing.id, action: 'user.register_existing_email' });
    return lookalike();
  }
  try {
    const [row] = await deps.database.db
      .insert(users)
      .values({ id: randomUUID(), email, name, passwordHash, createdAt: clock(deps) })
      .returning();
    await audit(deps.database, { userId: row!.id, action: 'user.registered' });
    return publicUser(row!);
  } catch (error) {
    // Two registrations racing for one email: the unique index decides, and the loser looks the same.
    if (String((error as Error).message).includes('users_email_lower_key')) return lookalike();
    throw error;
  }
}

export type LoginResult = {
  access_token: string;
  token_type: 'bearer';
  session_token: string;
  expires_at: string;
  /** Present it on later sign-ins from this device: exempt from the per-account delay. */
  device_token: string;
  user: PublicUser;
};

export type LoginInput = {
  email: string;
  password: string;
  ip: string;
  userAgent?: string | undefined;
  deviceToken?: string | undefined;
};

/**
 * Verifies a password. Each attempt is claimed before the check (`login-limits.ts`): per email and
 * address (TOO_MANY_ATTEMPTS from the fifth failure) and per account from any address
 * (LOGIN_DELAYED, growing delays past ten failures); a device that signed in before skips both. An
 * unknown email costs the same hash verification as a known one. With two-factor authentication
 * the answer is a challenge that `completeTotpLogin` finishes; otherwise a new session.
 */
export async function login(deps: AuthDeps, input: LoginInput): Promise<LoginResult | TotpChallenge> {
  const email = normaliseEmail(input.email);
  const now = clock(deps);
  const user = await findUserByEmail(deps.database, email);
  const device = user ? await findTrustedDevice(deps.database, user.id, input.deviceToken, now) : null;
  // A device that signed in before is exempt from both limits: many users may share an address
  // (a NAT, or the web app, which signs in from the loopback), and guessing from elsewhere must not
  // lock its owner out. It still needs the password (and the code, with 2FA).
  if (!device) {
    await claimAddressAttempt(deps.database, email, input.ip, now);
    await claimAccountAttempt(deps.database, email, now);
  }
  const valid = await verifyPassword(user?.passwordHash, input.password);
  if (!user || !valid) {
    await audit(deps.database, {
      userId: user?.id ?? null,
      action: 'user.login_failed',
      details: { ip: input.ip },
    });
    throw ServerErrors.create('INVALID_CREDENTIALS');
  }
  if (user.totpSecretEnc !== null) {
    return createLoginChallenge(deps, user, { ...input, email, deviceId: device?.id ?? null });
  }
  return openSession(deps, user, {
    email,
    ip: input.ip,
    userAgent: input.userAgent,
    device: device && input.deviceToken ? { id: device.id, token: input.deviceToken } : null,
    trustedDevice: device !== null,
  });
}

/**
 * The second step of a sign-in with 2FA: the challenge from `login` and a code or recovery code.
 * The device token may be presented again here to keep the same device.
 */
export async function completeTotpLogin(
  deps: AuthDeps,
  input: SecondFactor & { challenge_token: string; device_token?: string | undefined },
): Promise<LoginResult> {
  const { user, challenge } = await passLoginChallenge(deps, input.challenge_token, input);
  const device = await findTrustedDevice(deps.database, user.id, input.device_token, clock(deps));
  return openSession(deps, user, {
    email: challenge.email,
    ip: challenge.ip,
    userAgent: challenge.userAgent,
    device: device && input.device_token ? { id: device.id, token: input.device_token } : null,
    trustedDevice: challenge.deviceId !== null,
  });
}

/** A completed sign-in: counters cleared, the device remembered, a session and its access token. */
export async function openSession(
  deps: AuthDeps,
  user: UserRow,
  context: {
    email: string;
    ip: string;
    userAgent?: string | null | undefined;
    device: { id: string; token: string } | null;
    /** The password step was exempt from the per-account delay. */
    trustedDevice: boolean;
  },
): Promise<LoginResult> {
  const now = clock(deps);
  await clearLoginFailures(deps.database, { ...context, fromTrustedDevice: context.trustedDevice });
  const deviceToken = await issueDeviceToken(deps.database, user.id, context.device, now);
  const sessionToken = randomToken(32);
  const sessionId = randomUUID();
  const expiresAt = new Date(now.getTime() + (deps.sessionTtlSeconds ?? 30 * 24 * 3600) * 1000);
  await deps.database.db.insert(sessions).values({
    id: sessionId,
    userId: user.id,
    tokenHash: hashToken(sessionToken),
    createdAt: now,
    expiresAt,
    lastSeenAt: now,
    userAgent: context.userAgent?.slice(0, 300) ?? null,
    ip: context.ip,
  });
  const accessToken = await new SignJWT({ sid: sessionId })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user.id)
    .setIssuer(ISSUER)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(now.getTime() / 1000) + (deps.accessTokenTtlSeconds ?? 15 * 60))
    .sign(jwtKey(deps.secretKey));
  await audit(deps.database, { userId: user.id, action: 'user.logged_in', details: { ip: context.ip } });
  return {
    access_token: accessToken,
    token_type: 'bearer',
    session_token: sessionToken,
    expires_at: expiresAt.toISOString(),
    device_token: deviceToken,
    user: publicUser(user),
  };
}

export type Authenticated = { user: UserRow; sessionId: string };

/** A session's last-seen time is written at most this often. */
const LAST_SEEN_RESOLUTION_MS = 60_000;

/**
 * The caller of a protected route, from a JWT access token or a session token (what the web UI's
 * Auth.js session carries). Either way the session must be live: a JWT names its session (`sid`),
 * checked through a short in-process cache (`session-cache.ts`). Missing or invalid →
 * UNAUTHENTICATED; expired or revoked → SESSION_EXPIRED; a valid token whose user is gone →
 * USER_NOT_FOUND. The last two answer `detail: "User not found"`, as the design's troubleshooting
 * table says (routes/error.schema.ts).
 */
export async function authenticate(
  deps: AuthDeps,
  authorization: string | undefined,
): Promise<Authenticated> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) throw ServerErrors.create('UNAUTHENTICATED', { message: 'Missing bearer token' });
  const token = match[1]!;
  const session =
    token.split('.').length === 3 ? await sessionOfJwt(deps, token) : await sessionOfToken(deps, token);
  const [user] = await deps.database.db.select().from(users).where(eq(users.id, session.userId));
  if (!user) throw ServerErrors.create('USER_NOT_FOUND');
  return { user, sessionId: session.sessionId };
}

const revoked = () =>
  ServerErrors.create('SESSION_EXPIRED', {
    message: 'The session expired or was revoked (signed out); sign in again',
  });

async function sessionOfJwt(deps: AuthDeps, token: string) {
  let userId: string;
  let sessionId: unknown;
  try {
    const { payload } = await jwtVerify(token, jwtKey(deps.secretKey), {
      issuer: ISSUER,
      algorithms: ['HS256'],
      currentDate: clock(deps),
    });
    userId = String(payload.sub);
    sessionId = payload.sid;
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired)
      throw ServerErrors.create('SESSION_EXPIRED', {
        message: 'The access token expired; refresh it or sign in again',
      });
    throw ServerErrors.create('UNAUTHENTICATED', { message: 'Invalid token' });
  }
  if (typeof sessionId !== 'string')
    throw ServerErrors.create('UNAUTHENTICATED', { message: 'Invalid token' });
  const cache = sessionCacheFor(deps.database);
  let active = cache.get(sessionId)?.active;
  if (active === undefined) {
    const [row] = await liveSession(deps, eq(sessions.id, sessionId));
    if (!row) await assertUserExists(deps, userId); // a deleted user's sessions went with it
    active = row !== undefined && row.userId === userId;
    cache.set(sessionId, { userId, active });
    if (row) await touchSession(deps, row);
  }
  if (!active) throw revoked();
  return { userId, sessionId };
}

async function assertUserExists(deps: AuthDeps, userId: string) {
  const [user] = await deps.database.db.select({ id: users.id }).from(users).where(eq(users.id, userId));
  if (!user) throw ServerErrors.create('USER_NOT_FOUND');
}

async function sessionOfToken(deps: AuthDeps, token: string) {
  const tokenHash = hashToken(token);
  const [row] = await liveSession(deps, eq(sessions.tokenHash, tokenHash));
  if (!row) {
    // A token we issued whose session ended, or one we never issued: the user can only fix the first.
    const [ended] = await deps.database.db
      .select({ id: sessions.id })
      .from(sessions)
      .where(eq(sessions.tokenHash, tokenHash));
    if (ended) throw revoked();
    throw ServerErrors.create('UNAUTHENTICATED', { message: 'Invalid token' });
  }
  await touchSession(deps, row);
  return { userId: row.userId, sessionId: row.id };
}

function liveSession(deps: AuthDeps, which: ReturnType<typeof eq>) {
  return deps.database.db
    .select({ id: sessions.id, userId: sessions.userId, lastSeenAt: sessions.lastSeenAt })
    .from(sessions)
    .where(and(which, isNull(sessions.revokedAt), gt(sessions.expiresAt, clock(deps))));
}

async function touchSession(deps: AuthDeps, row: { id: string; lastSeenAt: Date | null }) {
  const now = clock(deps);
  if (row.lastSeenAt && now.getTime() - row.lastSeenAt.getTime() < LAST_SEEN_RESOLUTION_MS) return;
  const stale = new Date(now.getTime() - LAST_SEEN_RESOLUTION_MS);
  await deps.database.db
    .update(sessions)
    .set({ lastSeenAt: now })
    .where(and(eq(sessions.id, row.id), or(isNull(sessions.lastSeenAt), lt(sessions.lastSeenAt, stale))));
}

/**
 * Revokes sessions of the user: `which` = the presented one, every one, or every one but the
 * presented one. Their access tokens stop working at once in this process (and within
 * SESSION_CACHE_TTL_MS in others).
 */
export async function revokeSessions(
  deps: AuthDeps,
  auth: Authenticated,
  which: 'current' | 'all' | 'others',
): Promise<number> {
  const mine = and(eq(sessions.userId, auth.user.id), isNull(sessions.revokedAt));
  const where =
    which === 'current'
      ? and(mine, eq(sessions.id, auth.sessionId))
      : which === 'others'
        ? and(mine, sql`${sessions.id} <> ${auth.sessionId}`)
        : mine;
  const ended = await deps.database.db
    .update(sessions)
    .set({ revokedAt: clock(deps) })
    .where(where)
    .returning({ id: sessions.id });
  sessionCacheFor(deps.database).forget(ended.map((row) => row.id));
  return ended.length;
}

/** Revokes the presented session, or every session of the user. */
export async function logout(deps: AuthDeps, auth: Authenticated, all: boolean): Promise<number> {
  const count = await revokeSessions(deps, auth, all ? 'all' : 'current');
  await audit(deps.database, {
    userId: auth.user.id,
    action: 'user.logged_out',
    details: { sessions: count },
  });
  return count;
}
