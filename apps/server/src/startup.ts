import { mkdirSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { isAppError } from '@tradingbot/core';
import { assertNotWritableByOthers } from '@tradingbot/db';
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
export function prepareDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  assertNotWritableByOthers(dataDir);
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

/**
 * PGlite's file system (Emscripten over Node's) throws `ErrnoError` objects — not `Error`s —
 * carrying WASI errno numbers instead of Node's codes.
 */
const WASI_ERRNO: Record<number, string> = {
  2: 'EACCES',
  19: 'EDQUOT',
  33: 'EMFILE',
  51: 'ENOSPC',
  63: 'EPERM',
  69: 'EROFS',
};

/** The errno code of an error or of anything along its cause chain. */
function errnoCode(error: unknown): { code: string; path?: string } | undefined {
  for (let link = error, depth = 0; typeof link === 'object' && link !== null && depth < 8; depth++) {
    const { code, path, errno, name } = link as NodeJS.ErrnoException;
    const known =
      typeof code === 'string'
        ? code
        : name === 'ErrnoError' && typeof errno === 'number'
          ? WASI_ERRNO[errno]
          : undefined;
    if (known !== undefined && known in FILE_SYSTEM_CAUSES) return { code: known, ...(path ? { path } : {}) };
    link = (link as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * A start-up failure an operator can act on: the cause in one sentence (a full disk, a read-only
 * or foreign DATA_DIR) instead of a stack. Errors that already carry a code pass through.
 */
export function explainStartupError(
  error: unknown,
  config: { dataDir: string; databaseUrl: string | undefined },
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
