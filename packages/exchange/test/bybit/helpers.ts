import { BybitLinearClient, type BybitLinearClientOptions } from '../../src/bybit/client.ts';
import {
  startBybitSimulator,
  type BybitSimulator,
  type BybitSimulatorOptions,
} from '../../src/bybit/simulator.ts';
import { setSimPrice } from '../contract/sim-control.ts';

export { setSimPrice };

export const API_KEY = 'BybitSimKey0123456';
export const API_SECRET = 'BybitSimSecret0123456789abcdefghijkl';

export type Harness = {
  sim: BybitSimulator;
  client: BybitLinearClient;
  setPrice(symbol: string, price: string): Promise<void>;
  /** Requests that reached the simulator for one method + path. */
  seen(method: string, path: string): BybitSimulator['requests'];
  close(): Promise<void>;
};

/** A simulator on an ephemeral loopback port and a client pointed at it, with short timeouts for fault tests. */
export async function harness(
  simOptions: Partial<BybitSimulatorOptions> = {},
  clientOptions: Partial<BybitLinearClientOptions> = {},
): Promise<Harness> {
  const sim = await startBybitSimulator({ port: 0, apiKey: API_KEY, apiSecret: API_SECRET, ...simOptions });
  const client = new BybitLinearClient({
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
