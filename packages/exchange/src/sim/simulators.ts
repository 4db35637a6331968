import type { LiveVenueId } from '@tradingbot/core';
import type { PaperExchange } from '../paper/index.ts';
import { ExchangeErrors } from '../errors.ts';
import { normalizeSymbol } from '../symbols.ts';
import { startBinanceSimulator } from '../binance/simulator.ts';
import { startOkxSimulator } from '../okx/simulator.ts';
import { startBybitSimulator } from '../bybit/simulator.ts';
import type { Candle } from './candles.ts';
import type { FaultMatch } from './faults.ts';
import type { WireRequestLog, WireSimulatorOptions } from './pipeline.ts';

/** What every venue's simulator is started with. */
export type VenueSimulatorOptions = Pick<
  WireSimulatorOptions<FaultMatch>,
  'port' | 'host' | 'apiKey' | 'apiSecret' | 'balance' | 'hedge'
> & {
  /** Required by venues whose keys carry one (`VENUE_FACTS[venue].needsPassphrase`). */
  passphrase?: string;
  /** Candles served by the venue's klines endpoint, keyed by the venue's symbol (`venueSymbol`). */
  candles?: Record<string, Candle[]>;
};

/** A running simulator, whatever the venue. */
export type VenueSimulator = {
  url: string;
  venue: PaperExchange;
  requests: readonly WireRequestLog[];
  close(): Promise<void>;
};

export type VenueSimulatorFactory = {
  /** The venue's name for a symbol spelt as on TradingView (`BTCUSDT` → `BTC-USDT-SWAP` on OKX). */
  venueSymbol(symbol: string): string;
  start(options: VenueSimulatorOptions): Promise<VenueSimulator>;
};

/** Every live venue's simulator (`tradingbot sim <venue>` starts one of these). */
export const SIMULATORS: Readonly<Record<LiveVenueId, VenueSimulatorFactory>> = Object.freeze({
  binance: {
    venueSymbol: (symbol) => symbol,
    start: (o) => startBinanceSimulator(o),
  },
  okx: {
    venueSymbol: (symbol) => normalizeSymbol(symbol, 'okx'),
    start: ({ passphrase, ...o }) => {
      if (passphrase === undefined) {
        throw ExchangeErrors.create('INVALID_REQUEST', { message: 'the OKX simulator needs a passphrase' });
      }
      return startOkxSimulator({ ...o, passphrase });
    },
  },
  bybit: {
    venueSymbol: (symbol) => normalizeSymbol(symbol, 'bybit'),
    start: (o) => startBybitSimulator(o),
  },
});
