import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { signals } from '@tradingbot/db';
import { signUp, testApp, type TestApp } from './helpers.ts';

/*
 * NUL characters, unpaired surrogates and deeply nested JSON, anywhere in a request: a 400 with a
 * stable code, never a 500; an authenticated alert carrying them is recorded (as escaped text)
 * before it is refused. On PGlite, and on PostgreSQL with TEST_DATABASE_URL.
 */

let t: TestApp;
let user: Awaited<ReturnType<typeof signUp>>;
let account: { id: string; webhook_secret: string };

beforeAll(async () => {
  t = await testApp();
  user = await signUp(t.app, 'input@example.com');
  const registered = await t.app.inject({
    method: 'POST',
    url: '/api/v1/accounts-secure/register',
    headers: user.auth,
    payload: { exchange: 'paper', api_key: 'k', api_secret: 's' },
  });
  account = registered.json();
});
afterAll(async () => {
  await t?.close();
});

/** Raw JSON text, so the escapes reach the server as written. */
const NUL = '\\u0000';
const LONE = '\\ud800';
const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

const postJson = (url: string, text: string, headers: Record<string, string> = {}) =>
  t.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...headers },
    payload: text,
  });

function expect400(response: { statusCode: number; json(): unknown }, code: string) {
  expect(response.statusCode, JSON.stringify(response.json())).toBe(400);
  expect((response.json() as { error: { code: string } }).error.code).toBe(code);
}

describe('unsafe characters and depth in requests', () => {
  it.each([
    ['NUL', NUL],
    ['a lone surrogate', LONE],
  ])('login and register with %s in a field: 400 INVALID_CHARACTERS', async (_name, bad) => {
    expect400(
      await postJson('/api/v1/auth/login', `{"email":"a${bad}@example.com","password":"whatever password"}`),
      'INVALID_CHARACTERS',
    );
    expect400(
      await postJson(
        '/api/v1/auth/register',
        `{"email":"b@example.com","password":"pass${bad}word long","name":"x"}`,
      ),
      'INVALID_CHARACTERS',
    );
  });

  it('a query string and a path id with NUL: 400 INVALID_CHARACTERS', async () => {
    expect400(
      await t.app.inject({ method: 'GET', url: '/api/v1/signals?account_id=a%00b', headers: user.auth }),
      'INVALID_CHARACTERS',
    );
    expect400(
      await t.app.inject({ method: 'GET', url: '/api/v1/signals/a%00b', headers: user.auth }),
      'INVALID_CHARACTERS',
    );
    expect400(
      await t.app.inject({ method: 'GET', url: '/api/v1/accounts-secure/x%00y', headers: user.auth }),
      'INVALID_CHARACTERS',
    );
  });

  it('deeply nested JSON: 400 JSON_TOO_DEEP on the API and the webhook', async () => {
    expect400(
      await postJson('/api/v1/auth/login', `{"email":"a@example.com","password":"x","extra":${deep(5000)}}`),
      'JSON_TOO_DEEP',
    );
    const response = await postJson('/api/v1/webhook/tradingview', deep(5000));
    expect(response.statusCode).toBe(400);
  });

  it.each([
    ['NUL', NUL],
    ['a lone surrogate', LONE],
  ])(
    'an authenticated alert with %s is recorded, then refused with INVALID_CHARACTERS',
    async (_name, bad) => {
      const text = `{"account_id":"${account.id}","secret":"${account.webhook_secret}","exchange":"paper","action":"long","symbol":"BTC${bad}USDT","id":"odd-${_name}"}`;
      const response = await postJson('/api/v1/webhook/tradingview', text, { 'content-type': 'text/plain' });
      expect400(response, 'INVALID_CHARACTERS');
      const signalId = (response.json() as { error: { details: { signal_id: string } } }).error.details
        .signal_id;
      expect(signalId).toBeTruthy();
      const [row] = await t.database.db.select().from(signals).where(eq(signals.id, signalId));
      expect(row!.status).toBe('rejected');
      expect(row!.errorCode).toBe('INVALID_CHARACTERS');
      // the alert as received, escaped, without its secret
      const stored = JSON.stringify(row!.payload);
      expect(stored).toContain('BTC');
      expect(stored).toContain(bad.slice(1)); // the escape, as text
      expect(stored).not.toContain(account.webhook_secret);
      // and the user can read it back
      const listed = await t.app.inject({
        method: 'GET',
        url: `/api/v1/signals/${signalId}`,
        headers: user.auth,
      });
      expect(listed.statusCode).toBe(200);
    },
  );

  it('an authenticated alert nested too deep is recorded, then refused with JSON_TOO_DEEP', async () => {
    const text = `{"account_id":"${account.id}","secret":"${account.webhook_secret}","exchange":"paper","action":"long","symbol":"BTCUSDT","comment":${deep(4000)}}`;
    const response = await postJson('/api/v1/webhook/tradingview', text);
    expect400(response, 'JSON_TOO_DEEP');
    const signalId = (response.json() as { error: { details: { signal_id: string } } }).error.details
      .signal_id;
    const [row] = await t.database.db.select().from(signals).where(eq(signals.id, signalId));
    expect(row!.errorCode).toBe('JSON_TOO_DEEP');
  });

  it('an unauthenticated alert with NUL in its account_id: 400, nothing looked up', async () => {
    expect400(
      await postJson('/api/v1/webhook/tradingview', `{"account_id":"a${NUL}","secret":"x"}`),
      'INVALID_CHARACTERS',
    );
  });
});
