-- Health checks prove the database still takes writes (a full disk, a read-only data directory or
-- a read-only replica): one row, rewritten by each check of /api/v1/health and /api/v1/health/ready.
CREATE TABLE health_probe (
  id smallint PRIMARY KEY CHECK (id = 1),
  checked_at timestamptz NOT NULL
);
