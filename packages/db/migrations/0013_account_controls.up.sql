-- Account settings and manual control (issue 18): the daily loss limit pauses new entries until the
-- next UTC day (loss_paused_until) unless the user resumes; resuming records the UTC day
-- (loss_resumed_day, YYYY-MM-DD) so the same day's losses do not pause the account again.
ALTER TABLE api_keys ADD COLUMN IF NOT EXISTS loss_paused_until timestamptz;
ALTER TABLE api_keys ADD COLUMN IF NOT EXISTS loss_resumed_day text;
