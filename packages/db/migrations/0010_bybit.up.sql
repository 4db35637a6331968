-- Bybit (issue 22): a third venue for exchange accounts. The CHECK lists VENUE_IDS of
-- @tradingbot/core (packages/db/test/venues.test.ts holds the two equal).
ALTER TABLE api_keys DROP CONSTRAINT IF EXISTS api_keys_exchange_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_exchange_check
  CHECK (exchange IN ('binance', 'okx', 'bybit', 'paper'));
