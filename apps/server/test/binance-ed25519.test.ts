import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBinanceSimulator } from '@tradingbot/exchange/sim';
import { createExchangeFactory } from '../src/exchange-factory.ts';
import { signUp, testApp, TEST_DATABASE_URL, type TestApp } from './helpers.ts';

/**
 * A Binance account registered with an Ed25519 API key: the secret is the user's PEM private key
 * (here flattened onto one line as a password field delivers it), stored encrypted like any secret,
 * and the account's calls are signed with it; the simulator knows only the public key.
 */
const BINANCE_KEY = 'E'.repeat(32) + 'd'.repeat(32);
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const PRIVATE_PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const PUBLIC_PEM = publicKey.export({ type: 'spki', format: 'pem' }).toString();

let t: TestApp;
let simulator: Awaited<ReturnType<typeof startBinanceSimulator>>;

beforeAll(async () => {
  simulator = await startBinanceSimulator({
    port: 0,
    apiKey: BINANCE_KEY,
    apiSecret: PUBLIC_PEM,
    balance: 777,
  });
  t = await testApp({ connectExchange: createExchangeFactory({ baseUrls: { binance: simulator.url } }) });
});
afterAll(async () => {
  await t.close();
  await simulator.close();
});

describe(`Binance Ed25519 keys (${TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('registers the PEM, keeps it encrypted, and tests the connection with Ed25519 signatures', async () => {
    const eve = await signUp(t.app, 'ed25519@example.com');
    const flat = PRIVATE_PEM.trim().replace(/\n/g, ' ');
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/accounts-secure/register',
      headers: eve.auth,
      payload: { exchange: 'binance', api_key: BINANCE_KEY, api_secret: flat },
    });
    expect(created.statusCode).toBe(200);
    const id = created.json().id as string;

    const rows = await t.database.query<{ api_secret_enc: string }>(
      'SELECT api_secret_enc FROM api_keys WHERE id = $1',
      [id],
    );
    const stored = rows[0]?.api_secret_enc ?? '';
    expect(stored).not.toBe('');
    expect(stored).not.toContain('PRIVATE KEY');
    expect(stored).not.toContain(flat.split(' ')[3]!.slice(0, 24)); // no part of the key in clear

    const tested = await t.app.inject({
      method: 'POST',
      url: `/api/v1/accounts-secure/${id}/test`,
      headers: eve.auth,
      payload: {},
    });
    expect(tested.json()).toMatchObject({ ok: true, exchange: 'binance', balance: { total: '777' } });
    const signed = simulator.requests.filter(
      (r) => r.path === '/fapi/v2/balance' || r.path === '/fapi/v3/balance',
    );
    expect(signed.at(-1)?.query).toMatch(/signature=[A-Za-z0-9%]+%3D%3D$/);
    expect(t.logs.join('')).not.toContain('PRIVATE KEY');
  });

  it('refuses a PEM that is not an Ed25519 private key with 400 and the format message', async () => {
    const eve = await signUp(t.app, 'ed25519-rsa@example.com');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/accounts-secure/register',
      headers: eve.auth,
      payload: { exchange: 'binance', api_key: BINANCE_KEY, api_secret: PUBLIC_PEM.trim() },
    });
    expect(refused.statusCode).toBe(400);
    expect(JSON.stringify(refused.json())).toContain('Ed25519');
    const tooLong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/accounts-secure/register',
      headers: eve.auth,
      payload: { exchange: 'binance', api_key: BINANCE_KEY, api_secret: rsa },
    });
    expect(tooLong.statusCode).toBe(400);
  });
});
