import { lowerTimeframeBars } from '@tradingbot/engine';
import type { Arg, Expr, Script, Stmt } from '../checker/parser.ts';
import { parseScript } from '../checker/parser.ts';
import { FUNCTIONS } from '../checker/builtins.ts';
import { PineErrors } from '../errors.ts';
import type { BarPrices, PineFill, PineTrade, StrategySettings } from './broker.ts';
import { Broker } from './broker.ts';
import {
  Atr,
  Bb,
  Cross,
  Ema,
  Extreme,
  Macd,
  Rma,
  Rsi,
  Sma,
  Stdev,
  Stoch,
  Supertrend,
  TrueRange,
} from './ta.ts';

/** Candles in columns (the engine's CandleSeries fits); `time` is the bar's open time in ms. */
export type PineCandles = {
  readonly length: number;
  readonly time: ArrayLike<number>;
  readonly open: ArrayLike<number>;
  readonly high: ArrayLike<number>;
  readonly low: ArrayLike<number>;
  readonly close: ArrayLike<number>;
  readonly volume: ArrayLike<number>;
  /** The bar duration in ms when known (else the first spacing), as for the engine's candles. */
  readonly timeframeMs?: number | undefined;
};

export type RunPineOptions = {
  /** syminfo.mintick. Default 0.01. */
  mintick?: number;
  /** syminfo.ticker. Default 'BTCUSDT.P'. */
  ticker?: string;
  /** syminfo.tickerid. Default 'BINANCE:' + ticker. */
  tickerid?: string;
  /** timeframe.period. Default '60'. */
  timeframe?: string;
  /** timenow (ms): the moment the script runs. Default the last bar's time. */
  timenow?: number;
  /** Input overrides by variable name (`{ fastLength: 12 }`), like the script's Settings dialog. */
  inputs?: Record<string, number | string | boolean>;
  /**
   * Candles of a shorter timeframe over the same range, for `strategy(use_bar_magnifier = true)`:
   * TradingView's bar magnifier, walked as the backtester walks them (docs/backtest-semantics.md).
   * A script without use_bar_magnifier ignores them; without them the magnifier has no effect.
   */
  lowerTimeframe?: PineCandles;
};

export type PinePlot = { title: string; values: number[] };

export type PineRunResult = {
  settings: StrategySettings;
  trades: PineTrade[];
  openTrade: PineTrade | null;
  fills: PineFill[];
  /** The alert messages of the fills, in order (what the webhook receives). */
  alerts: string[];
  plots: PinePlot[];
  /** The per-bar values of a global variable (`series('longEntry')`), for inspection and tests. */
  series: (name: string) => (number | string | boolean | null)[];
};

type Value = number | string | boolean | null | Value[] | { tag: string };

/** A variable's values by bar (its history). */
type Slot = { values: Value[]; isVar: boolean };
type Scope = { slots: Map<string, Slot>; parent: Scope | null };

class RuntimeError extends Error {}

const unsupported = (message: string): never => {
  throw PineErrors.create('PINE_UNSUPPORTED', { message });
};

/**
 * Executes a Pine script of the exporter's subset bar by bar, as TradingView does: the whole
 * script runs once per bar at its close with series variables (history `x[n]`), `var`
 * persistence, `na` semantics (arithmetic with na is na, comparisons with na are false, division
 * by zero is na), stateful `ta.*` built-ins per call site, and `strategy.*` calls sent to the
 * broker emulator. Returns the trades, the fills and the alert message of every fill.
 */
// eslint-disable-next-line max-lines-per-function -- existing debt: the interpreter's evaluators share the bar state through closures
export function runPine(
  source: string | Script,
  candles: PineCandles,
  options: RunPineOptions = {},
): PineRunResult {
  const script = typeof source === 'string' ? parseScript(source) : source;
  const n = candles.length;
  const mintick = options.mintick ?? 0.01;
  const ticker = options.ticker ?? 'BTCUSDT.P';
  const tickerid = options.tickerid ?? `BINANCE:${ticker}`;
  const timeframe = options.timeframe ?? '60';
  const timenow = options.timenow ?? (n > 0 ? candles.time[n - 1]! : 0);
  const inputs = options.inputs ?? {};

  let bar = 0;
  let broker: Broker | null = null;
  let settings: StrategySettings | null = null;
  const state = new Map<number, unknown>();
  const exprHistory = new Map<number, Value[]>();
  const plots = new Map<string, PinePlot>();
  const global: Scope = { slots: new Map(), parent: null };

  const num = (value: Value): number => {
    if (value === null) return NaN;
    if (typeof value === 'number') return value;
    return unsupported(`expected a number, got ${JSON.stringify(value)}`);
  };
  const bool = (value: Value): boolean => {
    if (typeof value === 'boolean') return value;
    return unsupported(`expected a bool, got ${JSON.stringify(value)}`);
  };
  const str = (value: Value): string | null => {
    if (value === null || typeof value === 'string') return value;
    return unsupported(`expected a string, got ${JSON.stringify(value)}`);
  };
  const isNa = (value: Value) => value === null || (typeof value === 'number' && Number.isNaN(value));

  function stateFor<T>(expr: Expr, make: () => T): T {
    let s = state.get(expr.id) as T | undefined;
    if (s === undefined) {
      s = make();
      state.set(expr.id, s);
    }
    return s;
  }

  function findSlot(scope: Scope, name: string): Slot | undefined {
    for (let s: Scope | null = scope; s !== null; s = s.parent) {
      const slot = s.slots.get(name);
      if (slot !== undefined) return slot;
    }
    return undefined;
  }

  function variable(name: string, offset: number, scope: Scope): Value {
    const slot = findSlot(scope, name);
    if (slot !== undefined) return bar - offset < 0 ? null : (slot.values[bar - offset] ?? null);
    const i = bar - offset;
    if (i < 0) return builtinIsSeries(name) ? NaN : builtin(name, bar);
    return builtin(name, i);
  }

  function builtinIsSeries(name: string): boolean {
    return ['open', 'high', 'low', 'close', 'volume', 'hl2', 'hlc3', 'ohlc4', 'time'].includes(name);
  }

  function builtin(name: string, i: number): Value {
    switch (name) {
      case 'open':
        return candles.open[i]!;
      case 'high':
        return candles.high[i]!;
      case 'low':
        return candles.low[i]!;
      case 'close':
        return candles.close[i]!;
      case 'volume':
        return candles.volume[i]!;
      case 'hl2':
        return (candles.high[i]! + candles.low[i]!) / 2;
      case 'hlc3':
        return (candles.high[i]! + candles.low[i]! + candles.close[i]!) / 3;
      case 'ohlc4':
        return (candles.open[i]! + candles.high[i]! + candles.low[i]! + candles.close[i]!) / 4;
      case 'time':
        return candles.time[i]!;
      case 'timenow':
        return timenow;
      case 'bar_index':
        return i;
      case 'last_bar_index':
        return n - 1;
      case 'syminfo.ticker':
        return ticker;
      case 'syminfo.tickerid':
        return tickerid;
      case 'syminfo.mintick':
        return mintick;
      case 'timeframe.period':
        return timeframe;
      case 'strategy.position_size':
        return broker?.positionSize ?? 0;
      case 'strategy.position_avg_price':
        return broker?.position?.entryPrice ?? NaN;
      case 'strategy.closedtrades':
        return broker?.trades.length ?? 0;
      case 'strategy.equity':
        return broker?.equity(candles.close[i]!) ?? NaN;
      case 'strategy.netprofit':
        return broker?.realized ?? 0;
      case 'strategy.openprofit':
        return broker?.openProfit(candles.close[i]!) ?? 0;
      case 'strategy.long':
        return { tag: 'long' };
      case 'strategy.short':
        return { tag: 'short' };
      case 'strategy.percent_of_equity':
        return { tag: 'percent_of_equity' };
      case 'strategy.fixed':
        return { tag: 'fixed' };
      case 'strategy.cash':
        return { tag: 'cash' };
      case 'strategy.commission.percent':
        return { tag: 'percent' };
      case 'strategy.commission.cash_per_contract':
        return { tag: 'cash_per_contract' };
      case 'strategy.commission.cash_per_order':
        return { tag: 'cash_per_order' };
      default:
        if (name.startsWith('color.')) return { tag: name };
        return unsupported(`unknown variable ${name}`);
    }
  }

  /** Binds a call's arguments to the built-in's parameter names. */
  function bind(expr: Expr & { k: 'call' }): Map<string, Expr> {
    const spec = FUNCTIONS[expr.callee];
    if (spec === undefined) return unsupported(`unknown function ${expr.callee}()`);
    const bound = new Map<string, Expr>();
    expr.args.forEach((arg: Arg, index) => {
      const name = arg.name ?? spec.params[index]?.name ?? `#${index}`;
      bound.set(name, arg.value);
    });
    return bound;
  }

  function evaluate(expr: Expr, scope: Scope): Value {
    switch (expr.k) {
      case 'num':
        return expr.value;
      case 'str':
        return expr.value;
      case 'bool':
        return expr.value;
      case 'na':
        return null;
      case 'color':
        return { tag: expr.value };
      case 'array':
        return expr.items.map((item) => evaluate(item, scope));
      case 'id':
        return variable(expr.name, 0, scope);
      case 'index': {
        const offset = num(evaluate(expr.offset, scope));
        if (!Number.isInteger(offset) || offset < 0) throw new RuntimeError(`bad history offset ${offset}`);
        if (expr.target.k === 'id') return variable(expr.target.name, offset, scope);
        // The history of an expression: its value on each bar it was evaluated.
        let history = exprHistory.get(expr.id);
        if (history === undefined) exprHistory.set(expr.id, (history = []));
        history[bar] = evaluate(expr.target, scope);
        return bar - offset < 0 ? null : (history[bar - offset] ?? null);
      }
      case 'unary': {
        const value = evaluate(expr.arg, scope);
        if (expr.op === 'not') return !bool(value);
        return expr.op === '-' ? -num(value) : num(value);
      }
      case 'binary':
        return binary(expr, scope);
      case 'ternary':
        return bool(evaluate(expr.cond, scope)) ? evaluate(expr.then, scope) : evaluate(expr.else, scope);
      case 'call':
        return call(expr, scope);
    }
  }

  function binary(expr: Expr & { k: 'binary' }, scope: Scope): Value {
    if (expr.op === 'and') return bool(evaluate(expr.left, scope)) && bool(evaluate(expr.right, scope));
    if (expr.op === 'or') return bool(evaluate(expr.left, scope)) || bool(evaluate(expr.right, scope));
    const left = evaluate(expr.left, scope);
    const right = evaluate(expr.right, scope);
    if (expr.op === '+' && (typeof left === 'string' || typeof right === 'string')) {
      return left === null || right === null ? null : String(left) + String(right);
    }
    if (expr.op === '==' || expr.op === '!=') {
      if (isNa(left) || isNa(right)) return false;
      const equal =
        typeof left === 'object' ? JSON.stringify(left) === JSON.stringify(right) : left === right;
      return expr.op === '==' ? equal : !equal;
    }
    const a = num(left);
    const b = num(right);
    switch (expr.op) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '/':
        return b === 0 ? NaN : a / b;
      case '%':
        return b === 0 ? NaN : a % b;
      case '<':
        return a < b;
      case '>':
        return a > b;
      case '<=':
        return a <= b;
      case '>=':
        return a >= b;
    }
    return unsupported(`operator ${expr.op}`);
  }

  function tostring(value: Value): string {
    if (value === null) return 'NaN';
    if (typeof value === 'number') {
      if (Number.isNaN(value)) return 'NaN';
      if (Number.isInteger(value)) return value.toFixed(0);
      return String(Number(value.toFixed(10)));
    }
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    if (typeof value === 'string') return value;
    return unsupported('str.tostring of a non-scalar');
  }

  // eslint-disable-next-line max-lines-per-function -- existing debt: one case per built-in
  function call(expr: Expr & { k: 'call' }, scope: Scope): Value {
    const args = bind(expr);
    const arg = (name: string): Value => {
      const e = args.get(name);
      return e === undefined ? null : evaluate(e, scope);
    };
    const numArg = (name: string) => num(arg(name));
    const intArg = (name: string) => {
      const v = numArg(name);
      if (!Number.isInteger(v)) throw new RuntimeError(`${expr.callee}: ${name} must be an int, got ${v}`);
      return v;
    };
    const tagArg = (name: string) => {
      const v = arg(name);
      return v !== null && typeof v === 'object' && !Array.isArray(v) ? v.tag : null;
    };
    const c = candles;
    switch (expr.callee) {
      case 'strategy': {
        if (settings === null) {
          const boolArg = (name: string, fallback: boolean) => (args.has(name) ? bool(arg(name)) : fallback);
          const numOr = (name: string, fallback: number) => (args.has(name) ? numArg(name) : fallback);
          settings = {
            initialCapital: numOr('initial_capital', 1_000_000),
            qtyType: (tagArg('default_qty_type') ?? 'fixed') as StrategySettings['qtyType'],
            qtyValue: numOr('default_qty_value', 1),
            commissionType: (tagArg('commission_type') ?? 'percent') as StrategySettings['commissionType'],
            commissionValue: numOr('commission_value', 0),
            slippageTicks: numOr('slippage', 0),
            pyramiding: numOr('pyramiding', 0),
            processOrdersOnClose: boolArg('process_orders_on_close', false),
            marginLong: numOr('margin_long', 100),
            marginShort: numOr('margin_short', 100),
            useBarMagnifier: boolArg('use_bar_magnifier', false),
          };
          if (settings.pyramiding !== 0) unsupported('pyramiding other than 0');
          broker = new Broker(settings, mintick, candles.time);
        }
        return null;
      }
      case 'input.int':
      case 'input.float':
      case 'input.bool':
      case 'input.string':
        return arg('defval');
      case 'runtime.error':
        throw PineErrors.create('PINE_RUNTIME_ERROR', {
          message: `runtime.error on bar ${bar}: ${str(arg('message')) ?? 'na'}`,
          details: { bar },
        });
      case 'plot': {
        const title = str(arg('title')) ?? `Plot ${plots.size + 1}`;
        let plot = plots.get(title);
        if (plot === undefined) plots.set(title, (plot = { title, values: [] }));
        plot.values[bar] = numArg('series');
        return null;
      }
      case 'na':
        return isNa(arg('x'));
      case 'nz': {
        const value = arg('source');
        if (!isNa(value)) return value;
        return args.has('replacement') ? arg('replacement') : 0;
      }
      case 'math.max':
      case 'math.min':
      case 'math.avg': {
        const values = expr.args.map((a) => num(evaluate(a.value, scope)));
        if (values.some(Number.isNaN)) return NaN;
        if (expr.callee === 'math.avg') return values.reduce((sum, v) => sum + v, 0) / values.length;
        return expr.callee === 'math.max' ? Math.max(...values) : Math.min(...values);
      }
      case 'math.abs':
        return Math.abs(numArg('number'));
      case 'math.round': {
        const value = numArg('number');
        if (args.has('precision')) {
          const f = 10 ** intArg('precision');
          return Math.round(value * f) / f;
        }
        return Math.round(value);
      }
      case 'str.tostring':
        if (args.has('format')) unsupported('str.tostring with a format');
        return tostring(arg('value'));
      case 'str.contains': {
        const source = str(arg('source'));
        const needle = str(arg('str'));
        return source !== null && needle !== null && source.includes(needle);
      }
      case 'ta.sma':
        return stateFor(expr, () => new Sma(intArg('length'))).next(numArg('source'));
      case 'ta.ema':
        return stateFor(expr, () => new Ema(intArg('length'))).next(numArg('source'));
      case 'ta.rma':
        return stateFor(expr, () => new Rma(intArg('length'))).next(numArg('source'));
      case 'ta.rsi':
        return stateFor(expr, () => new Rsi(intArg('length'))).next(numArg('source'));
      case 'ta.stdev':
        if (args.has('biased') && !bool(arg('biased'))) unsupported('ta.stdev(biased = false)');
        return stateFor(expr, () => new Stdev(intArg('length'))).next(numArg('source'));
      case 'ta.highest':
        return stateFor(expr, () => new Extreme(intArg('length'), true)).next(numArg('source'));
      case 'ta.lowest':
        return stateFor(expr, () => new Extreme(intArg('length'), false)).next(numArg('source'));
      case 'ta.tr':
        return stateFor(expr, () => new TrueRange()).next(c.high[bar]!, c.low[bar]!, c.close[bar]!);
      case 'ta.atr':
        return stateFor(expr, () => new Atr(intArg('length'))).next(c.high[bar]!, c.low[bar]!, c.close[bar]!);
      case 'ta.supertrend':
        return stateFor(expr, () => new Supertrend(numArg('factor'), intArg('atrPeriod'))).next(
          c.high[bar]!,
          c.low[bar]!,
          c.close[bar]!,
        );
      case 'ta.macd':
        return stateFor(expr, () => new Macd(intArg('fastlen'), intArg('slowlen'), intArg('siglen'))).next(
          numArg('source'),
        );
      case 'ta.stoch':
        return stateFor(expr, () => new Stoch(intArg('length'))).next(
          numArg('source'),
          numArg('high'),
          numArg('low'),
        );
      case 'ta.bb':
        return stateFor(expr, () => new Bb(intArg('length'), numArg('mult'))).next(numArg('series'));
      case 'ta.crossover':
      case 'ta.crossunder':
        return stateFor(expr, () => new Cross(expr.callee === 'ta.crossover')).next(
          numArg('source1'),
          numArg('source2'),
        );
      case 'strategy.entry': {
        const b = requireBroker();
        const direction = tagArg('direction');
        const qty = args.has('qty') ? numArg('qty') : null;
        b.entry(
          str(arg('id'))!,
          direction === 'long' ? 1 : -1,
          c.close[bar]!,
          qty,
          str(arg('alert_message')),
        );
        return null;
      }
      case 'strategy.close':
        requireBroker().close(
          str(arg('id'))!,
          str(arg('alert_message')),
          args.has('qty_percent') ? numArg('qty_percent') : NaN,
        );
        return null;
      case 'strategy.exit': {
        for (const name of ['limit', 'trail_price', 'qty'])
          if (args.has(name)) unsupported(`strategy.exit(${name} = …)`);
        const from = args.has('from_entry')
          ? str(arg('from_entry'))!
          : unsupported('strategy.exit without from_entry');
        requireBroker().exit(
          str(arg('id'))!,
          from,
          args.has('loss') ? numArg('loss') : NaN,
          args.has('profit') ? numArg('profit') : NaN,
          str(arg('alert_message')),
          {
            points: args.has('trail_points') ? numArg('trail_points') : NaN,
            offset: args.has('trail_offset') ? numArg('trail_offset') : NaN,
          },
          {
            stop: args.has('stop') ? numArg('stop') : NaN,
            qtyPercent: args.has('qty_percent') ? numArg('qty_percent') : NaN,
          },
        );
        return null;
      }
      case 'strategy.cancel':
        requireBroker().cancel(str(arg('id'))!);
        return null;
      case 'strategy.closedtrades.exit_id': {
        const ids = requireBroker().exitIds;
        return ids[Math.trunc(numArg('trade_num'))] ?? null;
      }
      default:
        return unsupported(`function ${expr.callee}()`);
    }
  }

  function requireBroker(): Broker {
    if (broker === null) throw new RuntimeError('strategy() must come before any strategy.* call');
    return broker;
  }

  function declareSlot(scope: Scope, name: string, isVar: boolean): Slot {
    let slot = scope.slots.get(name);
    if (slot === undefined) {
      slot = { values: [], isVar };
      scope.slots.set(name, slot);
    }
    return slot;
  }

  function execute(body: Stmt[], scope: Scope): void {
    for (const stmt of body) {
      switch (stmt.k) {
        case 'decl': {
          const slot = declareSlot(scope, stmt.name, stmt.isVar);
          if (stmt.isVar && slot.values.length > 0) {
            // var: initialised once, then carried from bar to bar.
            if (slot.values[bar] === undefined) slot.values[bar] = slot.values[bar - 1] ?? null;
            break;
          }
          let value = evaluate(stmt.value, scope);
          if (stmt.value.k === 'call' && stmt.value.callee.startsWith('input.') && stmt.name in inputs) {
            value = inputs[stmt.name]!;
          }
          if (stmt.type === 'int' && typeof value === 'number' && !Number.isNaN(value))
            value = Math.trunc(value);
          slot.values[bar] = value;
          break;
        }
        case 'tuple': {
          const value = evaluate(stmt.value, scope);
          if (!Array.isArray(value) || value.length !== stmt.names.length)
            throw new RuntimeError(`tuple of ${stmt.names.length} expected`);
          stmt.names.forEach((name, i) => {
            declareSlot(scope, name, false).values[bar] = value[i]!;
          });
          break;
        }
        case 'assign': {
          const slot = findSlot(scope, stmt.name);
          if (slot === undefined) throw new RuntimeError(`${stmt.name} is not declared`);
          slot.values[bar] = evaluate(stmt.value, scope);
          break;
        }
        case 'if':
          if (bool(evaluate(stmt.cond, scope))) execute(stmt.then, { slots: new Map(), parent: scope });
          else if (stmt.else) execute(stmt.else, { slots: new Map(), parent: scope });
          break;
        case 'expr':
          evaluate(stmt.expr, scope);
          break;
      }
    }
  }

  const lower = options.lowerTimeframe;
  // The lower-timeframe bars inside each bar, indexed once strategy() asked for the magnifier.
  let magnified: { from: Int32Array; to: Int32Array } | null = null;
  const processExits = (b: Broker, prices: BarPrices) => {
    if (magnified === null || b.position === null || !(magnified.from[bar]! < magnified.to[bar]!)) {
      b.processExits(bar, prices);
      return;
    }
    // Bar magnifier: the assumed-path rule on each lower-timeframe bar in order, fills dated by this bar.
    for (let k = magnified.from[bar]!; k < magnified.to[bar]! && b.position !== null; k++) {
      b.processExits(bar, {
        time: lower!.time[k]!,
        open: lower!.open[k]!,
        high: lower!.high[k]!,
        low: lower!.low[k]!,
        close: lower!.close[k]!,
      });
    }
  };

  for (bar = 0; bar < n; bar++) {
    const prices = {
      time: candles.time[bar]!,
      open: candles.open[bar]!,
      high: candles.high[bar]!,
      low: candles.low[bar]!,
      close: candles.close[bar]!,
    };
    if (broker !== null) {
      const b = broker as Broker;
      if (
        magnified === null &&
        lower !== undefined &&
        (settings as StrategySettings | null)?.useBarMagnifier === true
      )
        magnified = lowerTimeframeBars(candles, lower);
      b.fillMarket(bar, prices.open);
      processExits(b, prices);
    }
    try {
      execute(script.body, global);
    } catch (caught) {
      if (caught instanceof RuntimeError) {
        throw PineErrors.create('PINE_RUNTIME_ERROR', {
          message: `bar ${bar}: ${caught.message}`,
          details: { bar },
        });
      }
      throw caught;
    }
    const b = broker as Broker | null;
    if (b !== null && settings !== null && (settings as StrategySettings).processOrdersOnClose) {
      b.fillMarket(bar, prices.close);
    }
  }

  if (broker === null || settings === null) return unsupported('the script has no strategy() declaration');
  const b = broker as Broker;
  const fills = b.fills;
  return {
    settings,
    trades: b.trades,
    openTrade: n > 0 ? b.openTrade(n - 1, candles.close[n - 1]!) : null,
    fills,
    alerts: fills.flatMap((fill) => (fill.alertMessage === null ? [] : [fill.alertMessage])),
    plots: [...plots.values()],
    series: (name) => {
      const slot = global.slots.get(name);
      if (slot === undefined) throw new RangeError(`no global variable ${name}`);
      return Array.from({ length: n }, (_, i) => {
        const v = slot.values[i];
        return v === undefined || (typeof v === 'object' && v !== null) ? null : v;
      });
    },
  };
}
