import type { CandleSeries } from '../candles/series.ts';
import { EngineErrors } from '../errors.ts';
import { computeTradeStats, MonthlyReturns } from './metrics.ts';
import { usesAtrStops, validateBacktestOptions } from './options.ts';
import {
  R_LIQUIDATION,
  R_REVERSE,
  R_SIGNAL,
  R_STOP_LOSS,
  R_TAKE_PROFIT,
  R_TRAILING_STOP,
  TradeLog,
} from './trade-log.ts';
import { withKernels } from '../wasm/kernels.ts';
import { LONG_ENTRY, LONG_EXIT, packSignals, SHORT_ENTRY, SHORT_EXIT, SIGNAL_NAMES } from './signals.ts';
import type {
  BacktestInputs,
  BacktestMetrics,
  BacktestOptions,
  BacktestResult,
  PackedSignals,
  StrategySignals,
  Trade,
} from './types.ts';

// Order targets decided at a bar's close.
const NONE = 0;
const TO_FLAT = 1;
const TO_LONG = 2;
const TO_SHORT = 3;

// Distance rules.
const RULE_NONE = 0;
const RULE_ATR = 1;
const RULE_PCT = 2;

const YEAR_MS = 365.25 * 24 * 3600 * 1000;

/**
 * The single position of the emulator (no pyramiding) and the closed-trade log. Nothing here
 * allocates per trade (the log grows by doubling); the bar loop reads the fields directly.
 */
class Book {
  pos = 0; // +1 long, −1 short, 0 flat
  qty = 0;
  entryPrice = 0;
  entryFee = 0;
  /** Funding received (+) or paid (−) by the open position so far (part of its open profit). */
  funding = 0;
  entryBar = 0;
  stop = NaN;
  limit = NaN;
  liq = NaN;
  /** Trailing stop: the price that activates it, its distance behind the best price, the best price, the stop (NaN until active). */
  trailAct = NaN;
  trailOff = NaN;
  best = 0;
  trailStop = NaN;
  /** Highest and lowest prices visited while the position was open (for MFE / MAE). */
  hi = 0;
  lo = 0;
  realized = 0;
  maxQtyLong = 0;
  maxQtyShort = 0;
  /**
   * Partial take-profits as TradingView brackets (`strategy.exit(qty_percent=)`): each has its
   * limit and the quantity it still covers (0 once filled); the rest bracket (`limit`) covers what
   * they leave while `restOpen`. A stop fills every open bracket, one trade each. 0 = none.
   */
  tpCount = 0;
  readonly tpLimit = new Float64Array(2);
  readonly tpQty = new Float64Array(2);
  restOpen = true;
  /** A partial take-profit filled: with break-even the stop moves to the entry at this bar's close. */
  tpFilled = false;
  /** Price (no slippage) of the first entry fill, the buy & hold reference. */
  firstEntryRef = NaN;
  readonly log = new TradeLog();
  private readonly invTick: number;

  constructor(
    private readonly time: Float64Array,
    private readonly commRate: number,
    private readonly leverage: number,
    private readonly mmRate: number,
    private readonly tick: number,
  ) {
    const inv = 1 / tick;
    // Dividing by an exact integer 1/tick gives clean decimals (99.5, not 99.50000000000001).
    this.invTick = Math.abs(inv - Math.round(inv)) < 1e-9 ? Math.round(inv) : NaN;
  }

  roundToTick(price: number): number {
    return this.invTick === this.invTick
      ? Math.round(price * this.invTick) / this.invTick
      : Math.round(price / this.tick) * this.tick;
  }

  open(
    bar: number,
    side: number,
    price: number,
    qty: number,
    slDist: number,
    tpDist: number,
    ref: number,
    trailActDist = NaN,
    trailOffDist = NaN,
  ) {
    this.pos = side;
    this.qty = qty;
    this.entryPrice = price;
    this.entryFee = this.commRate * price * qty;
    this.funding = 0;
    this.entryBar = bar;
    this.hi = price;
    this.lo = price;
    // NaN distance (no rule, or the ATR is still na) leaves the level unset; comparisons with NaN are false.
    this.stop = slDist >= 0 ? this.roundToTick(price - side * slDist) : NaN;
    this.limit = tpDist >= 0 ? this.roundToTick(price + side * tpDist) : NaN;
    // A trailing stop needs both distances (the ATR may still be na on the decision bar).
    const trails = trailActDist >= 0 && trailOffDist > 0;
    this.trailAct = trails ? this.roundToTick(price + side * trailActDist) : NaN;
    this.trailOff = trails ? trailOffDist : NaN;
    this.best = price;
    this.trailStop = NaN;
    this.tpCount = 0;
    this.restOpen = true;
    this.tpFilled = false;
    if (trails) this.follow(price);
    if (this.leverage > 1) {
      this.liq = price * (1 - side * (1 / this.leverage - this.mmRate));
      // A stop beyond the liquidation price never fills.
      if (side > 0 ? this.stop < this.liq : this.stop > this.liq) this.stop = NaN;
    } else {
      this.liq = NaN;
    }
    if (side > 0) {
      if (qty > this.maxQtyLong) this.maxQtyLong = qty;
    } else if (qty > this.maxQtyShort) this.maxQtyShort = qty;
    if (this.firstEntryRef !== this.firstEntryRef) this.firstEntryRef = ref;
  }

  /** Attaches the partial take-profits (distances NaN: the ATR was na, no order) to the new position. */
  bracket(distances: Float64Array, pcts: Float64Array, count: number): void {
    const side = this.pos;
    const entryQty = this.qty;
    let k = 0;
    for (let j = 0; j < count; j++) {
      const distance = distances[j]!;
      if (!(distance >= 0)) continue;
      this.tpLimit[k] = this.roundToTick(this.entryPrice + side * distance);
      // The closePct rounding: a share of the entry's quantity, no step.
      this.tpQty[k] = (entryQty * pcts[j]!) / 100;
      k++;
    }
    this.tpCount = k;
  }

  /** The quantity the rest bracket covers: what the open partial brackets leave. */
  private restQty(): number {
    let reserved = 0;
    for (let k = 0; k < this.tpCount; k++) reserved += this.tpQty[k]!;
    return this.qty - reserved;
  }

  /** The last open bracket closes the whole position (no floating-point remainder is left open). */
  private fillBracket(bar: number, price: number, reason: number, k: number): void {
    let others = this.restOpen && k >= 0 ? 1 : 0;
    for (let j = 0; j < this.tpCount; j++) if (j !== k && this.tpQty[j]! > 0) others++;
    const part = k < 0 ? this.restQty() : this.tpQty[k]!;
    if (k < 0) this.restOpen = false;
    else this.tpQty[k] = 0;
    if (others === 0) this.close(bar, price, reason);
    else this.close(bar, price, reason, part);
  }

  /** A stop (or the open past it) fills every open bracket at `price`, in the order they were placed. */
  private stopBrackets(bar: number, price: number, reason: number): void {
    for (let k = 0; k < this.tpCount && this.pos !== 0; k++)
      if (this.tpQty[k]! > 0) this.fillBracket(bar, price, reason, k);
    if (this.pos !== 0) this.fillBracket(bar, price, reason, -1);
  }

  /**
   * Fills the take-profits a move to `to` reaches, nearest first (ties in placement order): at
   * `fill` when given (a gap at the open), else each at its limit. True when the position closed.
   */
  private takeProfits(bar: number, to: number, fill: number): boolean {
    const side = this.pos;
    for (;;) {
      let pick = -2;
      let level = NaN;
      for (let k = 0; k < this.tpCount; k++) {
        const limit = this.tpLimit[k]!;
        if (this.tpQty[k]! > 0 && side * (to - limit) >= 0 && !(side * (limit - level) >= 0)) {
          pick = k;
          level = limit;
        }
      }
      if (this.restOpen && side * (to - this.limit) >= 0 && !(side * (this.limit - level) >= 0)) {
        pick = -1;
        level = this.limit;
      }
      if (pick === -2) return false;
      const price = fill === fill ? fill : level;
      if (fill !== fill) this.follow(level);
      if (pick >= 0) this.tpFilled = true;
      this.fillBracket(bar, price, R_TAKE_PROFIT, pick);
      if (this.pos === 0) return true;
    }
  }

  /** A strategy exit that closes `part` of the position; the brackets keep their shares of what is left. */
  closeBySignal(bar: number, price: number, reason: number, part: number): void {
    const before = this.qty;
    this.close(bar, price, reason, part);
    if (this.pos === 0) return;
    for (let k = 0; k < this.tpCount; k++) this.tpQty[k] = (this.tpQty[k]! * this.qty) / before;
  }

  /** The open position as a Trade marked at `price` (exit commission not deducted). */
  openTrade(bar: number, price: number): Trade {
    const side = this.pos;
    const qty = this.qty;
    const entry = this.entryPrice;
    const pnl = side * (price - entry) * qty - this.entryFee + this.funding;
    return {
      side: side > 0 ? 'long' : 'short',
      entryTime: this.time[this.entryBar]!,
      entryPrice: entry,
      entryBar: this.entryBar,
      exitTime: this.time[bar]!,
      exitPrice: price,
      exitBar: bar,
      qty,
      fees: this.entryFee,
      pnl,
      pnlPct: (pnl / ((entry * qty) / this.leverage)) * 100,
      exitReason: 'end_of_data',
      barsHeld: bar - this.entryBar,
      mae: this.mae(),
      mfe: this.mfe(),
      funding: this.funding,
    };
  }

  /** A funding event while the position is open: a long pays a positive rate, a short receives it. */
  fund(rate: number, price: number): void {
    this.funding -= this.pos * this.qty * price * rate;
  }

  private mae(qty = this.qty): number {
    return Math.max(0, this.pos > 0 ? this.entryPrice - this.lo : this.hi - this.entryPrice) * qty;
  }

  private mfe(qty = this.qty): number {
    return Math.max(0, this.pos > 0 ? this.hi - this.entryPrice : this.entryPrice - this.lo) * qty;
  }

  /**
   * Closes `part` of the position (all of it by default). A partial close is its own trade with
   * its share of the entry commission; the rest keeps its entry price, levels and the remainder of
   * the commission.
   */
  close(bar: number, price: number, reason: number, part = this.qty) {
    const side = this.pos;
    const whole = !(part < this.qty);
    const qty = whole ? this.qty : part;
    const entry = this.entryPrice;
    const entryFee = whole ? this.entryFee : (this.entryFee * qty) / this.qty;
    // A liquidation pays no commission on exit: its fee is the maintenance margin left at the
    // liquidation price, so that the trade loses exactly its isolated margin (plus entry commission).
    const exitFee = reason === R_LIQUIDATION ? entry * this.mmRate * qty : this.commRate * price * qty;
    const fees = entryFee + exitFee;
    const funding = whole ? this.funding : (this.funding * qty) / this.qty;
    const pnl = side * (price - entry) * qty - fees + funding;
    this.log.push(
      side,
      reason,
      this.entryBar,
      bar,
      entry,
      price,
      qty,
      fees,
      pnl,
      this.mae(qty),
      this.mfe(qty),
      funding,
    );
    this.realized += pnl;
    if (!whole) {
      this.qty -= qty;
      this.entryFee -= entryFee;
      this.funding -= funding;
      return;
    }
    this.pos = 0;
    this.qty = 0;
    this.entryFee = 0;
    this.funding = 0;
    this.stop = NaN;
    this.limit = NaN;
    this.liq = NaN;
    this.trailAct = NaN;
    this.trailOff = NaN;
    this.trailStop = NaN;
    this.tpCount = 0;
  }

  /** The path visited `price`: the extremes, the best price and, once activated, the trailing stop. */
  private follow(price: number): void {
    if (price > this.hi) this.hi = price;
    if (price < this.lo) this.lo = price;
    const side = this.pos;
    if (side * (price - this.best) > 0) this.best = price;
    if (side * (this.best - this.trailAct) >= 0) {
      this.trailStop = this.roundToTick(this.best - side * this.trailOff);
    }
  }

  /**
   * Exits along the bar's path when a trailing stop is set (docs/backtest-semantics.md): the open
   * (gaps), then each segment — open → first extreme → second extreme → close — where a segment
   * moving against the position reaches the nearer of the fixed and the trailing stop (or the
   * liquidation price), one moving with it reaches the take-profit, and the best price and the
   * trailing stop follow each point visited. The segment to the close matters: a stop raised at
   * the bar's high can be reached on the way down to the close.
   */
  walkPath(bar: number, o: number, h: number, l: number, c: number, slip: number): void {
    const highFirst = h - o < o - l;
    if (this.exitAt(bar, o, o, slip, true)) return;
    this.follow(o);
    let from = o;
    for (let k = 0; k < 3; k++) {
      const to = k === 2 ? c : (k === 0) === highFirst ? h : l;
      if (this.exitAt(bar, from, to, slip, false)) return;
      this.follow(to);
      from = to;
    }
  }

  /** exitAt with partial take-profits: the same rules, a fill per bracket. */
  private exitBracketsAt(
    bar: number,
    from: number,
    to: number,
    slip: number,
    atOpen: boolean,
    stopFills: boolean,
    stopReason: number,
  ): boolean {
    const side = this.pos;
    const liq = this.liq;
    const stop = stopReason === R_TRAILING_STOP ? this.trailStop : this.stop;
    const against = stopFills ? stop : liq;
    if (atOpen) {
      if (side * (to - liq) <= 0) this.close(bar, liq, R_LIQUIDATION);
      else if (side * (to - stop) <= 0) this.stopBrackets(bar, to - side * slip, stopReason);
      else return this.takeProfits(bar, to, to);
      return true;
    }
    if (side * (to - from) > 0) return this.takeProfits(bar, to, NaN);
    if (!(side * (to - against) <= 0)) return false;
    this.follow(against);
    if (stopFills) this.stopBrackets(bar, against - side * slip, stopReason);
    else this.close(bar, liq, R_LIQUIDATION);
    return true;
  }

  /** Fills an exit the move `from` → `to` reaches (`atOpen`: a level the open passed fills at the open). */
  private exitAt(bar: number, from: number, to: number, slip: number, atOpen: boolean): boolean {
    const side = this.pos;
    const fixed = this.stop;
    const trail = this.trailStop;
    // The stop nearer the price; a tie is the fixed stop's.
    const trailing = trail === trail && !(side * (fixed - trail) >= 0);
    const stop = trailing ? trail : fixed;
    const liq = this.liq;
    const stopFills = stop === stop && !(side * (stop - liq) < 0);
    const against = stopFills ? stop : liq;
    const stopReason = !stopFills ? R_LIQUIDATION : trailing ? R_TRAILING_STOP : R_STOP_LOSS;
    if (this.tpCount > 0) return this.exitBracketsAt(bar, from, to, slip, atOpen, stopFills, stopReason);
    if (atOpen) {
      if (side * (to - liq) <= 0) this.close(bar, liq, R_LIQUIDATION);
      else if (side * (to - stop) <= 0) this.close(bar, to - side * slip, stopReason);
      else if (side * (to - this.limit) >= 0) this.close(bar, to, R_TAKE_PROFIT);
      else return false;
      return true;
    }
    if (side * (to - from) > 0) {
      if (!(side * (to - this.limit) >= 0)) return false;
      this.follow(this.limit);
      this.close(bar, this.limit, R_TAKE_PROFIT);
      return true;
    }
    if (!(side * (to - against) <= 0)) return false;
    this.follow(against);
    this.close(bar, stopFills ? against - side * slip : liq, stopReason);
    return true;
  }
}

/** Bar open times and, when known, the bar duration: all the bar magnifier's index reads. */
export type BarTimes = {
  readonly length: number;
  readonly time: ArrayLike<number>;
  readonly timeframeMs?: number | undefined;
};

/** The bar's duration: the series' own, else the first spacing (0 for fewer than two bars). */
function barDuration(candles: BarTimes): number {
  const t = candles.time;
  return candles.timeframeMs ?? (candles.length > 1 ? t[1]! - t[0]! : 0);
}

/** The first index whose time is after `t` (binary search over ascending times). */
function firstAfter(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

type Magnifier = { sub: CandleSeries; from: Int32Array; to: Int32Array };

/**
 * Which lower-timeframe bars lie inside each bar: `[from[i], to[i])`, the bars opening in
 * `[time[i], min(time[i] + one bar, time[i + 1]))`. A bar with none keeps its own path. Exported
 * so that the Pine interpreter's bar magnifier walks the very same lower-timeframe bars.
 */
export function lowerTimeframeBars(
  candles: BarTimes,
  lower: BarTimes,
  barMs: number = barDuration(candles),
): { from: Int32Array; to: Int32Array } {
  const subMs = barDuration(lower);
  if (!(subMs > 0 && subMs < barMs)) {
    throw EngineErrors.create('INVALID_BACKTEST_INPUT', {
      message: `the bar magnifier needs candles of a shorter timeframe than the backtest's (${barMs} ms), got ${subMs} ms`,
      details: { option: 'lowerTimeframe', barMs, lowerMs: subMs },
    });
  }
  const n = candles.length;
  const from = new Int32Array(n);
  const to = new Int32Array(n);
  const time = candles.time;
  const subTime = lower.time;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const start = time[i]!;
    const end = i + 1 < n ? Math.min(start + barMs, time[i + 1]!) : start + barMs;
    while (k < lower.length && subTime[k]! < start) k++;
    from[i] = k;
    while (k < lower.length && subTime[k]! < end) k++;
    to[i] = k;
  }
  return { from, to };
}

function magnifierIndex(candles: CandleSeries, sub: CandleSeries, barMs: number): Magnifier {
  return { sub, ...lowerTimeframeBars(candles, sub, barMs) };
}

function ruleKind(rule: BacktestOptions['stopLoss']): number {
  return rule === undefined ? RULE_NONE : rule.type === 'atr' ? RULE_ATR : RULE_PCT;
}

function ruleValue(rule: BacktestOptions['stopLoss']): number {
  return rule === undefined ? NaN : rule.type === 'atr' ? rule.multiplier : rule.percent / 100;
}

function nextMonthStart(t: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

function checkInput(
  candles: CandleSeries,
  signals: StrategySignals | PackedSignals,
  options: BacktestOptions,
  atr?: Float64Array,
) {
  const n = candles.length;
  if (signals instanceof Uint8Array) {
    if (signals.length !== n) {
      throw EngineErrors.create('INVALID_BACKTEST_INPUT', {
        message: `the packed signals must have one value per candle (${n}), got ${signals.length}`,
        details: { signal: 'packed', expected: n, actual: signals.length },
      });
    }
  } else {
    for (const name of SIGNAL_NAMES) {
      const arr = signals[name] as Uint8Array | undefined;
      if (arr === undefined || arr.length !== n) {
        throw EngineErrors.create('INVALID_BACKTEST_INPUT', {
          message: `signals.${name} must have one value per candle (${n}), got ${arr === undefined ? 'none' : arr.length}`,
          details: { signal: name, expected: n, actual: arr?.length ?? null },
        });
      }
    }
  }
  if (usesAtrStops(options) && (atr === undefined || atr.length !== n)) {
    throw EngineErrors.create('INVALID_BACKTEST_INPUT', {
      message:
        atr === undefined
          ? `ATR-based stop-loss/take-profit needs the atr(${options.atrPeriod}) series`
          : `the atr series must have one value per candle (${n}), got ${atr.length}`,
      details: { expected: n, actual: atr?.length ?? null },
    });
  }
}

/**
 * Runs the broker emulator of docs/backtest-semantics.md over `candles` with the strategy's
 * per-bar signals (four series, or packed as the signal kernel writes them). `atr` (the caller's
 * atr(atrPeriod) series, one value per candle) is required when the stop-loss or take-profit is
 * ATR-based. `equityBuffer` (length n, optional) receives the equity curve instead of a fresh
 * array — the optimizer lends one work array to all its runs; `result.equity` is then that buffer.
 * `inputs` (optional, each off when absent): a funding-rate history, settled on the open position
 * at each funding time, and lower-timeframe candles for the bar magnifier.
 * One pass over the bars, then one for the drawdown and run-up; the only allocations
 * are the output arrays, the columnar trade log (grown by doubling) and one Date per calendar
 * month. `result.trades` builds the Trade objects on first access.
 */
// eslint-disable-next-line max-lines-per-function -- the broker emulator's bar loop, benchmarked (npm run bench): one flat loop over typed arrays is what keeps it ≥ 10 M bars/s
export function runBacktest(
  candles: CandleSeries,
  signals: StrategySignals | PackedSignals,
  options: BacktestOptions,
  atr?: Float64Array,
  equityBuffer?: Float64Array,
  inputs: BacktestInputs = {},
): BacktestResult {
  validateBacktestOptions(options);
  checkInput(candles, signals, options, atr);
  const barMs = barDuration(candles);
  // Funding events settle at the close of the bar (open, open + one bar] they fall in.
  const funding = inputs.funding;
  const fundingN = funding?.length ?? 0;
  const fundTime = funding?.time ?? new Float64Array(0);
  let fk = firstAfter(fundTime, candles.length > 0 ? candles.time[0]! : Infinity);
  const magnifier =
    inputs.lowerTimeframe === undefined ? null : magnifierIndex(candles, inputs.lowerTimeframe, barMs);

  const n = candles.length;
  const last = n - 1;
  const { time, open, high, low, close } = candles;
  const packed = signals instanceof Uint8Array ? signals : packSignals(signals);
  const atrValues = atr ?? new Float64Array(0);

  const capital = options.initialCapital;
  const leverage = options.leverage;
  const sizing = options.sizing;
  const pctFactor = (options.sizeValue / 100) * leverage;
  const cashFactor = options.sizeValue * leverage;
  const fixedQty = options.sizeValue;
  const slip = options.slippageTicks * options.tickSize;
  const commRate = options.commissionPct / 100;
  const allowLong = options.direction !== 'short';
  const allowShort = options.direction !== 'long';
  const fillOnClose = options.fillOnClose;
  const slKind = ruleKind(options.stopLoss);
  const slValue = ruleValue(options.stopLoss);
  const tpKind = ruleKind(options.takeProfit);
  const tpValue = ruleValue(options.takeProfit);
  const hasLevels = slKind !== RULE_NONE || tpKind !== RULE_NONE || leverage > 1;
  const trailing = options.trailing;
  const trailKind = trailing === undefined ? RULE_NONE : trailing.type === 'atr' ? RULE_ATR : RULE_PCT;
  // Percent as `value / 100 × close`, the exported script's order of operations.
  const trailActValue =
    trailing === undefined ? NaN : trailKind === RULE_PCT ? trailing.activation / 100 : trailing.activation;
  const trailOffValue =
    trailing === undefined ? NaN : trailKind === RULE_PCT ? trailing.offset / 100 : trailing.offset;
  // Percent of the position an exit signal closes (100: all of it, the common case, exactly).
  const closePct = options.closePct ?? 100;
  const partials = options.partialTakeProfits ?? [];
  const tpCount = partials.length;
  const breakEven = options.breakEven === true;
  // Per partial: ATR (1) or percent (2), the multiple or the fraction of the close, the share.
  const partialKind = partials.map((partial) => (partial.distance.type === 'atr' ? RULE_ATR : RULE_PCT));
  const partialValue = partials.map((partial) =>
    partial.distance.type === 'atr' ? partial.distance.multiplier : partial.distance.percent / 100,
  );
  const partialPct = Float64Array.from(partials, (partial) => partial.qtyPct);
  const partialDist = new Float64Array(2);
  const pendingPartialDist = new Float64Array(2);

  const book = new Book(time, commRate, leverage, options.maintenanceMarginPct / 100, options.tickSize);
  // Every element is written below, so a lent buffer needs no clearing.
  const equity = equityBuffer !== undefined && equityBuffer.length === n ? equityBuffer : new Float64Array(n);

  let pending = NONE;
  let pendingQty = 0;
  let pendingSl = NaN;
  let pendingTp = NaN;
  let pendingTrailAct = NaN;
  let pendingTrailOff = NaN;

  let inMarket = 0;
  let prevEq = capital;
  const months = new MonthlyReturns(options.riskFreeRatePct / 100 / 12);
  let monthStartEq = capital;
  let monthEnd = n > 0 ? nextMonthStart(time[0]!) : 0;

  for (let i = 0; i < n; i++) {
    const o = open[i]!;
    const h = high[i]!;
    const l = low[i]!;
    const c = close[i]!;

    // 1. The market order decided at the previous close fills at this open.
    if (pending !== NONE) {
      if (book.pos !== 0) {
        if (o > book.hi) book.hi = o;
        if (o < book.lo) book.lo = o;
        const part = pending === TO_FLAT && closePct < 100 ? (book.qty * closePct) / 100 : book.qty;
        book.closeBySignal(i, o - book.pos * slip, pending === TO_FLAT ? R_SIGNAL : R_REVERSE, part);
      }
      if (pending !== TO_FLAT) {
        const side = pending === TO_LONG ? 1 : -1;
        const fill = o + side * slip;
        book.open(i, side, fill, pendingQty, pendingSl, pendingTp, o, pendingTrailAct, pendingTrailOff);
        if (tpCount > 0) book.bracket(pendingPartialDist, partialPct, tpCount);
      }
      pending = NONE;
    }

    // 2. Stop-loss, take-profit and liquidation along the assumed path (active on the entry bar).
    const pos = book.pos;
    // Partial take-profits walk the path too: several levels may fill in one bar.
    const trails = book.trailOff === book.trailOff || book.tpCount > 0;
    if (pos !== 0 && magnifier !== null && (hasLevels || trails) && magnifier.from[i]! < magnifier.to[i]!) {
      // Bar magnifier: the same path rule on each lower-timeframe bar, in order.
      const { sub, from, to } = magnifier;
      for (let k = from[i]!; k < to[i]! && book.pos !== 0; k++) {
        book.walkPath(i, sub.open[k]!, sub.high[k]!, sub.low[k]!, sub.close[k]!, slip);
      }
    } else if (pos !== 0 && trails) {
      book.walkPath(i, o, h, l, c, slip);
    } else if (pos !== 0) {
      let reason = -1;
      let px = 0;
      let touched = o; // the exit level the path reached (the open on a gap)
      let first = NaN; // extreme of the first path segment when the exit is on the second
      if (hasLevels) {
        const stop = book.stop;
        const limit = book.limit;
        const liq = book.liq;
        const highFirst = h - o < o - l;
        if (pos > 0) {
          const stopSet = stop === stop;
          const lowLevel = stopSet ? stop : liq;
          if (o <= liq) {
            reason = R_LIQUIDATION;
            px = liq;
          } else if (o <= stop) {
            reason = R_STOP_LOSS;
            px = o - slip;
          } else if (o >= limit) {
            reason = R_TAKE_PROFIT;
            px = o;
          } else if (highFirst && h >= limit) {
            reason = R_TAKE_PROFIT;
            px = touched = limit;
          } else if (l <= lowLevel) {
            reason = stopSet ? R_STOP_LOSS : R_LIQUIDATION;
            px = stopSet ? stop - slip : liq;
            touched = lowLevel;
            if (highFirst) first = h;
          } else if (!highFirst && h >= limit) {
            reason = R_TAKE_PROFIT;
            px = touched = limit;
            first = l;
          }
        } else {
          const stopSet = stop === stop;
          const highLevel = stopSet ? stop : liq;
          if (o >= liq) {
            reason = R_LIQUIDATION;
            px = liq;
          } else if (o >= stop) {
            reason = R_STOP_LOSS;
            px = o + slip;
          } else if (o <= limit) {
            reason = R_TAKE_PROFIT;
            px = o;
          } else if (!highFirst && l <= limit) {
            reason = R_TAKE_PROFIT;
            px = touched = limit;
          } else if (h >= highLevel) {
            reason = stopSet ? R_STOP_LOSS : R_LIQUIDATION;
            px = stopSet ? stop + slip : liq;
            touched = highLevel;
            if (!highFirst) first = l;
          } else if (highFirst && l <= limit) {
            reason = R_TAKE_PROFIT;
            px = touched = limit;
            first = h;
          }
        }
      }
      if (reason < 0) {
        if (h > book.hi) book.hi = h;
        if (l < book.lo) book.lo = l;
      } else {
        if (o > book.hi) book.hi = o;
        if (o < book.lo) book.lo = o;
        if (touched > book.hi) book.hi = touched;
        if (touched < book.lo) book.lo = touched;
        if (first > book.hi) book.hi = first;
        if (first < book.lo) book.lo = first;
        book.close(i, px, reason);
      }
    }

    // 3. The strategy's decision on this close, with the position after this bar's fills.
    const p = book.pos;
    const bits = packed[i]!;
    const entries = bits & (LONG_ENTRY | SHORT_ENTRY);
    const longSignal = entries === LONG_ENTRY;
    const shortSignal = entries === SHORT_ENTRY;
    let target = NONE;
    if (p > 0) {
      if (shortSignal && allowShort) target = TO_SHORT;
      else if ((bits & LONG_EXIT) !== 0 || shortSignal) target = TO_FLAT;
    } else if (p < 0) {
      if (longSignal && allowLong) target = TO_LONG;
      else if ((bits & SHORT_EXIT) !== 0 || longSignal) target = TO_FLAT;
    } else if (longSignal && allowLong) target = TO_LONG;
    else if (shortSignal && allowShort) target = TO_SHORT;

    if (target !== NONE && (fillOnClose || i < last)) {
      let qty = 0;
      let slDist = NaN;
      let tpDist = NaN;
      let trailAct = NaN;
      let trailOff = NaN;
      if (target !== TO_FLAT) {
        const eqNow =
          capital +
          book.realized +
          (p !== 0 ? p * (c - book.entryPrice) * book.qty - book.entryFee + book.funding : 0);
        qty = sizing === 'percent' ? (eqNow * pctFactor) / c : sizing === 'cash' ? cashFactor / c : fixedQty;
        if (qty > 0 && qty < Infinity) {
          slDist = slKind === RULE_ATR ? slValue * atrValues[i]! : slKind === RULE_PCT ? slValue * c : NaN;
          tpDist = tpKind === RULE_ATR ? tpValue * atrValues[i]! : tpKind === RULE_PCT ? tpValue * c : NaN;
          if (trailKind !== RULE_NONE) {
            const unit = trailKind === RULE_ATR ? atrValues[i]! : c;
            trailAct = trailActValue * unit;
            trailOff = trailOffValue * unit;
          }
          for (let k = 0; k < tpCount; k++)
            partialDist[k] = partialValue[k]! * (partialKind[k] === RULE_ATR ? atrValues[i]! : c);
        } else {
          // No equity left to size from: a reversal only closes, an entry is skipped.
          target = p !== 0 ? TO_FLAT : NONE;
        }
      }
      if (fillOnClose) {
        if (target !== NONE && p !== 0) {
          const part = target === TO_FLAT && closePct < 100 ? (book.qty * closePct) / 100 : book.qty;
          book.closeBySignal(i, c - p * slip, target === TO_FLAT ? R_SIGNAL : R_REVERSE, part);
        }
        if (target === TO_LONG || target === TO_SHORT) {
          const side = target === TO_LONG ? 1 : -1;
          book.open(i, side, c + side * slip, qty, slDist, tpDist, c, trailAct, trailOff);
          if (tpCount > 0) book.bracket(partialDist, partialPct, tpCount);
        }
      } else {
        pending = target;
        pendingQty = qty;
        pendingSl = slDist;
        pendingTp = tpDist;
        pendingTrailAct = trailAct;
        pendingTrailOff = trailOff;
        pendingPartialDist.set(partialDist);
      }
    }
    // Break-even: the exported script re-issues the exits of what is left with the stop at the
    // entry price on the close of the bar a partial take-profit filled, so it works from the next bar.
    if (breakEven && book.tpFilled && book.pos !== 0) book.stop = book.entryPrice;

    // 4. Funding that falls in this bar, on the position after its fills; then mark to the close.
    if (fk < fundingN) {
      const end = time[i]! + barMs;
      for (; fk < fundingN && fundTime[fk]! <= end; fk++) {
        if (book.pos === 0) continue;
        const mark = funding!.markPrice[fk]!;
        book.fund(funding!.rate[fk]!, mark === mark ? mark : c);
      }
    }
    const q = book.pos;
    let openPnl = 0;
    if (q !== 0) {
      openPnl = q * (c - book.entryPrice) * book.qty - book.entryFee + book.funding;
      inMarket++;
    }
    const eq = capital + book.realized + openPnl;
    equity[i] = eq;
    if (time[i]! >= monthEnd) {
      if (i > 0) {
        months.add(prevEq, monthStartEq);
        monthStartEq = prevEq;
      }
      monthEnd = nextMonthStart(time[i]!);
    }
    prevEq = eq;
  }
  if (n > 0) months.add(prevEq, monthStartEq);
  const { maxDd, maxDdPct, maxRunUp, maxRunUpPct } = equityExtremes(equity, capital);

  let openTrade: Trade | null = null;
  if (book.pos !== 0) {
    const c = close[last]!;
    openTrade = book.openTrade(last, c);
  }

  const log = book.log;
  const all = computeTradeStats(log, null, openTrade, capital, Math.max(book.maxQtyLong, book.maxQtyShort));
  const finalEquity = n > 0 ? equity[last]! : capital;
  const spanMs =
    n > 0
      ? time[last]! - time[0]! + (candles.timeframeMs ?? (n > 1 ? (time[last]! - time[0]!) / last : 0))
      : 0;
  const years = spanMs / YEAR_MS;
  const cagrPct =
    years > 0 ? (finalEquity > 0 ? ((finalEquity / capital) ** (1 / years) - 1) * 100 : -100) : null;
  const firstRef = book.firstEntryRef;
  const metrics: BacktestMetrics = {
    ...all,
    initialCapital: capital,
    finalEquity,
    maxDrawdown: maxDd,
    maxDrawdownPct: maxDdPct,
    maxRunUp,
    maxRunUpPct,
    buyHoldReturnPct: firstRef > 0 ? (close[last]! / firstRef - 1) * 100 : null,
    sharpe: months.sharpe(),
    sortino: months.sortino(),
    cagrPct,
    calmar: cagrPct !== null && maxDdPct > 0 ? cagrPct / maxDdPct : null,
    timeInMarketPct: n > 0 ? (inMarket / n) * 100 : 0,
    months: months.count,
    long: computeTradeStats(log, 'long', openTrade, capital, book.maxQtyLong),
    short: computeTradeStats(log, 'short', openTrade, capital, book.maxQtyShort),
  };
  // Trade objects are built on first access: a caller that reads only the metrics (the optimizer)
  // never pays for them.
  // The drawdown curve likewise (a charting need): recomputed from the equity curve.
  let trades: Trade[] | null = null;
  let drawdown: Float64Array | null = null;
  return {
    get trades(): Trade[] {
      trades ??= log.toTrades(time, leverage);
      return trades;
    },
    openTrade,
    equity,
    get drawdown(): Float64Array {
      drawdown ??= drawdownCurve(equity, capital);
      return drawdown;
    },
    metrics,
  };
}

type EquityExtremes = { maxDd: number; maxDdPct: number; maxRunUp: number; maxRunUpPct: number };

/**
 * The largest drawdown and run-up of an equity curve that starts from `capital` (absolute and in
 * percent of the running peak / trough). After the bar loop, not in it: on equity that follows
 * the price, "a new peak" and "a new trough" are branches that mispredict. The WebAssembly kernel
 * takes the running extremes without branches (1.4 ms for a year of minutes, against 4.7 ms for
 * the same comparisons in JavaScript); `equityExtremesBarByBar` is for when it cannot run.
 */
export function equityExtremes(equity: Float64Array, capital: number): EquityExtremes {
  const n = equity.length;
  const viaWasm = withKernels(8 * n + 32, (kernels, floats) => {
    floats.set(equity, 0);
    kernels.equityExtremes(0, n, capital, 8 * n);
    return {
      maxDd: floats[n]!,
      maxDdPct: floats[n + 1]!,
      maxRunUp: floats[n + 2]!,
      maxRunUpPct: floats[n + 3]!,
    };
  });
  return viaWasm ?? equityExtremesBarByBar(equity, capital);
}

/** The same, by definition: the running peak and trough, and each bar's distance from them. */
export function equityExtremesBarByBar(equity: ArrayLike<number>, capital: number): EquityExtremes {
  const worst = { maxDd: 0, maxDdPct: 0, maxRunUp: 0, maxRunUpPct: 0 };
  let peak = capital;
  let trough = capital;
  for (let i = 0; i < equity.length; i++) {
    const eq = equity[i]!;
    peak = Math.max(peak, eq);
    trough = Math.min(trough, eq);
    worst.maxDd = Math.max(worst.maxDd, peak - eq);
    worst.maxDdPct = Math.max(worst.maxDdPct, drawdownPct(peak, eq));
    worst.maxRunUp = Math.max(worst.maxRunUp, eq - trough);
    worst.maxRunUpPct = Math.max(worst.maxRunUpPct, trough > 0 ? ((eq - trough) / trough) * 100 : 0);
  }
  return worst;
}

/** Drawdown in percent of the running peak equity (0 while the peak is not positive). */
function drawdownPct(peak: number, eq: number): number {
  return peak > 0 ? ((peak - eq) / peak) * 100 : 0;
}

/** The per-bar drawdown percentages of an equity curve that starts from `capital`. */
function drawdownCurve(equity: Float64Array, capital: number): Float64Array {
  const out = new Float64Array(equity.length);
  let peak = capital;
  for (let i = 0; i < equity.length; i++) {
    const eq = equity[i]!;
    if (eq > peak) peak = eq;
    out[i] = drawdownPct(peak, eq);
  }
  return out;
}
