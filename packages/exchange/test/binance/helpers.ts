import { execFileSync } from 'node:child_process';
import { BinanceFuturesClient, type BinanceFuturesClientOptions } from '../../src/binance/client.ts';
import {
  startBinanceSimulator,
  type BinanceSimulator,
  type BinanceSimulatorOptions,
} from '../../src/binance/simulator.ts';
import { setSimPrice } from '../contract/sim-control.ts';

export { setSimPrice };

export const API_KEY = 'sim-key-0123456789';
export const API_SECRET = 'sim-secret-abcdefghijklmnopqrstuvwxyz';

export type Harness = {
  sim: BinanceSimulator;
  client: BinanceFuturesClient;
  setPrice(symbol: string, price: string): Promise<void>;
  /** Requests that reached the simulator for one method + path. */
  seen(method: string, path: string): BinanceSimulator['requests'];
  close(): Promise<void>;
};

/** A simulator on an ephemeral loopback port and a client pointed at it, with short timeouts for fault tests. */
export async function harness(
  simOptions: Partial<BinanceSimulatorOptions> = {},
  clientOptions: Partial<BinanceFuturesClientOptions> = {},
): Promise<Harness> {
  const sim = await startBinanceSimulator({ port: 0, apiKey: API_KEY, apiSecret: API_SECRET, ...simOptions });
  const client = new BinanceFuturesClient({
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    baseUrl: sim.url,
    timeoutMs: 1000,
    recvWindow: 1000,
    baseDelayMs: 20,
    maxDelayMs: 200,
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

/** HMAC-SHA256 hex by an independent implementation: the openssl binary. */
export function opensslHmac(secret: string, payload: string): string {
  const out = execFileSync('openssl', ['dgst', '-sha256', '-hmac', secret], { input: payload }).toString();
  const hex = out.trim().split(/\s+/).pop();
  if (hex === undefined || !/^[0-9a-f]{64}$/.test(hex)) throw new Error(`unexpected openssl output: ${out}`);
  return hex;
}
