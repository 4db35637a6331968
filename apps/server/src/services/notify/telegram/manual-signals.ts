import { randomUUID } from 'node:crypto';
import { signals, type AccountRow, type Database } from '@tradingbot/db';
import { toSignal, type ExecutionResult } from '@tradingbot/executor';
import { audit } from '../../audit.ts';

/** The part of the signal worker a manual close needs (`SignalWorker`). */
export type SignalQueuePort = {
  kick(accountId: string): void;
  waitFor(signalId: string, ms: number): Promise<ExecutionResult | 'timeout'>;
};

/** What a person asked for by hand: a webhook action, on a symbol or on the whole account. */
export type ManualRequest = {
  action: 'close_all' | 'close_long' | 'close_short' | 'cancel_orders';
  /** Absent with `scope: 'account'`. */
  symbol?: string;
  scope?: 'symbol' | 'account';
  /** Where it came from: the web UI / API (`manual`) or a linked Telegram chat (`telegram`). */
  source: 'manual' | 'telegram';
  /** The command as the person gave it (`close`, `flatten`, `cancel_orders`), for the audit log. */
  command: string;
};

/**
 * Queues a manual action on `account`: a signal row like an alert's (payload without any secret,
 * `source` telling where it came from), audited as `signal.manual`, then run by the account's signal
 * queue in turn with its alerts — never a venue call from here, so it cannot race an alert.
 */
export async function queueManualSignal(
  database: Database,
  queue: SignalQueuePort,
  account: AccountRow,
  request: ManualRequest,
): Promise<string> {
  const id = randomUUID();
  const receivedAt = Date.now();
  const payload = {
    account_id: account.id,
    exchange: account.exchange,
    action: request.action,
    ...(request.symbol !== undefined ? { symbol: request.symbol } : {}),
    ...(request.scope === 'account' ? { scope: 'account' } : {}),
    id: `${request.source}-${id}`,
    source: request.source,
  };
  // Validates the symbol for the venue and derives the key exactly as the worker will.
  const signal = toSignal(payload, { receivedAt });
  await database.db.insert(signals).values({
    id,
    accountId: account.id,
    userId: account.userId,
    idempotencyKey: signal.idempotencyKey,
    payload,
    sourceIp: null,
    receivedAt: new Date(receivedAt),
    status: 'received',
  });
  await audit(database, {
    userId: account.userId,
    accountId: account.id,
    signalId: id,
    action: 'signal.manual',
    details: {
      source: request.source,
      command: request.command,
      action: request.action,
      scope: signal.scope,
      symbol: signal.symbol,
    },
  });
  queue.kick(account.id);
  return id;
}

/** Queues a close of `symbol` on `account` from Telegram (`queueManualSignal`, source `telegram`). */
export async function queueManualClose(
  database: Database,
  queue: SignalQueuePort,
  account: AccountRow,
  symbol: string,
  by: { command: 'close' | 'flatten' },
): Promise<string> {
  return queueManualSignal(database, queue, account, {
    action: 'close_all',
    symbol,
    source: 'telegram',
    command: by.command,
  });
}
