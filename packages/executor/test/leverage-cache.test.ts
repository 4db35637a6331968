import { describe, expect, it } from 'vitest';
import { InMemoryLeverageCache } from '../src/index.ts';

describe('InMemoryLeverageCache', () => {
  it('remembers per account, symbol and margin mode, and forgets after its TTL', async () => {
    let now = 0;
    const cache = new InMemoryLeverageCache({ ttlMs: 1000, now: () => now });
    await cache.set('a', 'BTCUSDT', 'cross', 10);
    expect(await cache.get('a', 'BTCUSDT', 'cross')).toBe(10);
    expect(await cache.get('a', 'BTCUSDT', 'isolated')).toBeUndefined();
    expect(await cache.get('b', 'BTCUSDT', 'cross')).toBeUndefined();
    expect(await cache.get('a', 'ETHUSDT', 'cross')).toBeUndefined();
    now = 999;
    expect(await cache.get('a', 'BTCUSDT', 'cross')).toBe(10);
    now = 1000;
    expect(await cache.get('a', 'BTCUSDT', 'cross')).toBeUndefined();
    await cache.set('a', 'BTCUSDT', 'cross', 3);
    await cache.delete('a', 'BTCUSDT', 'cross');
    expect(await cache.get('a', 'BTCUSDT', 'cross')).toBeUndefined();
  });
});
