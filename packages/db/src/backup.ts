import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import {
  chmod,
  lstat,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import { openDatabase, type Database } from './database.ts';
import { DbErrors } from './errors.ts';
import { dataDirLock } from './data-dir.ts';

/**
 * Backups of the whole database, one file each plus a manifest beside it:
 * - PGlite: the data folder as a gzipped tarball (`dumpDataDir`, taken between queries, so it is a
 *   consistent snapshot that PostgreSQL's own recovery completes on load), restored with `loadDataDir`.
 * - PostgreSQL: `pg_dump --format=custom`, restored with `pg_restore`.
 * The manifest (`<file>.manifest.json`) holds the size and sha256; a restore checks both first, and
 * for a custom-format dump also that `pg_restore --list` can read it. Neither contains the
 * encryption key: that has to be backed up on its own.
 */
export type BackupKind = Database['kind'];

export type BackupManifest = {
  format: 'tradingbot-backup';
  version: 1;
  kind: BackupKind;
  file: string;
  bytes: number;
  sha256: string;
  created_at: string;
  /** The newest migration applied in the database that was backed up. */
  schema_version: number | null;
  /** What wrote the file: `pg_dump (PostgreSQL) 15.2` or `pglite dumpDataDir`. */
  tool: string;
};

export type BackupResult = { file: string; manifestFile: string; manifest: BackupManifest; pruned: string[] };

/** Our own file names, and only these are ever pruned: `tradingbot-<kind>-<UTC time>[-n].<ext>[.manifest.json]`. */
const BACKUP_NAME =
  /^tradingbot-(pglite|postgres)-(\d{8}T\d{6}Z)(?:-\d+)?\.(tar\.gz|dump)(\.manifest\.json)?$/;
const EXTENSION: Record<BackupKind, string> = { pglite: 'tar.gz', postgres: 'dump' };
const MANIFEST_SUFFIX = '.manifest.json';
const DAY_MS = 86_400_000;

export type BackupOptions = {
  /** Folder for the backup files; created 0700 when missing. */
  outDir: string;
  /** PostgreSQL: the connection URL pg_dump uses (the same database as `database`). */
  postgresUrl?: string | undefined;
  /** Delete our own backups older than this many days after a successful backup; 0 keeps all. */
  keepDays?: number;
  now?: Date;
};

/** Writes one backup of `database` (mode 0600), its manifest, then prunes old ones. */
export async function backupDatabase(database: Database, options: BackupOptions): Promise<BackupResult> {
  const now = options.now ?? new Date();
  const outDir = resolve(options.outDir);
  await mkdir(outDir, { recursive: true, mode: 0o700 });
  const schemaVersion = await latestMigration(database);
  const name = await freeName(outDir, database.kind, now);
  const file = join(outDir, name);
  const partial = join(outDir, `.${name}.partial`);
  let tool: string;
  try {
    // Created 0600 before anything is written, so the dump is never readable by others, even briefly.
    await (await open(partial, 'wx', 0o600)).close();
    tool =
      database.kind === 'pglite'
        ? await dumpPglite(database, partial)
        : await dumpPostgres(database, requireUrl(options.postgresUrl), partial);
    await chmod(partial, 0o600);
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  const { bytes, sha256 } = await digest(file);
  const manifest: BackupManifest = {
    format: 'tradingbot-backup',
    version: 1,
    kind: database.kind,
    file: name,
    bytes,
    sha256,
    created_at: now.toISOString(),
    schema_version: schemaVersion,
    tool,
  };
  const manifestFile = file + MANIFEST_SUFFIX;
  await writeFile(manifestFile, JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  const pruned = options.keepDays ? await pruneBackups(outDir, options.keepDays, now, [name]) : [];
  return { file, manifestFile, manifest, pruned };
}

function requireUrl(url: string | undefined): string {
  if (!url) throw new TypeError('a PostgreSQL backup needs the database URL');
  return url;
}

/** `20261207T024904Z`: sortable, no characters a shell or Windows dislikes. */
export function backupTimestamp(at: Date): string {
  return at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

async function freeName(dir: string, kind: BackupKind, at: Date): Promise<string> {
  const stem = `tradingbot-${kind}-${backupTimestamp(at)}`;
  for (let n = 1; ; n++) {
    const name = `${stem}${n === 1 ? '' : `-${n}`}.${EXTENSION[kind]}`;
    if (!existsSync(join(dir, name)) && !existsSync(join(dir, `.${name}.partial`))) return name;
  }
}

async function latestMigration(database: Database): Promise<number | null> {
  try {
    const rows = await database.query<{ version: number | null }>(
      'SELECT max(version) AS version FROM schema_migrations',
    );
    return rows[0]?.version == null ? null : Number(rows[0].version);
  } catch {
    return null; // never migrated
  }
}

async function dumpPglite(database: Database, target: string): Promise<string> {
  if (!database.dumpDataDir) throw new TypeError('this PGlite database cannot be dumped');
  const tarball = await database.dumpDataDir();
  await pipeline(Readable.fromWeb(tarball.stream() as never), createWriteStream(target, { mode: 0o600 }));
  return 'pglite dumpDataDir';
}

async function dumpPostgres(database: Database, url: string, target: string): Promise<string> {
  const version = await toolVersion('pg_dump');
  const rows = await database.query<{ server_version_num: string }>('SHOW server_version_num');
  const serverMajor = Math.floor(Number(rows[0]?.server_version_num) / 10_000);
  if (version.major < serverMajor) {
    throw DbErrors.create('BACKUP_TOOL_MISSING', {
      message:
        `${version.text} cannot dump a PostgreSQL ${serverMajor} server (pg_dump must be at least the server's major version): ` +
        `install postgresql-client-${serverMajor}`,
    });
  }
  const { connection, password } = withoutPassword(url);
  await runTool('pg_dump', ['--format=custom', `--file=${target}`, `--dbname=${connection}`], password);
  return version.text;
}

/** pg_dump / pg_restore: the password travels in PGPASSWORD, never in the process list. */
function withoutPassword(url: string): { connection: string; password: string | undefined } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { connection: url, password: undefined }; // a form only libpq reads; it has no password to hide
  }
  const password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  parsed.password = '';
  return { connection: parsed.toString(), password };
}

async function toolVersion(tool: 'pg_dump' | 'pg_restore'): Promise<{ text: string; major: number }> {
  const text = (await runTool(tool, ['--version'], undefined)).trim();
  return { text, major: Number(/(\d+)(?:\.\d+)?/.exec(text)?.[1] ?? 0) };
}

/** Runs a PostgreSQL client tool; a failure carries the first lines of its stderr (never the URL's password). */
function runTool(tool: string, args: string[], password: string | undefined): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(tool, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      // The child inherits the environment (PATH, locale, PG* defaults); only the password is added.
      // eslint-disable-next-line no-restricted-properties
      env: { ...process.env, ...(password !== undefined ? { PGPASSWORD: password } : {}) },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error: NodeJS.ErrnoException) =>
      fail(
        error.code === 'ENOENT'
          ? DbErrors.create('BACKUP_TOOL_MISSING', {
              message: `${tool} is not installed: install PostgreSQL's client tools (Debian: apt-get install postgresql-client)`,
            })
          : error,
      ),
    );
    child.on('close', (code) => {
      if (code === 0) return done(stdout);
      const reason = stderr.trim().split('\n').slice(0, 5).join(' / ') || `exit code ${code}`;
      fail(DbErrors.create('BACKUP_FAILED', { message: `${tool} failed: ${reason}` }));
    });
  });
}

async function digest(file: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return { bytes: (await stat(file)).size, sha256: hash.digest('hex') };
}

/**
 * Deletes our own backups (and manifests) in `dir` whose name says they are older than `keepDays`;
 * any other file is left alone. `keep` names are never deleted. Returns the names deleted.
 */
export async function pruneBackups(
  dir: string,
  keepDays: number,
  now = new Date(),
  keep: readonly string[] = [],
): Promise<string[]> {
  const cutoff = now.getTime() - keepDays * DAY_MS;
  const pruned: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const match = BACKUP_NAME.exec(name);
    if (!match || keep.some((k) => name === k || name === k + MANIFEST_SUFFIX)) continue;
    const stamp = match[2]!;
    const at = Date.parse(
      `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}Z`,
    );
    // Only regular files: a folder or link that happens to carry our name is not something we wrote.
    if (Number.isFinite(at) && at < cutoff && (await lstat(join(dir, name))).isFile()) {
      await unlink(join(dir, name));
      pruned.push(name);
    }
  }
  return pruned;
}

/** The backup file a path names (the manifest's path is accepted too). */
function backupFilePath(path: string): string {
  const file = resolve(path);
  return file.endsWith(MANIFEST_SUFFIX) ? file.slice(0, -MANIFEST_SUFFIX.length) : file;
}

function invalid(file: string, why: string) {
  return DbErrors.create('BACKUP_INVALID', {
    message: `${basename(file)} cannot be restored: ${why}`,
    details: { file },
  });
}

async function readManifest(file: string): Promise<BackupManifest> {
  let text: string;
  try {
    text = await readFile(file + MANIFEST_SUFFIX, 'utf8');
  } catch {
    throw invalid(
      file,
      `its manifest ${basename(file)}${MANIFEST_SUFFIX} is missing (it is written beside every backup)`,
    );
  }
  let manifest: Partial<BackupManifest>;
  try {
    manifest = JSON.parse(text) as Partial<BackupManifest>;
  } catch {
    throw invalid(file, 'its manifest is not valid JSON');
  }
  if (
    manifest.format !== 'tradingbot-backup' ||
    manifest.version !== 1 ||
    (manifest.kind !== 'pglite' && manifest.kind !== 'postgres') ||
    typeof manifest.bytes !== 'number' ||
    typeof manifest.sha256 !== 'string'
  ) {
    throw invalid(file, 'its manifest is not a tradingbot backup manifest (version 1)');
  }
  return manifest as BackupManifest;
}

/**
 * Checks a backup before anything is restored from it: the manifest, the size and sha256, and for a
 * PostgreSQL dump that pg_restore can list its contents. Throws BACKUP_INVALID saying what is wrong.
 */
export async function verifyBackup(path: string): Promise<BackupManifest & { path: string }> {
  const file = backupFilePath(path);
  const manifest = await readManifest(file);
  let actual: { bytes: number; sha256: string };
  try {
    actual = await digest(file);
  } catch {
    throw invalid(file, 'the file cannot be read');
  }
  if (actual.bytes !== manifest.bytes || actual.sha256 !== manifest.sha256) {
    throw invalid(
      file,
      `its checksum does not match the manifest (${actual.bytes} bytes, sha256 ${actual.sha256.slice(0, 12)}…; ` +
        `expected ${manifest.bytes} bytes, ${manifest.sha256.slice(0, 12)}…): the file is damaged or was changed`,
    );
  }
  if (manifest.kind === 'postgres') {
    try {
      await runTool('pg_restore', ['--list', file], undefined);
    } catch (error) {
      if ((error as { code?: string }).code === 'BACKUP_TOOL_MISSING') throw error;
      throw invalid(file, `pg_restore cannot read it (${(error as Error).message})`);
    }
  }
  return { ...manifest, path: file };
}

export type RestoreTarget = { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string };

export type RestoreResult = { manifest: BackupManifest; movedAside: string | null };

/**
 * Restores a verified backup into an empty target: a PGlite folder that is missing or empty, or a
 * PostgreSQL database without tables. `force` replaces what is there: a PGlite folder is moved aside
 * (`<folder>.before-restore-<time>`, never deleted), a PostgreSQL database is cleaned object by object.
 */
export async function restoreBackup(
  path: string,
  target: RestoreTarget,
  options: { force?: boolean; now?: Date } = {},
): Promise<RestoreResult> {
  const manifest = await verifyBackup(path);
  if (manifest.kind !== target.kind) {
    throw DbErrors.create('BACKUP_KIND_MISMATCH', {
      message:
        `${basename(manifest.path)} is a ${manifest.kind} backup and the configured database is ${target.kind}: ` +
        (target.kind === 'postgres'
          ? 'unset DATABASE_URL to restore it into DATA_DIR'
          : 'set DATABASE_URL to the PostgreSQL database to restore it into'),
    });
  }
  if (target.kind === 'pglite') {
    return { manifest, movedAside: await restorePglite(manifest.path, target.dataDir, options) };
  }
  await restorePostgres(manifest.path, target.url, options.force ?? false);
  return { manifest, movedAside: null };
}

/**
 * Refuses to touch a PGlite folder another process has open (a PGlite folder is single-process: a
 * second opener would overwrite the server's pages), by the folder's lock (`data-dir.ts`); the lock
 * of a process that died does not count.
 */
export function assertPgliteFolderFree(dir: string): void {
  const lock = dataDirLock(dir);
  if (lock?.alive) {
    throw DbErrors.create('BACKUP_SOURCE_IN_USE', {
      message:
        `The database in ${dir} is open in process ${lock.pid} (a running server?): a PGlite folder has one user at a time. ` +
        'Stop the server or use BACKUP_CRON (the server backs itself up).',
      details: { data_dir: dir, pid: lock.pid },
    });
  }
}

async function isEmptyFolder(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}

async function restorePglite(
  file: string,
  dir: string,
  options: { force?: boolean; now?: Date },
): Promise<string | null> {
  const folder = resolve(dir);
  assertPgliteFolderFree(folder);
  let movedAside: string | null = null;
  if (!(await isEmptyFolder(folder))) {
    if (!options.force) {
      throw DbErrors.create('RESTORE_TARGET_NOT_EMPTY', {
        message: `${folder} already holds a database: restore into an empty DATA_DIR, or pass --force to move it aside first`,
      });
    }
    movedAside = `${folder}.before-restore-${backupTimestamp(options.now ?? new Date())}`;
    await rename(folder, movedAside);
  }
  await mkdir(dirname(folder), { recursive: true, mode: 0o700 });
  await mkdir(folder, { recursive: true, mode: 0o700 });
  try {
    const tarball = new Blob([await readFile(file)]);
    const client = new PGlite(folder, { loadDataDir: tarball });
    await client.waitReady;
    await client.query('SELECT 1');
    await client.close();
    await ownerOnly(folder);
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    if (movedAside) await rename(movedAside, folder);
    throw DbErrors.create('BACKUP_FAILED', {
      message: `loading ${basename(file)} into ${folder} failed: ${(error as Error).message}`,
    });
  }
  return movedAside;
}

/**
 * The restored folder as the server keeps its own: owner-only (the tarball's files are 0666), and without
 * the process markers of the server that was running when the snapshot was taken (PGlite's
 * `postmaster.pid`, the data-dir lock `tradingbot.lock`), which would make the folder look in use.
 */
async function ownerOnly(folder: string): Promise<void> {
  for (const marker of ['postmaster.pid', 'tradingbot.lock']) await rm(join(folder, marker), { force: true });
  for (const entry of await readdir(folder, { recursive: true })) {
    const path = join(folder, String(entry));
    const stats = await lstat(path);
    if (!stats.isSymbolicLink() && (stats.mode & 0o077) !== 0) await chmod(path, stats.mode & 0o700);
  }
}

async function restorePostgres(file: string, url: string, force: boolean): Promise<void> {
  const { connection, password } = withoutPassword(url);
  if (!force) {
    const database = await openDatabase({ url });
    let tables: number;
    try {
      const rows = await database.query<{ count: string }>(
        `SELECT count(*) AS count FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')`,
      );
      tables = Number(rows[0]?.count ?? 0);
    } finally {
      await database.close();
    }
    if (tables > 0) {
      throw DbErrors.create('RESTORE_TARGET_NOT_EMPTY', {
        message: `the database in DATABASE_URL already has ${tables} table(s): restore into a new, empty database, or pass --force to replace its contents`,
      });
    }
  }
  await runTool(
    'pg_restore',
    [
      '--exit-on-error',
      '--single-transaction',
      '--no-owner',
      '--no-privileges',
      ...(force ? ['--clean', '--if-exists'] : []),
      `--dbname=${connection}`,
      file,
    ],
    password,
  );
}
