import type { CandleRow } from '../candles/series.ts';
import {
  AtrState,
  BbState,
  EmaState,
  HighestState,
  IchimokuState,
  LowestState,
  MacdState,
  RmaState,
  RsiState,
  SmaState,
  StdevState,
  StochState,
  SupertrendState,
} from '../indicators/incremental.ts';
import { resolveParams, type ParamValues, type StrategyDeclaration } from './declaration.ts';
import {
  decide,
  positionAfter,
  type Direction,
  type LiveAction,
  type PositionState,
  type SignalValues,
} from './decision.ts';
import type { BoolExpr, IndicatorCall, NumExpr, ScalarExpr } from './expr.ts';

type Outputs = Record<string, number>;
/** One streaming indicator: fed once per bar, with the bar and (for source-based ones) the source value. */
type StreamingIndicator = { update(bar: CandleRow, source: number): Outputs };

const series = (state: { update(x: number): number }): StreamingIndicator => ({
  update: (_bar, x) => ({ value: state.update(x) }),
});

/**
 * Evaluates a strategy declaration one closed bar at a time, over the streaming (incremental)
 * indicators. Every node of the tree is evaluated on every bar — as Pine runs every `ta.*` call on
 * every bar — so indicator state never skips a bar. Gives exactly the signals the vectorised
 * evaluator gives for the same history.
 */
export class LiveSignalEvaluator {
  private readonly indicators = new Map<string, StreamingIndicator>();
  /** Values of numeric nodes on previous bars, newest last, for `prev` and crosses. */
  private readonly history = new Map<string, number[]>();
  private readonly depth = new Map<string, number>();
  private current = new Map<string, number>();
  private bar: CandleRow | null = null;

  constructor(
    private readonly declaration: StrategyDeclaration,
    private readonly params: ParamValues,
  ) {
    for (const rule of Object.values(declaration.signals)) this.collectDepth(rule);
  }

  /** Feeds one closed bar and returns the four signals at its close. */
  update(bar: CandleRow): SignalValues {
    this.bar = bar;
    this.current = new Map();
    const { longEntry, longExit, shortEntry, shortExit } = this.declaration.signals;
    const signals = {
      longEntry: this.bool(longEntry),
      longExit: this.bool(longExit),
      shortEntry: this.bool(shortEntry),
      shortExit: this.bool(shortExit),
    };
    for (const plot of this.declaration.plots) this.number(plot.expr); // keep plot indicators fed too
    for (const [key, need] of this.depth) {
      const past = this.history.get(key) ?? [];
      past.push(this.current.get(key) ?? NaN);
      if (past.length > need) past.shift();
      this.history.set(key, past);
    }
    return signals;
  }

  /** Numeric value of an expression on the current bar (plots, diagnostics). */
  number(expr: NumExpr): number {
    const key = JSON.stringify(expr);
    const cached = this.current.get(key);
    if (cached !== undefined) return cached;
    const value = this.computeNumber(expr);
    this.current.set(key, value);
    return value;
  }

  private past(expr: NumExpr, bars: number): number {
    const values = this.history.get(JSON.stringify(expr)) ?? [];
    return values.length >= bars ? values[values.length - bars]! : NaN;
  }

  private bool(expr: BoolExpr): boolean {
    switch (expr.kind) {
      case 'compare': {
        const a = this.number(expr.left);
        const b = this.number(expr.right);
        return expr.op === '>' ? a > b : expr.op === '<' ? a < b : expr.op === '>=' ? a >= b : a <= b;
      }
      case 'cross': {
        const a = this.number(expr.left);
        const b = this.number(expr.right);
        const a1 = this.past(expr.left, 1);
        const b1 = this.past(expr.right, 1);
        return expr.op === 'crossover' ? a > b && a1 <= b1 : a < b && a1 >= b1;
      }
      case 'logic': {
        const values = expr.args.map((arg) => this.bool(arg)); // all evaluated: no skipped indicator updates
        return expr.op === 'and' ? values.every(Boolean) : values.some(Boolean);
      }
      case 'not':
        return !this.bool(expr.arg);
    }
  }

  private scalar(expr: ScalarExpr): number {
    return expr.kind === 'const' ? expr.value : this.params[expr.name]!;
  }

  private computeNumber(expr: NumExpr): number {
    const bar = this.bar!;
    switch (expr.kind) {
      case 'source':
        switch (expr.source) {
          case 'hl2':
            return (bar.high + bar.low) / 2;
          case 'hlc3':
            return (bar.high + bar.low + bar.close) / 3;
          case 'ohlc4':
            return (bar.open + bar.high + bar.low + bar.close) / 4;
          default:
            return bar[expr.source];
        }
      case 'const':
      case 'param':
        return this.scalar(expr);
      case 'indicator': {
        const key = JSON.stringify(expr.call);
        const outputs = this.current.get(`out:${key}:${expr.output}`);
        if (outputs !== undefined) return outputs;
        const source = 'src' in expr.call ? this.number(expr.call.src) : NaN;
        const values = this.indicator(expr.call).update(bar, source);
        for (const [name, value] of Object.entries(values)) this.current.set(`out:${key}:${name}`, value);
        return values[expr.output] ?? NaN;
      }
      case 'binary': {
        const a = this.number(expr.left);
        const b = this.number(expr.right);
        switch (expr.op) {
          case '+':
            return a + b;
          case '-':
            return a - b;
          case '*':
            return a * b;
          case '/':
            return a / b;
          case 'max':
            return Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b);
          case 'min':
            return Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b);
        }
      }
      // falls through: every binary op returns above
      case 'prev':
        this.number(expr.expr); // keep the inner series evaluated (and recorded) every bar
        return this.past(expr.expr, expr.bars);
    }
  }

  private indicator(call: IndicatorCall): StreamingIndicator {
    const key = JSON.stringify(call);
    let state = this.indicators.get(key);
    if (state === undefined) {
      state = this.createIndicator(call);
      this.indicators.set(key, state);
    }
    return state;
  }

  private createIndicator(call: IndicatorCall): StreamingIndicator {
    const s = (expr: ScalarExpr) => this.scalar(expr);
    switch (call.fn) {
      case 'sma':
        return series(new SmaState(s(call.length)));
      case 'ema':
        return series(new EmaState(s(call.length)));
      case 'rma':
        return series(new RmaState(s(call.length)));
      case 'rsi':
        return series(new RsiState(s(call.length)));
      case 'stdev':
        return series(new StdevState(s(call.length)));
      case 'highest':
        return series(new HighestState(s(call.length)));
      case 'lowest':
        return series(new LowestState(s(call.length)));
      case 'atr': {
        const state = new AtrState(s(call.length));
        return { update: (bar) => ({ value: state.update(bar) }) };
      }
      case 'supertrend': {
        const state = new SupertrendState(s(call.factor), s(call.atrPeriod));
        return { update: (bar) => state.update(bar) };
      }
      case 'macd': {
        const state = new MacdState(s(call.fast), s(call.slow), s(call.signal));
        return { update: (_bar, x) => state.update(x) };
      }
      case 'stoch': {
        const state = new StochState(s(call.kLength), s(call.kSmoothing), s(call.dSmoothing));
        return { update: (bar) => state.update(bar) };
      }
      case 'bb': {
        const state = new BbState(s(call.length), s(call.mult));
        return { update: (_bar, x) => state.update(x) };
      }
      case 'ichimoku': {
        const state = new IchimokuState(
          s(call.conversion),
          s(call.base),
          s(call.spanB),
          s(call.displacement),
        );
        return { update: (bar) => state.update(bar) };
      }
    }
  }

  /** How many past values each numeric node needs (1 for cross operands, n for x[n]). */
  private collectDepth(node: unknown): void {
    if (node === null || typeof node !== 'object') return;
    const expr = node as { kind?: string; left?: NumExpr; right?: NumExpr; expr?: NumExpr; bars?: number };
    const need = (target: NumExpr, bars: number) => {
      const key = JSON.stringify(target);
      this.depth.set(key, Math.max(this.depth.get(key) ?? 0, bars));
    };
    if (expr.kind === 'cross') {
      need(expr.left!, 1);
      need(expr.right!, 1);
    }
    if (expr.kind === 'prev') need(expr.expr!, expr.bars!);
    for (const value of Object.values(node)) this.collectDepth(value);
  }
}

/**
 * A strategy running live: feed closed candles, get the webhook action to send (if any). It tracks
 * the position its own actions imply; call `setPosition` when the venue says otherwise (a stop-loss
 * or take-profit fired, a manual close).
 */
export class LiveStrategy {
  readonly params: ParamValues;
  private readonly evaluator: LiveSignalEvaluator;
  #position: PositionState = 'flat';

  constructor(
    declaration: StrategyDeclaration,
    params: Record<string, unknown> = {},
    private readonly direction: Direction = 'both',
  ) {
    this.params = resolveParams(declaration, params);
    this.evaluator = new LiveSignalEvaluator(declaration, this.params);
  }

  update(bar: CandleRow): { signals: SignalValues; action: LiveAction | null; position: PositionState } {
    const signals = this.evaluator.update(bar);
    const action = decide(signals, this.#position, this.direction);
    this.#position = positionAfter(action, this.#position);
    return { signals, action, position: this.#position };
  }

  setPosition(position: PositionState): void {
    this.#position = position;
  }

  /** The position the strategy's own actions imply (or the venue said, `setPosition`). */
  get position(): PositionState {
    return this.#position;
  }
}
