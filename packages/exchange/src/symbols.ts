import { isVenueId, VENUE_FACTS } from '@tradingbot/core';
import { ExchangeErrors } from './errors.ts';
import type { ExchangeId, Instrument } from './types.ts';

/**
 * TradingView / ccxt / venue tickers → the venue's own id (each venue's `formatSymbol`, `VENUE_FACTS`):
 *   `BINANCE:BTCUSDT.P`, `OKX:BTCUSDT.P`, `BTCUSDT.P`, `BTCUSDT`, `btcusdt`, `BTC-USDT-SWAP`,
 *   `BTC-USDT`, `BTC/USDT`, `BTC/USDT:USDT`  →  `BTCUSDT` (binance, paper) / `BTC-USDT-SWAP` (okx).
 * A concatenated ticker is split into base and quote with the instrument list when given (so
 * `1000PEPEUSDT` works), else on the known quote assets. Malformed input (empty, spaces, illegal
 * characters) is INVALID_REQUEST; a well-formed ticker the venue does not list is UNKNOWN_SYMBOL
 * with up to three near matches in the message and `details.suggestions`. Nothing is sent anywhere.
 */

/** Quote assets tried, in order, when no instrument list resolves a concatenated ticker. */
export const KNOWN_QUOTES: readonly string[] = ['FDUSD', 'USDT', 'USDC', 'BUSD', 'USD'];

const ALLOWED = /^[A-Za-z0-9.:/_-]+$/;
const ASSET = /^[A-Z0-9]+$/;

export type ParsedSymbol = { base: string; quote: string };

function malformed(input: string, why: string): Error {
  return ExchangeErrors.create('INVALID_REQUEST', {
    message: `Symbol "${input}" is not a valid ticker: ${why}`,
    details: { reason: 'malformed_symbol', symbol: input },
  });
}

/** Levenshtein distance (small strings; O(n·m)). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * Up to `max` candidates nearest to `target` by edit distance (case-insensitive), nearest first,
 * keeping only plausible typos (at most `maxDistance` edits, default 2).
 */
export function nearMatches(
  target: string,
  candidates: readonly string[],
  max = 3,
  maxDistance = 2,
): string[] {
  const t = target.toUpperCase();
  const limit = maxDistance;
  return candidates
    .map((candidate) => ({ candidate, distance: editDistance(t, candidate.toUpperCase()) }))
    .filter((c) => c.distance <= limit)
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, max)
    .map((c) => c.candidate);
}

function splitCompact(
  compact: string,
  instruments: readonly Instrument[] | undefined,
): ParsedSymbol | undefined {
  if (instruments !== undefined) {
    for (const instrument of instruments) {
      const base = instrument.base.toUpperCase();
      const quote = instrument.quote.toUpperCase();
      if (base + quote === compact || instrument.venueSymbol.toUpperCase() === compact)
        return { base, quote };
    }
  }
  for (const quote of KNOWN_QUOTES) {
    if (compact.length > quote.length && compact.endsWith(quote)) {
      return { base: compact.slice(0, -quote.length), quote };
    }
  }
  return undefined;
}

/**
 * Parses a ticker into base and quote. Throws INVALID_REQUEST when malformed, UNKNOWN_SYMBOL when
 * it cannot be split.
 */
export function parseSymbol(input: string, instruments?: readonly Instrument[]): ParsedSymbol {
  if (typeof input !== 'string') throw malformed(String(input), 'it must be a string');
  const trimmed = input.trim();
  if (trimmed === '') throw malformed(input, 'it is empty');
  if (/\s/.test(trimmed)) throw malformed(input, 'it contains spaces');
  if (!ALLOWED.test(trimmed))
    throw malformed(input, 'it contains characters other than letters, digits and . : / _ -');
  const upper = trimmed.toUpperCase();

  // ccxt unified: BASE/QUOTE or BASE/QUOTE:SETTLE.
  if (upper.includes('/')) {
    const m = /^([A-Z0-9]+)\/([A-Z0-9]+)(?::([A-Z0-9]+))?$/.exec(upper);
    if (m === null || m[1] === undefined || m[2] === undefined)
      throw malformed(input, 'expected BASE/QUOTE[:SETTLE]');
    return { base: m[1], quote: m[2] };
  }

  // TradingView: an optional EXCHANGE: prefix, an optional .P (perpetual) suffix.
  let rest = upper;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const prefix = rest.slice(0, colon);
    rest = rest.slice(colon + 1);
    if (!/^[A-Z0-9_]+$/.test(prefix) || rest.includes(':'))
      throw malformed(input, 'expected EXCHANGE:TICKER');
  }
  if (rest.endsWith('.P')) rest = rest.slice(0, -2);
  if (rest.includes('.')) throw malformed(input, 'unexpected "."');

  // Venue forms with separators: BTC-USDT-SWAP, BTC-USDT, BTC_USDT.
  if (/[-_]/.test(rest)) {
    const parts = rest.split(/[-_]/);
    if (parts.length === 3 && parts[2] === 'SWAP') parts.pop();
    const [base, quote] = parts;
    if (
      parts.length !== 2 ||
      base === undefined ||
      quote === undefined ||
      !ASSET.test(base) ||
      !ASSET.test(quote)
    ) {
      throw malformed(input, 'expected BASE-QUOTE or BASE-QUOTE-SWAP');
    }
    return { base, quote };
  }

  if (!ASSET.test(rest)) throw malformed(input, 'expected letters and digits');
  const split =
    splitCompact(rest, instruments) ??
    (rest.endsWith('PERP') ? splitCompact(rest.slice(0, -4), instruments) : undefined);
  if (split === undefined) {
    const suggestions =
      instruments === undefined
        ? []
        : nearMatches(
            rest,
            instruments.map((i) => i.venueSymbol),
          );
    throw ExchangeErrors.create('UNKNOWN_SYMBOL', {
      message:
        `Cannot tell the base and quote assets of "${input}"` +
        (suggestions.length > 0 ? `; did you mean ${suggestions.join(', ')}?` : ''),
      details: { reason: 'unknown_symbol', symbol: input, suggestions },
    });
  }
  return split;
}

/** The venue id for a base/quote pair: `BTCUSDT` on binance and paper, `BTC-USDT-SWAP` on okx. */
export function venueSymbolFor(exchange: ExchangeId, parsed: ParsedSymbol): string {
  if (!isVenueId(exchange)) {
    throw ExchangeErrors.create('UNKNOWN_EXCHANGE', {
      message: `Unknown exchange "${String(exchange)}"`,
      details: { exchange },
    });
  }
  return VENUE_FACTS[exchange].formatSymbol(parsed);
}

/**
 * Maps any accepted ticker form to the venue's id. With `instruments`, the id must be listed
 * (else UNKNOWN_SYMBOL with near matches); without, the derived id is returned unchecked.
 */
export function normalizeSymbol(
  input: string,
  exchange: ExchangeId,
  instruments?: readonly Instrument[],
): string {
  const id = venueSymbolFor(exchange, parseSymbol(input, instruments));
  if (instruments === undefined) return id;
  const found = instruments.find((i) => i.venueSymbol.toUpperCase() === id);
  if (found !== undefined) return found.venueSymbol;
  const suggestions = nearMatches(
    id,
    instruments.map((i) => i.venueSymbol),
  );
  throw ExchangeErrors.create('UNKNOWN_SYMBOL', {
    message:
      `Unknown symbol "${input}" on ${exchange} (looked for ${id})` +
      (suggestions.length > 0 ? `; did you mean ${suggestions.join(', ')}?` : ''),
    details: { reason: 'unknown_symbol', symbol: input, venueSymbol: id, exchange, suggestions },
  });
}
