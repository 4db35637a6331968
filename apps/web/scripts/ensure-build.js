#!/usr/bin/env node
// Builds the web app when its production build is missing or older than its sources, so that
// `npm start` works on a fresh clone and after every pull. Exit code: 0 when a current build exists.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const rootDir = join(webDir, '..', '..');
const stampFile = join(webDir, '.next', 'source-hash');

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** A hash of everything the build depends on: sources, configs, and the locked dependency tree. */
export function sourceHash() {
  const hash = createHash('sha256');
  const inputs = [
    ...files(join(webDir, 'src')),
    // Workspace sources the app imports (the venue list of @tradingbot/core/venues).
    ...files(join(rootDir, 'packages', 'core', 'src')),
    join(webDir, 'next.config.ts'),
    join(webDir, 'tsconfig.json'),
    join(webDir, 'package.json'),
    join(rootDir, 'package-lock.json'),
  ].sort();
  for (const file of inputs) {
    if (!existsSync(file)) continue;
    hash.update(relative(rootDir, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

export function buildIsCurrent(hash = sourceHash()) {
  return (
    existsSync(join(webDir, '.next', 'BUILD_ID')) &&
    existsSync(stampFile) &&
    readFileSync(stampFile, 'utf8').trim() === hash
  );
}

export function ensureBuild({ quiet = false } = {}) {
  const hash = sourceHash();
  if (buildIsCurrent(hash)) {
    if (!quiet) console.log('web app: production build is current');
    return;
  }
  console.log('web app: building (next build) — the first time takes a minute or two…');
  const nextBin = join(rootDir, 'node_modules', 'next', 'dist', 'bin', 'next');
  const result = spawnSync(process.execPath, [nextBin, 'build'], {
    cwd: webDir,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) {
    console.error('web app: next build failed');
    process.exit(result.status ?? 1);
  }
  writeFileSync(stampFile, hash + '\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) ensureBuild();
