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

export type TradeDirection = 'both' | 'long' | 'short';

export type TradePlan = {
  /** Margin per entry in percent of the available balance (live) / equity (backtest). */
  sizePct: number;
  /** Whole number 1–125. */
  leverage: number;
  marginMode: 'cross' | 'isolated';
  stopLoss: ExitSpec;
  takeProfit: ExitSpec;
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
