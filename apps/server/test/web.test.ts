import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { DEFAULT_WEB_DIR, mountWebApp, webBuildId } from '../src/web.ts';
import { testApp, testConfig, type TestApp } from './helpers.ts';

describe('web app mounting', () => {
  it('is off unless asked for: pages are the JSON 404 of the API', async () => {
    const t = await testApp();
    try {
      const response = await t.app.inject({ method: 'GET', url: '/signin' });
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('NOT_FOUND');
    } finally {
      await t.close();
    }
  });

  it('refuses a web directory that has no production build', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'tradingbot-web-'));
    try {
      await expect(mountWebApp(Fastify(), testConfig(), { dir: empty })).rejects.toThrow(
        /has not been built/,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

// Needs `npm run build` (npm start and .ci/run do it); the Chromium end-to-end test covers the rest.
describe.skipIf(webBuildId(DEFAULT_WEB_DIR) === null)('web app served in-process', () => {
  // One app for the file: Next's server code, loaded once per process, keeps the first API address.
  // Behind one proxy (TRUST_PROXY=1): the last test plays the proxy.
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await testApp({ config: testConfig({ TRUST_PROXY: '1' }), web: { dir: DEFAULT_WEB_DIR } });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  });
  afterAll(async () => t?.close());

  it('serves pages, keeps /api/v1, /docs and /metrics for the API', async () => {
    const signin = await fetch(`${base}/signin`);
    expect(signin.status).toBe(200);
    expect(signin.headers.get('content-type')).toContain('text/html');
    expect(await signin.text()).toContain('TradingBot AI');

    // Protected pages redirect an anonymous visitor to sign-in.
    const home = await fetch(`${base}/`, { redirect: 'manual' });
    expect([302, 303, 307]).toContain(home.status);
    expect(home.headers.get('location')).toContain('/signin');

    const unknownApi = await fetch(`${base}/api/v1/nope`);
    expect(unknownApi.status).toBe(404);
    expect(((await unknownApi.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    expect((await fetch(`${base}/api/v1/health`)).status).toBe(200);
    // /metrics stays with the API: not served on this origin without METRICS_TOKEN, and not Next's page
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(404);
    expect(((await metrics.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');

    // Auth.js answers under /api/auth (Next), next to the API.
    const providers = (await (await fetch(`${base}/api/auth/providers`)).json()) as Record<string, unknown>;
    expect(providers).toHaveProperty('credentials');
  });

  it('signs in to the API with the browser address the server resolved, not 127.0.0.1 (behind one proxy)', async () => {
    const email = 'web-address@example.com';
    const password = 'a long web sign-in passphrase';
    const register = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email, password },
    });
    expect(register.statusCode).toBe(201);
    // This test is the proxy: it appends the browser's address; what the browser claimed before it
    // (spoofed) is not trusted.
    const viaProxy = { 'x-forwarded-for': '203.0.113.9, 198.51.100.23' };
    const csrf = await fetch(`${base}/api/auth/csrf`, { headers: viaProxy });
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const cookie = csrf.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const signIn = await fetch(`${base}/api/auth/callback/credentials`, {
      method: 'POST',
      redirect: 'manual',
      headers: { ...viaProxy, cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${base}/` }).toString(),
    });
    expect([302, 303]).toContain(signIn.status);
    expect(signIn.headers.get('location')).not.toContain('error');
    const sessions = await t.database.query<{ ip: string }>(
      'SELECT s.ip FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1',
      [email],
    );
    expect(sessions.map((s) => s.ip)).toEqual(['198.51.100.23']);
  });
});
