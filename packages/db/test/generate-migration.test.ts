import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pgTable, smallint, text, timestamp } from 'drizzle-orm/pg-core';
import * as schema from '../src/schema.ts';
import {
  generateMigration,
  loadMigrations,
  migrate,
  MIGRATIONS_DIR,
  openDatabase,
  rollback,
} from '../src/index.ts';

// Each generation migrates a throwaway PGlite database and runs `drizzle-kit pull` over it.
const SLOW = 240_000;

const dirs: string[] = [];
/** A copy of the committed migrations in a temporary folder, so nothing in the repository changes. */
function copyOfMigrations(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tradingbot-generate-'));
  dirs.push(dir);
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('generateMigration (tradingbot db generate)', () => {
  it(
    'finds nothing to generate while schema.ts and the committed migrations agree',
    { timeout: SLOW },
    async () => {
      const dir = copyOfMigrations();
      const before = readdirSync(dir).sort();
      expect(await generateMigration({ name: 'nothing', migrationsDir: dir })).toBeNull();
      expect(readdirSync(dir).sort()).toEqual(before);
    },
  );

  it(
    'writes the next up/down pair for a throwaway schema change, and the pair works',
    { timeout: SLOW },
    async () => {
      const dir = copyOfMigrations();
      const latest = loadMigrations(dir).at(-1)!.version;
      // The change: a new table, and a new column on an existing table.
      const notes = pgTable('notes', {
        id: text('id').primaryKey(),
        userId: text('user_id').notNull(),
        body: text('body').notNull().default(''),
        createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
      });
      // health_probe as schema.ts declares it, plus a column; its CHECK (id = 1) is the migrations' alone.
      const healthProbe = pgTable('health_probe', {
        id: smallint('id').primaryKey(),
        checkedAt: timestamp('checked_at', { withTimezone: true, mode: 'date' }).notNull(),
        checkedBy: text('checked_by'),
      });
      const changed = { ...schema, healthProbe, notes };
      const generated = await generateMigration({
        name: 'add_notes',
        migrationsDir: dir,
        schema: changed,
      });

      expect(generated).not.toBeNull();
      const version = String(latest + 1).padStart(4, '0');
      expect(generated!.upFile).toBe(join(dir, `${version}_add_notes.up.sql`));
      expect(readdirSync(dir)).toEqual(
        expect.arrayContaining([`${version}_add_notes.up.sql`, `${version}_add_notes.down.sql`]),
      );
      expect(generated!.up).toContain('CREATE TABLE "notes"');
      expect(generated!.up).toMatch(/ALTER TABLE "health_probe" ADD COLUMN "checked_by" text;/);
      // Only the change: the indexes, foreign keys and checks schema.ts does not declare stay untouched.
      expect(generated!.up).not.toMatch(/DROP (INDEX|CONSTRAINT)/);
      expect(generated!.down).toContain('DROP TABLE "notes"');
      expect(generated!.down).toMatch(/ALTER TABLE "health_probe" DROP COLUMN "checked_by";/);
      expect(generated!.down).not.toMatch(/CREATE|ADD/);

      // The pair as the runner loads it: up creates, down removes, on a fresh database.
      const database = await openDatabase({ memory: true });
      try {
        const migrations = loadMigrations(dir);
        await migrate(database, migrations);
        const columns = async () =>
          (
            await database.query<{ column_name: string }>(
              `SELECT column_name FROM information_schema.columns WHERE table_name = 'health_probe'`,
            )
          ).map((row) => row.column_name);
        expect(await columns()).toContain('checked_by');
        // The CHECK the migrations declared still holds.
        await expect(
          database.query(`INSERT INTO health_probe (id, checked_at) VALUES (2, now())`),
        ).rejects.toThrow(/check/i);
        await database.query(`INSERT INTO notes (id, user_id) VALUES ('n1', 'u1')`);
        expect(await rollback(database, 1, migrations)).toEqual([latest + 1]);
        expect(await columns()).not.toContain('checked_by');
        expect(await database.query(`SELECT to_regclass('notes') AS t`)).toEqual([{ t: null }]);
      } finally {
        await database.close();
      }

      // Generating again finds the schema and the migrations in agreement.
      expect(await generateMigration({ name: 'again', migrationsDir: dir, schema: changed })).toBeNull();
    },
  );

  it('refuses a name that is not lower-case letters, digits and _', async () => {
    await expect(
      generateMigration({ name: 'Add Notes', migrationsDir: copyOfMigrations() }),
    ).rejects.toMatchObject({
      code: 'MIGRATION_NAME_INVALID',
    });
  });
});
