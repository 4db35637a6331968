import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WEB_DIR, webBuildId } from '../src/web.ts';
import { testApp, type TestApp } from './helpers.ts';

/*
 * A Content-Security-Policy on every answer: the API's JSON (nothing may run or load), the docs UI
 * (its own hashes), and the web app's pages (a per-response script nonce Next puts on its scripts).
 */

describe('Content-Security-Policy on the API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(async () => t?.close());

  it.each([
    ['GET', '/api/v1/health'],
    ['GET', '/api/v1/nope'],
    ['GET', '/api/v1/auth/me'],
    ['POST', '/api/v1/webhook/tradingview'],
  ] as const)('%s %s', async (method, url) => {
    const response = await t.app.inject({ method, url, payload: method === 'POST' ? '{}' : undefined });
    const policy = String(response.headers['content-security-policy']);
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("frame-ancestors 'none'");
  });

  it('the docs UI gets a policy that lets its own scripts run, and no others', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(response.statusCode).toBe(200);
    const policy = String(response.headers['content-security-policy']);
    expect(policy).toMatch(/script-src 'self'/);
    expect(policy).not.toContain('unsafe-inline');
  });
});

// Needs `npm run build`; the Chromium end-to-end test checks the pages still work under the policy.
describe.skipIf(webBuildId(DEFAULT_WEB_DIR) === null)('Content-Security-Policy on the web app', () => {
  let t: TestApp;
  afterAll(async () => t?.close());

  it('every page script carries the nonce of its response, and the nonce changes', async () => {
    t = await testApp({ web: { dir: DEFAULT_WEB_DIR } });
    const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const nonces: string[] = [];
    for (let i = 0; i < 2; i++) {
      const page = await fetch(`${base}/signin`, { signal: AbortSignal.timeout(60_000) });
      expect(page.status).toBe(200);
      const policy = page.headers.get('content-security-policy') ?? '';
      const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
      expect(nonce, policy).toBeTruthy();
      expect(policy).toContain("'strict-dynamic'");
      expect(policy).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      const html = await page.text();
      const scripts = html.match(/<script\b[^>]*>/g) ?? [];
      expect(scripts.length).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
      nonces.push(nonce!);
    }
    expect(nonces[0]).not.toBe(nonces[1]);
  });
});
