import { mkdirSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { isAppError } from '@tradingbot/core';
import { assertNotWritableByOthers } from '@tradingbot/db';
import type { Config } from './config.ts';
import { ServerErrors } from './errors.ts';

/**
 * Files this process creates are owner-only (0600, folders 0700): the database, dev-secrets.json,
 * backups. Called by `startServer` and the CLI at start; not possible in a worker thread (a
 * process-wide setting), where the main thread has already set it.
 */
export function restrictFileModes(): void {
  if (isMainThread) process.umask(0o077);
}

/** DATA_DIR, created 0700; refused when others may write to it (they could replace the database). */
export function prepareDataDir(config: Config): void {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  assertNotWritableByOthers(config.dataDir);
}

const FILE_SYSTEM_CAUSES: Record<string, (where: string) => string> = {
  ENOSPC: (where) => `the disk holding ${where} is full: free some space (df -h ${where}) and start again`,
  EDQUOT: (where) => `the disk quota for ${where} is used up: free some space and start again`,
  EROFS: (where) =>
    `${where} is on a read-only file system: point DATA_DIR at a writable folder (or remount it read-write)`,
  EACCES: (where) =>
    `this process (uid ${process.getuid?.() ?? '?'}) may not write to ${where}: give it the folder ` +
    `(chown -R <user> ${where}; chmod 700 ${where}) or point DATA_DIR elsewhere`,
  EPERM: (where) => `this process is not permitted to change ${where}: check its owner and permissions`,
  EMFILE: () => 'too many open files: raise the limit (ulimit -n, LimitNOFILE= in systemd)',
};

/** The errno code of an error or of anything along its cause chain (PGlite wraps file-system errors). */
function errnoCode(error: unknown): { code: string; path?: string } | undefined {
  for (let link = error, depth = 0; link instanceof Error && depth < 8; link = link.cause, depth++) {
    const { code, path } = link as NodeJS.ErrnoException;
    if (typeof code === 'string' && code in FILE_SYSTEM_CAUSES) return { code, ...(path ? { path } : {}) };
  }
  return undefined;
}

/**
 * A start-up failure an operator can act on: the cause in one sentence (a full disk, a read-only
 * or foreign DATA_DIR) instead of a stack. Errors that already carry a code pass through.
 */
export function explainStartupError(
  error: unknown,
  config: Pick<Config, 'dataDir' | 'databaseUrl'>,
): unknown {
  if (isAppError(error)) return error;
  const errno = errnoCode(error);
  if (!errno) return error;
  const where = config.databaseUrl ? (errno.path ?? config.dataDir) : config.dataDir;
  return ServerErrors.create('STARTUP_FAILED', {
    message: `Cannot start: ${FILE_SYSTEM_CAUSES[errno.code]!(where)} [${errno.code}${errno.path ? ` ${errno.path}` : ''}]`,
    details: { errno: errno.code },
  });
}
