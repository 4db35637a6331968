import { BybitLinearClient } from '../../src/bybit/client.ts';
import { startBybitSimulator } from '../../src/bybit/simulator.ts';
import { runStreamContract } from '../contract/stream-contract.ts';
import { API_KEY, API_SECRET, setSimPrice } from './helpers.ts';

/**
 * The shared stream contract, run against BybitLinearClient's streams (/v5/private with auth,
 * /v5/public/linear) and REST history (/v5/execution/list) against the Bybit simulator over
 * loopback sockets, a fresh simulator per test.
 */
runStreamContract('BybitLinearClient ↔ Bybit V5 simulator', async () => {
  const sim = await startBybitSimulator({ port: 0, apiKey: API_KEY, apiSecret: API_SECRET });
  const venue = new BybitLinearClient({
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    baseUrl: sim.url,
    timeoutMs: 2000,
  });
  return {
    venue,
    setPrice: (symbol, price) => setSimPrice(sim.url, symbol, price),
    teardown: () => sim.close(),
    symbol: 'BTCUSDT',
    streamOptions: { reconnectMinMs: 200, reconnectMaxMs: 500 },
    quietMs: 400,
  };
});
