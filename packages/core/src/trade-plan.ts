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

export type TradePlan = {
  /** Margin per entry in percent of the available balance (live) / equity (backtest). */
  sizePct: number;
  /** Whole number 1–125. */
  leverage: number;
  marginMode: 'cross' | 'isolated';
  stopLoss: ExitSpec;
  takeProfit: ExitSpec;
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
