import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { startBinanceSimulator } from '@tradingbot/exchange/sim';
import { users } from '@tradingbot/db';
import { createExchangeFactory } from '../src/exchange-factory.ts';
import { signUp, testApp, TEST_DATABASE_URL, type TestApp } from './helpers.ts';

const BINANCE_KEY = 'K'.repeat(32) + 'k'.repeat(32);
const BINANCE_SECRET = 'S'.repeat(32) + '7'.repeat(32);
const OKX_KEY = '0f5b2f1e-7c4d-4c2a-9d1e-3b8a6f0c2d11';
const OKX_SECRET = 'A1B2C3D4E5F60718293A4B5C6D7E8F90';
const OKX_PASSPHRASE = 'My-Passphrase-42';

let t: TestApp;
let simulator: Awaited<ReturnType<typeof startBinanceSimulator>>;
let clock = new Date();

beforeAll(async () => {
  simulator = await startBinanceSimulator({
    port: 0,
    host: '127.0.0.1',
    apiKey: BINANCE_KEY,
    apiSecret: BINANCE_SECRET,
    balance: 2500,
  });
  t = await testApp({
    connectExchange: createExchangeFactory({ baseUrls: { binance: simulator.url } }),
    now: () => clock,
    accessTokenTtlSeconds: 60,
  });
});
afterAll(async () => {
  await t.close();
  await simulator.close();
});

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, payload: payload as Record<string, unknown>, headers });

describe(`auth (${TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('registers, makes no second account for the same email in another case, logs in with either token, and logs out', async () => {
    const ann = await signUp(t.app, 'ann@example.com');
    const again = await post('/api/v1/auth/register', {
      email: 'ANN@example.com',
      password: 'another password',
    });
    expect(again.statusCode).toBe(201); // the same answer as a new email (test/auth-security.test.ts)
    const login = await post('/api/v1/auth/login', {
      email: 'ann@example.com',
      password: 'another password',
    });
    expect(login.json().error.code).toBe('INVALID_CREDENTIALS');

    for (const headers of [ann.auth, ann.jwt]) {
      const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers });
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({ email: 'ann@example.com', total_xp: 0, level: 1, total_trades: 0 });
    }
    const out = await post('/api/v1/auth/logout', {}, ann.auth);
    expect(out.json()).toEqual({ success: true, revoked_sessions: 1 });
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: ann.auth });
    expect(after.statusCode).toBe(401);
    // The design's troubleshooting message for an ended session, with our code saying which it was.
    expect(after.json()).toMatchObject({ detail: 'User not found', error: { code: 'SESSION_EXPIRED' } });
  });

  it('refuses missing, garbled and expired tokens with 401', async () => {
    const bob = await signUp(t.app, 'bob@example.com');
    for (const authorization of [
      undefined,
      'Bearer',
      'Bearer nonsense',
      'Basic abc',
      `Bearer ${bob.access_token}x`,
    ]) {
      const response = await t.app.inject({
        method: 'GET',
        url: '/api/v1/auth/me',
        headers: authorization ? { authorization } : {},
      });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('UNAUTHENTICATED');
    }
    clock = new Date(clock.getTime() + 61_000); // past the 60-second access-token lifetime
    const expired = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bob.jwt });
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toEqual({
      detail: 'User not found',
      error: { code: 'SESSION_EXPIRED', message: 'The access token expired; refresh it or sign in again' },
    });
    const session = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bob.auth });
    expect(session.statusCode).toBe(200); // the 30-day session token still works
  });

  it('answers a valid token of a deleted user with "User not found"', async () => {
    const carl = await signUp(t.app, 'carl@example.com');
    await t.database.db.delete(users).where(eq(users.id, carl.user.id));
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: carl.jwt });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({
      detail: 'User not found',
      error: { code: 'USER_NOT_FOUND', message: 'User not found' },
    });
  });

  it('locks an email out after five wrong passwords, even for the right one', async () => {
    await signUp(t.app, 'dana@example.com');
    for (let i = 0; i < 5; i++) {
      const wrong = await post('/api/v1/auth/login', { email: 'dana@example.com', password: `wrong ${i}` });
      expect(wrong.json().error.code).toBe('INVALID_CREDENTIALS');
    }
    const locked = await post('/api/v1/auth/login', {
      email: 'dana@example.com',
      password: 'correct horse battery',
    });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('TOO_MANY_ATTEMPTS');
    clock = new Date(clock.getTime() + 31_000); // the first lockout lasts 30 s
    expect(
      (await post('/api/v1/auth/login', { email: 'dana@example.com', password: 'correct horse battery' }))
        .statusCode,
    ).toBe(200);
  });

  it('gives an unknown email the same answer as a wrong password', async () => {
    const response = await post('/api/v1/auth/login', {
      email: 'nobody@example.com',
      password: 'whatever it is',
    });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('INVALID_CREDENTIALS');
  });
});

describe('exchange accounts', () => {
  let eve: Awaited<ReturnType<typeof signUp>>;
  let mallory: Awaited<ReturnType<typeof signUp>>;
  beforeAll(async () => {
    eve = await signUp(t.app, 'eve@example.com');
    mallory = await signUp(t.app, 'mallory@example.com');
  });

  it('registers, lists, toggles, tests, re-keys and deletes a paper account under /api/v1/accounts-secure', async () => {
    const created = await post(
      '/api/v1/accounts-secure/register',
      { exchange: 'paper', api_key: 'paper-key', api_secret: 'paper-secret' },
      eve.auth,
    );
    expect(created.statusCode).toBe(200); // 200 as in the design's example (test/design-contract.test.ts)
    const account = created.json();
    expect(account).toMatchObject({ exchange: 'paper', testnet: true, is_active: true }); // testnet defaults to true
    expect(account.webhook_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(account.webhook_secret_hint).toBe(account.webhook_secret.slice(-4));

    const list = (
      await t.app.inject({ method: 'GET', url: '/api/v1/accounts-secure/list', headers: eve.auth })
    ).json();
    expect(list.total).toBe(1);
    expect(list.accounts[0]).not.toHaveProperty('webhook_secret');

    const toggled = await post(`/api/v1/accounts-secure/${account.id}/toggle`, {}, eve.auth);
    expect(toggled.json()).toEqual({ success: true, account_id: account.id, is_active: false });

    const test = await post(`/api/v1/accounts-secure/${account.id}/test`, {}, eve.auth);
    expect(test.json()).toEqual({
      ok: true,
      exchange: 'paper',
      testnet: true,
      balance: { asset: 'USDT', total: '10000', available: '10000' },
    });

    const rotated = (
      await post(`/api/v1/accounts-secure/${account.id}/webhook-secret/rotate`, {}, eve.auth)
    ).json();
    expect(rotated.webhook_secret).not.toBe(account.webhook_secret);

    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/accounts-secure/${account.id}`,
      headers: eve.auth,
    });
    expect(deleted.json()).toEqual({ success: true, message: 'Account deleted successfully' });
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/accounts-secure/list', headers: eve.auth })).json()
        .total,
    ).toBe(0);
  });

  it('registers a paper account without keys, and still requires them for live venues', async () => {
    const paper = await post('/api/v1/accounts-secure/register', { exchange: 'paper' }, eve.auth);
    expect(paper.statusCode).toBe(200);
    const test = (await post(`/api/v1/accounts-secure/${paper.json().id}/test`, {}, eve.auth)).json();
    expect(test).toMatchObject({ ok: true, exchange: 'paper' });

    const binance = await post('/api/v1/accounts-secure/register', { exchange: 'binance' }, eve.auth);
    expect(binance.statusCode).toBe(400);
    const fields = binance.json().error.details.issues.map((issue: { field: string }) => issue.field);
    expect(fields).toEqual(expect.arrayContaining(['api_key', 'api_secret']));

    // Each issue carries what a client needs to word it in its own language.
    const long = await post(
      '/api/v1/accounts-secure/register',
      { exchange: 'paper', label: 'x'.repeat(65) },
      eve.auth,
    );
    expect(long.json().error.details.issues).toEqual([
      expect.objectContaining({ field: 'label', code: 'too_big', maximum: 64, origin: 'string' }),
    ]);
  });

  it('tests Binance keys with a real balance call against the Binance wire simulator', async () => {
    const good = (
      await post(
        '/api/v1/accounts-secure/register',
        { exchange: 'binance', api_key: BINANCE_KEY, api_secret: BINANCE_SECRET },
        eve.auth,
      )
    ).json();
    const result = (await post(`/api/v1/accounts-secure/${good.id}/test`, {}, eve.auth)).json();
    expect(result).toMatchObject({
      ok: true,
      exchange: 'binance',
      balance: { asset: 'USDT', total: '2500' },
    });

    const bad = (
      await post(
        '/api/v1/accounts-secure/register',
        { exchange: 'binance', api_key: BINANCE_KEY, api_secret: 'x'.repeat(64) },
        eve.auth,
      )
    ).json();
    const refused = (await post(`/api/v1/accounts-secure/${bad.id}/test`, {}, eve.auth)).json();
    expect(refused.ok).toBe(false);
    expect(refused.error.code).toBe('EXCHANGE_AUTH_FAILED'); // the venue said -1022 (bad signature)
  });

  it('requires a passphrase for OKX only', async () => {
    const without = await post(
      '/api/v1/accounts-secure/register',
      { exchange: 'okx', api_key: OKX_KEY, api_secret: OKX_SECRET },
      eve.auth,
    );
    expect(without.statusCode).toBe(400);
    expect(without.json().error.message).toContain('OKX accounts need the API passphrase');
    const extra = await post(
      '/api/v1/accounts-secure/register',
      { exchange: 'binance', api_key: BINANCE_KEY, api_secret: BINANCE_SECRET, passphrase: 'x' },
      eve.auth,
    );
    expect(extra.json().error.message).toContain('binance accounts have no passphrase');
    const okx = await post(
      '/api/v1/accounts-secure/register',
      {
        exchange: 'okx',
        api_key: OKX_KEY,
        api_secret: OKX_SECRET,
        passphrase: OKX_PASSPHRASE,
        testnet: false,
      },
      eve.auth,
    );
    expect(okx.statusCode).toBe(200);
    expect(okx.json().testnet).toBe(false);
  });

  it("lets nobody see or touch another user's account: the same 404 as a missing id", async () => {
    const target = (
      await post(
        '/api/v1/accounts-secure/register',
        { exchange: 'paper', api_key: 'k', api_secret: 's' },
        eve.auth,
      )
    ).json();
    const missing = '00000000-0000-4000-8000-000000000000';
    const attempts = (id: string) => [
      t.app.inject({ method: 'POST', url: `/api/v1/accounts-secure/${id}/toggle`, headers: mallory.auth }),
      t.app.inject({ method: 'POST', url: `/api/v1/accounts-secure/${id}/test`, headers: mallory.auth }),
      t.app.inject({
        method: 'POST',
        url: `/api/v1/accounts-secure/${id}/webhook-secret/rotate`,
        headers: mallory.auth,
      }),
      t.app.inject({ method: 'DELETE', url: `/api/v1/accounts-secure/${id}`, headers: mallory.auth }),
      t.app.inject({
        method: 'GET',
        url: `/api/v1/simple/export-pine?strategy=ema_cross&account_id=${id}`,
        headers: mallory.auth,
      }),
    ];
    const theirs = await Promise.all(attempts(target.id));
    const nobodys = await Promise.all(attempts(missing));
    theirs.forEach((response, k) => {
      expect(response.statusCode).toBe(404);
      expect(response.body).toBe(nobodys[k]!.body);
    });
    const list = (
      await t.app.inject({ method: 'GET', url: '/api/v1/accounts-secure/list', headers: mallory.auth })
    ).json();
    expect(list).toEqual({ accounts: [], total: 0 });
    // And the account is untouched.
    const mine = (
      await t.app.inject({ method: 'GET', url: '/api/v1/accounts-secure/list', headers: eve.auth })
    ).json();
    expect(mine.accounts.find((a: { id: string }) => a.id === target.id)).toMatchObject({ is_active: true });
  });

  it('exports the Pine script for an own account with the webhook URL and no secret', async () => {
    const account = (
      await post(
        '/api/v1/accounts-secure/register',
        { exchange: 'paper', api_key: 'k', api_secret: 's' },
        eve.auth,
      )
    ).json();
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/v1/simple/export-pine?strategy=supertrend&params=${encodeURIComponent('{"factor":2.5}')}&account_id=${account.id}`,
      headers: eve.auth,
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.script).toMatch(/^\/\/@version=6/);
    expect(body.script).toContain(account.id);
    expect(body.script).not.toContain(account.webhook_secret);
    expect(body.webhook_url).toBe(`${t.config.publicUrl}/api/v1/webhook/tradingview`);
    const bad = await t.app.inject({
      method: 'GET',
      url: `/api/v1/simple/export-pine?strategy=nope&account_id=${account.id}`,
      headers: eve.auth,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('UNKNOWN_STRATEGY');
  });
});

describe('secrets', () => {
  it('never appear in a response, a log line or the database', async () => {
    const password = 'planted-password-Zq9';
    const secret = 'PlantedSecret' + 'Q'.repeat(51);
    const key = 'PlantedKey' + 'W'.repeat(54);
    const reg = await post('/api/v1/auth/register', { email: 'fay@example.com', password });
    const login = await post('/api/v1/auth/login', { email: 'fay@example.com', password });
    const session = login.json().session_token as string;
    const auth = { authorization: `Bearer ${session}` };
    const account = await post(
      '/api/v1/accounts-secure/register',
      { exchange: 'binance', api_key: key, api_secret: secret },
      auth,
    );
    const passphrase = 'PlantedPassphrase';
    await post(
      '/api/v1/accounts-secure/register',
      { exchange: 'okx', api_key: OKX_KEY, api_secret: 'C'.repeat(32), passphrase },
      auth,
    );
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/accounts-secure/list', headers: auth });
    await post(`/api/v1/accounts-secure/${account.json().id}/test`, {}, auth);
    const webhookSecret = account.json().webhook_secret as string;

    const responses = [reg, account, list].map((r) => r.body).join('\n');
    for (const planted of [password, secret, key, passphrase]) expect(responses).not.toContain(planted);
    const logs = t.logs.join('');
    for (const planted of [password, secret, key, passphrase, session, webhookSecret])
      expect(logs).not.toContain(planted);

    // A dump of every row of every table, as text.
    const tables = await t.database.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`,
    );
    let dump = '';
    for (const { table_name } of tables)
      dump += JSON.stringify(await t.database.query(`SELECT * FROM ${table_name}`));
    expect(dump.length).toBeGreaterThan(1000);
    for (const planted of [password, secret, key, passphrase, session, webhookSecret])
      expect(dump).not.toContain(planted);
  });
});

describe('bad input', () => {
  const routes = [
    '/api/v1/auth/register',
    '/api/v1/auth/login',
    '/api/v1/accounts-secure/register',
    '/api/v1/auth/logout',
  ];
  let auth: Record<string, string>;
  beforeAll(async () => {
    auth = (await signUp(t.app, 'fuzz@example.com')).auth;
  });

  it('any JSON value posted to any route gets a 4xx with a code, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.jsonValue(), async (url, value) => {
        const response = await t.app.inject({
          method: 'POST',
          url,
          headers: { ...auth, 'content-type': 'application/json' },
          payload: JSON.stringify(value),
        });
        expect(response.statusCode).toBeLessThan(500);
        if (response.statusCode >= 400) expect(response.json().error.code).toMatch(/^[A-Z_]+$/);
      }),
      { numRuns: 150 },
    );
  });

  const account = { exchange: 'paper', api_key: 'k', api_secret: 's' };
  it.each([
    ['bad JSON', 'application/json', '{"exchange":', 400, 'INVALID_JSON'],
    ['wrong content type', 'application/xml', '<a/>', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    [
      'oversize body',
      'application/json',
      JSON.stringify({ ...account, label: 'x'.repeat(70_000) }),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'unknown field',
      'application/json',
      JSON.stringify({ ...account, admin: true }),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'wrong type',
      'application/json',
      JSON.stringify({ ...account, testnet: 'yes' }),
      400,
      'VALIDATION_FAILED',
    ],
    ['missing field', 'application/json', JSON.stringify({ exchange: 'binance' }), 400, 'VALIDATION_FAILED'],
    [
      'unknown exchange',
      'application/json',
      JSON.stringify({ ...account, exchange: 'kraken' }),
      400,
      'VALIDATION_FAILED',
    ],
  ])('%s is refused with its own code', async (_name, contentType, payload, status, code) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/accounts-secure/register',
      headers: { ...auth, 'content-type': contentType },
      payload,
    });
    expect(response.statusCode).toBe(status);
    expect(response.json().error.code).toBe(code);
  });

  it('answers an unknown route with the same error shape', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('NOT_FOUND');
  });
});

describe('operations', () => {
  it('documents every route at /docs with its schemas', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(Object.keys(spec.paths).sort()).toEqual([
      '/api/v1/account-groups',
      '/api/v1/account-groups/{id}',
      '/api/v1/account-groups/{id}/webhook-secret/rotate',
      '/api/v1/accounts-secure/list',
      '/api/v1/accounts-secure/register',
      '/api/v1/accounts-secure/{id}',
      '/api/v1/accounts-secure/{id}/balance',
      '/api/v1/accounts-secure/{id}/cancel-orders',
      '/api/v1/accounts-secure/{id}/chart',
      '/api/v1/accounts-secure/{id}/close',
      '/api/v1/accounts-secure/{id}/equity',
      '/api/v1/accounts-secure/{id}/fills',
      '/api/v1/accounts-secure/{id}/flatten',
      '/api/v1/accounts-secure/{id}/market-data',
      '/api/v1/accounts-secure/{id}/open-orders',
      '/api/v1/accounts-secure/{id}/pause',
      '/api/v1/accounts-secure/{id}/pnl',
      '/api/v1/accounts-secure/{id}/positions',
      '/api/v1/accounts-secure/{id}/protection-policy',
      '/api/v1/accounts-secure/{id}/resume',
      '/api/v1/accounts-secure/{id}/settings',
      '/api/v1/accounts-secure/{id}/stream',
      '/api/v1/accounts-secure/{id}/test',
      '/api/v1/accounts-secure/{id}/toggle',
      '/api/v1/accounts-secure/{id}/trades',
      '/api/v1/accounts-secure/{id}/webhook-secret/rotate',
      '/api/v1/auth/login',
      '/api/v1/auth/login/totp',
      '/api/v1/auth/logout',
      '/api/v1/auth/me',
      '/api/v1/auth/password',
      '/api/v1/auth/register',
      '/api/v1/auth/sessions',
      '/api/v1/auth/sessions/{id}',
      '/api/v1/auth/totp',
      '/api/v1/auth/totp/confirm',
      '/api/v1/auth/totp/disable',
      '/api/v1/auth/totp/enroll',
      '/api/v1/auth/totp/recovery-codes',
      '/api/v1/backtests',
      '/api/v1/bots',
      '/api/v1/bots/{id}',
      '/api/v1/bots/{id}/chart',
      '/api/v1/bots/{id}/start',
      '/api/v1/bots/{id}/stop',
      '/api/v1/events',
      '/api/v1/health',
      '/api/v1/health/live',
      '/api/v1/health/ready',
      '/api/v1/history/returns',
      '/api/v1/history/trades',
      '/api/v1/lab/runs',
      '/api/v1/lab/runs/{id}',
      '/api/v1/lab/runs/{id}/result',
      '/api/v1/notifications/channels',
      '/api/v1/notifications/channels/{id}',
      '/api/v1/notifications/channels/{id}/test',
      '/api/v1/notifications/telegram',
      '/api/v1/notifications/telegram/link',
      '/api/v1/optimizations',
      '/api/v1/optimizations/{id}',
      '/api/v1/signals',
      '/api/v1/signals/refused',
      '/api/v1/signals/{id}',
      '/api/v1/simple/export-pine',
      '/api/v1/strategies',
      '/api/v1/webhook/health',
      '/api/v1/webhook/tradingview',
    ]);
    expect(
      spec.paths['/api/v1/accounts-secure/register'].post.requestBody.content['application/json'].schema
        .properties,
    ).toHaveProperty('api_secret');
    expect((await t.app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);
  });

  it('counts requests by route and status for Prometheus', async () => {
    await t.app.inject({ method: 'GET', url: '/api/v1/health' });
    const metrics = await t.app.metrics.metrics();
    expect(metrics).toMatch(
      /http_requests_total\{method="GET",route="\/api\/v1\/health",status="200"\} [1-9]/,
    );
    expect(metrics).toContain('http_request_duration_seconds_bucket');
  });

  it('sends security headers and no CORS grant to an unconfigured origin', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/v1/health',
      headers: { origin: 'https://evil.example' },
    });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });
});
