import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bybitSign, bybitWsSign, encodeBybitQuery } from '../../src/bybit/signing.ts';

// Bybit's docs print example signatures without the secret they used, so they cannot be
// reproduced (streams.md §3.2). These vectors were computed with the secret below and checked
// with openssl (reference/streams.md §3.2); the last test recomputes one with openssl here.
const SECRET = 'TestSecretKey0123456789';
const API_KEY = 'XXXXXXXXXX';

function opensslHmac(secret: string, payload: string): string {
  const out = execFileSync('openssl', ['dgst', '-sha256', '-hmac', secret], { input: payload }).toString();
  return out.trim().split(/\s+/).pop() ?? '';
}

describe('Bybit V5 signing', () => {
  it('GET: timestamp + apiKey + recvWindow + queryString', () => {
    const query = encodeBybitQuery({ category: 'linear', symbol: 'BTCUSDT', cursor: undefined });
    expect(query).toBe('category=linear&symbol=BTCUSDT');
    expect(bybitSign(SECRET, 1658384314791, API_KEY, 5000, query)).toBe(
      '61e0fe2115e83692695935a0da887bfdc39e0191865cb6459d706d03840d9fd1',
    );
  });

  it('POST: timestamp + apiKey + recvWindow + the JSON body as sent', () => {
    const body = JSON.stringify({
      category: 'linear',
      symbol: 'BTCUSDT',
      side: 'Buy',
      orderType: 'Limit',
      qty: '0.001',
      price: '25000',
      timeInForce: 'GTC',
      positionIdx: 0,
      orderLinkId: 'tv-001',
    });
    expect(bybitSign(SECRET, 1658385579423, API_KEY, 5000, body)).toBe(
      '89925315c5fa26a47098d4588b8fc9984d819b6ac84370c3a3b0b0655d1f823c',
    );
  });

  it('WebSocket auth: GET/realtime + expires', () => {
    expect(bybitWsSign(SECRET, 1662350400000)).toBe(
      'af075234b9f1dd2902d64bb3055dd75345b8c0d703a61e969629bbd8d764f8fe',
    );
  });

  it('agrees with an independent implementation (openssl dgst -hmac)', () => {
    const payload = `1700000000000${API_KEY}5000category=linear&orderLinkId=tbAbc_-1&symbol=ETHUSDT`;
    expect(opensslHmac(SECRET, payload)).toBe(
      bybitSign(SECRET, 1700000000000, API_KEY, 5000, 'category=linear&orderLinkId=tbAbc_-1&symbol=ETHUSDT'),
    );
  });
});
