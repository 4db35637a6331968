import { randomUUID } from 'node:crypto';
import { and, eq, isNull, notInArray, sql } from 'drizzle-orm';
import { auditLog, fills, orders, signals, type AccountRow, type Database } from '@tradingbot/db';
import type {
  AuditEvent as ExecutorAuditEvent,
  ExecutionContext,
  ExecutionResult,
  OrderRecord,
} from '@tradingbot/executor';
import type { OrderRecorded, ServerEventBus } from '../events.ts';

export type AuditEvent = {
  userId?: string | null;
  accountId?: string | null;
  signalId?: string | null;
  action: string;
  /** Never a secret: callers pass identifiers and outcomes only. */
  details?: Record<string, unknown>;
};

export async function audit(database: Database, event: AuditEvent): Promise<void> {
  await database.db.insert(auditLog).values({
    userId: event.userId ?? null,
    accountId: event.accountId ?? null,
    signalId: event.signalId ?? null,
    action: event.action,
    details: event.details ?? {},
  });
}

/** The executor's database ports for one signal, and the orders they recorded (in order). */
export type ExecutionPorts = Pick<ExecutionContext, 'recordOrder' | 'audit'> & {
  readonly recorded: OrderRecorded[];
};

type OrderValues = typeof orders.$inferInsert;
type AuditValues = typeof auditLog.$inferInsert;

/**
 * What executing one signal leaves behind, gathered in memory while it runs and written in one
 * transaction with the signal's final status (`SignalTrail.commit`): between the claim and the end
 * of the execution the only writes are the orders, each as the venue accepts it (the account
 * mirror classifies the venue's fills by them). Nothing is lost across a crash:
 * until the commit the signal stays `executing`, so it is resumed — its orders found on the venue
 * by client order id (recorded `existing`) and its trail written by the run that finishes it, with
 * `worker.signal_resumed` saying an earlier attempt was interrupted.
 */
export class SignalTrail implements ExecutionPorts {
  readonly recorded: OrderRecorded[] = [];
  /** One row per client order id, the latest state (a resumed signal meets its orders again). */
  readonly #orders = new Map<string, OrderValues>();
  readonly #audit: AuditValues[] = [];

  constructor(
    private readonly database: Database,
    private readonly events: ServerEventBus,
    readonly signalId: string,
    readonly account: AccountRow,
  ) {}

  recordOrder = async (record: OrderRecord): Promise<void> => {
    const { values, event } = orderRow(this.signalId, this.account, record);
    const known = this.#orders.get(values.clientOrderId);
    // Kept: the first row's id and role; the rest is the latest state.
    const row = known ? { ...values, id: known.id, role: known.role } : values;
    this.#orders.set(values.clientOrderId, row);
    this.recorded.push(event);
    // Written at once, not only at the commit: the account mirror tells our fills (signal, stop-loss,
    // take-profit) from anyone else's by this row, and the venue's stream reports the fill before the
    // signal has finished. A fill that beat the row to the table is linked now, after the row's commit.
    await upsertOrders(this.database.db, [row]);
    await attachEarlyFills(this.database.db, row);
  };

  audit = async (event: ExecutorAuditEvent): Promise<void> => {
    this.#audit.push({
      userId: this.account.userId,
      accountId: this.account.id,
      signalId: this.signalId,
      action: `executor.${event.type}`,
      details: { level: event.level, message: event.message, ...(event.data ?? {}) },
    });
  };

  /** A decision of the signal worker itself (refused, resumed), as `worker.<type>`. */
  worker(entry: { type: string; level: string; message: string; worker: string }): void {
    this.#audit.push({
      userId: this.account.userId,
      accountId: this.account.id,
      signalId: this.signalId,
      action: `worker.${entry.type}`,
      details: { level: entry.level, message: entry.message, worker: entry.worker },
    });
  }

  /**
   * One transaction: the signal's final status and result (its lock let go), its orders (one row
   * per client order id, kept current) and its audit rows; then `order.recorded` per order.
   */
  async commit(result: ExecutionResult, finishedAt: Date): Promise<void> {
    const rows = [...this.#orders.values()];
    await this.database.db.transaction(async (tx) => {
      await tx
        .update(signals)
        .set({
          status: result.success ? 'executed' : 'failed',
          result,
          errorCode: result.success ? null : (result.code ?? null),
          errorMessage: result.success ? null : result.message,
          finishedAt,
          lockedBy: null,
          lockedUntil: null,
        })
        .where(eq(signals.id, this.signalId));
      // Every row was written (and its early fills linked) when its order was recorded: brought up to date.
      if (rows.length > 0) await upsertOrders(tx, rows);
      if (this.#audit.length > 0) await tx.insert(auditLog).values(this.#audit);
    });
    for (const order of this.recorded) this.events.emit('order.recorded', order);
  }
}

/** Inserts order rows, or brings those of the same client order id up to date. */
async function upsertOrders(db: Pick<Database['db'], 'insert'>, rows: OrderValues[]): Promise<void> {
  await db
    .insert(orders)
    .values(rows)
    .onConflictDoUpdate({
      target: [orders.accountId, orders.clientOrderId],
      set: Object.fromEntries(
        UPDATED_ORDER_COLUMNS.map((column) => [column, sql.raw(`excluded.${orders[column].name}`)]),
      ),
    });
}

/**
 * The fill reason an order of ours records by its role: its stop-loss, take-profit (the last one or a
 * partial, `tp1` / `tp2`), trailing stop, else the signal.
 */
export function roleReason(role: string): 'stop_loss' | 'take_profit' | 'trailing' | 'signal' {
  if (role === 'sl') return 'stop_loss';
  if (role === 'tp' || role === 'tp1' || role === 'tp2') return 'take_profit';
  if (role === 'trail') return 'trailing';
  return 'signal';
}

/**
 * A fill the stream delivered before its order row existed was written without a signal (and, when
 * its id did not look like ours, as someone else's): it is this order's. The account mirror checks
 * again after writing such a fill (`AccountMirror.recordFill`), so whichever of the two writes comes
 * second makes the link. Must run after the order row is committed.
 */
export async function attachEarlyFills(
  db: Pick<Database['db'], 'update'>,
  row: Pick<OrderValues, 'accountId' | 'clientOrderId' | 'signalId' | 'role'>,
): Promise<void> {
  const reason = roleReason(row.role);
  await db
    .update(fills)
    .set({
      signalId: row.signalId,
      reason: sql`CASE WHEN ${fills.reason} IN ('external', 'manual') THEN ${reason} ELSE ${fills.reason} END`,
    })
    .where(
      and(
        eq(fills.accountId, row.accountId),
        eq(fills.clientOrderId, row.clientOrderId),
        isNull(fills.signalId),
        notInArray(fills.reason, ['liquidation', 'adl']),
      ),
    );
}

/** The columns a later record of the same client order id brings up to date. */
const UPDATED_ORDER_COLUMNS = [
  'venueOrderId',
  'symbol',
  'side',
  'type',
  'qty',
  'price',
  'status',
  'request',
  'response',
  'error',
] as const;

/** The `orders` row of one order record, and its `order.recorded` event. */
function orderRow(
  signalId: string,
  account: AccountRow,
  record: OrderRecord,
): { values: OrderValues & { clientOrderId: string }; event: OrderRecorded } {
  const values = {
    venueOrderId: record.order?.venueOrderId ?? null,
    symbol: record.venueSymbol,
    side: String(record.request.side ?? record.order?.side ?? ''),
    type: String(record.request.type ?? record.order?.type ?? ''),
    qty: record.order?.qty ?? (record.request.qty as string | undefined) ?? null,
    price: record.order?.avgPrice ?? record.order?.price ?? record.order?.triggerPrice ?? null,
    status: record.order?.status ?? record.status,
    request: record.request,
    response: record.order ? { ...record.order, raw: undefined } : null,
    error: record.error ?? null,
  };
  const clientOrderId = record.order?.clientOrderId ?? record.idempotencyKey;
  return {
    values: {
      id: randomUUID(),
      signalId,
      accountId: account.id,
      role: record.role,
      clientOrderId,
      ...values,
    },
    event: {
      signalId,
      accountId: account.id,
      userId: account.userId,
      role: record.role,
      clientOrderId,
      venueOrderId: values.venueOrderId,
      symbol: values.symbol,
      side: values.side,
      type: values.type,
      qty: values.qty,
      price: values.price,
      status: values.status,
      outcome: record.status,
      error: record.error ? { code: record.error.code, message: record.error.message } : null,
    },
  };
}
