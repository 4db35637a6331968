import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import {
  loginChallenges,
  recoveryCodes,
  users,
  type Database,
  type SqlExecutor,
  type UserRow,
} from '@tradingbot/db';
import { decryptValue, encryptValue, hashToken, randomToken, type KeyRing } from '../crypto/credentials.ts';
import { ServerErrors } from '../errors.ts';
import { audit } from './audit.ts';

/**
 * TOTP two-factor authentication (RFC 6238: SHA-1, 6 digits, 30-second steps, one step of clock
 * drift either way) with single-use recovery codes, and the short-lived challenge a sign-in answers
 * when a user has it on. Secrets are AES-256-GCM under the key ring, bound to the user's id.
 */
export type TotpDeps = { database: Database; keyRing: KeyRing; now?: () => Date };

export const TOTP_ISSUER = 'TradingBot AI';
export const RECOVERY_CODE_COUNT = 10;
export const CHALLENGE_TTL_SECONDS = 5 * 60;
export const CHALLENGE_MAX_ATTEMPTS = 5;
const PERIOD = 30;

const now = (deps: TotpDeps) => (deps.now ?? (() => new Date()))();
const secretOwner = (userId: string) => `user:${userId}`;

/** A user's TOTP secret, decrypted with the key ring (throws when no key of the ring opens it). */
export function decryptTotpSecret(ring: KeyRing, userId: string, value: string): string {
  return decryptValue(ring, secretOwner(userId), 'totp_secret', value);
}
const totpOf = (secret: string, label = '') =>
  new TOTP({
    issuer: TOTP_ISSUER,
    label,
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD,
  });

export type TotpEnrolment = { secret: string; otpauth_uri: string; qr_code_svg: string };

/** Starts (or restarts) an enrolment: a new secret, kept pending until a code confirms it. */
export async function beginTotpEnrolment(deps: TotpDeps, user: UserRow): Promise<TotpEnrolment> {
  if (user.totpSecretEnc !== null) throw ServerErrors.create('TOTP_ALREADY_ENABLED');
  const secret = new Secret({ size: 20 }).base32;
  await deps.database.db
    .update(users)
    .set({ totpPendingSecretEnc: encryptValue(deps.keyRing, secretOwner(user.id), 'totp_secret', secret) })
    .where(eq(users.id, user.id));
  const uri = totpOf(secret, user.email).toString();
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { secret, otpauth_uri: uri, qr_code_svg: svg };
}

/** The step a code matches (±1 step of drift), or null. */
function matchingStep(secret: string, code: string, at: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totpOf(secret).validate({ token: code, timestamp: at.getTime(), window: 1 });
  return delta === null ? null : Math.floor(at.getTime() / 1000 / PERIOD) + delta;
}

/** Records the step as used; false when it (or a later one) was used already: each code works once. */
async function useStep(database: Database, userId: string, step: number): Promise<boolean> {
  const updated = await database.db
    .update(users)
    .set({ totpLastStep: step })
    .where(and(eq(users.id, userId), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
    .returning({ id: users.id });
  return updated.length > 0;
}

const newRecoveryCode = () => {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  const text = Array.from(randomBytes(16), (byte) => alphabet[byte % alphabet.length]).join('');
  return text.match(/.{4}/g)!.join('-'); // 16 of 32 symbols: 80 bits, so a sha256 suffices
};
const normaliseRecoveryCode = (code: string) => code.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Replaces the user's recovery codes; the plain codes are returned once and only hashes kept. */
async function issueRecoveryCodes(database: Database, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await database.db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  await database.db
    .insert(recoveryCodes)
    .values(
      codes.map((code) => ({ id: randomUUID(), userId, codeHash: hashToken(normaliseRecoveryCode(code)) })),
    );
  return codes;
}

/** Confirms the pending enrolment with a code from the app: 2FA is on; the recovery codes, once. */
export async function confirmTotpEnrolment(deps: TotpDeps, user: UserRow, code: string): Promise<string[]> {
  if (user.totpSecretEnc !== null) throw ServerErrors.create('TOTP_ALREADY_ENABLED');
  if (user.totpPendingSecretEnc === null) throw ServerErrors.create('TOTP_NOT_ENROLLING');
  const secret = decryptTotpSecret(deps.keyRing, user.id, user.totpPendingSecretEnc);
  const step = matchingStep(secret, code.trim(), now(deps));
  if (step === null) throw ServerErrors.create('TOTP_INVALID');
  await deps.database.db
    .update(users)
    .set({
      totpSecretEnc: user.totpPendingSecretEnc,
      totpPendingSecretEnc: null,
      totpEnabledAt: now(deps),
      totpLastStep: step,
    })
    .where(eq(users.id, user.id));
  const codes = await issueRecoveryCodes(deps.database, user.id);
  await audit(deps.database, { userId: user.id, action: 'user.totp_enabled' });
  return codes;
}

export type SecondFactor = { code?: string | undefined; recovery_code?: string | undefined };

/**
 * Checks a TOTP code (each accepted once) or a recovery code (each used once). Wrong, reused or
 * missing → TOTP_INVALID.
 */
export async function verifySecondFactor(deps: TotpDeps, user: UserRow, factor: SecondFactor): Promise<void> {
  if (user.totpSecretEnc === null) throw ServerErrors.create('TOTP_NOT_ENABLED');
  if (factor.code) {
    const secret = decryptTotpSecret(deps.keyRing, user.id, user.totpSecretEnc);
    const step = matchingStep(secret, factor.code.trim(), now(deps));
    if (step !== null && (await useStep(deps.database, user.id, step))) return;
  } else if (factor.recovery_code) {
    const used = await deps.database.db
      .update(recoveryCodes)
      .set({ usedAt: now(deps) })
      .where(
        and(
          eq(recoveryCodes.userId, user.id),
          eq(recoveryCodes.codeHash, hashToken(normaliseRecoveryCode(factor.recovery_code))),
          isNull(recoveryCodes.usedAt),
        ),
      )
      .returning({ id: recoveryCodes.id });
    if (used.length > 0) {
      await audit(deps.database, { userId: user.id, action: 'user.recovery_code_used' });
      return;
    }
  }
  throw ServerErrors.create('TOTP_INVALID');
}

/**
 * For the sensitive operations (rotating a webhook secret, deleting an exchange account): with
 * 2FA on, a fresh code (the `X-TOTP-Code` header) is required; without it, nothing.
 */
export async function requireFreshTotp(
  deps: TotpDeps,
  user: UserRow,
  code: string | undefined,
): Promise<void> {
  if (user.totpSecretEnc === null) return;
  if (!code) throw ServerErrors.create('TOTP_REQUIRED');
  await verifySecondFactor(deps, user, /^\d{6}$/.test(code.trim()) ? { code } : { recovery_code: code });
}

/** Turns 2FA off (a code or a recovery code is required) and drops the recovery codes. */
export async function disableTotp(deps: TotpDeps, user: UserRow, factor: SecondFactor): Promise<void> {
  await verifySecondFactor(deps, user, factor);
  await deps.database.db
    .update(users)
    .set({ totpSecretEnc: null, totpPendingSecretEnc: null, totpEnabledAt: null })
    .where(eq(users.id, user.id));
  await deps.database.db.delete(recoveryCodes).where(eq(recoveryCodes.userId, user.id));
  await audit(deps.database, { userId: user.id, action: 'user.totp_disabled' });
}

/** How many unused recovery codes the user has left. */
export async function recoveryCodesLeft(database: Database, userId: string): Promise<number> {
  const [row] = await database.db
    .select({ count: sql<number>`count(*)::int` })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  return Number(row?.count ?? 0);
}

/** New recovery codes (the old ones stop working); needs a code like disabling does. */
export async function regenerateRecoveryCodes(
  deps: TotpDeps,
  user: UserRow,
  factor: SecondFactor,
): Promise<string[]> {
  await verifySecondFactor(deps, user, factor);
  const codes = await issueRecoveryCodes(deps.database, user.id);
  await audit(deps.database, { userId: user.id, action: 'user.recovery_codes_regenerated' });
  return codes;
}

export type TotpChallenge = { totp_required: true; challenge_token: string; expires_at: string };
export type ChallengeContext = {
  email: string;
  ip: string;
  userAgent?: string | undefined;
  deviceId: string | null;
};

/** A password accepted for a user with 2FA: a challenge for five minutes and five codes. */
export async function createLoginChallenge(
  deps: TotpDeps,
  user: UserRow,
  context: ChallengeContext,
): Promise<TotpChallenge> {
  const token = randomToken(32);
  const expiresAt = new Date(now(deps).getTime() + CHALLENGE_TTL_SECONDS * 1000);
  await deps.database.db.insert(loginChallenges).values({
    id: randomUUID(),
    userId: user.id,
    tokenHash: hashToken(token),
    email: context.email,
    ip: context.ip,
    userAgent: context.userAgent?.slice(0, 300) ?? null,
    deviceId: context.deviceId,
    expiresAt,
  });
  return { totp_required: true, challenge_token: token, expires_at: expiresAt.toISOString() };
}

/**
 * Spends one attempt of a live challenge (atomically, so parallel guesses share the five), checks
 * the factor, and on success marks the challenge used. Unknown, expired, used or exhausted →
 * LOGIN_CHALLENGE_INVALID.
 */
export async function passLoginChallenge(deps: TotpDeps, token: string, factor: SecondFactor) {
  const [challenge] = await deps.database.db
    .update(loginChallenges)
    .set({ attempts: sql`${loginChallenges.attempts} + 1` })
    .where(
      and(
        eq(loginChallenges.tokenHash, hashToken(token)),
        isNull(loginChallenges.usedAt),
        gt(loginChallenges.expiresAt, now(deps)),
        lt(loginChallenges.attempts, CHALLENGE_MAX_ATTEMPTS),
      ),
    )
    .returning();
  if (!challenge) throw ServerErrors.create('LOGIN_CHALLENGE_INVALID');
  const [user] = await deps.database.db.select().from(users).where(eq(users.id, challenge.userId));
  if (!user) throw ServerErrors.create('LOGIN_CHALLENGE_INVALID');
  await verifySecondFactor(deps, user, factor);
  const used = await deps.database.db
    .update(loginChallenges)
    .set({ usedAt: now(deps) })
    .where(and(eq(loginChallenges.id, challenge.id), isNull(loginChallenges.usedAt)))
    .returning({ id: loginChallenges.id });
  if (used.length === 0) throw ServerErrors.create('LOGIN_CHALLENGE_INVALID');
  return { user, challenge };
}

/**
 * Key rotation: re-encrypts every TOTP secret (enabled or pending) not under the ring's current
 * key, inside the caller's transaction (`rotateKeys`), so dropping the old key later does not turn
 * two-factor sign-ins into DECRYPTION_FAILED.
 */
export async function reencryptTotpSecrets(tx: SqlExecutor, ring: KeyRing): Promise<number> {
  const rows = await tx.query<{
    id: string;
    totp_secret_enc: string | null;
    totp_pending_secret_enc: string | null;
  }>(
    'SELECT id, totp_secret_enc, totp_pending_secret_enc FROM users WHERE totp_secret_enc IS NOT NULL OR totp_pending_secret_enc IS NOT NULL ORDER BY id FOR UPDATE',
  );
  const fresh = (userId: string, value: string | null) =>
    value === null || value.split(':')[1] === ring.current.id
      ? value
      : encryptValue(ring, secretOwner(userId), 'totp_secret', decryptTotpSecret(ring, userId, value));
  let changed = 0;
  for (const row of rows) {
    const enabled = fresh(row.id, row.totp_secret_enc);
    const pending = fresh(row.id, row.totp_pending_secret_enc);
    if (enabled === row.totp_secret_enc && pending === row.totp_pending_secret_enc) continue;
    await tx.query('UPDATE users SET totp_secret_enc = $1, totp_pending_secret_enc = $2 WHERE id = $3', [
      enabled,
      pending,
      row.id,
    ]);
    changed++;
  }
  return changed;
}
