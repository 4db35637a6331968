import { defineErrors } from '@tradingbot/core';

export const DbErrors = defineErrors({
  MIGRATION_FAILED: { status: 500, message: 'A database migration failed' },
});
