-- Paper accounts that followed a venue go back to the synthetic feed.
ALTER TABLE api_keys DROP CONSTRAINT IF EXISTS api_keys_market_data_check;
ALTER TABLE api_keys DROP COLUMN IF EXISTS market_data;
