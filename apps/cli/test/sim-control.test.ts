import { afterEach, describe, expect, it } from 'vitest';
import { simBanner, startSimulatorFromFlags } from '../src/commands/sim.ts';
import type { VenueSimulator } from '@tradingbot/exchange/sim';

const base = {
  port: '0',
  host: '127.0.0.1',
  balance: '10000',
  symbol: 'BTCUSDT',
  apiKey: 'k',
  apiSecret: 's',
};
const started: VenueSimulator[] = [];
afterEach(async () => {
  for (const sim of started.splice(0)) await sim.close();
});

describe('tradingbot sim: the control API line', () => {
  it('prints the control address, and that address moves the simulator price', async () => {
    const sim = await startSimulatorFromFlags('binance', base);
    started.push(sim);
    const banner = simBanner('binance', sim.url);
    expect(banner.split('\n')[0]).toBe(`binance simulator listening on ${sim.url} (Ctrl-C to stop)`);
    const control = /control API: (\S+) /.exec(banner)?.[1];
    expect(control).toBe(`${sim.url}/__sim`);
    const response = await fetch(`${control}/price`, {
      method: 'POST',
      body: JSON.stringify({ symbol: 'BTCUSDT', price: '51234.5' }),
    });
    expect(response.status).toBe(200);
    expect(sim.venue.priceOf('BTCUSDT')).toBe('51234.5');
    const state = (await (await fetch(`${control}/state`)).json()) as { prices: Record<string, string> };
    expect(state.prices['BTCUSDT']).toBe('51234.5');
  });
});
