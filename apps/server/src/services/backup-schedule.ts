import { Cron } from 'croner';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { backupDatabase, type BackupResult, type Database } from '@tradingbot/db';
import type { Config } from '../config.ts';

export type BackupSchedule = {
  /** Starts the timer (on the server's ready). */
  start(): void;
  /** Stops the timer and waits for a backup that is running (on close, before the database closes). */
  stop(): Promise<void>;
  /** One backup now, as the schedule runs it; resolves null when one is already running. */
  runOnce(): Promise<BackupResult | null>;
};

/**
 * The server backing up its own database on `BACKUP_CRON` (UTC) into `BACKUP_DIR`, pruning after
 * `BACKUP_KEEP_DAYS`. This is the way to back up an embedded (PGlite) database while the server runs:
 * only the process that has the folder open can take a consistent snapshot of it. A failed backup is
 * logged and the next one runs on time; runs never overlap.
 */
export function createBackupSchedule(
  config: Pick<Config, 'backupCron' | 'backupDir' | 'backupKeepDays' | 'databaseUrl'>,
  database: Database,
  log: FastifyBaseLogger,
): BackupSchedule {
  let job: Cron | null = null;
  let running: Promise<BackupResult | null> | null = null;
  const runOnce = (): Promise<BackupResult | null> => {
    if (running) return Promise.resolve(null);
    running = (async () => {
      try {
        const result = await backupDatabase(database, {
          outDir: config.backupDir,
          postgresUrl: config.databaseUrl,
          keepDays: config.backupKeepDays,
        });
        log.info(
          { file: result.file, bytes: result.manifest.bytes, pruned: result.pruned },
          'database backup written',
        );
        return result;
      } catch (error) {
        log.error({ err: error, dir: config.backupDir }, 'database backup failed');
        return null;
      } finally {
        running = null;
      }
    })();
    return running;
  };
  return {
    start() {
      if (!config.backupCron || job) return;
      job = new Cron(config.backupCron, { timezone: 'UTC', protect: true }, async () => {
        await runOnce();
      });
      log.info(
        { cron: config.backupCron, dir: config.backupDir, next: job.nextRun()?.toISOString() },
        'database backups scheduled',
      );
    },
    async stop() {
      job?.stop();
      job = null;
      await running;
    },
    runOnce,
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The `BACKUP_CRON` schedule (inactive without it); `runOnce` backs up now. */
    backups: BackupSchedule;
  }
}

/** Starts the schedule when the server is ready and stops it (waiting for a running backup) on close. */
export function registerBackupSchedule(
  app: FastifyInstance,
  config: Pick<Config, 'backupCron' | 'backupDir' | 'backupKeepDays' | 'databaseUrl'>,
  database: Database,
): void {
  const schedule = createBackupSchedule(config, database, app.log);
  app.decorate('backups', schedule);
  app.addHook('onReady', async () => schedule.start());
  app.addHook('onClose', async () => schedule.stop());
}
