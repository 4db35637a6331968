-- The account mirror (apps/server/src/services/account-mirror.ts): what each venue account's private
-- stream and REST history say happened, kept by the one process holding the account's stream lease.

-- Every execution on the venue: our orders, triggered stops and take-profits, liquidations, ADL,
-- and orders placed outside this server. One row per venue trade id and account: a repeated event
-- (reconnect replay, REST re-sync overlapping the stream) is harmless.
CREATE TABLE fills (
  id bigserial PRIMARY KEY,
  account_id text NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
  venue_trade_id text NOT NULL,
  venue_order_id text NOT NULL,
  client_order_id text NOT NULL DEFAULT '',
  signal_id text,
  symbol text NOT NULL,
  side text NOT NULL CHECK (side IN ('buy', 'sell')),
  position_side text NOT NULL CHECK (position_side IN ('long', 'short', 'net')),
  qty text NOT NULL,
  price text NOT NULL,
  fee text NOT NULL,
  fee_asset text NOT NULL,
  realized_pnl text NOT NULL,
  liquidity text NOT NULL CHECK (liquidity IN ('maker', 'taker')),
  reason text NOT NULL CHECK (reason IN ('signal', 'stop_loss', 'take_profit', 'trailing', 'liquidation', 'adl', 'manual', 'external')),
  venue_time timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, venue_trade_id)
);
CREATE INDEX fills_account_time_idx ON fills (account_id, venue_time, id);

-- The funding ledger (positive = received, negative = paid).
CREATE TABLE funding_payments (
  id bigserial PRIMARY KEY,
  account_id text NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
  venue_entry_id text NOT NULL,
  symbol text NOT NULL,
  amount text NOT NULL,
  asset text NOT NULL,
  venue_time timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, venue_entry_id)
);
CREATE INDEX funding_payments_account_time_idx ON funding_payments (account_id, venue_time, id);

-- Positions as the venue holds them now (qty '0' = closed). `external`: not opened by this server,
-- never touched unless the user says so.
CREATE TABLE positions (
  account_id text NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
  symbol text NOT NULL,
  side text NOT NULL CHECK (side IN ('long', 'short', 'net')),
  qty text NOT NULL,
  entry_price text NOT NULL,
  mark_price text NOT NULL DEFAULT '0',
  unrealized_pnl text NOT NULL DEFAULT '0',
  leverage integer NOT NULL DEFAULT 1,
  external boolean NOT NULL DEFAULT false,
  opened_at timestamptz,
  venue_time timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, symbol, side)
);

-- Per account: which process runs its stream (a lease, as account_leases for signals, renewed while
-- the stream runs and taken over when it expires), the last venue event time seen (re-sync starts
-- there, minus a margin), and the stream's status.
CREATE TABLE account_stream_state (
  account_id text PRIMARY KEY REFERENCES api_keys (id) ON DELETE CASCADE,
  holder text,
  expires_at timestamptz,
  last_event_at timestamptz,
  status text NOT NULL DEFAULT 'down' CHECK (status IN ('connecting', 'up', 'down')),
  status_reason text,
  status_since timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- What the mirror does when an open position has lost its stop-loss.
ALTER TABLE api_keys ADD COLUMN protection_policy text NOT NULL DEFAULT 'reprotect'
  CHECK (protection_policy IN ('reprotect', 'close', 'alert'));

-- An order's state by its venue update time (a late event never overwrites a newer state).
ALTER TABLE orders ADD COLUMN venue_updated_at timestamptz;
CREATE INDEX orders_account_venue_order_idx ON orders (account_id, venue_order_id);
