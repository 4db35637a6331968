import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  assertPgliteFolderFree,
  backupDatabase,
  generateMigration,
  migrate,
  restoreBackup,
  rollback,
  status,
  verifyBackup,
} from '@tradingbot/db';
import { loadConfig, loadDotEnv, openConfiguredDatabase, type Config } from '@tradingbot/server';
import { CliUsageError } from '../cli-error.ts';
import { numberOption } from '../options.ts';

async function withDatabase<T>(
  fn: (database: Awaited<ReturnType<typeof openConfiguredDatabase>>) => Promise<T>,
) {
  loadDotEnv();
  const database = await openConfiguredDatabase(loadConfig());
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

export function registerDb(program: Command): void {
  const db = program
    .command('db')
    .description('database migrations (upgrade, downgrade, current, generate), backups and restores');
  registerBackupCommands(db);
  db.command('migrate')
    .description('apply every pending migration')
    .action(() =>
      withDatabase(async (database) => {
        const applied = await migrate(database);
        process.stdout.write(applied.length ? `applied ${applied.join(', ')}\n` : 'database is up to date\n');
      }),
    );
  db.command('rollback')
    .description('revert the latest migrations')
    .option('--steps <n>', 'how many migrations to revert', '1')
    .action((flags: { steps: string }) =>
      withDatabase(async (database) => {
        const steps = numberOption('--steps', flags.steps, { min: 1, integer: true })!;
        const reverted = await rollback(database, steps);
        process.stdout.write(reverted.length ? `reverted ${reverted.join(', ')}\n` : 'nothing to revert\n');
      }),
    );
  db.command('generate')
    .description(
      'write the next migration pair (NNNN_NAME.up.sql + .down.sql) from the difference between packages/db/src/schema.ts and the migrations, like `alembic revision --autogenerate`; review it before committing',
    )
    .argument('<name>', 'the migration name: lower-case letters, digits and _ (e.g. add_notes)')
    .option('--migrations-dir <dir>', "where the migrations are (default: packages/db's migrations folder)")
    .action(async (name: string, flags: { migrationsDir?: string }) => {
      const generated = await generateMigration({
        name,
        ...(flags.migrationsDir ? { migrationsDir: resolve(flags.migrationsDir) } : {}),
      });
      process.stdout.write(
        generated
          ? `wrote ${generated.upFile}\nwrote ${generated.downFile}\n`
          : 'schema.ts and the migrations agree: nothing to generate\n',
      );
    });
  db.command('status')
    .description('list migrations and whether each is applied')
    .action(() =>
      withDatabase(async (database) => {
        for (const m of await status(database)) {
          process.stdout.write(
            `${String(m.version).padStart(4, '0')}_${m.name}  ${m.appliedAt ? `applied ${m.appliedAt.toISOString()}` : 'pending'}\n`,
          );
        }
      }),
    );
}

/** The embedded database's folder (the server's `openConfiguredDatabase` uses the same). */
const pgliteFolder = (config: Config) => join(config.dataDir, 'db');

function registerBackupCommands(db: Command): void {
  db.command('backup')
    .description(
      'write a backup of the configured database (pg_dump custom format on PostgreSQL, a data-folder tarball on PGlite) and prune old ones. The encryption key is NOT in it: back it up separately',
    )
    .option('--out <dir>', 'folder for backup files (default: BACKUP_DIR, else DATA_DIR/backups)')
    .option('--keep-days <n>', 'delete our own backups older than this many days (0 keeps all)')
    .action(async (flags: { out?: string; keepDays?: string }) => {
      loadDotEnv();
      const config = loadConfig();
      const keepDays =
        numberOption('--keep-days', flags.keepDays, { min: 0, integer: true }) ?? config.backupKeepDays;
      const outDir = resolve(flags.out ?? config.backupDir);
      if (!config.databaseUrl) {
        const folder = pgliteFolder(config);
        if (!existsSync(join(folder, 'PG_VERSION'))) {
          throw new CliUsageError(
            `there is no database in ${folder} to back up (DATA_DIR=${config.dataDir})`,
          );
        }
        assertPgliteFolderFree(folder);
      }
      const database = await openConfiguredDatabase(config);
      try {
        const result = await backupDatabase(database, { outDir, postgresUrl: config.databaseUrl, keepDays });
        process.stdout.write(
          `backup ${result.file} (${result.manifest.bytes} bytes, sha256 ${result.manifest.sha256})\n` +
            `manifest ${result.manifestFile}\n` +
            (result.pruned.length ? `pruned ${result.pruned.join(', ')}\n` : '') +
            'The encryption key (ENCRYPTION_KEY, or DATA_DIR/dev-secrets.json) is not in the backup: keep a copy of it elsewhere.\n',
        );
      } finally {
        await database.close();
      }
    });
  db.command('restore')
    .description(
      'restore a backup into the configured database (an empty DATA_DIR, or an empty PostgreSQL database) after checking it against its manifest',
    )
    .argument('<file>', 'the backup file (its .manifest.json must be beside it)')
    .option('--force', 'replace a database that is there (a PGlite folder is moved aside, not deleted)')
    .action(async (file: string, flags: { force?: boolean }) => {
      loadDotEnv();
      const config = loadConfig();
      const result = await restoreBackup(
        file,
        config.databaseUrl
          ? { kind: 'postgres', url: config.databaseUrl }
          : { kind: 'pglite', dataDir: pgliteFolder(config) },
        { force: flags.force ?? false },
      );
      process.stdout.write(
        `restored ${result.manifest.file} (${result.manifest.kind}, taken ${result.manifest.created_at}, schema version ${result.manifest.schema_version ?? 'none'})\n` +
          (result.movedAside ? `the database that was there is now in ${result.movedAside}\n` : '') +
          'Start the server with the same ENCRYPTION_KEY as when the backup was taken (it migrates on start).\n',
      );
    });
  db.command('verify')
    .description('check a backup against its manifest (size, sha256; pg_restore --list for PostgreSQL dumps)')
    .argument('<file>', 'the backup file')
    .action(async (file: string) => {
      const manifest = await verifyBackup(file);
      process.stdout.write(
        `ok ${manifest.path}: ${manifest.kind}, ${manifest.bytes} bytes, taken ${manifest.created_at}\n`,
      );
    });
}
