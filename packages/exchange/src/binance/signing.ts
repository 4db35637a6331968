import { createHmac, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { encodeQuery, type QueryParams, type QueryValue } from '../venue/http-common.ts';

/** A request parameter as callers give it; `undefined` drops the parameter. */
export type ParamValue = QueryValue;
export type Params = QueryParams;

/**
 * Encodes parameters as `application/x-www-form-urlencoded` in insertion order, the way the
 * official connector does; the signature is computed over exactly these bytes.
 */
export const encodeParams: (params: Params) => string = encodeQuery;

/** `hex(HMAC-SHA256(secret, payload))`: Binance's signature over `queryString + body` (no `&` between). */
export function hmacSha256Hex(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload, 'utf8').digest('hex');
}

/** Signs a payload and returns the `signature` parameter's value as it goes on the wire. */
export type BinanceSigner = (payload: string) => string;

const PEM = /^\s*-----BEGIN (PRIVATE|PUBLIC) KEY-----([A-Za-z0-9+/=\s]+)-----END \1 KEY-----\s*$/;

/**
 * Whether a stored secret is a PEM key (an Ed25519 key pair's private half) rather than an HMAC
 * secret. Line breaks may have become spaces (a password field drops them).
 */
export function isPemKey(secret: string): boolean {
  return PEM.test(secret);
}

/** The key a PEM text holds, whatever its line breaks (rebuilt from the base64 body). */
function pemKey(text: string): { kind: 'PRIVATE' | 'PUBLIC'; der: Buffer } {
  const match = PEM.exec(text);
  if (match === null) throw new Error('not a PEM key');
  return {
    kind: match[1] as 'PRIVATE' | 'PUBLIC',
    der: Buffer.from(match[2]!.replace(/\s+/g, ''), 'base64'),
  };
}

/** An Ed25519 private key from its PKCS#8 PEM (`openssl genpkey -algorithm ed25519`). */
export function ed25519PrivateKey(pem: string): KeyObject {
  const { kind, der } = pemKey(pem);
  if (kind !== 'PRIVATE') throw new Error('an Ed25519 API key is signed with its PRIVATE key');
  const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('the private key is not an Ed25519 key');
  return key;
}

/** An Ed25519 public key from its SPKI PEM (`openssl pkey -pubout`), or from the private key's PEM. */
export function ed25519PublicKey(pem: string): KeyObject {
  const { kind, der } = pemKey(pem);
  const key =
    kind === 'PUBLIC'
      ? createPublicKey({ key: der, format: 'der', type: 'spki' })
      : createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('the public key is not an Ed25519 key');
  return key;
}

/** `base64(Ed25519(privateKey, payload))`, URL-encoded: Binance's signature for an Ed25519 API key. */
export function ed25519Signature(key: KeyObject, payload: string): string {
  return encodeURIComponent(sign(null, Buffer.from(payload, 'utf8'), key).toString('base64'));
}

/** Whether `signature` (base64, already URL-decoded) is `payload` signed by the key's private half. */
export function verifyEd25519(key: KeyObject, payload: string, signature: string): boolean {
  if (!/^[A-Za-z0-9+/]{86}==$/.test(signature)) return false;
  return verify(null, Buffer.from(payload, 'utf8'), key, Buffer.from(signature, 'base64'));
}

/**
 * The signer for an account's secret: Ed25519 when the secret is a PEM private key, else
 * HMAC-SHA256 hex. The key is parsed once (a malformed PEM fails here, not on the first order).
 */
export function binanceSigner(secret: string): BinanceSigner {
  if (isPemKey(secret)) {
    const key = ed25519PrivateKey(secret);
    return (payload) => ed25519Signature(key, payload);
  }
  return (payload) => hmacSha256Hex(secret, payload);
}

/** Appends `signature` as the last parameter of an already-encoded string. */
export function appendSignature(encoded: string, secret: string | BinanceSigner, prefix = ''): string {
  const signer = typeof secret === 'string' ? binanceSigner(secret) : secret;
  const signature = signer(prefix + encoded);
  return encoded === '' ? `signature=${signature}` : `${encoded}&signature=${signature}`;
}
