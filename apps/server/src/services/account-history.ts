import { and, asc, count, desc, eq } from 'drizzle-orm';
import {
  accountStreamState,
  accounts,
  type BalanceDayRow,
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

export async function history(database: Database, accountId: string) {
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

export type PnlPeriod = {
  date: string;
  realized_pnl: string;
  fees: string;
  funding: string;
  net_pnl: string;
  cumulative_net_pnl: string;
  fills: number;
};

/**
 * PnL per UTC day (`period: 'day'`, date `YYYY-MM-DD`) or month (`'month'`, `YYYY-MM`), oldest first:
 * the venue's realized PnL, fees, funding, their net, and the running net. Fills of several accounts
 * may be mixed; the sums do not depend on their order.
 */
export function pnlByPeriod(
  rows: readonly FillRow[],
  funding: readonly FundingPaymentRow[],
  period: 'day' | 'month' = 'day',
): PnlPeriod[] {
  const width = period === 'day' ? 10 : 7;
  const periods = new Map<string, { realized: Decimal; fees: Decimal; funding: Decimal; fills: number }>();
  const at = (d: Date) => {
    const key = d.toISOString().slice(0, width);
    let entry = periods.get(key);
    if (!entry) periods.set(key, (entry = { realized: zero(), fees: zero(), funding: zero(), fills: 0 }));
    return entry;
  };
  for (const row of rows) {
    const entry = at(row.venueTime);
    entry.realized = entry.realized.plus(dec(row.realizedPnl));
    entry.fees = entry.fees.plus(dec(row.fee));
    entry.fills += 1;
  }
  for (const f of funding) {
    const entry = at(f.venueTime);
    entry.funding = entry.funding.plus(dec(f.amount));
  }
  let cumulative = zero();
  return [...periods.entries()]
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
}

export type ReturnPeriod = PnlPeriod & {
  start_equity: string | null;
  return_pct: string | null;
  cumulative_return_pct: string | null;
};

/** An account's PnL events (fills: realized − fee; funding) by time, summed up to each. */
class NetTimeline {
  readonly #times: number[] = [];
  readonly #sums: Decimal[] = [];

  constructor(events: Array<{ at: number; net: Decimal }>) {
    events.sort((a, b) => a.at - b.at);
    let sum = zero();
    for (const e of events) {
      sum = sum.plus(e.net);
      this.#times.push(e.at);
      this.#sums.push(sum);
    }
  }

  /** How many events come before `at` (or at it too, with `inclusive`). */
  #count(at: number, inclusive: boolean): number {
    let lo = 0;
    let hi = this.#times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const t = this.#times[mid]!;
      if (t < at || (inclusive && t === at)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #sum(n: number): Decimal {
    return n === 0 ? zero() : this.#sums[n - 1]!;
  }

  /** Net PnL of the events at or after `from` and at or before `to`. */
  between(from: number, to: number): Decimal {
    return this.#sum(this.#count(to, true)).minus(this.#sum(this.#count(from, false)));
  }

  /** Net PnL of the events after `from` and before `to`. */
  after(from: number, to: number): Decimal {
    return this.#sum(this.#count(to, false)).minus(this.#sum(this.#count(from, true)));
  }

  /** Whether any event falls at or after `from` and before `to`. */
  any(from: number, to: number): boolean {
    return this.#count(to, false) > this.#count(from, false);
  }
}

const periodStart = (key: string) =>
  Date.parse(key.length === 7 ? `${key}-01T00:00:00Z` : `${key}T00:00:00Z`);

function periodEnd(key: string): number {
  const start = new Date(periodStart(key));
  if (key.length === 7) start.setUTCMonth(start.getUTCMonth() + 1);
  else start.setUTCDate(start.getUTCDate() + 1);
  return start.getTime();
}

/**
 * One account's wallet balance at the start of a period (ms `start`, key `YYYY-MM-DD` or `YYYY-MM`),
 * worked back from an observation so that it does not matter when in the period the mirror first
 * saw the balance: from the period's last observation (close), less the net PnL from the start up to
 * it and less the period's transfers; without one, from the last observation before the period plus
 * the net PnL between it and the start. Undefined before the account's first observation.
 */
function startBalance(
  days: readonly BalanceDayRow[],
  timeline: NetTimeline,
  key: string,
  start: number,
): Decimal | undefined {
  let last: BalanceDayRow | undefined;
  let before: BalanceDayRow | undefined;
  let transfers = zero();
  for (const day of days) {
    if (day.day.startsWith(key)) {
      last = day;
      transfers = transfers.plus(dec(day.transfers));
    } else if (day.day < key) before = day;
  }
  if (last)
    return dec(last.closeBalance).minus(timeline.between(start, last.closeAt.getTime())).minus(transfers);
  if (before) return dec(before.closeBalance).plus(timeline.after(before.closeAt.getTime(), start));
  return undefined;
}

/**
 * The periods of `pnlByPeriod` with returns in percent: `start_equity` is the wallet balance (quote
 * asset, excluding unrealised PnL) at the start of the period, summed over the accounts in scope
 * (`startBalance`; deposits and withdrawals the venue reported in the period are taken out, so money
 * moved in is never a return). `return_pct` = net PnL / start_equity × 100; a month uses the month's
 * start balance (not its days compounded, which differ when money moved during the month).
 * `cumulative_return_pct` compounds the periods' returns from the first one known. Each is null when
 * unknown: an account with PnL in the period that has no balance observed by then, a start balance
 * of zero or less, and for the cumulative one every period from an unknown one on.
 */
export function returnsByPeriod(
  periods: readonly PnlPeriod[],
  input: {
    rows: readonly FillRow[];
    funding: readonly FundingPaymentRow[];
    balances: readonly BalanceDayRow[];
    accountIds: readonly string[];
  },
): ReturnPeriod[] {
  const accounts = input.accountIds.map((id) => {
    const events: Array<{ at: number; net: Decimal }> = [];
    for (const f of input.rows)
      if (f.accountId === id)
        events.push({ at: f.venueTime.getTime(), net: dec(f.realizedPnl).minus(dec(f.fee)) });
    for (const f of input.funding)
      if (f.accountId === id) events.push({ at: f.venueTime.getTime(), net: dec(f.amount) });
    return {
      timeline: new NetTimeline(events),
      days: input.balances.filter((b) => b.accountId === id),
    };
  });
  let growth: Decimal | undefined;
  let broken = false;
  return periods.map((p) => {
    const start = periodStart(p.date);
    const end = periodEnd(p.date);
    let equity: Decimal | undefined;
    let unknown = false;
    for (const account of accounts) {
      const balance = startBalance(account.days, account.timeline, p.date, start);
      if (balance) equity = (equity ?? zero()).plus(balance);
      // An account without a balance yet counts only when it traded in the period.
      else if (account.timeline.any(start, end)) unknown = true;
    }
    if (unknown) equity = undefined;
    const ratio = equity?.gt(0) ? dec(p.net_pnl).div(equity) : undefined;
    if (!ratio) broken ||= growth !== undefined;
    else if (!broken) growth = (growth ?? new ExchangeDecimal(1)).times(ratio.plus(1));
    return {
      ...p,
      start_equity: equity ? text(equity) : null,
      return_pct: ratio ? text(ratio.times(100)) : null,
      cumulative_return_pct: growth && !broken ? text(growth.minus(1).times(100)) : null,
    };
  });
}

/** The account's daily PnL (UTC days, oldest first): realized, fees, funding, net, and the running net. */
export async function equitySeries(database: Database, userId: string, accountId: string, page: Page) {
  const account = await ownAccount(database, userId, accountId);
  const { rows, funding } = await history(database, account.id);
  const series = pnlByPeriod(rows, funding, 'day');
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
    // A leading = + - @ would be a formula in a spreadsheet: prefixed with a quote. Only a whole
    // number is left as it is (`-2+3+cmd|…` starts with a digit too).
    const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(s) ? `'${s}` : s;
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
