import { createHash } from 'node:crypto';
import { VENUE_FACTS, VENUE_IDS } from '@tradingbot/core';
import { ExchangeErrors } from './errors.ts';
import type { ExchangeId } from './types.ts';

/**
 * Venue client order ids derived from the caller's idempotency key, so a retry after a timeout
 * re-sends (or looks up) the SAME id and the venue itself refuses a duplicate (Binance -4116,
 * OKX 51016).
 *
 * Shape: `tb` + 24 base62 characters of sha256(key) + an optional role suffix, e.g.
 * `tb4fK9…Qe` / `…sl` / `…tp`. Letters and digits only, ≤ 30 characters, so one id fits every venue:
 * Binance `^[\.A-Z\:/a-z0-9_-]{1,36}$`, OKX case-sensitive alphanumerics ≤ 32. The hash part has a
 * fixed length, so `key + suffix` can never collide with another key's id.
 * 24 base62 characters carry ~142 bits of the hash: collisions are not a practical concern.
 */

export const CLIENT_ORDER_ID_PREFIX = 'tb';
const HASH_CHARS = 24;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX = /^[A-Za-z0-9]{1,4}$/;

/**
 * The suffixes the venue clients append: a stop-loss, a take-profit, and a protection pair (one OKX
 * `oco` algo, the paper venue's OCO group). Any 1–4 letters or digits are accepted. (The executor's
 * order roles, `OrderRole` in @tradingbot/core, go into the idempotency key, not the suffix.)
 */
export type ClientOrderIdSuffix = 'sl' | 'tp' | 'p';

/** Maximum client id length per venue (the derived ids are ≤ 30, within all of them). */
export const CLIENT_ORDER_ID_MAX_LENGTH: Readonly<Record<ExchangeId, number>> = Object.freeze(
  Object.fromEntries(VENUE_IDS.map((id) => [id, VENUE_FACTS[id].clientOrderIdMaxLength])) as Record<
    ExchangeId,
    number
  >,
);

function base62(bytes: Buffer): string {
  let n = BigInt(`0x${bytes.toString('hex')}`);
  let out = '';
  while (n > 0n) {
    out = BASE62[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out.padStart(HASH_CHARS, '0');
}

/**
 * The deterministic venue client order id for an idempotency key and an optional role suffix
 * (`'sl'`, `'tp'`, `'p'`, or any 1–4 letters/digits). Same inputs → same id, on every venue.
 * Throws INVALID_REQUEST for an empty key or an invalid suffix.
 */
export function clientOrderId(
  idempotencyKey: string,
  venue: ExchangeId,
  suffix?: ClientOrderIdSuffix | (string & {}),
): string {
  if (typeof idempotencyKey !== 'string' || idempotencyKey.length === 0) {
    throw ExchangeErrors.create('INVALID_REQUEST', {
      message: 'An order needs a non-empty idempotency key',
      details: { reason: 'missing_idempotency_key', venue },
    });
  }
  if (suffix !== undefined && !SUFFIX.test(suffix)) {
    throw ExchangeErrors.create('INVALID_REQUEST', {
      message: `Client order id suffix "${suffix}" must be 1–4 letters or digits`,
      details: { reason: 'invalid_client_order_id_suffix', venue, suffix },
    });
  }
  const digest = createHash('sha256').update(idempotencyKey, 'utf8').digest();
  // The top bytes of the hash give the fixed-length body; 18 bytes = 144 bits ≥ 24 base62 digits.
  const body = base62(digest.subarray(0, 18)).slice(-HASH_CHARS);
  const id = `${CLIENT_ORDER_ID_PREFIX}${body}${suffix ?? ''}`;
  if (id.length > CLIENT_ORDER_ID_MAX_LENGTH[venue]) {
    throw new Error(`derived client order id ${id} is longer than ${venue} allows`);
  }
  return id;
}
