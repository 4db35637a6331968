import { OkxSwapClient } from '../../src/okx/client.ts';
import { startOkxSimulator } from '../../src/okx/simulator.ts';
import { runExchangeContract } from '../contract/exchange-contract.ts';
import { API_KEY, API_SECRET, PASSPHRASE, setSimPrice } from './helpers.ts';

/**
 * The shared Exchange contract, run against OkxSwapClient talking HTTP on loopback to the OKX v5
 * simulator (paper venue behind it, BTC-USDT-SWAP with ctVal 0.01), over both its net_mode and
 * long_short_mode sections. Twice: with the mode switched through the real endpoint
 * (POST /api/v5/account/set-position-mode), and with the mode switched behind the client's back,
 * so the client has to detect it from GET /api/v5/account/config (or recover from 51000 posSide).
 * (The suite expects a fresh account in net mode, OKX's default for a new account.)
 */
for (const variant of [
  { name: 'net_mode start, mode set through the API', behindClient: false },
  { name: 'mode changed behind the client, detected from the venue', behindClient: true },
]) {
  runExchangeContract(`OkxSwapClient ↔ OKX v5 simulator (${variant.name})`, async () => {
    const sim = await startOkxSimulator({
      port: 0,
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      passphrase: PASSPHRASE,
    });
    const client = new OkxSwapClient({
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      passphrase: PASSPHRASE,
      baseUrl: sim.url,
      timeoutMs: 2000,
      baseDelayMs: 20,
      maxDelayMs: 200,
    });
    return {
      exchange: client,
      setPrice: (symbol, price) => setSimPrice(sim.url, symbol, price),
      async setPositionMode(mode) {
        if (!variant.behindClient) return client.setPositionMode(mode);
        const response = await fetch(`${sim.url}/__sim/position-mode`, {
          method: 'POST',
          body: JSON.stringify({ hedge: mode === 'hedge' }),
        });
        if (!response.ok) throw new Error(`switching the simulator's mode failed: ${await response.text()}`);
      },
      teardown: () => sim.close(),
    };
  });
}
