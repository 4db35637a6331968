import { asc, eq } from 'drizzle-orm';
import { orders, type Database } from '@tradingbot/db';
import { ExchangeDecimal, parseDecimal } from '@tradingbot/exchange';
import { ownAccount } from './accounts.ts';
import { pnlFromFills } from './account-history.ts';
import { openPositions } from './account-mirror.ts';

type Decimal = InstanceType<typeof ExchangeDecimal>;

export type Fill = { symbol: string; side: string; qty: string; price: string };

/**
 * Realized PnL of a sequence of fills (oldest first), per symbol on a net position with an average
 * entry price: a fill against the position realizes (price − average entry) × closed quantity, a
 * fill beyond it opens the other side at its price. Fees are not included. Decimal arithmetic on
 * the venue's decimal strings, so sums of many small fills do not drift.
 */
export function realizedFromFills(fills: Fill[]) {
  const book = new Map<string, { qty: Decimal; avg: Decimal }>();
  let realized = new ExchangeDecimal(0);
  let counted = 0;
  for (const fill of fills) {
    const qty = parseDecimal(fill.qty);
    const price = parseDecimal(fill.price);
    if (qty === undefined || price === undefined || !qty.gt(0) || !price.gt(0)) continue;
    counted++;
    const delta = fill.side === 'buy' ? qty : qty.neg();
    const position = book.get(fill.symbol) ?? { qty: new ExchangeDecimal(0), avg: new ExchangeDecimal(0) };
    if (position.qty.isZero() || position.qty.isNeg() === delta.isNeg()) {
      const size = position.qty.abs().plus(qty);
      position.avg = position.avg.times(position.qty.abs()).plus(price.times(qty)).div(size);
      position.qty = position.qty.plus(delta);
    } else {
      const closed = ExchangeDecimal.min(qty, position.qty.abs());
      const direction = position.qty.isNeg() ? -1 : 1;
      realized = realized.plus(closed.times(price.minus(position.avg)).times(direction));
      const after = position.qty.plus(delta);
      if (after.isZero()) position.avg = new ExchangeDecimal(0);
      else if (after.isNeg() !== position.qty.isNeg()) position.avg = price;
      position.qty = after;
    }
    book.set(fill.symbol, position);
  }
  return {
    realized,
    fills: counted,
    open: [...book.entries()]
      .filter(([, p]) => !p.qty.isZero())
      .map(([symbol, p]) => ({ symbol, qty: p.qty.toNumber(), avg_entry: p.avg.toNumber() })),
  };
}

/** A decimal string of a stored order field, or undefined. */
const decimalText = (value: unknown): string | undefined =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;

/**
 * Realized PnL of the caller's account (the dashboard's "realized PnL"): from the account mirror's
 * `fills` when it has any (every execution on the venue, net of fees and funding); otherwise from
 * the fills this server recorded for its own orders, where exchange-side fills it never saw (a
 * stop-loss that triggered at the exchange, manual trades) are not in it.
 */
export async function accountPnl(database: Database, userId: string, accountId: string) {
  const account = await ownAccount(database, userId, accountId);
  const mirrored = await pnlFromFills(database, account.id);
  if (mirrored !== undefined) {
    // The account mirror saw every execution on the venue: the venue's realized PnL, net of fees and funding.
    const net = mirrored.realized.minus(mirrored.fees).plus(mirrored.funding);
    return {
      account_id: account.id,
      realized_pnl: net.toDecimalPlaces(8).toNumber(),
      fills: mirrored.fills,
      open: (await openPositions(database, account.id)).map((p) => ({
        symbol: p.symbol,
        qty: Number(p.qty),
        avg_entry: Number(p.entryPrice),
      })),
      basis:
        "every fill on the venue (the account mirror): the venue's realized PnL net of fees and funding, triggered stops, liquidations and manual trades included",
    };
  }
  const rows = await database.db
    .select()
    .from(orders)
    .where(eq(orders.accountId, account.id))
    .orderBy(asc(orders.createdAt));
  const fills: Fill[] = rows.flatMap((row) => {
    const response = (row.response ?? {}) as Record<string, unknown>;
    const qty = decimalText(response.filledQty ?? (row.status === 'filled' ? row.qty : undefined));
    const price = decimalText(response.avgPrice ?? row.price);
    return qty !== undefined && price !== undefined
      ? [{ symbol: row.symbol, side: row.side, qty, price }]
      : [];
  });
  const { realized, open, fills: counted } = realizedFromFills(fills);
  return {
    account_id: account.id,
    realized_pnl: realized.toDecimalPlaces(8).toNumber(),
    fills: counted,
    open,
    basis:
      'fills of orders this server placed and recorded; fees and exchange-side fills it did not record are not included',
  };
}
