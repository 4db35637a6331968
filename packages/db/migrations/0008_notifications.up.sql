-- Notifications (apps/server/src/services/notify/): where each user hears about their trades, and
-- the durable outbox the dispatcher sends from.
--
-- A channel's target: `address` holds what is not a secret (an email address; for Telegram the
-- chat id the linking flow wrote), `secret_enc` what is (a Discord webhook URL, an outgoing
-- webhook's URL and signing secret) as AES-256-GCM under the key ring, bound to the channel id;
-- `target_hint` is the masked form the API shows.
CREATE TABLE notification_channels (
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('telegram', 'discord', 'email', 'webhook')),
  name text NOT NULL DEFAULT '',
  address text,
  secret_enc text,
  target_hint text NOT NULL DEFAULT '',
  enabled boolean NOT NULL DEFAULT true,
  disabled_reason text,
  -- Consecutive sends that failed for good (reset by a success); past NOTIFY_DISABLE_AFTER the channel is disabled.
  failures integer NOT NULL DEFAULT 0,
  locale text NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'ko')),
  -- The event kinds this channel wants (services/notify/events.ts: NOTIFY_EVENT_KINDS).
  events jsonb NOT NULL DEFAULT '[]',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notification_channels_user_idx ON notification_channels (user_id);

-- One row per message per channel. `idempotency_key` is UNIQUE: an event queued twice (a resumed
-- signal, a throttle window already used) inserts nothing the second time. The dispatcher claims
-- due rows atomically (status 'sending' with a lease, FOR UPDATE SKIP LOCKED); a row whose lease
-- ran out (its process died) is claimed again, so a crash between queueing and sending loses none.
CREATE TABLE notification_outbox (
  id text PRIMARY KEY,
  channel_id text NOT NULL REFERENCES notification_channels (id) ON DELETE CASCADE,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  event text NOT NULL,
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_until timestamptz,
  -- Rows sent together as one digest message share the digest's id.
  digest_key text,
  idempotency_key text NOT NULL CONSTRAINT notification_outbox_idempotency_key_unique UNIQUE,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz
);
CREATE INDEX notification_outbox_due_idx ON notification_outbox (channel_id, created_at) WHERE status IN ('queued', 'sending');
CREATE INDEX notification_outbox_sent_idx ON notification_outbox (sent_at) WHERE sent_at IS NOT NULL;
