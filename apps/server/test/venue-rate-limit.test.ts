import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBinanceSimulator, startOkxSimulator } from '@tradingbot/exchange/sim';
import { createExchangeFactory } from '../src/exchange-factory.ts';
import { VenueGates } from '../src/services/venue-gate.ts';
import { signUp, testApp, type TestApp } from './helpers.ts';

/*
 * A venue at its rate limit backs off — every account of it in this process, not only the one that
 * met the 429 — and the other venue's accounts carry on as if nothing happened. Judged by what
 * reached each simulator and when.
 */

const KEY = 'R'.repeat(32) + 'r'.repeat(32);
const SECRET = 'S'.repeat(32) + 's'.repeat(32);
const OKX_KEY = '7e2d3c4b-5a69-4f8d-9c2b-3a4f5e6d7c8b';
const OKX_SECRET = '1B2C3D4E5F60718293A4B5C6D7E8F9A0';
const PASSPHRASE = 'Rate-Limit-Passphrase-1';

type Sim = Awaited<ReturnType<typeof startBinanceSimulator>>;
type OkxSim = Awaited<ReturnType<typeof startOkxSimulator>>;

let binance: Sim;
let okx: OkxSim;
let t: TestApp;
beforeAll(async () => {
  binance = await startBinanceSimulator({
    port: 0,
    host: '127.0.0.1',
    apiKey: KEY,
    apiSecret: SECRET,
    balance: 1_000_000,
    prices: { BTCUSDT: 50_000, ETHUSDT: 3_000, SOLUSDT: 150 },
    weightLimit: 1_000_000,
  });
  okx = await startOkxSimulator({
    port: 0,
    host: '127.0.0.1',
    apiKey: OKX_KEY,
    apiSecret: OKX_SECRET,
    passphrase: PASSPHRASE,
    balance: 1_000_000,
    prices: { 'BTC-USDT-SWAP': 50_000 },
  });
  // One gate per venue between every account's client and the network (the server's default).
  const gates = new VenueGates();
  const factory = createExchangeFactory({
    baseUrls: { binance: binance.url, okx: okx.url },
    requestTimeoutMs: 5_000,
    gates,
  });
  t = await testApp({ connectExchange: factory });
}, 60_000);

afterAll(async () => {
  await t?.close();
  await binance?.close();
  await okx?.close();
});

async function account(email: string, registration: Record<string, string>) {
  const user = await signUp(t.app, email);
  const registered = await t.app.inject({
    method: 'POST',
    url: '/api/v1/accounts-secure/register',
    headers: user.auth,
    payload: registration,
  });
  if (registered.statusCode !== 200) throw new Error(`registration failed: ${registered.body}`);
  return registered.json<{ id: string; webhook_secret: string }>();
}

const send = (body: Record<string, unknown>) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/webhook/tradingview',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });

describe('a venue at its rate limit', () => {
  it('holds back every account of that venue until Retry-After, while the other venue trades at once', async () => {
    const binanceRegistration = { exchange: 'binance', api_key: KEY, api_secret: SECRET };
    const alice = [
      await account('rl-alice-1@example.com', binanceRegistration),
      await account('rl-alice-2@example.com', binanceRegistration),
      await account('rl-alice-3@example.com', binanceRegistration),
    ];
    const bob = await account('rl-bob@example.com', {
      exchange: 'okx',
      api_key: OKX_KEY,
      api_secret: OKX_SECRET,
      passphrase: PASSPHRASE,
    });
    const symbols = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'];
    const binanceAlert = (i: number) => ({
      account_id: alice[i]!.id,
      secret: alice[i]!.webhook_secret,
      exchange: 'binance',
      action: 'long',
      symbol: symbols[i],
      leverage: 2,
      size_usdt: 100,
      id: `rl-binance-${i}`,
    });

    // The next Binance request, whichever account sends it, is answered 429 with Retry-After: 8 (long
    // enough that a loaded CI machine still finishes the OKX alert well inside it).
    const backOffMs = 8_000;
    binance.faults.add({ kind: 'rate_limit', retryAfterSec: backOffMs / 1000 });
    const first = send(binanceAlert(0));
    await until(() => binance.requests.some((r) => r.status === 429));
    const limitedAt = Date.now();
    const afterLimit = binance.requests.length;

    // Two more Binance accounts and one OKX account get alerts while Binance is limited.
    const others = [send(binanceAlert(1)), send(binanceAlert(2))];
    const okxAnswer = await send({
      account_id: bob.id,
      secret: bob.webhook_secret,
      exchange: 'okx',
      action: 'long',
      symbol: 'OKX:BTCUSDT.P',
      leverage: 2,
      size_usdt: 100,
      id: 'rl-okx',
    });
    expect([200, 202], okxAnswer.body).toContain(okxAnswer.statusCode);
    // OKX did not wait for Binance's limit: its entry reached OKX inside Binance's back-off ...
    await until(() => okx.requests.some((r) => r.path === '/api/v5/trade/order' && r.status === 200));
    expect(Date.now() - limitedAt).toBeLessThan(backOffMs - 100);
    // ... while nothing was sent to Binance, by any of its accounts.
    expect(binance.requests.length - afterLimit).toBe(0);

    // Once the window has passed, the Binance accounts trade: each entry exactly once.
    const answers = await Promise.all([first, ...others]);
    expect(answers.every((a) => a.statusCode === 200 || a.statusCode === 202)).toBe(true);
    await until(() => entries().length >= 3, 20_000);
    expect(Date.now() - limitedAt).toBeGreaterThanOrEqual(backOffMs - 100);
    const ids = entries().map((r) => new URLSearchParams(`${r.query}&${r.body}`).get('newClientOrderId'));
    expect(new Set(ids).size).toBe(3);
    expect(ids).toHaveLength(3);
  }, 60_000);
});

function entries() {
  return binance.requests.filter(
    (r) => r.method === 'POST' && r.path === '/fapi/v1/order' && r.status === 200,
  );
}

async function until(probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
