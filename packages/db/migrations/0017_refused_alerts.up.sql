-- Alerts refused before authentication (wrong or missing webhook secret) against an account that
-- exists, so its owner can see the commonest TradingView setup mistake (issue 21). One row per
-- account, reason and minute: a repeat updates the row's count and last_seen, so a flood adds at
-- most one row a minute, and the service keeps only the newest rows per account. No secret, nor any
-- part of one, is stored: `summary` holds the alert's action, symbol, exchange, id and field names.
CREATE TABLE refused_alerts (
  id bigserial PRIMARY KEY,
  account_id text NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
  user_id text NOT NULL,
  reason text NOT NULL,
  bucket timestamptz NOT NULL,
  count integer NOT NULL DEFAULT 1,
  first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL,
  source_ip text,
  summary jsonb NOT NULL DEFAULT '{}'::jsonb,
  CONSTRAINT refused_alerts_bucket_key UNIQUE (account_id, reason, bucket)
);

-- An owner's refusals, newest first.
CREATE INDEX refused_alerts_user_last_idx ON refused_alerts (user_id, last_seen DESC);

-- The signals log sums each listed signal's fills for its realized PnL.
CREATE INDEX fills_signal_idx ON fills (signal_id) WHERE signal_id IS NOT NULL;
