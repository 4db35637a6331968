import { eq } from 'drizzle-orm';
import { accounts, type Database } from '@tradingbot/db';
import { ExchangeDecimal, parseDecimal } from '@tradingbot/exchange';
import {
  history,
  pnlByPeriod,
  returnsByPeriod,
  roundTrips,
  type Page,
  type Trade,
} from './account-history.ts';
import { ownAccount } from './accounts.ts';
import { balanceDaysOf } from './balance-history.ts';

/*
 * Trade history and performance across the caller's accounts (or one of them): the round trips
 * and PnL per day or month that `account-history.ts` computes per account, merged. Owner-scoped:
 * an account of someone else is ACCOUNT_NOT_FOUND, and "all" means the caller's own accounts only.
 */

type Decimal = InstanceType<typeof ExchangeDecimal>;
const dec = (value: string): Decimal => parseDecimal(value) ?? new ExchangeDecimal(0);
const text = (value: Decimal) => value.toDecimalPlaces(8).toFixed();

export type HistoryScope = { accountId?: string | undefined };
export type AccountTradeRow = Trade & { account_id: string; account_label: string; exchange: string };

async function scopedAccounts(database: Database, userId: string, scope: HistoryScope) {
  if (scope.accountId) return [await ownAccount(database, userId, scope.accountId)];
  return database.db.select().from(accounts).where(eq(accounts.userId, userId));
}

/** Every round trip in scope, each naming its account, newest first. */
async function allTrades(database: Database, userId: string, scope: HistoryScope) {
  const owned = await scopedAccounts(database, userId, scope);
  const trades: AccountTradeRow[] = [];
  const rows: Awaited<ReturnType<typeof history>>['rows'] = [];
  const funding: Awaited<ReturnType<typeof history>>['funding'] = [];
  for (const account of owned) {
    const h = await history(database, account.id);
    rows.push(...h.rows);
    funding.push(...h.funding);
    for (const trade of roundTrips(h.rows, h.funding))
      trades.push({
        ...trade,
        account_id: account.id,
        account_label: account.label,
        exchange: account.exchange,
      });
  }
  trades.sort((a, b) => (b.exit_time ?? b.entry_time).localeCompare(a.exit_time ?? a.entry_time));
  return { trades, rows, funding, accountIds: owned.map((account) => account.id) };
}

/** Round trips across the caller's accounts (or one), newest first; `status` keeps only closed or open ones. */
export async function historyTrades(
  database: Database,
  userId: string,
  scope: HistoryScope & { status?: 'open' | 'closed' | undefined },
  page: Page,
) {
  const { trades } = await allTrades(database, userId, scope);
  const kept = scope.status ? trades.filter((t) => t.status === scope.status) : trades;
  return { trades: kept.slice(page.offset, page.offset + page.limit), total: kept.length };
}

/** What the closed trades add up to (PnL net of fees and funding). */
export function tradeSummary(trades: readonly Trade[]) {
  const closed = trades.filter((t) => t.status === 'closed');
  let net = new ExchangeDecimal(0);
  let fees = new ExchangeDecimal(0);
  let funding = new ExchangeDecimal(0);
  let grossProfit = new ExchangeDecimal(0);
  let grossLoss = new ExchangeDecimal(0);
  let best: Decimal | undefined;
  let worst: Decimal | undefined;
  let wins = 0;
  for (const trade of closed) {
    const pnl = dec(trade.net_pnl);
    net = net.plus(pnl);
    fees = fees.plus(dec(trade.fees));
    funding = funding.plus(dec(trade.funding));
    if (pnl.gt(0)) {
      wins += 1;
      grossProfit = grossProfit.plus(pnl);
    } else grossLoss = grossLoss.plus(pnl.neg());
    if (!best || pnl.gt(best)) best = pnl;
    if (!worst || pnl.lt(worst)) worst = pnl;
  }
  return {
    closed_trades: closed.length,
    open_trades: trades.length - closed.length,
    wins,
    losses: closed.length - wins,
    // Percent with 2 decimals; null without closed trades (not 0 %, which would read as "all lost").
    win_rate_pct: closed.length ? Math.round((wins / closed.length) * 10_000) / 100 : null,
    net_pnl: text(net),
    fees: text(fees),
    funding: text(funding),
    gross_profit: text(grossProfit),
    gross_loss: text(grossLoss),
    profit_factor: grossLoss.gt(0) ? text(grossProfit.div(grossLoss).toDecimalPlaces(4)) : null,
    best_trade: best ? text(best) : null,
    worst_trade: worst ? text(worst) : null,
  };
}

/**
 * PnL per UTC day or month across the caller's accounts (or one), oldest first, with the summary
 * of the closed trades. Amounts are in the quote asset (USDT); the returns in percent divide by the
 * wallet balance the account mirror recorded (`returnsByPeriod`, `balance-history.ts`), null where
 * none was recorded yet.
 */
export async function historyReturns(
  database: Database,
  userId: string,
  scope: HistoryScope,
  period: 'day' | 'month',
) {
  const { trades, rows, funding, accountIds } = await allTrades(database, userId, scope);
  rows.sort((a, b) => a.venueTime.getTime() - b.venueTime.getTime());
  const balances = await balanceDaysOf(database, accountIds);
  const periods = returnsByPeriod(pnlByPeriod(rows, funding, period), {
    rows,
    funding,
    balances,
    accountIds,
  });
  return { period, periods, summary: tradeSummary(trades) };
}
