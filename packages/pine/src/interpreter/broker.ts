/**
 * A broker emulator following TradingView's Strategy Tester rules as written in
 * https://www.tradingview.com/pine-script-docs/concepts/strategies/ and docs/backtest-semantics.md (the rules, not the
 * engine's code): market orders placed on bar N fill at the open of N+1 (at N's close with
 * `process_orders_on_close`); `strategy.exit` loss / profit are ticks from the entry fill,
 * rounded to the tick, active from the entry bar; the intrabar path is open → nearer extreme →
 * other extreme → close (tie: low first); a level passed by a gap fills at the open; slippage in
 * ticks against the trader on market and stop fills; percent commission on every fill; sizing in
 * percent of equity at the order's bar close; pyramiding 0 (an entry against the position
 * reverses it in one order). TradingView's margin calls are not emulated.
 */

export type StrategySettings = {
  initialCapital: number;
  qtyType: 'percent_of_equity' | 'fixed' | 'cash';
  qtyValue: number;
  commissionType: 'percent' | 'cash_per_contract' | 'cash_per_order';
  commissionValue: number;
  slippageTicks: number;
  pyramiding: number;
  processOrdersOnClose: boolean;
  /** margin_long / margin_short in percent (100 / leverage); sets a trade's margin for pnlPct. */
  marginLong: number;
  marginShort: number;
};

export type PineExitReason = 'signal' | 'reverse' | 'stop_loss' | 'take_profit' | 'end_of_data';

/** One closed (or, at the end, open) trade, in the shape of the engine's Trade. */
export type PineTrade = {
  side: 'long' | 'short';
  entryId: string;
  entryTime: number;
  entryPrice: number;
  entryBar: number;
  exitTime: number;
  exitPrice: number;
  exitBar: number;
  qty: number;
  fees: number;
  pnl: number;
  /** pnl in percent of the position's margin (entry value × margin_long or margin_short / 100). */
  pnlPct: number;
  exitReason: PineExitReason;
  barsHeld: number;
};

/** One order fill and the alert it fires (`{{strategy.order.alert_message}}`). */
export type PineFill = {
  bar: number;
  time: number;
  orderId: string;
  kind: 'entry' | 'close' | 'exit';
  /** 'buy' or 'sell', as {{strategy.order.action}}. */
  action: 'buy' | 'sell';
  price: number;
  /** Contracts of the order (a reversal: the old position plus the new one). */
  qty: number;
  alertMessage: string | null;
};

export type BarPrices = { time: number; open: number; high: number; low: number; close: number };

type Position = {
  side: 1 | -1;
  qty: number;
  entryId: string;
  entryPrice: number;
  entryFee: number;
  entryBar: number;
};

type PendingEntry = { kind: 'entry'; id: string; side: 1 | -1; qty: number; alert: string | null };
type PendingClose = { kind: 'close'; id: string; alert: string | null };

type ExitOrder = {
  id: string;
  fromEntry: string;
  lossTicks: number;
  profitTicks: number;
  alert: string | null;
  /** Levels once attached to a filled entry. */
  stop: number;
  limit: number;
  attached: boolean;
};

export class Broker {
  position: Position | null = null;
  realized = 0;
  readonly trades: PineTrade[] = [];
  readonly fills: PineFill[] = [];
  private pending: (PendingEntry | PendingClose)[] = [];
  private exits = new Map<string, ExitOrder>();
  private readonly invTick: number;

  constructor(
    private readonly settings: StrategySettings,
    private readonly mintick: number,
    private readonly times: ArrayLike<number>,
  ) {
    const inv = 1 / mintick;
    this.invTick = Math.abs(inv - Math.round(inv)) < 1e-9 ? Math.round(inv) : NaN;
  }

  private roundToTick(price: number): number {
    return Number.isNaN(this.invTick)
      ? Math.round(price / this.mintick) * this.mintick
      : Math.round(price * this.invTick) / this.invTick;
  }

  private get slip(): number {
    return this.settings.slippageTicks * this.mintick;
  }

  private fee(price: number, qty: number): number {
    switch (this.settings.commissionType) {
      case 'percent':
        return (this.settings.commissionValue / 100) * price * qty;
      case 'cash_per_contract':
        return this.settings.commissionValue * qty;
      case 'cash_per_order':
        return this.settings.commissionValue;
    }
  }

  private pnlPct(p: Position, pnl: number): number {
    const margin =
      (p.entryPrice * p.qty * (p.side > 0 ? this.settings.marginLong : this.settings.marginShort)) / 100;
    return (pnl / margin) * 100;
  }

  /** strategy.position_size: signed contracts. */
  get positionSize(): number {
    return this.position === null ? 0 : this.position.side * this.position.qty;
  }

  openProfit(close: number): number {
    const p = this.position;
    return p === null ? 0 : p.side * (close - p.entryPrice) * p.qty - p.entryFee;
  }

  /** strategy.equity at a price: initial capital + realised net profit + open profit. */
  equity(close: number): number {
    return this.settings.initialCapital + this.realized + this.openProfit(close);
  }

  // ---- Orders placed by the script (during bar `bar`, at its close) ----

  entry(id: string, side: 1 | -1, close: number, qty: number | null, alert: string | null): void {
    let size = qty;
    if (size === null || Number.isNaN(size)) {
      const { qtyType, qtyValue } = this.settings;
      size =
        qtyType === 'percent_of_equity'
          ? (this.equity(close) * qtyValue) / 100 / close
          : qtyType === 'cash'
            ? qtyValue / close
            : qtyValue;
    }
    if (!(size > 0 && Number.isFinite(size))) return;
    // A later call with the same id in the same bar replaces the earlier one.
    this.pending = this.pending.filter((order) => !(order.kind === 'entry' && order.id === id));
    this.pending.push({ kind: 'entry', id, side, qty: size, alert });
  }

  close(id: string, alert: string | null): void {
    if (this.position === null || this.position.entryId !== id) return;
    this.pending = this.pending.filter((order) => !(order.kind === 'close' && order.id === id));
    this.pending.push({ kind: 'close', id, alert });
  }

  exit(id: string, fromEntry: string, lossTicks: number, profitTicks: number, alert: string | null): void {
    if (Number.isNaN(lossTicks) && Number.isNaN(profitTicks)) return;
    const order: ExitOrder = {
      id,
      fromEntry,
      lossTicks,
      profitTicks,
      alert,
      stop: NaN,
      limit: NaN,
      attached: false,
    };
    this.exits.set(id, order);
    // An exit for the position already open applies from the next price on.
    if (this.position !== null && this.position.entryId === fromEntry) this.attach(order, this.position);
  }

  cancel(id: string): void {
    this.exits.delete(id);
    this.pending = this.pending.filter((order) => order.id !== id);
  }

  private attach(order: ExitOrder, position: Position): void {
    const { side, entryPrice } = position;
    order.stop = Number.isNaN(order.lossTicks)
      ? NaN
      : this.roundToTick(entryPrice - side * order.lossTicks * this.mintick);
    order.limit = Number.isNaN(order.profitTicks)
      ? NaN
      : this.roundToTick(entryPrice + side * order.profitTicks * this.mintick);
    order.attached = true;
  }

  // ---- Fills ----

  private record(
    kind: PineFill['kind'],
    orderId: string,
    bar: number,
    side: 1 | -1,
    price: number,
    qty: number,
    alert: string | null,
  ) {
    this.fills.push({
      bar,
      time: this.times[bar]!,
      orderId,
      kind,
      action: side > 0 ? 'buy' : 'sell',
      price,
      qty,
      alertMessage: alert,
    });
  }

  private closePosition(bar: number, price: number, reason: PineExitReason): void {
    const p = this.position!;
    const exitFee = this.fee(price, p.qty);
    const fees = p.entryFee + exitFee;
    const pnl = p.side * (price - p.entryPrice) * p.qty - fees;
    this.trades.push({
      pnlPct: this.pnlPct(p, pnl),
      side: p.side > 0 ? 'long' : 'short',
      entryId: p.entryId,
      entryTime: this.times[p.entryBar]!,
      entryPrice: p.entryPrice,
      entryBar: p.entryBar,
      exitTime: this.times[bar]!,
      exitPrice: price,
      exitBar: bar,
      qty: p.qty,
      fees,
      pnl,
      exitReason: reason,
      barsHeld: bar - p.entryBar,
    });
    this.realized += pnl;
    for (const [id, order] of this.exits) if (order.fromEntry === p.entryId) this.exits.delete(id);
    this.position = null;
  }

  private openPosition(bar: number, id: string, side: 1 | -1, price: number, qty: number): void {
    const position: Position = {
      side,
      qty,
      entryId: id,
      entryPrice: price,
      entryFee: this.fee(price, qty),
      entryBar: bar,
    };
    this.position = position;
    for (const order of this.exits.values()) if (order.fromEntry === id) this.attach(order, position);
  }

  /** Fills the pending market orders at `price` (the open of the next bar, or the close). */
  fillMarket(bar: number, price: number): void {
    const orders = this.pending;
    this.pending = [];
    for (const order of orders) {
      const p = this.position;
      if (order.kind === 'close') {
        if (p === null || p.entryId !== order.id) continue;
        const fill = price - p.side * this.slip;
        this.record('close', order.id, bar, p.side > 0 ? -1 : 1, fill, p.qty, order.alert);
        this.closePosition(bar, fill, 'signal');
        continue;
      }
      if (p !== null && p.side === order.side) continue; // pyramiding 0
      const fill = price + order.side * this.slip;
      const total = order.qty + (p === null ? 0 : p.qty);
      this.record('entry', order.id, bar, order.side, fill, total, order.alert);
      if (p !== null) this.closePosition(bar, fill, 'reverse');
      this.openPosition(bar, order.id, order.side, fill, order.qty);
    }
  }

  /** Stop and limit exits along the bar's assumed path. */
  processExits(bar: number, prices: BarPrices): void {
    const p = this.position;
    if (p === null) return;
    const { open: o, high: h, low: l } = prices;
    const highFirst = h - o < o - l;
    for (const order of [...this.exits.values()]) {
      if (!order.attached || order.fromEntry !== p.entryId || this.position !== p) continue;
      const { stop, limit } = order;
      let price = NaN;
      let reason: PineExitReason | null = null;
      if (p.side > 0) {
        if (o <= stop) [price, reason] = [o - this.slip, 'stop_loss'];
        else if (o >= limit) [price, reason] = [o, 'take_profit'];
        else if (highFirst) {
          if (h >= limit) [price, reason] = [limit, 'take_profit'];
          else if (l <= stop) [price, reason] = [stop - this.slip, 'stop_loss'];
        } else if (l <= stop) [price, reason] = [stop - this.slip, 'stop_loss'];
        else if (h >= limit) [price, reason] = [limit, 'take_profit'];
      } else {
        if (o >= stop) [price, reason] = [o + this.slip, 'stop_loss'];
        else if (o <= limit) [price, reason] = [o, 'take_profit'];
        else if (highFirst) {
          if (h >= stop) [price, reason] = [stop + this.slip, 'stop_loss'];
          else if (l <= limit) [price, reason] = [limit, 'take_profit'];
        } else if (l <= limit) [price, reason] = [limit, 'take_profit'];
        else if (h >= stop) [price, reason] = [stop + this.slip, 'stop_loss'];
      }
      if (reason !== null) {
        this.record('exit', order.id, bar, p.side > 0 ? -1 : 1, price, p.qty, order.alert);
        this.closePosition(bar, price, reason);
      }
    }
  }

  /** The open position marked to the last close (not counted as closed). */
  openTrade(lastBar: number, close: number): PineTrade | null {
    const p = this.position;
    if (p === null) return null;
    const pnl = p.side * (close - p.entryPrice) * p.qty - p.entryFee;
    return {
      pnlPct: this.pnlPct(p, pnl),
      side: p.side > 0 ? 'long' : 'short',
      entryId: p.entryId,
      entryTime: this.times[p.entryBar]!,
      entryPrice: p.entryPrice,
      entryBar: p.entryBar,
      exitTime: this.times[lastBar]!,
      exitPrice: close,
      exitBar: lastBar,
      qty: p.qty,
      fees: p.entryFee,
      pnl,
      exitReason: 'end_of_data',
      barsHeld: lastBar - p.entryBar,
    };
  }
}
