import { BinanceFuturesClient } from '../../src/binance/client.ts';
import { startBinanceSimulator } from '../../src/binance/simulator.ts';
import { runExchangeContract } from '../contract/exchange-contract.ts';
import { API_KEY, API_SECRET, setSimPrice } from './helpers.ts';

/**
 * The shared Exchange contract, run against BinanceFuturesClient talking HTTP on loopback to the
 * simulator (paper venue behind it), over both its one-way and hedge sections. Twice: with the mode
 * switched through the real endpoint (POST /fapi/v1/positionSide/dual), and with the mode switched
 * behind the client's back, so the client has to detect it from GET /fapi/v1/positionSide/dual.
 * (The suite expects a fresh account in one-way mode, Binance's default.)
 */
for (const variant of [
  { name: 'one-way start, mode set through the API', hedge: false, behindClient: false },
  { name: 'mode changed behind the client, detected from the venue', hedge: false, behindClient: true },
]) {
  runExchangeContract(`BinanceFuturesClient ↔ fapi simulator (${variant.name})`, async () => {
    const sim = await startBinanceSimulator({
      port: 0,
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      hedge: variant.hedge,
    });
    const client = new BinanceFuturesClient({
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      baseUrl: sim.url,
      timeoutMs: 2000,
      recvWindow: 2000,
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
