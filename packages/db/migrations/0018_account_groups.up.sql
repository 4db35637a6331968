-- Account groups (issue 18, item 7): one alert, many accounts. A group belongs to one user, has its
-- own webhook secret (stored like an account's: sha256 hash and the last four characters), and lists
-- exchange accounts of the same user; an account may be in several groups. The composite foreign keys
-- make a member of another user's account impossible in the database itself, not only in the API.
CREATE UNIQUE INDEX IF NOT EXISTS api_keys_id_user_idx ON api_keys (id, user_id);

CREATE TABLE account_groups (
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name text NOT NULL,
  webhook_secret_hash text NOT NULL,
  webhook_secret_hint text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (id, user_id)
);
CREATE INDEX account_groups_user_idx ON account_groups (user_id, created_at);

CREATE TABLE account_group_members (
  group_id text NOT NULL,
  account_id text NOT NULL,
  user_id text NOT NULL,
  position integer NOT NULL DEFAULT 0,
  PRIMARY KEY (group_id, account_id),
  FOREIGN KEY (group_id, user_id) REFERENCES account_groups (id, user_id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, user_id) REFERENCES api_keys (id, user_id) ON DELETE CASCADE
);
CREATE INDEX account_group_members_account_idx ON account_group_members (account_id);
