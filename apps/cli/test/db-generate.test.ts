import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '@tradingbot/db';
import { runCli } from './support/run-cli.ts';

// The generator itself (a throwaway schema change → the pair, applied and reverted) is tested in
// packages/db/test/generate-migration.test.ts; this is the command a user types.
const work = mkdtempSync(join(tmpdir(), 'tradingbot-db-generate-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('tradingbot db generate NAME', () => {
  it(
    'says there is nothing to generate while schema.ts and the migrations agree',
    { timeout: 240_000 },
    async () => {
      const dir = join(work, 'migrations');
      cpSync(MIGRATIONS_DIR, dir, { recursive: true });
      const before = readdirSync(dir).sort();
      const run = await runCli(['db', 'generate', 'add_nothing', '--migrations-dir', dir], {
        timeoutMs: 220_000,
      });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toBe('schema.ts and the migrations agree: nothing to generate\n');
      expect(readdirSync(dir).sort()).toEqual(before);
    },
  );

  it('refuses a name that would not make a migration file name, with exit code 2', async () => {
    const run = await runCli(['db', 'generate', 'Add Notes', '--migrations-dir', work]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('[MIGRATION_NAME_INVALID]');
  });
});
