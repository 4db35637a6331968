import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBinanceSimulator, startOkxSimulator } from '@tradingbot/exchange/sim';
import { createExchangeFactory } from '../src/exchange-factory.ts';
import { signUp, testApp, TEST_DATABASE_URL, type TestApp } from './helpers.ts';

/*
 * Keys are checked when they are saved (`verify_keys`, what the web sends): against the venues'
 * wire simulators, whose refusals carry the real venue codes; "unreachable" is a local port that
 * refuses connections.
 */
const KEY = 'A'.repeat(32) + 'b'.repeat(32);
const SECRET = 'C'.repeat(32) + 'd'.repeat(32);
const OKX_KEY = '6f1d2c3b-4a59-4e7d-8c1b-2a3f4e5d6c7b';
const OKX_SECRET = '0A1B2C3D4E5F60718293A4B5C6D7E8F9';
const PASSPHRASE = 'Venue-Test-Passphrase-1';

let t: TestApp;
let binance: Awaited<ReturnType<typeof startBinanceSimulator>>;
let okx: Awaited<ReturnType<typeof startOkxSimulator>>;
let user: Awaited<ReturnType<typeof signUp>>;

/** A loopback address nobody listens on: a port taken and released again. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  binance = await startBinanceSimulator({
    port: 0,
    host: '127.0.0.1',
    apiKey: KEY,
    apiSecret: SECRET,
    balance: 1000,
    prices: { BTCUSDT: 50_000 },
  });
  okx = await startOkxSimulator({
    port: 0,
    host: '127.0.0.1',
    apiKey: OKX_KEY,
    apiSecret: OKX_SECRET,
    passphrase: PASSPHRASE,
    balance: 1000,
    prices: { 'BTC-USDT-SWAP': 50_000 },
  });
  const nowhere = await closedPort();
  t = await testApp({
    connectExchange: createExchangeFactory({
      baseUrls: { binance: binance.url, okx: okx.url },
      requestTimeoutMs: 3000,
    }),
  });
  // A second app whose Binance is a port that refuses connections: "the venue cannot be reached".
  unreachable = await testApp({
    connectExchange: createExchangeFactory({ baseUrls: { binance: nowhere }, requestTimeoutMs: 3000 }),
  });
  user = await signUp(t.app, 'keys@example.com');
  otherUser = await signUp(unreachable.app, 'offline@example.com');
});
let unreachable: TestApp;
let otherUser: Awaited<ReturnType<typeof signUp>>;
afterAll(async () => {
  await t.close();
  await unreachable.close();
  await binance.close();
  await okx.close();
});

const register = (app: TestApp, auth: Record<string, string>, payload: Record<string, unknown>) =>
  app.app.inject({ method: 'POST', url: '/api/v1/accounts-secure/register', headers: auth, payload });
const accountCount = async (app: TestApp, auth: Record<string, string>) =>
  (await app.app.inject({ method: 'GET', url: '/api/v1/accounts-secure/list', headers: auth })).json().total;

describe(`keys checked on save (${TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('saves keys the venue confirms', async () => {
    const answer = await register(t, user.auth, {
      exchange: 'binance',
      api_key: KEY,
      api_secret: SECRET,
      verify_keys: true,
    });
    expect(answer.statusCode).toBe(200);
    expect(answer.json().keys_check).toBe('confirmed');
  });

  it('refuses keys the venue refuses, says why, and saves nothing', async () => {
    const before = await accountCount(t, user.auth);
    const wrongSecret = await register(t, user.auth, {
      exchange: 'binance',
      api_key: KEY,
      api_secret: 'x'.repeat(64),
      verify_keys: true,
    });
    expect(wrongSecret.statusCode).toBe(400);
    expect(wrongSecret.json().error).toMatchObject({
      code: 'ACCOUNT_KEYS_REJECTED',
      details: { reason: 'wrong_secret', venue_code: '-1022' },
    });
    const unknownKey = await register(t, user.auth, {
      exchange: 'binance',
      api_key: 'Z'.repeat(64),
      api_secret: SECRET,
      verify_keys: true,
    });
    expect(unknownKey.statusCode).toBe(400);
    expect(['wrong_key', 'key_ip_or_permission']).toContain(unknownKey.json().error.details.reason);
    const okxPassphrase = await register(t, user.auth, {
      exchange: 'okx',
      api_key: OKX_KEY,
      api_secret: OKX_SECRET,
      passphrase: 'Not-The-Passphrase-9',
      verify_keys: true,
    });
    expect(okxPassphrase.statusCode).toBe(400);
    expect(okxPassphrase.json().error.details.reason).toBe('wrong_passphrase');
    expect(JSON.stringify(okxPassphrase.json())).not.toContain(OKX_SECRET);
    expect(await accountCount(t, user.auth)).toBe(before);
  });

  it('says when the venue cannot be reached, and saves anyway only when asked', async () => {
    const keys = { exchange: 'binance', api_key: KEY, api_secret: SECRET, verify_keys: true };
    const refused = await register(unreachable, otherUser.auth, keys);
    expect(refused.statusCode).toBe(502);
    expect(refused.json().error).toMatchObject({
      code: 'VENUE_UNREACHABLE',
      details: { can_save_anyway: true },
    });
    expect(await accountCount(unreachable, otherUser.auth)).toBe(0);
    const saved = await register(unreachable, otherUser.auth, { ...keys, save_if_unreachable: true });
    expect(saved.statusCode).toBe(200);
    expect(saved.json().keys_check).toBe('unreachable');
  });

  it('does not check paper accounts, nor keys when not asked (API clients, as before)', async () => {
    const paper = await register(t, user.auth, { exchange: 'paper', verify_keys: true });
    expect(paper.statusCode).toBe(200);
    expect(paper.json()).not.toHaveProperty('keys_check');
    const unchecked = await register(t, user.auth, {
      exchange: 'binance',
      api_key: KEY,
      api_secret: 'y'.repeat(64),
    });
    expect(unchecked.statusCode).toBe(200);
  });
});
