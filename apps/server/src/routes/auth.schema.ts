import { z } from 'zod';
import { nameSchemas } from './schema-registry.ts';

/** Length only here; strength (zxcvbn) is checked by the service and answered as WEAK_PASSWORD. */
const NewPassword = z.string().min(10, 'password must be at least 10 characters').max(256);
const DeviceToken = z.string().min(1).max(200);
const TotpCode = z.string().trim().min(1).max(40);

export const RegisterBody = z.strictObject({
  email: z.string().trim().toLowerCase().email().max(254),
  password: NewPassword,
  name: z.string().trim().max(100).optional(),
});

export const LoginBody = z.strictObject({
  email: z.string().trim().max(254),
  password: z.string().min(1).max(256),
  /** The `device_token` an earlier sign-in from this device answered: exempt from the per-account delay. */
  device_token: DeviceToken.optional(),
});

export const TotpLoginBody = z
  .strictObject({
    challenge_token: z.string().min(1).max(200),
    code: TotpCode.optional(),
    recovery_code: TotpCode.optional(),
    device_token: DeviceToken.optional(),
  })
  .refine((body) => (body.code === undefined) !== (body.recovery_code === undefined), {
    message: 'give either code or recovery_code',
  });

export const SecondFactorBody = z
  .strictObject({ code: TotpCode.optional(), recovery_code: TotpCode.optional() })
  .refine((body) => (body.code === undefined) !== (body.recovery_code === undefined), {
    message: 'give either code or recovery_code',
  });

export const TotpConfirmBody = z.strictObject({ code: TotpCode });

export const ChangePasswordBody = z.strictObject({
  current_password: z.string().min(1).max(256),
  new_password: NewPassword,
});

/** Optional: a body-less logout (no body, or none under `Content-Type: application/json`) ends this session. */
export const LogoutBody = z.strictObject({ all: z.boolean().optional() }).nullish();

export const SessionParams = z.strictObject({ id: z.string().min(1).max(100) });

export const User = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  created_at: z.string(),
  total_xp: z.number().int(),
  level: z.number().int(),
  total_trades: z.number().int(),
  totp_enabled: z.boolean(),
});

export const LoginSuccess = z.object({
  access_token: z.string(),
  token_type: z.literal('bearer'),
  session_token: z.string(),
  expires_at: z.string(),
  device_token: z.string(),
  user: User,
});

export const TotpChallenge = z.object({
  totp_required: z.literal(true),
  challenge_token: z.string(),
  expires_at: z.string(),
});

export const LoginResponse = z.union([LoginSuccess, TotpChallenge]);

export const LogoutResponse = z.object({ success: z.literal(true), revoked_sessions: z.number().int() });

export const TotpEnrolment = z.object({
  secret: z.string(),
  otpauth_uri: z.string(),
  /** The otpauth URI as an SVG QR code. */
  qr_code_svg: z.string(),
});

export const RecoveryCodes = z.object({ recovery_codes: z.array(z.string()) });

export const TotpStatus = z.object({ enabled: z.boolean(), recovery_codes_left: z.number().int() });

export const Session = z.object({
  id: z.string(),
  created_at: z.string(),
  last_seen_at: z.string().nullable(),
  expires_at: z.string(),
  user_agent: z.string().nullable(),
  ip: z.string().nullable(),
  current: z.boolean(),
});

export const SessionList = z.object({ sessions: z.array(Session) });

export const Done = z.object({ success: z.literal(true) });

export const PasswordChanged = z.object({ success: z.literal(true), revoked_sessions: z.number().int() });

nameSchemas({
  User,
  LoginSuccess,
  TotpChallenge,
  LoginResponse,
  LogoutResponse,
  TotpEnrolment,
  RecoveryCodes,
  TotpStatus,
  Session,
  SessionList,
  Done,
  PasswordChanged,
});
