import { createHash } from 'node:crypto';
import {
  BinanceFuturesClient,
  OkxSwapClient,
  PaperExchange,
  PaperFeedDriver,
  feedDrivenExchange,
  type Exchange,
  type MinuteCandleSource,
} from '@tradingbot/exchange';
import { ServerErrors } from './errors.ts';
import type { Credentials } from './crypto/credentials.ts';

export type AccountRef = { id: string; exchange: 'binance' | 'okx' | 'paper'; testnet: boolean };
export type ConnectExchange = (account: AccountRef, credentials: Credentials) => Exchange;

export type ExchangeFactoryOptions = {
  /** Base URL overrides per venue, e.g. a local simulator (`tradingbot sim binance`). */
  baseUrls?: Partial<Record<'binance' | 'okx', string>>;
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
          account.exchange === 'paper' ? ['paper'] : [account.exchange, account.testnet, credentials],
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
  switch (account.exchange) {
    case 'paper': {
      const venue = new PaperExchange({ balances: { USDT: 10_000 } });
      if (options.paperFeed === false) return venue;
      const driver = new PaperFeedDriver(venue, {
        ...(options.paperFeed ? { source: options.paperFeed } : {}),
        ...(options.now ? { now: options.now } : {}),
      });
      return feedDrivenExchange(venue, driver);
    }
    case 'binance':
      return new BinanceFuturesClient({
        apiKey: credentials.apiKey,
        apiSecret: credentials.apiSecret,
        testnet: account.testnet,
        ...(options.baseUrls?.binance ? { baseUrl: options.baseUrls.binance } : {}),
        ...(options.requestTimeoutMs !== undefined ? { timeoutMs: options.requestTimeoutMs } : {}),
      });
    case 'okx':
      if (credentials.passphrase === undefined || credentials.passphrase === '') {
        throw ServerErrors.create('VALIDATION_FAILED', {
          message: 'This OKX account has no passphrase stored; register it again with its passphrase',
        });
      }
      return new OkxSwapClient({
        apiKey: credentials.apiKey,
        apiSecret: credentials.apiSecret,
        passphrase: credentials.passphrase,
        demo: account.testnet,
        ...(options.baseUrls?.okx ? { baseUrl: options.baseUrls.okx } : {}),
        ...(options.requestTimeoutMs !== undefined ? { timeoutMs: options.requestTimeoutMs } : {}),
      });
  }
}
