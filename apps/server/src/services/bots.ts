import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { isAppError, type VenueId } from '@tradingbot/core';
import { accounts, botDecisions, bots, signals, type BotRow, type Database } from '@tradingbot/db';
import { getStrategy, resolveParams, type StrategyDeclaration } from '@tradingbot/engine';
import { normalizeSymbol, venueTimeframeMs } from '@tradingbot/exchange';
import { ServerErrors } from '../errors.ts';
import { planJson, resolvePlan, storedPlan, type BotPlanInput } from './bots/plan.ts';
import { NO_PNL, botsPnl, type BotPnl } from './bots/pnl.ts';

/** Most bots one user may define (each holds a stream subscription and a strategy's state). */
export const MAX_BOTS_PER_USER = 100;

export type BotsDeps = {
  database: Database;
  /** Default of a bot's max signal age (BOT_MAX_SIGNAL_AGE_MS). */
  maxSignalAgeMs: number;
  /** Tells this process's bot runner that an account's bots changed (start, stop, delete). */
  changed?: (accountId: string) => void;
};

export type CreateBotInput = {
  account_id: string;
  name?: string | undefined;
  strategy: string;
  params: Record<string, number>;
  symbol: string;
  timeframe: string;
  plan?: BotPlanInput | undefined;
  max_signal_age_s?: number | undefined;
  start: boolean;
};

type Issue = { field: string; message: string; code: string; minimum?: number; maximum?: number };

/** A bad definition as the API's field errors (`details.issues`, like a schema failure). */
function invalid(issues: Issue[]) {
  return ServerErrors.create('VALIDATION_FAILED', {
    message: `body.${issues[0]!.field}: ${issues[0]!.message}`,
    details: { issues },
  });
}

/**
 * What a bot needs beyond its schema: a strategy that exists, parameters inside their declared
 * ranges (and constraints), a symbol the venue can name and a timeframe the venue's candles have.
 * Every problem is reported at once, each on its field.
 */
export function validateBotDefinition(input: CreateBotInput, venue: VenueId) {
  const issues: Issue[] = [];
  let declaration: StrategyDeclaration | undefined;
  try {
    declaration = getStrategy(input.strategy);
  } catch (error) {
    if (!isAppError(error)) throw error;
    issues.push({ field: 'strategy', message: error.message, code: 'custom' });
  }
  let params: Record<string, number> = {};
  if (declaration) {
    for (const [name, value] of Object.entries(input.params)) {
      const spec = declaration.params[name];
      if (spec === undefined) {
        issues.push({
          field: `params.${name}`,
          message: `${declaration.id} has no parameter "${name}"; its parameters are ${Object.keys(declaration.params).join(', ')}`,
          code: 'unrecognized_keys',
        });
      } else if (value < spec.min || value > spec.max || (spec.type === 'int' && !Number.isInteger(value))) {
        issues.push({
          field: `params.${name}`,
          message: `must be ${spec.type === 'int' ? 'a whole number ' : ''}between ${spec.min} and ${spec.max}`,
          code: value < spec.min ? 'too_small' : value > spec.max ? 'too_big' : 'invalid_type',
          minimum: spec.min,
          maximum: spec.max,
        });
      }
    }
    if (issues.length === 0) {
      try {
        params = resolveParams(declaration, input.params);
      } catch (error) {
        if (!isAppError(error)) throw error;
        const names = (error.details?.params as string[] | undefined) ?? [];
        issues.push({ field: `params.${names[0] ?? ''}`, message: error.message, code: 'custom' });
      }
    }
  }
  if (venueTimeframeMs(venue, input.timeframe) === undefined) {
    issues.push({
      field: 'timeframe',
      message: `${venue} has no ${input.timeframe} candles`,
      code: 'custom',
    });
  }
  let symbol = input.symbol;
  try {
    symbol = normalizeSymbol(input.symbol, venue);
  } catch (error) {
    if (!isAppError(error)) throw error;
    issues.push({ field: 'symbol', message: error.message, code: 'custom' });
  }
  if (issues.length > 0) throw invalid(issues);
  return { declaration: declaration!, params, symbol };
}

/** A bot as the API answers it, with what it has traded (`pnl`, from its signals' fills). */
export function botJson(row: BotRow, exchange: VenueId, defaultMaxAgeMs: number, pnl: BotPnl = NO_PNL) {
  const tf = venueTimeframeMs(exchange, row.timeframe) ?? 0;
  const last = row.lastBarTime?.getTime() ?? null;
  const active = row.desiredState === 'running' && (row.status === 'running' || row.status === 'warming_up');
  return {
    id: row.id,
    account_id: row.accountId,
    exchange,
    name: row.name,
    strategy: row.strategy,
    params: row.params,
    symbol: row.symbol,
    timeframe: row.timeframe,
    plan: planJson(storedPlan(row.plan)),
    max_signal_age_s: Math.round((row.maxSignalAgeMs ?? defaultMaxAgeMs) / 1000),
    desired_state: row.desiredState,
    status: row.status,
    status_reason: row.statusReason,
    status_since: row.statusSince.toISOString(),
    position: row.position,
    last_bar_time: last,
    // The next bar opens where the last one evaluated ended; it is due when it closes.
    next_bar_due: active && last !== null && tf > 0 ? last + 2 * tf : null,
    pnl,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

async function ownAccount(database: Database, userId: string, accountId: string) {
  const [account] = await database.db
    .select()
    .from(accounts)
    .where(and(eq(accounts.id, accountId), eq(accounts.userId, userId)));
  if (!account) throw ServerErrors.create('ACCOUNT_NOT_FOUND');
  return account;
}

async function ownBot(database: Database, userId: string, botId: string) {
  const [row] = await database.db
    .select({ bot: bots, exchange: accounts.exchange })
    .from(bots)
    .innerJoin(accounts, eq(accounts.id, bots.accountId))
    .where(and(eq(bots.id, botId), eq(bots.userId, userId)));
  if (!row) throw ServerErrors.create('BOT_NOT_FOUND');
  return row;
}

/** Defines a bot on one of the caller's accounts (stopped unless `start`). */
export async function createBot(deps: BotsDeps, userId: string, input: CreateBotInput) {
  const { database } = deps;
  const account = await ownAccount(database, userId, input.account_id);
  const { params, symbol } = validateBotDefinition(input, account.exchange);
  const [{ count } = { count: 0 }] = await database.db
    .select({ count: sql<number>`count(*)::int` })
    .from(bots)
    .where(eq(bots.userId, userId));
  if (count >= MAX_BOTS_PER_USER) throw ServerErrors.create('BOT_LIMIT_REACHED');
  const [row] = await database.db
    .insert(bots)
    .values({
      id: randomUUID(),
      userId,
      accountId: account.id,
      name: input.name ?? '',
      strategy: input.strategy,
      params,
      symbol,
      timeframe: input.timeframe,
      plan: resolvePlan(input.plan) as unknown as Record<string, unknown>,
      maxSignalAgeMs: input.max_signal_age_s === undefined ? null : input.max_signal_age_s * 1000,
      desiredState: input.start ? 'running' : 'stopped',
    })
    .returning();
  if (input.start) deps.changed?.(account.id);
  return botJson(row!, account.exchange, deps.maxSignalAgeMs);
}

/** The caller's bots, newest first (optionally one account's). */
export async function listBots(deps: BotsDeps, userId: string, accountId?: string) {
  const rows = await deps.database.db
    .select({ bot: bots, exchange: accounts.exchange })
    .from(bots)
    .innerJoin(accounts, eq(accounts.id, bots.accountId))
    .where(and(eq(bots.userId, userId), accountId ? eq(bots.accountId, accountId) : undefined))
    .orderBy(desc(bots.createdAt));
  const pnl = await botsPnl(
    deps.database,
    rows.map((r) => r.bot.id),
  );
  const list = rows.map((r) => botJson(r.bot, r.exchange, deps.maxSignalAgeMs, pnl.get(r.bot.id)));
  return { bots: list, total: list.length };
}

/** One of the caller's bots with its latest decisions; another user's is as unknown as a missing one. */
export async function botDetail(deps: BotsDeps, userId: string, botId: string) {
  const { bot, exchange } = await ownBot(deps.database, userId, botId);
  const decisions = await deps.database.db
    .select({ decision: botDecisions, signalStatus: signals.status })
    .from(botDecisions)
    .leftJoin(signals, eq(signals.id, botDecisions.signalId))
    .where(eq(botDecisions.botId, bot.id))
    .orderBy(desc(botDecisions.barTime), desc(botDecisions.id))
    .limit(200);
  const pnl = await botsPnl(deps.database, [bot.id]);
  return {
    ...botJson(bot, exchange, deps.maxSignalAgeMs, pnl.get(bot.id)),
    decisions: decisions.map(({ decision, signalStatus }) => ({
      bar_time: decision.barTime.getTime(),
      action: decision.action,
      outcome: decision.outcome,
      reason: decision.reason,
      signal_id: decision.signalId,
      signal_status: signalStatus ?? null,
      created_at: decision.createdAt.toISOString(),
    })),
  };
}

/** Asks for the bot to run (`running`) or stop; the account's bot runner follows within a sweep. */
export async function setBotDesiredState(
  deps: BotsDeps,
  userId: string,
  botId: string,
  desired: 'running' | 'stopped',
) {
  const { bot, exchange } = await ownBot(deps.database, userId, botId);
  const [row] = await deps.database.db
    .update(bots)
    .set({
      desiredState: desired,
      updatedAt: new Date(),
      // A stop is final at once (the runner only confirms it); a start waits for the runner.
      ...(desired === 'stopped'
        ? { status: 'stopped' as const, statusReason: 'stopped by the user', statusSince: new Date() }
        : bot.status === 'error'
          ? { statusReason: null }
          : {}),
    })
    .where(eq(bots.id, bot.id))
    .returning();
  deps.changed?.(bot.accountId);
  const pnl = await botsPnl(deps.database, [bot.id]);
  return botJson(row!, exchange, deps.maxSignalAgeMs, pnl.get(bot.id));
}

/** Deletes the bot and its decisions (its signals and orders stay, as the account's history). */
export async function deleteBot(deps: BotsDeps, userId: string, botId: string) {
  const { bot } = await ownBot(deps.database, userId, botId);
  await deps.database.db.delete(bots).where(inArray(bots.id, [bot.id]));
  deps.changed?.(bot.accountId);
  return { success: true as const, message: 'Bot deleted' };
}
