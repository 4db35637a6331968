import { and, asc, count, desc, eq } from 'drizzle-orm';
import {
  accountStreamState,
  accounts,
  fills,
  fundingPayments,
  type Database,
  type FillRow,
  type FundingPaymentRow,
  type ProtectionPolicy,
} from '@tradingbot/db';
import { ExchangeDecimal, parseDecimal } from '@tradingbot/exchange';
import { ownAccount } from './accounts.ts';

type Decimal = InstanceType<typeof ExchangeDecimal>;
const zero = () => new ExchangeDecimal(0);
const dec = (value: string): Decimal => parseDecimal(value) ?? zero();
const text = (value: Decimal) => value.toDecimalPlaces(8).toFixed();

export type Page = { limit: number; offset: number };

export function fillJson(row: FillRow) {
  return {
    id: String(row.id),
    venue_trade_id: row.venueTradeId,
    venue_order_id: row.venueOrderId,
    client_order_id: row.clientOrderId,
    signal_id: row.signalId,
    symbol: row.symbol,
    side: row.side,
    position_side: row.positionSide,
    qty: row.qty,
    price: row.price,
    fee: row.fee,
    fee_asset: row.feeAsset,
    realized_pnl: row.realizedPnl,
    liquidity: row.liquidity,
    reason: row.reason,
    time: row.venueTime.toISOString(),
  };
}

/** The account's fills, newest first (the caller's accounts only: another's is ACCOUNT_NOT_FOUND). */
export async function listFills(database: Database, userId: string, accountId: string, page: Page) {
  const account = await ownAccount(database, userId, accountId);
  const rows = await database.db
    .select()
    .from(fills)
    .where(eq(fills.accountId, account.id))
    .orderBy(desc(fills.venueTime), desc(fills.id))
    .limit(page.limit)
    .offset(page.offset);
  const [total] = await database.db.select({ n: count() }).from(fills).where(eq(fills.accountId, account.id));
  return { fills: rows.map(fillJson), total: Number(total?.n ?? 0) };
}

export type Trade = {
  symbol: string;
  side: 'long' | 'short';
  status: 'open' | 'closed';
  qty: string;
  entry_price: string;
  exit_price: string | null;
  entry_time: string;
  exit_time: string | null;
  entry_reason: string;
  exit_reason: string | null;
  realized_pnl: string;
  fees: string;
  funding: string;
  net_pnl: string;
  fills: number;
};

type Open = {
  symbol: string;
  side: 'long' | 'short';
  /** Signed size now. */
  size: Decimal;
  entryQty: Decimal;
  entryValue: Decimal;
  exitQty: Decimal;
  exitValue: Decimal;
  entryTime: Date;
  exitTime: Date | null;
  entryReason: string;
  exitReason: string | null;
  realized: Decimal;
  fees: Decimal;
  fills: number;
};

/**
 * Round trips from the fills, oldest first: a trade opens when a position (per symbol, and per leg
 * in hedge mode) leaves zero and closes when it is back at zero; a fill through zero closes one and
 * opens the next (its fee split by quantity). PnL is the venue's realized PnL, net of the fees and
 * of the funding paid or received on the symbol while the trade was open. Fees are counted in
 * their own asset (the quote, USDT, on the venues traded here).
 */
export function roundTrips(rows: readonly FillRow[], funding: readonly FundingPaymentRow[]): Trade[] {
  const open = new Map<string, Open>();
  const done: Open[] = [];
  for (const row of rows) {
    const key = row.positionSide === 'net' ? row.symbol : `${row.symbol}|${row.positionSide}`;
    let qty = dec(row.qty);
    if (!qty.gt(0)) continue;
    const price = dec(row.price);
    const fee = dec(row.fee);
    const signed = row.side === 'buy' ? qty : qty.neg();
    let trade = open.get(key);
    let feeLeft = fee;
    let pnlLeft = dec(row.realizedPnl);
    if (trade && trade.size.isNeg() !== signed.isNeg()) {
      // Against the position: closes up to its size.
      const closing = ExchangeDecimal.min(qty, trade.size.abs());
      const share = qty.isZero() ? zero() : closing.div(qty);
      const closingFee = fee.times(share);
      trade.exitQty = trade.exitQty.plus(closing);
      trade.exitValue = trade.exitValue.plus(closing.times(price));
      trade.realized = trade.realized.plus(pnlLeft);
      trade.fees = trade.fees.plus(closingFee);
      trade.fills += 1;
      trade.exitReason = row.reason;
      trade.exitTime = row.venueTime;
      trade.size = trade.size.plus(trade.size.isNeg() ? closing : closing.neg());
      pnlLeft = zero();
      feeLeft = fee.minus(closingFee);
      qty = qty.minus(closing);
      if (trade.size.isZero()) {
        done.push(trade);
        open.delete(key);
        trade = undefined;
      }
      if (qty.isZero()) continue;
    }
    if (!trade) {
      const side: 'long' | 'short' =
        row.positionSide === 'long' || row.positionSide === 'short'
          ? row.positionSide
          : row.side === 'buy'
            ? 'long'
            : 'short';
      trade = {
        symbol: row.symbol,
        side,
        size: zero(),
        entryQty: zero(),
        entryValue: zero(),
        exitQty: zero(),
        exitValue: zero(),
        entryTime: row.venueTime,
        exitTime: null,
        entryReason: row.reason,
        exitReason: null,
        realized: zero(),
        fees: zero(),
        fills: 0,
      };
      open.set(key, trade);
    }
    trade.entryQty = trade.entryQty.plus(qty);
    trade.entryValue = trade.entryValue.plus(qty.times(price));
    trade.size = trade.size.plus(row.side === 'buy' ? qty : qty.neg());
    trade.fees = trade.fees.plus(feeLeft);
    trade.realized = trade.realized.plus(pnlLeft);
    trade.fills += 1;
  }
  const all = [...done, ...open.values()];
  return all
    .map((t) => {
      const until = t.exitTime && t.size.isZero() ? t.exitTime.getTime() : Number.POSITIVE_INFINITY;
      let fundingSum = zero();
      for (const f of funding) {
        const at = f.venueTime.getTime();
        if (f.symbol === t.symbol && at >= t.entryTime.getTime() && at <= until)
          fundingSum = fundingSum.plus(dec(f.amount));
      }
      const closed = t.size.isZero();
      return {
        symbol: t.symbol,
        side: t.side,
        status: closed ? ('closed' as const) : ('open' as const),
        qty: text(t.entryQty),
        entry_price: text(t.entryValue.div(t.entryQty)),
        exit_price: t.exitQty.gt(0) ? text(t.exitValue.div(t.exitQty)) : null,
        entry_time: t.entryTime.toISOString(),
        exit_time: closed ? (t.exitTime?.toISOString() ?? null) : null,
        entry_reason: t.entryReason,
        exit_reason: closed ? t.exitReason : null,
        realized_pnl: text(t.realized),
        fees: text(t.fees),
        funding: text(fundingSum),
        net_pnl: text(t.realized.minus(t.fees).plus(fundingSum)),
        fills: t.fills,
      };
    })
    .sort((a, b) => (b.exit_time ?? b.entry_time).localeCompare(a.exit_time ?? a.entry_time));
}

async function history(database: Database, accountId: string) {
  const rows = await database.db
    .select()
    .from(fills)
    .where(eq(fills.accountId, accountId))
    .orderBy(asc(fills.venueTime), asc(fills.id));
  const funding = await database.db
    .select()
    .from(fundingPayments)
    .where(eq(fundingPayments.accountId, accountId))
    .orderBy(asc(fundingPayments.venueTime));
  return { rows, funding };
}

/** The account's round trips, newest first. */
export async function listTrades(database: Database, userId: string, accountId: string, page: Page) {
  const account = await ownAccount(database, userId, accountId);
  const { rows, funding } = await history(database, account.id);
  const trades = roundTrips(rows, funding);
  return { trades: trades.slice(page.offset, page.offset + page.limit), total: trades.length };
}

/** The account's daily PnL (UTC days, oldest first): realized, fees, funding, net, and the running net. */
export async function equitySeries(database: Database, userId: string, accountId: string, page: Page) {
  const account = await ownAccount(database, userId, accountId);
  const { rows, funding } = await history(database, account.id);
  const days = new Map<string, { realized: Decimal; fees: Decimal; funding: Decimal; fills: number }>();
  const day = (d: Date) => {
    const key = d.toISOString().slice(0, 10);
    let entry = days.get(key);
    if (!entry) days.set(key, (entry = { realized: zero(), fees: zero(), funding: zero(), fills: 0 }));
    return entry;
  };
  for (const row of rows) {
    const entry = day(row.venueTime);
    entry.realized = entry.realized.plus(dec(row.realizedPnl));
    entry.fees = entry.fees.plus(dec(row.fee));
    entry.fills += 1;
  }
  for (const f of funding) {
    const entry = day(f.venueTime);
    entry.funding = entry.funding.plus(dec(f.amount));
  }
  let cumulative = zero();
  const series = [...days.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([date, d]) => {
      const net = d.realized.minus(d.fees).plus(d.funding);
      cumulative = cumulative.plus(net);
      return {
        date,
        realized_pnl: text(d.realized),
        fees: text(d.fees),
        funding: text(d.funding),
        net_pnl: text(net),
        cumulative_net_pnl: text(cumulative),
        fills: d.fills,
      };
    });
  return { days: series.slice(page.offset, page.offset + page.limit), total: series.length };
}

/** Realized PnL of the account from its fills (venue's figures), with fees and funding; undefined when it has none. */
export async function pnlFromFills(database: Database, accountId: string) {
  const [n] = await database.db
    .select({ n: count() })
    .from(fills)
    .where(and(eq(fills.accountId, accountId)));
  if (Number(n?.n ?? 0) === 0) return undefined;
  const { rows, funding } = await history(database, accountId);
  let realized = zero();
  let fees = zero();
  for (const row of rows) {
    realized = realized.plus(dec(row.realizedPnl));
    fees = fees.plus(dec(row.fee));
  }
  let fundingSum = zero();
  for (const f of funding) fundingSum = fundingSum.plus(dec(f.amount));
  return { realized, fees, funding: fundingSum, fills: rows.length };
}

/** Rows as CSV (RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled). */
export function toCsv(rows: ReadonlyArray<Record<string, unknown>>, columns: readonly string[]): string {
  const field = (value: unknown) => {
    const s = value === null || value === undefined ? '' : String(value);
    // A leading = + - @ would be a formula in a spreadsheet: prefixed with a quote.
    const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return (
    [columns.join(','), ...rows.map((row) => columns.map((c) => field(row[c])).join(','))].join('\r\n') +
    '\r\n'
  );
}

/** The account's stream status and protection policy. */
export async function streamStatus(database: Database, userId: string, accountId: string) {
  const account = await ownAccount(database, userId, accountId);
  const [state] = await database.db
    .select()
    .from(accountStreamState)
    .where(eq(accountStreamState.accountId, account.id));
  return {
    account_id: account.id,
    protection_policy: account.protectionPolicy,
    stream: state?.status ?? ('none' as const),
    status_reason: state?.statusReason ?? null,
    since: state?.statusSince.toISOString() ?? null,
    last_event_at: state?.lastEventAt?.toISOString() ?? null,
  };
}

/** Sets what the mirror does with a position that lost its stop-loss (the caller's account only). */
export async function setProtectionPolicy(
  database: Database,
  userId: string,
  accountId: string,
  policy: ProtectionPolicy,
) {
  const account = await ownAccount(database, userId, accountId);
  await database.db
    .update(accounts)
    .set({ protectionPolicy: policy, updatedAt: new Date() })
    .where(eq(accounts.id, account.id));
  return streamStatus(database, userId, accountId);
}
