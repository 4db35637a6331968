import { defineErrors } from '@tradingbot/core';

export const DbErrors = defineErrors({
  MIGRATION_FAILED: { status: 500, message: 'A database migration failed' },
  DATABASE_URL_INVALID: {
    status: 500,
    message: 'DATABASE_URL must be a PostgreSQL URL: postgres://user:password@host:5432/name',
  },
  DATABASE_TARGET_MISSING: {
    status: 500,
    message: 'No database given: a PostgreSQL URL or a PGlite folder (memory only when asked for, in tests)',
  },
  DATABASE_LOCKED: { status: 503, message: 'The database folder is in use by another process' },
  DATA_DIR_INSECURE: { status: 500, message: 'The data folder is writable by other users' },
});
