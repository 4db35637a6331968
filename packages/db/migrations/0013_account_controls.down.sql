ALTER TABLE api_keys DROP COLUMN IF EXISTS loss_resumed_day;
ALTER TABLE api_keys DROP COLUMN IF EXISTS loss_paused_until;
