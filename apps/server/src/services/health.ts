import type { Database } from '@tradingbot/db';

/** Liveness that includes the database: a query that fails throws, and the route answers 500. */
export async function checkHealth(database: Database) {
  await database.query('SELECT 1');
  return { status: 'ok' as const, database: database.kind };
}
