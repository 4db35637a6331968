import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import {
  auditLog,
  botDecisions,
  bots,
  signals,
  type AccountRow,
  type BotRow,
  type Database,
} from '@tradingbot/db';
import type { LiveAction, PositionState } from '@tradingbot/engine';
import { toSignal } from '@tradingbot/executor';
import type { TradePlan } from '@tradingbot/core';
import { planAlertFields } from './plan.ts';

/** Why a decided action was not traded (stored in `bot_decisions.reason`, shown to the user). */
export type SkipReason = string;

/** The deterministic id of a bot's action on a bar: every process and every restart derives the same. */
export function botSignalId(botId: string, barOpenTime: number, action: LiveAction): string {
  return `bot:${botId}:${barOpenTime}:${action}`;
}

/**
 * The alert a bot's action becomes: the webhook payload's shape (so the worker, the executor, the
 * audit and the notifications treat it like any alert), `source: "bot"`, no secret, and the plan
 * stated in full.
 */
export function botPayload(
  bot: BotRow,
  account: AccountRow,
  plan: TradePlan,
  barOpenTime: number,
  action: LiveAction,
) {
  return {
    account_id: account.id,
    exchange: account.exchange,
    action,
    symbol: bot.symbol,
    id: botSignalId(bot.id, barOpenTime, action),
    source: 'bot',
    bot_id: bot.id,
    bar_time: barOpenTime,
    timeframe: bot.timeframe,
    ...planAlertFields(plan),
  };
}

/**
 * Records a decision exactly once: for `sent`, the signal row (key from the action's deterministic
 * id), the decision and the bot's checkpoint in one transaction, so a process killed at any moment
 * leaves either all of them or none (the bar is evaluated again after a restart, and its signal's
 * key makes a second row impossible). Returns the signal id, or undefined when the bar was already
 * acted on (by this process before a crash, or another).
 */
export async function recordSentDecision(
  database: Database,
  input: {
    bot: BotRow;
    account: AccountRow;
    plan: TradePlan;
    barOpenTime: number;
    action: LiveAction;
    position: PositionState;
    receivedAt: number;
  },
): Promise<{ signalId: string; created: boolean }> {
  const { bot, account, barOpenTime, action } = input;
  const payload = botPayload(bot, account, input.plan, barOpenTime, action);
  const signal = toSignal(payload, { receivedAt: input.receivedAt });
  const id = randomUUID();
  return database.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(signals)
      .values({
        id,
        accountId: account.id,
        userId: account.userId,
        idempotencyKey: signal.idempotencyKey,
        payload,
        sourceIp: null,
        receivedAt: new Date(input.receivedAt),
        status: 'received',
      })
      .onConflictDoNothing()
      .returning({ id: signals.id });
    let signalId = inserted[0]?.id;
    const created = signalId !== undefined;
    if (!created) {
      const [known] = await tx
        .select({ id: signals.id })
        .from(signals)
        .where(and(eq(signals.accountId, account.id), eq(signals.idempotencyKey, signal.idempotencyKey)));
      signalId = known!.id;
    }
    await tx
      .insert(botDecisions)
      .values({ botId: bot.id, barTime: new Date(barOpenTime), action, outcome: 'sent', signalId })
      .onConflictDoNothing();
    await tx
      .update(bots)
      .set({ lastBarTime: new Date(barOpenTime), position: input.position, updatedAt: new Date() })
      .where(eq(bots.id, bot.id));
    if (created) {
      await tx.insert(auditLog).values({
        userId: account.userId,
        accountId: account.id,
        signalId,
        action: 'signal.bot',
        details: {
          bot_id: bot.id,
          strategy: bot.strategy,
          action,
          symbol: bot.symbol,
          bar_time: barOpenTime,
        },
      });
    }
    return { signalId: signalId!, created };
  });
}

/** Records an action that was decided but not traded, with the reason (once per bot, bar and action). */
export async function recordSkippedDecision(
  database: Database,
  input: { bot: BotRow; account: AccountRow; barOpenTime: number; action: LiveAction; reason: SkipReason },
): Promise<void> {
  const inserted = await database.db
    .insert(botDecisions)
    .values({
      botId: input.bot.id,
      barTime: new Date(input.barOpenTime),
      action: input.action,
      outcome: 'skipped',
      reason: input.reason,
    })
    .onConflictDoNothing()
    .returning({ id: botDecisions.id });
  if (inserted.length === 0) return;
  await database.db.insert(auditLog).values({
    userId: input.account.userId,
    accountId: input.account.id,
    action: 'bot.signal_skipped',
    details: {
      bot_id: input.bot.id,
      action: input.action,
      symbol: input.bot.symbol,
      bar_time: input.barOpenTime,
      reason: input.reason,
    },
  });
}

/** Moves the bot's checkpoint to a bar evaluated without a trade. */
export async function recordCheckpoint(
  database: Database,
  botId: string,
  barOpenTime: number,
  position: PositionState,
): Promise<void> {
  await database.db
    .update(bots)
    .set({ lastBarTime: new Date(barOpenTime), position, updatedAt: new Date() })
    .where(eq(bots.id, botId));
}
