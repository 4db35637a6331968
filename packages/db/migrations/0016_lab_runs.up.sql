-- Strategy-lab backtests a user saved: the settings as asked, the candles they ran on (the sample's
-- description, or CSV text — an exchange range is downloaded once, when saving), the data's span
-- and the metrics at saving. Opening a run recomputes its result from these, deterministically.
CREATE TABLE lab_runs (
  id text PRIMARY KEY,
  owner_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name text NOT NULL,
  strategy text NOT NULL,
  settings jsonb NOT NULL,
  data jsonb NOT NULL,
  data_info jsonb NOT NULL,
  metrics jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- A user's runs, newest first.
CREATE INDEX lab_runs_owner_created_idx ON lab_runs (owner_id, created_at DESC);
