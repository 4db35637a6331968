import { z } from 'zod';
import { MarketDataState } from './accounts.schema.ts';
import { nameSchemas } from './schema-registry.ts';

export const BotChartQuery = z.strictObject({
  /** Most recent bars to draw (default 300). */
  bars: z.coerce.number().int().min(50).max(1000).default(300),
});

const column = z.array(z.number().nullable());

/**
 * What a bot's live chart draws: its candles as its account's venue serves them (a paper account's
 * from its market data), the strategy's indicator series over them (as in the lab), the bot's
 * decisions as markers (`time`: the close of the bar decided on), the stop-loss and take-profit
 * resting on the venue, and the position with its PnL.
 */
export const BotChart = z.object({
  bot_id: z.string(),
  symbol: z.string(),
  timeframe: z.string(),
  candles: z.object({ time: z.array(z.number()), open: column, high: column, low: column, close: column }),
  indicators: z.array(
    z.object({ title: z.string(), color: z.string(), overlay: z.boolean(), values: column }),
  ),
  decisions: z.array(
    z.object({
      time: z.number(),
      action: z.enum(['long', 'short', 'close_long', 'close_short']),
      outcome: z.enum(['sent', 'skipped']),
      reason: z.string().nullable(),
    }),
  ),
  protection: z.array(z.object({ kind: z.enum(['stop_loss', 'take_profit']), price: z.string() })),
  position: z
    .object({
      side: z.enum(['long', 'short']),
      qty: z.string(),
      entry_price: z.string(),
      mark_price: z.string(),
      unrealized_pnl: z.string(),
    })
    .nullable(),
  /** Paper accounts: where the prices come from (synthetic is labelled as such). */
  market_data: MarketDataState.optional(),
});

nameSchemas({ BotChart });
