import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateSecrets } from '../src/crypto/credentials.ts';
import { loadConfig } from '../src/config.ts';
import { startServer } from '../src/server.ts';

/**
 * Issue 15, findings 4 and 12: start-up failures name their cause (a read-only or foreign DATA_DIR,
 * a full disk, a folder others may write to) in one line instead of a stack, and what the server
 * creates is owner-only.
 */
const CLI = fileURLToPath(new URL('../../cli/bin/tradingbot.js', import.meta.url));
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

/** `tradingbot serve` as an operator runs it; resolves with its exit code and output. */
function serve(env: Record<string, string>, asUser?: number) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, [CLI, 'serve', '--no-web', '--port', '0'], {
      env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(asUser === undefined ? {} : { uid: asUser, gid: asUser }),
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += String(chunk)));
    child.stderr.on('data', (chunk) => (output += String(chunk)));
    const timer = setTimeout(() => child.kill('SIGTERM'), 90_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function expectOneLineCause(result: { code: number | null; output: string }, ...parts: string[]) {
  expect(result.code).toBe(1);
  for (const part of parts) expect(result.output).toContain(part);
  expect(result.output).not.toMatch(/^\s+at /m); // no stack
  expect(result.output.trim().split('\n')).toHaveLength(1);
}

describe('start-up errors name their cause', () => {
  it('a read-only DATA_DIR (mode 0500) is a STARTUP_FAILED saying who may not write where', async () => {
    // Root ignores permissions: as root, the server runs as `nobody` on a folder nobody owns 0500.
    const dataDir = mkdtempSync(join(tmpdir(), 'tb-readonly-'));
    chmodSync(dataDir, 0o500);
    if (isRoot) chownSync(dataDir, NOBODY, NOBODY);
    const result = await serve({ ...generateSecrets(), DATA_DIR: dataDir }, isRoot ? NOBODY : undefined);
    chmodSync(dataDir, 0o700);
    expectOneLineCause(result, 'STARTUP_FAILED', `may not write to ${dataDir}`, 'EACCES');
  });

  it('a group- or world-writable DATA_DIR is refused with the chmod to run', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tb-open-'));
    chmodSync(dataDir, 0o777);
    const result = await serve({ ...generateSecrets(), DATA_DIR: dataDir });
    expectOneLineCause(result, 'DATA_DIR_INSECURE', `chmod 700 ${dataDir}`);
  });

  it('a mistyped DATABASE_URL stops the start instead of running on a database in memory', async () => {
    const result = await serve({
      ...generateSecrets(),
      DATA_DIR: mkdtempSync(join(tmpdir(), 'tb-url-')),
      DATABASE_URL: 'postgresql:/trader:hunter2secret@127.0.0.1/trading',
    });
    expectOneLineCause(result, 'CONFIG_INVALID', 'DATABASE_URL');
    expect(result.output).not.toContain('hunter2secret');
    expect(result.output).not.toContain('running');
  });

  // A full disk needs a small file system of its own: a 2 MB tmpfs, which only root may mount.
  const canMount = isRoot && spawnSync('mount', ['--version']).status === 0;
  it.skipIf(!canMount)(
    'a full disk is a STARTUP_FAILED saying so (root only: mounts a 2 MB tmpfs)',
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'tb-full-'));
      const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', dataDir]);
      if (mounted.status !== 0) {
        console.warn(`skipped: cannot mount a tmpfs here (${String(mounted.stderr).trim()})`);
        return;
      }
      try {
        const result = await serve({ ...generateSecrets(), DATA_DIR: dataDir });
        expectOneLineCause(result, 'STARTUP_FAILED', 'is full', 'ENOSPC');
      } finally {
        spawnSync('umount', [dataDir]);
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  );
});

describe('what the server creates is owner-only', () => {
  it('DATA_DIR 0700, and no file or folder in it open to group or others after a run', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'tb-modes-')), 'data');
    const previous = process.umask(0o022);
    try {
      const server = await startServer(loadConfig({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' }));
      await server.close();
    } finally {
      process.umask(previous);
    }
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    const open = readdirSync(dataDir, { recursive: true })
      .map((entry) => join(dataDir, String(entry)))
      .filter((path) => (statSync(path).mode & 0o077) !== 0);
    expect(open).toEqual([]);
  });
});
