-- Fails while a Bybit account exists (delete or move those accounts first).
ALTER TABLE api_keys DROP CONSTRAINT IF EXISTS api_keys_exchange_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_exchange_check
  CHECK (exchange IN ('binance', 'okx', 'paper'));
