/**
 * The trade plan: how a strategy's signals become positions — sizing, leverage, margin mode,
 * stop-loss, take-profit, direction, order type. One definition and one set of defaults for the
 * four places that must agree trade for trade: the backtester (the lab's and the CLI's defaults),
 * the Pine exporter (the script's risk inputs and the protection every alert states), the executor
 * (what an alert that states no protection gets) and the web UI's forms.
 *
 * The original design sets the ATR stop-loss and take-profit automatically; the multipliers are
 * ours: stop 2 × ATR(14), take-profit 3 × ATR(14) (a 1 : 1.5 risk-reward), the ATR on the alert's
 * chart timeframe. "No stop" is a value a plan states (`{ type: 'none' }`, `sl_atr: 0` in an alert),
 * never the absence of one, so a strategy that says "none" is never given the default.
 */

/** A stop-loss or take-profit distance: ATR multiples, percent of the entry price, or none. */
export type ExitSpec =
  { type: 'none' } | { type: 'atr'; multiplier: number } | { type: 'percent'; percent: number };

/**
 * A trailing stop (Pine `strategy.exit` `trail_points` / `trail_offset`): once the price has moved
 * `activation` in the position's favour from the entry, the stop follows the best price at `offset`
 * behind it. Both in ATR multiples or percent of the entry-decision close; activation 0 trails from
 * the entry. `none` is stated like the other exits.
 */
export type TrailingSpec =
  | { type: 'none' }
  | { type: 'atr'; activation: number; offset: number }
  | { type: 'percent'; activation: number; offset: number };

export type TradeDirection = 'both' | 'long' | 'short';

/**
 * A take-profit before the final one (a scale-out): closes `qtyPct` % of the entry's quantity at
 * `distance` from the entry. Pine: `strategy.exit(id, from_entry, qty_percent = qtyPct, …)`.
 */
export type PartialTakeProfit = {
  distance: Exclude<ExitSpec, { type: 'none' }>;
  qtyPct: number;
};

/** At most this many take-profits per position: up to two partial ones, then `takeProfit`. */
export const MAX_TAKE_PROFITS = 3;

export type TradePlan = {
  /** Margin per entry in percent of the available balance (live) / equity (backtest). */
  sizePct: number;
  /** Whole number 1–125. */
  leverage: number;
  marginMode: 'cross' | 'isolated';
  stopLoss: ExitSpec;
  /** The last take-profit: it closes whatever the partial take-profits left. */
  takeProfit: ExitSpec;
  /**
   * Up to two take-profits before `takeProfit`, nearest first, each closing `qtyPct` % of the
   * entry's quantity (their sum below 100, so something is left for the last). Default none.
   * E.g. 50 % at 1.5 × ATR, the rest at `takeProfit` 3 × ATR.
   */
  partialTakeProfits: readonly PartialTakeProfit[];
  /** Once the first take-profit has filled, the stop-loss moves to the entry price. Default off. */
  breakEven: boolean;
  /** Beside the stop-loss; whichever is nearer the price fills. Default none. */
  trailing: TrailingSpec;
  /**
   * Percent of the open position a strategy's exit closes (alerts: `close_pct`; Pine
   * `strategy.close(qty_percent=)`). Default 100 (the whole position).
   */
  closePct: number;
  /** ATR length of ATR distances (`ta.atr(n)`). */
  atrPeriod: number;
  direction: TradeDirection;
  orderType: 'market' | 'limit';
};

export const DEFAULT_TRADE_PLAN: Readonly<TradePlan> = Object.freeze({
  sizePct: 10,
  leverage: 1,
  marginMode: 'cross',
  stopLoss: Object.freeze({ type: 'atr', multiplier: 2 }),
  takeProfit: Object.freeze({ type: 'atr', multiplier: 3 }),
  partialTakeProfits: Object.freeze([]),
  breakEven: false,
  trailing: Object.freeze({ type: 'none' }),
  closePct: 100,
  atrPeriod: 14,
  direction: 'both',
  orderType: 'market',
} as const);

/** An exit that places an order (`none` → undefined): the form the backtester and exporter take. */
export function activeExit(spec: ExitSpec): Exclude<ExitSpec, { type: 'none' }> | undefined {
  return spec.type === 'none' ? undefined : spec;
}

/**
 * The exit a request states — a percent, or ATR multiples where 0 states none — or, when it states
 * neither, the plan's default. Undefined = no order. The lab's options and the CLI's flags read exits so.
 */
export function statedExit(
  pct: number | undefined,
  atrMultiple: number | undefined,
  planDefault: ExitSpec,
): Exclude<ExitSpec, { type: 'none' }> | undefined {
  if (pct !== undefined) return { type: 'percent', percent: pct };
  if (atrMultiple !== undefined)
    return atrMultiple > 0 ? { type: 'atr', multiplier: atrMultiple } : undefined;
  const rule = activeExit(planDefault);
  return rule === undefined ? undefined : { ...rule };
}

/**
 * The alert fields that state an exit: `sl_atr` / `sl_pct` (or `tp_*`), and `<prefix>_atr: 0` for
 * none — the webhook reads 0 as "no order", and an alert that names nothing gets the account's
 * defaults instead.
 */
export function exitAlertFields(prefix: 'sl' | 'tp', spec: ExitSpec): Record<string, number> {
  if (spec.type === 'percent') return { [`${prefix}_pct`]: spec.percent };
  return { [`${prefix}_atr`]: spec.type === 'atr' ? spec.multiplier : 0 };
}

/**
 * The trailing stop a request states — an offset in percent or ATR multiples where 0 states none,
 * with its activation in the same unit (default 0) — or, when it states neither, the plan's
 * default. Undefined = no trailing stop. The lab's options and the CLI's flags read it so.
 */
export function statedTrailing(
  offsetPct: number | undefined,
  offsetAtr: number | undefined,
  activation: number | undefined,
  planDefault: TrailingSpec,
): Exclude<TrailingSpec, { type: 'none' }> | undefined {
  const stated =
    offsetPct !== undefined
      ? { type: 'percent' as const, offset: offsetPct }
      : offsetAtr !== undefined
        ? { type: 'atr' as const, offset: offsetAtr }
        : undefined;
  if (stated === undefined) return planDefault.type === 'none' ? undefined : { ...planDefault };
  return stated.offset > 0 ? { ...stated, activation: activation ?? 0 } : undefined;
}

/**
 * The alert fields that state a trailing stop: `trail_atr` / `trail_pct` (the offset) with
 * `trail_activation_atr` / `trail_activation_pct`, and `trail_atr: 0` for none.
 */
export function trailingAlertFields(spec: TrailingSpec): Record<string, number> {
  if (spec.type === 'none') return { trail_atr: 0 };
  const unit = spec.type === 'atr' ? 'atr' : 'pct';
  return { [`trail_${unit}`]: spec.offset, [`trail_activation_${unit}`]: spec.activation };
}

/**
 * What is wrong with a set of partial take-profits: which one (`index`, nearest first) and which of
 * its values (`field`), so a form or a flag parser can put the message beside the right input.
 */
export type PartialTakeProfitProblem = {
  index: number;
  field: 'distance' | 'qtyPct';
  message: string;
};

/**
 * Why a set of partial take-profits is not a plan, or undefined when it is one: at most two, each a
 * positive distance and a share in (0, 100), the shares summing below 100, nearest first where two
 * distances share a unit, and nearer than the last take-profit when it shares their unit. The
 * webhook, the lab, the CLI and the exporter all check with this one rule.
 */
export function partialTakeProfitProblem(
  partials: readonly PartialTakeProfit[],
  last: ExitSpec,
): PartialTakeProfitProblem | undefined {
  if (partials.length > MAX_TAKE_PROFITS - 1)
    return {
      index: MAX_TAKE_PROFITS - 1,
      field: 'distance',
      message: `at most ${MAX_TAKE_PROFITS - 1} partial take-profits`,
    };
  let total = 0;
  for (const [index, partial] of partials.entries()) {
    const distance = exitDistance(partial.distance);
    if (!(distance > 0))
      return { index, field: 'distance', message: 'a partial take-profit needs a distance above 0' };
    if (!(partial.qtyPct > 0 && partial.qtyPct < 100))
      return {
        index,
        field: 'qtyPct',
        message: 'a partial take-profit closes between 0 and 100 % of the entry',
      };
    total += partial.qtyPct;
    if (total >= 100)
      return {
        index,
        field: 'qtyPct',
        message: 'the partial take-profits must leave something for the last one (sum below 100 %)',
      };
    const before = partials[index - 1];
    if (
      before !== undefined &&
      before.distance.type === partial.distance.type &&
      exitDistance(before.distance) >= distance
    )
      return { index, field: 'distance', message: 'partial take-profits go nearest first' };
    if (last.type === partial.distance.type && exitDistance(last) <= distance)
      return {
        index,
        field: 'distance',
        message: 'a partial take-profit must be nearer than the last take-profit',
      };
  }
  return undefined;
}

function exitDistance(spec: ExitSpec): number {
  return spec.type === 'atr' ? spec.multiplier : spec.type === 'percent' ? spec.percent : 0;
}

/**
 * The alert fields that state the partial take-profits and the break-even move: `tp1_atr` /
 * `tp1_pct` with `tp1_qty_pct`, the same for `tp2_*`, and `break_even` (0 or 1). A plan with none
 * states nothing, so alerts of plans without scale-outs stay as they were.
 */
export function partialTakeProfitAlertFields(
  partials: readonly PartialTakeProfit[],
  breakEven: boolean,
): Record<string, number> {
  const fields: Record<string, number> = {};
  partials.forEach((partial, i) => {
    const key = `tp${i + 1}`;
    if (partial.distance.type === 'atr') fields[`${key}_atr`] = partial.distance.multiplier;
    else fields[`${key}_pct`] = partial.distance.percent;
    fields[`${key}_qty_pct`] = partial.qtyPct;
  });
  if (breakEven) fields.break_even = 1;
  return fields;
}
