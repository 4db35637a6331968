import { createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { OkxSwapClient, type OkxSwapClientOptions } from '../../src/okx/client.ts';
import { startOkxSimulator, type OkxSimulator, type OkxSimulatorOptions } from '../../src/okx/simulator.ts';
import { setSimPrice } from '../contract/sim-control.ts';

export { setSimPrice };

export const API_KEY = 'okx-sim-key-0123456789';
export const API_SECRET = 'okx-sim-secret-ABCDEFGHIJKLMNOP';
export const PASSPHRASE = 'Sim-Passphrase-1';

export type Harness = {
  sim: OkxSimulator;
  client: OkxSwapClient;
  setPrice(symbol: string, price: string): Promise<void>;
  /** Requests that reached the simulator for one method + path. */
  seen(method: string, path: string): OkxSimulator['requests'];
  close(): Promise<void>;
};

/** A simulator on an ephemeral loopback port and a client pointed at it, with short timeouts for fault tests. */
export async function harness(
  simOptions: Partial<OkxSimulatorOptions> = {},
  clientOptions: Partial<OkxSwapClientOptions> = {},
): Promise<Harness> {
  const sim = await startOkxSimulator({
    port: 0,
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    passphrase: PASSPHRASE,
    ...simOptions,
  });
  const client = new OkxSwapClient({
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    passphrase: PASSPHRASE,
    baseUrl: sim.url,
    timeoutMs: 1000,
    baseDelayMs: 20,
    maxDelayMs: 200,
    lookupWindowMs: 300,
    ...clientOptions,
  });
  return {
    sim,
    client,
    setPrice: (symbol, price) => setSimPrice(sim.url, symbol, price),
    seen: (method, path) => sim.requests.filter((r) => r.method === method && r.path === path),
    close: () => sim.close(),
  };
}

/** Base64 HMAC-SHA256 by an independent implementation: the openssl binary. */
export function opensslHmacBase64(secret: string, payload: string): string {
  const out = execFileSync('openssl', ['dgst', '-sha256', '-hmac', secret, '-binary'], { input: payload });
  return Buffer.from(out).toString('base64');
}

/**
 * Signs and sends a raw request the way a third-party client would (headers built here, not by
 * OkxSwapClient), so the simulator's checks are tested independently of our client.
 */
export async function rawRequest(
  url: string,
  method: 'GET' | 'POST',
  requestPath: string,
  body = '',
  overrides: {
    key?: string;
    secret?: string;
    passphrase?: string;
    timestamp?: string;
    sign?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<{ status: number; body: { code: string; msg: string; data: Record<string, unknown>[] } }> {
  const timestamp = overrides.timestamp ?? new Date().toISOString();
  const sign =
    overrides.sign ??
    createHmac('sha256', overrides.secret ?? API_SECRET)
      .update(timestamp + method + requestPath + body)
      .digest('base64');
  const response = await fetch(`${url}${requestPath}`, {
    method,
    headers: {
      'OK-ACCESS-KEY': overrides.key ?? API_KEY,
      'OK-ACCESS-SIGN': sign,
      'OK-ACCESS-TIMESTAMP': timestamp,
      'OK-ACCESS-PASSPHRASE': overrides.passphrase ?? PASSPHRASE,
      ...(method === 'POST' ? { 'Content-Type': 'application/json' } : {}),
      ...overrides.headers,
    },
    ...(method === 'POST' ? { body } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as never };
}
