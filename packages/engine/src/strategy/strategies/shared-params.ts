import type { ParamConstraint, ParamSpec } from '../declaration.ts';

/** Parameters several strategies share, declared once so their ranges and labels cannot diverge. */
export const rsiLengthParam: ParamSpec = {
  type: 'int',
  default: 14,
  min: 2,
  max: 100,
  step: 1,
  label: { en: 'RSI length', ko: 'RSI 기간' },
};

/** Oversold / overbought thresholds of an oscillator on a 0–100 scale. */
export function levelParams(oversold: number, overbought: number, step: number) {
  return {
    oversold: {
      type: 'float',
      default: oversold,
      min: 5,
      max: 50,
      step,
      label: { en: 'Oversold level', ko: '과매도 기준' },
    } satisfies ParamSpec,
    overbought: {
      type: 'float',
      default: overbought,
      min: 50,
      max: 95,
      step,
      label: { en: 'Overbought level', ko: '과매수 기준' },
    } satisfies ParamSpec,
  };
}

export const oversoldBelowOverbought: ParamConstraint = {
  kind: 'less_than',
  smaller: 'oversold',
  larger: 'overbought',
  message: { en: 'oversold must be below overbought', ko: '과매도 기준은 과매수 기준보다 작아야 합니다' },
};
