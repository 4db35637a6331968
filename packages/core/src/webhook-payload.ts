import { z } from 'zod';
import { VENUE_IDS } from './venues.ts';
import { partialTakeProfitProblem, type ExitSpec, type PartialTakeProfit } from './trade-plan.ts';

/**
 * The body TradingView POSTs to `/api/v1/webhook/tradingview`: the six original fields (account_id,
 * exchange, action, symbol, leverage, secret; alerts written for the first version still parse) plus the
 * optional fields our Pine export sends. It is the contract between the Pine exporter (which
 * builds these messages inside the script) and the webhook route (which validates them), so it
 * lives here where both can import it.
 *
 * Lenient where TradingView users need it: unknown fields are accepted and dropped (people add
 * their own), actions and enums are case-insensitive, numbers may arrive as numeric strings
 * (`"leverage": "{{plot_0}}"`-style templates produce strings). Strict on what we act on.
 */

/** Ours (`BTCUSDT`), TradingView's (`BTCUSDT.P`, `BINANCE:BTCUSDT.P`) and OKX's (`BTC-USDT-SWAP`). */
const SYMBOL = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;
const ID = /^[\x21-\x7E]{1,128}$/;
/** TradingView's `{{interval}}` / `timeframe.period` (`1`, `60`, `1D`, `W`) or ours (`1h`, `4H`, `1M`). */
const TIMEFRAME = /^(\d{1,4}[SDWMmhHdw]?|[DWM])$/;

export const WEBHOOK_ACTIONS = [
  'long',
  'short',
  'close_long',
  'close_short',
  'close_all',
  'cancel_orders',
  'buy',
  'sell',
] as const;
export type WebhookAction = (typeof WEBHOOK_ACTIONS)[number];

/** A numeric string (`"10"`, `" 2.5 "`) becomes a number; anything else is left for the validator. */
const numeric = (schema: z.ZodNumber) =>
  z.preprocess(
    (value) =>
      typeof value === 'string' && /^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/.test(value) ? Number(value) : value,
    schema,
  );

const lowerEnum = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess((value) => (typeof value === 'string' ? value.trim().toLowerCase() : value), z.enum(values));

const positive = () => numeric(z.number().finite().positive());
const nonNegative = () => numeric(z.number().finite().nonnegative());

const PayloadFields = z.object({
  account_id: z.union([
    z.string().trim().min(1).max(64),
    z
      .number()
      .int()
      .nonnegative()
      .transform((value) => String(value)),
  ]),
  exchange: lowerEnum(VENUE_IDS),
  action: lowerEnum(WEBHOOK_ACTIONS),
  /** `long` / `short` / `flat` from `{{strategy.market_position}}`; needed with buy / sell. */
  market_position: lowerEnum(['long', 'short', 'flat']).optional(),
  /** Required, except by `close_all` / `cancel_orders` with `scope: "account"`. */
  symbol: z.string().trim().regex(SYMBOL, 'symbol may contain letters, digits and . _ : / - only').optional(),
  /**
   * What `close_all` and `cancel_orders` act on: `symbol` (the default, the seed's meaning: the
   * alert's symbol only) or `account` (every symbol of the account: all positions closed, all open
   * orders cancelled — "flatten").
   */
  scope: lowerEnum(['symbol', 'account']).optional(),
  /** Required to open a position; ignored by closes. */
  leverage: numeric(z.number().int().min(1).max(125)).optional(),
  secret: z.string().min(16).max(128),
  /** Idempotency key: every delivery of one alert carries the same id. */
  id: z
    .union([z.string().trim().regex(ID, 'id must be 1–128 printable characters without spaces'), z.number()])
    .transform((value) => String(value))
    .optional(),
  /** When the alert fired: epoch ms (or seconds) as a number or digits, or an ISO-8601 time. */
  timestamp: z
    .union([
      z.number().finite().positive(),
      z
        .string()
        .trim()
        .refine((value) => /^\d+(\.\d+)?$/.test(value) || Number.isFinite(Date.parse(value)), {
          message: 'timestamp must be epoch milliseconds or an ISO-8601 time',
        }),
    ])
    .optional(),
  /** Seconds after `timestamp` beyond which the alert is stale and refused. */
  max_lag: numeric(z.number().finite().positive().max(86_400)).optional(),
  size_pct: numeric(z.number().finite().positive().max(100)).optional(),
  size_usdt: positive().optional(),
  qty: positive().optional(),
  order_type: lowerEnum(['market', 'limit']).optional(),
  price: positive().optional(),
  /** Stop-loss / take-profit distances: ATR multiples or percent of the entry (0 = none). */
  sl_atr: nonNegative().optional(),
  tp_atr: nonNegative().optional(),
  sl_pct: numeric(z.number().finite().nonnegative().lt(100)).optional(),
  tp_pct: nonNegative().optional(),
  /**
   * Trailing stop: the offset behind the best price (`trail_atr` / `trail_pct`, 0 = none) and how
   * far the price must first move in the position's favour (`trail_activation_*`, default 0).
   * Venues trail by a percent of the best price: an ATR offset becomes a percent of the entry
   * when the executor places the order (README, "Trade management").
   */
  trail_atr: nonNegative().optional(),
  trail_pct: numeric(z.number().finite().nonnegative().lt(100)).optional(),
  trail_activation_atr: nonNegative().optional(),
  trail_activation_pct: nonNegative().optional(),
  /**
   * Partial take-profits before `tp_*` (README, "Trade management"): `tp1_atr` / `tp1_pct` with
   * `tp1_qty_pct` (percent of the entry's quantity), the same for `tp2_*`; `break_even` 1 moves
   * the stop-loss to the entry price once the first take-profit has filled.
   */
  tp1_atr: positive().optional(),
  tp1_pct: positive().optional(),
  tp1_qty_pct: numeric(z.number().finite().positive().lt(100)).optional(),
  tp2_atr: positive().optional(),
  tp2_pct: positive().optional(),
  tp2_qty_pct: numeric(z.number().finite().positive().lt(100)).optional(),
  break_even: z
    .union([z.boolean(), z.literal(0), z.literal(1), z.enum(['0', '1', 'true', 'false'])])
    .transform((value) => value === true || value === 1 || value === '1' || value === 'true')
    .optional(),
  /** Percent of the open position a close action closes (default 100: all of it). */
  close_pct: numeric(z.number().finite().positive().max(100)).optional(),
  /** Timeframe of the ATR. */
  timeframe: z
    .union([
      z.string().trim().regex(TIMEFRAME, 'timeframe must look like 60, 1D, 4h'),
      z.number().int().positive(),
    ])
    .transform((value) => String(value))
    .optional(),
  margin_mode: lowerEnum(['isolated', 'cross']).optional(),
});
type PayloadFields = z.output<typeof PayloadFields>;

export const WebhookPayloadSchema = PayloadFields.superRefine((payload, ctx) => {
  const accountWide = payload.scope === 'account';
  if (accountWide && payload.action !== 'close_all' && payload.action !== 'cancel_orders') {
    ctx.addIssue({
      code: 'custom',
      path: ['scope'],
      message: 'scope "account" is for close_all and cancel_orders only',
    });
  }
  if (!accountWide && payload.symbol === undefined) {
    // As zod words a missing required field: only the account-wide forms may leave it out.
    ctx.addIssue({
      code: 'invalid_type',
      expected: 'string',
      input: undefined,
      path: ['symbol'],
      message: 'symbol is required (leave it out only with scope "account")',
    });
  }
  const sizes = (['size_pct', 'size_usdt', 'qty'] as const).filter((key) => payload[key] !== undefined);
  if (sizes.length > 1) {
    ctx.addIssue({
      code: 'custom',
      path: [sizes[1]!],
      message: 'send at most one of size_pct, size_usdt, qty',
    });
  }
  if (payload.order_type === 'limit' && payload.price === undefined) {
    ctx.addIssue({ code: 'custom', path: ['price'], message: 'a limit order needs price' });
  }
  if (payload.sl_atr !== undefined && payload.sl_pct !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['sl_pct'], message: 'send sl_atr or sl_pct, not both' });
  }
  if (payload.tp_atr !== undefined && payload.tp_pct !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['tp_pct'], message: 'send tp_atr or tp_pct, not both' });
  }
  if (payload.trail_atr !== undefined && payload.trail_pct !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['trail_pct'], message: 'send trail_atr or trail_pct, not both' });
  }
  const activation =
    payload.trail_activation_atr !== undefined
      ? 'atr'
      : payload.trail_activation_pct !== undefined
        ? 'pct'
        : null;
  const offset = payload.trail_atr !== undefined ? 'atr' : payload.trail_pct !== undefined ? 'pct' : null;
  if (activation !== null && activation !== offset) {
    ctx.addIssue({
      code: 'custom',
      path: [`trail_activation_${activation}`],
      message: `trail_activation_${activation} needs trail_${activation} in the same unit`,
    });
  }
  checkPartialTakeProfits(payload, ctx);
  if (payload.close_pct !== undefined && (payload.action === 'long' || payload.action === 'short')) {
    ctx.addIssue({
      code: 'custom',
      path: ['close_pct'],
      message: 'close_pct goes with a close, not an entry',
    });
  }
  if ((payload.action === 'buy' || payload.action === 'sell') && payload.market_position === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['market_position'],
      message: 'buy / sell need market_position ({{strategy.market_position}})',
    });
  }
  if ((payload.action === 'long' || payload.action === 'short') && payload.leverage === undefined) {
    ctx.addIssue({ code: 'custom', path: ['leverage'], message: 'an entry needs leverage (1–125)' });
  }
});

/**
 * `tp1_*` / `tp2_*` / `break_even` state a ladder the trade plan's one rule accepts
 * (`partialTakeProfitProblem`), each mistake named by its field.
 */
function checkPartialTakeProfits(payload: PayloadFields, ctx: z.RefinementCtx): void {
  const partials: PartialTakeProfit[] = [];
  for (const n of [1, 2] as const) {
    const atr = payload[`tp${n}_atr`];
    const pct = payload[`tp${n}_pct`];
    const qtyPct = payload[`tp${n}_qty_pct`];
    const named = atr !== undefined || pct !== undefined || qtyPct !== undefined;
    if (!named) continue;
    if (atr !== undefined && pct !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [`tp${n}_pct`],
        message: `send tp${n}_atr or tp${n}_pct, not both`,
      });
      return;
    }
    if (atr === undefined && pct === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [`tp${n}_atr`],
        message: `tp${n}_qty_pct needs tp${n}_atr or tp${n}_pct`,
      });
      return;
    }
    if (qtyPct === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [`tp${n}_qty_pct`],
        message: `tp${n} needs tp${n}_qty_pct (percent of the entry)`,
      });
      return;
    }
    if (n === 2 && partials.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['tp2_atr'], message: 'tp2 needs tp1' });
      return;
    }
    partials.push({
      distance: atr !== undefined ? { type: 'atr', multiplier: atr } : { type: 'percent', percent: pct! },
      qtyPct,
    });
  }
  if (partials.length > 0) {
    const last: ExitSpec =
      payload.tp_atr !== undefined
        ? payload.tp_atr > 0
          ? { type: 'atr', multiplier: payload.tp_atr }
          : { type: 'none' }
        : payload.tp_pct !== undefined && payload.tp_pct > 0
          ? { type: 'percent', percent: payload.tp_pct }
          : { type: 'none' };
    const problem = partialTakeProfitProblem(partials, last);
    if (problem !== undefined)
      ctx.addIssue({ code: 'custom', path: [`tp${problem.index + 1}_qty_pct`], message: problem.message });
  }
  if (payload.break_even === true && partials.length === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['break_even'],
      message: 'break_even needs tp1 (it moves the stop after the first take-profit)',
    });
  }
}

/** A payload after validation (enums lower-cased, numeric strings turned into numbers, unknown fields dropped). */
export type WebhookPayload = z.output<typeof WebhookPayloadSchema>;
/** What a sender may put in the body. */
export type WebhookPayloadInput = z.input<typeof WebhookPayloadSchema>;
