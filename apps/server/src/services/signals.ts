import { and, desc, eq, gte, lt } from 'drizzle-orm';
import { orders, signals, type Database } from '@tradingbot/db';
import { ServerErrors } from '../errors.ts';

type SignalRow = typeof signals.$inferSelect;
type OrderRow = typeof orders.$inferSelect;

function signalJson(row: SignalRow) {
  return {
    id: row.id,
    account_id: row.accountId,
    status: row.status,
    received_at: row.receivedAt.toISOString(),
    finished_at: row.finishedAt?.toISOString() ?? null,
    source_ip: row.sourceIp,
    payload: row.payload,
    result: row.result,
    error_code: row.errorCode,
    error_message: row.errorMessage,
  };
}

function orderJson(row: OrderRow) {
  return {
    id: row.id,
    role: row.role,
    symbol: row.symbol,
    side: row.side,
    type: row.type,
    qty: row.qty,
    price: row.price,
    status: row.status,
    client_order_id: row.clientOrderId,
    venue_order_id: row.venueOrderId,
    request: row.request,
    response: row.response,
    error: row.error,
    created_at: row.createdAt.toISOString(),
  };
}

export type SignalFilter = {
  account_id?: string | undefined;
  status?: SignalRow['status'] | undefined;
  before?: string | undefined;
  after?: string | undefined;
  limit: number;
};

/** The caller's signals, newest first; every query is scoped to the caller. */
export async function listSignals(database: Database, userId: string, filter: SignalFilter) {
  const { account_id: accountId, status, before, after, limit } = filter;
  const rows = await database.db
    .select()
    .from(signals)
    .where(
      and(
        eq(signals.userId, userId),
        accountId ? eq(signals.accountId, accountId) : undefined,
        status ? eq(signals.status, status) : undefined,
        before ? lt(signals.receivedAt, new Date(before)) : undefined,
        after ? gte(signals.receivedAt, new Date(after)) : undefined,
      ),
    )
    .orderBy(desc(signals.receivedAt))
    .limit(limit);
  return { signals: rows.map(signalJson), total: rows.length };
}

/** One of the caller's signals with the orders it placed; another user's is as unknown as a missing one. */
export async function signalDetail(database: Database, userId: string, signalId: string) {
  const [row] = await database.db
    .select()
    .from(signals)
    .where(and(eq(signals.id, signalId), eq(signals.userId, userId)));
  if (!row) throw ServerErrors.create('NOT_FOUND', { message: 'Signal not found' });
  const placed = await database.db
    .select()
    .from(orders)
    .where(eq(orders.signalId, row.id))
    .orderBy(orders.createdAt);
  return { ...signalJson(row), orders: placed.map(orderJson) };
}
