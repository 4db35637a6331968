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

describe('graceful shutdown', () => {
  it('lets an in-flight request finish before the server closes', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tb-shutdown-'));
    const server = await startServer(loadConfig({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' }));
    // A request that is still being answered when close() is called: a login (argon2 takes a while)
    // of a user registered just before.
    await fetch(`${server.url}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'late@example.com', password: 'long enough password' }),
    });
    const inFlight = fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify({ email: 'late@example.com', password: 'long enough password' }),
    });
    await new Promise((resolve) => setTimeout(resolve, 20)); // the request has reached the server
    const closed = server.close();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { session_token?: string }).session_token).toBeTruthy();
    await closed;
    await expect(fetch(`${server.url}/api/v1/health`)).rejects.toThrow(); // no longer listening
  });
});
