import { and, eq } from 'drizzle-orm';
import { DEFAULT_TRADE_PLAN, type ExitSpec } from '@tradingbot/core';
import { accounts, type AccountRow, type Database, type ProtectionPolicy } from '@tradingbot/db';
import type { AccountSettings, ExecutionResult } from '@tradingbot/executor';
import { ServerErrors } from '../errors.ts';
import { ownAccount } from './accounts.ts';
import { audit } from './audit.ts';
import { dailyLossLimitOf, dayPnl, utcDay } from './daily-loss.ts';
import {
  queueManualSignal,
  type ManualRequest,
  type SignalQueuePort,
} from './notify/telegram/manual-signals.ts';

/**
 * An account's trading settings (issue 18.4) and the manual controls (18.6).
 *
 * Settings live in the account row's `settings` JSON (camelCase keys, read by `executorSettings`
 * for the executor) and its `protection_policy` column (the account mirror's). Manual closes,
 * flattens and cancels are signals like alerts (`queueManualSignal`, source `manual`), so they run
 * in the account's queue after the alerts before them; pause and resume are flags admission reads.
 */

/** The settings as stored in `api_keys.settings` (older rows may hold `slAtr` / `tpAtr` only). */
type Stored = {
  defaultSizePct?: number;
  defaultSizeUsdt?: string;
  defaultLeverage?: number;
  marginMode?: 'cross' | 'isolated';
  stopLoss?: ExitSpec;
  takeProfit?: ExitSpec;
  slAtr?: number;
  tpAtr?: number;
  maxLeverage?: number;
  maxPositionNotional?: string;
  maxOpenPositions?: number;
  dailyLossLimit?: string;
};

const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const str = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

function exitOf(value: unknown, legacyAtr: unknown, fallback: ExitSpec): ExitSpec {
  if (value !== null && typeof value === 'object') {
    const spec = value as Record<string, unknown>;
    if (spec.type === 'none') return { type: 'none' };
    if (spec.type === 'atr' && num(spec.multiplier) !== undefined)
      return { type: 'atr', multiplier: num(spec.multiplier)! };
    if (spec.type === 'percent' && num(spec.percent) !== undefined)
      return { type: 'percent', percent: num(spec.percent)! };
  }
  const atr = num(legacyAtr);
  if (atr !== undefined) return atr > 0 ? { type: 'atr', multiplier: atr } : { type: 'none' };
  return { ...fallback };
}

/** The stored settings, each with its default applied (the trade plan's where it has one). */
function storedSettings(raw: Record<string, unknown>) {
  const marginMode = raw.marginMode === 'isolated' ? 'isolated' : DEFAULT_TRADE_PLAN.marginMode;
  return {
    defaultSizePct: num(raw.defaultSizePct) ?? DEFAULT_TRADE_PLAN.sizePct,
    defaultSizeUsdt: str(raw.defaultSizeUsdt),
    defaultLeverage: num(raw.defaultLeverage) ?? DEFAULT_TRADE_PLAN.leverage,
    marginMode,
    stopLoss: exitOf(raw.stopLoss, raw.slAtr, DEFAULT_TRADE_PLAN.stopLoss),
    takeProfit: exitOf(raw.takeProfit, raw.tpAtr, DEFAULT_TRADE_PLAN.takeProfit),
    maxLeverage: num(raw.maxLeverage),
    maxPositionNotional: str(raw.maxPositionNotional),
    maxOpenPositions: num(raw.maxOpenPositions),
  };
}

/** The executor's view of an account's settings (`AccountSettings` of @tradingbot/executor). */
export function executorSettings(raw: Record<string, unknown>): AccountSettings {
  const s = storedSettings(raw);
  const exit = (spec: ExitSpec, atrKey: 'slAtr' | 'tpAtr', pctKey: 'slPct' | 'tpPct') =>
    spec.type === 'percent'
      ? { [pctKey]: spec.percent }
      : { [atrKey]: spec.type === 'atr' ? spec.multiplier : 0 };
  return {
    defaultLeverage: s.defaultLeverage,
    ...(num(raw.defaultSizePct) !== undefined ? { defaultSizePct: s.defaultSizePct } : {}),
    ...(s.defaultSizeUsdt !== undefined ? { defaultSizeUsdt: s.defaultSizeUsdt } : {}),
    ...(raw.marginMode !== undefined ? { marginMode: s.marginMode } : {}),
    // Only what the account states: otherwise the executor applies the plan's default (source "default").
    ...(raw.stopLoss !== undefined || raw.slAtr !== undefined ? exit(s.stopLoss, 'slAtr', 'slPct') : {}),
    ...(raw.takeProfit !== undefined || raw.tpAtr !== undefined ? exit(s.takeProfit, 'tpAtr', 'tpPct') : {}),
    ...(s.maxLeverage !== undefined ? { maxLeverage: s.maxLeverage } : {}),
    ...(s.maxPositionNotional !== undefined ? { maxPositionNotional: s.maxPositionNotional } : {}),
    ...(s.maxOpenPositions !== undefined ? { maxOpenPositions: s.maxOpenPositions } : {}),
  };
}

/** The body of `PUT /settings` after validation (routes/account-controls.schema.ts). */
export type SettingsUpdate = {
  default_size?: { kind: 'pct'; value: number } | { kind: 'usdt'; value: string };
  default_leverage?: number;
  margin_mode?: 'cross' | 'isolated';
  stop_loss?: ExitSpec;
  take_profit?: ExitSpec;
  max_leverage?: number | null;
  max_position_notional?: string | null;
  max_open_positions?: number | null;
  daily_loss_limit?: string | null;
  protection_policy?: ProtectionPolicy;
};

/** The settings as the API answers them. */
export async function settingsView(database: Database, account: AccountRow, now = Date.now()) {
  const s = storedSettings(account.settings);
  const pnl = await dayPnl(database, account.id, utcDay(now));
  const lossPaused = account.lossPausedUntil !== null && account.lossPausedUntil.getTime() > now;
  return {
    account_id: account.id,
    default_size:
      s.defaultSizeUsdt !== undefined
        ? { kind: 'usdt' as const, value: s.defaultSizeUsdt }
        : { kind: 'pct' as const, value: s.defaultSizePct },
    default_leverage: s.defaultLeverage,
    margin_mode: s.marginMode,
    stop_loss: s.stopLoss,
    take_profit: s.takeProfit,
    max_leverage: s.maxLeverage ?? null,
    max_position_notional: s.maxPositionNotional ?? null,
    max_open_positions: s.maxOpenPositions ?? null,
    daily_loss_limit: dailyLossLimitOf(account) ?? null,
    protection_policy: account.protectionPolicy,
    entries_paused: account.entriesPaused,
    loss_paused_until: lossPaused ? account.lossPausedUntil!.toISOString() : null,
    today_net_pnl: pnl.net.toDecimalPlaces(8).toFixed(),
  };
}

export async function getSettings(database: Database, userId: string, accountId: string) {
  return settingsView(database, await ownAccount(database, userId, accountId));
}

/** A field error in the API's shape (`VALIDATION_FAILED`, `details.issues[]`). */
function fieldError(field: string, message: string, facts: Record<string, unknown> = {}) {
  return ServerErrors.create('VALIDATION_FAILED', {
    message: `body.${field}: ${message}`,
    details: { issues: [{ field, message, code: 'too_big', ...facts }] },
  });
}

/** Merges the update into the stored settings, checks the merged whole, saves, audits. */
export async function putSettings(
  database: Database,
  userId: string,
  accountId: string,
  update: SettingsUpdate,
) {
  const account = await ownAccount(database, userId, accountId);
  const next: Record<string, unknown> = { ...account.settings };
  const set = (key: keyof Stored, value: unknown) => {
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = value;
  };
  if (update.default_size) {
    if (update.default_size.kind === 'pct') {
      next.defaultSizePct = update.default_size.value;
      delete next.defaultSizeUsdt;
    } else {
      next.defaultSizeUsdt = update.default_size.value;
    }
  }
  set('defaultLeverage', update.default_leverage);
  set('marginMode', update.margin_mode);
  if (update.stop_loss) {
    next.stopLoss = update.stop_loss;
    delete next.slAtr;
  }
  if (update.take_profit) {
    next.takeProfit = update.take_profit;
    delete next.tpAtr;
  }
  set('maxLeverage', update.max_leverage);
  set('maxPositionNotional', update.max_position_notional);
  set('maxOpenPositions', update.max_open_positions);
  set('dailyLossLimit', update.daily_loss_limit);

  const merged = storedSettings(next);
  if (merged.maxLeverage !== undefined && merged.defaultLeverage > merged.maxLeverage) {
    throw fieldError(
      update.default_leverage !== undefined ? 'default_leverage' : 'max_leverage',
      `the default leverage (${merged.defaultLeverage}) must be at most the maximum leverage (${merged.maxLeverage})`,
      { maximum: merged.maxLeverage, origin: 'number' },
    );
  }
  const [saved] = await database.db
    .update(accounts)
    .set({
      settings: next,
      ...(update.protection_policy ? { protectionPolicy: update.protection_policy } : {}),
      // A limit set (again) is armed again, even on a day the user resumed after the old one.
      ...(update.daily_loss_limit !== undefined ? { lossResumedDay: null } : {}),
      updatedAt: new Date(),
    })
    .where(and(eq(accounts.id, account.id), eq(accounts.userId, userId)))
    .returning();
  await audit(database, {
    userId,
    accountId: account.id,
    action: 'account.settings_changed',
    details: { changed: Object.keys(update) },
  });
  return settingsView(database, saved ?? account);
}

/**
 * Pauses or resumes new entries. Resuming also lifts a daily-loss pause and records the day, so
 * that day's losses do not pause the account again (the user chose to go on).
 */
export async function setEntriesPaused(
  database: Database,
  userId: string,
  accountId: string,
  paused: boolean,
  source: 'manual' | 'telegram',
  now = Date.now(),
) {
  const account = await ownAccount(database, userId, accountId);
  const [saved] = await database.db
    .update(accounts)
    .set(
      paused
        ? { entriesPaused: true, updatedAt: new Date(now) }
        : {
            entriesPaused: false,
            lossPausedUntil: null,
            lossResumedDay: utcDay(now),
            updatedAt: new Date(now),
          },
    )
    .where(and(eq(accounts.id, account.id), eq(accounts.userId, userId)))
    .returning();
  await audit(database, {
    userId,
    accountId: account.id,
    action: paused ? 'account.entries_paused' : 'account.entries_resumed',
    details: { source },
  });
  const row = saved ?? account;
  return {
    account_id: row.id,
    entries_paused: row.entriesPaused,
    loss_paused_until:
      row.lossPausedUntil && row.lossPausedUntil.getTime() > now ? row.lossPausedUntil.toISOString() : null,
  };
}

/** How long a manual action's request waits for its result before answering `queued`. */
export const MANUAL_WAIT_MS = 2_500;

/**
 * Queues a manual action for the user's account and waits (up to `waitMs`) for its result. The
 * action runs in the account's signal queue: after every alert queued before it, never beside one.
 */
export async function runManualAction(
  deps: { database: Database; queue: SignalQueuePort },
  userId: string,
  accountId: string,
  request: Omit<ManualRequest, 'source'>,
  waitMs = MANUAL_WAIT_MS,
) {
  const account = await ownAccount(deps.database, userId, accountId);
  const signalId = await queueManualSignal(deps.database, deps.queue, account, {
    ...request,
    source: 'manual',
  });
  const result = await deps.queue.waitFor(signalId, waitMs);
  if (result === 'timeout') return { signal_id: signalId, status: 'queued' as const, result: null };
  return {
    signal_id: signalId,
    status: result.success ? ('executed' as const) : ('failed' as const),
    result: result as ExecutionResult & Record<string, unknown>,
  };
}
