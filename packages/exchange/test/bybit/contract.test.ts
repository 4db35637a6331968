import { BybitLinearClient } from '../../src/bybit/client.ts';
import { startBybitSimulator } from '../../src/bybit/simulator.ts';
import { runExchangeContract } from '../contract/exchange-contract.ts';
import { API_KEY, API_SECRET, setSimPrice } from './helpers.ts';

/**
 * The shared Exchange contract, run against BybitLinearClient talking HTTP on loopback to the Bybit
 * V5 simulator (paper venue behind it), over both its one-way (positionIdx 0) and hedge (1 / 2)
 * sections. Twice: with the mode switched through the real endpoint (POST
 * /v5/position/switch-mode), and behind the client's back, so the client has to find it from the
 * position rows (or recover from 10001 "position idx not match position mode").
 */
for (const variant of [
  { name: 'mode set through the API', behindClient: false },
  { name: 'mode changed behind the client, detected from the venue', behindClient: true },
]) {
  runExchangeContract(`BybitLinearClient ↔ Bybit V5 simulator (${variant.name})`, async () => {
    const sim = await startBybitSimulator({ port: 0, apiKey: API_KEY, apiSecret: API_SECRET });
    const client = new BybitLinearClient({
      apiKey: API_KEY,
      apiSecret: API_SECRET,
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
