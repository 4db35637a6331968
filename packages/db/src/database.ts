import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema.ts';
import { acquireDataDirLock, secureDataDir } from './data-dir.ts';
import { DbErrors } from './errors.ts';

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
  /**
   * Takes a named lock for as long as the caller holds it, without waiting: `shared` holders
   * coexist, an `exclusive` holder excludes every other; null when it is not free. PostgreSQL: a
   * session advisory lock (per schema) on a connection of its own, so a crashed holder's lock goes
   * with its connection. PGlite: always granted, as the folder's lock file already keeps every
   * other process out.
   */
  tryLock(name: string, mode: 'shared' | 'exclusive'): Promise<(() => Promise<void>) | null>;
  close(): Promise<void>;
  /** PGlite only: the data folder as a gzipped tarball, taken between queries (backups). */
  dumpDataDir?: () => Promise<Blob>;
};

export type OpenDatabaseOptions = {
  /** `postgres://…` or `postgresql://…` → PostgreSQL; any other URL is refused (DATABASE_URL_INVALID). */
  url?: string;
  /** PGlite folder: created 0700, refused when others may write to it, locked to this process. */
  dataDir?: string;
  /**
   * PGlite in memory, gone on close: only tests ask for it. Nothing falls back to it, so a
   * mistyped DATABASE_URL can never run the server on a database that vanishes on restart.
   */
  memory?: true;
  /** PostgreSQL only: the schema to work in (`search_path`), for isolated test runs. */
  schema?: string;
};

/**
 * Why a DATABASE_URL cannot be used, or null when it can: `postgres://` or `postgresql://` with a
 * host, or a `host=` parameter (a Unix socket folder). Never quotes the URL (it holds the password).
 */
export function postgresUrlProblem(url: string): string | null {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme !== 'postgres' && scheme !== 'postgresql') {
    return scheme
      ? `the scheme "${scheme}:" is not PostgreSQL; write postgres://user:password@host:5432/name`
      : 'it is not a URL; write postgres://user:password@host:5432/name';
  }
  if (!url.slice(scheme.length + 1).startsWith('//')) {
    return `"${scheme}:" must be followed by "//" (postgres://user:password@host:5432/name)`;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'it cannot be parsed as a URL (are special characters in the password percent-encoded?)';
  }
  if (parsed.hostname === '' && !parsed.searchParams.get('host')) {
    return 'it names no host (postgres://user:password@host:5432/name, or ?host=/var/run/postgresql for a socket)';
  }
  return null;
}

export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && postgresUrlProblem(url) === null;
}

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  if (options.url !== undefined) {
    const problem = postgresUrlProblem(options.url);
    if (problem) throw DbErrors.create('DATABASE_URL_INVALID', { message: `DATABASE_URL: ${problem}` });
    return openPostgres(options.url, options.schema);
  }
  if (options.memory) return openPglite(undefined);
  if (options.dataDir === undefined || options.dataDir === 'memory://') {
    throw DbErrors.create('DATABASE_TARGET_MISSING');
  }
  return openPglite(options.dataDir);
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  let unlock = () => {};
  if (dataDir !== undefined) {
    secureDataDir(dataDir);
    unlock = acquireDataDirLock(dataDir);
  }
  let client: PGlite;
  try {
    client = dataDir === undefined ? new PGlite() : new PGlite(dataDir);
    await client.waitReady;
  } catch (error) {
    unlock();
    throw error;
  }
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
    dumpDataDir: async () => {
      // A checkpoint first, so the snapshot needs little WAL replay when it is loaded.
      await client.exec('CHECKPOINT');
      return client.dumpDataDir('gzip');
    },
    tryLock: async () => async () => {},
    close: async () => {
      try {
        await client.close();
        // PGlite creates its files 0666 whatever the umask: take group and world access away again
        // (the folder itself is 0700 meanwhile, so nobody else could reach them).
        if (dataDir !== undefined) secureDataDir(dataDir);
      } finally {
        unlock();
      }
    },
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
    tryLock: (name, mode) => tryAdvisoryLock(pool, name, mode),
    close: () => pool.end(),
  };
}

async function tryAdvisoryLock(
  pool: pg.Pool,
  name: string,
  mode: 'shared' | 'exclusive',
): Promise<(() => Promise<void>) | null> {
  const client = await pool.connect();
  client.on('error', () => {}); // a dropped connection ends the lock; nothing else to do
  const fn = mode === 'shared' ? 'pg_try_advisory_lock_shared' : 'pg_try_advisory_lock';
  const key = `hashtextextended($1 || ':' || current_schema(), 0)`;
  try {
    const { rows } = await client.query<{ ok: boolean }>(`SELECT ${fn}(${key}) AS ok`, [name]);
    if (!rows[0]?.ok) {
      client.release();
      return null;
    }
  } catch (error) {
    client.release();
    throw error;
  }
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    const unlock = mode === 'shared' ? 'pg_advisory_unlock_shared' : 'pg_advisory_unlock';
    try {
      await client.query(`SELECT ${unlock}(${key})`, [name]);
      client.release();
    } catch {
      client.release(true); // a broken connection: dropping it releases the lock
    }
  };
}
