import type { Balance, Instrument, Kline, Order, Position, PositionMode } from '@tradingbot/exchange';
import { ExecutionRecord } from './execution-record.ts';
import { fetchAtrOf } from './protection.ts';
import type { WarmStateView } from './warm-state.ts';

/**
 * What one execution knows about the account before it sends its first order, and where it came
 * from: the warm state (memory, kept true by the venue streams) when it is fresh, else the venue's
 * REST answers (the cold path), each REST read counted and the reason kept for the result.
 */
export class StateReads extends ExecutionRecord {
  /** Venue reads made before the first order was sent (none on the warm path). */
  readonly restReads: string[] = [];
  readonly staleReasons = new Set<string>();
  firstOrderSent = false;
  /**
   * Set for the second pass after the venue contradicted what we knew (position side rejected): the
   * mode is read from REST and every key is looked up (the first pass may have used it).
   */
  distrustMode = false;

  /** The warm state when it may be read now; notes why not otherwise. */
  warm(): WarmStateView | undefined {
    const warm = this.ctx.warmState;
    if (warm === undefined) {
      this.staleReasons.add('no_warm_state');
      return undefined;
    }
    const reason = warm.staleReason(this.ctx.now());
    if (reason !== undefined) {
      this.staleReasons.add(reason);
      return undefined;
    }
    return warm;
  }

  /** True when an order's key needs no look-up before it is sent: warm, never started before, first pass. */
  get keysAreFresh(): boolean {
    return this.ctx.resumed !== true && !this.distrustMode && this.warm() !== undefined;
  }

  /** Counts a venue read made before the first order; `missing` says which warm value was absent. */
  restRead(name: string, missing?: string): void {
    if (this.firstOrderSent) return;
    this.restReads.push(name);
    if (missing !== undefined && this.ctx.warmState !== undefined && this.warm() !== undefined)
      this.staleReasons.add(missing);
  }

  /** The path taken, for the result and the audit trail. */
  statePath(): { path: 'warm' | 'cold'; rest_reads: string[]; reasons?: string[] } {
    const cold = this.restReads.length > 0;
    return {
      path: cold ? 'cold' : 'warm',
      rest_reads: [...this.restReads],
      ...(cold && this.staleReasons.size > 0 ? { reasons: [...this.staleReasons] } : {}),
    };
  }

  /** Marks the first venue write; records the path taken up to it (once). */
  async beforeFirstOrder(): Promise<void> {
    if (this.firstOrderSent) return;
    this.firstOrderSent = true;
    const state = this.statePath();
    this.results.state = state;
    await this.audit(
      'state_path',
      'info',
      state.path === 'warm'
        ? 'Account state from memory: the order is the first venue request'
        : `Account state read from the venue (${state.rest_reads.join(', ')})`,
      { ...state },
    );
  }

  /** Tells the warm state about an order we sent or cancelled (undefined: its outcome is unknown). */
  expect(order: Order | undefined): void {
    this.ctx.warmState?.expectOrder(this.venueSymbol, order);
  }

  async readInstrument(): Promise<Instrument> {
    const known = this.warm()?.instrument(this.venueSymbol);
    if (known !== undefined) return known;
    this.restRead('instrument', 'instrument');
    const instrument = await this.ctx.exchange.instrument(this.venueSymbol);
    this.ctx.warmState?.learnInstrument(instrument);
    return instrument;
  }

  /** The position mode from memory, or undefined (the caller reads it from its cache or the venue). */
  warmPositionMode(): PositionMode | undefined {
    if (this.distrustMode) return undefined;
    return this.warm()?.positionMode();
  }

  async readPositions(): Promise<Position[]> {
    const known = this.warm()?.positions(this.venueSymbol);
    if (known !== undefined) return known;
    this.restRead('positions', this.unsettled('positions'));
    return this.ctx.exchange.positions(this.venueSymbol);
  }

  async readOpenOrders(): Promise<Order[]> {
    const known = this.warm()?.openOrders(this.venueSymbol);
    if (known !== undefined) return known;
    this.restRead('open_orders', this.unsettled('open_orders'));
    return this.ctx.exchange.openOrders(this.venueSymbol);
  }

  async readBalance(asset: string): Promise<Balance> {
    const known = this.warm()?.balance(asset);
    if (known !== undefined) return known;
    this.restRead('balance', 'balance');
    const balance = await this.ctx.exchange.balance(asset);
    this.ctx.warmState?.learnBalance(balance);
    return balance;
  }

  /** The price a market entry is sized at: the mark price from memory, else the venue's ticker. */
  async readReferencePrice(): Promise<string> {
    const known = this.warm()?.markPrice(this.venueSymbol, this.ctx.now());
    if (known !== undefined) return known;
    this.restRead('ticker', 'mark_price');
    return (await this.ctx.exchange.ticker(this.venueSymbol)).price;
  }

  /** The ATR from the cached closed klines, else from the venue's klines (then cached). */
  async readAtr(timeframe: string, period: number): Promise<number> {
    const known = this.warm()?.atr(this.venueSymbol, timeframe, period, this.ctx.now());
    if (known !== undefined) return known;
    this.restRead('klines', 'klines');
    let fetched: readonly Kline[] = [];
    const value = await fetchAtrOf(
      async (query) => {
        fetched = await this.ctx.exchange.klines(query);
        return fetched;
      },
      this.venueSymbol,
      timeframe,
      period,
    );
    this.ctx.warmState?.learnKlines(this.venueSymbol, timeframe, fetched);
    return value;
  }

  /** Why the warm state did not answer for this symbol: our own orders in flight, else `fallback`. */
  unsettled(fallback: string): string {
    return this.ctx.warmState?.symbolUnsettled(this.venueSymbol) ?? fallback;
  }
}
