import { randomUUID } from 'node:crypto';
import { auditLog, orders, type AccountRow, type Database } from '@tradingbot/db';
import type { ExecutionContext, OrderRecord } from '@tradingbot/executor';
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

/**
 * The one writer of what executing a signal leaves behind: `orders` rows (one per client order
 * id, kept current when a resumed signal meets its orders again) with an `order.recorded` event
 * each, and `audit_log` rows for the executor's decisions (`executor.*`) and the worker's
 * (`worker.*`).
 */
export class ExecutionAudit {
  constructor(
    private readonly database: Database,
    private readonly events: ServerEventBus,
  ) {}

  /** Ports for `executeSignal` that write the signal's orders and audit rows. */
  portsFor(signalId: string, account: AccountRow): ExecutionPorts {
    const recorded: OrderRecorded[] = [];
    return {
      recorded,
      recordOrder: async (record) => {
        const order = await this.#recordOrder(signalId, account, record);
        recorded.push(order);
        this.events.emit('order.recorded', order);
      },
      audit: async (event) => {
        await audit(this.database, {
          userId: account.userId,
          accountId: account.id,
          signalId,
          action: `executor.${event.type}`,
          details: { level: event.level, message: event.message, ...(event.data ?? {}) },
        });
      },
    };
  }

  /** A decision of the signal worker itself (refused, resumed), as `worker.<type>`. */
  async worker(
    account: AccountRow,
    signalId: string,
    entry: { type: string; level: string; message: string; worker: string },
  ): Promise<void> {
    await audit(this.database, {
      userId: account.userId,
      accountId: account.id,
      signalId,
      action: `worker.${entry.type}`,
      details: { level: entry.level, message: entry.message, worker: entry.worker },
    });
  }

  async #recordOrder(signalId: string, account: AccountRow, record: OrderRecord): Promise<OrderRecorded> {
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
    // A resumed signal meets its orders again: one row per client order id, kept current.
    await this.database.db
      .insert(orders)
      .values({
        id: randomUUID(),
        signalId,
        accountId: account.id,
        role: record.role,
        clientOrderId,
        ...values,
      })
      .onConflictDoUpdate({ target: [orders.accountId, orders.clientOrderId], set: values });
    return {
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
    };
  }
}
