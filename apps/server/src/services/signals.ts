import { and, desc, eq, gte, ilike, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { accounts, fills, orders, signals, type Database } from '@tradingbot/db';
import { ExchangeDecimal, parseDecimal } from '@tradingbot/exchange';
import { ServerErrors } from '../errors.ts';

type SignalRow = typeof signals.$inferSelect;
type OrderRow = typeof orders.$inferSelect;
type Decimal = InstanceType<typeof ExchangeDecimal>;

/** Result codes of a signal executed without sending anything (the executor's no-ops). */
export const NOTHING_TO_DO_CODES = [
  'ALREADY_IN_POSITION',
  'NO_POSITION_TO_CLOSE',
  'NO_OPEN_ORDERS',
  'STOP_AT_ENTRY_ALREADY',
] as const;

/** What became of a signal: its status, except that an execution which sent nothing is `nothing_to_do`. */
export const SIGNAL_OUTCOMES = [
  'received',
  'executing',
  'executed',
  'nothing_to_do',
  'failed',
  'rejected',
] as const;
export type SignalOutcome = (typeof SIGNAL_OUTCOMES)[number];

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
const str = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

export function signalOutcome(status: SignalRow['status'], result: unknown): SignalOutcome {
  const code = record(result).code;
  const noop = (NOTHING_TO_DO_CODES as readonly unknown[]).includes(code);
  return status === 'executed' && noop ? 'nothing_to_do' : status;
}

/**
 * The quantity and average price the signal traded, from its result: the entry when it made one,
 * else what it closed (quantities summed, prices weighted by them). Null when nothing was filled.
 */
export function tradedOf(result: unknown): { qty: string | null; price: string | null } {
  const results = record(record(record(result).order_details).results);
  const entry = record(results.entry);
  const legs =
    Object.keys(entry).length > 0
      ? [entry]
      : (Array.isArray(results.closed) ? results.closed : []).map(record);
  let qty = new ExchangeDecimal(0);
  let notional = new ExchangeDecimal(0);
  let priced = new ExchangeDecimal(0);
  for (const leg of legs) {
    const filled = parseDecimal(str(leg.filled_qty) ?? '');
    const q = filled && filled.gt(0) ? filled : parseDecimal(str(leg.qty) ?? '');
    if (!q || q.lte(0)) continue;
    qty = qty.plus(q);
    const p = parseDecimal(str(leg.avg_price) ?? str(leg.price) ?? '');
    if (p && p.gt(0)) {
      notional = notional.plus(q.times(p));
      priced = priced.plus(q);
    }
  }
  const text = (value: Decimal) => value.toDecimalPlaces(8).toFixed();
  return {
    qty: qty.gt(0) ? text(qty) : null,
    price: priced.gt(0) ? text(notional.div(priced)) : null,
  };
}

function signalJson(row: SignalRow, label: string | null = null, pnl?: string) {
  const payload = record(row.payload);
  const details = record(record(row.result).order_details);
  return {
    id: row.id,
    account_id: row.accountId,
    account_label: label,
    status: row.status,
    outcome: signalOutcome(row.status, row.result),
    action: str(payload.action) ?? null,
    symbol: str(details.symbol) ?? str(payload.symbol) ?? null,
    ...tradedOf(row.result),
    realized_pnl: pnl ?? null,
    received_at: row.receivedAt.toISOString(),
    finished_at: row.finishedAt?.toISOString() ?? null,
    source_ip: row.sourceIp,
    payload: row.payload,
    result: row.result,
    error_code: row.errorCode,
    error_message: row.errorMessage,
  };
}

function orderJson(row: OrderRow) {
  return {
    id: row.id,
    role: row.role,
    symbol: row.symbol,
    side: row.side,
    type: row.type,
    qty: row.qty,
    price: row.price,
    status: row.status,
    client_order_id: row.clientOrderId,
    venue_order_id: row.venueOrderId,
    request: row.request,
    response: row.response,
    error: row.error,
    created_at: row.createdAt.toISOString(),
  };
}

export type SignalFilter = {
  account_id?: string | undefined;
  status?: SignalRow['status'] | undefined;
  outcome?: SignalOutcome | undefined;
  symbol?: string | undefined;
  before?: string | undefined;
  after?: string | undefined;
  limit: number;
};

const resultCode = sql`${signals.result}->>'code'`;
const noopCodes = sql.join(
  NOTHING_TO_DO_CODES.map((code) => sql`${code}`),
  sql`, `,
);

/** The outcome filter in SQL (see `signalOutcome`). */
function outcomeWhere(outcome: SignalOutcome | undefined): SQL | undefined {
  if (outcome === undefined) return undefined;
  if (outcome === 'nothing_to_do')
    return and(eq(signals.status, 'executed'), sql`${resultCode} IN (${noopCodes})`);
  if (outcome === 'executed')
    return and(
      eq(signals.status, 'executed'),
      sql`(${resultCode} IS NULL OR ${resultCode} NOT IN (${noopCodes}))`,
    );
  return eq(signals.status, outcome);
}

/** A symbol's part, matched in the symbol as sent (`BINANCE:BTCUSDT.P`) or as executed (`BTCUSDT`). */
function symbolWhere(symbol: string | undefined): SQL | undefined {
  if (!symbol) return undefined;
  const pattern = `%${symbol.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return or(
    ilike(sql`${signals.payload}->>'symbol'`, pattern),
    ilike(sql`${signals.result}->'order_details'->>'symbol'`, pattern),
  );
}

/** Realized PnL per signal (venue's figures, before fees) from the fills the account mirror tied to it. */
async function realizedBySignal(database: Database, ids: string[]): Promise<Map<string, string>> {
  const sums = new Map<string, Decimal>();
  if (ids.length === 0) return new Map();
  const rows = await database.db
    .select({ signalId: fills.signalId, pnl: fills.realizedPnl })
    .from(fills)
    .where(inArray(fills.signalId, ids));
  for (const row of rows) {
    const pnl = parseDecimal(row.pnl);
    if (row.signalId === null || !pnl) continue;
    sums.set(row.signalId, (sums.get(row.signalId) ?? new ExchangeDecimal(0)).plus(pnl));
  }
  return new Map([...sums].map(([id, sum]) => [id, sum.toDecimalPlaces(8).toFixed()]));
}

/** The caller's signals, newest first, with account name, quantity, price and PnL; scoped to the caller. */
export async function listSignals(database: Database, userId: string, filter: SignalFilter) {
  const { account_id: accountId, status, outcome, symbol, before, after, limit } = filter;
  const rows = await database.db
    .select({ row: signals, label: accounts.label })
    .from(signals)
    .leftJoin(accounts, eq(accounts.id, signals.accountId))
    .where(
      and(
        eq(signals.userId, userId),
        accountId ? eq(signals.accountId, accountId) : undefined,
        status ? eq(signals.status, status) : undefined,
        outcomeWhere(outcome),
        symbolWhere(symbol),
        before ? lt(signals.receivedAt, new Date(before)) : undefined,
        after ? gte(signals.receivedAt, new Date(after)) : undefined,
      ),
    )
    .orderBy(desc(signals.receivedAt))
    .limit(limit);
  const pnl = await realizedBySignal(
    database,
    rows.map(({ row }) => row.id),
  );
  return {
    signals: rows.map(({ row, label }) => signalJson(row, label, pnl.get(row.id))),
    total: rows.length,
  };
}

/** The columns of the signals CSV (`format=csv`), in order. */
export const SIGNAL_CSV_COLUMNS = [
  'received_at',
  'account_label',
  'account_id',
  'outcome',
  'action',
  'symbol',
  'qty',
  'price',
  'realized_pnl',
  'error_code',
  'error_message',
  'source_ip',
  'finished_at',
  'id',
] as const;

/** One of the caller's signals with the orders it placed; another user's is as unknown as a missing one. */
export async function signalDetail(database: Database, userId: string, signalId: string) {
  const [found] = await database.db
    .select({ row: signals, label: accounts.label })
    .from(signals)
    .leftJoin(accounts, eq(accounts.id, signals.accountId))
    .where(and(eq(signals.id, signalId), eq(signals.userId, userId)));
  if (!found) throw ServerErrors.create('NOT_FOUND', { message: 'Signal not found' });
  const { row, label } = found;
  const placed = await database.db
    .select()
    .from(orders)
    .where(eq(orders.signalId, row.id))
    .orderBy(orders.createdAt);
  const pnl = await realizedBySignal(database, [row.id]);
  return { ...signalJson(row, label, pnl.get(row.id)), orders: placed.map(orderJson) };
}
