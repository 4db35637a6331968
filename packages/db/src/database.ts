import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

/** Raw SQL inside a transaction (migrations, locking). */
export type SqlExecutor = {
  /** Runs one or more statements without parameters. */
  exec(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
};

/**
 * One database behind one shape, whichever driver: PGlite (embedded, the zero-configuration
 * default, persisted in a folder) or PostgreSQL through node-postgres. `db` is the Drizzle query
 * builder; `query`/`transaction` are for the few places that need raw SQL.
 */
export type Database = SqlExecutor & {
  kind: 'pglite' | 'postgres';
  db: Db;
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

export type OpenDatabaseOptions = {
  /** `postgres://…` or `postgresql://…` → PostgreSQL; anything else is ignored. */
  url?: string;
  /** PGlite folder; `memory://` or undefined → in memory. */
  dataDir?: string;
  /** PostgreSQL only: the schema to work in (`search_path`), for isolated test runs. */
  schema?: string;
};

export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//.test(url);
}

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  if (isPostgresUrl(options.url)) return openPostgres(options.url, options.schema);
  return openPglite(options.dataDir);
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  const inMemory = dataDir === undefined || dataDir === 'memory://';
  if (!inMemory) mkdirSync(dataDir, { recursive: true });
  const client = inMemory ? new PGlite() : new PGlite(dataDir);
  await client.waitReady;
  yieldBetweenQueries(client);
  const executor = (target: Pick<PGlite, 'exec' | 'query'>): SqlExecutor => ({
    exec: async (sql) => {
      await target.exec(sql);
    },
    query: async <T>(sql: string, params: unknown[] = []) => (await target.query<T>(sql, params)).rows,
  });
  return {
    kind: 'pglite',
    db: drizzlePglite(client, { schema }) as unknown as Db,
    ...executor(client),
    transaction: (fn) => client.transaction((tx) => fn(executor(tx))),
    close: () => client.close(),
  };
}

/**
 * PGlite runs in this thread, one statement at a time behind a mutex; when a query finishes, the
 * next waiter starts in a microtask, so a queue of queries ran back to back without letting the
 * event loop turn: no timer fired and no socket was read until the whole queue was done (a burst
 * of webhook alerts could not be answered at its 2.5 s deadline). Each turn of the mutex now
 * starts after one turn of the event loop (`setImmediate`: timers and I/O first).
 */
function yieldBetweenQueries(client: PGlite): void {
  const runExclusive = client._runExclusiveTransaction.bind(client);
  client._runExclusiveTransaction = <T>(fn: () => Promise<T>): Promise<T> =>
    runExclusive(async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      return fn();
    });
}

async function openPostgres(url: string, schemaName: string | undefined): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    ...(schemaName ? { options: `-c search_path=${schemaName}` } : {}),
  });
  if (schemaName) {
    if (!/^[a-z_][a-z0-9_]*$/.test(schemaName)) throw new TypeError(`invalid schema name ${schemaName}`);
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schemaName}`);
  }
  const executor = (target: pg.Pool | pg.PoolClient): SqlExecutor => ({
    exec: async (sql) => {
      await target.query(sql);
    },
    query: async <T>(sql: string, params: unknown[] = []) => (await target.query(sql, params)).rows as T[],
  });
  return {
    kind: 'postgres',
    db: drizzlePg(pool, { schema }) as unknown as Db,
    ...executor(pool),
    transaction: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(executor(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
