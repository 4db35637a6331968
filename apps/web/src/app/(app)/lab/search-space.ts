import type { StrategyDecl } from '@/lib/types';

/** One parameter's search as typed: over min..max by step, or fixed at the form's value. */
export type RangeDraft = { vary: boolean; min: string; max: string; step: string };

/** Every parameter searched over its declared range and step (the optimizer's default space). */
export function rangesFor(strategy: StrategyDecl): Record<string, RangeDraft> {
  return Object.fromEntries(
    strategy.params.map((p) => [
      p.name,
      { vary: true, min: String(p.min), max: String(p.max), step: String(p.step) },
    ]),
  );
}

export type RangeProblem = 'min' | 'max' | 'step';

/** What is wrong with a searched range (by field), against the parameter's declared bounds. */
export function rangeProblems(
  param: StrategyDecl['params'][number],
  range: RangeDraft,
): Partial<Record<RangeProblem, 'outOfRange' | 'notInteger' | 'order' | 'positive'>> {
  if (!range.vary) return {};
  const problems: Partial<Record<RangeProblem, 'outOfRange' | 'notInteger' | 'order' | 'positive'>> = {};
  const min = Number(range.min);
  const max = Number(range.max);
  const step = Number(range.step);
  const whole = param.type === 'int';
  for (const [key, value] of [
    ['min', min],
    ['max', max],
  ] as const) {
    const text = range[key].trim();
    if (text === '' || !Number.isFinite(value) || value < param.min || value > param.max)
      problems[key] = 'outOfRange';
    else if (whole && !Number.isInteger(value)) problems[key] = 'notInteger';
  }
  if (!problems.min && !problems.max && min > max) problems.max = 'order';
  if (range.step.trim() === '' || !Number.isFinite(step) || step <= 0) problems.step = 'positive';
  else if (whole && !Number.isInteger(step)) problems.step = 'notInteger';
  return problems;
}

/** The values a valid range takes (as the server's `rangeValues`, from integer step counts). */
export function rangeValues(range: { min: number; max: number; step: number }): number[] {
  const count = Math.floor((range.max - range.min) / range.step + 1e-9) + 1;
  const decimals = Math.max(decimals_(range.min), decimals_(range.step));
  return Array.from({ length: count }, (_, k) => Number((range.min + k * range.step).toFixed(decimals)));
}

function decimals_(value: number): number {
  const text = String(value);
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/**
 * The `space` of an optimization request: each varied parameter's range, each fixed one at the
 * form's value; null while any range is invalid. `points` is the full grid's size.
 */
export function spaceBody(
  strategy: StrategyDecl,
  ranges: Record<string, RangeDraft>,
  fixedValues: Record<string, number>,
): { space: Record<string, number | { min: number; max: number; step: number }>; points: number } | null {
  const space: Record<string, number | { min: number; max: number; step: number }> = {};
  let points = 1;
  for (const param of strategy.params) {
    const range = ranges[param.name] ?? {
      vary: true,
      min: String(param.min),
      max: String(param.max),
      step: String(param.step),
    };
    if (!range.vary) {
      const value = fixedValues[param.name];
      if (value === undefined || !Number.isFinite(value)) return null;
      space[param.name] = value;
      continue;
    }
    if (Object.keys(rangeProblems(param, range)).length > 0) return null;
    const numeric = { min: Number(range.min), max: Number(range.max), step: Number(range.step) };
    space[param.name] = numeric;
    points *= rangeValues(numeric).length;
  }
  return { space, points };
}
