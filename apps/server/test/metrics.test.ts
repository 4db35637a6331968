import { describe, expect, it } from 'vitest';
import { startMetricsServer } from '../src/metrics-server.ts';
import { testApp, testConfig } from './helpers.ts';

/*
 * /metrics is not public: without METRICS_TOKEN it is not served on the API's origin at all; with
 * it, only to `Authorization: Bearer <token>`; METRICS_PORT serves it on a separate listener.
 */

const TOKEN = 'metrics-token-for-the-test-0123';

describe('/metrics', () => {
  it('is not served on the API origin by default', async () => {
    const t = await testApp({ config: testConfig({}) });
    try {
      const response = await t.app.inject({ method: 'GET', url: '/metrics' });
      expect(response.statusCode).toBe(404);
      expect(response.body).not.toContain('http_requests_total');
    } finally {
      await t.close();
    }
  });

  it('with METRICS_TOKEN, answers only the bearer of the token', async () => {
    const t = await testApp({ config: testConfig({ METRICS_TOKEN: TOKEN }) });
    try {
      const none = await t.app.inject({ method: 'GET', url: '/metrics' });
      expect(none.statusCode).toBe(401);
      expect(none.json().error.code).toBe('UNAUTHENTICATED');
      const wrong = await t.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${TOKEN}x` },
      });
      expect(wrong.statusCode).toBe(401);
      const right = await t.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(right.statusCode).toBe(200);
      expect(right.body).toContain('http_requests_total');
    } finally {
      await t.close();
    }
  });

  it('METRICS_PORT: a separate listener serves it, the API origin does not', async () => {
    const config = testConfig({ METRICS_PORT: '0' });
    expect(config.metricsPort).toBe(0);
    expect(config.metricsHost).toBe('127.0.0.1');
    const t = await testApp({ config });
    const server = await startMetricsServer(t.app.metrics, { host: '127.0.0.1', port: 0 });
    try {
      const scraped = await fetch(`${server.url}/metrics`, { signal: AbortSignal.timeout(10_000) });
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('http_requests_total');
      expect((await fetch(`${server.url}/other`, { signal: AbortSignal.timeout(10_000) })).status).toBe(404);
      expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
    } finally {
      await server.close();
      await t.close();
    }
  });

  it('refuses a short METRICS_TOKEN at start-up', () => {
    expect(() => testConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
  });
});
