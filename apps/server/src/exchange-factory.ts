import { createHash } from 'node:crypto';
import type { LiveVenueId } from '@tradingbot/core';
import { VENUES, type AccountRef, type Exchange, type MinuteCandleSource } from '@tradingbot/exchange';
import { ServerErrors } from './errors.ts';
import type { Credentials } from './crypto/credentials.ts';

export type ConnectExchange = (account: AccountRef, credentials: Credentials) => Exchange;

export type ExchangeFactoryOptions = {
  /** Base URL overrides per venue, e.g. a local simulator (`tradingbot sim binance`). */
  baseUrls?: Partial<Record<LiveVenueId, string>>;
  /**
   * What moves paper prices. Default: the synthetic minute candles (clearly not market data), so a
   * paper account trades with no network. `false`: no feed (tests drive the venue themselves).
   */
  paperFeed?: MinuteCandleSource | false;
  /** Clock of the paper feed (tests). */
  now?: () => number;
  /** Per-request timeout of venue clients (default: the client's own, 10 s). */
  requestTimeoutMs?: number;
};

/**
 * The one place that turns a stored account into a venue client. Clients are kept per account
 * (their server-time offset, rate-limit state and position-mode knowledge survive between
 * signals) and rebuilt when the account's credentials or network change. Paper accounts keep one
 * in-process venue each for the life of the server (10,000 USDT to start), moved by the paper feed.
 */
export function createExchangeFactory(options: ExchangeFactoryOptions = {}): ConnectExchange {
  const clients = new Map<string, { fingerprint: string; exchange: Exchange }>();
  return (account, credentials) => {
    const fingerprint = createHash('sha256')
      // A paper venue is the account's state itself: only a change of venue replaces it.
      .update(
        JSON.stringify(
          VENUES[account.exchange].live
            ? [account.exchange, account.testnet, credentials]
            : [account.exchange],
        ),
      )
      .digest('hex');
    const cached = clients.get(account.id);
    if (cached?.fingerprint === fingerprint) return cached.exchange;
    const exchange = build(account, credentials, options);
    clients.set(account.id, { fingerprint, exchange });
    return exchange;
  };
}

function build(account: AccountRef, credentials: Credentials, options: ExchangeFactoryOptions): Exchange {
  const venue = VENUES[account.exchange];
  if (venue.needsPassphrase && (credentials.passphrase === undefined || credentials.passphrase === '')) {
    throw ServerErrors.create('VALIDATION_FAILED', {
      message: `This ${venue.label} account has no passphrase stored; register it again with its passphrase`,
    });
  }
  return venue.createClient({
    credentials,
    testnet: account.testnet,
    baseUrl: options.baseUrls?.[account.exchange as LiveVenueId] || undefined,
    timeoutMs: options.requestTimeoutMs,
    paperFeed: options.paperFeed,
    now: options.now,
  });
}
