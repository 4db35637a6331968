import { ExchangeErrors } from '../errors.ts';
import type { Instrument, PositionMode } from '../types.ts';

/** A listing younger than this is not reloaded for an unknown symbol. */
const RELOAD_UNKNOWN_AFTER_MS = 60_000;

/**
 * A venue's instruments by venue symbol, loaded once per TTL (concurrent callers share one load).
 * An unknown symbol reloads the list once when it is older than a minute (a new listing).
 */
export class InstrumentCache {
  private cached: { at: number; bySymbol: Map<string, Instrument> } | undefined;
  private loading: Promise<Map<string, Instrument>> | undefined;

  constructor(
    private readonly options: {
      ttlMs: number;
      now: () => number;
      load: () => Promise<Map<string, Instrument>>;
    },
  ) {}

  /** The instruments, from the cache while it is fresh (or `force` reloads). */
  map(force = false): Promise<Map<string, Instrument>> {
    const { ttlMs, now, load } = this.options;
    const cache = this.cached;
    if (!force && cache !== undefined && now() - cache.at < ttlMs) return Promise.resolve(cache.bySymbol);
    this.loading ??= (async () => {
      try {
        const bySymbol = await load();
        this.cached = { at: now(), bySymbol };
        return bySymbol;
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }

  /** The instrument listed as `symbol` (already normalised), and the list it was looked up in. */
  async find(symbol: string): Promise<{ found: Instrument | undefined; bySymbol: Map<string, Instrument> }> {
    let bySymbol = await this.map(false);
    let found = bySymbol.get(symbol);
    if (
      found === undefined &&
      this.cached !== undefined &&
      this.options.now() - this.cached.at > RELOAD_UNKNOWN_AFTER_MS
    ) {
      bySymbol = await this.map(true);
      found = bySymbol.get(symbol);
    }
    return { found, bySymbol };
  }
}

/** The account's position mode as read from the venue, cached for a TTL. */
export class PositionModeCache {
  private cached: { at: number; mode: PositionMode } | undefined;

  constructor(
    private readonly options: { ttlMs: number; now: () => number; read: () => Promise<PositionMode> },
  ) {}

  async get(): Promise<PositionMode> {
    const cached = this.cached;
    if (cached !== undefined && this.options.now() - cached.at < this.options.ttlMs) return cached.mode;
    const mode = await this.options.read();
    this.set(mode);
    return mode;
  }

  /** Records a mode this process just set. */
  set(mode: PositionMode): void {
    this.cached = { at: this.options.now(), mode };
  }

  /** Forgets the cached mode (the next `get` reads it again). */
  invalidate(): void {
    this.cached = undefined;
  }

  /**
   * Runs a placement with the cached mode. When the venue refuses it as POSITION_SIDE_MISMATCH
   * (the account's mode changed behind the cache) the mode is read again and, when it did change,
   * the request is sent once more in the new mode: the rejection placed nothing. A mismatch found
   * locally (no venue code) is the caller's and is not retried.
   */
  async withMode<T>(send: (mode: PositionMode) => Promise<T>): Promise<T> {
    const mode = await this.get();
    try {
      return await send(mode);
    } catch (error) {
      if (!ExchangeErrors.is(error, 'POSITION_SIDE_MISMATCH') || error.details?.venueCode === undefined)
        throw error;
      this.invalidate();
      const fresh = await this.get();
      if (fresh === mode) throw error;
      return send(fresh);
    }
  }
}
