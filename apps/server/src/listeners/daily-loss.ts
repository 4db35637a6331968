import { eq } from 'drizzle-orm';
import { accounts, type Database } from '@tradingbot/db';
import type { ServerEventBus } from '../events.ts';
import { enforceDailyLoss } from '../services/daily-loss.ts';

/**
 * A fill that realized a loss may take the account past its daily loss limit: checked at once, so
 * the pause (and its `account.daily_loss_reached` notification) comes when the loss happens, not at
 * the next entry alert. The worker checks again before every entry (signal-worker.ts).
 */
export function registerDailyLossListener(
  events: ServerEventBus,
  deps: { database: Database; now?: () => number },
): void {
  events.on('fill.received', async (fill) => {
    const [account] = await deps.database.db.select().from(accounts).where(eq(accounts.id, fill.accountId));
    if (!account) return;
    await enforceDailyLoss(deps.database, account, deps.now?.() ?? Date.now(), events);
  });
}
