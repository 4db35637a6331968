import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.ts';
import { DbErrors } from './errors.ts';

export type Migration = { version: number; name: string; up: string; down: string };
export type MigrationStatus = { version: number; name: string; appliedAt: Date | null };

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '../migrations');

/** The committed migrations: `NNNN_name.up.sql` with its `NNNN_name.down.sql`, in version order. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir);
  return files
    .filter((file) => file.endsWith('.up.sql'))
    .map((file) => {
      const match = /^(\d+)_(.+)\.up\.sql$/.exec(file);
      if (!match) throw new Error(`migration file ${file} is not named NNNN_name.up.sql`);
      const down = file.replace(/\.up\.sql$/, '.down.sql');
      if (!files.includes(down)) throw new Error(`migration ${file} has no ${down}`);
      return {
        version: Number(match[1]),
        name: match[2]!,
        up: readFileSync(join(dir, file), 'utf8'),
        down: readFileSync(join(dir, down), 'utf8'),
      };
    })
    .sort((a, b) => a.version - b.version);
}

const LOCK_KEY = 727_274_001; // pg_advisory_xact_lock key: serialises migrations across processes

/**
 * Creates the migrations table when missing. On PostgreSQL, CREATE TABLE IF NOT EXISTS is not safe
 * against a concurrent creator (the loser fails on pg_type's unique index), so servers starting
 * together on a new database take the migrations' advisory lock first.
 */
async function ensureTable(database: Database): Promise<void> {
  await database.transaction(async (tx) => {
    if (database.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await tx.exec(
      `CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
  });
}

export async function status(database: Database, migrations = loadMigrations()): Promise<MigrationStatus[]> {
  await ensureTable(database);
  const applied = await database.query<{ version: number; applied_at: Date }>(
    'SELECT version, applied_at FROM schema_migrations',
  );
  const at = new Map(applied.map((row) => [Number(row.version), new Date(row.applied_at)]));
  return migrations.map((m) => ({ version: m.version, name: m.name, appliedAt: at.get(m.version) ?? null }));
}

/**
 * Applies every pending migration in order, each in its own transaction. On PostgreSQL an advisory
 * lock makes concurrent callers (several servers starting at once) wait and then find nothing to do.
 * Returns the versions applied.
 */
export async function migrate(database: Database, migrations = loadMigrations()): Promise<number[]> {
  await ensureTable(database);
  const applied: number[] = [];
  for (const migration of migrations) {
    const done = await database.transaction(async (tx) => {
      if (database.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      const exists = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [
        migration.version,
      ]);
      if (exists.length > 0) return false;
      try {
        await tx.exec(migration.up);
      } catch (error) {
        throw DbErrors.create('MIGRATION_FAILED', {
          message: `migration ${migration.version}_${migration.name} failed: ${(error as Error).message}`,
          cause: error,
        });
      }
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      return true;
    });
    if (done) applied.push(migration.version);
  }
  return applied;
}

/** Reverts the last `steps` applied migrations, newest first. Returns the versions reverted. */
export async function rollback(
  database: Database,
  steps = 1,
  migrations = loadMigrations(),
): Promise<number[]> {
  const current = (await status(database, migrations)).filter((m) => m.appliedAt !== null).reverse();
  const reverted: number[] = [];
  for (const entry of current.slice(0, steps)) {
    const migration = migrations.find((m) => m.version === entry.version)!;
    await database.transaction(async (tx) => {
      if (database.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      await tx.exec(migration.down);
      await tx.query('DELETE FROM schema_migrations WHERE version = $1', [migration.version]);
    });
    reverted.push(migration.version);
  }
  return reverted;
}
