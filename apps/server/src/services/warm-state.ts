import type {
  AccountStream,
  Exchange,
  MarketStream,
  MarketSubscription,
  Order,
  Position,
  StreamingVenue,
} from '@tradingbot/exchange';
import { WarmAccountState } from '@tradingbot/executor';

export type WarmStatesOptions = {
  /** A mark price older than this (ms) is stale: the executor reads the venue instead. */
  maxAgeMs: number;
  /** Delay before the available balance is read again after the stream reported a change (ms). */
  balanceRefreshDelayMs?: number;
  log?: { warn(obj: object, msg: string): void };
};

type Entry = {
  state: WarmAccountState;
  exchange: Exchange & StreamingVenue;
  market: MarketStream | undefined;
  subscribed: Set<string>;
  balanceTimer: NodeJS.Timeout | undefined;
  unsubscribe: Array<() => void>;
  closed: boolean;
};

/**
 * The warm account states of the accounts whose streams this process runs (the account mirror's
 * sessions): each fed by its private stream as events arrive (before the mirror writes them), made
 * true by the mirror's REST re-sync, and given public mark-price / kline streams for the symbols the
 * executor asked about. The signal worker hands an account's state to the executor
 * (`ExecutionContext.warmState`); an account without one here (its stream runs in another process,
 * or streams are off) executes on the REST path as before.
 */
export class WarmStates {
  readonly #entries = new Map<string, Entry>();

  constructor(private readonly options: WarmStatesOptions) {}

  get(accountId: string): WarmAccountState | undefined {
    return this.#entries.get(accountId)?.state;
  }

  /** Follows an account's private stream; returns the function that stops following it. */
  attach(accountId: string, exchange: Exchange & StreamingVenue, stream: AccountStream): () => void {
    this.detach(accountId);
    const entry: Entry = {
      state: new WarmAccountState({
        maxAgeMs: this.options.maxAgeMs,
        onInterest: (interest) => this.#want(entry, interest),
      }),
      exchange,
      market: undefined,
      subscribed: new Set(),
      balanceTimer: undefined,
      unsubscribe: [],
      closed: false,
    };
    entry.unsubscribe.push(
      stream.onEvent((event) => {
        entry.state.apply(event);
        if (entry.state.balanceWanted) this.#refreshBalanceSoon(entry);
      }),
      stream.onStatus((status) => {
        if (status.state !== 'up') entry.state.streamDown();
      }),
    );
    this.#entries.set(accountId, entry);
    return () => this.detach(accountId);
  }

  /** Taken before the mirror's REST reads, handed back with their snapshot to `synced`. */
  syncStarted(accountId: string): number | undefined {
    return this.#entries.get(accountId)?.state.syncStarted();
  }

  /**
   * The mirror re-synced from REST while the stream was up: the state is true again, but for symbols
   * that changed while the snapshot was read (`started`). Returns false when there were such symbols:
   * they are read from the venue until the next snapshot, which the mirror then takes soon.
   */
  synced(
    accountId: string,
    snapshot: { positions: Position[]; openOrders: Order[] },
    started: number | undefined,
  ): boolean {
    const entry = this.#entries.get(accountId);
    if (entry === undefined || entry.closed) return true;
    const clean = entry.state.synced(snapshot, Date.now(), started);
    this.#refreshBalanceSoon(entry, 0);
    return clean;
  }

  detach(accountId: string): void {
    const entry = this.#entries.get(accountId);
    if (entry === undefined) return;
    this.#entries.delete(accountId);
    entry.closed = true;
    entry.state.streamDown();
    for (const off of entry.unsubscribe) off();
    if (entry.balanceTimer) clearTimeout(entry.balanceTimer);
    void entry.market?.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    for (const accountId of [...this.#entries.keys()]) this.detach(accountId);
  }

  /** Reads the available balance again, off the hot path; a change seen meanwhile makes it ask again. */
  #refreshBalanceSoon(entry: Entry, delayMs = this.options.balanceRefreshDelayMs ?? 100): void {
    if (entry.balanceTimer !== undefined || entry.closed) return;
    entry.balanceTimer = setTimeout(() => {
      entry.balanceTimer = undefined;
      void this.#refreshBalance(entry);
    }, delayMs);
    entry.balanceTimer.unref();
  }

  async #refreshBalance(entry: Entry): Promise<void> {
    const generation = entry.state.balanceGeneration;
    const assets = entry.state.balanceAssets;
    for (const asset of assets.length > 0 ? assets : ['USDT']) {
      try {
        const balance = await entry.exchange.balance(asset);
        if (entry.closed) return;
        entry.state.learnBalance(balance, generation);
      } catch (error) {
        this.options.log?.warn({ err: error, asset }, 'warm state: the balance could not be read');
      }
    }
    if (entry.state.balanceWanted) this.#refreshBalanceSoon(entry);
  }

  /** The executor wanted a market value this state does not follow yet: subscribe to it. */
  #want(entry: Entry, subscription: MarketSubscription): void {
    const key =
      subscription.kind === 'mark'
        ? `mark:${subscription.venueSymbol}`
        : `kline:${subscription.venueSymbol}:${subscription.timeframe}`;
    if (entry.closed || entry.subscribed.has(key)) return;
    entry.subscribed.add(key);
    void this.#subscribe(entry, subscription).catch((error: unknown) => {
      entry.subscribed.delete(key);
      this.options.log?.warn(
        { err: error, subscription },
        'warm state: a market stream could not be followed',
      );
    });
  }

  async #subscribe(entry: Entry, subscription: MarketSubscription): Promise<void> {
    if (entry.market === undefined) {
      const market = entry.exchange.marketStream();
      entry.market = market;
      entry.unsubscribe.push(market.onEvent((event) => entry.state.applyMarket(event)));
      await market.start();
    }
    await entry.market.subscribe(subscription);
  }
}
