-- Several server processes share one database: an account's signals execute one at a time, in
-- arrival order, by whichever process holds the account's lease. A lease that is not renewed
-- (the holder crashed) expires and another process, or the restarted one, takes the work over.
CREATE TABLE account_leases (
  account_id text PRIMARY KEY REFERENCES api_keys (id) ON DELETE CASCADE,
  holder text NOT NULL,
  expires_at timestamptz NOT NULL
);

-- A signal re-run after a crash finds its orders on the venue again: one row per client order id.
DELETE FROM orders a USING orders b
  WHERE a.account_id = b.account_id AND a.client_order_id = b.client_order_id AND a.created_at < b.created_at;
CREATE UNIQUE INDEX orders_account_client_order_idx ON orders (account_id, client_order_id);

-- Work finder: the oldest unfinished signal of an account.
CREATE INDEX signals_pending_idx ON signals (account_id, received_at, id) WHERE status IN ('received', 'executing');
