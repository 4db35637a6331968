-- Strategy bots (apps/server/src/services/bots/): a strategy the server runs itself on an account's
-- venue candles. `desired_state` is what the user asked, `status` what the runner reports;
-- `last_bar_time` the open time of the last closed bar evaluated (a restart evaluates only later bars).
CREATE TABLE bots (
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  account_id text NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
  name text NOT NULL DEFAULT '',
  strategy text NOT NULL,
  params jsonb NOT NULL DEFAULT '{}',
  symbol text NOT NULL,
  timeframe text NOT NULL,
  plan jsonb NOT NULL,
  max_signal_age_ms integer CHECK (max_signal_age_ms > 0),
  desired_state text NOT NULL DEFAULT 'stopped' CHECK (desired_state IN ('running', 'stopped')),
  status text NOT NULL DEFAULT 'stopped' CHECK (status IN ('stopped', 'warming_up', 'running', 'error')),
  status_reason text,
  status_since timestamptz NOT NULL DEFAULT now(),
  position text NOT NULL DEFAULT 'flat' CHECK (position IN ('flat', 'long', 'short')),
  last_bar_time timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bots_user_idx ON bots (user_id, created_at);
CREATE INDEX bots_account_idx ON bots (account_id);

-- Which server process runs an account's bots: one holder per account, renewed while it runs them,
-- taken over by another process once it expires (the holder died).
CREATE TABLE bot_leases (
  account_id text PRIMARY KEY REFERENCES api_keys (id) ON DELETE CASCADE,
  holder text NOT NULL,
  expires_at timestamptz NOT NULL
);

-- Each action a bot decided on a closed bar, once: sent as a signal (`signal_id`), or skipped
-- with the reason (catch-up, too old, entries paused, account inactive).
CREATE TABLE bot_decisions (
  id bigserial PRIMARY KEY,
  bot_id text NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  bar_time timestamptz NOT NULL,
  action text NOT NULL CHECK (action IN ('long', 'short', 'close_long', 'close_short')),
  outcome text NOT NULL CHECK (outcome IN ('sent', 'skipped')),
  reason text,
  signal_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (bot_id, bar_time, action)
);
CREATE INDEX bot_decisions_bot_idx ON bot_decisions (bot_id, bar_time);
