import type { Instrument, PositionMode } from '../types.ts';
import { InstrumentCache, PositionModeCache } from './caches.ts';
import { OrderSubmitter, type OrderSubmitterOptions, type SubmitterClock } from './order-submitter.ts';
import type { SignedHttpOptions } from './signed-http.ts';

/** The options every venue client takes; each venue adds its credentials and quirks. */
export type VenueClientOptions = {
  /** Overrides the venue URL (e.g. a local simulator). */
  baseUrl?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Retries of safe requests (reads, cancels) after transient failures. */
  maxRetries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How long the instrument list stays cached. */
  instrumentsTtlMs?: number;
  /** How long the detected position mode stays cached. */
  positionModeTtlMs?: number;
  /** Lookups of an order whose placement outcome is unknown before giving up with EXCHANGE_RESULT_UNKNOWN. */
  lookupAttempts?: number;
};

/** The HTTP layer's options from a client's: defaults for the unset ones, the rest passed through. */
export function transportOptions(
  options: VenueClientOptions,
  baseUrl: string,
  now: () => number,
): SignedHttpOptions {
  return {
    baseUrl,
    timeoutMs: options.timeoutMs ?? 10_000,
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    now,
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
    ...(options.baseDelayMs !== undefined ? { baseDelayMs: options.baseDelayMs } : {}),
    ...(options.maxDelayMs !== undefined ? { maxDelayMs: options.maxDelayMs } : {}),
  };
}

/** What every venue client keeps beside its HTTP layer. */
export type VenueClientState = {
  instruments: InstrumentCache;
  positionMode: PositionModeCache;
  submitter: OrderSubmitter;
};

/**
 * The instrument and position-mode caches and the order submitter, with the shared defaults (five
 * minutes for both caches, six lookups of an uncertain placement); the venue supplies its loaders.
 */
export function venueClientState(
  options: VenueClientOptions,
  venue: {
    venue: OrderSubmitterOptions['venue'];
    clock: SubmitterClock;
    now: () => number;
    loadInstruments: () => Promise<Map<string, Instrument>>;
    readPositionMode: () => Promise<PositionMode>;
  },
): VenueClientState {
  const { now } = venue;
  return {
    instruments: new InstrumentCache({
      ttlMs: options.instrumentsTtlMs ?? 5 * 60_000,
      now,
      load: venue.loadInstruments,
    }),
    positionMode: new PositionModeCache({
      ttlMs: options.positionModeTtlMs ?? 5 * 60_000,
      now,
      read: venue.readPositionMode,
    }),
    submitter: new OrderSubmitter({
      venue: venue.venue,
      clock: venue.clock,
      lookupAttempts: options.lookupAttempts ?? 6,
    }),
  };
}
