import type {
  AccountEvent,
  AccountStream,
  MarketEvent,
  MarketStream,
  MarketSubscription,
  StreamOptions,
  StreamStatus,
} from '../stream/types.ts';
import { timeframeMs } from './engine/candles.ts';
import type { PaperMarketUpdate } from './engine/types.ts';

// The paper venue's streams (stream/types.ts), in process: no socket, so never a gap. `start` emits
// `up`, `close` emits `down`; events arrive synchronously as the venue books them.

/** What an in-process stream is built on: a subscription to the venue, plus optional lifecycle hooks. */
export type PaperStreamSource<Update> = {
  subscribe(listener: (update: Update) => void): () => void;
  /** Runs at start, before `up` (e.g. a feed-driven venue starts its catch-up ticker). */
  onStart?: () => Promise<void>;
  onClose?: () => void;
  now(): number;
};

abstract class InProcessStream<Update, Event> {
  #status: StreamStatus;
  readonly #eventListeners = new Set<(event: Event) => void>();
  readonly #statusListeners = new Set<(status: StreamStatus) => void>();
  #unsubscribe: (() => void) | undefined;
  #closed = false;
  protected readonly source: PaperStreamSource<Update>;
  protected readonly options: StreamOptions;

  constructor(source: PaperStreamSource<Update>, options: StreamOptions = {}) {
    this.source = source;
    this.options = options;
    this.#status = { state: 'connecting', time: source.now() };
  }

  get status(): StreamStatus {
    return this.#status;
  }

  async start(): Promise<void> {
    if (this.#unsubscribe !== undefined) return;
    this.#closed = false;
    this.#unsubscribe = this.source.subscribe((update) => this.handle(update));
    try {
      await this.source.onStart?.();
    } catch (error) {
      this.#unsubscribe();
      this.#unsubscribe = undefined;
      throw error;
    }
    if (this.#closed) return;
    this.setStatus({ state: 'up', time: this.source.now() });
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#unsubscribe === undefined) return;
    this.#unsubscribe();
    this.#unsubscribe = undefined;
    this.source.onClose?.();
    this.setStatus({ state: 'down', time: this.source.now(), reason: 'closed' });
  }

  onEvent(listener: (event: Event) => void): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  onStatus(listener: (status: StreamStatus) => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  protected abstract handle(update: Update): void;

  protected emit(event: Event): void {
    for (const listener of this.#eventListeners) {
      try {
        listener(event);
      } catch {
        // Listener errors never stop the stream (AccountStream contract).
      }
    }
  }

  private setStatus(status: StreamStatus): void {
    this.#status = status;
    for (const listener of this.#statusListeners) {
      try {
        listener(status);
      } catch {
        // as above
      }
    }
  }
}

/** The paper account's private stream: every `AccountEvent` the venue emits. */
export class PaperAccountStream extends InProcessStream<AccountEvent, AccountEvent> implements AccountStream {
  protected handle(event: AccountEvent): void {
    this.emit(event);
  }
}

/** What the market stream reads of the venue: the bar of a timeframe at a time. */
export type PaperBarReader = (
  venueSymbol: string,
  timeframe: string,
  openTime: number,
) =>
  | {
      openTime: number;
      open: string;
      high: string;
      low: string;
      close: string;
      volume: string;
      closed: boolean;
    }
  | undefined;

type KlineWatch = { timeframe: string; tf: number; lastOpen: number | undefined; lastClosed: boolean };

/**
 * The paper venue's public stream: `mark` on every price move of a subscribed symbol; `kline` for
 * a subscribed timeframe whenever the feed's candles change its forming bar, and once with
 * `closed: true` when the bar closes (its candles cover it, or a later bar starts).
 * Subscriptions are a set: subscribing twice is one subscription, one unsubscribe ends it.
 */
export class PaperMarketStream
  extends InProcessStream<PaperMarketUpdate, MarketEvent>
  implements MarketStream
{
  readonly #marks = new Set<string>();
  /** venueSymbol → timeframe → watch. */
  readonly #klines = new Map<string, Map<string, KlineWatch>>();
  readonly #barAt: PaperBarReader;
  readonly #symbolOf: (venueSymbol: string) => string;

  constructor(
    source: PaperStreamSource<PaperMarketUpdate>,
    barAt: PaperBarReader,
    symbolOf: (venueSymbol: string) => string,
    options?: StreamOptions,
  ) {
    super(source, options);
    this.#barAt = barAt;
    this.#symbolOf = symbolOf;
  }

  async subscribe(subscription: MarketSubscription): Promise<void> {
    const symbol = this.#symbolOf(subscription.venueSymbol);
    if (subscription.kind === 'mark') {
      this.#marks.add(symbol);
      return;
    }
    const tf = timeframeMs(subscription.timeframe);
    const watches = this.#klines.get(symbol) ?? new Map<string, KlineWatch>();
    this.#klines.set(symbol, watches);
    if (!watches.has(subscription.timeframe)) {
      watches.set(subscription.timeframe, {
        timeframe: subscription.timeframe,
        tf,
        lastOpen: undefined,
        lastClosed: false,
      });
    }
  }

  async unsubscribe(subscription: MarketSubscription): Promise<void> {
    const symbol = this.#symbolOf(subscription.venueSymbol);
    if (subscription.kind === 'mark') this.#marks.delete(symbol);
    else this.#klines.get(symbol)?.delete(subscription.timeframe);
  }

  protected handle(update: PaperMarketUpdate): void {
    if (update.kind === 'mark') {
      if (this.#marks.has(update.venueSymbol)) this.emit({ ...update });
      return;
    }
    const watches = this.#klines.get(update.venueSymbol);
    if (watches === undefined) return;
    for (const watch of watches.values()) this.barChanged(update.venueSymbol, watch, update);
  }

  private barChanged(symbol: string, watch: KlineWatch, update: { openTime: number; time: number }): void {
    const bucket = Math.floor(update.openTime / watch.tf) * watch.tf;
    if (watch.lastOpen !== undefined && bucket < watch.lastOpen) return;
    if (watch.lastOpen !== undefined && bucket > watch.lastOpen && !watch.lastClosed) {
      // A later bar started: the one before is final.
      this.emitBar(symbol, watch, watch.lastOpen, update.time, true);
    }
    if (watch.lastOpen === bucket && watch.lastClosed) return;
    const closed = this.emitBar(symbol, watch, bucket, update.time, false);
    if (closed !== undefined) {
      watch.lastOpen = bucket;
      watch.lastClosed = closed;
    }
  }

  /** Emits the bar (closed when `forceClosed` or by the venue's rule); returns its closed flag. */
  private emitBar(
    symbol: string,
    watch: KlineWatch,
    openTime: number,
    time: number,
    forceClosed: boolean,
  ): boolean | undefined {
    const bar = this.#barAt(symbol, watch.timeframe, openTime);
    if (bar === undefined) return undefined;
    const closed = forceClosed || bar.closed;
    this.emit({
      kind: 'kline',
      venueSymbol: symbol,
      timeframe: watch.timeframe,
      openTime: bar.openTime,
      open: bar.open,
      high: bar.high,
      low: bar.low,
      close: bar.close,
      volume: bar.volume,
      closed,
      time,
    });
    return closed;
  }
}
