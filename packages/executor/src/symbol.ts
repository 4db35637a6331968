import { normalizeSymbol, type ExchangeId, type Instrument } from '@tradingbot/exchange';

/**
 * The venue's id for a payload symbol (`BINANCE:BTCUSDT.P` → `BTCUSDT`, `OKX:BTCUSDT.P` →
 * `BTC-USDT-SWAP`), through the exchange package's `normalizeSymbol`. A paper account trades
 * Binance-style ids. With `instruments`, a symbol the venue does not list is UNKNOWN_SYMBOL.
 */
export function normalizeVenueSymbol(
  input: string,
  exchange: ExchangeId,
  instruments?: readonly Instrument[],
): string {
  return normalizeSymbol(input, exchange, instruments);
}
