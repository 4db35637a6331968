import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VENUE_FACTS } from '@tradingbot/core';
import {
  ed25519PrivateKey,
  ed25519PublicKey,
  ed25519Signature,
  verifyEd25519,
} from '../../src/binance/signing.ts';
import { harness, API_KEY, type Harness } from './helpers.ts';

/**
 * Binance Ed25519 API keys: the secret is a PEM private key the user generated (`openssl genpkey
 * -algorithm ed25519`); the venue holds the public half. Signatures are checked against an
 * independent implementation (the openssl binary) and end to end through the simulator.
 */
let dir: string;
let privatePem: string;
let publicPem: string;

function openssl(args: string[], input?: string): Buffer {
  return execFileSync('openssl', args, input === undefined ? {} : { input });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ed25519-'));
  privatePem = openssl(['genpkey', '-algorithm', 'ed25519']).toString();
  writeFileSync(join(dir, 'key.pem'), privatePem);
  publicPem = openssl(['pkey', '-in', join(dir, 'key.pem'), '-pubout']).toString();
  writeFileSync(join(dir, 'pub.pem'), publicPem);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PAYLOAD =
  'symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=GTC&quantity=1&price=0.2&recvWindow=5000&timestamp=1668481559918';

describe('Ed25519 signing', () => {
  it('reproduces the vector of reference/streams.md §4 (RFC 8032 TEST 1 key; Node and openssl agree)', () => {
    const pem =
      '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n-----END PRIVATE KEY-----\n';
    const key = ed25519PrivateKey(pem);
    expect(
      ed25519Signature(
        key,
        'symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=GTC&quantity=1&price=0.2&timestamp=1668481559918&recvWindow=5000',
      ),
    ).toBe('XtZirsmmi0noRzUfkqktvkVfxpkq%2FWtbLg2UOL3QGYdUBZVlqOBEMuEVw8zioY93N54NcKj9UuAXQEa9zgTDBg%3D%3D');
    expect(
      decodeURIComponent(
        ed25519Signature(
          key,
          'symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.001&timestamp=1735689600000&recvWindow=5000',
        ),
      ),
    ).toBe('zZKNdjbu7Pl6X3ih4k5GULknAinYpC2SCmVctxzLcqnjwMdNCYD00N1lDrew4ETaoSOZQvyqLVq0cAywty2iDw==');
    // RFC 8032 TEST 1: the public key of this seed.
    expect(ed25519PublicKey(pem).export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex')).toBe(
      'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    );
  });

  it('gives the signature openssl pkeyutl gives (Ed25519 is deterministic), base64 and URL-encoded', () => {
    writeFileSync(join(dir, 'payload'), PAYLOAD);
    const expected = openssl([
      'pkeyutl',
      '-sign',
      '-inkey',
      join(dir, 'key.pem'),
      '-rawin',
      '-in',
      join(dir, 'payload'),
    ]).toString('base64');
    const ours = ed25519Signature(ed25519PrivateKey(privatePem), PAYLOAD);
    expect(decodeURIComponent(ours)).toBe(expected);
    expect(ours).toBe(encodeURIComponent(expected));
    expect(ours).not.toMatch(/[+/=]/); // URL-encoded on the wire
  });

  it('openssl verifies our signature with the public key, and we verify openssl-made ones', () => {
    const ours = decodeURIComponent(ed25519Signature(ed25519PrivateKey(privatePem), PAYLOAD));
    writeFileSync(join(dir, 'payload'), PAYLOAD);
    writeFileSync(join(dir, 'sig'), Buffer.from(ours, 'base64'));
    const out = openssl([
      'pkeyutl',
      '-verify',
      '-pubin',
      '-inkey',
      join(dir, 'pub.pem'),
      '-rawin',
      '-in',
      join(dir, 'payload'),
      '-sigfile',
      join(dir, 'sig'),
    ]).toString();
    expect(out).toContain('Signature Verified Successfully');
    expect(verifyEd25519(ed25519PublicKey(publicPem), PAYLOAD, ours)).toBe(true);
    expect(verifyEd25519(ed25519PublicKey(publicPem), `${PAYLOAD}1`, ours)).toBe(false);
  });

  it('reads a PEM whose line breaks became spaces (pasted into a password field)', () => {
    const flat = privatePem.trim().replace(/\n/g, ' ');
    expect(ed25519Signature(ed25519PrivateKey(flat), PAYLOAD)).toBe(
      ed25519Signature(ed25519PrivateKey(privatePem), PAYLOAD),
    );
  });

  it('refuses a key of another algorithm', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    expect(() => ed25519PrivateKey(rsa.toString())).toThrow(/not an Ed25519 key/);
  });

  it("core's credential format takes the generated PEM (and its flattened form) and refuses others", () => {
    const pattern = VENUE_FACTS.binance.credentialFormats.apiSecret.pattern;
    expect(pattern.test(privatePem.trim())).toBe(true);
    expect(pattern.test(privatePem.trim().replace(/\n/g, ' '))).toBe(true);
    expect(pattern.test('a'.repeat(64))).toBe(true);
    expect(pattern.test(publicPem.trim())).toBe(false);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    expect(pattern.test(rsa.toString().trim())).toBe(false);
  });
});

describe('an Ed25519 account trades through the simulator', () => {
  let h: Harness;
  beforeAll(async () => {
    // The venue knows the public key; the client signs with the private one.
    h = await harness({ apiSecret: publicPem }, { apiSecret: privatePem });
    await h.setPrice('BTCUSDT', '50000');
  });
  afterAll(() => h.close());

  it('reads the balance, opens and closes a position', async () => {
    expect((await h.client.balance('USDT')).total).toBe('10000');
    const order = await h.client.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.01',
      idempotencyKey: 'ed-1',
    });
    expect(order.status).toBe('filled');
    expect((await h.client.positions('BTCUSDT'))[0]?.qty).toBe('0.01');
    await h.client.closePosition('BTCUSDT', 'net', 'ed-close');
    expect(await h.client.positions('BTCUSDT')).toEqual([]);
    const sent = h.seen('POST', '/fapi/v1/order')[0];
    expect(sent?.apiKey).toBe(API_KEY);
    expect(sent?.body).toMatch(/&signature=[A-Za-z0-9%]+$/);
    expect(sent?.body).toContain('%3D%3D'); // the base64 "==" URL-encoded
  });

  it('a signature from another Ed25519 key is refused as bad credentials (-1022)', async () => {
    const other = openssl(['genpkey', '-algorithm', 'ed25519']).toString();
    const wrong = await harness({ apiSecret: publicPem }, { apiSecret: other });
    try {
      await expect(wrong.client.balance('USDT')).rejects.toMatchObject({
        code: 'EXCHANGE_AUTH_FAILED',
        details: { venueCode: -1022 },
      });
    } finally {
      await wrong.close();
    }
  });
});
