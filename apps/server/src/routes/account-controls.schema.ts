import { z } from 'zod';
import { PROTECTION_POLICIES } from '@tradingbot/db';
import { nameSchemas } from './schema-registry.ts';

/** A positive amount in USDT: a decimal string (money stays exact) or a JSON number. */
const usdt = () =>
  z
    .union([
      z
        .string()
        .trim()
        .regex(/^\d{1,12}(\.\d{1,8})?$/, 'must be a decimal number such as 250 or 99.5'),
      z.number().finite(),
    ])
    .transform((value) => String(value))
    .refine((value) => Number(value) > 0, 'must be above 0')
    .refine((value) => Number(value) <= 1e12, 'must be at most 1000000000000');

/** A stop-loss or take-profit of the trade plan (`ExitSpec`, packages/core/src/trade-plan.ts). */
export const ExitSpecBody = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({ type: z.literal('atr'), multiplier: z.number().gt(0).max(50) }),
  z.strictObject({ type: z.literal('percent'), percent: z.number().gt(0).lt(100) }),
]);

export const DefaultSizeBody = z.discriminatedUnion('kind', [
  /** Margin per entry in percent of the available balance. */
  z.strictObject({ kind: z.literal('pct'), value: z.number().gt(0).max(100) }),
  /** Fixed margin per entry in USDT. */
  z.strictObject({ kind: z.literal('usdt'), value: usdt() }),
]);

/**
 * `PUT /accounts-secure/{id}/settings`: any subset of the settings; a field left out keeps its value,
 * `null` clears a cap. Checked again after merging with the stored values (default leverage at most
 * the maximum leverage), each problem answered as a field error.
 */
export const AccountSettingsBody = z
  .strictObject({
    default_size: DefaultSizeBody.optional(),
    default_leverage: z.number().int().min(1).max(125).optional(),
    margin_mode: z.enum(['cross', 'isolated']).optional(),
    stop_loss: ExitSpecBody.optional(),
    take_profit: ExitSpecBody.optional(),
    max_leverage: z.number().int().min(1).max(125).nullable().optional(),
    max_position_notional: usdt().nullable().optional(),
    max_open_positions: z.number().int().min(1).max(500).nullable().optional(),
    daily_loss_limit: usdt().nullable().optional(),
    protection_policy: z.enum(PROTECTION_POLICIES).optional(),
  })
  .superRefine((body, ctx) => {
    if (
      body.default_leverage !== undefined &&
      typeof body.max_leverage === 'number' &&
      body.default_leverage > body.max_leverage
    ) {
      ctx.addIssue({
        code: 'too_big',
        maximum: body.max_leverage,
        origin: 'number',
        inclusive: true,
        input: body.default_leverage,
        path: ['default_leverage'],
        message: `must be at most the maximum leverage (${body.max_leverage})`,
      });
    }
  });

export const AccountSettings = z.object({
  account_id: z.string(),
  default_size: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('pct'), value: z.number() }),
    z.object({ kind: z.literal('usdt'), value: z.string() }),
  ]),
  default_leverage: z.number().int(),
  margin_mode: z.enum(['cross', 'isolated']),
  stop_loss: ExitSpecBody,
  take_profit: ExitSpecBody,
  max_leverage: z.number().int().nullable(),
  max_position_notional: z.string().nullable(),
  max_open_positions: z.number().int().nullable(),
  daily_loss_limit: z.string().nullable(),
  protection_policy: z.enum(PROTECTION_POLICIES),
  /** Paused by the user (the API, the UI, Telegram /pause). */
  entries_paused: z.boolean(),
  /** Paused by the daily loss limit until then (ISO time), else null. */
  loss_paused_until: z.string().nullable(),
  /** Today's net PnL (UTC day; realized − fees + funding from the recorded fills), USDT. */
  today_net_pnl: z.string(),
});

export const ControlParams = z.strictObject({ id: z.string().min(1).max(64) });

export const ClosePositionBody = z.strictObject({
  /** The venue's symbol or TradingView's (`BTCUSDT`, `BINANCE:BTCUSDT.P`, `BTC-USDT-SWAP`). */
  symbol: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/, 'symbol may contain letters, digits and . _ : / - only'),
  /** Which side to close (default both: whatever is open on the symbol). */
  side: z.enum(['long', 'short', 'both']).default('both'),
});

export const CancelOrdersBody = z.strictObject({
  /** One symbol's open orders; without it every open order of the account. */
  symbol: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/, 'symbol may contain letters, digits and . _ : / - only')
    .optional(),
});

/**
 * A manual action's answer: the signal it queued (audited like an alert's, `source: "manual"`) and,
 * when it finished within the wait, its execution result (as the webhook answers it).
 */
export const ManualActionAnswer = z.object({
  signal_id: z.string(),
  status: z.enum(['executed', 'failed', 'queued']),
  result: z.record(z.string(), z.unknown()).nullable(),
});

export const PauseAnswer = z.object({
  account_id: z.string(),
  entries_paused: z.boolean(),
  loss_paused_until: z.string().nullable(),
});

nameSchemas({
  AccountSettings,
  AccountSettingsBody,
  ClosePositionBody,
  CancelOrdersBody,
  ManualActionAnswer,
  PauseAnswer,
});
