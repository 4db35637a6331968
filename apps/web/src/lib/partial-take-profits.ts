import {
  DEFAULT_TRADE_PLAN,
  partialTakeProfitProblem,
  statedExit,
  type ExitSpec,
  type PartialTakeProfit,
} from '@tradingbot/core/trade-plan';
import type { MessageKey } from './messages';

/**
 * The partial take-profits and the break-even move as a form holds them (the lab's settings and
 * the export form): up to two rows, each off or a distance (ATR multiples or percent from the
 * entry) with the percent of the entry it closes, and the break-even checkbox. The API takes them
 * as the alert's fields (`tp1_atr` | `tp1_pct`, `tp1_qty_pct`, `tp2_*`, `break_even`).
 */
export type TakeProfitRowDraft = { mode: 'none' | 'atr' | 'percent'; distance: string; qtyPct: string };
export type PartialTakeProfitsDraft = {
  rows: readonly [TakeProfitRowDraft, TakeProfitRowDraft];
  breakEven: boolean;
};

const OFF: TakeProfitRowDraft = { mode: 'none', distance: '', qtyPct: '' };

/** No partial take-profits, no break-even move: the trade plan's default. */
export const NO_PARTIAL_TAKE_PROFITS: PartialTakeProfitsDraft = {
  rows: [OFF, OFF],
  breakEven: DEFAULT_TRADE_PLAN.breakEven,
};

/** The fields a row's error is shown beside. */
export type PartialTakeProfitField = `tp${1 | 2}_${'distance' | 'qty_pct'}`;

/** The rows in use (the first off turns both off, as the second is not shown then). */
function rowsInUse(draft: PartialTakeProfitsDraft): TakeProfitRowDraft[] {
  const [first, second] = draft.rows;
  if (first.mode === 'none') return [];
  return second.mode === 'none' ? [first] : [first, second];
}

/** The API's fields; none when no row is on, so requests without them stay as they were. */
export function partialTakeProfitFields(draft: PartialTakeProfitsDraft): Record<string, number | boolean> {
  const fields: Record<string, number | boolean> = {};
  rowsInUse(draft).forEach((row, i) => {
    fields[`tp${i + 1}_${row.mode === 'atr' ? 'atr' : 'pct'}`] = Number(row.distance);
    fields[`tp${i + 1}_qty_pct`] = Number(row.qtyPct);
  });
  if (draft.breakEven && Object.keys(fields).length > 0) fields.break_even = true;
  return fields;
}

/** A saved run's options or the lab's plan back in the form (what does not parse is left off). */
export function partialTakeProfitsDraft(fields: Record<string, unknown>): PartialTakeProfitsDraft {
  const number = (key: string) => (typeof fields[key] === 'number' ? (fields[key] as number) : undefined);
  const row = (n: number): TakeProfitRowDraft => {
    const pct = number(`tp${n}_pct`);
    const atr = number(`tp${n}_atr`);
    const qty = number(`tp${n}_qty_pct`);
    if (qty === undefined || (pct === undefined && atr === undefined)) return OFF;
    return pct !== undefined
      ? { mode: 'percent', distance: String(pct), qtyPct: String(qty) }
      : { mode: 'atr', distance: String(atr), qtyPct: String(qty) };
  };
  const rows = [row(1), row(2)] as const;
  return { rows: rows[0].mode === 'none' ? [OFF, OFF] : rows, breakEven: fields.break_even === true };
}

/** The last take-profit as the API reads `take_profit_pct` / `take_profit_atr` (0 none, unstated the plan's). */
export function lastTakeProfit(pct: number | undefined, atr: number | undefined): ExitSpec {
  return statedExit(pct, atr, DEFAULT_TRADE_PLAN.takeProfit) ?? { type: 'none' };
}

/**
 * What is wrong with the rows, by field, in the user's words: a value that is not a number, else
 * core's one rule (`partialTakeProfitProblem`) — the same the server, the CLI and the webhook apply.
 */
export function partialTakeProfitErrors(
  draft: PartialTakeProfitsDraft,
  last: ExitSpec,
): Partial<Record<PartialTakeProfitField, MessageKey>> {
  const errors: Partial<Record<PartialTakeProfitField, MessageKey>> = {};
  const partials: PartialTakeProfit[] = [];
  rowsInUse(draft).forEach((row, i) => {
    const distance = Number(row.distance);
    const qtyPct = Number(row.qtyPct);
    if (row.distance.trim() === '' || !Number.isFinite(distance))
      errors[`tp${(i + 1) as 1 | 2}_distance`] = 'form.number';
    if (row.qtyPct.trim() === '' || !Number.isFinite(qtyPct))
      errors[`tp${(i + 1) as 1 | 2}_qty_pct`] = 'form.number';
    partials.push({
      distance:
        row.mode === 'atr' ? { type: 'atr', multiplier: distance } : { type: 'percent', percent: distance },
      qtyPct,
    });
  });
  if (Object.keys(errors).length > 0) return errors;
  const problem = partialTakeProfitProblem(partials, last);
  if (problem === undefined) return errors;
  const n = (problem.index + 1) as 1 | 2;
  if (problem.field === 'qtyPct') errors[`tp${n}_qty_pct`] = 'tp.qtyProblem';
  else errors[`tp${n}_distance`] = 'tp.distanceProblem';
  return errors;
}
