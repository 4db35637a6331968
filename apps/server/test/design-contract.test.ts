/**
 * The original design's HTTP examples (its API endpoint guide, which this API implements), held
 * here verbatim and sent to the real server over loopback HTTP, on PGlite and,
 * when TEST_DATABASE_URL is set, on PostgreSQL (`testApp`). Each answer must carry the example's
 * status and every key and value it shows; extra keys are allowed. Values the example invents
 * (ids, timestamps, tokens, credentials) are placeholders, filled in or matched per example below.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBinanceSimulator } from '@tradingbot/exchange/sim';
import { createExchangeFactory } from '../src/exchange-factory.ts';
import { signUp, testApp, type TestApp } from './helpers.ts';

// ── The design's examples, verbatim ────────────────────────────────────────────────────────────

const WEBHOOK = `POST /api/v1/webhook/tradingview
Content-Type: application/json

{
  "account_id": "user_abc_key_xyz",  # DB의 ApiKey.id
  "exchange": "binance",
  "action": "long",
  "symbol": "BTCUSDT",
  "leverage": 10,
  "secret": "webhook_secret_key"
}

Response 200 OK:
{
  "success": true,
  "message": "LONG order executed on binance",
  "order_details": {
    "exchange": "binance",
    "action": "long",
    "symbol": "BTCUSDT",
    "results": {
      "entry": {...},
      "leverage": {...}
    }
  }
}`;

const REGISTER = `POST /api/v1/accounts-secure/register
Authorization: Bearer <user_token>
Content-Type: application/json

{
  "exchange": "binance",
  "api_key": "user_binance_api_key",
  "api_secret": "user_binance_secret",
  "testnet": true
}

Response 200 OK:
{
  "id": "550e8400-e29b-41d4-a716-446655440000",
  "exchange": "binance",
  "testnet": true,
  "is_active": true,
  "created_at": "2025-01-01T00:00:00"
}`;

const LIST = `GET /api/v1/accounts-secure/list
Authorization: Bearer <user_token>

Response 200 OK:
{
  "accounts": [
    {
      "id": "550e8400-e29b-41d4-a716-446655440000",
      "exchange": "binance",
      "testnet": true,
      "is_active": true,
      "created_at": "2025-01-01T00:00:00"
    }
  ],
  "total": 1
}`;

const DELETE = `DELETE /api/v1/accounts-secure/{account_id}
Authorization: Bearer <user_token>

Response 200 OK:
{
  "success": true,
  "message": "Account deleted successfully"
}`;

const TOGGLE = `POST /api/v1/accounts-secure/{account_id}/toggle
Authorization: Bearer <user_token>

Response 200 OK:
{
  "success": true,
  "account_id": "550e8400-e29b-41d4-a716-446655440000",
  "is_active": false
}`;

/** The design's health route (it prints no answer for it: a 200 is its contract). */
const HEALTH = `GET /api/v1/webhook/health

Response 200 OK:
{}`;

// ── Reading an example ─────────────────────────────────────────────────────────────────────────

/** Stands for a value the example shows as `{...}`: any object. */
const ANY_OBJECT = '<<any object>>';
/** Stands for the example's timestamp: the server's own (ISO 8601, UTC). */
const ANY_TIMESTAMP = '<<any timestamp>>';
/** Stands for a generated id: any non-empty string. */
const ANY_ID = '<<any id>>';

type Example = {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
  status: number;
  expected: unknown;
};

/**
 * Parses one example after replacing its placeholders (`fill`: the example's text → the real
 * value, or one of the ANY_ markers): request line, headers, JSON body with the design's `#`
 * comments, then `Response NNN …:` and the JSON it shows.
 */
function parseExample(text: string, fill: Record<string, string> = {}): Example {
  let filled = text;
  for (const [placeholder, value] of Object.entries(fill)) filled = filled.split(placeholder).join(value);
  const [request, response] = filled.split(/\n\nResponse /);
  const [head, ...bodyParts] = request!.split('\n\n');
  const [requestLine, ...headerLines] = head!.split('\n');
  const [method, path] = requestLine!.split(' ');
  const headers = Object.fromEntries(
    headerLines.map((line) => {
      const at = line.indexOf(':');
      return [line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim()];
    }),
  );
  const rawBody = bodyParts.join('\n\n').replace(/\s+#.*$/gm, '');
  const statusLine = /^(\d{3})[^\n]*:\n/.exec(response!)!;
  const expectedJson = response!
    .slice(statusLine[0].length)
    .replace(/\{\.\.\.\}/g, JSON.stringify(ANY_OBJECT));
  return {
    method: method!,
    path: path!,
    headers,
    body: rawBody.trim() === '' ? undefined : JSON.stringify(JSON.parse(rawBody)),
    status: Number(statusLine[1]),
    expected: JSON.parse(expectedJson),
  };
}

/** Every key and value the example shows is in the answer (extra keys allowed). */
function expectShown(actual: unknown, expected: unknown, where = '$'): void {
  if (expected === ANY_OBJECT) {
    expect(actual, where).toBeTypeOf('object');
    expect(actual, where).not.toBeNull();
  } else if (expected === ANY_TIMESTAMP) {
    expect(actual, where).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/);
  } else if (expected === ANY_ID) {
    expect(actual, where).toMatch(/^\S+$/);
  } else if (Array.isArray(expected)) {
    expect(actual, where).toBeInstanceOf(Array);
    expect((actual as unknown[]).length, `${where}.length`).toBe(expected.length);
    expected.forEach((item, i) => expectShown((actual as unknown[])[i], item, `${where}[${i}]`));
  } else if (typeof expected === 'object' && expected !== null) {
    expect(actual, where).toBeTypeOf('object');
    for (const [key, value] of Object.entries(expected)) {
      expect(actual, where).toHaveProperty([key]);
      expectShown((actual as Record<string, unknown>)[key], value, `${where}.${key}`);
    }
  } else {
    expect(actual, where).toBe(expected);
  }
}

// ── The server ─────────────────────────────────────────────────────────────────────────────────

/** Binance-format credentials (64 letters and digits) the simulator accepts: the user's real keys. */
const API_KEY = 'K'.repeat(32) + 'k'.repeat(32);
const API_SECRET = 'S'.repeat(32) + 's'.repeat(32);

let t: TestApp;
let base: string;
let sim: Awaited<ReturnType<typeof startBinanceSimulator>>;
let token: string;

beforeAll(async () => {
  sim = await startBinanceSimulator({
    port: 0,
    host: '127.0.0.1',
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    balance: 10_000,
    prices: { BTCUSDT: 50_000 },
  });
  t = await testApp({
    connectExchange: createExchangeFactory({ baseUrls: { binance: sim.url } }),
    // The example shows the executed answer; on a loaded machine the default 2.5 s could pass first and
    // answer 202 (that path is webhook-deadline.test.ts's).
    answerWithinMs: 20_000,
  });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  token = (await signUp(t.app, 'design@example.com')).session_token;
});
afterAll(async () => {
  await t?.close();
  await sim?.close();
});

/** Sends the example as written over HTTP; `extraHeaders` adds what some clients also send. */
async function send(example: Example, extraHeaders: Record<string, string> = {}) {
  const response = await fetch(`${base}${example.path}`, {
    method: example.method,
    headers: { ...example.headers, ...extraHeaders },
    ...(example.body !== undefined ? { body: example.body } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const auth = () => ({ '<user_token>': token });

// The examples run in the order a user meets them; each `it` uses what the previous ones made.
describe.sequential("the design's HTTP examples, verbatim, against the server", () => {
  let accountId: string;
  let webhookSecret: string;

  it('GET /api/v1/webhook/health answers 200', async () => {
    const example = parseExample(HEALTH);
    const { status, body } = await send(example);
    expect(status).toBe(example.status);
    expectShown(body, example.expected);
  });

  it('POST /api/v1/accounts-secure/register answers 200 OK with the registered account', async () => {
    const example = parseExample(REGISTER, {
      ...auth(),
      user_binance_api_key: API_KEY,
      user_binance_secret: API_SECRET,
      '550e8400-e29b-41d4-a716-446655440000': ANY_ID,
      '2025-01-01T00:00:00': ANY_TIMESTAMP,
    });
    const { status, body } = await send(example);
    expect(status).toBe(200);
    expect(status).toBe(example.status);
    expectShown(body, example.expected);
    expect(JSON.stringify(body)).not.toContain(API_SECRET); // never returns a secret
    accountId = String(body.id);
    webhookSecret = String(body.webhook_secret);
  });

  it('GET /api/v1/accounts-secure/list answers 200 OK with the accounts and their total', async () => {
    const example = parseExample(LIST, {
      ...auth(),
      '550e8400-e29b-41d4-a716-446655440000': accountId,
      '2025-01-01T00:00:00': ANY_TIMESTAMP,
    });
    const { status, body } = await send(example);
    expect(status).toBe(example.status);
    expectShown(body, example.expected);
  });

  it('POST /api/v1/webhook/tradingview answers 200 OK with the order details, action as sent', async () => {
    const example = parseExample(WEBHOOK, { user_abc_key_xyz: accountId, webhook_secret_key: webhookSecret });
    const { status, body } = await send(example);
    expect(status).toBe(example.status);
    expectShown(body, example.expected);
  });

  it('POST /api/v1/accounts-secure/{account_id}/toggle answers 200 OK with the new state', async () => {
    const example = parseExample(TOGGLE, {
      ...auth(),
      '{account_id}': accountId,
      '550e8400-e29b-41d4-a716-446655440000': accountId,
    });
    const { status, body } = await send(example);
    expect(status).toBe(example.status);
    expectShown(body, example.expected);
  });

  it('takes the body-less toggle with Content-Type: application/json as many clients send it', async () => {
    const example = parseExample(TOGGLE, {
      ...auth(),
      '{account_id}': accountId,
      '550e8400-e29b-41d4-a716-446655440000': accountId,
    });
    const { status, body } = await send(example, { 'content-type': 'application/json' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ success: true, account_id: accountId, is_active: true }); // on again
  });

  it('DELETE /api/v1/accounts-secure/{account_id} answers 200 OK, also with Content-Type: application/json', async () => {
    const example = parseExample(DELETE, { ...auth(), '{account_id}': accountId });
    const { status, body } = await send(example, { 'content-type': 'application/json' });
    expect(status).toBe(example.status);
    expectShown(body, example.expected);
    const list = await send(parseExample(LIST, { ...auth() }));
    expect(list.body).toMatchObject({ accounts: [], total: 0 });
  });
});

describe("the design's error bodies and troubleshooting messages", () => {
  it("answers errors with `detail` for the design's clients and `error` with our code", async () => {
    const example = parseExample(REGISTER, { ...auth() }); // the example's keys are not Binance keys
    const { status, body } = await send(example);
    expect(status).toBe(400);
    expect(body.detail).toBe((body.error as { message: string }).message);
    expect(body.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    // Validation errors keep their field list.
    expect(
      (body.error as { details: { issues: Array<{ field: string }> } }).details.issues.map((i) => i.field),
    ).toEqual(['api_key', 'api_secret']);
  });

  it('"Invalid webhook secret" when the alert carries another secret', async () => {
    const registered = await send(
      parseExample(REGISTER, { ...auth(), user_binance_api_key: API_KEY, user_binance_secret: API_SECRET }),
    );
    const example = parseExample(WEBHOOK, {
      user_abc_key_xyz: String(registered.body.id),
      webhook_secret_key: 'not-the-account-secret',
    });
    const { status, body } = await send(example);
    expect(status).toBe(401);
    expect(body).toMatchObject({
      detail: 'Invalid webhook secret',
      error: { code: 'INVALID_WEBHOOK_SECRET' },
    });
  });

  it('"User not found" for a session that ended, with SESSION_EXPIRED as the code', async () => {
    const ended = await signUp(t.app, 'ended@example.com');
    const logout = await fetch(`${base}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ended.session_token}`, 'content-type': 'application/json' },
    });
    expect(logout.status).toBe(200); // body-less, with a JSON content type
    const { status, body } = await send(parseExample(LIST, { '<user_token>': ended.session_token }));
    expect(status).toBe(401);
    expect(body).toEqual({
      detail: 'User not found',
      error: { code: 'SESSION_EXPIRED', message: expect.any(String) },
    });
  });

  it('still refuses a body that is not JSON under Content-Type: application/json', async () => {
    const response = await fetch(`${base}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"unfinished":',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: 'INVALID_JSON' },
      detail: expect.any(String),
    });
  });
});
