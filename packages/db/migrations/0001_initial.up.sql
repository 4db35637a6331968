CREATE TABLE users (
  id text PRIMARY KEY,
  email text NOT NULL,
  name text NOT NULL DEFAULT '',
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  total_xp integer NOT NULL DEFAULT 0,
  level integer NOT NULL DEFAULT 1,
  total_trades integer NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));

CREATE TABLE sessions (
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

CREATE TABLE api_keys (
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  exchange text NOT NULL CHECK (exchange IN ('binance', 'okx', 'paper')),
  label text NOT NULL DEFAULT '',
  api_key_enc text NOT NULL,
  api_secret_enc text NOT NULL,
  passphrase_enc text,
  key_id text NOT NULL,
  testnet boolean NOT NULL DEFAULT true,
  is_active boolean NOT NULL DEFAULT true,
  webhook_secret_hash text NOT NULL,
  webhook_secret_hint text NOT NULL,
  settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_keys_user_id_idx ON api_keys (user_id);

CREATE TABLE signals (
  id text PRIMARY KEY,
  account_id text NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  idempotency_key text NOT NULL,
  payload jsonb NOT NULL,
  source_ip text,
  received_at timestamptz NOT NULL DEFAULT now(),
  status text NOT NULL CHECK (status IN ('received', 'executing', 'executed', 'failed', 'rejected')),
  result jsonb,
  error_code text,
  error_message text,
  started_at timestamptz,
  finished_at timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  locked_by text,
  locked_until timestamptz,
  UNIQUE (account_id, idempotency_key)
);
CREATE INDEX signals_user_received_idx ON signals (user_id, received_at DESC);
CREATE INDEX signals_status_idx ON signals (status);

CREATE TABLE orders (
  id text PRIMARY KEY,
  signal_id text REFERENCES signals (id) ON DELETE CASCADE,
  account_id text NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
  role text NOT NULL,
  client_order_id text NOT NULL,
  venue_order_id text,
  symbol text NOT NULL,
  side text NOT NULL,
  type text NOT NULL,
  qty text,
  price text,
  status text NOT NULL,
  request jsonb,
  response jsonb,
  error jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_signal_id_idx ON orders (signal_id);
CREATE INDEX orders_account_id_idx ON orders (account_id);

CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  user_id text,
  account_id text,
  signal_id text,
  action text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_user_idx ON audit_log (user_id, created_at DESC);

CREATE TABLE login_attempts (
  email text NOT NULL,
  ip text NOT NULL,
  failures integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (email, ip)
);
