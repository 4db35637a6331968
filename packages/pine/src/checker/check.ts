import type { Arg, Expr, Pos, Script, Stmt } from './parser.ts';
import { parseScript, PineSyntaxError } from './parser.ts';
import type { ArgType, FunctionSpec, ValueType } from './builtins.ts';
import {
  BUILTIN_NAMESPACES,
  FUNCTIONS,
  REMOVED_ARGUMENTS,
  REMOVED_FUNCTIONS,
  VARIABLES,
} from './builtins.ts';

export type PineIssue = { line: number; col: number; message: string };

export type PineCheckResult = {
  ok: boolean;
  errors: PineIssue[];
  warnings: PineIssue[];
  /** The parsed script when it parsed. */
  script: Script | null;
};

type Scope = { vars: Map<string, ValueType>; parent: Scope | null };

/**
 * Checks a Pine v6 script of the exporter's subset: it parses (balanced brackets, 4-space blocks,
 * continuation lines), declares `//@version=6` and one `strategy()` first, calls only v6 built-ins
 * with their real parameters (no removed v4/v5 forms), keeps types straight without implicit
 * number → bool casts or `na` booleans, defines every name before use, keeps declarations and
 * stateful `ta.*` calls in the global scope, and destructures tuples with the right arity.
 */
// eslint-disable-next-line max-lines-per-function -- existing debt: the checker's helpers share its scope through closures; split when it next changes
export function checkPine(source: string): PineCheckResult {
  const errors: PineIssue[] = [];
  const warnings: PineIssue[] = [];
  const error = (pos: Pos, message: string) => errors.push({ line: pos.line, col: pos.col, message });
  const warn = (pos: Pos, message: string) => warnings.push({ line: pos.line, col: pos.col, message });

  let script: Script;
  try {
    script = parseScript(source);
  } catch (caught) {
    if (caught instanceof PineSyntaxError) {
      errors.push({
        line: caught.pos.line,
        col: caught.pos.col,
        message: caught.message.replace(/^line \d+:\d+: /, ''),
      });
      return { ok: false, errors, warnings, script: null };
    }
    throw caught;
  }

  if (script.version === null) error({ line: 1, col: 1 }, 'missing //@version=6 annotation');
  else if (script.version !== 6)
    error({ line: 1, col: 1 }, `//@version=${script.version}: this checker knows v6 only`);

  const first = script.body[0];
  if (
    first === undefined ||
    first.k !== 'expr' ||
    first.expr.k !== 'call' ||
    first.expr.callee !== 'strategy'
  ) {
    error(first?.pos ?? { line: 1, col: 1 }, 'the first statement must be the strategy() declaration');
  }

  const global: Scope = { vars: new Map(), parent: null };

  function lookup(scope: Scope | null, name: string): ValueType | undefined {
    for (let s = scope; s !== null; s = s.parent) {
      const type = s.vars.get(name);
      if (type !== undefined) return type;
    }
    return undefined;
  }

  function isNumeric(type: ValueType): boolean {
    return type === 'int' || type === 'float' || type === 'na';
  }

  function accepts(expected: ArgType, actual: ValueType): boolean {
    switch (expected) {
      case 'any':
        return actual !== 'void' && actual !== 'tuple2' && actual !== 'tuple3';
      case 'num':
        return isNumeric(actual);
      case 'int':
        return actual === 'int' || actual === 'na';
      case 'color':
        return actual === 'color' || actual === 'na';
      case 'string':
        return actual === 'string' || actual === 'na';
      default:
        return actual === expected;
    }
  }

  function checkCall(expr: Expr & { k: 'call' }, scope: Scope, local: boolean): ValueType {
    const spec: FunctionSpec | undefined = FUNCTIONS[expr.callee];
    const argTypes = expr.args.map((arg) => ({ arg, type: infer(arg.value, scope, local) }));
    if (spec === undefined) {
      error(
        expr.pos,
        REMOVED_FUNCTIONS[expr.callee] ??
          `unknown function ${expr.callee}() (not a Pine v6 built-in this checker knows)`,
      );
      return 'na';
    }
    if (spec.globalOnly && local) error(expr.pos, `${expr.callee}() cannot be called in a local block`);
    if (spec.stateful && local)
      error(
        expr.pos,
        `${expr.callee}() keeps state between bars: call it in the global scope so it runs on every bar`,
      );
    const given = new Map<string, { arg: Arg; type: ValueType }>();
    let seenNamed = false;
    let positional = 0;
    for (const { arg, type } of argTypes) {
      let name: string;
      if (arg.name !== undefined) {
        seenNamed = true;
        const removed = REMOVED_ARGUMENTS[arg.name];
        if (!spec.params.some((param) => param.name === arg.name)) {
          error(arg.pos, removed ?? `${expr.callee}() has no parameter "${arg.name}"`);
          continue;
        }
        name = arg.name;
      } else {
        if (seenNamed) {
          error(arg.pos, `positional argument after a named one in ${expr.callee}()`);
          continue;
        }
        const param = spec.params[positional];
        if (param === undefined) {
          if (spec.variadic) {
            const last = spec.params[spec.params.length - 1]!;
            if (!accepts(last.type, type))
              error(arg.pos, `${expr.callee}() expects ${last.type} arguments, got ${type}`);
            positional++;
            continue;
          }
          error(arg.pos, `too many arguments for ${expr.callee}() (it takes ${spec.params.length})`);
          continue;
        }
        name = param.name;
        positional++;
      }
      if (given.has(name)) {
        error(arg.pos, `argument "${name}" of ${expr.callee}() given twice`);
        continue;
      }
      given.set(name, { arg, type });
      const param = spec.params.find((candidate) => candidate.name === name)!;
      if (!accepts(param.type, type)) {
        error(arg.pos, `argument "${name}" of ${expr.callee}() must be ${param.type}, got ${type}`);
      }
    }
    for (const param of spec.params) {
      if (param.required && !given.has(param.name))
        error(expr.pos, `${expr.callee}() needs the argument "${param.name}"`);
    }
    if (expr.callee === 'strategy' && local) error(expr.pos, 'strategy() must be at the top of the script');
    if (spec.returns === 'arg0') {
      const type = argTypes[0]?.type ?? 'na';
      if (expr.callee.startsWith('math.') && argTypes.some((a) => a.type === 'float')) return 'float';
      return type;
    }
    return spec.returns;
  }

  // eslint-disable-next-line max-lines-per-function -- existing debt: one case per expression kind
  function infer(expr: Expr, scope: Scope, local: boolean): ValueType {
    switch (expr.k) {
      case 'num':
        return expr.isInt ? 'int' : 'float';
      case 'str':
        return 'string';
      case 'bool':
        return 'bool';
      case 'na':
        return 'na';
      case 'color':
        return 'color';
      case 'id': {
        const type = lookup(scope, expr.name) ?? VARIABLES[expr.name];
        if (type === undefined) {
          error(
            expr.pos,
            FUNCTIONS[expr.name]
              ? `${expr.name} is a function: call it`
              : `undeclared identifier "${expr.name}"`,
          );
          return 'na';
        }
        return type;
      }
      case 'call':
        return checkCall(expr, scope, local);
      case 'index': {
        const target = infer(expr.target, scope, local);
        const offset = infer(expr.offset, scope, local);
        if (offset !== 'int') error(expr.offset.pos, `a history offset must be an int, got ${offset}`);
        if (expr.offset.k === 'unary' && expr.offset.op === '-' && expr.offset.arg.k === 'num')
          error(expr.offset.pos, 'a history offset cannot be negative');
        if (target === 'tuple2' || target === 'tuple3' || target === 'void')
          error(expr.pos, 'this value has no history');
        return target;
      }
      case 'unary': {
        const arg = infer(expr.arg, scope, local);
        if (expr.op === 'not') {
          if (arg !== 'bool')
            error(expr.pos, `"not" needs a bool, got ${arg} (v6 has no implicit number → bool)`);
          return 'bool';
        }
        if (!isNumeric(arg)) error(expr.pos, `unary ${expr.op} needs a number, got ${arg}`);
        return arg;
      }
      case 'binary': {
        const left = infer(expr.left, scope, local);
        const right = infer(expr.right, scope, local);
        switch (expr.op) {
          case 'and':
          case 'or':
            if (left !== 'bool')
              error(
                expr.left.pos,
                `"${expr.op}" needs bools, got ${left} (v6 has no implicit number → bool)`,
              );
            if (right !== 'bool')
              error(
                expr.right.pos,
                `"${expr.op}" needs bools, got ${right} (v6 has no implicit number → bool)`,
              );
            return 'bool';
          case '==':
          case '!=':
            if (!(isNumeric(left) && isNumeric(right)) && left !== right && left !== 'na' && right !== 'na')
              error(expr.pos, `cannot compare ${left} with ${right}`);
            return 'bool';
          case '<':
          case '>':
          case '<=':
          case '>=':
            if (!isNumeric(left) || !isNumeric(right))
              error(expr.pos, `"${expr.op}" compares numbers, got ${left} and ${right}`);
            return 'bool';
          default:
            if (expr.op === '+' && (left === 'string' || right === 'string')) {
              if (left !== 'string' || right !== 'string')
                error(expr.pos, `"+" joins two strings, got ${left} and ${right} (use str.tostring())`);
              return 'string';
            }
            if (!isNumeric(left) || !isNumeric(right)) {
              error(expr.pos, `"${expr.op}" needs numbers, got ${left} and ${right}`);
              return 'float';
            }
            return expr.op !== '/' && left === 'int' && right === 'int' ? 'int' : 'float';
        }
      }
      case 'ternary': {
        const cond = infer(expr.cond, scope, local);
        if (cond !== 'bool')
          error(
            expr.cond.pos,
            `a ?: condition must be a bool, got ${cond} (v6 has no implicit number → bool)`,
          );
        const a = infer(expr.then, scope, local);
        const b = infer(expr.else, scope, local);
        return unify(a, b, expr.pos);
      }
      case 'array': {
        const types = expr.items.map((item) => infer(item, scope, local));
        if (!types.every((type) => type === 'string'))
          error(expr.pos, 'only arrays of string literals (input options) are supported');
        return 'string[]';
      }
    }
  }

  function unify(a: ValueType, b: ValueType, pos: Pos): ValueType {
    if ((a === 'bool' && b === 'na') || (a === 'na' && b === 'bool')) {
      error(pos, 'a bool cannot be na in v6');
      return 'bool';
    }
    if (a === b) return a;
    if (a === 'na') return b;
    if (b === 'na') return a;
    if (isNumeric(a) && isNumeric(b)) return 'float';
    error(pos, `the two branches have different types: ${a} and ${b}`);
    return a;
  }

  function declare(scope: Scope, name: string, type: ValueType, pos: Pos) {
    if (BUILTIN_NAMESPACES.has(name) || VARIABLES[name] !== undefined || FUNCTIONS[name] !== undefined) {
      error(pos, `"${name}" is a built-in name and cannot be declared`);
    }
    if (scope.vars.has(name)) {
      error(pos, `"${name}" is already declared (use := to reassign)`);
      return;
    }
    if (scope.parent !== null && lookup(scope.parent, name) !== undefined)
      warn(pos, `"${name}" shadows a variable of an enclosing scope`);
    scope.vars.set(name, type);
  }

  function checkBlock(body: Stmt[], scope: Scope) {
    const local = scope.parent !== null;
    for (const stmt of body) {
      switch (stmt.k) {
        case 'decl': {
          const type = infer(stmt.value, scope, local);
          if (type === 'void') error(stmt.pos, `${stmt.name}: the expression has no value`);
          if (type === 'tuple2' || type === 'tuple3')
            error(stmt.pos, `${stmt.name}: a tuple must be destructured with [a, b, …] =`);
          let declared: ValueType = type;
          if (stmt.type !== undefined) {
            if (stmt.type === 'bool' && type === 'na') error(stmt.pos, 'a bool cannot be na in v6');
            else if (
              stmt.type === 'float'
                ? !isNumeric(type)
                : stmt.type === 'int'
                  ? type !== 'int' && type !== 'na'
                  : type !== stmt.type && type !== 'na'
            )
              error(stmt.pos, `${stmt.name} is declared ${stmt.type} but the value is ${type}`);
            declared = stmt.type;
          } else if (type === 'na') {
            error(
              stmt.pos,
              `${stmt.name}: a variable initialised with na needs a type keyword (float ${stmt.name} = na)`,
            );
            declared = 'float';
          }
          declare(scope, stmt.name, declared, stmt.pos);
          break;
        }
        case 'tuple': {
          const type = infer(stmt.value, scope, local);
          const arity = type === 'tuple2' ? 2 : type === 'tuple3' ? 3 : 0;
          if (arity === 0) error(stmt.pos, 'only a function that returns a tuple can be destructured');
          else if (arity !== stmt.names.length)
            error(stmt.pos, `the function returns ${arity} values, but ${stmt.names.length} names are given`);
          for (const name of stmt.names) declare(scope, name, 'float', stmt.pos);
          break;
        }
        case 'assign': {
          const target = lookup(scope, stmt.name);
          const type = infer(stmt.value, scope, local);
          if (target === undefined) {
            error(stmt.pos, `"${stmt.name}" must be declared with = before := can reassign it`);
          } else if (target === 'bool' && type === 'na') {
            error(stmt.pos, 'a bool cannot be na in v6');
          } else if (!(target === type || type === 'na' || (target === 'float' && type === 'int'))) {
            error(stmt.pos, `cannot assign ${type} to ${stmt.name} (${target})`);
          }
          break;
        }
        case 'if': {
          const cond = infer(stmt.cond, scope, local);
          if (cond !== 'bool')
            error(
              stmt.cond.pos,
              `an if condition must be a bool, got ${cond} (v6 has no implicit number → bool)`,
            );
          checkBlock(stmt.then, { vars: new Map(), parent: scope });
          if (stmt.else) checkBlock(stmt.else, { vars: new Map(), parent: scope });
          break;
        }
        case 'expr': {
          if (stmt.expr.k !== 'call')
            warn(stmt.pos, 'an expression statement that is not a call has no effect');
          const type = infer(stmt.expr, scope, local);
          if (stmt.expr.k === 'call' && stmt.expr.callee === 'strategy' && stmt !== script.body[0])
            error(stmt.pos, 'strategy() must be the first statement and appear once');
          void type;
          break;
        }
      }
    }
  }

  checkBlock(script.body, global);
  return { ok: errors.length === 0, errors, warnings, script };
}

/** One line per issue, for error messages and test output. */
export function formatIssues(issues: PineIssue[]): string {
  return issues.map((issue) => `line ${issue.line}:${issue.col}: ${issue.message}`).join('\n');
}
