import type { Command } from 'commander';
import { migrate, rollback, status } from '@tradingbot/db';
import { loadConfig, loadDotEnv, openConfiguredDatabase } from '@tradingbot/server';
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
  const db = program.command('db').description('database migrations (upgrade, downgrade, current)');
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
