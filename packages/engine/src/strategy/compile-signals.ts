import type { PackedSignals } from '../backtest/index.ts';
import type { SignalRules } from './declaration.ts';
import type { BoolExpr, NumExpr, ScalarExpr } from './expr.ts';
import { exprKey } from './expr.ts';
import { SIGNAL_NAMES } from '../backtest/signals.ts';

/**
 * Writes the four signals of each bar, packed into one byte (PackedSignals: rule j of
 * SIGNAL_NAMES is bit j), in one pass over the bars. `series[j]` holds the values of `leaves[j]`
 * and `scalars[j]` the value of `scalarInputs[j]`, in the order of {@link CompiledSignals}.
 */
export type SignalKernel = (
  n: number,
  series: readonly Float64Array[],
  scalars: readonly number[],
  out: PackedSignals,
) => void;

export type CompiledSignals = {
  /** The series a kernel reads: sources and indicator outputs, computed whole beforehand. */
  leaves: NumExpr[];
  /** Literals and parameters, passed in as numbers (never spliced into the generated source). */
  scalarInputs: ScalarExpr[];
  kernel: SignalKernel;
  /** The generated JavaScript, for diagnostics and tests. */
  source: string;
};

const compiled = new WeakMap<SignalRules, CompiledSignals>();

/**
 * Compiles a declaration's four rules into one JavaScript loop, once per declaration.
 *
 * Why: evaluated node by node, each comparison, cross and `and` is a pass over every bar with an
 * array of its own — sixteen passes and as many arrays for MACD + Stochastic, most of the time of
 * a backtest over a year of minutes. The kernel reads each indicator once per bar, keeps every
 * intermediate value in a local, and writes one byte per bar: the four signals, packed.
 *
 * Semantics follow Pine, as LiveSignalEvaluator does bar by bar (a random-rule test holds the two
 * equal): any comparison with NaN (na) is false; arithmetic with NaN is NaN; `max`/`min` are NaN when either side is; `x[k]` before the
 * first bar is NaN; crossover(a, b) = a > b and a[1] <= b[1] (so never on bar 0). The generated
 * source contains only the operators of the expression language, local names and integer bar
 * offsets; parameter values and literals are passed in as arguments.
 */
export function compileSignals(rules: SignalRules): CompiledSignals {
  let result = compiled.get(rules);
  if (result === undefined) {
    result = new SignalCompiler().compile(rules);
    compiled.set(rules, result);
  }
  return result;
}

const COMPARE_OPS = { '>': '>', '<': '<', '>=': '>=', '<=': '<=' } as const;
const ARITHMETIC_OPS = { '+': '+', '-': '-', '*': '*', '/': '/' } as const;

class SignalCompiler {
  private readonly leaves: NumExpr[] = [];
  private readonly leafIndex = new Map<string, number>();
  private readonly scalarInputs: ScalarExpr[] = [];
  private readonly scalarIndex = new Map<string, number>();
  /** The deepest look-back of any read: bars before it need guarded reads. */
  private maxOffset = 0;

  // Per-loop state: the statements of one bar and the local that holds each (node, offset).
  private lines: string[] = [];
  private locals = new Map<string, string>();
  private guarded = false;

  compile(rules: SignalRules): CompiledSignals {
    // The guarded pass also collects the leaves, the scalars and the deepest offset.
    const guardedBody = this.loopBody(rules, true);
    const plainBody = this.loopBody(rules, false);
    const source = [
      '"use strict";',
      'return function signalKernel(n, series, scalars, out) {',
      ...this.leaves.map((_, j) => `  const s${j} = series[${j}];`),
      ...this.scalarInputs.map((_, j) => `  const k${j} = scalars[${j}];`),
      `  const head = Math.min(n, ${this.maxOffset});`,
      '  for (let i = 0; i < head; i++) {',
      ...guardedBody,
      '  }',
      '  for (let i = head; i < n; i++) {',
      ...plainBody,
      '  }',
      '};',
    ].join('\n');
    // Generated from the expression language only (see compileSignals); no value is spliced in.
    const kernel = new Function(source)() as SignalKernel;
    return { leaves: this.leaves, scalarInputs: this.scalarInputs, kernel, source };
  }

  /** The statements of one bar; `guarded` reads NaN before the first bar instead of out of bounds. */
  private loopBody(rules: SignalRules, guarded: boolean): string[] {
    this.lines = [];
    this.locals = new Map();
    this.guarded = guarded;
    const results = SIGNAL_NAMES.map((name) => this.bool(rules[name]));
    this.lines.push(
      `out[i] = ${results.map((local, j) => (j === 0 ? local : `(${local} << ${j})`)).join(' | ')};`,
    );
    return this.lines.map((line) => `    ${line}`);
  }

  /** Binds `code` to a fresh local once per (node, offset) and returns the local's name. */
  private local(key: string, build: () => string): string {
    let name = this.locals.get(key);
    if (name === undefined) {
      const code = build();
      name = `t${this.locals.size}`;
      this.lines.push(`const ${name} = ${code};`);
      this.locals.set(key, name);
    }
    return name;
  }

  /** A local holding 1 or 0. */
  private bool(expr: BoolExpr): string {
    return this.local(`b${exprKey(expr)}`, () => {
      switch (expr.kind) {
        case 'compare': {
          const op = COMPARE_OPS[expr.op];
          if (op === undefined) throw new Error(`unknown comparison ${String(expr.op)}`);
          return `+(${this.number(expr.left, 0)} ${op} ${this.number(expr.right, 0)})`;
        }
        case 'cross': {
          const [now, before] =
            expr.op === 'crossover' ? ['>', '<='] : expr.op === 'crossunder' ? ['<', '>='] : [];
          if (now === undefined) throw new Error(`unknown cross ${String(expr.op)}`);
          const a0 = this.number(expr.left, 0);
          const b0 = this.number(expr.right, 0);
          const a1 = this.number(expr.left, 1);
          const b1 = this.number(expr.right, 1);
          return `+(${a0} ${now} ${b0}) & +(${a1} ${before} ${b1})`;
        }
        case 'logic': {
          const op = expr.op === 'and' ? ' & ' : expr.op === 'or' ? ' | ' : undefined;
          if (op === undefined) throw new Error(`unknown logic ${String(expr.op)}`);
          if (expr.args.length === 0) return expr.op === 'and' ? '1' : '0';
          return expr.args.map((arg) => this.bool(arg)).join(op);
        }
        case 'not':
          return `${this.bool(expr.arg)} ^ 1`;
      }
    });
  }

  /** A local (or scalar input) holding the value of `expr` `offset` bars ago. */
  private number(expr: NumExpr, offset: number): string {
    switch (expr.kind) {
      case 'const':
      case 'param': {
        const scalar = this.scalar(expr);
        if (offset === 0) return scalar;
        // A constant is a series too: `x[k]` of it is na on the first k bars.
        this.maxOffset = Math.max(this.maxOffset, offset);
        return this.guarded ? `(i >= ${offset} ? ${scalar} : NaN)` : scalar;
      }
      case 'source':
      case 'indicator':
        return this.local(`n${offset}${exprKey(expr)}`, () => {
          const series = `s${this.leaf(expr)}`;
          if (offset === 0) return `${series}[i]`;
          this.maxOffset = Math.max(this.maxOffset, offset);
          return this.guarded
            ? `(i >= ${offset} ? ${series}[i - ${offset}] : NaN)`
            : `${series}[i - ${offset}]`;
        });
      case 'prev':
        if (!Number.isInteger(expr.bars) || expr.bars < 0)
          throw new Error(`prev needs whole bars, got ${expr.bars}`);
        return this.number(expr.expr, offset + expr.bars);
      case 'binary':
        return this.local(`n${offset}${exprKey(expr)}`, () => {
          const a = this.number(expr.left, offset);
          const b = this.number(expr.right, offset);
          // Math.max / Math.min are already NaN when either side is (Pine's na rule).
          if (expr.op === 'max') return `Math.max(${a}, ${b})`;
          if (expr.op === 'min') return `Math.min(${a}, ${b})`;
          const op = ARITHMETIC_OPS[expr.op];
          if (op === undefined) throw new Error(`unknown operator ${String(expr.op)}`);
          return `${a} ${op} ${b}`;
        });
    }
  }

  private leaf(expr: NumExpr): number {
    return slot(this.leaves, this.leafIndex, expr);
  }

  private scalar(expr: ScalarExpr): string {
    return `k${slot(this.scalarInputs, this.scalarIndex, expr)}`;
  }
}

/** The position of `expr` in `list` (equal expressions share one), appending it the first time. */
function slot<T extends NumExpr>(list: T[], index: Map<string, number>, expr: T): number {
  const key = exprKey(expr);
  let j = index.get(key);
  if (j === undefined) {
    j = list.length;
    list.push(expr);
    index.set(key, j);
  }
  return j;
}
