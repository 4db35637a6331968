import Decimal from 'decimal.js';
import type { Balance, Position } from '../types.ts';
import type { AccountEvent, FillCause, MarketEvent, VenueFill } from '../stream/types.ts';
import {
  OKX_BAR_MS,
  parseAlgoOrder,
  parseOrder,
  parsePosition,
  toOkxBar,
  toPositionSide,
  type OkxAlgoOrder,
  type OkxOrder,
  type OkxPosition,
} from './parse.ts';

/**
 * OKX v5 WebSocket frames → the venue-neutral stream events (`../stream/types.ts`). Wire facts:
 * /work/shared/reference/streams.md §2 (OKX-D "WS / Order channel", "Positions channel", "Account
 * channel", "Balance and position channel", OKX-D25 "Candlesticks channel"). Sizes arrive in
 * contracts and leave here in base units (× ctVal), as the REST client converts them. Nothing here
 * throws on a venue frame: a malformed one becomes a `FrameProblem` the stream reports once.
 */

export class FrameProblem extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Row = Record<string, unknown>;

const isRow = (v: unknown): v is Row => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const DECIMAL = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

function decimal(row: Row, name: string, fallback?: string): string {
  const raw = text(row[name]);
  if (raw === '' && fallback !== undefined) return fallback;
  if (!DECIMAL.test(raw))
    throw new FrameProblem('malformed_field', `OKX field ${name} is not a number: "${raw}"`);
  const d = new Decimal(raw);
  return d.isZero() ? '0' : d.toFixed();
}

function time(row: Row, ...names: string[]): number {
  for (const name of names) {
    const raw = text(row[name]);
    if (/^\d{1,16}$/.test(raw)) return Number(raw);
  }
  throw new FrameProblem('malformed_field', `OKX frame has no time (${names.join('/')})`);
}

function required(row: Row, name: string): string {
  const raw = text(row[name]);
  if (raw === '') throw new FrameProblem('malformed_field', `OKX field ${name} is missing`);
  return raw;
}

/** `category` of an orders push → our fill cause (streams.md §2.5 "orders push fields"). */
const LIQUIDATION_CATEGORIES = new Set(['partial_liquidation', 'full_liquidation']);
/** `source`: 6 trigger order, 7 TP/SL, 13 algo, 25 trailing stop (streams.md §2.5). */
const TRIGGER_SOURCES = new Set(['6', '7', '13', '25']);

/** What an algo order closes on trigger, as learnt from `orders-algo` pushes or the REST re-sync. */
export type AlgoTriggers = { slTriggerPx?: string; tpTriggerPx?: string; actualSide?: string };

/** The contract value of an instrument id; undefined when the instrument is not known. */
export type CtValOf = (instId: string) => string | undefined;

/**
 * Parses private-channel pushes. It remembers the algo orders seen (so a fill created by one can
 * say stop-loss or take-profit) and the trade ids already turned into fills (OKX repeats pushes:
 * "Dedupe fills by tradeId per instId", streams.md §2.5).
 */
export class OkxAccountParser {
  private readonly algos = new Map<string, AlgoTriggers>();
  private readonly seenTrades = new Set<string>();
  private readonly seenOrder: string[] = [];

  constructor(private readonly ctValOf: CtValOf) {}

  /** Records an algo order's triggers (from `orders-algo` or `GET /trade/orders-algo-pending`). */
  rememberAlgo(algoId: string, triggers: AlgoTriggers): void {
    if (algoId === '') return;
    const known = this.algos.get(algoId) ?? {};
    this.algos.set(algoId, { ...known, ...stripEmpty(triggers) });
    if (this.algos.size > 5000) this.algos.delete(this.algos.keys().next().value as string);
  }

  /** The events of one push (`{arg:{channel}, data:[…]}`), in data order. */
  parsePush(channel: string, data: unknown[], eventType?: string): AccountEvent[] {
    const out: AccountEvent[] = [];
    for (const item of data) {
      if (!isRow(item))
        throw new FrameProblem('malformed_frame', `OKX ${channel} data item is not an object`);
      switch (channel) {
        case 'orders':
          out.push(...this.order(item));
          break;
        case 'orders-algo':
        case 'algo-advance':
          out.push(...this.algoOrder(item));
          break;
        case 'positions':
          out.push(this.positions([item], item));
          break;
        case 'account':
          out.push(this.account(item));
          break;
        case 'balance_and_position':
          // Carried for its eventType only (see OkxAccountStream): its balData has no equity and its
          // posData no mark price, so it would contradict the `account` and `positions` channels.
          break;
        default:
          throw new FrameProblem('unknown_channel', `OKX push on an unknown channel "${channel}"`);
      }
    }
    if (channel === 'positions' && out.length > 1) {
      // One positions event per push: every leg of the push, as it is now.
      const merged = out.flatMap((e) => (e.kind === 'positions' ? e.positions : []));
      const first = out[0] as Extract<AccountEvent, { kind: 'positions' }>;
      return [{ ...first, positions: merged, ...(eventType !== undefined ? { reason: eventType } : {}) }];
    }
    return out;
  }

  private ctVal(instId: string): string {
    const ct = this.ctValOf(instId);
    if (ct === undefined)
      throw new FrameProblem('unknown_instrument', `OKX pushed unknown instrument ${instId}`);
    return ct;
  }

  /** An `orders` item: the order's state and, when this update carries an execution, the fill. */
  private order(item: Row): AccountEvent[] {
    const instId = required(item, 'instId');
    const ct = this.ctVal(instId);
    required(item, 'ordId');
    required(item, 'state');
    const updateTime = time(item, 'uTime', 'cTime');
    const order = parseOrder(item as unknown as OkxOrder, ct);
    const events: AccountEvent[] = [{ kind: 'order', time: updateTime, order, updateTime }];
    const fill = this.fill(item, ct, updateTime);
    if (fill !== undefined) events.push({ kind: 'fill', time: fill.time, fill });
    return events;
  }

  /** The execution an `orders` update carries: `tradeId` set and `fillSz` > 0, once per trade id. */
  private fill(item: Row, ct: string, updateTime: number): VenueFill | undefined {
    const tradeId = text(item.tradeId);
    const fillSz = decimal(item, 'fillSz', '0');
    if (tradeId === '' || !new Decimal(fillSz).gt(0)) return undefined;
    const instId = text(item.instId);
    const key = `${instId} ${tradeId}`;
    if (this.seenTrades.has(key)) return undefined;
    this.seenTrades.add(key);
    this.seenOrder.push(key);
    if (this.seenOrder.length > 10_000) this.seenTrades.delete(this.seenOrder.shift() as string);
    const { cause, trigger } = orderCause(item, decimal(item, 'fillPx'), this.algos.get(text(item.algoId)));
    // When this update is the order's only execution so far, the accumulated `fee`/`pnl` are this
    // fill's (OKX's liquidation pushes carry only those; streams.md §2.5 "Liquidation push example").
    const onlyFill = text(item.accFillSz) === '' || new Decimal(decimal(item, 'accFillSz', '0')).eq(fillSz);
    const feeField = text(item.fillFee) !== '' || !onlyFill ? 'fillFee' : 'fee';
    const pnlField = text(item.fillPnl) !== '' || !onlyFill ? 'fillPnl' : 'pnl';
    // OKX's fee is negative for a charge and positive for a rebate; ours is the opposite.
    const fillFee = new Decimal(decimal(item, feeField, '0')).neg();
    return {
      venueTradeId: tradeId,
      venueOrderId: text(item.ordId),
      clientOrderId: text(item.clOrdId),
      venueSymbol: instId,
      side: text(item.side) === 'sell' ? 'sell' : 'buy',
      positionSide: toPositionSide(text(item.posSide)),
      qty: canonical(new Decimal(fillSz).mul(ct)),
      price: decimal(item, 'fillPx'),
      fee: canonical(fillFee),
      feeAsset: text(item.fillFeeCcy) || text(item.feeCcy),
      realizedPnl: decimal(item, pnlField, '0'),
      liquidity: text(item.execType) === 'M' ? 'maker' : 'taker',
      cause,
      ...(trigger !== undefined ? { trigger } : {}),
      time: /^\d+$/.test(text(item.fillTime)) ? Number(item.fillTime) : updateTime,
    };
  }

  /** An `orders-algo` item: the algo order (one Order per leg, as the REST client reports it). */
  private algoOrder(item: Row): AccountEvent[] {
    const instId = required(item, 'instId');
    const algoId = required(item, 'algoId');
    required(item, 'state');
    const ct = this.ctVal(instId);
    this.rememberAlgo(algoId, {
      slTriggerPx: text(item.slTriggerPx),
      tpTriggerPx: text(item.tpTriggerPx),
      actualSide: text(item.actualSide),
    });
    const updateTime = time(item, 'uTime', 'cTime');
    return parseAlgoOrder(item as unknown as OkxAlgoOrder, ct).map((order) => ({
      kind: 'order' as const,
      time: updateTime,
      order,
      updateTime,
    }));
  }

  private positions(items: Row[], first: Row): AccountEvent {
    const positions: Position[] = items.map((item) => {
      const instId = required(item, 'instId');
      decimal(item, 'pos', '0');
      return parsePosition(item as unknown as OkxPosition, this.ctVal(instId));
    });
    return { kind: 'positions', time: time(first, 'uTime', 'pTime', 'cTime'), positions };
  }

  /** An `account` item: `details[]` per currency (eq, availEq, upl), each as it is now. */
  private account(item: Row): AccountEvent {
    const details = item.details;
    if (!Array.isArray(details)) throw new FrameProblem('malformed_field', 'OKX account push has no details');
    const balances: Balance[] = details.map((d) => {
      if (!isRow(d)) throw new FrameProblem('malformed_field', 'OKX account detail is not an object');
      return {
        asset: required(d, 'ccy'),
        total: decimal(d, 'eq', decimal(d, 'cashBal', '0')),
        available: decimal(d, 'availEq', decimal(d, 'availBal', '0')),
        unrealizedPnl: decimal(d, 'upl', '0'),
      };
    });
    return { kind: 'balances', time: time(item, 'uTime', 'pTime'), balances };
  }
}

/** Why an order executed, from its `category`, `algoId`/`algoClOrdId` and `source` (streams.md §2.5). */
export function orderCause(
  item: Row,
  fillPx: string,
  algo: AlgoTriggers | undefined,
): { cause: FillCause; trigger?: VenueFill['trigger'] } {
  const category = text(item.category);
  if (LIQUIDATION_CATEGORIES.has(category)) return { cause: 'liquidation' };
  if (category === 'adl') return { cause: 'adl' };
  const source = text(item.source);
  if (text(item.algoId) === '' && text(item.algoClOrdId) === '' && !TRIGGER_SOURCES.has(source)) {
    return { cause: 'order' };
  }
  if (source === '25') return { cause: 'trigger', trigger: 'trailing' };
  const kind = triggerKind(algo, fillPx);
  return kind === undefined ? { cause: 'trigger' } : { cause: 'trigger', trigger: kind };
}

/**
 * Which leg of an algo order executed. A conditional with only a stop (or only a take-profit) says
 * it; an oco says it in `actualSide` ("sl"/"tp") once it is effective; before that push arrives the
 * leg whose trigger price is nearer the fill price is the one that fired.
 */
export function triggerKind(
  algo: AlgoTriggers | undefined,
  fillPx: string,
): 'stop_loss' | 'take_profit' | undefined {
  if (algo === undefined) return undefined;
  if (algo.actualSide === 'sl') return 'stop_loss';
  if (algo.actualSide === 'tp') return 'take_profit';
  const sl = algo.slTriggerPx !== undefined && DECIMAL.test(algo.slTriggerPx) ? algo.slTriggerPx : undefined;
  const tp = algo.tpTriggerPx !== undefined && DECIMAL.test(algo.tpTriggerPx) ? algo.tpTriggerPx : undefined;
  if (sl !== undefined && tp === undefined) return 'stop_loss';
  if (tp !== undefined && sl === undefined) return 'take_profit';
  if (sl === undefined || tp === undefined) return undefined;
  const px = new Decimal(fillPx);
  return px.minus(sl).abs().lte(px.minus(tp).abs()) ? 'stop_loss' : 'take_profit';
}

function stripEmpty(t: AlgoTriggers): AlgoTriggers {
  const out: AlgoTriggers = {};
  if (t.slTriggerPx) out.slTriggerPx = t.slTriggerPx;
  if (t.tpTriggerPx) out.tpTriggerPx = t.tpTriggerPx;
  if (t.actualSide) out.actualSide = t.actualSide;
  return out;
}

function canonical(d: Decimal): string {
  return d.isZero() ? '0' : d.toFixed();
}

/** Our timeframe of an OKX candle channel (`candle1H` → `1h`, `candle1Dutc` → `1d`), or the bar itself. */
export function timeframeOfChannel(channel: string): string | undefined {
  if (!channel.startsWith('candle')) return undefined;
  const bar = channel.slice('candle'.length);
  if (!(bar in OKX_BAR_MS)) return undefined;
  for (const tf of [
    '1m',
    '3m',
    '5m',
    '15m',
    '30m',
    '1h',
    '2h',
    '4h',
    '6h',
    '12h',
    '1d',
    '2d',
    '3d',
    '1w',
    '1M',
  ]) {
    if (toOkxBar(tf) === bar) return tf;
  }
  return bar;
}

/** A public push (`mark-price`, `candle<bar>`) → market events. */
export function parseMarketPush(
  channel: string,
  instId: string,
  data: unknown[],
  ctVal: string,
): MarketEvent[] {
  if (channel === 'mark-price') {
    return data.map((item) => {
      if (!isRow(item)) throw new FrameProblem('malformed_frame', 'OKX mark-price item is not an object');
      return {
        kind: 'mark' as const,
        venueSymbol: required(item, 'instId'),
        price: decimal(item, 'markPx'),
        time: time(item, 'ts'),
      };
    });
  }
  const timeframe = timeframeOfChannel(channel);
  if (timeframe === undefined)
    throw new FrameProblem('unknown_channel', `OKX push on an unknown channel "${channel}"`);
  return data.map((row) => {
    // [ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm] (streams.md §2.5 "Candles")
    if (!Array.isArray(row) || row.length < 9)
      throw new FrameProblem('malformed_frame', 'OKX candle row is malformed');
    const cell = (i: number, name: string): string => decimal({ [name]: row[i] }, name);
    const openTime = Number(cell(0, 'ts'));
    return {
      kind: 'kline' as const,
      venueSymbol: instId,
      timeframe,
      openTime,
      open: cell(1, 'o'),
      high: cell(2, 'h'),
      low: cell(3, 'l'),
      close: cell(4, 'c'),
      // `vol` is in contracts for SWAP.
      volume: canonical(new Decimal(cell(5, 'vol')).mul(ctVal)),
      closed: text(row[8]) === '1',
      time: openTime,
    };
  });
}

/** A row of `GET /api/v5/trade/fills` / `fills-history` (fee negative = charged, as on the stream). */
export type OkxFillRow = {
  instId: string;
  tradeId: string;
  ordId: string;
  clOrdId?: string;
  billId: string;
  subType?: string;
  side: string;
  posSide?: string;
  fillPx: string;
  fillSz: string;
  fillPnl?: string;
  fee?: string;
  feeCcy?: string;
  execType?: string;
  ts: string;
  fillTime?: string;
};

/** Fill `subType`s: 100–107 (partial) liquidation, 125–128 ADL (OKX bills/fills subType table). */
function causeOfSubType(subType: string | undefined): FillCause | undefined {
  const n = Number(subType);
  if (n >= 100 && n <= 107) return 'liquidation';
  if (n >= 125 && n <= 128) return 'adl';
  return undefined;
}

/**
 * A REST fill in our units. `order` is the order as `GET /trade/order` reports it (its `category`,
 * `algoId`, `source` say whether a trigger, a liquidation or ADL made it), when it could be read.
 */
export function fillFromRest(row: OkxFillRow, ctVal: string, order?: Record<string, unknown>): VenueFill {
  const r = row as unknown as Row;
  let cause: FillCause = causeOfSubType(row.subType) ?? 'order';
  let trigger: VenueFill['trigger'];
  if (cause === 'order' && order !== undefined) {
    const found = orderCause(order, decimal(r, 'fillPx'), undefined);
    cause = found.cause;
    trigger = found.trigger;
  }
  return {
    venueTradeId: required(r, 'tradeId'),
    venueOrderId: text(row.ordId),
    clientOrderId: text(row.clOrdId),
    venueSymbol: required(r, 'instId'),
    side: row.side === 'sell' ? 'sell' : 'buy',
    positionSide: toPositionSide(row.posSide),
    qty: canonical(new Decimal(decimal(r, 'fillSz')).mul(ctVal)),
    price: decimal(r, 'fillPx'),
    fee: canonical(new Decimal(decimal(r, 'fee', '0')).neg()),
    feeAsset: text(row.feeCcy),
    realizedPnl: decimal(r, 'fillPnl', '0'),
    liquidity: row.execType === 'M' ? 'maker' : 'taker',
    cause,
    ...(trigger !== undefined ? { trigger } : {}),
    time: time(r, 'fillTime', 'ts'),
  };
}
