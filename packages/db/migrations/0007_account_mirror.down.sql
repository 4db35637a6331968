DROP INDEX orders_account_venue_order_idx;
ALTER TABLE orders DROP COLUMN venue_updated_at;
ALTER TABLE api_keys DROP COLUMN protection_policy;
DROP TABLE account_stream_state;
DROP TABLE positions;
DROP TABLE funding_payments;
DROP TABLE fills;
