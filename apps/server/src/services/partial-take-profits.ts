import { z } from 'zod';
import {
  DEFAULT_TRADE_PLAN,
  MAX_TAKE_PROFITS,
  partialTakeProfitProblem,
  statedExit,
  type ExitSpec,
  type PartialTakeProfit,
} from '@tradingbot/core';

/**
 * The partial take-profits and the break-even move as the lab's options and the export's plan
 * state them — the alert's own field names (`tp1_atr` | `tp1_pct` with `tp1_qty_pct`, `tp2_*`,
 * `break_even`). Only types and sanity bounds here: whether they make a plan is core's one rule,
 * `partialTakeProfitProblem`, applied by `checkPartialTakeProfits`.
 */
export const PARTIAL_TAKE_PROFIT_FIELDS = {
  /** Partial take-profit 1: ATR multiples from the entry, or (`tp1_pct`) percent of the decision close. */
  tp1_atr: z.number().max(100),
  tp1_pct: z.number().max(1000),
  /** Percent of the entry's quantity partial take-profit 1 closes; the shares sum below 100. */
  tp1_qty_pct: z.number(),
  /** Partial take-profit 2 (after 1, farther than it): the same fields. */
  tp2_atr: z.number().max(100),
  tp2_pct: z.number().max(1000),
  tp2_qty_pct: z.number(),
  /** Once the first take-profit filled, the stop-loss moves to the entry price. Default false. */
  break_even: z.boolean(),
};

export type PartialTakeProfitInput = {
  tp1_atr?: number | undefined;
  tp1_pct?: number | undefined;
  tp1_qty_pct?: number | undefined;
  tp2_atr?: number | undefined;
  tp2_pct?: number | undefined;
  tp2_qty_pct?: number | undefined;
  take_profit_atr?: number | undefined;
  take_profit_pct?: number | undefined;
};

const ORDINALS = Array.from({ length: MAX_TAKE_PROFITS - 1 }, (_, i) => i + 1);

/** The partial take-profits an input states, nearest first (as `checkPartialTakeProfits` passed them). */
export function statedPartialTakeProfits(input: PartialTakeProfitInput): PartialTakeProfit[] {
  const partials: PartialTakeProfit[] = [];
  for (const n of ORDINALS) {
    const { atr, pct, qtyPct } = fieldsOf(input, n);
    if (qtyPct === undefined || (atr === undefined && pct === undefined)) continue;
    partials.push({
      distance: pct !== undefined ? { type: 'percent', percent: pct } : { type: 'atr', multiplier: atr! },
      qtyPct,
    });
  }
  return partials;
}

/** The take-profit that closes what the partial ones leave: the one stated, else the plan's. */
export function lastTakeProfit(input: PartialTakeProfitInput): ExitSpec {
  return (
    statedExit(input.take_profit_pct, input.take_profit_atr, DEFAULT_TRADE_PLAN.takeProfit) ?? {
      type: 'none',
    }
  );
}

/**
 * A zod refinement: each partial take-profit needs one distance and its share, the second needs the
 * first, and together with the last take-profit they must pass core's `partialTakeProfitProblem`.
 * Each issue names the field it is about (`tp2_qty_pct`), so the API's answer puts it beside it.
 */
export function checkPartialTakeProfits(input: PartialTakeProfitInput, ctx: z.RefinementCtx): void {
  let complete = true;
  const distanceField: string[] = [];
  for (const n of ORDINALS) {
    const { atr, pct, qtyPct } = fieldsOf(input, n);
    const issue = (field: string, message: string) => {
      ctx.addIssue({ code: 'custom', path: [field], message });
      complete = false;
    };
    if (atr !== undefined && pct !== undefined)
      issue(`tp${n}_pct`, `send tp${n}_atr or tp${n}_pct, not both`);
    const stated = atr !== undefined || pct !== undefined;
    if (!stated && qtyPct === undefined) continue;
    if (!stated) issue(`tp${n}_atr`, `tp${n}_qty_pct needs a distance: tp${n}_atr or tp${n}_pct`);
    else if (qtyPct === undefined)
      issue(
        `tp${n}_qty_pct`,
        `tp${n}_${pct !== undefined ? 'pct' : 'atr'} needs the percent of the entry it closes`,
      );
    if (n > 1 && distanceField.length === 0) issue(`tp${n}_atr`, `tp${n} needs tp${n - 1} first`);
    distanceField.push(pct !== undefined ? `tp${n}_pct` : `tp${n}_atr`);
  }
  if (!complete) return;
  const problem = partialTakeProfitProblem(statedPartialTakeProfits(input), lastTakeProfit(input));
  if (problem === undefined) return;
  const field = problem.field === 'qtyPct' ? `tp${problem.index + 1}_qty_pct` : distanceField[problem.index];
  ctx.addIssue({ code: 'custom', path: [field ?? 'tp1_atr'], message: problem.message });
}

function fieldsOf(input: PartialTakeProfitInput, n: number) {
  const record = input as Record<string, number | undefined>;
  return { atr: record[`tp${n}_atr`], pct: record[`tp${n}_pct`], qtyPct: record[`tp${n}_qty_pct`] };
}
