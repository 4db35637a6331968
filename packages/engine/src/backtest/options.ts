import { partialTakeProfitProblem, type ExitSpec } from '@tradingbot/core';
import { EngineErrors } from '../errors.ts';
import type { BacktestOptions, ExitRule } from './types.ts';

export const DEFAULT_BACKTEST_OPTIONS: Readonly<BacktestOptions> = Object.freeze({
  initialCapital: 10_000,
  sizing: 'percent',
  sizeValue: 10,
  leverage: 1,
  maintenanceMarginPct: 0.5,
  commissionPct: 0.04,
  slippageTicks: 0,
  tickSize: 0.01,
  direction: 'both',
  fillOnClose: false,
  atrPeriod: 14,
  riskFreeRatePct: 2,
});

const KNOWN_KEYS = new Set<string>([
  ...Object.keys(DEFAULT_BACKTEST_OPTIONS),
  'stopLoss',
  'takeProfit',
  'trailing',
  'closePct',
  'partialTakeProfits',
  'breakEven',
]);

function invalid(option: string, value: unknown, expected: string): never {
  const shown =
    typeof value === 'string'
      ? `"${value}"`
      : typeof value === 'number'
        ? String(value)
        : JSON.stringify(value);
  throw EngineErrors.create('INVALID_BACKTEST_OPTIONS', {
    message: `Backtest option "${option}" must be ${expected} (got ${shown ?? String(value)})`,
    details: { option, value },
  });
}

function checkNumber(
  option: string,
  value: unknown,
  range: { min: number; max: number; minExclusive?: boolean; maxExclusive?: boolean; integer?: boolean },
): void {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (range.minExclusive ? value > range.min : value >= range.min) &&
    (range.maxExclusive ? value < range.max : value <= range.max) &&
    (!range.integer || Number.isInteger(value));
  if (ok) return;
  const low = range.minExclusive ? `> ${range.min}` : `≥ ${range.min}`;
  const high =
    range.max === Infinity ? '' : range.maxExclusive ? ` and < ${range.max}` : ` and ≤ ${range.max}`;
  invalid(option, value, `${range.integer ? 'an integer' : 'a number'} ${low}${high}`);
}

function checkExitRule(option: 'stopLoss' | 'takeProfit', rule: unknown): void {
  if (typeof rule !== 'object' || rule === null) {
    invalid(option, rule, "an object { type: 'atr', multiplier } or { type: 'percent', percent }");
  }
  const r = rule as Record<string, unknown>;
  if (r.type === 'atr') {
    checkNumber(`${option}.multiplier`, r.multiplier, { min: 0, max: Infinity, minExclusive: true });
  } else if (r.type === 'percent') {
    // A stop more than 100 % away would sit below zero for a long.
    const max = option === 'stopLoss' ? 100 : Infinity;
    checkNumber(`${option}.percent`, r.percent, { min: 0, max, minExclusive: true });
  } else {
    invalid(`${option}.type`, r.type, "'atr' or 'percent'");
  }
}

function checkPartialTakeProfits(partials: unknown, takeProfit: unknown): void {
  if (!Array.isArray(partials)) invalid('partialTakeProfits', partials, 'an array of { distance, qtyPct }');
  for (const [index, partial] of (partials as unknown[]).entries()) {
    const p = (typeof partial === 'object' && partial !== null ? partial : {}) as Record<string, unknown>;
    const d = (typeof p.distance === 'object' && p.distance !== null ? p.distance : {}) as Record<
      string,
      unknown
    >;
    if (d.type !== 'atr' && d.type !== 'percent')
      invalid(`partialTakeProfits[${index}].distance.type`, d.type, "'atr' or 'percent'");
    const value = d.type === 'atr' ? d.multiplier : d.percent;
    if (typeof value !== 'number' || !Number.isFinite(value))
      invalid(`partialTakeProfits[${index}].distance`, p.distance, 'a finite distance');
    if (typeof p.qtyPct !== 'number' || !Number.isFinite(p.qtyPct))
      invalid(`partialTakeProfits[${index}].qtyPct`, p.qtyPct, 'a number');
  }
  const last: ExitSpec = (takeProfit as ExitSpec | undefined) ?? { type: 'none' };
  const list = partials as Parameters<typeof partialTakeProfitProblem>[0];
  const problem = partialTakeProfitProblem(list, last);
  if (problem !== undefined) {
    const index = Math.min(problem.index, list.length - 1);
    invalid(`partialTakeProfits[${index}]`, list[index], problem.message);
  }
}

function checkTrailingRule(rule: unknown): void {
  const r = (typeof rule === 'object' && rule !== null ? rule : {}) as Record<string, unknown>;
  if (r.type !== 'atr' && r.type !== 'percent') {
    invalid('trailing.type', r.type, "'atr' or 'percent'");
  }
  checkNumber('trailing.activation', r.activation, { min: 0, max: Infinity });
  checkNumber('trailing.offset', r.offset, {
    min: 0,
    max: r.type === 'percent' ? 100 : Infinity,
    minExclusive: true,
    maxExclusive: true,
  });
}

/**
 * Checks every field of a complete option set; throws AppError INVALID_BACKTEST_OPTIONS (400)
 * naming the first bad option. `runBacktest` calls it too (it is O(1)).
 */
export function validateBacktestOptions(options: BacktestOptions): void {
  const o = options as unknown as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN_KEYS.has(key))
      invalid(key, o[key], `one of the known options (${[...KNOWN_KEYS].join(', ')})`);
  }
  checkNumber('initialCapital', o.initialCapital, { min: 0, max: Infinity, minExclusive: true });
  if (o.sizing !== 'percent' && o.sizing !== 'cash' && o.sizing !== 'qty') {
    invalid('sizing', o.sizing, "'percent', 'cash' or 'qty'");
  }
  checkNumber('sizeValue', o.sizeValue, {
    min: 0,
    max: o.sizing === 'percent' ? 100 : Infinity,
    minExclusive: true,
  });
  checkNumber('leverage', o.leverage, { min: 1, max: 125 });
  const leverage = o.leverage as number;
  // At or above 100/leverage the liquidation price would be on the wrong side of the entry.
  checkNumber('maintenanceMarginPct', o.maintenanceMarginPct, {
    min: 0,
    max: 100 / leverage,
    maxExclusive: true,
  });
  checkNumber('commissionPct', o.commissionPct, { min: 0, max: 10 });
  checkNumber('slippageTicks', o.slippageTicks, { min: 0, max: Infinity, integer: true });
  checkNumber('tickSize', o.tickSize, { min: 0, max: Infinity, minExclusive: true });
  if (o.direction !== 'both' && o.direction !== 'long' && o.direction !== 'short') {
    invalid('direction', o.direction, "'both', 'long' or 'short'");
  }
  if (typeof o.fillOnClose !== 'boolean') invalid('fillOnClose', o.fillOnClose, 'true or false');
  if (o.stopLoss !== undefined) checkExitRule('stopLoss', o.stopLoss);
  if (o.takeProfit !== undefined) checkExitRule('takeProfit', o.takeProfit);
  if (o.trailing !== undefined) checkTrailingRule(o.trailing);
  if (o.partialTakeProfits !== undefined) checkPartialTakeProfits(o.partialTakeProfits, o.takeProfit);
  if (o.breakEven !== undefined && typeof o.breakEven !== 'boolean')
    invalid('breakEven', o.breakEven, 'true or false');
  if (o.closePct !== undefined) checkNumber('closePct', o.closePct, { min: 0, max: 100, minExclusive: true });
  checkNumber('atrPeriod', o.atrPeriod, { min: 1, max: 10_000, integer: true });
  checkNumber('riskFreeRatePct', o.riskFreeRatePct, { min: 0, max: 100 });
}

/**
 * Completes a partial option set with DEFAULT_BACKTEST_OPTIONS and validates it. Unknown keys
 * are rejected (a typo must not silently fall back to a default). `stopLoss`/`takeProfit` given
 * as undefined or null mean "none". Returns a frozen object.
 */
export function resolveBacktestOptions(partial: Partial<BacktestOptions>): BacktestOptions {
  if (typeof partial !== 'object' || partial === null) invalid('options', partial, 'an object');
  const merged: Record<string, unknown> = { ...DEFAULT_BACKTEST_OPTIONS };
  for (const [key, value] of Object.entries(partial)) {
    if (value === undefined) continue;
    if (value === null && (key === 'stopLoss' || key === 'takeProfit' || key === 'trailing')) continue;
    merged[key] = value;
  }
  for (const key of ['stopLoss', 'takeProfit', 'trailing'] as const) {
    const rule = merged[key];
    if (typeof rule === 'object' && rule !== null) merged[key] = Object.freeze({ ...(rule as ExitRule) });
  }
  const partials = merged.partialTakeProfits;
  if (Array.isArray(partials))
    merged.partialTakeProfits = Object.freeze(
      partials.map((p: unknown) =>
        typeof p === 'object' && p !== null
          ? Object.freeze({
              ...(p as object),
              distance: Object.freeze({ ...(p as { distance: object }).distance }),
            })
          : p,
      ),
    );
  const options = merged as BacktestOptions;
  validateBacktestOptions(options);
  return Object.freeze(options);
}

/** True when the stop-loss, the take-profit or the trailing stop is ATR-based: the broker then needs the atr series. */
export function usesAtrStops(options: BacktestOptions): boolean {
  return (
    options.stopLoss?.type === 'atr' ||
    options.takeProfit?.type === 'atr' ||
    options.trailing?.type === 'atr' ||
    (options.partialTakeProfits ?? []).some((partial) => partial.distance.type === 'atr')
  );
}
