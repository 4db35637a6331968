import { existsSync } from 'node:fs';
import { join } from 'node:path';
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
  /**
   * PostgreSQL only: short messages between the server processes sharing this database
   * (LISTEN/NOTIFY). Absent on PGlite, whose folder only one process can hold.
   */
  broadcast?: Broadcast;
};

/**
 * Messages between processes on one PostgreSQL database and schema (LISTEN/NOTIFY on a channel
 * named after the caller's name and the schema, so isolated test schemas never hear each other).
 * Delivery is at most once and only to processes listening at the time: for hints (a browser's
 * live view), never for work that must not be lost.
 */
export type Broadcast = {
  /** Sends `payload` (at most BROADCAST_MAX_BYTES of UTF-8) to every listener of `name`, this process's included. */
  publish(name: string, payload: string): Promise<void>;
  /**
   * Listens on a connection of its own, re-listening after a dropped connection (messages sent
   * meanwhile are missed). Returns the function that stops listening.
   */
  subscribe(name: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
};

/** PostgreSQL refuses NOTIFY payloads of 8,000 bytes or more. */
export const BROADCAST_MAX_BYTES = 7_999;

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
    const fresh = dataDir !== undefined && !existsSync(join(dataDir, 'PG_VERSION'));
    client = dataDir === undefined ? new PGlite() : new PGlite(dataDir);
    await client.waitReady;
    if (fresh) {
      // The first start runs initdb in this process, and its memory stays with the instance (a fresh
      // data directory's server held ~880 MB RSS against ~400 MB after a restart, measured with
      // PGlite 0.5): started once more, as any later start would be.
      await client.close();
      client = new PGlite(dataDir);
      await client.waitReady;
    }
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
    broadcast: postgresBroadcast(pool, url, schemaName),
    close: () => pool.end(),
  };
}

/** The channel of `name` in the connection's schema: an identifier safe to quote as it is. */
const CHANNEL_SQL = `'tb_' || substr(md5($1 || ':' || current_schema()), 1, 24)`;
const RELISTEN_DELAYS_MS = [250, 1_000, 5_000];

function postgresBroadcast(pool: pg.Pool, url: string, schemaName: string | undefined): Broadcast {
  return {
    publish: async (name, payload) => {
      if (Buffer.byteLength(payload) > BROADCAST_MAX_BYTES) {
        throw new RangeError(`broadcast payload over ${BROADCAST_MAX_BYTES} bytes`);
      }
      await pool.query(`SELECT pg_notify(${CHANNEL_SQL}, $2)`, [name, payload]);
    },
    subscribe: async (name, onMessage) => {
      let client: pg.Client | null = null;
      let retryTimer: NodeJS.Timeout | null = null;
      let stopped = false;
      let failures = 0;
      const scheduleRetry = () => {
        if (stopped || retryTimer) return;
        client = null;
        const delay = RELISTEN_DELAYS_MS[Math.min(failures++, RELISTEN_DELAYS_MS.length - 1)]!;
        retryTimer = setTimeout(() => {
          retryTimer = null;
          connect().catch(scheduleRetry);
        }, delay);
        retryTimer.unref();
      };
      const connect = async (): Promise<void> => {
        const next = new pg.Client({
          connectionString: url,
          ...(schemaName ? { options: `-c search_path=${schemaName}` } : {}),
        });
        client = next;
        const onFailure = () => {
          if (client !== next) return;
          next.end().catch(() => {});
          scheduleRetry();
        };
        next.on('error', onFailure);
        next.on('end', onFailure);
        try {
          await next.connect();
          const rows = (await next.query<{ channel: string }>(`SELECT ${CHANNEL_SQL} AS channel`, [name]))
            .rows;
          const channel = rows[0]!.channel;
          next.on('notification', (message) => {
            if (message.channel === channel && message.payload !== undefined) onMessage(message.payload);
          });
          await next.query(`LISTEN "${channel}"`);
          failures = 0;
        } catch (error) {
          if (client === next) {
            client = null;
            next.end().catch(() => {});
          }
          throw error;
        }
      };
      await connect();
      return async () => {
        stopped = true;
        if (retryTimer) clearTimeout(retryTimer);
        const last = client;
        client = null;
        await last?.end().catch(() => {});
      };
    },
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
