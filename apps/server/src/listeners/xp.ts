import { and, eq, sql } from 'drizzle-orm';
import { users, type Database } from '@tradingbot/db';
import { levelForXp, xpForTrade } from '@tradingbot/executor';
import type { ServerEventBus } from '../events.ts';

/**
 * XP, trade count and level (`packages/executor/src/xp.ts`) credited to the user of every executed
 * signal. Once per trade: `signal.finished` is emitted once per signal, by the process that moved
 * its row to its final status, and a signal resumed after a crash earns nothing for the orders
 * an earlier run placed (they come back `reused`).
 */
export function registerXpListener(events: ServerEventBus, database: Database): void {
  events.on('signal.finished', async ({ status, result, userId }) => {
    if (status !== 'executed' || result === undefined) return;
    const xp = xpForTrade(result);
    if (xp <= 0) return;
    const { db } = database;
    const [user] = await db
      .update(users)
      .set({ totalXp: sql`${users.totalXp} + ${xp}`, totalTrades: sql`${users.totalTrades} + 1` })
      .where(eq(users.id, userId))
      .returning({ totalXp: users.totalXp });
    if (user === undefined) return;
    // Only while the total is still the one just written: a later credit sets the level of its own total.
    await db
      .update(users)
      .set({ level: levelForXp(user.totalXp) })
      .where(and(eq(users.id, userId), eq(users.totalXp, user.totalXp)));
  });
}
