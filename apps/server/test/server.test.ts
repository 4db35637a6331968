import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { startServer } from '../src/server.ts';
import { testApp, testConfig } from './helpers.ts';

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
    const { port } = new URL(server.url);
    const body = JSON.stringify({ email: 'late@example.com', password: 'long enough password' });
    // A request whose body is still arriving when the shutdown starts: deterministically in flight.
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let response = '';
    socket.on('data', (chunk) => (response += chunk.toString()));
    const ended = new Promise((resolve) => socket.once('end', resolve));
    socket.write(
      `POST /api/v1/auth/register HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body.slice(0, 10)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closed = server.close();
    socket.write(body.slice(10));
    await Promise.all([ended, closed]);
    // Shutdown began while the body was still arriving; the request was still answered in full.
    expect(response).toMatch(/^HTTP\/1\.1 201/);
    await expect(fetch(`${server.url}/api/v1/health`)).rejects.toThrow(); // no longer listening
  });
});

describe('rate limit', () => {
  it('refuses a client address past API_RATE_LIMIT with RATE_LIMITED and when to retry; the default is 1200', async () => {
    expect(testConfig().apiRateLimit).toBe(1200);
    const t = await testApp({ config: testConfig({ API_RATE_LIMIT: '3' }) });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await t.app.inject({ method: 'GET', url: '/api/v1/health' })).statusCode);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      const refused = await t.app.inject({ method: 'GET', url: '/api/v1/health' });
      expect(refused.json().error.code).toBe('RATE_LIMITED');
      expect(refused.json().error.details.retry_after_seconds).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  });
});
