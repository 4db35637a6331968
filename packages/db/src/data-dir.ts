import {
  chmodSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DbErrors } from './errors.ts';

/**
 * The PGlite folder's safety: owner-only permissions and one process at a time. PGlite has no lock
 * of its own, so two servers on one folder both start and overwrite each other's pages (a
 * registration was lost that way); `tradingbot.lock` in the folder names the process that holds it.
 */
export const LOCK_FILE = 'tradingbot.lock';

/** Lock files this process holds (a second open in the same process is refused too). */
const held = new Set<string>();

export type DataDirLock = { pid: number; alive: boolean };

/**
 * Who holds a PGlite folder: null when nobody, else the holder's pid and whether it still runs (a
 * dead holder's lock is taken over by the next open). For tools that must not touch a folder a
 * server is using, e.g. a backup.
 */
export function dataDirLock(dir: string): DataDirLock | null {
  const path = join(resolve(dir), LOCK_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const pid = Number.parseInt(text.trim(), 10);
  if (!Number.isInteger(pid) || pid <= 0) return { pid: 0, alive: false };
  return { pid, alive: isAlive(pid, path) };
}

function isAlive(pid: number, path: string): boolean {
  // Our own pid in a lock we do not hold: left by an earlier process that had the same pid (a
  // container's pid 1 after a restart).
  if (pid === process.pid) return held.has(path);
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the folder's lock or throws DATABASE_LOCKED naming the holder. The lock file is written
 * complete under a temporary name and then hard-linked into place, which fails if it exists, so
 * no one ever reads a half-written lock. Returns the release.
 */
export function acquireDataDirLock(dir: string): () => void {
  const path = join(resolve(dir), LOCK_FILE);
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temporary, `${process.pid}\n`, { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(temporary, path);
        held.add(path);
        return () => release(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = dataDirLock(dir);
        if (holder?.alive) throw lockedError(dir, holder.pid);
        removeIfPresent(path); // a dead holder's lock
      }
    }
    throw lockedError(dir, dataDirLock(dir)?.pid ?? 0);
  } finally {
    removeIfPresent(temporary);
  }
}

function release(path: string): void {
  if (!held.delete(path)) return;
  try {
    if (Number.parseInt(readFileSync(path, 'utf8'), 10) === process.pid) unlinkSync(path);
  } catch {
    // already gone
  }
}

function removeIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function lockedError(dir: string, pid: number) {
  return DbErrors.create('DATABASE_LOCKED', {
    message:
      `The database in ${dir} is in use by process ${pid} (a running tradingbot server?). ` +
      'Only one process may open a PGlite folder: stop that one first, or use PostgreSQL (DATABASE_URL) for several.',
    details: { data_dir: dir, pid },
  });
}

/**
 * Creates the folder owner-only (0700), refuses one that others may write to, and takes away group
 * and world access from everything inside (PGlite creates its files 0666 whatever the umask, and
 * older versions left them so).
 */
export function secureDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  assertNotWritableByOthers(dir);
  const mode = statSync(dir).mode;
  if ((mode & 0o077) !== 0) chmodSync(dir, mode & 0o700); // readable by others: ours alone from now
  for (const entry of readdirSync(dir, { recursive: true })) {
    const path = join(dir, String(entry));
    const stats = lstatSync(path);
    if (!stats.isSymbolicLink() && (stats.mode & 0o077) !== 0) chmodSync(path, stats.mode & 0o700);
  }
}

/** DATA_DIR_INSECURE when group or others may write to the folder, with the command that fixes it. */
export function assertNotWritableByOthers(dir: string): void {
  const mode = statSync(dir).mode & 0o777;
  if ((mode & 0o022) !== 0) {
    throw DbErrors.create('DATA_DIR_INSECURE', {
      message:
        `${dir} is writable by ${mode & 0o002 ? 'every user' : 'its group'} (mode ${mode.toString(8)}): ` +
        `anyone who can write there can change the database. Run: chmod 700 ${dir}`,
      details: { data_dir: dir, mode: mode.toString(8) },
    });
  }
}
