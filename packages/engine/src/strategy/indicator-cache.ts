import type { CandleSeries } from '../candles/series.ts';

/** The output series of one indicator call, by output name (`value`, `macd`, `signal`, …). */
export type CachedSeries = Record<string, Float64Array>;

export type IndicatorCacheStats = {
  hits: number;
  misses: number;
  evictions: number;
  entries: number;
  bytes: number;
  maxBytes: number;
};

/** 128 MiB: 32 series over a year of minutes, or about 1,900 over a year of hours. */
export const DEFAULT_INDICATOR_CACHE_BYTES = 128 * 1024 * 1024;

/**
 * Indicator series shared across the parameter sets of an optimization (one cache per worker).
 *
 * Why: a grid over fast × slow EMA lengths needs each length once, yet every set used to compute
 * its own. An entry is one indicator call with its arguments resolved to numbers and its source
 * expression (the key `SeriesEvaluator` already dedupes by inside one evaluation), on one candle
 * series: a different data window is a different `CandleSeries` object and never shares entries.
 * Memory is bounded by bytes; the least recently used entries are evicted first (a `Map` keeps
 * insertion order, and a hit re-inserts its entry at the end).
 *
 * Cached arrays are shared: nothing may write to a series taken from here. The signal kernel and
 * the broker only read their inputs.
 */
export class IndicatorCache {
  private readonly entries = new Map<string, { outputs: CachedSeries; bytes: number }>();
  private readonly seriesIds = new WeakMap<CandleSeries, number>();
  private nextSeriesId = 0;
  private bytes = 0;
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  constructor(readonly maxBytes: number = DEFAULT_INDICATOR_CACHE_BYTES) {
    if (!(maxBytes >= 0)) throw new Error('IndicatorCache: maxBytes must be ≥ 0');
  }

  /** The outputs of `key` on `candles`, computed by `compute` on a miss and kept while they fit. */
  get(candles: CandleSeries, key: string, compute: () => CachedSeries): CachedSeries {
    const fullKey = `${this.seriesId(candles)}:${key}`;
    const entry = this.entries.get(fullKey);
    if (entry !== undefined) {
      this.hits++;
      this.entries.delete(fullKey);
      this.entries.set(fullKey, entry);
      return entry.outputs;
    }
    this.misses++;
    const outputs = compute();
    let bytes = 0;
    for (const values of Object.values(outputs)) bytes += values.byteLength;
    if (bytes <= this.maxBytes) {
      this.entries.set(fullKey, { outputs, bytes });
      this.bytes += bytes;
      for (const [oldKey, old] of this.entries) {
        if (this.bytes <= this.maxBytes) break;
        this.entries.delete(oldKey);
        this.bytes -= old.bytes;
        this.evictions++;
      }
    }
    return outputs;
  }

  stats(): IndicatorCacheStats {
    return {
      hits: this.hits,
      misses: this.misses,
      evictions: this.evictions,
      entries: this.entries.size,
      bytes: this.bytes,
      maxBytes: this.maxBytes,
    };
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private seriesId(candles: CandleSeries): number {
    let id = this.seriesIds.get(candles);
    if (id === undefined) {
      id = this.nextSeriesId++;
      this.seriesIds.set(candles, id);
    }
    return id;
  }
}
