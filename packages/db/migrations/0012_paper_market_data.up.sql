-- Paper trading on the real market (issue 20 item 4): what moves a paper account's prices — the
-- synthetic feed, or Binance's or OKX's public market data (PAPER_MARKET_DATA of @tradingbot/core).
ALTER TABLE api_keys ADD COLUMN IF NOT EXISTS market_data text NOT NULL DEFAULT 'synthetic';
ALTER TABLE api_keys DROP CONSTRAINT IF EXISTS api_keys_market_data_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_market_data_check
  CHECK (market_data IN ('synthetic', 'binance', 'okx'));
