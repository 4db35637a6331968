import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, testApp, testConfig, type TestApp } from './helpers.ts';

/**
 * Issue 15, finding 11: a failed insert logged every query parameter (encrypted credentials, the
 * webhook secret's hash, password hashes). The log keeps the statement and the error code only.
 */
describe('database errors in the log', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  it('a failing insert logs its statement and SQLSTATE, never a parameter or row value', async () => {
    const eve = await signUp(t.app, 'eve-logs@example.com');
    // A duplicate key on the second account of the same label: the insert itself fails.
    await t.database.exec('CREATE UNIQUE INDEX test_one_label_per_user ON api_keys (user_id, label)');
    const register = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/accounts-secure/register',
        headers: eve.auth,
        payload: { exchange: 'paper', api_key: 'paper-key-logs', api_secret: 'paper-secret-logs' },
      });
    expect((await register()).statusCode).toBe(200);
    const before = t.logs.length;
    const failed = await register();
    expect(failed.statusCode).toBe(500);
    expect(failed.json().error.code).toBe('INTERNAL');
    const log = t.logs.slice(before).join('');
    expect(log).toContain('request failed');
    expect(log).toContain('Failed query: insert into \\"api_keys\\"'); // the statement
    expect(log).toContain('23505'); // unique_violation
    expect(log).toContain('test_one_label_per_user'); // the constraint
    expect(log).not.toContain(`v1:${t.config.keyRing.current.id}:`); // no credential ciphertext
    expect(log).not.toMatch(/[0-9a-f]{64}/); // no webhook-secret hash
    expect(log).not.toContain(eve.user.id); // no row value (the user id is a parameter)
    expect(log).not.toContain('params');
    expect(log).not.toContain('Key (');
  });
});

describe('log format', () => {
  it('LOG_FORMAT=pretty writes lines for people (pino-pretty), without the secrets JSON lines omit', async () => {
    const t = await testApp({ config: testConfig({ LOG_FORMAT: 'pretty' }) });
    try {
      const login = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'nobody@example.com', password: 'not-logged-anywhere' },
      });
      expect(login.statusCode).toBe(401);
      const text = t.logs.join('');
      expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: /m);
      expect(text).toContain('request completed');
      expect(t.logs.some((line) => line.trimStart().startsWith('{'))).toBe(false);
      expect(text).not.toContain('not-logged-anywhere');
    } finally {
      await t.close();
    }
  });

  it('JSON otherwise: one object a line', async () => {
    const t = await testApp();
    try {
      await t.app.inject({ method: 'GET', url: '/api/v1/health' });
      for (const line of t.logs) expect(() => JSON.parse(line)).not.toThrow();
    } finally {
      await t.close();
    }
  });
});
