import {
  LIVE_VENUE_IDS,
  VENUE_FACTS,
  type LiveVenueId,
  type VenueFacts,
  type VenueId,
} from '@tradingbot/core';
import { BinanceFuturesClient } from './binance/client.ts';
import { binanceKlinesPage } from './binance/klines.ts';
import { BybitLinearClient } from './bybit/client.ts';
import { bybitKlinesPage } from './bybit/klines.ts';
import type { FetchKlinesPage } from './download.ts';
import { OkxSwapClient } from './okx/client.ts';
import { okxKlinesPage } from './okx/klines.ts';
import { PaperExchange, type PaperVenueSnapshot } from './paper/paper-exchange.ts';
import { PaperFeedDriver, feedDrivenExchange, type MinuteCandleSource } from './paper/price-feed.ts';
import type { Exchange } from './types.ts';

/** A stored account as far as choosing and building its venue client goes. */
export type AccountRef = { id: string; exchange: VenueId; testnet: boolean };

/** What an account's client is built from. */
export type VenueClientOptions = {
  credentials: { apiKey: string; apiSecret: string; passphrase?: string | undefined };
  /** The venue's test network (Binance testnet, OKX demo trading, Bybit testnet). */
  testnet: boolean;
  /** Another REST base URL, e.g. a local simulator. */
  baseUrl?: string | undefined;
  /**
   * Another WebSocket stream base URL (Binance: the host the client appends `/private/ws`,
   * `/market/ws` to). Default: derived from `baseUrl` when that is not the venue's own host (a
   * simulator serves both on one origin), else the venue's stream host.
   */
  streamUrl?: string | undefined;
  /** Per-request timeout (default: the client's own). */
  timeoutMs?: number | undefined;
  /**
   * What moves a paper venue's prices. Default: the synthetic minute candles, so a paper account
   * trades with no network. `false`: no feed (tests drive the venue themselves).
   */
  paperFeed?: MinuteCandleSource | false | undefined;
  /** Clock of the paper feed (tests). */
  now?: (() => number) | undefined;
  /** A paper account's stored state, taken over before the venue's first call (with a feed). */
  restoreState?: (() => Promise<PaperVenueSnapshot | undefined>) | undefined;
};

export type VenueEntry = VenueFacts & {
  createClient(options: VenueClientOptions): Exchange;
};

/** A venue with a REST API: its base-URL variable and its public candle pages besides a client. */
export type LiveVenueEntry = VenueEntry & {
  /** The configuration variable that sends every account of this venue to another base URL. */
  baseUrlEnv: string;
  /**
   * The venue's public candle endpoint as the page function `downloadCandles` walks (the CLI's
   * `data download`, the strategy lab). A base URL sends the requests elsewhere (a simulator).
   */
  klinesPage(baseUrl?: string): FetchKlinesPage;
};

export type VenueEntries = { [K in VenueId]: K extends LiveVenueId ? LiveVenueEntry : VenueEntry };

/** A paper account's starting balance. */
const PAPER_BALANCES = { USDT: 10_000 };

const optional = <K extends string, V>(key: K, value: V | undefined) =>
  (value !== undefined ? { [key]: value } : {}) as Partial<Record<K, V>>;

/**
 * The venue registry: per venue id (`VENUE_IDS` of @tradingbot/core), its facts plus how to build
 * its client and, for live venues, where its base URL is configured and how to page its candles.
 * The server's exchange factory and config, the CLI and the strategy lab read venues only from
 * here. The wire-compatible simulators are registered separately, in `@tradingbot/exchange/sim`,
 * so the product entry point does not carry them.
 *
 * Adding a venue: `src/<venue>/` (client implementing `Exchange`, klines page, errors), its id in
 * @tradingbot/core's `VENUE_IDS` and `VENUE_FACTS`, an entry here, a migration widening the
 * accounts table's CHECK, and a run of `test/contract/exchange-contract.ts` against the client.
 */
export const VENUES: VenueEntries = {
  binance: {
    ...VENUE_FACTS.binance,
    baseUrlEnv: 'BINANCE_BASE_URL',
    createClient: (o) =>
      new BinanceFuturesClient({
        apiKey: o.credentials.apiKey,
        apiSecret: o.credentials.apiSecret,
        testnet: o.testnet,
        ...optional('baseUrl', o.baseUrl),
        ...optional('streamUrl', o.streamUrl),
        ...optional('timeoutMs', o.timeoutMs),
      }),
    klinesPage: (baseUrl) => binanceKlinesPage(optional('baseUrl', baseUrl)),
  },
  okx: {
    ...VENUE_FACTS.okx,
    baseUrlEnv: 'OKX_BASE_URL',
    createClient: (o) =>
      new OkxSwapClient({
        apiKey: o.credentials.apiKey,
        apiSecret: o.credentials.apiSecret,
        passphrase: o.credentials.passphrase ?? '',
        demo: o.testnet,
        ...optional('baseUrl', o.baseUrl),
        ...optional('timeoutMs', o.timeoutMs),
      }),
    // OKX pages newest first (`after`/`before`); okxKlinesPage turns that into oldest-first pages
    // and takes `BTCUSDT` or `BTC-USDT-SWAP`.
    klinesPage: (baseUrl) => okxKlinesPage(optional('baseUrl', baseUrl)),
  },
  bybit: {
    ...VENUE_FACTS.bybit,
    baseUrlEnv: 'BYBIT_BASE_URL',
    createClient: (o) =>
      new BybitLinearClient({
        apiKey: o.credentials.apiKey,
        apiSecret: o.credentials.apiSecret,
        testnet: o.testnet,
        ...optional('baseUrl', o.baseUrl),
        ...optional('timeoutMs', o.timeoutMs),
      }),
    // Bybit pages newest first; bybitKlinesPage asks for one page-sized window from startTime.
    klinesPage: (baseUrl) => bybitKlinesPage(optional('baseUrl', baseUrl)),
  },
  paper: {
    ...VENUE_FACTS.paper,
    createClient: (o) => {
      const venue = new PaperExchange({ balances: { ...PAPER_BALANCES } });
      if (o.paperFeed === false) return venue;
      const driver = new PaperFeedDriver(venue, {
        ...(o.paperFeed ? { source: o.paperFeed } : {}),
        ...optional('now', o.now),
      });
      return feedDrivenExchange(venue, driver, o.restoreState);
    },
  },
};

/** The live venues' entries, in `LIVE_VENUE_IDS` order. */
export function liveVenues(): Array<[LiveVenueId, LiveVenueEntry]> {
  return LIVE_VENUE_IDS.map((id) => [id, VENUES[id]]);
}
