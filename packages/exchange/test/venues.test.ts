import { describe, expect, it } from 'vitest';
import { LIVE_VENUE_IDS, VENUE_FACTS, VENUE_IDS } from '@tradingbot/core';
import { BinanceFuturesClient } from '../src/binance/client.ts';
import { OkxSwapClient } from '../src/okx/client.ts';
import { BybitLinearClient } from '../src/bybit/client.ts';
import { PaperExchange } from '../src/paper/paper-exchange.ts';
import { liveVenues, VENUES } from '../src/venues.ts';

const credentials = { apiKey: 'k'.repeat(64), apiSecret: 's'.repeat(64), passphrase: 'p' };

describe('the venue registry', () => {
  it('has an entry for every venue id, carrying its facts', () => {
    expect(Object.keys(VENUES)).toEqual([...VENUE_IDS]);
    for (const id of VENUE_IDS) {
      const { label, live, needsPassphrase } = VENUES[id];
      expect({ label, live, needsPassphrase }).toEqual({
        label: VENUE_FACTS[id].label,
        live: VENUE_FACTS[id].live,
        needsPassphrase: VENUE_FACTS[id].needsPassphrase,
      });
    }
  });

  it('gives each live venue a base-URL variable and candle pages', () => {
    expect(liveVenues().map(([id]) => id)).toEqual([...LIVE_VENUE_IDS]);
    expect(liveVenues().map(([, venue]) => venue.baseUrlEnv)).toEqual([
      'BINANCE_BASE_URL',
      'OKX_BASE_URL',
      'BYBIT_BASE_URL',
    ]);
    for (const [, venue] of liveVenues()) {
      expect(typeof venue.klinesPage('http://127.0.0.1:1')).toBe('function');
      expect(typeof venue.klinesPage()).toBe('function');
    }
    expect('baseUrlEnv' in VENUES.paper).toBe(false);
  });

  it('builds the client class of each venue', () => {
    const classes = {
      binance: BinanceFuturesClient,
      okx: OkxSwapClient,
      bybit: BybitLinearClient,
      paper: PaperExchange,
    };
    for (const id of VENUE_IDS) {
      const client = VENUES[id].createClient({ credentials, testnet: true, paperFeed: false });
      expect(client, id).toBeInstanceOf(classes[id]);
      expect(client.id).toBe(id);
    }
    // With its feed, the paper venue is still the paper venue (moved by the synthetic candles).
    expect(VENUES.paper.createClient({ credentials, testnet: true })).toBeInstanceOf(PaperExchange);
  });
});
