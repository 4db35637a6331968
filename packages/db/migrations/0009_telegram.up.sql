-- Telegram (issue 19): a user's chat linked to the bot, the one-time codes that link it, and a
-- per-account switch that stops new entries (the bot's /pause and /resume; closes still pass).

-- One chat per user and one user per chat: a chat id is only ever written from a message the chat
-- itself sent with a valid code, never typed in. `locale` is the language the bot answers in.
CREATE TABLE telegram_links (
  user_id text PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  chat_id text NOT NULL CONSTRAINT telegram_links_chat_id_unique UNIQUE,
  username text,
  locale text NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'ko')),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Link codes are kept as sha256 only, expire, and are burnt on use.
CREATE TABLE telegram_link_codes (
  code_hash text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  locale text NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'ko')),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX telegram_link_codes_user ON telegram_link_codes (user_id);

ALTER TABLE api_keys ADD COLUMN entries_paused boolean NOT NULL DEFAULT false;
