import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, ne } from 'drizzle-orm';
import { accounts, orders, positions, type AccountRow, type Database, type OrderRow } from '@tradingbot/db';
import {
  parseDecimal,
  type ConditionalOrderRequest,
  type Exchange,
  type Order,
  type Position,
} from '@tradingbot/exchange';
import { describeError } from '@tradingbot/executor';
import type { ProtectionMissing, ServerEventBus } from '../events.ts';
import { audit } from './audit.ts';

/** What reconciliation remembers per stream: lost stops already handled (until a stop rests again or the position closes). */
export type ReconcileState = { handledAt: Map<string, number> };

export type ReconcileDeps = {
  database: Database;
  events: ServerEventBus;
  recordPosition(position: Position, time: number): Promise<void>;
  syncPositions(venue: Position[], time: number): Promise<void>;
};

type Session = { account: AccountRow; exchange: Exchange; reconcile: ReconcileState };

const isZero = (qty: string) => parseDecimal(qty)?.isZero() ?? true;
const canonical = (value: string) => parseDecimal(value)?.toFixed() ?? value;

/**
 * Compares the mirror with the venue's REST answers and acts on what is wrong:
 * - positions: a difference (an event missed, a position changed while no stream ran) is audited
 *   as `mirror.drift` and the mirror takes the venue's picture;
 * - stops: an open position this server opened whose stop-loss the executor placed, and which has
 *   no resting stop-loss on the venue now (cancelled, rejected, expired), is `protection.missing`;
 *   the account's `protection_policy` decides: `reprotect` (the executor's recorded stop request is
 *   placed again, a new `sl` order), `close` (a reduce-only close, `protect-close`), or `alert`
 *   only. Positions marked external are never touched. While a signal of the account executes
 *   (its lease is held) stops may be in flight: `busy`, looked at again shortly.
 */
export async function reconcileAccount(
  deps: ReconcileDeps,
  session: Session,
  reason: 'connect' | 'schedule' | 'event' | 'manual',
): Promise<'ok' | 'busy'> {
  const { database } = deps;
  const { account, exchange } = session;
  const [venuePositions, openOrders] = await Promise.all([exchange.positions(), exchange.openOrders()]);
  const open = venuePositions.filter((p) => !isZero(p.qty));

  const mirror = await database.db.select().from(positions).where(eq(positions.accountId, account.id));
  const drift: Array<{ symbol: string; side: string; mirror: string; venue: string }> = [];
  const venueQty = new Map(open.map((p) => [`${p.venueSymbol}|${p.side}`, canonical(p.qty)]));
  for (const [key, qty] of venueQty) {
    const [symbol, side] = key.split('|') as [string, string];
    const row = mirror.find((r) => r.symbol === symbol && r.side === side);
    if (!row || row.qty !== qty) drift.push({ symbol, side, mirror: row?.qty ?? '0', venue: qty });
  }
  for (const row of mirror) {
    if (!isZero(row.qty) && !venueQty.has(`${row.symbol}|${row.side}`)) {
      drift.push({ symbol: row.symbol, side: row.side, mirror: row.qty, venue: '0' });
    }
  }
  if (drift.length > 0) {
    await audit(database, {
      userId: account.userId,
      accountId: account.id,
      action: 'mirror.drift',
      details: { reason, positions: drift },
    });
  }
  await deps.syncPositions(venuePositions, Date.now());

  const executing = await database.query(
    `SELECT 1 FROM account_leases WHERE account_id = $1 AND expires_at > now()`,
    [account.id],
  );
  if (executing.length > 0) return 'busy';

  const handled = session.reconcile.handledAt;
  const openKeys = new Set<string>();
  const external = new Set(mirror.filter((r) => r.external).map((r) => `${r.symbol}|${r.side}`));
  const fresh = await database.db.select().from(positions).where(eq(positions.accountId, account.id));
  for (const row of fresh) if (row.external) external.add(`${row.symbol}|${row.side}`);
  for (const position of open) {
    const key = `${position.venueSymbol}|${position.side}`;
    openKeys.add(key);
    if (external.has(key)) continue;
    const leg: 'long' | 'short' =
      position.side === 'net' ? (parseDecimal(position.qty)!.isNeg() ? 'short' : 'long') : position.side;
    const closeSide = leg === 'long' ? 'sell' : 'buy';
    if (hasRestingStop(openOrders, position, closeSide)) {
      handled.delete(key);
      continue;
    }
    if (handled.has(key)) continue;
    const lastStop = await expectedStop(database, account.id, position.venueSymbol, closeSide);
    if (!lastStop) continue; // the executor placed none (stop-loss disabled): nothing went missing
    handled.set(key, Date.now());
    await actOnMissingStop(deps, session, position, leg, lastStop);
  }
  for (const key of [...handled.keys()]) if (!openKeys.has(key)) handled.delete(key);
  return 'ok';
}

function hasRestingStop(openOrders: Order[], position: Position, closeSide: 'buy' | 'sell'): boolean {
  return openOrders.some(
    (o) =>
      o.venueSymbol === position.venueSymbol &&
      o.type === 'stop_market' &&
      o.side === closeSide &&
      (position.side === 'net' || o.positionSide === position.side) &&
      (o.status === 'new' || o.status === 'partially_filled'),
  );
}

/** The stop the executor placed for the current position: the latest entry-or-stop order of the symbol, when it is a stop. */
async function expectedStop(
  database: Database,
  accountId: string,
  venueSymbol: string,
  closeSide: string,
): Promise<OrderRow | undefined> {
  const [latest] = await database.db
    .select()
    .from(orders)
    .where(
      and(
        eq(orders.accountId, accountId),
        eq(orders.symbol, venueSymbol),
        inArray(orders.role, ['entry', 'sl']),
        ne(orders.status, 'failed'),
      ),
    )
    .orderBy(desc(orders.createdAt))
    .limit(1);
  return latest?.role === 'sl' && latest.status !== 'filled' && latest.side === closeSide
    ? latest
    : undefined;
}

async function actOnMissingStop(
  deps: ReconcileDeps,
  session: Session,
  position: Position,
  leg: 'long' | 'short',
  lastStop: OrderRow,
): Promise<void> {
  const { database, events } = deps;
  const { account, exchange } = session;
  // The user may have changed it since the stream started: read it now.
  const [current] = await database.db
    .select({ policy: accounts.protectionPolicy })
    .from(accounts)
    .where(eq(accounts.id, account.id));
  const policy = current?.policy ?? account.protectionPolicy;
  let action: ProtectionMissing['action'] = 'alerted';
  let error: ProtectionMissing['error'];
  let placed: Order | null = null;
  const attempt = randomUUID().slice(0, 8);
  try {
    if (policy === 'reprotect') {
      const recorded = (lastStop.request ?? {}) as Partial<ConditionalOrderRequest>;
      const triggerPrice = recorded.triggerPrice ?? lastStop.price;
      if (!triggerPrice) throw new Error('the stop-loss price of the lost stop is not recorded');
      const request: ConditionalOrderRequest = {
        venueSymbol: position.venueSymbol,
        kind: 'stop_loss',
        side: leg === 'long' ? 'sell' : 'buy',
        positionSide: position.side,
        triggerPrice,
        ...(recorded.marginMode ? { marginMode: recorded.marginMode } : {}),
        idempotencyKey: `reprotect:${lastStop.clientOrderId}:${attempt}`,
      };
      placed = await exchange.placeConditional(request);
      await recordOrder(database, account, lastStop.signalId, 'sl', request, placed);
      action = 'reprotected';
    } else if (policy === 'close') {
      const key = `protect-close:${lastStop.clientOrderId}:${attempt}`;
      placed = await exchange.closePosition(position.venueSymbol, position.side, key);
      if (placed) {
        await recordOrder(
          database,
          account,
          lastStop.signalId,
          'protect-close',
          { idempotencyKey: key },
          placed,
        );
      }
      action = 'closed';
    }
  } catch (caught) {
    const described = describeError(caught);
    action = 'failed';
    error = { code: described.code ?? 'VENUE_ERROR', message: described.message };
  }
  const at = Date.now();
  await audit(database, {
    userId: account.userId,
    accountId: account.id,
    signalId: lastStop.signalId,
    action: 'mirror.protection_missing',
    details: {
      venueSymbol: position.venueSymbol,
      side: position.side,
      qty: canonical(position.qty),
      policy,
      action,
      lostStop: {
        clientOrderId: lastStop.clientOrderId,
        status: lastStop.status,
        triggerPrice: lastStop.price,
      },
      ...(placed
        ? { order: { clientOrderId: placed.clientOrderId, venueOrderId: placed.venueOrderId } }
        : {}),
      ...(error ? { error } : {}),
    },
  });
  events.emit('protection.missing', {
    accountId: account.id,
    userId: account.userId,
    exchange: account.exchange,
    venueSymbol: position.venueSymbol,
    side: position.side,
    qty: canonical(position.qty),
    action,
    ...(error ? { error } : {}),
    at,
  });
}

async function recordOrder(
  database: Database,
  account: AccountRow,
  signalId: string | null,
  role: 'sl' | 'protect-close',
  request: object,
  order: Order,
): Promise<void> {
  await database.db
    .insert(orders)
    .values({
      id: randomUUID(),
      signalId,
      accountId: account.id,
      role,
      clientOrderId: order.clientOrderId,
      venueOrderId: order.venueOrderId,
      symbol: order.venueSymbol,
      side: order.side,
      type: order.type,
      qty: order.qty,
      price: order.avgPrice ?? order.price ?? order.triggerPrice ?? null,
      status: order.status,
      request,
      response: { ...order, raw: undefined },
    })
    .onConflictDoNothing();
}
