import { and, eq, gte, isNull, lt, lte, ne, or } from 'drizzle-orm';
import { accounts, fills, fundingPayments, type AccountRow, type Database } from '@tradingbot/db';
import { ExchangeDecimal, parseDecimal } from '@tradingbot/exchange';
import type { ServerEventBus } from '../events.ts';

type Decimal = InstanceType<typeof ExchangeDecimal>;
const DAY_MS = 86_400_000;

/** The UTC day of `ms` as YYYY-MM-DD. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The start of the UTC day after `ms`. */
export function nextUtcMidnight(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS + DAY_MS;
}

export type DayPnl = {
  realized: Decimal;
  fees: Decimal;
  funding: Decimal;
  /** realized − fees + funding: what the day cost or earned. */
  net: Decimal;
  fills: number;
  /** Fills that realized a profit or loss (closing fills): the day's closed trades, counted by fill. */
  closingFills: number;
};

/**
 * The account's PnL over one UTC day from what the account mirror recorded: `fills` (the venue's
 * realized PnL and fees) and `funding_payments` — the same figures as `/equity`'s daily rows
 * (services/account-history.ts).
 */
export async function dayPnl(database: Database, accountId: string, day: string): Promise<DayPnl> {
  const from = new Date(`${day}T00:00:00.000Z`);
  const to = new Date(from.getTime() + DAY_MS);
  const rows = await database.db
    .select({ realizedPnl: fills.realizedPnl, fee: fills.fee })
    .from(fills)
    .where(and(eq(fills.accountId, accountId), gte(fills.venueTime, from), lt(fills.venueTime, to)));
  const funding = await database.db
    .select({ amount: fundingPayments.amount })
    .from(fundingPayments)
    .where(
      and(
        eq(fundingPayments.accountId, accountId),
        gte(fundingPayments.venueTime, from),
        lt(fundingPayments.venueTime, to),
      ),
    );
  const dec = (value: string): Decimal => parseDecimal(value) ?? new ExchangeDecimal(0);
  let realized = new ExchangeDecimal(0);
  let fees = new ExchangeDecimal(0);
  let fundingSum = new ExchangeDecimal(0);
  let closingFills = 0;
  for (const row of rows) {
    const pnl = dec(row.realizedPnl);
    realized = realized.plus(pnl);
    fees = fees.plus(dec(row.fee));
    if (!pnl.isZero()) closingFills += 1;
  }
  for (const f of funding) fundingSum = fundingSum.plus(dec(f.amount));
  return {
    realized,
    fees,
    funding: fundingSum,
    net: realized.minus(fees).plus(fundingSum),
    fills: rows.length,
    closingFills,
  };
}

/** The account's daily loss limit (USDT, a positive decimal string) from its settings; undefined = none. */
export function dailyLossLimitOf(account: Pick<AccountRow, 'settings'>): string | undefined {
  const limit = account.settings['dailyLossLimit'];
  if (typeof limit !== 'string') return undefined;
  const parsed = parseDecimal(limit);
  return parsed !== undefined && parsed.gt(0) ? parsed.toFixed() : undefined;
}

/**
 * Pauses the account's entries until the next UTC midnight when today's net PnL is at or below
 * minus its daily loss limit — unless the user resumed today (`loss_resumed_day`), or it is paused
 * already. The pause is set by one conditional update, so of several processes exactly one emits
 * `account.daily_loss_reached`. Returns the account as it now is.
 */
export async function enforceDailyLoss(
  database: Database,
  account: AccountRow,
  now: number,
  events?: ServerEventBus,
): Promise<AccountRow> {
  const limit = dailyLossLimitOf(account);
  if (limit === undefined) return account;
  const day = utcDay(now);
  if (account.lossResumedDay === day) return account;
  if (account.lossPausedUntil !== null && account.lossPausedUntil.getTime() > now) return account;
  const pnl = await dayPnl(database, account.id, day);
  if (pnl.net.gt(new ExchangeDecimal(limit).neg())) return account;
  const pausedUntil = new Date(nextUtcMidnight(now));
  const [updated] = await database.db
    .update(accounts)
    .set({ lossPausedUntil: pausedUntil })
    .where(
      and(
        eq(accounts.id, account.id),
        or(isNull(accounts.lossResumedDay), ne(accounts.lossResumedDay, day)),
        or(isNull(accounts.lossPausedUntil), lte(accounts.lossPausedUntil, new Date(now))),
      ),
    )
    .returning();
  if (!updated) {
    const [current] = await database.db.select().from(accounts).where(eq(accounts.id, account.id));
    return current ?? account;
  }
  events?.emit('account.daily_loss_reached', {
    accountId: account.id,
    userId: account.userId,
    exchange: account.exchange,
    day,
    limit,
    netPnl: pnl.net.toDecimalPlaces(8).toFixed(),
    pausedUntil: pausedUntil.getTime(),
  });
  return updated;
}
