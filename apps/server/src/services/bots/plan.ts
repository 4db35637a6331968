import {
  DEFAULT_TRADE_PLAN,
  exitAlertFields,
  statedExit,
  type ExitSpec,
  type TradePlan,
} from '@tradingbot/core';

/** A plan as the API takes it (`BotPlanInput`, routes/bots.schema.ts): every field optional. */
export type BotPlanInput = {
  size_pct?: number | undefined;
  leverage?: number | undefined;
  margin_mode?: 'cross' | 'isolated' | undefined;
  sl_atr?: number | undefined;
  sl_pct?: number | undefined;
  tp_atr?: number | undefined;
  tp_pct?: number | undefined;
  atr_period?: number | undefined;
  direction?: 'both' | 'long' | 'short' | undefined;
};

const NONE: ExitSpec = { type: 'none' };

/** The bot's whole plan: what the request states over the trade plan's defaults (`DEFAULT_TRADE_PLAN`). */
export function resolvePlan(input: BotPlanInput = {}): TradePlan {
  return {
    sizePct: input.size_pct ?? DEFAULT_TRADE_PLAN.sizePct,
    leverage: input.leverage ?? DEFAULT_TRADE_PLAN.leverage,
    marginMode: input.margin_mode ?? DEFAULT_TRADE_PLAN.marginMode,
    stopLoss: statedExit(input.sl_pct, input.sl_atr, DEFAULT_TRADE_PLAN.stopLoss) ?? NONE,
    takeProfit: statedExit(input.tp_pct, input.tp_atr, DEFAULT_TRADE_PLAN.takeProfit) ?? NONE,
    atrPeriod: input.atr_period ?? DEFAULT_TRADE_PLAN.atrPeriod,
    direction: input.direction ?? DEFAULT_TRADE_PLAN.direction,
    orderType: 'market',
    // Bots do not take a trailing stop, partial take-profits or a partial close yet: the plan states
    // none and 100 %.
    trailing: DEFAULT_TRADE_PLAN.trailing,
    partialTakeProfits: DEFAULT_TRADE_PLAN.partialTakeProfits,
    breakEven: DEFAULT_TRADE_PLAN.breakEven,
    closePct: DEFAULT_TRADE_PLAN.closePct,
  };
}

/** A stored plan (jsonb) read back, anything missing or malformed taking the default. */
export function storedPlan(value: Record<string, unknown>): TradePlan {
  const plan = { ...DEFAULT_TRADE_PLAN, ...value } as TradePlan;
  return { ...plan, stopLoss: exitOf(plan.stopLoss), takeProfit: exitOf(plan.takeProfit) };
}

function exitOf(spec: unknown): ExitSpec {
  const s = spec as Partial<{ type: string; multiplier: number; percent: number }> | undefined;
  if (s?.type === 'atr' && typeof s.multiplier === 'number') return { type: 'atr', multiplier: s.multiplier };
  if (s?.type === 'percent' && typeof s.percent === 'number') return { type: 'percent', percent: s.percent };
  return NONE;
}

/** The plan as the API answers it: every exit stated (none = `*_atr: 0`, `*_pct: null`). */
export function planJson(plan: TradePlan) {
  const exit = (spec: ExitSpec) => ({
    atr: spec.type === 'atr' ? spec.multiplier : spec.type === 'none' ? 0 : null,
    pct: spec.type === 'percent' ? spec.percent : null,
  });
  const sl = exit(plan.stopLoss);
  const tp = exit(plan.takeProfit);
  return {
    size_pct: plan.sizePct,
    leverage: plan.leverage,
    margin_mode: plan.marginMode,
    sl_atr: sl.atr,
    sl_pct: sl.pct,
    tp_atr: tp.atr,
    tp_pct: tp.pct,
    atr_period: plan.atrPeriod,
    direction: plan.direction,
  };
}

/**
 * The alert fields that carry the plan to the executor, as the exported Pine script's alerts do:
 * size, leverage, margin mode and both exits stated (none as `*_atr: 0`), so the account's
 * defaults never replace what the bot's plan says.
 */
export function planAlertFields(plan: TradePlan): Record<string, number | string> {
  return {
    size_pct: plan.sizePct,
    leverage: plan.leverage,
    margin_mode: plan.marginMode,
    ...exitAlertFields('sl', plan.stopLoss),
    ...exitAlertFields('tp', plan.takeProfit),
  };
}
