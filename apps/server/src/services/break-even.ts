import { createHash } from 'node:crypto';
import { and, eq, or } from 'drizzle-orm';
import { orders, signals, type Database } from '@tradingbot/db';
import { MOVE_STOP_TO_ENTRY_ACTION, toSignal } from '@tradingbot/executor';
import type { FillReceived } from '../events.ts';
import { audit } from './audit.ts';

/** The part of the signal worker the break-even move needs: a kick for the account's queue. */
export type BreakEvenQueuePort = { kick(accountId: string): void };

/** True for the stored payload of an entry alert that asked for `break_even` (1, true, "1", "true"). */
function asksBreakEven(payload: Record<string, unknown>): boolean {
  const value = payload.break_even;
  return value === true || value === 1 || value === '1' || value === 'true';
}

/**
 * The break-even signal's row id: one per entry signal, so however often the venue re-delivers the
 * first take-profit's fill (or its several executions), the stop is moved once. UUID-shaped.
 */
export function breakEvenSignalId(entrySignalId: string): string {
  const hex = createHash('sha256').update(`break-even:${entrySignalId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A take-profit fill of an entry that asked for `break_even`: when it is a partial take-profit
 * (`tp1` or `tp2`, the first to fill) — or a triggered take-profit whose order the venue names afresh (OKX), which
 * the executor then judges by the position — queues a MOVE_STOP_TO_ENTRY signal for that position,
 * once per entry. Queued like a manual action (a signal row, then the account's queue in turn with
 * its alerts), so the move never races an alert; the stored payload of the entry signal says
 * whether it asked, so a restart between the fill and the move loses nothing (the row is queued).
 * Returns the queued signal's id, or undefined when there is nothing to move.
 */
export async function queueBreakEven(
  database: Database,
  queue: BreakEvenQueuePort,
  fill: Readonly<FillReceived>,
): Promise<string | undefined> {
  if (fill.reason !== 'take_profit' || fill.signalId === null) return undefined;
  const [order] = await database.db
    .select({ role: orders.role })
    .from(orders)
    .where(
      and(
        eq(orders.accountId, fill.accountId),
        fill.clientOrderId
          ? or(eq(orders.clientOrderId, fill.clientOrderId), eq(orders.venueOrderId, fill.venueOrderId))
          : eq(orders.venueOrderId, fill.venueOrderId),
      ),
    )
    .limit(1);
  // Whichever partial fills first moves the stop, as in the backtester and the exported script (with
  // mixed units tp2 may be nearer than tp1); the last take-profit leaves nothing to protect.
  if (order !== undefined && order.role !== 'tp1' && order.role !== 'tp2') return undefined;
  const [entry] = await database.db
    .select({ payload: signals.payload, userId: signals.userId })
    .from(signals)
    .where(and(eq(signals.id, fill.signalId), eq(signals.accountId, fill.accountId)));
  if (entry === undefined || !asksBreakEven(entry.payload)) return undefined;
  const id = breakEvenSignalId(fill.signalId);
  const receivedAt = Date.now();
  // A take-profit that sells closes a long.
  const leg = fill.side === 'sell' ? 'long' : 'short';
  const payload = {
    account_id: fill.accountId,
    exchange: String(entry.payload.exchange ?? fill.exchange),
    action: MOVE_STOP_TO_ENTRY_ACTION,
    symbol: fill.venueSymbol,
    market_position: leg,
    id: `break-even-${fill.signalId}`,
    source: 'break_even',
    entry_signal_id: fill.signalId,
  };
  // Validates it and derives the key exactly as the worker will.
  const signal = toSignal(payload, { receivedAt });
  const inserted = await database.db
    .insert(signals)
    .values({
      id,
      accountId: fill.accountId,
      userId: entry.userId,
      idempotencyKey: signal.idempotencyKey,
      payload,
      sourceIp: null,
      receivedAt: new Date(receivedAt),
      status: 'received',
    })
    .onConflictDoNothing({ target: signals.id })
    .returning({ id: signals.id });
  if (inserted.length === 0) return undefined;
  await audit(database, {
    userId: entry.userId,
    accountId: fill.accountId,
    signalId: id,
    action: 'signal.break_even',
    details: {
      entrySignalId: fill.signalId,
      symbol: fill.venueSymbol,
      leg,
      fill: {
        venueTradeId: fill.venueTradeId,
        clientOrderId: fill.clientOrderId,
        price: fill.price,
        qty: fill.qty,
      },
    },
  });
  queue.kick(fill.accountId);
  return id;
}
