import { EngineErrors } from '../errors.ts';
import type { BoolExpr, NumExpr } from './expr.ts';
import { paramsUsed } from './expr.ts';

export type Localized = { en: string; ko: string };

export type ParamSpec = {
  type: 'int' | 'float';
  default: number;
  min: number;
  max: number;
  /** Grid step for the optimizer and the Pine `input` step. */
  step: number;
  label: Localized;
};

/** A relation between two parameters that Pine inputs cannot express, checked on our side and in the script. */
export type ParamConstraint = { kind: 'less_than'; smaller: string; larger: string; message: Localized };

export type SignalRules = {
  longEntry: BoolExpr;
  longExit: BoolExpr;
  shortEntry: BoolExpr;
  shortExit: BoolExpr;
};

export type Plot = { title: string; expr: NumExpr; color: string; overlay: boolean };

export type StrategyDeclaration = {
  id: string;
  name: Localized;
  description: Localized;
  /** Plain-language rules, one per signal, shown in the UI and the exported script's header. */
  rulesText: { longEntry: Localized; longExit: Localized; shortEntry: Localized; shortExit: Localized };
  params: Record<string, ParamSpec>;
  constraints: ParamConstraint[];
  signals: SignalRules;
  /** What the chart (and the Pine script) draws over the candles or in a pane below. */
  plots: Plot[];
};

export type ParamValues = Record<string, number>;

/** Checks a declaration's internal consistency once, at module load. */
export function defineStrategy(declaration: StrategyDeclaration): StrategyDeclaration {
  const declared = new Set(Object.keys(declaration.params));
  const used = paramsUsed([declaration.signals, declaration.plots]);
  for (const name of used) {
    if (!declared.has(name))
      throw new Error(`strategy ${declaration.id}: parameter "${name}" is used but not declared`);
  }
  for (const name of declared) {
    if (!used.has(name))
      throw new Error(`strategy ${declaration.id}: parameter "${name}" is declared but never used`);
  }
  for (const [name, spec] of Object.entries(declaration.params)) {
    const problems = checkValue(spec, spec.default);
    if (problems) throw new Error(`strategy ${declaration.id}: default of ${name} ${problems}`);
  }
  violatedConstraint(declaration, defaultParams(declaration), true);
  return Object.freeze(declaration);
}

export function defaultParams(declaration: StrategyDeclaration): ParamValues {
  return Object.fromEntries(Object.entries(declaration.params).map(([name, spec]) => [name, spec.default]));
}

function checkValue(spec: ParamSpec, value: number): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
  if (spec.type === 'int' && !Number.isInteger(value)) return 'must be a whole number';
  if (value < spec.min || value > spec.max) return `must be between ${spec.min} and ${spec.max}`;
  return null;
}

function violatedConstraint(declaration: StrategyDeclaration, values: ParamValues, atDefinition = false) {
  for (const constraint of declaration.constraints) {
    const smaller = values[constraint.smaller];
    const larger = values[constraint.larger];
    if (smaller === undefined || larger === undefined || !(smaller < larger)) {
      if (atDefinition)
        throw new Error(`strategy ${declaration.id}: defaults violate "${constraint.message.en}"`);
      throw EngineErrors.create('INVALID_STRATEGY_PARAMS', {
        message: `${declaration.id}: ${constraint.message.en} (got ${constraint.smaller}=${smaller}, ${constraint.larger}=${larger})`,
        details: {
          strategy: declaration.id,
          constraint: constraint.kind,
          params: [constraint.smaller, constraint.larger],
        },
      });
    }
  }
}

/**
 * Merges user parameters over the defaults and validates them: unknown names, wrong types and
 * values out of range are refused with a message naming the parameter and its valid range.
 */
export function resolveParams(
  declaration: StrategyDeclaration,
  given: Record<string, unknown> = {},
): ParamValues {
  const values = defaultParams(declaration);
  for (const [name, raw] of Object.entries(given)) {
    const spec = declaration.params[name];
    if (spec === undefined) {
      throw EngineErrors.create('INVALID_STRATEGY_PARAMS', {
        message: `${declaration.id} has no parameter "${name}"; its parameters are ${Object.keys(declaration.params).join(', ')}`,
        details: { strategy: declaration.id, param: name },
      });
    }
    const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    const problem = typeof value === 'number' ? checkValue(spec, value) : 'must be a number';
    if (problem) {
      throw EngineErrors.create('INVALID_STRATEGY_PARAMS', {
        message: `${declaration.id}: parameter ${name} ${problem} (got ${JSON.stringify(raw)})`,
        details: { strategy: declaration.id, param: name, min: spec.min, max: spec.max, type: spec.type },
      });
    }
    values[name] = value as number;
  }
  violatedConstraint(declaration, values);
  return values;
}
