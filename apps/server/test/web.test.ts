import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
  let t: TestApp;
  afterAll(async () => t?.close());

  it('serves pages, keeps /api/v1, /docs and /metrics for the API', async () => {
    t = await testApp({ web: { dir: DEFAULT_WEB_DIR } });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;

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
});
