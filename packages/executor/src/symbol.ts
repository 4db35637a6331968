import type { ExchangeId, Instrument } from '@tradingbot/exchange';

// TEMPORARY until packages/exchange/src/symbols.ts lands.
export function normalizeVenueSymbol(
  input: string,
  _exchange: ExchangeId,
  _instruments?: readonly Instrument[],
): string {
  return input.trim().toUpperCase();
}
