import type Decimal from 'decimal.js';
import { D, fmt } from '../../decimal.ts';
import type { FundingPayment } from '../../stream/types.ts';
import type {
  MarginMode,
  OrderSide,
  OrderStatus,
  OrderType,
  PositionMode,
  PositionSide,
} from '../../types.ts';
import { fail } from './rejections.ts';
import { isOpen, type VenueState } from './state.ts';
import type { OrderRecord, PaperFill, PositionRecord } from './types.ts';

// The account's state as plain JSON (decimals as strings), so a paper account outlives its venue
// object: the server stores it when it drops an idle venue, and at restart (docs/paper-venue.md,
// "Snapshots"). Settings that come from the venue's options (instruments, fees, maintenance rate)
// and the candle history (rebuilt by the feed) are not part of it.

/** Done orders a snapshot keeps (open ones are always kept): enough for lookups by client id. */
export const SNAPSHOT_DONE_ORDERS = 1000;
/** Fills a snapshot keeps, the latest. */
export const SNAPSHOT_FILLS = 500;

type Dec = string;

export type PaperPositionSnapshot = {
  venueSymbol: string;
  side: PositionSide;
  qty: Dec;
  cost: Dec;
  marginMode: MarginMode;
  leverage: number;
  isolatedMargin: Dec;
  updatedAt: number;
};

export type PaperOrderSnapshot = {
  seq: number;
  venueOrderId: string;
  clientOrderId: string;
  idempotencyKey: string | null;
  venueSymbol: string;
  side: OrderSide;
  positionSide: PositionSide;
  type: OrderType;
  status: OrderStatus;
  qty: Dec;
  filledQty: Dec;
  avgPrice: Dec | null;
  price: Dec | null;
  triggerPrice: Dec | null;
  reduceOnly: boolean;
  closePosition: boolean;
  isAlgo: boolean;
  ocoGroup: string | null;
  /** Trailing stops (absent in snapshots written before them). */
  callbackRate?: Dec | null;
  activationPrice?: Dec | null;
  trailBest?: Dec | null;
  reservedMargin: Dec;
  fee: Dec;
  realizedPnl: Dec;
  createdAt: number;
  updatedAt: number;
  statusReason: string | null;
  attachedStopLoss: string | null;
  attachedTakeProfit: string | null;
  protection: string[];
  protectionError: string | null;
};

/** A paper account's state (version 1): JSON-safe, decimals as strings. */
export type PaperVenueSnapshot = {
  version: 1;
  clock: number | null;
  lastFundingCheck: number | null;
  seq: number;
  fillSeq: number;
  positionMode: PositionMode;
  wallets: Record<string, Dec>;
  marks: Record<string, Dec>;
  leverages: Record<string, number>;
  marginModes: Record<string, MarginMode>;
  positions: PaperPositionSnapshot[];
  orders: PaperOrderSnapshot[];
  fills: PaperFill[];
  /**
   * The last funding entry number and the latest payments (added with account events; a snapshot
   * without them restores with none, and entry numbers continue from 0 as before).
   */
  fundingSeq?: number;
  funding?: FundingPayment[];
};

const opt = (value: { toString(): string } | undefined): string | null =>
  value === undefined ? null : String(value);
const decOpt = (value: Decimal | undefined): string | null => (value === undefined ? null : fmt(value));
const und = <T>(value: T | null): T | undefined => (value === null ? undefined : value);
const decUnd = (value: string | null) => (value === null ? undefined : new D(value));

function orderSnapshot(o: OrderRecord): PaperOrderSnapshot {
  return {
    seq: o.seq,
    venueOrderId: o.venueOrderId,
    clientOrderId: o.clientOrderId,
    idempotencyKey: opt(o.idempotencyKey),
    venueSymbol: o.venueSymbol,
    side: o.side,
    positionSide: o.positionSide,
    type: o.type,
    status: o.status,
    qty: fmt(o.qty),
    filledQty: fmt(o.filledQty),
    avgPrice: decOpt(o.avgPrice),
    price: decOpt(o.price),
    triggerPrice: decOpt(o.triggerPrice),
    reduceOnly: o.reduceOnly,
    closePosition: o.closePosition,
    isAlgo: o.isAlgo,
    ocoGroup: opt(o.ocoGroup),
    callbackRate: decOpt(o.callbackRate),
    activationPrice: decOpt(o.activationPrice),
    trailBest: decOpt(o.trailBest),
    reservedMargin: fmt(o.reservedMargin),
    fee: fmt(o.fee),
    realizedPnl: fmt(o.realizedPnl),
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    statusReason: opt(o.statusReason),
    attachedStopLoss: opt(o.attachedStopLoss),
    attachedTakeProfit: opt(o.attachedTakeProfit),
    protection: [...o.protection],
    protectionError: opt(o.protectionError),
  };
}

/** The record, field by field in bookOrder's order (records of one shape keep the loops fast). */
function orderRecord(o: PaperOrderSnapshot): OrderRecord {
  return {
    seq: o.seq,
    venueOrderId: o.venueOrderId,
    clientOrderId: o.clientOrderId,
    idempotencyKey: und(o.idempotencyKey),
    venueSymbol: o.venueSymbol,
    side: o.side,
    positionSide: o.positionSide,
    type: o.type,
    status: o.status,
    qty: new D(o.qty),
    filledQty: new D(o.filledQty),
    avgPrice: decUnd(o.avgPrice),
    price: decUnd(o.price),
    triggerPrice: decUnd(o.triggerPrice),
    reduceOnly: o.reduceOnly,
    closePosition: o.closePosition,
    isAlgo: o.isAlgo,
    ocoGroup: und(o.ocoGroup),
    callbackRate: decUnd(o.callbackRate ?? null),
    activationPrice: decUnd(o.activationPrice ?? null),
    trailBest: decUnd(o.trailBest ?? null),
    reservedMargin: new D(o.reservedMargin),
    fee: new D(o.fee),
    realizedPnl: new D(o.realizedPnl),
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    statusReason: und(o.statusReason),
    attachedStopLoss: und(o.attachedStopLoss),
    attachedTakeProfit: und(o.attachedTakeProfit),
    protection: [...o.protection],
    protectionError: und(o.protectionError),
  };
}

const mapOf = <V, W>(map: Map<string, V>, f: (v: V) => W): Record<string, W> =>
  Object.fromEntries([...map].map(([k, v]) => [k, f(v)]));

/** The state as JSON: every open order, the latest done ones, the latest fills. */
export function snapshotState(state: VenueState): PaperVenueSnapshot {
  const open = state.orders.filter(isOpen);
  const done = state.orders.filter((o) => !isOpen(o)).slice(-SNAPSHOT_DONE_ORDERS);
  const kept = [...open, ...done].sort((a, b) => a.seq - b.seq);
  return {
    version: 1,
    clock: state.clock ?? null,
    lastFundingCheck: state.lastFundingCheck ?? null,
    seq: state.seq,
    fillSeq: state.fillSeq,
    positionMode: state.positionMode,
    wallets: mapOf(state.wallets, fmt),
    marks: mapOf(state.marks, fmt),
    leverages: mapOf(state.leverages, (v) => v),
    marginModes: mapOf(state.marginModes, (v) => v),
    positions: [...state.positions.values()].map((p) => ({
      venueSymbol: p.venueSymbol,
      side: p.side,
      qty: fmt(p.qty),
      cost: fmt(p.cost),
      marginMode: p.marginMode,
      leverage: p.leverage,
      isolatedMargin: fmt(p.isolatedMargin),
      updatedAt: p.updatedAt,
    })),
    orders: kept.map(orderSnapshot),
    fills: structuredClone(state.fillLog.slice(-SNAPSHOT_FILLS)),
    fundingSeq: state.fundingSeq,
    funding: state.fundingLog.map((payment) => ({ ...payment })),
  };
}

/** Replaces the state's account with a snapshot's (a fresh venue: its own starting balance goes). */
export function restoreState(state: VenueState, snapshot: PaperVenueSnapshot): void {
  if (snapshot?.version !== 1) {
    throw fail('INVALID_REQUEST', 'invalid_request', 'Unknown paper venue snapshot version', {
      version: (snapshot as { version?: unknown } | undefined)?.version,
    });
  }
  for (const symbol of [...Object.keys(snapshot.marks), ...snapshot.positions.map((p) => p.venueSymbol)]) {
    state.instrument(symbol);
  }
  state.clock = und(snapshot.clock);
  state.lastFundingCheck = und(snapshot.lastFundingCheck);
  state.seq = snapshot.seq;
  // Fill and funding numbers are trade / ledger ids in the account events: they never go back.
  state.fillSeq = Math.max(snapshot.fillSeq ?? 0, ...snapshot.fills.map((f) => f.seq));
  const funding = Array.isArray(snapshot.funding) ? snapshot.funding : [];
  state.fundingSeq = Math.max(
    snapshot.fundingSeq ?? 0,
    ...funding.map((payment) => Number(payment.venueEntryId) || 0),
  );
  state.positionMode = snapshot.positionMode;
  replace(state.wallets, snapshot.wallets, (v) => new D(v));
  replace(state.marks, snapshot.marks, (v) => new D(v));
  replace(state.leverages, snapshot.leverages, (v) => v);
  replace(state.marginModes, snapshot.marginModes, (v) => v);
  state.positions.clear();
  for (const p of snapshot.positions) {
    const record: PositionRecord = {
      venueSymbol: p.venueSymbol,
      side: p.side,
      qty: new D(p.qty),
      cost: new D(p.cost),
      marginMode: p.marginMode,
      leverage: p.leverage,
      isolatedMargin: new D(p.isolatedMargin),
      updatedAt: p.updatedAt,
    };
    state.positions.set(state.positionKey(p.venueSymbol, p.side), record);
  }
  state.orders.length = 0;
  state.ordersById.clear();
  state.ordersByClientId.clear();
  for (const o of snapshot.orders) {
    const record = orderRecord(o);
    state.orders.push(record);
    state.ordersById.set(record.venueOrderId, record);
    state.ordersByClientId.set(record.clientOrderId, [
      ...(state.ordersByClientId.get(record.clientOrderId) ?? []),
      record,
    ]);
  }
  state.fillLog.length = 0;
  state.fillLog.push(...structuredClone(snapshot.fills));
  state.fundingLog.length = 0;
  state.fundingLog.push(...funding.map((payment) => ({ ...payment })));
}

function replace<V, W>(map: Map<string, W>, values: Record<string, V>, f: (v: V) => W): void {
  map.clear();
  for (const [key, value] of Object.entries(values)) map.set(key, f(value));
}
