-- A paper account's venue (balances, positions, open orders, fills) lives in the server's memory;
-- its state is stored here when the server drops an idle venue, after each signal and at shutdown,
-- and restored when the venue is built again (after eviction or a restart). JSON: PaperVenueSnapshot.
CREATE TABLE paper_venue_state (
  account_id text PRIMARY KEY REFERENCES api_keys (id) ON DELETE CASCADE,
  state jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
