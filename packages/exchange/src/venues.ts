import {
  LIVE_VENUE_IDS,
  VENUE_FACTS,
  type LiveVenueId,
  type PaperMarketData,
  type PaperMarketVenue,
  type VenueFacts,
  type VenueId,
} from '@tradingbot/core';
import { BINANCE_FSTREAM_URL, BinanceFuturesClient } from './binance/client.ts';
import { binanceFundingPage, binanceKlinesPage } from './binance/klines.ts';
import { BybitLinearClient } from './bybit/client.ts';
import { bybitKlinesPage } from './bybit/klines.ts';
import type { FetchKlinesPage } from './download.ts';
import type { FetchFundingPage } from './funding-download.ts';
import { OkxSwapClient } from './okx/client.ts';
import { okxFundingPage, okxKlinesPage } from './okx/klines.ts';
import { OKX_WS_URLS } from './okx/stream.ts';
import { MarketFeedDriver, PublicMarketFeed } from './paper/market-feed.ts';
import { PaperExchange, type PaperVenueSnapshot } from './paper/paper-exchange.ts';
import { PaperFeedDriver, feedDrivenExchange, type MinuteCandleSource } from './paper/price-feed.ts';
import type { Exchange } from './types.ts';
import { isStreamingVenue } from './stream/types.ts';
import { normalizeSymbol } from './symbols.ts';

/** A stored account as far as choosing and building its venue client goes. */
export type AccountRef = {
  id: string;
  exchange: VenueId;
  testnet: boolean;
  /** A paper account's price source (default `synthetic`); ignored for live venues. */
  marketData?: PaperMarketData | undefined;
};

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
   * The HTTP transport of a live venue's REST calls (default: global fetch). The server passes one
   * that shares a venue's rate-limit state between all its accounts' clients.
   */
  fetch?: typeof fetch | undefined;
  /**
   * What moves a paper venue's prices. Default: the synthetic minute candles, so a paper account
   * trades with no network. `false`: no feed (tests drive the venue themselves).
   */
  paperFeed?: MinuteCandleSource | false | undefined;
  /** Clock of the paper feed (tests). */
  now?: (() => number) | undefined;
  /**
   * A paper account that follows a venue's public market data: that venue's shared feed
   * (`createPublicMarketFeed`). Without it, the synthetic feed (or `paperFeed`).
   */
  paperMarket?: PublicMarketFeed | undefined;
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
  /** The venue's public funding-rate history as the page function `downloadFunding` walks (absent: not served yet). */
  fundingPage?(baseUrl?: string): FetchFundingPage;
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
        ...optional('fetch', o.fetch),
      }),
    klinesPage: (baseUrl) => binanceKlinesPage(optional('baseUrl', baseUrl)),
    fundingPage: (baseUrl) => binanceFundingPage(optional('baseUrl', baseUrl)),
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
        ...optional('wsBaseUrl', o.streamUrl),
        ...optional('timeoutMs', o.timeoutMs),
        ...optional('fetch', o.fetch),
      }),
    // OKX pages newest first (`after`/`before`); okxKlinesPage turns that into oldest-first pages
    // and takes `BTCUSDT` or `BTC-USDT-SWAP`.
    klinesPage: (baseUrl) => okxKlinesPage(optional('baseUrl', baseUrl)),
    fundingPage: (baseUrl) => okxFundingPage(optional('baseUrl', baseUrl)),
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
        ...optional('fetch', o.fetch),
      }),
    // Bybit pages newest first; bybitKlinesPage asks for one page-sized window from startTime.
    klinesPage: (baseUrl) => bybitKlinesPage(optional('baseUrl', baseUrl)),
  },
  paper: {
    ...VENUE_FACTS.paper,
    createClient: (o) => {
      const venue = new PaperExchange({ balances: { ...PAPER_BALANCES } });
      if (o.paperMarket !== undefined) {
        const driver = new MarketFeedDriver(venue, o.paperMarket, optional('now', o.now));
        return feedDrivenExchange(venue, driver, o.restoreState);
      }
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

/**
 * The venues whose public market data a paper account can follow (`PAPER_MARKET_DATA` of
 * @tradingbot/core): per venue, the configuration variable of its public stream base URL and the
 * production default. No keys: only public streams and public candles are read.
 */
export const PAPER_MARKET_VENUES: Readonly<
  Record<PaperMarketVenue, { streamUrlEnv: string; defaultStreamUrl: string }>
> = {
  binance: { streamUrlEnv: 'BINANCE_PUBLIC_STREAM_URL', defaultStreamUrl: BINANCE_FSTREAM_URL },
  okx: { streamUrlEnv: 'OKX_PUBLIC_STREAM_URL', defaultStreamUrl: OKX_WS_URLS.live },
};

export type PublicMarketFeedConfig = {
  /** Public stream base (Binance: the host `/market/ws` is appended to; OKX: the `…/ws/v5` base). */
  streamUrl?: string | undefined;
  /** REST base for public candles (default the venue's own). */
  baseUrl?: string | undefined;
  now?: (() => number) | undefined;
  retryMinMs?: number | undefined;
  retryMaxMs?: number | undefined;
  staleAfterMs?: number | undefined;
  /** Reconnect backoff of the stream itself (ms). */
  reconnectMinMs?: number | undefined;
  reconnectMaxMs?: number | undefined;
};

/**
 * One venue's public market data for paper accounts (one per process and venue, shared by every
 * paper account that follows it): the venue client's market stream and public candle pages,
 * built without keys.
 */
export function createPublicMarketFeed(
  venue: PaperMarketVenue,
  config: PublicMarketFeedConfig = {},
): PublicMarketFeed {
  const entry = VENUES[venue];
  const client = entry.createClient({
    // Public streams and candles only: nothing is ever signed with these.
    credentials: { apiKey: 'public', apiSecret: 'public', passphrase: 'public' },
    testnet: false,
    baseUrl: config.baseUrl,
    // Unset: beside a non-venue `baseUrl` (a simulator), else the venue's production stream host.
    streamUrl: config.streamUrl,
  });
  if (!isStreamingVenue(client)) throw new Error(`${venue} has no market stream`);
  return new PublicMarketFeed({
    venue,
    openStream: () =>
      client.marketStream({
        ...optional('reconnectMinMs', config.reconnectMinMs),
        ...optional('reconnectMaxMs', config.reconnectMaxMs),
      }),
    klinesPage: entry.klinesPage(config.baseUrl),
    venueSymbolOf: (symbol) => normalizeSymbol(symbol, venue),
    ...optional('now', config.now),
    ...optional('retryMinMs', config.retryMinMs),
    ...optional('retryMaxMs', config.retryMaxMs),
    ...optional('staleAfterMs', config.staleAfterMs),
  });
}
