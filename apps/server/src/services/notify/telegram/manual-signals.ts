import { randomUUID } from 'node:crypto';
import { signals, type AccountRow, type Database } from '@tradingbot/db';
import { toSignal, type ExecutionResult } from '@tradingbot/executor';
import { audit } from '../../audit.ts';

/** The part of the signal worker a manual close needs (`SignalWorker`). */
export type SignalQueuePort = {
  kick(accountId: string): void;
  waitFor(signalId: string, ms: number): Promise<ExecutionResult | 'timeout'>;
};

/**
 * Queues a close of `symbol` on `account` from Telegram: a signal row like an alert's (payload
 * without any secret, `source: "telegram"`), audited as manual, then run by the account's signal
 * queue in turn with its alerts — never a venue call from here.
 */
export async function queueManualClose(
  database: Database,
  queue: SignalQueuePort,
  account: AccountRow,
  symbol: string,
  by: { command: 'close' | 'flatten' },
): Promise<string> {
  const id = randomUUID();
  const receivedAt = Date.now();
  const payload = {
    account_id: account.id,
    exchange: account.exchange,
    action: 'close_all',
    symbol,
    id: `telegram-${id}`,
    source: 'telegram',
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
    details: { source: 'telegram', command: by.command, action: 'close_all', symbol: signal.symbol },
  });
  queue.kick(account.id);
  return id;
}
