import { and, asc, eq, inArray } from 'drizzle-orm';
import { balanceDays, type BalanceDayRow, type Database } from '@tradingbot/db';
import { ExchangeDecimal, parseDecimal, type Balance } from '@tradingbot/exchange';

/*
 * The wallet balance per account and UTC day (`balance_days`, migration 0020), written by the account
 * mirror from the venue stream's balance events and from the REST re-sync, so that the returns in
 * percent (`account-history.ts`, `returnsByPeriod`) have a capital to divide by. The venues keep no
 * balance history we could read back; what the mirror does not observe is not known.
 */

/** The asset the PnL is counted in on the venues traded here (USDT-margined perpetuals). */
export const QUOTE_ASSET = 'USDT';

/**
 * Balance-event reasons that move money in or out of the account rather than earn it (Binance
 * ACCOUNT_UPDATE `m`, OKX `eventType`, the paper venue's DEPOSIT / WITHDRAW). Their amount is the
 * event's `change` (Binance `bc`); an event that does not say it is recorded as a balance only. The
 * OKX `account` and Bybit `wallet` pushes carry no reason: a deposit there is not seen as one, and
 * counts as capital from the start of its day (the day's return is divided by a larger balance).
 */
export const TRANSFER_REASONS: ReadonlySet<string> = new Set([
  'DEPOSIT',
  'WITHDRAW',
  'WITHDRAW_REJECT',
  'ADMIN_DEPOSIT',
  'ADMIN_WITHDRAW',
  'MARGIN_TRANSFER',
  'ASSET_TRANSFER',
  'TRANSFER',
  'COIN_SWAP_DEPOSIT',
  'COIN_SWAP_WITHDRAW',
  'AUTO_EXCHANGE',
  'transferred',
]);

export type BalanceObservation = {
  /** Wallet balance excluding unrealised PnL (the venue's total − unrealised PnL). */
  wallet: string;
  /** Deposits positive, withdrawals negative; '0' for anything else. */
  transfer: string;
  at: Date;
};

/** The quote asset's observation in a balance event or a REST balance, or undefined when it is not there. */
export function observeBalance(
  balances: readonly Balance[],
  at: number,
  reason?: string,
): BalanceObservation | undefined {
  const balance = balances.find((b) => b.asset === QUOTE_ASSET);
  if (!balance || !Number.isFinite(at) || at <= 0) return undefined;
  const total = parseDecimal(balance.total);
  if (!total) return undefined;
  const wallet = total.minus(parseDecimal(balance.unrealizedPnl) ?? 0);
  const change = balance.change === undefined ? undefined : parseDecimal(balance.change);
  const transfer = reason !== undefined && TRANSFER_REASONS.has(reason) && change ? change : undefined;
  return {
    wallet: wallet.toFixed(),
    transfer: (transfer ?? new ExchangeDecimal(0)).toFixed(),
    at: new Date(at),
  };
}

/**
 * One upsert per observation into the account's row of its UTC day: the earliest observation is the
 * day's open, the latest its close (an event arriving late never overwrites a later one), transfers
 * add up. A redelivered transfer event would be counted twice; the venues' streams do not replay.
 */
export async function recordBalance(
  database: Database,
  accountId: string,
  observation: BalanceObservation,
): Promise<void> {
  const day = observation.at.toISOString().slice(0, 10);
  await database.query(
    `INSERT INTO balance_days (account_id, asset, day, open_balance, open_at, close_balance, close_at, transfers)
       VALUES ($1, $2, $3, $4, $5::timestamptz, $4, $5::timestamptz, $6)
     ON CONFLICT (account_id, asset, day) DO UPDATE SET
       open_balance = CASE WHEN excluded.open_at < balance_days.open_at
                           THEN excluded.open_balance ELSE balance_days.open_balance END,
       open_at = LEAST(balance_days.open_at, excluded.open_at),
       close_balance = CASE WHEN excluded.close_at >= balance_days.close_at
                            THEN excluded.close_balance ELSE balance_days.close_balance END,
       close_at = GREATEST(balance_days.close_at, excluded.close_at),
       transfers = CASE WHEN excluded.transfers::numeric = 0 THEN balance_days.transfers
                        ELSE (balance_days.transfers::numeric + excluded.transfers::numeric)::text END,
       updated_at = now()`,
    [accountId, QUOTE_ASSET, day, observation.wallet, observation.at.toISOString(), observation.transfer],
  );
}

/** The accounts' quote-asset balance days, oldest first. */
export async function balanceDaysOf(
  database: Database,
  accountIds: readonly string[],
): Promise<BalanceDayRow[]> {
  if (accountIds.length === 0) return [];
  return database.db
    .select()
    .from(balanceDays)
    .where(and(inArray(balanceDays.accountId, [...accountIds]), eq(balanceDays.asset, QUOTE_ASSET)))
    .orderBy(asc(balanceDays.day));
}
