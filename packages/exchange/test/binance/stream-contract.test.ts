import { BinanceFuturesClient } from '../../src/binance/client.ts';
import { startBinanceSimulator } from '../../src/binance/simulator.ts';
import { runStreamContract } from '../contract/stream-contract.ts';
import { API_KEY, API_SECRET, setSimPrice } from './helpers.ts';

/**
 * The shared stream contract (test/contract/stream-contract.ts) against BinanceFuturesClient: its
 * user-data and market streams over WebSockets and its REST history, talking on loopback to the
 * Binance simulator (paper venue behind it).
 */
runStreamContract('BinanceFuturesClient ↔ fapi simulator', async () => {
  const sim = await startBinanceSimulator({ port: 0, apiKey: API_KEY, apiSecret: API_SECRET });
  const venue = new BinanceFuturesClient({
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    baseUrl: sim.url,
    timeoutMs: 2000,
    recvWindow: 2000,
    baseDelayMs: 20,
    maxDelayMs: 200,
  });
  return {
    venue,
    setPrice: (symbol, price) => setSimPrice(sim.url, symbol, price),
    streamOptions: { reconnectMinMs: 50, reconnectMaxMs: 200 },
    teardown: () => sim.close(),
  };
});
