-- Writing an order row attaches the fills of its client order id that were written without a signal
-- (the stream delivered them before the row): an index over those few, so that look-up on every order
-- written stays cheap however many fills the account has.
CREATE INDEX fills_unattributed_order_idx ON fills (account_id, client_order_id) WHERE signal_id IS NULL;
