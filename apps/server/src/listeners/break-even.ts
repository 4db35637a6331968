import type { Database } from '@tradingbot/db';
import type { ServerEventBus } from '../events.ts';
import { queueBreakEven, type BreakEvenQueuePort } from '../services/break-even.ts';

/**
 * The first partial take-profit of an entry that asked for `break_even` filled: its stop-loss moves
 * to the entry price, queued as a signal of its own (`services/break-even.ts`).
 */
export function registerBreakEvenListener(
  events: ServerEventBus,
  deps: { database: Database; queue: BreakEvenQueuePort },
): void {
  events.on('fill.received', async (fill) => {
    await queueBreakEven(deps.database, deps.queue, fill);
  });
}
