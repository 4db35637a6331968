import type { ExitReason, Trade } from './types.ts';

/** Exit reasons by code, as the bar loop records them (numbers, so the loop allocates nothing). */
export const EXIT_REASONS: readonly ExitReason[] = [
  'signal',
  'reverse',
  'stop_loss',
  'take_profit',
  'liquidation',
  'end_of_data',
  'trailing_stop',
];
export const R_SIGNAL = 0;
export const R_REVERSE = 1;
export const R_STOP_LOSS = 2;
export const R_TAKE_PROFIT = 3;
export const R_LIQUIDATION = 4;
export const R_TRAILING_STOP = 6;

/**
 * Closed trades stored as columns. A `Trade` object costs about a microsecond to allocate and
 * collect (each number field is a heap box), which for tens of thousands of trades would dwarf the
 * bar loop itself; the log appends numbers and builds the objects only when someone asks for them.
 */
export class TradeLog {
  count = 0;
  side = new Int8Array(0);
  reason = new Uint8Array(0);
  entryBar = new Int32Array(0);
  exitBar = new Int32Array(0);
  entryPrice = new Float64Array(0);
  exitPrice = new Float64Array(0);
  qty = new Float64Array(0);
  fees = new Float64Array(0);
  pnl = new Float64Array(0);
  mae = new Float64Array(0);
  mfe = new Float64Array(0);
  /** Funding received (+) or paid (−) while the trade was open; 0 without a funding series. */
  funding = new Float64Array(0);

  constructor(capacity = 64) {
    this.grow(Math.max(1, capacity));
  }

  private grow(capacity: number): void {
    const copy = <A extends Int8Array | Uint8Array | Int32Array | Float64Array>(
      a: A,
      make: (n: number) => A,
    ): A => {
      const b = make(capacity);
      b.set(a.subarray(0, this.count));
      return b;
    };
    this.side = copy(this.side, (n) => new Int8Array(n));
    this.reason = copy(this.reason, (n) => new Uint8Array(n));
    this.entryBar = copy(this.entryBar, (n) => new Int32Array(n));
    this.exitBar = copy(this.exitBar, (n) => new Int32Array(n));
    this.entryPrice = copy(this.entryPrice, (n) => new Float64Array(n));
    this.exitPrice = copy(this.exitPrice, (n) => new Float64Array(n));
    this.qty = copy(this.qty, (n) => new Float64Array(n));
    this.fees = copy(this.fees, (n) => new Float64Array(n));
    this.pnl = copy(this.pnl, (n) => new Float64Array(n));
    this.mae = copy(this.mae, (n) => new Float64Array(n));
    this.mfe = copy(this.mfe, (n) => new Float64Array(n));
    this.funding = copy(this.funding, (n) => new Float64Array(n));
  }

  push(
    side: number,
    reason: number,
    entryBar: number,
    exitBar: number,
    entryPrice: number,
    exitPrice: number,
    qty: number,
    fees: number,
    pnl: number,
    mae: number,
    mfe: number,
    funding = 0,
  ): void {
    const k = this.count;
    if (k === this.side.length) this.grow(k * 2);
    this.side[k] = side;
    this.reason[k] = reason;
    this.entryBar[k] = entryBar;
    this.exitBar[k] = exitBar;
    this.entryPrice[k] = entryPrice;
    this.exitPrice[k] = exitPrice;
    this.qty[k] = qty;
    this.fees[k] = fees;
    this.pnl[k] = pnl;
    this.mae[k] = mae;
    this.mfe[k] = mfe;
    this.funding[k] = funding;
    this.count = k + 1;
  }

  /** The trade objects of the public API. `time` gives entryTime/exitTime by bar. */
  toTrades(time: Float64Array, leverage: number): Trade[] {
    const out: Trade[] = new Array<Trade>(this.count);
    for (let k = 0; k < this.count; k++) {
      const entryBar = this.entryBar[k]!;
      const exitBar = this.exitBar[k]!;
      const entryPrice = this.entryPrice[k]!;
      const qty = this.qty[k]!;
      const pnl = this.pnl[k]!;
      out[k] = {
        side: this.side[k]! > 0 ? 'long' : 'short',
        entryTime: time[entryBar]!,
        entryPrice,
        entryBar,
        exitTime: time[exitBar]!,
        exitPrice: this.exitPrice[k]!,
        exitBar,
        qty,
        fees: this.fees[k]!,
        pnl,
        pnlPct: (pnl / ((entryPrice * qty) / leverage)) * 100,
        exitReason: EXIT_REASONS[this.reason[k]!]!,
        barsHeld: exitBar - entryBar,
        mae: this.mae[k]!,
        mfe: this.mfe[k]!,
        funding: this.funding[k]!,
      };
    }
    return out;
  }

  /** A log holding the given trades (for computing statistics over a hand-made or filtered list). */
  static fromTrades(trades: readonly Trade[]): TradeLog {
    const log = new TradeLog(trades.length);
    for (const t of trades) {
      log.push(
        t.side === 'long' ? 1 : -1,
        EXIT_REASONS.indexOf(t.exitReason),
        t.entryBar,
        t.exitBar,
        t.entryPrice,
        t.exitPrice,
        t.qty,
        t.fees,
        t.pnl,
        t.mae ?? 0,
        t.mfe ?? 0,
        t.funding ?? 0,
      );
    }
    return log;
  }
}
