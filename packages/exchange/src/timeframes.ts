import type { VenueId } from '@tradingbot/core';
import { intervalMs, toBinanceInterval } from './binance/parse.ts';
import { bybitIntervalMs, toBybitInterval } from './bybit/parse.ts';
import { okxBarMs, toOkxBar } from './okx/parse.ts';
import { timeframeMs } from './paper/engine/candles.ts';

/**
 * The bar length (ms) of our timeframe (`1m`, `15m`, `1h`, `4h`, `1d`) on a venue's candle
 * endpoints and kline streams, or undefined when the venue has no such fixed-length bar (a bot or a
 * subscription on it would never get a candle). The paper venue aggregates any length.
 */
export function venueTimeframeMs(venue: VenueId, timeframe: string): number | undefined {
  switch (venue) {
    case 'binance': {
      const interval = toBinanceInterval(timeframe);
      return interval === undefined ? undefined : intervalMs(interval);
    }
    case 'okx': {
      const bar = toOkxBar(timeframe);
      return bar === undefined ? undefined : okxBarMs(bar);
    }
    case 'bybit': {
      const interval = toBybitInterval(timeframe);
      return interval === undefined ? undefined : bybitIntervalMs(interval);
    }
    case 'paper':
      try {
        return timeframeMs(timeframe);
      } catch {
        return undefined;
      }
  }
}
