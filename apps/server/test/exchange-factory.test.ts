import { describe, expect, it } from 'vitest';
import { LIVE_VENUE_IDS, VENUE_IDS } from '@tradingbot/core';
import { BinanceFuturesClient, BybitLinearClient, OkxSwapClient, PaperExchange } from '@tradingbot/exchange';
import { createExchangeFactory } from '../src/exchange-factory.ts';
import { Account, RegisterAccountBody } from '../src/routes/accounts.schema.ts';
import { klineSources } from '../src/services/lab.ts';

const credentials = { apiKey: 'k'.repeat(64), apiSecret: 's'.repeat(64), passphrase: 'p' };

describe('the exchange factory (built from the venue registry)', () => {
  it('gives each venue its client class', () => {
    const connect = createExchangeFactory({ paperFeed: false, baseUrls: { binance: 'http://127.0.0.1:1' } });
    const classes = {
      binance: BinanceFuturesClient,
      okx: OkxSwapClient,
      bybit: BybitLinearClient,
      paper: PaperExchange,
    };
    for (const exchange of VENUE_IDS) {
      const client = connect({ id: `a-${exchange}`, exchange, testnet: true }, credentials);
      expect(client, exchange).toBeInstanceOf(classes[exchange]);
    }
  });

  it('keeps a client per account until its credentials change; a paper venue until its venue changes', () => {
    const connect = createExchangeFactory({ paperFeed: false });
    const binance = { id: 'b', exchange: 'binance' as const, testnet: true };
    const first = connect(binance, credentials);
    expect(connect(binance, { ...credentials })).toBe(first);
    expect(connect(binance, { ...credentials, apiSecret: 't'.repeat(64) })).not.toBe(first);
    const paper = { id: 'p', exchange: 'paper' as const, testnet: true };
    const venue = connect(paper, credentials);
    expect(connect({ ...paper, testnet: false }, { ...credentials, apiKey: 'other' })).toBe(venue);
  });

  it('refuses a venue that needs a passphrase without one', () => {
    const connect = createExchangeFactory();
    expect(() =>
      connect({ id: 'o', exchange: 'okx', testnet: true }, { ...credentials, passphrase: undefined }),
    ).toThrow('This OKX account has no passphrase stored; register it again with its passphrase');
  });
});

describe('the route enums are the venue list', () => {
  it('accounts', () => {
    expect(Account.shape.exchange.options).toEqual([...VENUE_IDS]);
    const body = { api_key: 'x', api_secret: 'y' };
    expect(RegisterAccountBody.safeParse({ ...body, exchange: 'paper' }).success).toBe(true);
    expect(RegisterAccountBody.safeParse({ ...body, exchange: 'kraken' }).success).toBe(false);
  });

  it('the lab downloads candles from every live venue', () => {
    expect(Object.keys(klineSources())).toEqual([...LIVE_VENUE_IDS]);
  });
});
