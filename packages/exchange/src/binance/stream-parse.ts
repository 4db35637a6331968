import Decimal from 'decimal.js';
import type { AccountEvent, FillCause, MarketEvent, VenueFill } from '../stream/types.ts';
import type { Balance, Order, OrderStatus, OrderType, Position } from '../types.ts';
import { canonical, toPositionSide } from './parse.ts';

/**
 * Binance USDⓈ-M stream frames → the venue-neutral events of `../stream/types.ts`. Pure functions,
 * defensive: a frame that is not JSON, not an object, or misses a field the event needs becomes a
 * `problem` (never a throw), so the socket handler reports it once and keeps going. Field names and
 * enumerations: ../shared/reference/streams.md §1.4–1.5 (developers.binance.com user-data and
 * market-stream pages).
 */

/** What one user-data frame means to the stream. */
export type UserFrame =
  | { type: 'events'; events: AccountEvent[] }
  /** `listenKeyExpired`: no more events on this key; a new key and connection are needed. */
  | { type: 'expired' }
  /** Known but carries nothing we use (TRADE_LITE, ACCOUNT_CONFIG_UPDATE, subscription replies). */
  | { type: 'ignored' }
  | { type: 'problem'; code: 'MALFORMED_FRAME' | 'UNKNOWN_EVENT'; message: string };

export type MarketFrame =
  | { type: 'events'; events: MarketEvent[] }
  /** A reply to SUBSCRIBE / UNSUBSCRIBE (`{"result":null,"id":1}`) or an error reply (`{"code":…,"msg":…,"id":…}`). */
  | { type: 'reply'; id: number; error?: string }
  | { type: 'ignored' }
  | { type: 'problem'; code: 'MALFORMED_FRAME' | 'UNKNOWN_EVENT'; message: string };

type Json = Record<string, unknown>;

class FrameError extends Error {}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function field(obj: Json, key: string): unknown {
  const v = obj[key];
  if (v === undefined || v === null) throw new FrameError(`field "${key}" is missing`);
  return v;
}

function text(obj: Json, key: string): string {
  const v = field(obj, key);
  if (typeof v !== 'string' && typeof v !== 'number') throw new FrameError(`field "${key}" is not a string`);
  return String(v);
}

/** A decimal string field (Binance sends decimals as strings; a number is accepted too). */
function dec(obj: Json, key: string): string {
  const v = text(obj, key);
  try {
    return canonical(v);
  } catch {
    throw new FrameError(`field "${key}" is not a decimal: ${v.slice(0, 40)}`);
  }
}

/** A millisecond time: `listenKeyExpired` sends `E` as a string, the other events as a number. */
function ms(obj: Json, key: string): number {
  const v = field(obj, key);
  const n = typeof v === 'string' && /^\d{1,16}$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new FrameError(`field "${key}" is not a time`);
  return n;
}

function optionalDec(obj: Json, key: string): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null || v === '') return undefined;
  const d = dec(obj, key);
  return new Decimal(d).isZero() ? undefined : d;
}

function object(obj: Json, key: string): Json {
  const v = field(obj, key);
  if (!isObject(v)) throw new FrameError(`field "${key}" is not an object`);
  return v;
}

function list(obj: Json, key: string): Json[] {
  const v = obj[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every(isObject))
    throw new FrameError(`field "${key}" is not a list of objects`);
  return v;
}

/** JSON text → object, unwrapping a combined stream's `{"stream":…,"data":…}` envelope. */
function readFrame(raw: string): Json | FrameError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return new FrameError(`not JSON: ${raw.slice(0, 80)}`);
  }
  if (!isObject(parsed)) return new FrameError(`not a JSON object: ${raw.slice(0, 80)}`);
  if (typeof parsed.stream === 'string' && 'data' in parsed) {
    const data = parsed.data;
    if (!isObject(data)) return new FrameError(`combined frame "${parsed.stream}" carries no object`);
    return data;
  }
  return parsed;
}

// ── Enumerations ─────────────────────────────────────────────────────────────────────────────

function orderType(value: string): OrderType {
  switch (value) {
    case 'LIMIT':
      return 'limit';
    case 'STOP':
    case 'STOP_MARKET':
      return 'stop_market';
    case 'TRAILING_STOP_MARKET':
      return 'trailing_stop_market';
    case 'TAKE_PROFIT':
    case 'TAKE_PROFIT_MARKET':
      return 'take_profit_market';
    default:
      return 'market';
  }
}

/** `X` of ORDER_TRADE_UPDATE; NEW_ADL / NEW_INSURANCE (seen in nautilus_trader fixtures, not in the docs) are fills. */
function orderStatus(value: string): OrderStatus {
  switch (value) {
    case 'NEW':
      return 'new';
    case 'PARTIALLY_FILLED':
      return 'partially_filled';
    case 'FILLED':
    case 'NEW_ADL':
    case 'NEW_INSURANCE':
      return 'filled';
    case 'CANCELED':
      return 'canceled';
    case 'REJECTED':
      return 'rejected';
    case 'EXPIRED':
    case 'EXPIRED_IN_MATCH':
      return 'expired';
    default:
      return 'unknown';
  }
}

/** `X` of ALGO_UPDATE: TRIGGERED / FINISHED mean the condition fired and its order went to the engine. */
function algoStatus(value: string): OrderStatus {
  switch (value) {
    case 'NEW':
    case 'TRIGGERING':
      return 'new';
    case 'TRIGGERED':
    case 'FINISHED':
      return 'filled';
    case 'CANCELED':
      return 'canceled';
    case 'REJECTED':
      return 'rejected';
    case 'EXPIRED':
      return 'expired';
    default:
      return 'unknown';
  }
}

const TRIGGER_KIND: Record<string, VenueFill['trigger']> = {
  STOP: 'stop_loss',
  STOP_MARKET: 'stop_loss',
  TAKE_PROFIT: 'take_profit',
  TAKE_PROFIT_MARKET: 'take_profit',
  TRAILING_STOP_MARKET: 'trailing',
};

/**
 * Why an execution happened, from what Binance says about its order: a liquidation order's client
 * id starts with `autoclose-` (type LIQUIDATION), an ADL's is `adl_autoclose…`; an order whose
 * original type (`ot`) is conditional was a stop / take-profit that triggered.
 */
export function fillCause(
  clientOrderId: string,
  type: string,
  originalType: string,
): { cause: FillCause; trigger?: VenueFill['trigger'] } {
  if (clientOrderId.startsWith('adl_autoclose')) return { cause: 'adl' };
  if (clientOrderId.startsWith('autoclose-') || type === 'LIQUIDATION' || originalType === 'LIQUIDATION') {
    return { cause: 'liquidation' };
  }
  const trigger = TRIGGER_KIND[originalType] ?? TRIGGER_KIND[type];
  return trigger !== undefined ? { cause: 'trigger', trigger } : { cause: 'order' };
}

// ── User data ────────────────────────────────────────────────────────────────────────────────

function orderTradeUpdate(frame: Json): AccountEvent[] {
  const time = ms(frame, 'E');
  const o = object(frame, 'o');
  const clientOrderId = text(o, 'c');
  const type = text(o, 'o');
  const originalType = typeof o.ot === 'string' ? o.ot : type;
  const side = text(o, 'S') === 'SELL' ? 'sell' : 'buy';
  const positionSide = toPositionSide(typeof o.ps === 'string' ? o.ps : 'BOTH');
  const updateTime = typeof o.T === 'number' ? o.T : ms(frame, 'T');
  const avgPrice = optionalDec(o, 'ap');
  const price = optionalDec(o, 'p');
  const triggerPrice = optionalDec(o, 'sp');
  const order: Order = {
    venueOrderId: text(o, 'i'),
    clientOrderId,
    venueSymbol: text(o, 's'),
    side,
    positionSide,
    type: orderType(originalType),
    status: orderStatus(text(o, 'X')),
    qty: dec(o, 'q'),
    filledQty: dec(o, 'z'),
    ...(avgPrice !== undefined ? { avgPrice } : {}),
    ...(price !== undefined ? { price } : {}),
    ...(triggerPrice !== undefined ? { triggerPrice } : {}),
    reduceOnly: o.R === true || o.cp === true,
    isAlgo: false,
    raw: o,
  };
  const events: AccountEvent[] = [{ kind: 'order', time, order, updateTime }];
  const execution = text(o, 'x');
  const lastQty = dec(o, 'l');
  // TRADE is an execution; CALCULATED is a liquidation's execution (streams.md §1.5).
  if ((execution === 'TRADE' || execution === 'CALCULATED') && !new Decimal(lastQty).isZero()) {
    const tradeId = text(o, 't');
    const fee = typeof o.n === 'string' || typeof o.n === 'number' ? dec(o, 'n') : '0';
    events.push({
      kind: 'fill',
      time,
      fill: {
        // A liquidation execution may carry t = 0: the order id and time stand in for it.
        venueTradeId: tradeId === '0' ? `${order.venueOrderId}-${updateTime}` : tradeId,
        venueOrderId: order.venueOrderId,
        clientOrderId,
        venueSymbol: order.venueSymbol,
        side,
        positionSide,
        qty: lastQty,
        price: dec(o, 'L'),
        fee,
        feeAsset: typeof o.N === 'string' ? o.N : 'USDT',
        realizedPnl: typeof o.rp === 'string' || typeof o.rp === 'number' ? dec(o, 'rp') : '0',
        liquidity: o.m === true ? 'maker' : 'taker',
        ...fillCause(clientOrderId, type, originalType),
        time: updateTime,
      },
    });
  }
  return events;
}

function algoUpdate(frame: Json): AccountEvent[] {
  const time = ms(frame, 'E');
  const o = object(frame, 'o');
  const status = algoStatus(text(o, 'X'));
  const triggerPrice = optionalDec(o, 'tp');
  const price = optionalDec(o, 'p');
  const avgPrice = optionalDec(o, 'ap');
  const order: Order = {
    venueOrderId: text(o, 'aid'),
    clientOrderId: text(o, 'caid'),
    venueSymbol: text(o, 's'),
    side: text(o, 'S') === 'SELL' ? 'sell' : 'buy',
    positionSide: toPositionSide(typeof o.ps === 'string' ? o.ps : 'BOTH'),
    type: orderType(text(o, 'o')),
    status,
    qty: dec(o, 'q'),
    filledQty: typeof o.aq === 'string' ? dec(o, 'aq') : '0',
    ...(avgPrice !== undefined ? { avgPrice } : {}),
    ...(price !== undefined ? { price } : {}),
    ...(triggerPrice !== undefined ? { triggerPrice } : {}),
    reduceOnly: o.R === true || o.cp === true,
    isAlgo: true,
    raw: o,
  };
  // The algo payload has no per-order update time, and its T/E labels are swapped in the docs
  // (streams.md §1.5): E orders it, as for every other event.
  return [{ kind: 'order', time, order, updateTime: time }];
}

/**
 * ACCOUNT_UPDATE: changed balances and positions, and for reason FUNDING_FEE one funding payment
 * per balance entry (its `bc`, the balance change). The stream carries no ledger id; `venueEntryId`
 * is derived from E, symbol and asset (`stream:<E>:<symbol>:<asset>`). A cross position's funding
 * frame names no symbol (only `B` is sent): `venueSymbol` is then "". `BinanceAccountStream` with a
 * ledger reader replaces these by the income ledger's payments (its `tranId` and symbol), as REST
 * `fundingSince` names them.
 */
function accountUpdate(frame: Json): AccountEvent[] {
  const time = ms(frame, 'E');
  const a = object(frame, 'a');
  const reason = text(a, 'm');
  const balancesRaw = list(a, 'B');
  const positionsRaw = list(a, 'P');
  const events: AccountEvent[] = [];
  const balances: Balance[] = balancesRaw.map((b) => ({
    asset: text(b, 'a'),
    // The event carries the wallet balance (no unrealised PnL) and the cross wallet balance only.
    total: dec(b, 'wb'),
    available: dec(b, 'cw'),
    unrealizedPnl: '0',
    // The change excluding PnL and commission: a deposit's or withdrawal's amount.
    ...(b.bc === undefined || b.bc === null ? {} : { change: dec(b, 'bc') }),
  }));
  if (balances.length > 0) events.push({ kind: 'balances', time, balances, reason });
  const positions: Position[] = positionsRaw.map((p) => {
    const qty = dec(p, 'pa');
    const entryPrice = dec(p, 'ep');
    const unrealized = dec(p, 'up');
    // No mark price in the event: up = (mark − entry) × qty gives it back for an open position.
    const mark = new Decimal(qty).isZero()
      ? '0'
      : new Decimal(entryPrice).plus(new Decimal(unrealized).div(qty)).toFixed();
    return {
      venueSymbol: text(p, 's'),
      side: toPositionSide(typeof p.ps === 'string' ? p.ps : 'BOTH'),
      qty,
      entryPrice,
      markPrice: mark,
      unrealizedPnl: unrealized,
      // ACCOUNT_UPDATE carries no leverage: 0 = not reported here (REST positionRisk has it).
      leverage: 0,
      marginMode: String(p.mt).toLowerCase() === 'isolated' ? 'isolated' : 'cross',
    };
  });
  if (positions.length > 0) events.push({ kind: 'positions', time, positions, reason });
  if (reason === 'FUNDING_FEE') {
    const symbol = positionsRaw.length === 1 ? text(positionsRaw[0] as Json, 's') : '';
    for (const b of balancesRaw) {
      const amount = dec(b, 'bc');
      if (new Decimal(amount).isZero()) continue;
      const asset = text(b, 'a');
      events.push({
        kind: 'funding',
        time,
        payment: {
          venueEntryId: `stream:${time}:${symbol}:${asset}`,
          venueSymbol: symbol,
          amount,
          asset,
          time,
        },
      });
    }
  }
  return events;
}

function marginCall(frame: Json): AccountEvent[] {
  const time = ms(frame, 'E');
  const rows = list(frame, 'p');
  if (rows.length === 0) return [{ kind: 'margin_call', time, detail: 'margin call' }];
  return rows.map((p) => ({
    kind: 'margin_call' as const,
    time,
    venueSymbol: text(p, 's'),
    detail: `${text(p, 's')} ${String(p.ps ?? 'BOTH')} qty ${text(p, 'pa')} mark ${text(p, 'mp')} maintenance margin ${text(p, 'mm')} unrealised ${text(p, 'up')}`,
  }));
}

/** Events that are valid but carry nothing the account stream reports. */
const IGNORED_EVENTS = new Set([
  // The same fill arrives in ORDER_TRADE_UPDATE with its fee and realised PnL; TRADE_LITE has neither.
  'TRADE_LITE',
  'ACCOUNT_CONFIG_UPDATE',
  'CONDITIONAL_ORDER_TRIGGER_REJECT',
  'STRATEGY_UPDATE',
  'GRID_UPDATE',
]);

/** One user-data frame (raw text) → what it means. Never throws. */
export function parseUserFrame(raw: string): UserFrame {
  const frame = readFrame(raw);
  if (frame instanceof FrameError)
    return { type: 'problem', code: 'MALFORMED_FRAME', message: frame.message };
  if (!('e' in frame)) {
    if ('id' in frame && ('result' in frame || 'code' in frame)) return { type: 'ignored' };
    return { type: 'problem', code: 'MALFORMED_FRAME', message: 'frame has no event type "e"' };
  }
  const event = String(frame.e);
  try {
    switch (event) {
      case 'ORDER_TRADE_UPDATE':
        return { type: 'events', events: orderTradeUpdate(frame) };
      case 'ALGO_UPDATE':
        return { type: 'events', events: algoUpdate(frame) };
      case 'ACCOUNT_UPDATE':
        return { type: 'events', events: accountUpdate(frame) };
      case 'MARGIN_CALL':
        return { type: 'events', events: marginCall(frame) };
      case 'listenKeyExpired':
        return { type: 'expired' };
      default:
        if (IGNORED_EVENTS.has(event)) return { type: 'ignored' };
        return {
          type: 'problem',
          code: 'UNKNOWN_EVENT',
          message: `unknown user-data event "${event.slice(0, 40)}"`,
        };
    }
  } catch (error) {
    if (!(error instanceof FrameError)) throw error;
    return { type: 'problem', code: 'MALFORMED_FRAME', message: `${event.slice(0, 40)}: ${error.message}` };
  }
}

// ── Market streams ───────────────────────────────────────────────────────────────────────────

function markEvent(frame: Json): MarketEvent {
  return { kind: 'mark', venueSymbol: text(frame, 's'), price: dec(frame, 'p'), time: ms(frame, 'E') };
}

function klineEvent(frame: Json): MarketEvent {
  const k = object(frame, 'k');
  return {
    kind: 'kline',
    venueSymbol: text(frame, 's'),
    timeframe: text(k, 'i'),
    openTime: ms(k, 't'),
    open: dec(k, 'o'),
    high: dec(k, 'h'),
    low: dec(k, 'l'),
    close: dec(k, 'c'),
    volume: dec(k, 'v'),
    closed: k.x === true,
    time: ms(frame, 'E'),
  };
}

/** One market-stream frame (raw text) → what it means. Never throws. */
export function parseMarketFrame(raw: string): MarketFrame {
  const frame = readFrame(raw);
  if (frame instanceof FrameError)
    return { type: 'problem', code: 'MALFORMED_FRAME', message: frame.message };
  if (!('e' in frame)) {
    if (typeof frame.id === 'number' && 'result' in frame) return { type: 'reply', id: frame.id };
    if (typeof frame.id === 'number' && 'code' in frame) {
      return { type: 'reply', id: frame.id, error: `${String(frame.code)} ${String(frame.msg ?? '')}` };
    }
    return { type: 'problem', code: 'MALFORMED_FRAME', message: 'frame has no event type "e"' };
  }
  const event = String(frame.e);
  try {
    switch (event) {
      case 'markPriceUpdate':
        return { type: 'events', events: [markEvent(frame)] };
      case 'kline':
        return { type: 'events', events: [klineEvent(frame)] };
      case '24hrTicker':
      case 'aggTrade':
        return { type: 'ignored' };
      default:
        return {
          type: 'problem',
          code: 'UNKNOWN_EVENT',
          message: `unknown market event "${event.slice(0, 40)}"`,
        };
    }
  } catch (error) {
    if (!(error instanceof FrameError)) throw error;
    return { type: 'problem', code: 'MALFORMED_FRAME', message: `${event.slice(0, 40)}: ${error.message}` };
  }
}

/** Stream names: lower-case symbol (streams.md §1.3). */
export function markStreamName(venueSymbol: string): string {
  return `${venueSymbol.toLowerCase()}@markPrice@1s`;
}

export function klineStreamName(venueSymbol: string, interval: string): string {
  return `${venueSymbol.toLowerCase()}@kline_${interval}`;
}
