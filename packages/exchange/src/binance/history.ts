import type { FundingPayment, VenueFill } from '../stream/types.ts';
import { canonical, toPositionSide } from './parse.ts';
import type { Params } from './signing.ts';
import { fillCause } from './stream-parse.ts';

/**
 * REST reads that fill a stream's gaps (`AccountHistory`): executions from `GET /fapi/v1/userTrades`
 * and funding from `GET /fapi/v1/income?incomeType=FUNDING_FEE`, both signed (exchanges.md §1).
 *
 * Binance limits: userTrades needs a symbol and a `startTime`–`endTime` span of at most 7 days
 * (1000 rows a page); allOrders the same. So fills are read symbol by symbol over 7-day windows,
 * paging inside a window by the last row's time (rows of that millisecond are de-duplicated by id).
 * Which symbols, when none is asked: every symbol with a COMMISSION income entry since `since`
 * (each execution books one, so a position opened and closed inside the gap is found), plus the
 * symbols with a position or an open order now. A userTrades row carries neither the client order
 * id nor the order type: both come from allOrders (or, for an order created before the window,
 * `GET /fapi/v1/order`), which also gives the cause (liquidation `autoclose-`, ADL, a triggered
 * stop / take-profit by its original type).
 *
 * Funding ids: a payment read here is named by its `tranId`; the stream's ACCOUNT_UPDATE carries
 * no ledger id, so `stream-parse.ts` names it `stream:<E>:<symbol>:<asset>`. A consumer holding
 * both matches a stream payment to a REST one by asset, amount and time (the REST row is the
 * ledger's record and replaces the stream's).
 */

const WINDOW_MS = 7 * 24 * 60 * 60_000;
/** Binance keeps userTrades for the last 6 months; nothing older is asked for. */
const HISTORY_KEPT_MS = 180 * 24 * 60 * 60_000;
const PAGE = 1000;
/** Orders looked up one by one when allOrders did not return them (created before the window). */
const MAX_SINGLE_LOOKUPS = 50;

export type SignedGet = <T>(path: string, params: Params) => Promise<T>;

type UserTradeRow = {
  id: number;
  orderId: number;
  symbol: string;
  side: string;
  positionSide?: string;
  price: string;
  qty: string;
  commission: string;
  commissionAsset: string;
  realizedPnl: string;
  maker: boolean;
  time: number;
};

type OrderRow = { orderId: number; clientOrderId: string; type: string; origType?: string };

type IncomeRow = {
  symbol: string;
  incomeType: string;
  income: string;
  asset: string;
  time: number;
  tranId: number | string;
};

/** [start, end] windows of at most 7 days covering since..now. */
function windows(since: number, now: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let start = Math.max(since, now - HISTORY_KEPT_MS); start <= now; start += WINDOW_MS) {
    out.push([start, Math.min(now, start + WINDOW_MS - 1)]);
  }
  return out;
}

/** Every row of a time-ranged endpoint over since..now, paging by time; `key` de-duplicates. */
async function readRanged<Row extends { time: number }>(
  get: SignedGet,
  path: string,
  params: Params,
  since: number,
  now: number,
  key: (row: Row) => string,
): Promise<Row[]> {
  const seen = new Set<string>();
  const out: Row[] = [];
  for (const [start, end] of windows(since, now)) {
    let from = start;
    for (;;) {
      const rows = await get<Row[]>(path, { ...params, startTime: from, endTime: end, limit: PAGE });
      let added = 0;
      for (const row of Array.isArray(rows) ? rows : []) {
        const k = key(row);
        if (seen.has(k)) continue;
        seen.add(k);
        out.push(row);
        added += 1;
      }
      if (!Array.isArray(rows) || rows.length < PAGE || added === 0) break;
      const last = rows[rows.length - 1] as Row;
      from = last.time; // the same millisecond again: its rows are skipped by key
    }
  }
  return out;
}

export async function readFundingSince(
  get: SignedGet,
  query: { since: number; venueSymbol?: string; limit?: number },
  now: number,
): Promise<FundingPayment[]> {
  const rows = await readRanged<IncomeRow>(
    get,
    '/fapi/v1/income',
    { incomeType: 'FUNDING_FEE', symbol: query.venueSymbol },
    query.since,
    now,
    (r) => String(r.tranId),
  );
  const payments = rows
    .filter((r) => r.incomeType === 'FUNDING_FEE')
    .map((r) => ({
      venueEntryId: String(r.tranId),
      venueSymbol: r.symbol,
      amount: canonical(r.income),
      asset: r.asset,
      time: r.time,
    }))
    .sort((a, b) => a.time - b.time);
  return query.limit !== undefined ? payments.slice(0, query.limit) : payments;
}

/** Symbols traded since `since`: one COMMISSION income entry is booked per execution. */
export async function symbolsTradedSince(get: SignedGet, since: number, now: number): Promise<string[]> {
  const rows = await readRanged<IncomeRow>(
    get,
    '/fapi/v1/income',
    { incomeType: 'COMMISSION' },
    since,
    now,
    (r) => String(r.tranId),
  );
  return [...new Set(rows.map((r) => r.symbol).filter((s) => s !== ''))];
}

export async function readFillsSince(
  get: SignedGet,
  symbols: string[],
  query: { since: number; limit?: number },
  now: number,
): Promise<VenueFill[]> {
  const fills: VenueFill[] = [];
  for (const symbol of symbols) {
    const trades = await readRanged<UserTradeRow>(
      get,
      '/fapi/v1/userTrades',
      { symbol },
      query.since,
      now,
      (r) => String(r.id),
    );
    if (trades.length === 0) continue;
    const orders = new Map<string, OrderRow>();
    const firstTrade = Math.min(...trades.map((t) => t.time));
    const ordersRead = await readRanged<OrderRow & { time: number }>(
      get,
      '/fapi/v1/allOrders',
      { symbol },
      // An order is listed by its creation time, which can precede its first trade.
      Math.min(query.since, firstTrade),
      now,
      (r) => String(r.orderId),
    );
    for (const o of ordersRead) orders.set(String(o.orderId), o);
    const missing = [...new Set(trades.map((t) => String(t.orderId)))].filter((id) => !orders.has(id));
    for (const id of missing.slice(0, MAX_SINGLE_LOOKUPS)) {
      try {
        orders.set(id, await get<OrderRow>('/fapi/v1/order', { symbol, orderId: id }));
      } catch {
        // An order Binance no longer returns (archived): the fill keeps an empty client id.
      }
    }
    for (const t of trades) {
      const order = orders.get(String(t.orderId));
      const clientOrderId = order?.clientOrderId ?? '';
      fills.push({
        venueTradeId: String(t.id),
        venueOrderId: String(t.orderId),
        clientOrderId,
        venueSymbol: t.symbol,
        side: t.side === 'SELL' ? 'sell' : 'buy',
        positionSide: toPositionSide(t.positionSide ?? 'BOTH'),
        qty: canonical(t.qty),
        price: canonical(t.price),
        fee: canonical(t.commission),
        feeAsset: t.commissionAsset,
        realizedPnl: canonical(t.realizedPnl),
        liquidity: t.maker ? 'maker' : 'taker',
        ...fillCause(clientOrderId, order?.type ?? 'MARKET', order?.origType ?? order?.type ?? 'MARKET'),
        time: t.time,
      });
    }
  }
  fills.sort(
    (a, b) =>
      a.time - b.time ||
      a.venueTradeId.length - b.venueTradeId.length ||
      (a.venueTradeId < b.venueTradeId ? -1 : a.venueTradeId > b.venueTradeId ? 1 : 0),
  );
  return query.limit !== undefined ? fills.slice(0, query.limit) : fills;
}
