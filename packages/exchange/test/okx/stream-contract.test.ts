import { OkxSwapClient } from '../../src/okx/client.ts';
import { startOkxSimulator } from '../../src/okx/simulator.ts';
import { runStreamContract } from '../contract/stream-contract.ts';
import { API_KEY, API_SECRET, PASSPHRASE, setSimPrice } from './helpers.ts';

/**
 * The shared stream contract (test/contract/stream-contract.ts), run against OkxSwapClient's
 * streams and REST history talking to the OKX simulator over loopback sockets (/ws/v5/private,
 * /business, /public and /api/v5/trade/fills), a fresh simulator per test.
 */
runStreamContract('OkxSwapClient ↔ OKX v5 simulator', async () => {
  const sim = await startOkxSimulator({
    port: 0,
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    passphrase: PASSPHRASE,
  });
  const venue = new OkxSwapClient({
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    passphrase: PASSPHRASE,
    baseUrl: sim.url,
    wsBaseUrl: `${sim.url.replace('http://', 'ws://')}/ws/v5`,
    timeoutMs: 2000,
  });
  return {
    venue,
    setPrice: (symbol, price) => setSimPrice(sim.url, symbol, price),
    teardown: () => sim.close(),
    symbol: 'BTC-USDT-SWAP',
    streamOptions: { reconnectMinMs: 200, reconnectMaxMs: 500 },
    quietMs: 400,
  };
});
