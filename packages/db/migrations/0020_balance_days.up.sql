-- The wallet balance of each account per UTC day (the account mirror, from the venue stream's balance
-- events and the REST re-sync): the first and last observation of the day, and the transfers (deposits
-- positive, withdrawals negative) the venue reported that day with their reason. One upsert per balance
-- event; the returns in percent (services/account-history.ts) divide by the balance this gives back.
CREATE TABLE balance_days (
  account_id text NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
  asset text NOT NULL,
  day text NOT NULL CHECK (day ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
  open_balance text NOT NULL,
  open_at timestamptz NOT NULL,
  close_balance text NOT NULL,
  close_at timestamptz NOT NULL,
  transfers text NOT NULL DEFAULT '0',
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, asset, day)
);
