import { z } from 'zod';
import { VENUE_IDS } from '@tradingbot/core';
import { nameSchemas } from './schema-registry.ts';

/**
 * A bot's trade plan as the API states it (`TradePlan` of @tradingbot/core, snake_case): exits as
 * the lab and the alerts state them — ATR multiples (0 = none) or percent. A field left out takes
 * the trade plan's default (`DEFAULT_TRADE_PLAN`: 10 % size, 1×, cross, stop 2 ATR, take-profit 3 ATR).
 */
export const BotPlanInput = z
  .strictObject({
    size_pct: z.number().positive().max(100),
    leverage: z.number().int().min(1).max(125),
    margin_mode: z.enum(['cross', 'isolated']),
    sl_atr: z.number().min(0).max(100),
    sl_pct: z.number().positive().lt(100),
    tp_atr: z.number().min(0).max(100),
    tp_pct: z.number().positive().max(1000),
    atr_period: z.number().int().min(1).max(500),
    direction: z.enum(['both', 'long', 'short']),
  })
  .partial()
  .superRefine((plan, ctx) => {
    if (plan.sl_atr !== undefined && plan.sl_pct !== undefined)
      ctx.addIssue({ code: 'custom', path: ['sl_pct'], message: 'send sl_atr or sl_pct, not both' });
    if (plan.tp_atr !== undefined && plan.tp_pct !== undefined)
      ctx.addIssue({ code: 'custom', path: ['tp_pct'], message: 'send tp_atr or tp_pct, not both' });
  });

/** Our timeframe spelling; whether the account's venue has it is checked by the service (field `timeframe`). */
const Timeframe = z
  .string()
  .trim()
  .regex(/^\d{1,3}[mhdw]$/, 'a timeframe such as 1m, 15m, 1h, 4h or 1d');

export const CreateBotBody = z.strictObject({
  account_id: z.string().trim().min(1).max(64),
  name: z.string().trim().max(100).optional(),
  /** A strategy id of `GET /api/v1/lab/strategies`. */
  strategy: z.string().trim().min(1).max(32),
  /** Parameter values by name; each within its declared range (the rest take their defaults). */
  params: z.record(z.string().max(64), z.number()).default({}),
  /** The venue's symbol or ours (`BTCUSDT`, `BTC-USDT-SWAP`). */
  symbol: z
    .string()
    .trim()
    .min(3)
    .max(32)
    .regex(/^[A-Za-z0-9-]+$/, 'a symbol such as BTCUSDT'),
  timeframe: Timeframe,
  plan: BotPlanInput.optional(),
  /**
   * A signal whose bar closed longer ago than this (seconds) is not traded but recorded as skipped
   * (after downtime or a stream gap); default the server's BOT_MAX_SIGNAL_AGE_MS.
   */
  max_signal_age_s: z.number().int().min(1).max(86_400).optional(),
  /** Start the bot at once. */
  start: z.boolean().default(false),
});

export const BotListQuery = z.strictObject({ account_id: z.string().min(1).max(64).optional() });
export const BotParams = z.strictObject({ id: z.string().min(1).max(64) });

/** The plan as the bot runs it, every part stated: no stop = `sl_atr: 0` and `sl_pct: null`. */
export const BotPlan = z.object({
  size_pct: z.number(),
  leverage: z.number().int(),
  margin_mode: z.enum(['cross', 'isolated']),
  sl_atr: z.number().nullable(),
  sl_pct: z.number().nullable(),
  tp_atr: z.number().nullable(),
  tp_pct: z.number().nullable(),
  atr_period: z.number().int(),
  direction: z.enum(['both', 'long', 'short']),
});

/**
 * What a bot has traded: the round trips of its own signals' fills (their stop-loss and
 * take-profit included; other trades on the account are not the bot's), amounts in the quote asset
 * as decimal strings. `net_pnl` = `realized_pnl` − `fees`; funding is not included (the venue pays
 * it per account and symbol, not per bot).
 */
export const BotPnl = z.object({
  realized_pnl: z.string(),
  fees: z.string(),
  net_pnl: z.string(),
  closed_trades: z.number().int(),
  open_trades: z.number().int(),
  /** Closed round trips with a positive net PnL. */
  wins: z.number().int(),
});

/**
 * A bot. `status`: `stopped`, `warming_up` (reading history), `running`, `error` (`status_reason`
 * says why: the account was deactivated, the venue refused, …); `desired_state` is what the user
 * asked. Bar times are the bars' open times in epoch ms: `last_bar_time` the last closed bar
 * evaluated, `next_bar_due` when the next bar closes (null while stopped or before warm-up).
 */
export const Bot = z.object({
  id: z.string(),
  account_id: z.string(),
  exchange: z.enum(VENUE_IDS),
  name: z.string(),
  strategy: z.string(),
  params: z.record(z.string(), z.number()),
  symbol: z.string(),
  timeframe: z.string(),
  plan: BotPlan,
  max_signal_age_s: z.number(),
  desired_state: z.enum(['running', 'stopped']),
  status: z.enum(['stopped', 'warming_up', 'running', 'error']),
  status_reason: z.string().nullable(),
  status_since: z.string(),
  /** The position the bot holds as far as it knows (its own actions, corrected by the venue). */
  position: z.enum(['flat', 'long', 'short']),
  last_bar_time: z.number().nullable(),
  next_bar_due: z.number().nullable(),
  pnl: BotPnl,
  created_at: z.string(),
  updated_at: z.string(),
});

/** One action a bot decided at a bar's close: sent (its signal, with the signal's status) or skipped (why). */
export const BotDecision = z.object({
  bar_time: z.number(),
  action: z.enum(['long', 'short', 'close_long', 'close_short']),
  outcome: z.enum(['sent', 'skipped']),
  reason: z.string().nullable(),
  signal_id: z.string().nullable(),
  signal_status: z.string().nullable(),
  created_at: z.string(),
});

export const BotList = z.object({ bots: z.array(Bot), total: z.number().int() });
/** A bot with its latest decisions (newest first, at most 200). */
export const BotDetail = Bot.extend({ decisions: z.array(BotDecision) });
export const BotDeleted = z.object({ success: z.literal(true), message: z.string() });

nameSchemas({ Bot, BotPnl, BotPlan, BotDecision, BotList, BotDetail, BotDeleted });
