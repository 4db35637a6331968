import { BinanceFuturesClient, PaperExchange, type Exchange } from '@tradingbot/exchange';
import { ServerErrors } from './errors.ts';
import type { Credentials } from './crypto/credentials.ts';

export type AccountRef = { id: string; exchange: 'binance' | 'okx' | 'paper'; testnet: boolean };
export type ConnectExchange = (account: AccountRef, credentials: Credentials) => Exchange;

export type ExchangeFactoryOptions = {
  /** Base URL overrides per venue, e.g. a local simulator (`tradingbot sim binance`). */
  baseUrls?: Partial<Record<'binance' | 'okx', string>>;
};

/**
 * The one place that turns a stored account into a venue client. Paper accounts keep one
 * in-process venue each for the life of the server (10,000 USDT to start).
 */
export function createExchangeFactory(options: ExchangeFactoryOptions = {}): ConnectExchange {
  const paperVenues = new Map<string, PaperExchange>();
  return (account, credentials) => {
    switch (account.exchange) {
      case 'paper': {
        let venue = paperVenues.get(account.id);
        if (!venue) {
          venue = new PaperExchange({ balances: { USDT: 10_000 } });
          paperVenues.set(account.id, venue);
        }
        return venue;
      }
      case 'binance':
        return new BinanceFuturesClient({
          apiKey: credentials.apiKey,
          apiSecret: credentials.apiSecret,
          testnet: account.testnet,
          ...(options.baseUrls?.binance ? { baseUrl: options.baseUrls.binance } : {}),
        });
      case 'okx':
        throw ServerErrors.create('EXCHANGE_NOT_AVAILABLE', {
          message: 'OKX accounts can be stored, but the OKX client is not part of this build yet',
        });
    }
  };
}
