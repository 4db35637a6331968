import { AppError, defineErrors } from '@tradingbot/core';

/**
 * The server's error table; every error response is `{ detail, error: { code, message, details? } }`
 * (`errorBody`, routes/error.schema.ts).
 * The webhook's admission refusals (ACCOUNT_INACTIVE, EXCHANGE_MISMATCH, STALE_SIGNAL) are the
 * executor's codes (`packages/executor/src/admission.ts`), so both answer them alike.
 */
export const ServerErrors = defineErrors({
  VALIDATION_FAILED: { status: 400, message: 'The request is invalid' },
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON' },
  INVALID_CHARACTERS: {
    status: 400,
    message: 'The request contains a NUL character or an unpaired UTF-16 surrogate, which is not accepted',
  },
  JSON_TOO_DEEP: { status: 400, message: 'The request JSON is nested too deeply' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported content type' },
  UNAUTHENTICATED: { status: 401, message: 'Authentication required' },
  USER_NOT_FOUND: { status: 401, message: 'User not found' },
  SESSION_EXPIRED: { status: 401, message: 'The session expired or was revoked; sign in again' },
  INVALID_CREDENTIALS: { status: 401, message: 'Invalid email or password' },
  TOO_MANY_ATTEMPTS: { status: 429, message: 'Too many failed sign-in attempts; try again later' },
  LOGIN_DELAYED: {
    status: 429,
    message:
      'Too many failed sign-ins to this account; try again later, or from a device you signed in with before',
  },
  WEAK_PASSWORD: { status: 400, message: 'The password is too weak' },
  CURRENT_PASSWORD_WRONG: { status: 403, message: 'The current password is wrong' },
  TOTP_REQUIRED: { status: 403, message: 'A two-factor authentication code is required' },
  TOTP_INVALID: { status: 403, message: 'The two-factor authentication code is wrong or was already used' },
  TOTP_ALREADY_ENABLED: { status: 409, message: 'Two-factor authentication is already on' },
  TOTP_NOT_ENABLED: { status: 409, message: 'Two-factor authentication is not on' },
  TOTP_NOT_ENROLLING: { status: 409, message: 'Start the two-factor enrolment first' },
  LOGIN_CHALLENGE_INVALID: {
    status: 401,
    message: 'The sign-in challenge is unknown, expired, used or failed too often; sign in again',
  },
  SESSION_NOT_FOUND: { status: 404, message: 'Session not found' },
  EMAIL_TAKEN: { status: 409, message: 'An account with this email already exists' },
  ACCOUNT_NOT_FOUND: { status: 404, message: 'Exchange account not found' },
  ACCOUNT_LIMIT_REACHED: {
    status: 409,
    message: 'You have as many exchange accounts as allowed; delete one to register another',
  },
  ACCOUNT_KEYS_REJECTED: {
    status: 400,
    message: 'The exchange refused these API keys; the account was not saved',
  },
  VENUE_UNREACHABLE: {
    status: 502,
    message: 'The exchange could not be reached to check the keys; the account was not saved',
  },
  DECRYPTION_FAILED: { status: 500, message: 'Decryption failed' },
  EXCHANGE_NOT_AVAILABLE: { status: 501, message: 'This exchange is not available in this build' },
  RATE_LIMITED: { status: 429, message: 'Too many requests' },
  NOT_FOUND: { status: 404, message: 'Not found' },
  INTERNAL: { status: 500, message: 'Internal error' },
  DATABASE_UNAVAILABLE: { status: 503, message: 'The database does not take writes' },
  SHUTTING_DOWN: {
    status: 503,
    message: 'The server is shutting down and takes no new signals; send again in a moment',
  },
  CONFIG_INVALID: { status: 500, message: 'Invalid configuration' },
  STARTUP_FAILED: { status: 500, message: 'The server could not start' },
  KEY_RING_MISMATCH: {
    status: 500,
    message: 'Stored exchange credentials cannot be decrypted with the configured ENCRYPTION_KEY',
  },
  KEY_ROTATION_SERVER_RUNNING: {
    status: 409,
    message: 'Key rotation refused: a server is running on this database; stop it first',
  },
  INVALID_WEBHOOK_SECRET: { status: 401, message: 'Invalid webhook secret' },
  UNKNOWN_ACCOUNT: { status: 404, message: 'Unknown account: no exchange account has this account_id' },
  SOURCE_NOT_ALLOWED: { status: 403, message: 'Webhook requests are not accepted from this address' },
  LAB_DATA_TOO_LARGE: { status: 413, message: 'Too many candles for one backtest' },
  LAB_DATA_TOO_SMALL: { status: 400, message: 'Too few candles for a backtest' },
  LAB_DOWNLOAD_FAILED: { status: 502, message: 'Downloading candles from the exchange failed' },
  LAB_BUSY: {
    status: 503,
    message: 'The strategy lab is at capacity (every lab worker busy and the queue full); try again shortly',
  },
  LAB_RUN_NOT_FOUND: { status: 404, message: 'Saved backtest not found' },
  LAB_RUNS_FULL: {
    status: 409,
    message: 'You have as many saved backtests as allowed; delete one to save another',
  },
  OPTIMIZATION_NOT_FOUND: {
    status: 404,
    message: 'Optimization not found (finished jobs are kept for an hour)',
  },
  OPTIMIZATION_ABANDONED: {
    status: 500,
    message: 'The optimization stopped answering (the process running it was lost); start it again',
  },
  OPTIMIZATION_BUSY: {
    status: 409,
    message: 'An optimization of yours is still running; wait for it to finish',
  },
  NOTIFICATION_CHANNEL_NOT_FOUND: { status: 404, message: 'Notification channel not found' },
  NOTIFICATION_TARGET_INVALID: { status: 400, message: "The channel's destination is not valid" },
  NOTIFICATION_KIND_UNAVAILABLE: {
    status: 400,
    message: 'This kind of channel is not available on this server',
  },
  NOTIFICATION_CHANNEL_LIMIT: {
    status: 409,
    message: 'You have as many notification channels as allowed; delete one to add another',
  },
  // Strategy bots (services/bots.ts).
  BOT_NOT_FOUND: { status: 404, message: 'Bot not found' },
  BOT_LIMIT_REACHED: {
    status: 409,
    message: 'You have as many bots as allowed; delete one to define another',
  },
  // Account groups (services/account-groups.ts; the webhook's group_id).
  ACCOUNT_GROUP_NOT_FOUND: { status: 404, message: 'Account group not found' },
  ACCOUNT_GROUP_MEMBER_UNKNOWN: {
    status: 400,
    message: 'A member is not one of your exchange accounts',
  },
  ACCOUNT_GROUP_LIMIT_REACHED: {
    status: 409,
    message: 'You have as many account groups as allowed; delete one to create another',
  },
  UNKNOWN_ACCOUNT_GROUP: { status: 404, message: 'Unknown account group: no group has this group_id' },
  ACCOUNT_GROUP_EMPTY: { status: 409, message: 'The account group has no member accounts' },
  // Telegram (services/notify/telegram/).
  TELEGRAM_NOT_CONFIGURED: {
    status: 409,
    message: 'No Telegram bot is set up on this server (the operator sets TELEGRAM_BOT_TOKEN)',
  },
  TELEGRAM_NOT_LINKED: { status: 404, message: 'No Telegram chat is linked to your account' },
  TELEGRAM_WEBHOOK_FORBIDDEN: {
    status: 401,
    message: "The request does not carry the Telegram webhook's secret token",
  },
});

/** The same error with more details (e.g. the id of the signal row that recorded it). */
export function withDetails(error: AppError, details: Record<string, unknown>): AppError {
  return new AppError(error.code, error.status, error.message, {
    details: { ...error.details, ...details },
    cause: error,
  });
}
