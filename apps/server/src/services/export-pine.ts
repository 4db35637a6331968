import { z } from 'zod';
import {
  DEFAULT_TRADE_PLAN,
  statedExit,
  statedTrailing,
  type ExitSpec,
  type TrailingSpec,
  type VenueId,
} from '@tradingbot/core';
import type { Database } from '@tradingbot/db';
import { buildPineExport, type PineBacktestInput } from '@tradingbot/pine';
import { ServerErrors } from '../errors.ts';
import { AccountGroups } from './account-groups.ts';
import { ownAccount } from './accounts.ts';
import {
  checkPartialTakeProfits,
  PARTIAL_TAKE_PROFIT_FIELDS,
  statedPartialTakeProfits,
} from './partial-take-profits.ts';

export type ExportPineInput = {
  strategy: string;
  /** JSON object text, as the query string carries it. */
  params?: string | undefined;
  account_id?: string | undefined;
  group_id?: string | undefined;
  leverage?: number | undefined;
  lang?: 'ko' | 'en' | undefined;
  /** The lab's plan (its backtest options), JSON object text. */
  plan?: string | undefined;
  /** The lab's metrics for that plan, JSON object text. */
  expected?: string | undefined;
};

/**
 * The lab's backtest options (routes/lab.schema.ts `Options`), plus the ATR period and slippage:
 * everything the lab sends is carried, so "Export" never refuses a run the lab accepted.
 */
const PlanJson = z
  .strictObject({
    initial_capital: z.number().positive().max(1e12),
    size_pct: z.number().positive().max(100),
    leverage: z.number().int().min(1).max(125),
    commission_pct: z.number().min(0).max(10),
    slippage_ticks: z.number().int().min(0).max(1000),
    direction: z.enum(['both', 'long', 'short']),
    stop_loss_pct: z.number().positive().max(100),
    take_profit_pct: z.number().positive().max(1000),
    stop_loss_atr: z.number().min(0).max(100),
    take_profit_atr: z.number().min(0).max(100),
    trailing_atr: z.number().min(0).max(100),
    trailing_pct: z.number().min(0).lt(100),
    trailing_activation: z.number().min(0).max(1000),
    close_pct: z.number().positive().max(100),
    atr_period: z.number().int().min(1).max(5000),
    fill_on_close: z.boolean(),
    /** The lab run used lower-timeframe candles: the script sets `use_bar_magnifier = true`. */
    bar_magnifier: z.boolean(),
    /** The lab run paid funding: TradingView's Strategy Tester charges none (the page says so). */
    funding: z.boolean(),
    ...PARTIAL_TAKE_PROFIT_FIELDS,
  })
  .partial()
  .superRefine((plan, ctx) => {
    if (plan.trailing_atr !== undefined && plan.trailing_pct !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['trailing_pct'],
        message: 'send trailing_atr or trailing_pct, not both',
      });
    checkPartialTakeProfits(plan, ctx);
  });

/** The Strategy Tester figures the lab computed for the same plan (null where undefined). */
const ExpectedJson = z
  .object({
    net_profit_pct: z.number().nullable(),
    total_trades: z.number().nullable(),
    win_rate: z.number().nullable(),
    max_drawdown_pct: z.number().nullable(),
    profit_factor: z.number().nullable(),
  })
  .partial();

/** A query parameter's JSON text parsed by `schema`; a field error names `<name>.<field>`. */
function parseJsonParam<T>(
  name: string,
  text: string | undefined,
  schema: z.ZodType<T>,
  example: string,
): T | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw ServerErrors.create('VALIDATION_FAILED', {
      message: `${name} must be a JSON object, e.g. ${example}`,
    });
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    field: [name, ...issue.path.map(String)].join('.'),
    message: issue.message,
    code: issue.code,
  }));
  throw ServerErrors.create('VALIDATION_FAILED', {
    message: `querystring.${issues[0]?.field ?? name}: ${issues[0]?.message ?? 'is invalid'}`,
    details: { issues },
  });
}

/**
 * The caller's account, or account group, the alerts go to (exactly one named). A group's alerts
 * carry no exchange; the script's header and guide name the group, not a venue.
 */
async function exportTarget(
  database: Database,
  userId: string,
  input: Pick<ExportPineInput, 'account_id' | 'group_id'>,
): Promise<{ account: { id?: string; exchange: VenueId }; group?: { id: string } }> {
  if ((input.account_id === undefined) === (input.group_id === undefined)) {
    const message = 'querystring.account_id: give account_id or group_id (one of them)';
    throw ServerErrors.create('VALIDATION_FAILED', {
      message,
      details: { issues: [{ field: 'account_id', message }] },
    });
  }
  if (input.account_id !== undefined) {
    const account = await ownAccount(database, userId, input.account_id);
    return { account: { id: account.id, exchange: account.exchange } };
  }
  const group = await new AccountGroups(database).get(userId, input.group_id!);
  const first = group.members[0];
  if (first === undefined) throw ServerErrors.create('ACCOUNT_GROUP_EMPTY');
  return { account: { exchange: first.exchange }, group: { id: group.id } };
}

const exitOf = (rule: ReturnType<typeof statedExit>): ExitSpec => rule ?? { type: 'none' };

/**
 * The Pine script, setup guide and alert message for one of the caller's accounts. The account's
 * webhook secret is stored only as a hash, so the script carries a visible placeholder where the
 * secret goes; the user pastes the secret they were shown at registration (or rotates it to get a
 * new one). With the lab's plan, the script's defaults and every alert carry that plan (leverage,
 * size, SL/TP, direction, commission and slippage for the Strategy Tester), and the guide names the
 * lab's figures as the ones the Strategy Tester should show.
 */
export async function exportPine(
  deps: { database: Database; publicUrl: string },
  userId: string,
  input: ExportPineInput,
) {
  const { strategy, lang } = input;
  const target = await exportTarget(deps.database, userId, input);
  let params: Record<string, unknown> = {};
  if (input.params !== undefined) {
    try {
      params = z.record(z.string(), z.unknown()).parse(JSON.parse(input.params));
    } catch {
      throw ServerErrors.create('VALIDATION_FAILED', {
        message: 'params must be a JSON object, e.g. {"rsiLength":14}',
      });
    }
  }
  const plan = parseJsonParam('plan', input.plan, PlanJson, '{"leverage":5,"stop_loss_atr":2}') ?? {};
  const expected = parseJsonParam('expected', input.expected, ExpectedJson, '{"total_trades":42}');
  const leverage = input.leverage ?? plan.leverage ?? DEFAULT_TRADE_PLAN.leverage;
  const stopLoss = exitOf(statedExit(plan.stop_loss_pct, plan.stop_loss_atr, DEFAULT_TRADE_PLAN.stopLoss));
  const takeProfit = exitOf(
    statedExit(plan.take_profit_pct, plan.take_profit_atr, DEFAULT_TRADE_PLAN.takeProfit),
  );
  const trailing: TrailingSpec = statedTrailing(
    plan.trailing_pct,
    plan.trailing_atr,
    plan.trailing_activation,
    DEFAULT_TRADE_PLAN.trailing,
  ) ?? { type: 'none' };
  const partialTakeProfits = statedPartialTakeProfits(plan);
  const breakEven = plan.break_even === true;
  const backtest: PineBacktestInput = {
    stopLoss,
    takeProfit,
    trailing,
    // Stated only when given: a plan without them exports the same script and alerts as before.
    ...(partialTakeProfits.length > 0 ? { partialTakeProfits } : {}),
    ...(breakEven ? { breakEven } : {}),
    ...(plan.close_pct !== undefined ? { closePct: plan.close_pct } : {}),
    ...(plan.initial_capital !== undefined ? { initialCapital: plan.initial_capital } : {}),
    ...(plan.size_pct !== undefined ? { sizePct: plan.size_pct } : {}),
    ...(plan.commission_pct !== undefined ? { commissionPct: plan.commission_pct } : {}),
    ...(plan.slippage_ticks !== undefined ? { slippageTicks: plan.slippage_ticks } : {}),
    ...(plan.direction !== undefined ? { direction: plan.direction } : {}),
    ...(plan.atr_period !== undefined ? { atrPeriod: plan.atr_period } : {}),
    ...(plan.fill_on_close !== undefined ? { fillOnClose: plan.fill_on_close } : {}),
    ...(plan.bar_magnifier === true ? { barMagnifier: true } : {}),
  };
  const built = buildPineExport({
    strategy,
    params,
    ...target,
    webhookUrl: `${deps.publicUrl}/api/v1/webhook/tradingview`,
    includeSecret: false,
    leverage,
    backtest,
    ...(expected !== undefined ? { expected } : {}),
    ...(lang !== undefined ? { lang } : {}),
  });
  return {
    script: built.script,
    guide: built.guide,
    webhook_url: built.webhook_url,
    alert_message_example: built.alert_message_example,
    plan: {
      leverage,
      size_pct: built.plan.sizePct,
      initial_capital: built.plan.initialCapital,
      commission_pct: built.plan.commissionPct,
      slippage_ticks: built.plan.slippageTicks,
      direction: built.plan.direction,
      stop_loss: stopLoss,
      take_profit: takeProfit,
      partial_take_profits: partialTakeProfits.map((partial) => ({
        distance: partial.distance,
        qty_pct: partial.qtyPct,
      })),
      break_even: breakEven,
      trailing,
      close_pct: built.plan.closePct,
      atr_period: built.plan.atrPeriod,
      bar_magnifier: plan.bar_magnifier === true,
      funding: plan.funding === true,
    },
  };
}
