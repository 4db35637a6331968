import { describe, expect, it } from 'vitest';
import { BinanceFuturesClient } from '../../src/binance/client.ts';
import { VENUES } from '../../src/venues.ts';

const credentials = { apiKey: 'k', apiSecret: 's' };

describe('Binance stream base URL', () => {
  it('defaults to the routed fstream hosts (live and demo)', () => {
    expect(new BinanceFuturesClient({ ...credentials }).streamUrl).toBe('wss://fstream.binance.com');
    expect(new BinanceFuturesClient({ ...credentials, testnet: true }).streamUrl).toBe(
      'wss://fstream.binancefuture.com',
    );
    // Binance's own REST host does not move the streams.
    expect(new BinanceFuturesClient({ ...credentials, baseUrl: 'https://fapi.binance.com' }).streamUrl).toBe(
      'wss://fstream.binance.com',
    );
  });

  it('follows a simulator base URL, and an explicit streamUrl wins; the registry passes it through', () => {
    expect(new BinanceFuturesClient({ ...credentials, baseUrl: 'http://127.0.0.1:8123/' }).streamUrl).toBe(
      'ws://127.0.0.1:8123',
    );
    expect(
      new BinanceFuturesClient({
        ...credentials,
        baseUrl: 'http://127.0.0.1:8123',
        streamUrl: 'ws://10.0.0.1:9/',
      }).streamUrl,
    ).toBe('ws://10.0.0.1:9');
    const client = VENUES.binance.createClient({
      credentials,
      testnet: false,
      baseUrl: 'http://127.0.0.1:8123',
      streamUrl: 'ws://127.0.0.1:9999',
    }) as BinanceFuturesClient;
    expect(client.streamUrl).toBe('ws://127.0.0.1:9999');
  });
});
