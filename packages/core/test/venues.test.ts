import { describe, expect, it } from 'vitest';
import {
  isLiveVenueId,
  isVenueId,
  LIVE_VENUE_IDS,
  VENUE_FACTS,
  VENUE_IDS,
  venueList,
  WebhookPayloadSchema,
} from '../src/index.ts';

describe('the venue list', () => {
  it('has facts for every venue id and for nothing else', () => {
    expect(Object.keys(VENUE_FACTS)).toEqual([...VENUE_IDS]);
    expect(new Set(VENUE_IDS).size).toBe(VENUE_IDS.length);
  });

  it('the live venues are the ones with a REST API, in list order', () => {
    expect(LIVE_VENUE_IDS).toEqual(VENUE_IDS.filter((id) => VENUE_FACTS[id].live));
    expect(LIVE_VENUE_IDS).toEqual(['binance', 'okx', 'bybit']);
    expect(LIVE_VENUE_IDS.every(isLiveVenueId)).toBe(true);
    expect(isLiveVenueId('paper')).toBe(false);
    expect(isVenueId('paper')).toBe(true);
    expect(isVenueId('kraken')).toBe(false);
    expect(isVenueId(undefined)).toBe(false);
  });

  it("the webhook payload's exchange enum is the list", () => {
    const base = {
      account_id: 'a',
      action: 'close_all',
      symbol: 'BTCUSDT',
      secret: 's'.repeat(16),
    };
    for (const id of VENUE_IDS) {
      expect(WebhookPayloadSchema.safeParse({ ...base, exchange: id.toUpperCase() }).success).toBe(true);
    }
    expect(WebhookPayloadSchema.safeParse({ ...base, exchange: 'kraken' }).success).toBe(false);
  });

  it('formats symbols the venue way', () => {
    const pair = { base: 'BTC', quote: 'USDT' };
    expect(VENUE_IDS.map((id) => VENUE_FACTS[id].formatSymbol(pair))).toEqual([
      'BTCUSDT',
      'BTC-USDT-SWAP',
      'BTCUSDT',
    ]);
  });

  it('lists venues as a sentence does', () => {
    expect(venueList()).toBe('binance, okx, bybit or paper');
    expect(venueList(LIVE_VENUE_IDS)).toBe('binance, okx or bybit');
    expect(venueList(['one'])).toBe('one');
  });
});
