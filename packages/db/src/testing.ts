import { randomBytes } from 'node:crypto';
import { openDatabase, type Database } from './database.ts';

/**
 * A database for one test file: PGlite in memory, or — when `TEST_DATABASE_URL` is given — a fresh
 * schema on that PostgreSQL, dropped again on close, so concurrent runs never see each other.
 */
export async function openTestDatabase(url: string | undefined): Promise<Database & { label: string }> {
  if (!url) return { ...(await openDatabase({ memory: true })), label: 'PGlite' };
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const database = await openDatabase({ url, schema });
  return {
    ...database,
    label: 'PostgreSQL',
    close: async () => {
      await database.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await database.close();
    },
  };
}
