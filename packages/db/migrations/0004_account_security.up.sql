-- Account security (issue 15): sessions that can be listed and revoked, per-account sign-in delays,
-- trusted devices exempt from them, TOTP two-factor authentication with recovery codes, and the
-- short-lived challenge between a password and its second factor.
ALTER TABLE sessions ADD COLUMN last_seen_at timestamptz;
ALTER TABLE sessions ADD COLUMN user_agent text;
ALTER TABLE sessions ADD COLUMN ip text;

-- The TOTP secret is AES-256-GCM ciphertext under the server's key ring (like exchange credentials);
-- totp_pending_secret_enc holds an enrolment not yet confirmed with a code. totp_last_step is the last
-- accepted 30-second step, so a code is accepted once.
ALTER TABLE users ADD COLUMN totp_secret_enc text;
ALTER TABLE users ADD COLUMN totp_pending_secret_enc text;
ALTER TABLE users ADD COLUMN totp_enabled_at timestamptz;
ALTER TABLE users ADD COLUMN totp_last_step bigint;

CREATE TABLE recovery_codes (
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash text NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, code_hash)
);

-- Failed sign-ins per account, from any address: each failure past a free budget delays the next
-- attempt (growing, capped), except from a device that signed in before.
CREATE TABLE account_login_failures (
  email text PRIMARY KEY,
  failures integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE trusted_devices (
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX trusted_devices_user_id_idx ON trusted_devices (user_id);

-- A password accepted for a user with two-factor authentication: the challenge a code completes.
CREATE TABLE login_challenges (
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  email text NOT NULL,
  ip text NOT NULL,
  user_agent text,
  device_id text,
  attempts integer NOT NULL DEFAULT 0,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
