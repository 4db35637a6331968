import { defineErrors } from '@tradingbot/core';

export const DbErrors = defineErrors({
  MIGRATION_FAILED: { status: 500, message: 'A database migration failed' },
  MIGRATION_NAME_INVALID: { status: 400, message: 'A migration name is lower-case letters, digits and _' },
  BACKUP_INVALID: { status: 400, message: 'The backup file failed its integrity check' },
  BACKUP_KIND_MISMATCH: { status: 400, message: 'The backup is for another kind of database' },
  BACKUP_SOURCE_IN_USE: { status: 409, message: 'The database folder is open in another process' },
  RESTORE_TARGET_NOT_EMPTY: { status: 409, message: 'The restore target already holds a database' },
  BACKUP_TOOL_MISSING: { status: 500, message: 'A PostgreSQL client tool is missing or too old' },
  BACKUP_FAILED: { status: 500, message: 'The backup or restore failed' },
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
