/**
 * A broker emulator following TradingView's Strategy Tester rules as written in
 * https://www.tradingview.com/pine-script-docs/concepts/strategies/ and docs/backtest-semantics.md (the rules, not the
 * engine's code): market orders placed on bar N fill at the open of N+1 (at N's close with
 * `process_orders_on_close`); `strategy.exit` loss / profit are ticks from the entry fill,
 * rounded to the tick, active from the entry bar; the intrabar path is open → nearer extreme →
 * other extreme → close (tie: low first); a level passed by a gap fills at the open; slippage in
 * ticks against the trader on market and stop fills; percent commission on every fill; sizing in
 * percent of equity at the order's bar close; pyramiding 0 (an entry against the position
 * reverses it in one order). TradingView's margin calls are not emulated. With the bar magnifier
 * (`use_bar_magnifier`), run.ts walks a bar's exits once per lower-timeframe bar inside it.
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
  /** use_bar_magnifier: the run's lower-timeframe candles order a bar's stop and limit fills. */
  useBarMagnifier: boolean;
};

export type PineExitReason =
  'signal' | 'reverse' | 'stop_loss' | 'trailing_stop' | 'take_profit' | 'end_of_data';

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
  /** The entry's filled quantity: `qty_percent` of an exit is a share of it. */
  entryQty: number;
};

type PendingEntry = { kind: 'entry'; id: string; side: 1 | -1; qty: number; alert: string | null };
/** `qtyPercent` NaN: the whole position. */
type PendingClose = { kind: 'close'; id: string; alert: string | null; qtyPercent: number };

type ExitOrder = {
  id: string;
  fromEntry: string;
  lossTicks: number;
  profitTicks: number;
  /** `stop` as a price (NaN: `loss` in ticks instead). */
  stopPrice: number;
  /** `qty_percent` of the entry's quantity (NaN: what the entry's other exits leave). */
  qtyPercent: number;
  /** Contracts the order closes once attached (NaN: the rest). */
  qty: number;
  /** trail_points / trail_offset in ticks (NaN: no trailing stop). */
  trailPoints: number;
  trailOffset: number;
  alert: string | null;
  /** Levels once attached to a filled entry. */
  stop: number;
  limit: number;
  /** The price that activates the trailing stop, the best price since the entry, the trailing stop (NaN until active). */
  trailActivation: number;
  best: number;
  trailStop: number;
  attached: boolean;
};

export class Broker {
  position: Position | null = null;
  realized = 0;
  readonly trades: PineTrade[] = [];
  readonly fills: PineFill[] = [];
  private pending: (PendingEntry | PendingClose)[] = [];
  private exits = new Map<string, ExitOrder>();
  /** Exit ids that filled for the open position: issuing one again places nothing (it has done its part). */
  private filledExits = new Set<string>();
  /** The open position's exit without `qty_percent` (the rest) has filled. */
  private restFilled = false;
  /** The order id that closed each closed trade (`strategy.closedtrades.exit_id`). */
  readonly exitIds: string[] = [];
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

  /** strategy.close; `qtyPercent` (qty_percent) NaN or ≥ 100 closes the whole position. */
  close(id: string, alert: string | null, qtyPercent = NaN): void {
    if (this.position === null || this.position.entryId !== id) return;
    this.pending = this.pending.filter((order) => !(order.kind === 'close' && order.id === id));
    this.pending.push({ kind: 'close', id, alert, qtyPercent });
  }

  exit(
    id: string,
    fromEntry: string,
    lossTicks: number,
    profitTicks: number,
    alert: string | null,
    trail: { points: number; offset: number } = { points: NaN, offset: NaN },
    extra: { stop: number; qtyPercent: number } = { stop: NaN, qtyPercent: NaN },
  ): void {
    // TradingView needs both trail_points and trail_offset for a trailing stop.
    const trails = !Number.isNaN(trail.points) && !Number.isNaN(trail.offset);
    if (Number.isNaN(lossTicks) && Number.isNaN(profitTicks) && Number.isNaN(extra.stop) && !trails) return;
    const open = this.position !== null && this.position.entryId === fromEntry;
    if (open && this.filledExits.has(id)) return;
    const previous = this.exits.get(id);
    const order: ExitOrder = {
      id,
      fromEntry,
      lossTicks,
      profitTicks,
      stopPrice: extra.stop,
      qtyPercent: extra.qtyPercent >= 100 ? NaN : extra.qtyPercent,
      qty: NaN,
      trailPoints: trails ? trail.points : NaN,
      trailOffset: trails ? trail.offset : NaN,
      alert,
      stop: NaN,
      limit: NaN,
      trailActivation: NaN,
      best: NaN,
      trailStop: NaN,
      attached: false,
    };
    // Issued again with the same id, the order is modified in place (its place in the order list stays).
    this.exits.set(id, order);
    // An exit for the position already open applies from the next price on.
    if (open) {
      this.attach(order, this.position!);
      // A modified order keeps its trailing stop's progress and its quantity (a partial close shrank it).
      if (previous?.attached === true && previous.fromEntry === fromEntry) {
        order.best = previous.best;
        order.trailStop = previous.trailStop;
        if (Object.is(previous.qtyPercent, order.qtyPercent) || previous.qtyPercent === order.qtyPercent)
          order.qty = previous.qty;
      }
    }
  }

  cancel(id: string): void {
    this.exits.delete(id);
    this.pending = this.pending.filter((order) => order.id !== id);
  }

  private attach(order: ExitOrder, position: Position): void {
    const { side, entryPrice } = position;
    order.stop = !Number.isNaN(order.stopPrice)
      ? order.stopPrice
      : Number.isNaN(order.lossTicks)
        ? NaN
        : this.roundToTick(entryPrice - side * order.lossTicks * this.mintick);
    // The rounding of the backtester's closePct parts: a share of the entry, no step.
    order.qty = Number.isNaN(order.qtyPercent) ? NaN : (position.entryQty * order.qtyPercent) / 100;
    order.limit = Number.isNaN(order.profitTicks)
      ? NaN
      : this.roundToTick(entryPrice + side * order.profitTicks * this.mintick);
    order.trailActivation = Number.isNaN(order.trailPoints)
      ? NaN
      : this.roundToTick(entryPrice + side * order.trailPoints * this.mintick);
    order.best = entryPrice;
    order.trailStop = NaN;
    order.attached = true;
    this.trail(order, side, entryPrice);
  }

  /** The price reached `price`: a new best price moves an activated trailing stop. */
  private trail(order: ExitOrder, side: 1 | -1, price: number): void {
    if (Number.isNaN(order.trailActivation)) return;
    if (side > 0 ? price > order.best : price < order.best) order.best = price;
    const activated = side > 0 ? order.best >= order.trailActivation : order.best <= order.trailActivation;
    if (activated) order.trailStop = this.roundToTick(order.best - side * order.trailOffset * this.mintick);
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

  /** Closes `qty` of the position (all of it by default); a part carries its share of the entry commission. */
  private closePosition(
    bar: number,
    price: number,
    reason: PineExitReason,
    exitId: string,
    qty?: number,
  ): void {
    const p = this.position!;
    this.exitIds.push(exitId);
    if (qty !== undefined && qty < p.qty) {
      const entryFee = (p.entryFee * qty) / p.qty;
      const fees = entryFee + this.fee(price, qty);
      const pnl = p.side * (price - p.entryPrice) * qty - fees;
      const part = { ...p, qty };
      this.trades.push(this.trade(part, bar, price, qty, fees, pnl, reason));
      this.realized += pnl;
      p.qty -= qty;
      p.entryFee -= entryFee;
      return;
    }
    const exitFee = this.fee(price, p.qty);
    const fees = p.entryFee + exitFee;
    const pnl = p.side * (price - p.entryPrice) * p.qty - fees;
    this.trades.push(this.trade(p, bar, price, p.qty, fees, pnl, reason));
    this.realized += pnl;
    for (const [id, order] of this.exits) if (order.fromEntry === p.entryId) this.exits.delete(id);
    this.position = null;
  }

  private trade(
    p: Position,
    bar: number,
    price: number,
    qty: number,
    fees: number,
    pnl: number,
    reason: PineExitReason,
  ): PineTrade {
    return {
      pnlPct: this.pnlPct(p, pnl),
      side: p.side > 0 ? 'long' : 'short',
      entryId: p.entryId,
      entryTime: this.times[p.entryBar]!,
      entryPrice: p.entryPrice,
      entryBar: p.entryBar,
      exitTime: this.times[bar]!,
      exitPrice: price,
      exitBar: bar,
      qty,
      fees,
      pnl,
      exitReason: reason,
      barsHeld: bar - p.entryBar,
    };
  }

  private openPosition(bar: number, id: string, side: 1 | -1, price: number, qty: number): void {
    const position: Position = {
      side,
      qty,
      entryId: id,
      entryPrice: price,
      entryFee: this.fee(price, qty),
      entryBar: bar,
      entryQty: qty,
    };
    this.position = position;
    this.filledExits.clear();
    this.restFilled = false;
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
        const qty = order.qtyPercent < 100 ? (p.qty * order.qtyPercent) / 100 : p.qty;
        this.record('close', order.id, bar, p.side > 0 ? -1 : 1, fill, qty, order.alert);
        const before = p.qty;
        this.closePosition(bar, fill, 'signal', order.id, qty);
        // The exits' shares shrink with the position (the backtester's rule for a partial close).
        if (this.position === p)
          for (const exit of this.exits.values())
            if (exit.attached && exit.fromEntry === p.entryId && !Number.isNaN(exit.qty))
              exit.qty = (exit.qty * p.qty) / before;
        continue;
      }
      if (p !== null && p.side === order.side) continue; // pyramiding 0
      const fill = price + order.side * this.slip;
      const total = order.qty + (p === null ? 0 : p.qty);
      this.record('entry', order.id, bar, order.side, fill, total, order.alert);
      if (p !== null) this.closePosition(bar, fill, 'reverse', order.id);
      this.openPosition(bar, order.id, order.side, fill, order.qty);
    }
  }

  /**
   * Stop, trailing-stop and limit exits along the bar's assumed path: the open (a level already
   * passed fills there), then open → nearer extreme → other extreme → close. A move against the
   * position reaches the nearer stop (fixed or trailing, a tie is the fixed one's); a move with it
   * reaches the limit; every price visited may lift the trailing stop for the moves after it.
   * Several exits of one entry (`qty_percent` brackets) fill on one move nearest level first, ties
   * in the order they were placed; each fills its own quantity, the last one what is left.
   */
  processExits(bar: number, prices: BarPrices): void {
    const p = this.position;
    if (p === null) return;
    const { open: o, high: h, low: l, close: c } = prices;
    const path = h - o < o - l ? [o, h, l, c] : [o, l, h, c];
    for (let k = 0; k < path.length && this.position === p; k++) {
      const from = k === 0 ? path[0]! : path[k - 1]!;
      const to = path[k]!;
      const orders = this.openExits(p);
      const hits: { order: ExitOrder; price: number; level: number; reason: PineExitReason }[] = [];
      for (const order of orders) {
        const hit = this.exitOnMove(order, p.side, from, to, k === 0);
        if (hit !== null) hits.push({ order, ...hit });
      }
      // Nearest level first along the move (the sort is stable: ties keep the placement order).
      // At the open every hit fills at the open; the backtester takes the nearer levels first there too.
      const dir = k === 0 ? p.side : to > from ? 1 : to < from ? -1 : 0;
      hits.sort((x, y) => dir * (x.level - y.level));
      for (const hit of hits) {
        if (this.position !== p) break;
        const { order } = hit;
        const others = this.openExits(p).filter((other) => other !== order);
        // The exit for the rest closes what the others reserve not; a qty_percent exit its share,
        // or the whole position once it is the last exit and the rest's exit has filled.
        const rest = Number.isNaN(order.qty);
        let qty: number | undefined;
        if (rest && others.length > 0) {
          let reserved = 0;
          for (const other of others) if (!Number.isNaN(other.qty)) reserved += other.qty;
          qty = p.qty - reserved;
        } else if (!rest && (others.length > 0 || !this.restFilled)) qty = order.qty;
        if (rest) this.restFilled = true;
        this.exits.delete(order.id);
        this.filledExits.add(order.id);
        this.record('exit', order.id, bar, p.side > 0 ? -1 : 1, hit.price, qty ?? p.qty, order.alert);
        this.closePosition(bar, hit.price, hit.reason, order.id, qty);
      }
      if (this.position === p) for (const order of this.openExits(p)) this.trail(order, p.side, to);
    }
  }

  private openExits(p: Position): ExitOrder[] {
    return [...this.exits.values()].filter((order) => order.attached && order.fromEntry === p.entryId);
  }

  private exitOnMove(
    order: ExitOrder,
    side: 1 | -1,
    from: number,
    to: number,
    atOpen: boolean,
  ): { price: number; level: number; reason: PineExitReason } | null {
    const { stop: fixed, trailStop, limit } = order;
    const trailNearer =
      !Number.isNaN(trailStop) && (Number.isNaN(fixed) || (side > 0 ? trailStop > fixed : trailStop < fixed));
    const stop = trailNearer ? trailStop : fixed;
    const stopReason: PineExitReason = trailNearer ? 'trailing_stop' : 'stop_loss';
    const stopReached = side > 0 ? to <= stop : to >= stop;
    const limitReached = side > 0 ? to >= limit : to <= limit;
    if (atOpen) {
      if (stopReached) return { price: to - side * this.slip, level: stop, reason: stopReason };
      if (limitReached) return { price: to, level: limit, reason: 'take_profit' };
      return null;
    }
    const withPosition = side > 0 ? to > from : to < from;
    if (withPosition) return limitReached ? { price: limit, level: limit, reason: 'take_profit' } : null;
    return stopReached ? { price: stop - side * this.slip, level: stop, reason: stopReason } : null;
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
