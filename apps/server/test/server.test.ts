import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { startServer } from '../src/server.ts';

describe('startServer on the embedded defaults', () => {
  it('migrates a fresh PGlite folder, serves, and closes cleanly; the data survives a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tb-serve-'));
    const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' });
    const first = await startServer(config);
    const health = await fetch(`${first.url}/api/v1/health`);
    expect(await health.json()).toEqual({ status: 'ok', database: 'pglite' });
    const registered = await fetch(`${first.url}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'restart@example.com', password: 'long enough password' }),
    });
    expect(registered.status).toBe(201);
    await first.close();

    const second = await startServer(loadConfig({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' }));
    const login = await fetch(`${second.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'restart@example.com', password: 'long enough password' }),
    });
    expect(login.status).toBe(200); // same database, same generated secrets
    await second.close();
  });
});
