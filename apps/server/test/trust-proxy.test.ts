import { describe, expect, it } from 'vitest';
import { signUp, testApp, testConfig, type TestApp } from './helpers.ts';

/*
 * TRUST_PROXY: `false`, a hop count, or the proxies' addresses/CIDRs. The client address is the
 * first untrusted hop from the right of X-Forwarded-For, so a client cannot claim an address by
 * putting it first in the header (nginx's `proxy_add_x_forwarded_for` appends the real peer).
 */

const alert = JSON.stringify({ account_id: 'nobody', secret: 'x'.repeat(32) });

const post = (app: TestApp, remoteAddress: string, forwardedFor?: string) =>
  app.app.inject({
    method: 'POST',
    url: '/api/v1/webhook/tradingview',
    remoteAddress,
    headers: {
      'content-type': 'application/json',
      ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
    },
    payload: alert,
  });

describe('TRUST_PROXY', () => {
  it('refuses TRUST_PROXY=true at start-up, saying what to set instead', () => {
    expect(() => testConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY.*hop count.*1.*addresses/s);
    expect(() => testConfig({ TRUST_PROXY: '127.0.0.1, nginx.local' })).toThrow(/TRUST_PROXY/);
    expect(() => testConfig({ TRUST_PROXY: '10.0.0.0/40' })).toThrow(/TRUST_PROXY/);
    expect(testConfig({}).trustProxy).toBe(false);
    expect(testConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(testConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(testConfig({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' }).trustProxy).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
    ]);
  });

  it('one trusted hop: a client-written X-Forwarded-For entry is not the client address', async () => {
    const app = await testApp({
      config: testConfig({ WEBHOOK_ALLOWED_IPS: 'tradingview', TRUST_PROXY: '1' }),
    });
    try {
      // the client wrote 52.89.214.238; nginx appended the real peer 10.1.2.3
      const spoofed = await post(app, '127.0.0.1', '52.89.214.238, 10.1.2.3');
      expect(spoofed.statusCode).toBe(403);
      expect(spoofed.json().error.code).toBe('SOURCE_NOT_ALLOWED');
      // TradingView itself through the proxy: accepted (reaches authentication)
      const real = await post(app, '127.0.0.1', '52.89.214.238');
      expect(real.json().error.code).toBe('UNKNOWN_ACCOUNT');
    } finally {
      await app.close();
    }
  });

  it('a list of proxy addresses/CIDRs: only those peers may forward', async () => {
    const app = await testApp({
      config: testConfig({ WEBHOOK_ALLOWED_IPS: 'tradingview', TRUST_PROXY: '127.0.0.1,10.0.0.0/8' }),
    });
    try {
      // two trusted proxies in a row (10.0.0.5 forwarded to 127.0.0.1): the client is the next one left
      expect((await post(app, '127.0.0.1', '52.89.214.238, 10.0.0.5')).json().error.code).toBe(
        'UNKNOWN_ACCOUNT',
      );
      // an untrusted hop on the right stops the walk
      expect((await post(app, '127.0.0.1', '52.89.214.238, 198.51.100.1')).statusCode).toBe(403);
      // a peer outside the list is the client, whatever it forwards
      expect((await post(app, '192.0.2.9', '52.89.214.238')).statusCode).toBe(403);
    } finally {
      await app.close();
    }
  });

  it('over a real socket: one hop from loopback, the forwarded address decides', async () => {
    const app = await testApp({
      config: testConfig({ WEBHOOK_ALLOWED_IPS: 'tradingview', TRUST_PROXY: '1' }),
    });
    try {
      const url = await app.app.listen({ host: '127.0.0.1', port: 0 });
      const send = (forwardedFor: string) =>
        fetch(`${url}/api/v1/webhook/tradingview`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
          body: alert,
          signal: AbortSignal.timeout(10_000),
        });
      expect((await send('52.89.214.238, 10.1.2.3')).status).toBe(403);
      const accepted = await send('52.89.214.238');
      expect(((await accepted.json()) as { error: { code: string } }).error.code).toBe('UNKNOWN_ACCOUNT');
    } finally {
      await app.close();
    }
  });

  it('the login lockout counts the real client, however the forwarded header is rotated', async () => {
    const app = await testApp({ config: testConfig({ TRUST_PROXY: '1' }) });
    try {
      await signUp(app.app, 'victim@example.com');
      for (let i = 0; i < 5; i++) {
        const failed = await app.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          remoteAddress: '127.0.0.1',
          headers: { 'x-forwarded-for': `203.0.113.${i + 1}, 198.51.100.9` },
          payload: { email: 'victim@example.com', password: 'wrong password here' },
        });
        expect(failed.statusCode).toBe(401);
      }
      const locked = await app.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: '127.0.0.1',
        headers: { 'x-forwarded-for': '203.0.113.99, 198.51.100.9' },
        payload: { email: 'victim@example.com', password: 'correct horse battery' },
      });
      expect(locked.statusCode).toBe(429);
      // the victim, at another address, is not locked out by what was sent in its name
      const victim = await app.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: '127.0.0.1',
        headers: { 'x-forwarded-for': '198.51.100.9, 192.0.2.44' },
        payload: { email: 'victim@example.com', password: 'correct horse battery' },
      });
      expect(victim.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
