import { z } from 'zod';
import { nameSchemas } from './schema-registry.ts';

export const ExportPineQuery = z.strictObject({
  strategy: z.string().min(1).max(32),
  /** The strategy's parameters as a JSON object, e.g. {"rsiLength":14}. */
  params: z.string().max(2000).optional(),
  /** The account the alerts go to; or `group_id`: an account group's (exactly one of the two). */
  account_id: z.string().min(1).max(64).optional(),
  group_id: z.string().min(1).max(64).optional(),
  leverage: z.coerce.number().int().min(1).max(125).optional(),
  lang: z.enum(['ko', 'en']).optional(),
  /**
   * The lab's trade plan as a JSON object (the lab's backtest `options`: initial_capital, size_pct,
   * leverage, commission_pct, slippage_ticks, direction, stop_loss_atr|pct, take_profit_atr|pct,
   * trailing_atr|pct, trailing_activation, close_pct, tp1_atr|pct, tp1_qty_pct, tp2_*, break_even,
   * atr_period): the script's defaults and its alerts state it.
   */
  plan: z.string().max(2000).optional(),
  /**
   * The lab's metrics for the same plan as a JSON object (net_profit_pct, total_trades, win_rate,
   * max_drawdown_pct, profit_factor): the setup guide names them as the Strategy Tester's to expect.
   */
  expected: z.string().max(2000).optional(),
});

const Distance = z.discriminatedUnion('type', [
  z.object({ type: z.literal('atr'), multiplier: z.number() }),
  z.object({ type: z.literal('percent'), percent: z.number() }),
]);

/** The plan the script carries, as the export page shows it. */
export const ExportedPlan = z.object({
  leverage: z.number().int(),
  size_pct: z.number(),
  initial_capital: z.number(),
  commission_pct: z.number(),
  slippage_ticks: z.number().int(),
  direction: z.enum(['both', 'long', 'short']),
  stop_loss: z.discriminatedUnion('type', [
    z.object({ type: z.literal('none') }),
    z.object({ type: z.literal('atr'), multiplier: z.number() }),
    z.object({ type: z.literal('percent'), percent: z.number() }),
  ]),
  take_profit: z.discriminatedUnion('type', [
    z.object({ type: z.literal('none') }),
    z.object({ type: z.literal('atr'), multiplier: z.number() }),
    z.object({ type: z.literal('percent'), percent: z.number() }),
  ]),
  /** Take-profits before the last one, nearest first: each closes `qty_pct` % of the entry. */
  partial_take_profits: z.array(z.object({ distance: Distance, qty_pct: z.number() })),
  /** The stop-loss moves to the entry price once the first take-profit filled. */
  break_even: z.boolean(),
  trailing: z.discriminatedUnion('type', [
    z.object({ type: z.literal('none') }),
    z.object({ type: z.literal('atr'), activation: z.number(), offset: z.number() }),
    z.object({ type: z.literal('percent'), activation: z.number(), offset: z.number() }),
  ]),
  /** Percent of the position a strategy exit closes. */
  close_pct: z.number(),
  atr_period: z.number().int(),
  /** The script sets `use_bar_magnifier = true` (the lab run used lower-timeframe candles). */
  bar_magnifier: z.boolean(),
  /** The lab run paid funding, which TradingView's Strategy Tester does not charge. */
  funding: z.boolean(),
});

export const PineExport = z.object({
  script: z.string(),
  guide: z.string(),
  webhook_url: z.string(),
  alert_message_example: z.record(z.string(), z.unknown()),
  plan: ExportedPlan,
});

nameSchemas({ PineExport, ExportedPlan });
