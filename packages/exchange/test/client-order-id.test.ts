import { describe, expect, it } from 'vitest';
import { clientOrderId } from '../src/client-order-id.ts';
import { ExchangeErrors } from '../src/errors.ts';

// Binance newClientOrderId (https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/New-Order)
// and OKX clOrdId, case-sensitive letters and digits, ≤ 32 (https://www.okx.com/docs-v5/en/#order-book-trading-trade-post-place-order).
const BINANCE = /^[\.A-Z\:/a-z0-9_-]{1,36}$/;
const OKX = /^[A-Za-z0-9]{1,32}$/;
/** `tb`, 24 base62 characters of the key's hash, an optional 1–4 character suffix. */
const DERIVED = /^tb[0-9A-Za-z]{24}[A-Za-z0-9]{0,4}$/;

const keys = [
  'signal-123',
  'a',
  'BINANCE:BTCUSDT.P|2026-11-23T22:40:00Z|long',
  'spaces and ünïcödé ✓',
  'x'.repeat(10_000),
  '{"ticker":"BTCUSDT","time":"{{timenow}}"}',
];
const roles = [undefined, 'e', 'sl', 'tp', 'c'] as const;

describe('clientOrderId', () => {
  it('fits the Binance and OKX charsets and lengths for every key and role', () => {
    for (const key of keys) {
      for (const role of roles) {
        for (const venue of ['binance', 'okx', 'paper'] as const) {
          const id = clientOrderId(key, venue, role);
          expect(id).toMatch(BINANCE);
          expect(id).toMatch(OKX);
          expect(id).toMatch(DERIVED);
        }
      }
    }
  });

  it('matches vectors computed independently (Python: sha256, first 18 bytes, base62, last 24)', () => {
    expect(clientOrderId('signal-123', 'binance')).toBe('tbWU2EB6ysI6yiw8sKpXIs8CpC');
    expect(clientOrderId('signal-123', 'okx', 'sl')).toBe('tbWU2EB6ysI6yiw8sKpXIs8CpCsl');
    expect(clientOrderId('BTCUSDT-2026-11-23T22:40:00Z', 'okx', 'tp')).toBe('tbVUqYOehus4zC01OHPbnEoocCtp');
  });

  it('is deterministic and the same on every venue', () => {
    expect(clientOrderId('k1', 'binance', 'tp')).toBe(clientOrderId('k1', 'binance', 'tp'));
    expect(clientOrderId('k1', 'binance')).toBe(clientOrderId('k1', 'okx'));
  });

  it('gives distinct ids for distinct keys and for the roles of one key', () => {
    const ids = new Set(Array.from({ length: 2000 }, (_, i) => clientOrderId(`key-${i}`, 'okx')));
    expect(ids.size).toBe(2000);
    const perRole = new Set(roles.map((role) => clientOrderId('one-signal', 'okx', role)));
    expect(perRole.size).toBe(roles.length);
    expect(clientOrderId('one-signal', 'okx', 'sl').endsWith('sl')).toBe(true);
    expect(clientOrderId('one-signal', 'okx').startsWith('tb')).toBe(true);
  });

  it('refuses an empty key and an invalid suffix', () => {
    expect(() => clientOrderId('', 'okx')).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    for (const suffix of ['', 'sl-', 'toolong', 's l']) {
      let error: unknown;
      try {
        clientOrderId('k', 'okx', suffix);
      } catch (e) {
        error = e;
      }
      expect(ExchangeErrors.is(error, 'INVALID_REQUEST')).toBe(true);
    }
  });
});
