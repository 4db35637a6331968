import { describe, expect, it } from 'vitest';
import { encodeQuery, okxSign, okxTimestamp } from '../../src/okx/signing.ts';
import { opensslHmacBase64 } from './helpers.ts';

// Inputs from the OKX signature docs (https://www.okx.com/docs-v5/en/#overview-rest-authentication-signature);
// the expected values were computed with openssl and Python's hmac.
const SECRET = '22582BD0CFF14C41EDBF1AB98506286D';
const TIMESTAMP = '2020-12-08T09:08:57.715Z';

describe('OKX v5 signing', () => {
  it('reproduces the signature of the documented inputs for a GET (query in the request path, empty body)', () => {
    expect(okxSign(SECRET, TIMESTAMP, 'GET', '/api/v5/account/balance?ccy=BTC')).toBe(
      'HiZhvSfMtWJA3uUIVXV3a/bSXNPCWvYFXoGCVS8V4zY=',
    );
  });

  it('reproduces the signature of the documented inputs for a POST (compact JSON body)', () => {
    expect(
      okxSign(
        SECRET,
        TIMESTAMP,
        'POST',
        '/api/v5/account/set-leverage',
        '{"instId":"BTC-USDT","lever":"5","mgnMode":"isolated"}',
      ),
    ).toBe('eCnnCgWLjlQ9XnpUkrcny3qNq3WW/81KNrDr/XR6Xv8=');
  });

  it('upper-cases the method (the vector holds for "get")', () => {
    expect(okxSign(SECRET, TIMESTAMP, 'get', '/api/v5/account/balance?ccy=BTC')).toBe(
      'HiZhvSfMtWJA3uUIVXV3a/bSXNPCWvYFXoGCVS8V4zY=',
    );
  });

  it('signs the body bytes as given: python-okx spacing gives a different, openssl-equal signature', () => {
    const spaced = '{"instId": "BTC-USDT", "lever": "5", "mgnMode": "isolated"}';
    const ours = okxSign(SECRET, TIMESTAMP, 'POST', '/api/v5/account/set-leverage', spaced);
    expect(ours).not.toBe('eCnnCgWLjlQ9XnpUkrcny3qNq3WW/81KNrDr/XR6Xv8=');
    expect(ours).toBe(opensslHmacBase64(SECRET, `${TIMESTAMP}POST/api/v5/account/set-leverage${spaced}`));
  });

  it('formats OK-ACCESS-TIMESTAMP as ISO-8601 UTC with milliseconds', () => {
    expect(okxTimestamp(Date.UTC(2020, 11, 8, 9, 8, 57, 715))).toBe(TIMESTAMP);
    expect(okxTimestamp(Date.UTC(2021, 0, 1, 0, 0, 0, 0))).toBe('2021-01-01T00:00:00.000Z');
  });

  it('encodes a query in insertion order, dropping undefined values', () => {
    expect(encodeQuery({ instType: 'SWAP', instId: undefined, ordType: 'conditional,oco' })).toBe(
      'instType=SWAP&ordType=conditional%2Coco',
    );
  });
});
