import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import { accounts, notificationChannels, positions, type Database } from '@tradingbot/db';
import { dayPnl, nextUtcMidnight, utcDay } from '../daily-loss.ts';
import { maskId, type NotifyFacts } from './facts.ts';
import type { NotificationOutbox } from './outbox.ts';

/**
 * The optional daily summary (issue 19): for each user with a channel that chose `daily_summary`,
 * one message per UTC day with each account's net PnL (from `fills` and `funding_payments`, as
 * `/equity` counts it), its closing fills and its open positions (the account mirror's `positions`).
 * Queued with the key `summary:<user>:<day>`, so several processes, or a restart, queue it once.
 */
export async function queueDailySummaries(
  database: Database,
  outbox: NotificationOutbox,
  day: string,
): Promise<number> {
  const wanting = await database.db
    .selectDistinct({ userId: notificationChannels.userId })
    .from(notificationChannels)
    .where(
      and(
        eq(notificationChannels.enabled, true),
        sql`${notificationChannels.events} @> ${JSON.stringify(['daily_summary'])}::jsonb`,
      ),
    );
  let queued = 0;
  for (const { userId } of wanting) {
    const facts = await summaryOf(database, userId, day);
    if (facts.accounts.length === 0) continue;
    queued += await outbox.enqueue(userId, 'daily_summary', facts, `summary:${userId}:${day}`);
  }
  return queued;
}

async function summaryOf(database: Database, userId: string, day: string) {
  const owned = await database.db
    .select()
    .from(accounts)
    .where(eq(accounts.userId, userId))
    .orderBy(asc(accounts.createdAt));
  const ids = owned.map((a) => a.id);
  const open =
    ids.length === 0
      ? []
      : await database.db
          .select()
          .from(positions)
          .where(and(inArray(positions.accountId, ids), ne(positions.qty, '0')));
  const facts: Extract<NotifyFacts, { type: 'daily_summary' }> = { type: 'daily_summary', day, accounts: [] };
  for (const account of owned) {
    const pnl = await dayPnl(database, account.id, day);
    facts.accounts.push({
      account: { label: account.label, masked: maskId(account.id) },
      exchange: account.exchange,
      netPnl: pnl.net.toDecimalPlaces(2).toFixed(2),
      trades: pnl.closingFills,
      openPositions: open
        .filter((p) => p.accountId === account.id && Number(p.qty) !== 0)
        .map((p) => ({ symbol: p.symbol, side: p.side, qty: p.qty, unrealizedPnl: p.unrealizedPnl })),
    });
  }
  return facts;
}

/**
 * Queues the day's summaries a minute after each UTC midnight (every process may: the key makes it
 * once). Returns the stop function.
 */
export function scheduleDailySummaries(deps: {
  database: Database;
  outbox: NotificationOutbox;
  now?: () => number;
  log?: { error(obj: object, msg: string): void };
}): () => void {
  const now = deps.now ?? Date.now;
  let timer: NodeJS.Timeout | undefined;
  const run = () => {
    const yesterday = utcDay(now() - 86_400_000);
    queueDailySummaries(deps.database, deps.outbox, yesterday).catch((error: unknown) =>
      deps.log?.error({ err: error }, 'daily summaries could not be queued'),
    );
  };
  const arm = () => {
    timer = setTimeout(
      () => {
        run();
        arm();
      },
      nextUtcMidnight(now()) + 60_000 - now(),
    );
    timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}
