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
const CLOSING_REASONS = new Set(['stop_loss', 'take_profit', 'trailing', 'liquidation']);

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
      reason: fill.reason as 'stop_loss' | 'take_profit' | 'trailing' | 'liquidation',
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

  registerDailyLossNotice(events, deps, accountRef);

  // A stream down for less than NOTIFY_STREAM_DOWN_AFTER_MS is not worth a message: it is queued
  // at once but due only after that long, and withdrawn if the stream comes back first. Held in the
  // outbox, not in this process, so it is still told when the process holding the stream dies. One
  // account's down/up are handled in the order they happened (a quick blip must not withdraw
  // before it queued).
  const streamEvents = new Map<string, Promise<void>>();
  const inOrder = (accountId: string, work: () => Promise<void>) => {
    const next = (streamEvents.get(accountId) ?? Promise.resolve()).then(work).finally(() => {
      if (streamEvents.get(accountId) === next) streamEvents.delete(accountId);
    });
    streamEvents.set(accountId, next);
    return next;
  };
  events.on('stream.down', (event) =>
    inOrder(event.accountId, async () => {
      const facts: NotifyFacts = {
        type: 'stream_down',
        account: await accountRef(event.accountId),
        exchange: event.exchange,
        downSince: event.at,
      };
      await deps.outbox.enqueue(event.userId, 'stream_down', facts, `stream:${event.accountId}:${event.at}`, {
        notBefore: new Date(event.at + deps.config.streamDownAfterMs),
      });
    }),
  );
  events.on('stream.up', (event) =>
    inOrder(event.accountId, async () => {
      await deps.outbox.withdraw(event.userId, 'stream_down', `stream:${event.accountId}:`);
    }),
  );
  return () => {};
}

/** The daily loss limit reached: one message per account and UTC day. */
function registerDailyLossNotice(
  events: ServerEventBus,
  deps: NotifyListenerDeps,
  accountRef: (accountId: string) => Promise<AccountRef>,
): void {
  events.on('account.daily_loss_reached', async (event) => {
    const facts: NotifyFacts = {
      type: 'daily_loss_reached',
      account: await accountRef(event.accountId),
      exchange: event.exchange,
      limit: event.limit,
      netPnl: event.netPnl,
      pausedUntil: event.pausedUntil,
    };
    await deps.outbox.enqueue(
      event.userId,
      'daily_loss_reached',
      facts,
      `daily-loss:${event.accountId}:${event.day}`,
    );
  });
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
