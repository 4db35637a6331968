import {
  ExchangeDecimal as D,
  timeframeMs,
  type AccountEvent,
  type Balance,
  type Instrument,
  type Kline,
  type MarketEvent,
  type Order,
  type Position,
  type PositionMode,
} from '@tradingbot/exchange';
import { ATR_KLINE_LIMIT, atrOfKlines } from './protection.ts';

/**
 * What the executor may read from memory instead of asking the venue (the port of `ports.ts`'s
 * `ExecutionContext.warmState`). Every read answers `undefined` when the value is not known to be
 * true now; the executor then asks the venue (the REST fallback) and says so in the result.
 */
export interface WarmStateView {
  /** Why nothing may be read now (stream down, not re-synced since it came up), or undefined. */
  staleReason(now: number): string | undefined;
  /** Why this symbol's positions and orders are not known now (our own orders in flight), or undefined. */
  symbolUnsettled(venueSymbol: string): string | undefined;
  instrument(venueSymbol: string): Instrument | undefined;
  positionMode(): PositionMode | undefined;
  /** The symbol's open positions (empty = flat); undefined when not known. */
  positions(venueSymbol: string): Position[] | undefined;
  openOrders(venueSymbol: string): Order[] | undefined;
  balance(asset: string): Balance | undefined;
  /** The mark price, when younger than the configured age. */
  markPrice(venueSymbol: string, now: number): string | undefined;
  /** The ATR of the cached klines, when their last closed bar is the bar before `now`'s. */
  atr(venueSymbol: string, timeframe: string, period: number, now: number): number | undefined;
  /** Resolves with the order once the stream reports it filled or finished; undefined after `timeoutMs`. */
  awaitOrder(clientOrderId: string, timeoutMs: number): Promise<Order | undefined>;
  /** What the executor read from the venue, kept for the next signal. */
  learnInstrument(instrument: Instrument): void;
  learnPositionMode(mode: PositionMode, now: number): void;
  learnKlines(venueSymbol: string, timeframe: string, klines: readonly Kline[]): void;
  /** A balance read from REST; `generation` (`balanceGeneration` before the read) drops an answer older than a change seen since. */
  learnBalance(balance: Balance, generation?: number): void;
  /**
   * An order the executor just sent or cancelled (the venue's answer): the symbol's positions and
   * open orders are not trusted until the stream has reported its outcome (and, for a fill, the
   * position change after it). `undefined` = the outcome is unknown (a failed or timed-out request):
   * the symbol is not trusted until the next REST snapshot.
   */
  expectOrder(venueSymbol: string, order: Order | undefined): void;
}

export type WarmAccountStateOptions = {
  /** A mark price older than this (ms) is stale. */
  maxAgeMs: number;
  /** Called when the executor would have liked a market value the state does not follow yet. */
  onInterest?: (
    interest:
      { kind: 'mark'; venueSymbol: string } | { kind: 'kline'; venueSymbol: string; timeframe: string },
  ) => void;
  /** Timers for `awaitOrder` (tests inject). */
  setTimer?: (callback: () => void, ms: number) => { cancel(): void };
};

const TERMINAL: ReadonlySet<Order['status']> = new Set(['filled', 'canceled', 'rejected', 'expired']);
/** Finished orders remembered for `awaitOrder` (an event that beats the placement's answer). */
const RECENT_ORDERS = 256;

/**
 * One account's picture of the venue, in memory, kept true by its private stream (orders,
 * positions, balances) and the public streams (mark price, klines), and by what the executor read
 * from REST. Pure: the server feeds it events (`apply`, `applyMarket`) and REST snapshots
 * (`synced`); nothing here does I/O.
 *
 * Trust: nothing is read until a REST snapshot has been taken while the stream was up (`synced`),
 * and nothing after the stream goes down until the next one. Balances are taken from REST and
 * forgotten whenever the stream reports a balance, position or fill change, because not every venue
 * streams the AVAILABLE balance (Binance's ACCOUNT_UPDATE carries the wallet balance only); the
 * server reads it again in the background (`balanceWanted`).
 */
export class WarmAccountState implements WarmStateView {
  readonly #options: WarmAccountStateOptions;
  #streamUp = false;
  #syncedAt: number | undefined;
  #mode: { mode: PositionMode; at: number } | undefined;
  readonly #instruments = new Map<string, Instrument>();
  /** Open positions by symbol, then side; after a snapshot an absent symbol is flat. */
  readonly #positions = new Map<string, Map<string, Position>>();
  /** Open orders by client order id (venue order id when the client id is empty). */
  readonly #open = new Map<string, Order>();
  readonly #recent = new Map<string, Order>();
  readonly #recentAt = new Map<string, number>();
  readonly #balances = new Map<string, Balance>();
  readonly #marks = new Map<string, { price: string; at: number }>();
  readonly #klines = new Map<string, Kline[]>();
  readonly #waiters = new Map<string, Set<(order: Order) => void>>();
  #balanceWanted = false;
  #balanceGeneration = 0;
  readonly #assets = new Set<string>();
  /** Our orders whose outcome the stream has not reported yet, by client id: symbol and whether a position change must follow. */
  readonly #pending = new Map<string, { venueSymbol: string; filledAt?: number }>();
  /** Symbols whose state is unknown until the next snapshot (a write with an unknown outcome). */
  readonly #uncertain = new Set<string>();
  readonly #positionsAt = new Map<string, number>();
  /** Counts the changes to positions and orders (stream events, our own orders), and when each symbol last changed. */
  #changes = 0;
  readonly #changedAt = new Map<string, number>();

  constructor(options: WarmAccountStateOptions) {
    this.#options = options;
  }

  // ── Fed by the server ──────────────────────────────────────────────────────────────────────

  /** The private stream went down: nothing is trusted until the next snapshot. */
  streamDown(): void {
    this.#streamUp = false;
    this.#syncedAt = undefined;
  }

  /** Call before reading the snapshot handed to `synced`: what changes after this, the snapshot may not show. */
  syncStarted(): number {
    return this.#changes;
  }

  /**
   * A REST snapshot taken while the stream was up (the mirror's re-sync): the state is true again —
   * except for symbols the stream or our own orders changed after `started` (`syncStarted()`, taken
   * before the reads): the snapshot may predate those changes, so they stay unknown (read from the
   * venue) until a later snapshot. Returns false when there were such symbols.
   */
  synced(
    snapshot: { positions: Position[]; openOrders: Order[]; balances?: Balance[] },
    now: number,
    started?: number,
  ): boolean {
    this.#positions.clear();
    for (const p of snapshot.positions) this.#setPosition(p);
    this.#open.clear();
    for (const o of snapshot.openOrders) this.#setOrder(o, now);
    this.#balances.clear();
    for (const b of snapshot.balances ?? []) this.#balances.set(b.asset, b);
    this.#balanceWanted = (snapshot.balances ?? []).length === 0;
    this.#pending.clear();
    this.#uncertain.clear();
    if (started !== undefined)
      for (const [venueSymbol, at] of this.#changedAt) if (at > started) this.#uncertain.add(venueSymbol);
    this.#changedAt.clear();
    this.#streamUp = true;
    this.#syncedAt = now;
    return this.#uncertain.size === 0;
  }

  apply(event: AccountEvent): void {
    switch (event.kind) {
      case 'order':
        this.#changed(event.order.venueSymbol);
        this.#setOrder(event.order, event.time);
        break;
      case 'positions':
        for (const p of event.positions) {
          this.#changed(p.venueSymbol);
          this.#setPosition(p);
          this.#positionsAt.set(
            p.venueSymbol,
            Math.max(this.#positionsAt.get(p.venueSymbol) ?? 0, event.time),
          );
        }
        this.#settlePending();
        this.#forgetBalances();
        break;
      case 'balances':
      case 'fill':
      case 'funding':
        this.#forgetBalances();
        break;
      default:
        break;
    }
  }

  applyMarket(event: MarketEvent): void {
    if (event.kind === 'mark') {
      const seen = this.#marks.get(event.venueSymbol);
      if (seen === undefined || seen.at <= event.time)
        this.#marks.set(event.venueSymbol, { price: event.price, at: event.time });
      return;
    }
    const key = klineKey(event.venueSymbol, event.timeframe);
    const klines = this.#klines.get(key);
    if (klines === undefined) return; // seeded from REST first (the window the ATR needs)
    const bar: Kline = {
      openTime: event.openTime,
      open: Number(event.open),
      high: Number(event.high),
      low: Number(event.low),
      close: Number(event.close),
      volume: Number(event.volume),
      closed: event.closed,
    };
    const last = klines.at(-1);
    if (last !== undefined && last.openTime === bar.openTime) klines[klines.length - 1] = bar;
    else if (last === undefined || last.openTime < bar.openTime) klines.push(bar);
    // The same window the REST read returns, so the ATR is the same number.
    if (klines.length > ATR_KLINE_LIMIT) klines.splice(0, klines.length - ATR_KLINE_LIMIT);
  }

  /** True when the balance must be read again from REST (the server does it off the hot path). */
  get balanceWanted(): boolean {
    return this.#balanceWanted;
  }

  // ── Read by the executor ───────────────────────────────────────────────────────────────────

  staleReason(): string | undefined {
    if (!this.#streamUp) return 'stream_down';
    if (this.#syncedAt === undefined) return 'not_synced';
    return undefined;
  }

  instrument(venueSymbol: string): Instrument | undefined {
    return this.#instruments.get(venueSymbol);
  }

  positionMode(): PositionMode | undefined {
    return this.#mode?.mode;
  }

  /** Why this symbol's positions and orders are not known now (our own orders in flight), or undefined. */
  symbolUnsettled(venueSymbol: string): string | undefined {
    if (this.#uncertain.has(venueSymbol)) return 'unknown_outcome';
    for (const p of this.#pending.values()) if (p.venueSymbol === venueSymbol) return 'own_orders_in_flight';
    return undefined;
  }

  positions(venueSymbol: string): Position[] | undefined {
    if (this.#syncedAt === undefined || this.symbolUnsettled(venueSymbol) !== undefined) return undefined;
    return [...(this.#positions.get(venueSymbol)?.values() ?? [])];
  }

  openOrders(venueSymbol: string): Order[] | undefined {
    if (this.#syncedAt === undefined || this.symbolUnsettled(venueSymbol) !== undefined) return undefined;
    return [...this.#open.values()].filter((o) => o.venueSymbol === venueSymbol);
  }

  balance(asset: string): Balance | undefined {
    return this.#balances.get(asset);
  }

  markPrice(venueSymbol: string, now: number): string | undefined {
    const mark = this.#marks.get(venueSymbol);
    if (mark === undefined || now - mark.at > this.#options.maxAgeMs) {
      this.#options.onInterest?.({ kind: 'mark', venueSymbol });
      return undefined;
    }
    return mark.price;
  }

  atr(venueSymbol: string, timeframe: string, period: number, now: number): number | undefined {
    const klines = this.#klines.get(klineKey(venueSymbol, timeframe));
    if (klines === undefined) {
      this.#options.onInterest?.({ kind: 'kline', venueSymbol, timeframe });
      return undefined;
    }
    // The last closed bar must be the one just before the bar `now` is in: else a close was missed.
    let bar: number;
    try {
      bar = timeframeMs(timeframe);
    } catch {
      return undefined;
    }
    const lastClosed = klines.findLast((k) => k.closed);
    if (lastClosed === undefined || lastClosed.openTime + 2 * bar <= now) return undefined;
    return atrOfKlines(klines, period);
  }

  awaitOrder(clientOrderId: string, timeoutMs: number): Promise<Order | undefined> {
    const known = this.#recent.get(clientOrderId);
    if (known !== undefined) return Promise.resolve(known);
    return new Promise((resolve) => {
      const waiters = this.#waiters.get(clientOrderId) ?? new Set();
      this.#waiters.set(clientOrderId, waiters);
      const done = (order: Order | undefined) => {
        timer.cancel();
        waiters.delete(settle);
        if (waiters.size === 0) this.#waiters.delete(clientOrderId);
        resolve(order);
      };
      const settle = (order: Order) => done(order);
      waiters.add(settle);
      const timer = (this.#options.setTimer ?? defaultTimer)(() => done(undefined), timeoutMs);
    });
  }

  learnInstrument(instrument: Instrument): void {
    this.#instruments.set(instrument.venueSymbol, instrument);
  }

  learnPositionMode(mode: PositionMode, now: number): void {
    this.#mode = { mode, at: now };
  }

  learnKlines(venueSymbol: string, timeframe: string, klines: readonly Kline[]): void {
    const sorted = [...klines].sort((a, b) => a.openTime - b.openTime).slice(-ATR_KLINE_LIMIT);
    this.#klines.set(klineKey(venueSymbol, timeframe), sorted);
    this.#options.onInterest?.({ kind: 'kline', venueSymbol, timeframe });
  }

  learnBalance(balance: Balance, generation?: number): void {
    this.#assets.add(balance.asset);
    if (generation !== undefined && generation !== this.#balanceGeneration) return;
    this.#balances.set(balance.asset, balance);
    this.#balanceWanted = false;
  }

  /** Counts balance changes reported by the stream (see `learnBalance`). */
  get balanceGeneration(): number {
    return this.#balanceGeneration;
  }

  /** The assets whose balance the executor has read (the server keeps them fresh). */
  get balanceAssets(): string[] {
    return [...this.#assets];
  }

  expectOrder(venueSymbol: string, order: Order | undefined): void {
    this.#changed(venueSymbol);
    if (order === undefined) {
      this.#uncertain.add(venueSymbol);
      return;
    }
    const key = order.clientOrderId !== '' ? order.clientOrderId : order.venueOrderId;
    if (order.status === 'canceled') {
      // Our cancel, confirmed by the venue: it rests no more (the stream's event changes nothing).
      this.#open.delete(key);
      return;
    }
    this.#pending.set(key, { venueSymbol });
    // The stream may have beaten the venue's answer: settle with what it said, unless the answer
    // already reports a fill the stream has not shown yet.
    const ended = this.#recent.get(key);
    if (ended !== undefined) this.#settleOrder(key, ended, this.#recentAt.get(key));
    else if (this.#open.has(key) && !isFilled(order)) this.#pending.delete(key);
  }

  // ── Internals ──────────────────────────────────────────────────────────────────────────────

  #changed(venueSymbol: string): void {
    this.#changedAt.set(venueSymbol, ++this.#changes);
  }

  #forgetBalances(): void {
    this.#balanceGeneration++;
    this.#balances.clear();
    this.#balanceWanted = true;
  }

  #setPosition(position: Position): void {
    const bySide = this.#positions.get(position.venueSymbol) ?? new Map<string, Position>();
    if (new D(position.qty).isZero()) bySide.delete(position.side);
    else bySide.set(position.side, position);
    if (bySide.size === 0) this.#positions.delete(position.venueSymbol);
    else this.#positions.set(position.venueSymbol, bySide);
  }

  #setOrder(order: Order, time: number): void {
    const key = order.clientOrderId !== '' ? order.clientOrderId : order.venueOrderId;
    if (TERMINAL.has(order.status)) {
      this.#open.delete(key);
      this.#recent.delete(key);
      this.#recent.set(key, order);
      this.#recentAt.set(key, time);
      if (this.#recent.size > RECENT_ORDERS) {
        const oldest = this.#recent.keys().next().value;
        if (oldest !== undefined) {
          this.#recent.delete(oldest);
          this.#recentAt.delete(oldest);
        }
      }
      for (const settle of [...(this.#waiters.get(key) ?? [])]) settle(order);
    } else {
      this.#open.set(key, order);
    }
    if (this.#pending.has(key)) this.#settleOrder(key, order, time);
  }

  /** A pending order's outcome is known: it rests, or it ended; a fill waits for the position change. */
  #settleOrder(key: string, order: Order, time: number | undefined): void {
    const pending = this.#pending.get(key);
    if (pending === undefined) return;
    if (order.status === 'partially_filled') return; // more fills to come
    if (!TERMINAL.has(order.status) || !isFilled(order)) {
      // Resting untouched, or ended without a fill: nothing else will change because of it.
      this.#pending.delete(key);
      return;
    }
    pending.filledAt = time ?? Number.MAX_SAFE_INTEGER;
    this.#settlePending();
  }

  /** Fills whose position change the stream has reported since (same venue time or later) are settled. */
  #settlePending(): void {
    for (const [key, pending] of this.#pending) {
      if (pending.filledAt === undefined) continue;
      const at = this.#positionsAt.get(pending.venueSymbol);
      if (at !== undefined && at >= pending.filledAt) this.#pending.delete(key);
    }
  }
}

function isFilled(order: Order): boolean {
  return new D(order.filledQty === '' ? '0' : order.filledQty).gt(0);
}

function klineKey(venueSymbol: string, timeframe: string): string {
  return `${venueSymbol}\u0000${timeframe}`;
}

function defaultTimer(callback: () => void, ms: number): { cancel(): void } {
  const handle = setTimeout(callback, ms);
  return { cancel: () => clearTimeout(handle) };
}
