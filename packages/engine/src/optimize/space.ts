import { EngineErrors } from '../errors.ts';
import { mulberry32 } from '../candles/synthetic.ts';
import { resolveParams, type ParamValues, type StrategyDeclaration } from '../strategy/declaration.ts';

export type ParamRange = { min: number; max: number; step: number };
export type SearchSpace = Record<string, ParamRange>;

/**
 * The search space of a strategy: every declared parameter over its declared range and step,
 * narrowed or fixed by the caller (`{ rsiLength: { min: 10, max: 20, step: 2 } }`, or a number to fix it).
 */
export function searchSpace(
  declaration: StrategyDeclaration,
  overrides: Record<string, Partial<ParamRange> | number> = {},
): SearchSpace {
  const space: SearchSpace = {};
  for (const [name, spec] of Object.entries(declaration.params)) {
    space[name] = { min: spec.min, max: spec.max, step: spec.step };
  }
  for (const [name, override] of Object.entries(overrides)) {
    const spec = declaration.params[name];
    const range = space[name];
    if (spec === undefined || range === undefined) {
      throw EngineErrors.create('INVALID_STRATEGY_PARAMS', {
        message: `${declaration.id} has no parameter "${name}"; its parameters are ${Object.keys(declaration.params).join(', ')}`,
      });
    }
    const merged =
      typeof override === 'number'
        ? { min: override, max: override, step: spec.step }
        : { ...range, ...override };
    if (!(merged.min >= spec.min && merged.max <= spec.max && merged.min <= merged.max && merged.step > 0)) {
      throw EngineErrors.create('INVALID_STRATEGY_PARAMS', {
        message: `${declaration.id}: search range for ${name} must lie within ${spec.min}..${spec.max} with a positive step`,
      });
    }
    if (spec.type === 'int' && ![merged.min, merged.max, merged.step].every(Number.isInteger)) {
      throw EngineErrors.create('INVALID_STRATEGY_PARAMS', {
        message: `${declaration.id}: ${name} is a whole number; its search range and step must be too`,
      });
    }
    space[name] = merged;
  }
  return space;
}

/** The values of one range, computed from integer step counts so no float drift accumulates. */
export function rangeValues(range: ParamRange): number[] {
  const count = Math.floor((range.max - range.min) / range.step + 1e-9) + 1;
  const decimals = Math.max(decimalPlaces(range.min), decimalPlaces(range.step));
  return Array.from({ length: count }, (_, k) => Number((range.min + k * range.step).toFixed(decimals)));
}

function decimalPlaces(value: number): number {
  const text = String(value);
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

export function gridSize(space: SearchSpace): number {
  return Object.values(space).reduce((size, range) => size * rangeValues(range).length, 1);
}

/** True when the parameter set satisfies the declaration's constraints (fast < slow, …). */
function isValid(declaration: StrategyDeclaration, params: ParamValues): boolean {
  try {
    resolveParams(declaration, params);
    return true;
  } catch {
    return false;
  }
}

/** Every valid combination of the grid, in a stable order. */
export function gridCandidates(declaration: StrategyDeclaration, space: SearchSpace): ParamValues[] {
  const names = Object.keys(space);
  const axes = names.map((name) => rangeValues(space[name]!));
  const out: ParamValues[] = [];
  const index = new Array<number>(names.length).fill(0);
  for (;;) {
    const params = Object.fromEntries(names.map((name, k) => [name, axes[k]![index[k]!]!]));
    if (isValid(declaration, params)) out.push(params);
    let k = names.length - 1;
    while (k >= 0 && ++index[k]! >= axes[k]!.length) index[k--] = 0;
    if (k < 0) return out;
  }
}

/** Up to `trials` distinct valid combinations drawn uniformly from the grid. */
export function randomCandidates(
  declaration: StrategyDeclaration,
  space: SearchSpace,
  trials: number,
  seed: number,
): ParamValues[] {
  const random = mulberry32(seed);
  const names = Object.keys(space);
  const axes = names.map((name) => rangeValues(space[name]!));
  const seen = new Set<string>();
  const out: ParamValues[] = [];
  const maxAttempts = trials * 50;
  for (let attempt = 0; attempt < maxAttempts && out.length < trials; attempt++) {
    const params = Object.fromEntries(
      names.map((name, k) => [name, axes[k]![Math.floor(random() * axes[k]!.length)]!]),
    );
    const key = JSON.stringify(params);
    if (seen.has(key)) continue;
    seen.add(key);
    if (isValid(declaration, params)) out.push(params);
  }
  return out;
}
