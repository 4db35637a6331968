import { and, eq, gt, like } from 'drizzle-orm';
import { accounts, notificationOutbox, type Database } from '@tradingbot/db';
import type { NotifyConfig } from '../config.ts';
import type { ServerEventBus, SignalFinished } from '../events.ts';
import { maskId, type AccountRef, type NotifyFacts } from '../services/notify/facts.ts';
import type { NotificationOutbox } from '../services/notify/outbox.ts';

/**
 * Events → notification outbox rows (services/notify/outbox.ts). Runs on the bus, after the
 * pipeline has moved on: queueing is one insert, sending happens in the dispatcher, so no
 * notification ever delays an order. Each row's key makes queueing idempotent.
 */
export type NotifyListenerDeps = {
  database: Database;
  config: NotifyConfig;
  outbox: NotificationOutbox;
  now?: () => number;
};

/** Refusals that mean "your alerts do not reach the account" (told at most once per account per window). */
const REFUSED_CODES = new Set(['INVALID_WEBHOOK_SECRET', 'STALE_SIGNAL']);
const CLOSING_REASONS = new Set(['stop_loss', 'take_profit', 'liquidation']);

export function registerNotifyListener(events: ServerEventBus, deps: NotifyListenerDeps): () => void {
  const now = () => deps.now?.() ?? Date.now();
  const accountRef = async (accountId: string): Promise<AccountRef> => {
    const [row] = await deps.database.db
      .select({ label: accounts.label })
      .from(accounts)
      .where(eq(accounts.id, accountId));
    return { label: row?.label ?? '', masked: maskId(accountId) };
  };

  events.on('signal.finished', async (event) => {
    if (event.status === 'rejected' && event.code !== undefined && REFUSED_CODES.has(event.code)) {
      await refused(
        deps,
        now(),
        event.userId,
        event.accountId,
        event.code,
        await accountRef(event.accountId),
        event.signalId,
      );
      return;
    }
    const facts = signalFacts(event, await accountRef(event.accountId));
    const kind = facts.type === 'signal_executed' ? 'signal_executed' : 'signal_failed';
    await deps.outbox.enqueue(event.userId, kind, facts, `signal:${event.signalId}`);
  });

  events.on('alert.refused', async (event) => {
    await refused(deps, now(), event.userId, event.accountId, event.code, await accountRef(event.accountId));
  });

  events.on('fill.received', async (fill) => {
    if (!CLOSING_REASONS.has(fill.reason)) return;
    const facts: NotifyFacts = {
      type: 'trade_closed',
      account: await accountRef(fill.accountId),
      exchange: fill.exchange,
      reason: fill.reason as 'stop_loss' | 'take_profit' | 'liquidation',
      symbol: fill.venueSymbol,
      side: fill.side,
      qty: fill.qty,
      price: fill.price,
      pnl: fill.realizedPnl,
      signalId: fill.signalId,
    };
    await deps.outbox.enqueue(
      fill.userId,
      'trade_closed',
      facts,
      `fill:${fill.accountId}:${fill.venueTradeId}`,
    );
  });

  events.on('protection.missing', async (event) => {
    const facts: NotifyFacts = {
      type: 'protection_missing',
      account: await accountRef(event.accountId),
      exchange: event.exchange,
      symbol: event.venueSymbol,
      side: event.side,
      qty: event.qty,
      action: event.action,
      ...(event.error ? { errorCode: event.error.code } : {}),
    };
    const key = `protection:${event.accountId}:${event.venueSymbol}:${event.side}:${event.at}`;
    await deps.outbox.enqueue(event.userId, 'protection_missing', facts, key);
  });

  // A stream down for less than NOTIFY_STREAM_DOWN_AFTER_MS is not worth a message: wait, then tell
  // only if no stream.up came meanwhile (held in this process; a restart re-syncs the streams anyway).
  const down = new Map<string, NodeJS.Timeout>();
  events.on('stream.down', (event) => {
    if (down.has(event.accountId)) return;
    const timer = setTimeout(() => {
      down.delete(event.accountId);
      void (async () => {
        const facts: NotifyFacts = {
          type: 'stream_down',
          account: await accountRef(event.accountId),
          exchange: event.exchange,
          downSince: event.at,
        };
        await deps.outbox.enqueue(
          event.userId,
          'stream_down',
          facts,
          `stream:${event.accountId}:${event.at}`,
        );
      })().catch(() => undefined);
    }, deps.config.streamDownAfterMs);
    timer.unref();
    down.set(event.accountId, timer);
  });
  events.on('stream.up', (event) => {
    clearTimeout(down.get(event.accountId));
    down.delete(event.accountId);
  });
  return () => {
    for (const timer of down.values()) clearTimeout(timer);
    down.clear();
  };
}

/** At most one "alert refused" message per account per NOTIFY_REFUSED_THROTTLE_MS, across processes. */
async function refused(
  deps: NotifyListenerDeps,
  now: number,
  userId: string,
  accountId: string,
  code: string,
  account: AccountRef,
  signalId?: string,
): Promise<void> {
  const windowMs = deps.config.refusedThrottleMs;
  const [recent] = await deps.database.db
    .select({ id: notificationOutbox.id })
    .from(notificationOutbox)
    .where(
      and(
        like(notificationOutbox.idempotencyKey, `refused:${accountId}:%`),
        gt(notificationOutbox.createdAt, new Date(now - windowMs)),
      ),
    )
    .limit(1);
  if (recent) return;
  const bucket = windowMs > 0 ? Math.floor(now / windowMs) : now;
  const facts: NotifyFacts = {
    type: 'alert_refused',
    account: account,
    code,
    ...(signalId ? { signalId } : {}),
  };
  await deps.outbox.enqueue(userId, 'alert_refused', facts, `refused:${accountId}:${bucket}`);
}

function signalFacts(event: Readonly<SignalFinished>, account: AccountRef): NotifyFacts {
  const details = event.result?.order_details;
  if (event.status === 'executed' && event.result?.success) {
    const results = details?.results;
    const entry = results?.entry ?? results?.closed?.[0];
    return {
      type: 'signal_executed',
      signalId: event.signalId,
      account,
      exchange: event.exchange,
      action: details?.action ?? '',
      symbol: details?.symbol ?? '',
      ...(entry ? { qty: entry.filled_qty !== '0' ? entry.filled_qty : entry.qty } : {}),
      ...((entry?.avg_price ?? entry?.price) ? { price: (entry.avg_price ?? entry.price)! } : {}),
      ...(results?.leverage ? { leverage: results.leverage.leverage } : {}),
      ...(results?.stop_loss?.trigger_price ? { stopLoss: results.stop_loss.trigger_price } : {}),
      ...(results?.take_profit?.trigger_price ? { takeProfit: results.take_profit.trigger_price } : {}),
      ...(event.result.warning
        ? { warning: event.result.warning.split(event.accountId).join(account.masked) }
        : {}),
    };
  }
  return {
    type: 'signal_failed',
    signalId: event.signalId,
    account,
    exchange: event.exchange,
    status: event.status === 'rejected' ? 'rejected' : 'failed',
    code: event.code ?? event.result?.code ?? 'FAILED',
    // A refusal's words may name the account (EXCHANGE_MISMATCH does): never its full id in a message.
    message: event.message.split(event.accountId).join(account.masked),
    ...(details?.symbol ? { symbol: details.symbol } : {}),
    ...(details?.action ? { action: details.action } : {}),
  };
}
