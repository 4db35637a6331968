-- Strategy-lab optimization jobs, durable: a job survives a restart and any server process sharing
-- the database may run it (on PostgreSQL pg-boss, in its own schema `pgboss`, carries the queue;
-- this table is what the API reads). `input` holds the request with its candles already
-- downloaded, so a job never depends on the process that accepted it.
CREATE TABLE lab_jobs (
  id text PRIMARY KEY,
  owner_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind text NOT NULL DEFAULT 'optimization' CHECK (kind IN ('optimization')),
  strategy text NOT NULL,
  status text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
  done integer NOT NULL DEFAULT 0,
  total integer NOT NULL DEFAULT 0,
  input jsonb NOT NULL,
  result jsonb,
  error jsonb,
  attempts integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz
);

-- One unfinished optimization per user (LAB_LIMITS.runningPerUser), held by the database itself so
-- two requests at once, on any process, cannot both start one.
CREATE UNIQUE INDEX lab_jobs_one_unfinished_per_owner ON lab_jobs (owner_id) WHERE status IN ('queued', 'running');
-- The finished-job sweep.
CREATE INDEX lab_jobs_finished_idx ON lab_jobs (finished_at) WHERE finished_at IS NOT NULL;
