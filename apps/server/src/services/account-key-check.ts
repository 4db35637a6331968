import { isAppError, type AppError } from '@tradingbot/core';
import type { AccountRef } from '@tradingbot/exchange';
import type { Credentials } from '../crypto/credentials.ts';
import { ServerErrors } from '../errors.ts';
import type { ConnectExchange } from '../exchange-factory.ts';

/**
 * Why a venue refused new keys, in terms a user can act on. The web words each one in the user's
 * language; the API's message says it in English.
 */
export type KeyProblem =
  | 'wrong_key'
  | 'wrong_secret'
  | 'wrong_passphrase'
  | 'ip_not_allowed'
  | 'no_futures_permission'
  | 'testnet_mismatch'
  /** Binance's -2015 covers a wrong key, an IP not on the key's list, missing futures permission and a key of the other network alike. */
  | 'key_ip_or_permission'
  | 'rejected';

/** Venue codes that name the problem (Binance: numbers, OKX: strings). */
const PROBLEMS: ReadonlyMap<string, KeyProblem> = new Map<string, KeyProblem>([
  // Binance USDⓈ-M futures
  ['binance:-2014', 'wrong_key'], // API-key format invalid
  ['binance:-2008', 'wrong_key'], // Invalid Api-Key ID
  ['binance:-1022', 'wrong_secret'], // Signature for this request is not valid
  ['binance:-2015', 'key_ip_or_permission'], // Invalid API-key, IP, or permissions for action
  ['binance:-1002', 'key_ip_or_permission'], // You are not authorized to execute this request
  // OKX v5
  ['okx:50101', 'testnet_mismatch'], // APIKey does not match current environment
  ['okx:50110', 'ip_not_allowed'], // Your IP is not in the API key's IP whitelist
  ['okx:50111', 'wrong_key'], // Invalid OK-ACCESS-KEY
  ['okx:50119', 'wrong_key'], // API key doesn't exist
  ['okx:50113', 'wrong_secret'], // Invalid signature
  ['okx:50105', 'wrong_passphrase'], // OK-ACCESS-PASSPHRASE incorrect
  ['okx:50120', 'no_futures_permission'], // API key doesn't have permission
]);

const EXPLANATIONS: Record<KeyProblem, string> = {
  wrong_key: 'the exchange does not know this API key: copy it again',
  wrong_secret: 'the secret key does not belong to this API key: copy the secret again',
  wrong_passphrase: 'the passphrase is not the one set for this API key',
  ip_not_allowed: "this server's IP address is not on the API key's IP whitelist",
  no_futures_permission: 'the API key has no permission to trade futures: enable it on the exchange',
  testnet_mismatch:
    "the key belongs to the other network: a testnet key needs 'Use testnet' on, a mainnet key needs it off",
  key_ip_or_permission:
    "check the key, that this server's IP is on the key's whitelist, that futures trading is enabled for it, and that 'Use testnet' matches where the key was made",
  rejected: 'the exchange refused the request',
};

const UNREACHABLE = new Set([
  'EXCHANGE_TIMEOUT',
  'EXCHANGE_UNAVAILABLE',
  'EXCHANGE_RATE_LIMITED',
  'EXCHANGE_RESULT_UNKNOWN',
]);

/** The problem a venue's refusal names, or `unreachable` when the venue did not give a verdict. */
export function keyProblemOf(error: AppError): KeyProblem | 'unreachable' {
  if (UNREACHABLE.has(error.code)) return 'unreachable';
  const details = (error.details ?? {}) as { venue?: unknown; venueCode?: unknown };
  const known = PROBLEMS.get(`${String(details.venue)}:${String(details.venueCode)}`);
  if (known) return known;
  return error.code === 'EXCHANGE_AUTH_FAILED' ? 'key_ip_or_permission' : 'rejected';
}

/**
 * Checks new keys with a balance call before they are saved: ACCOUNT_KEYS_REJECTED (400, with
 * `details.reason`, the venue's code and message) when the venue refuses them, VENUE_UNREACHABLE
 * (502, `details.can_save_anyway`) when it gives no verdict — the caller may then save without
 * the check. Returns whether the venue confirmed the keys (false: unreachable, saved anyway).
 */
export async function checkNewKeys(
  connect: ConnectExchange,
  account: AccountRef,
  credentials: Credentials,
  saveIfUnreachable: boolean,
): Promise<boolean> {
  try {
    await connect(account, credentials).balance('USDT');
    return true;
  } catch (error) {
    const appError = isAppError(error) ? error : undefined;
    const problem = appError ? keyProblemOf(appError) : 'unreachable';
    const venue = (appError?.details ?? {}) as { venueCode?: unknown; venueMessage?: unknown };
    const said = {
      ...(venue.venueCode !== undefined ? { venue_code: String(venue.venueCode) } : {}),
      ...(typeof venue.venueMessage === 'string' ? { venue_message: venue.venueMessage.slice(0, 300) } : {}),
    };
    if (problem === 'unreachable') {
      if (saveIfUnreachable) return false;
      throw ServerErrors.create('VENUE_UNREACHABLE', {
        details: { can_save_anyway: true, code: appError?.code ?? 'NETWORK', ...said },
      });
    }
    throw ServerErrors.create('ACCOUNT_KEYS_REJECTED', {
      message: `The exchange refused these API keys (${EXPLANATIONS[problem]}); the account was not saved`,
      details: { reason: problem, ...said },
    });
  }
}
