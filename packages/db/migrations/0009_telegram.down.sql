ALTER TABLE api_keys DROP COLUMN entries_paused;
DROP TABLE telegram_link_codes;
DROP TABLE telegram_links;
