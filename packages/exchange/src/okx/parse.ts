import Decimal from 'decimal.js';
import { ExchangeErrors } from '../errors.ts';
import type {
  Balance,
  Instrument,
  Kline,
  MarginMode,
  Order,
  OrderSide,
  OrderStatus,
  OrderType,
  Position,
  PositionSide,
} from '../types.ts';

/** OKX v5 wire shapes (only the fields we read; every number is a string on the wire). */
export type OkxInstrument = {
  instType: string;
  instId: string;
  instFamily?: string;
  uly?: string;
  ctVal: string;
  ctValCcy?: string;
  ctType?: string;
  settleCcy?: string;
  tickSz: string;
  lotSz: string;
  minSz: string;
  maxLmtSz?: string;
  maxMktSz?: string;
  lever?: string;
  state: string;
};

export type OkxOrder = {
  instId: string;
  ordId: string;
  clOrdId: string;
  side: string;
  posSide: string;
  ordType: string;
  state: string;
  sz: string;
  accFillSz: string;
  avgPx?: string;
  px?: string;
  reduceOnly?: string | boolean;
  tdMode?: string;
  cTime?: string;
  uTime?: string;
};

export type OkxAlgoOrder = {
  instId: string;
  algoId: string;
  algoClOrdId: string;
  side: string;
  posSide: string;
  ordType: string;
  state: string;
  sz?: string;
  closeFraction?: string;
  reduceOnly?: string | boolean;
  slTriggerPx?: string;
  tpTriggerPx?: string;
  /** move_order_stop: the callback as a fraction, the activation price, the current trigger level. */
  callbackRatio?: string;
  activePx?: string;
  moveTriggerPx?: string;
  actualSz?: string;
  actualPx?: string;
  actualSide?: string;
  tdMode?: string;
  cTime?: string;
};

export type OkxPosition = {
  instId: string;
  mgnMode: string;
  posSide: string;
  pos: string;
  avgPx: string;
  markPx?: string;
  upl?: string;
  lever?: string;
  liqPx?: string;
};

export type OkxBalanceDetail = {
  ccy: string;
  eq?: string;
  cashBal?: string;
  availBal?: string;
  availEq?: string;
  upl?: string;
};

/**
 * Bars OKX accepts (https://www.okx.com/docs-v5/en/#order-book-trading-market-data-get-candlesticks):
 * upper-case H/D/W; `…utc` variants open on UTC+0.
 */
const BARS: Readonly<Record<string, { bar: string; ms: number | undefined }>> = {
  '1m': { bar: '1m', ms: 60_000 },
  '3m': { bar: '3m', ms: 180_000 },
  '5m': { bar: '5m', ms: 300_000 },
  '15m': { bar: '15m', ms: 900_000 },
  '30m': { bar: '30m', ms: 1_800_000 },
  '1h': { bar: '1H', ms: 3_600_000 },
  '2h': { bar: '2H', ms: 7_200_000 },
  '4h': { bar: '4H', ms: 14_400_000 },
  // From 6 h up the plain bars open on UTC+8; the utc variants keep candles on UTC like Binance.
  '6h': { bar: '6Hutc', ms: 21_600_000 },
  '12h': { bar: '12Hutc', ms: 43_200_000 },
  '1d': { bar: '1Dutc', ms: 86_400_000 },
  '2d': { bar: '2Dutc', ms: 172_800_000 },
  '3d': { bar: '3Dutc', ms: 259_200_000 },
  '1w': { bar: '1Wutc', ms: 604_800_000 },
  '1M': { bar: '1Mutc', ms: undefined },
};

/** Every bar value OKX documents, with its length in ms (undefined for months). */
export const OKX_BAR_MS: Readonly<Record<string, number | undefined>> = {
  '1s': 1000,
  '1m': 60_000,
  '3m': 180_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1H': 3_600_000,
  '2H': 7_200_000,
  '4H': 14_400_000,
  '6H': 21_600_000,
  '12H': 43_200_000,
  '1D': 86_400_000,
  '2D': 172_800_000,
  '3D': 259_200_000,
  '1W': 604_800_000,
  '1M': undefined,
  '3M': undefined,
  '6Hutc': 21_600_000,
  '12Hutc': 43_200_000,
  '1Dutc': 86_400_000,
  '2Dutc': 172_800_000,
  '3Dutc': 259_200_000,
  '1Wutc': 604_800_000,
  '1Mutc': undefined,
  '3Mutc': undefined,
};

/**
 * Our timeframe spelling (`1h`, `1H`, `60`, `1D`) → OKX's bar, or undefined. Case-insensitive except
 * `1m` vs `1M`; from 6 h up the UTC-aligned variant is chosen (`6h`, `6H` → `6Hutc`). Other OKX bar
 * values (`1Dutc`, `3M`, `1s`) pass through.
 */
export function toOkxBar(timeframe: string): string | undefined {
  const tf = timeframe.trim();
  const ours = BARS[tf] ?? (tf !== '1M' ? BARS[tf.toLowerCase()] : undefined);
  if (ours !== undefined) return ours.bar;
  if (tf in OKX_BAR_MS) return tf;
  if (/^\d+$/.test(tf)) {
    const ms = Number(tf) * 60_000;
    return Object.values(BARS).find((b) => b.ms === ms)?.bar;
  }
  return undefined;
}

/** Length of an OKX bar in ms (undefined for months). */
export function okxBarMs(bar: string): number | undefined {
  return OKX_BAR_MS[bar];
}

function str(value: unknown, fallback = '0'): string {
  return typeof value === 'string' && value !== ''
    ? value
    : typeof value === 'number'
      ? String(value)
      : fallback;
}

function canonical(value: string): string {
  const d = new Decimal(value);
  return d.isZero() ? '0' : d.toFixed();
}

function nonZero(value: unknown): string | undefined {
  if ((typeof value !== 'string' || value === '') && typeof value !== 'number') return undefined;
  const d = new Decimal(value);
  return d.isZero() ? undefined : d.toFixed();
}

/**
 * An OKX SWAP instrument in base units: stepSize = lotSz × ctVal, minQty = minSz × ctVal,
 * contractSize = ctVal. OKX has no minimum notional ("0").
 */
export function parseInstrument(raw: OkxInstrument): Instrument {
  const ct = new Decimal(raw.ctVal);
  const family = raw.instFamily ?? raw.uly ?? raw.instId.replace(/-SWAP$/, '');
  const [familyBase, familyQuote] = family.split('-');
  const base = raw.ctType === 'inverse' ? (familyBase ?? '') : (raw.ctValCcy ?? familyBase ?? '');
  const quote = raw.settleCcy !== undefined && raw.ctType !== 'inverse' ? raw.settleCcy : (familyQuote ?? '');
  const maxContracts = nonZero(raw.maxLmtSz) ?? nonZero(raw.maxMktSz);
  const lever = Number(raw.lever);
  return {
    venueSymbol: raw.instId,
    base,
    quote,
    tickSize: canonical(raw.tickSz),
    stepSize: canonical(new Decimal(raw.lotSz).mul(ct).toFixed()),
    minQty: canonical(new Decimal(raw.minSz).mul(ct).toFixed()),
    ...(maxContracts !== undefined ? { maxQty: canonical(new Decimal(maxContracts).mul(ct).toFixed()) } : {}),
    minNotional: '0',
    contractSize: canonical(raw.ctVal),
    maxLeverage: Number.isInteger(lever) && lever >= 1 ? lever : 1,
    raw,
  };
}

export function toPositionSide(value: string | undefined): PositionSide {
  if (value === 'long') return 'long';
  if (value === 'short') return 'short';
  return 'net';
}

function toSide(value: string): OrderSide {
  return value === 'sell' ? 'sell' : 'buy';
}

function toOrderStatus(state: string): OrderStatus {
  switch (state) {
    case 'live':
      return 'new';
    case 'partially_filled':
      return 'partially_filled';
    case 'filled':
      return 'filled';
    case 'canceled':
    case 'mmp_canceled':
      return 'canceled';
    default:
      return 'unknown';
  }
}

function toAlgoStatus(state: string): OrderStatus {
  switch (state) {
    case 'live':
    case 'pause':
      return 'new';
    case 'partially_effective':
      return 'partially_filled';
    case 'effective':
      return 'filled';
    case 'canceled':
      return 'canceled';
    case 'order_failed':
      return 'rejected';
    default:
      return 'unknown';
  }
}

const truthy = (v: unknown): boolean => v === true || v === 'true';

/** Contracts (`sz`) → base units through the instrument's ctVal. */
function base(contracts: string | undefined, ctVal: string): string {
  if (contracts === undefined || contracts === '') return '0';
  return canonical(new Decimal(contracts).mul(ctVal).toFixed());
}

export function parseOrder(raw: OkxOrder, ctVal: string): Order {
  const avgPrice = nonZero(raw.avgPx);
  const price = raw.ordType === 'market' ? undefined : nonZero(raw.px);
  const type: OrderType = raw.ordType === 'market' ? 'market' : 'limit';
  return {
    venueOrderId: raw.ordId,
    clientOrderId: raw.clOrdId ?? '',
    venueSymbol: raw.instId,
    side: toSide(raw.side),
    positionSide: toPositionSide(raw.posSide),
    type,
    status: toOrderStatus(raw.state),
    qty: base(raw.sz, ctVal),
    filledQty: base(raw.accFillSz, ctVal),
    ...(avgPrice !== undefined ? { avgPrice } : {}),
    ...(price !== undefined ? { price } : {}),
    reduceOnly: truthy(raw.reduceOnly),
    isAlgo: false,
    raw,
  };
}

/** The suffixes that tell the two legs of one `oco` algo order apart in `clientOrderId`. */
export const OCO_LEG_SUFFIX = { stop: '/sl', take: '/tp' } as const;

/**
 * An OKX algo order as Orders: a `conditional` with one trigger is one Order (stop_market or
 * take_profit_market); an `oco` is reported as TWO legs (stop, then take-profit) that share the
 * algoId as `venueOrderId` and carry `algoClOrdId + "/sl"` / `"/tp"` as `clientOrderId`. Cancelling
 * either leg cancels the algo (both legs), as on OKX.
 */
export function parseAlgoOrder(raw: OkxAlgoOrder, ctVal: string): Order[] {
  const status = toAlgoStatus(raw.state);
  const closeWhole = raw.closeFraction === '1' || raw.closeFraction === '1.0';
  const qty = closeWhole ? '0' : base(raw.sz, ctVal);
  const sl = nonZero(raw.slTriggerPx);
  const tp = nonZero(raw.tpTriggerPx);
  const common = {
    venueOrderId: raw.algoId,
    venueSymbol: raw.instId,
    side: toSide(raw.side),
    positionSide: toPositionSide(raw.posSide),
    status,
    qty,
    filledQty:
      status === 'filled' ? (nonZero(raw.actualSz) !== undefined ? base(raw.actualSz, ctVal) : qty) : '0',
    reduceOnly: truthy(raw.reduceOnly) || closeWhole,
    isAlgo: true,
    raw,
  };
  if (raw.ordType === 'move_order_stop') {
    const ratio = nonZero(raw.callbackRatio);
    const activationPrice = nonZero(raw.activePx);
    const level = nonZero(raw.moveTriggerPx);
    return [
      {
        ...common,
        clientOrderId: raw.algoClOrdId ?? '',
        type: 'trailing_stop_market',
        ...(level !== undefined ? { triggerPrice: level } : {}),
        ...(ratio !== undefined ? { callbackRatePct: new Decimal(ratio).mul(100).toFixed() } : {}),
        ...(activationPrice !== undefined ? { activationPrice } : {}),
      },
    ];
  }
  const legs: Order[] = [];
  const both = sl !== undefined && tp !== undefined;
  if (sl !== undefined) {
    legs.push({
      ...common,
      clientOrderId: both ? `${raw.algoClOrdId ?? ''}${OCO_LEG_SUFFIX.stop}` : (raw.algoClOrdId ?? ''),
      type: 'stop_market',
      triggerPrice: sl,
    });
  }
  if (tp !== undefined) {
    legs.push({
      ...common,
      clientOrderId: both ? `${raw.algoClOrdId ?? ''}${OCO_LEG_SUFFIX.take}` : (raw.algoClOrdId ?? ''),
      type: 'take_profit_market',
      triggerPrice: tp,
    });
  }
  if (legs.length === 0) {
    legs.push({ ...common, clientOrderId: raw.algoClOrdId ?? '', type: 'stop_market' });
  }
  return legs;
}

/** The algoClOrdId behind a leg's clientOrderId (strips the oco leg suffix). */
export function algoClientId(clientOrderId: string): string {
  for (const suffix of Object.values(OCO_LEG_SUFFIX)) {
    if (clientOrderId.endsWith(suffix)) return clientOrderId.slice(0, -suffix.length);
  }
  return clientOrderId;
}

/**
 * A position in base units. `pos` is in contracts; in net mode it is signed, in long/short mode it
 * is positive on both legs, so the short leg is negated here (the interface wants short ≤ 0).
 */
export function parsePosition(raw: OkxPosition, ctVal: string): Position {
  const side = toPositionSide(raw.posSide);
  let qty = new Decimal(raw.pos || '0').mul(ctVal);
  if (side === 'short' && qty.isPositive()) qty = qty.neg();
  const liq = nonZero(raw.liqPx);
  const marginMode: MarginMode = raw.mgnMode === 'isolated' ? 'isolated' : 'cross';
  return {
    venueSymbol: raw.instId,
    side,
    qty: qty.isZero() ? '0' : qty.toFixed(),
    entryPrice: canonical(str(raw.avgPx)),
    markPrice: canonical(str(raw.markPx)),
    unrealizedPnl: canonical(str(raw.upl)),
    leverage: Number(str(raw.lever, '1')),
    marginMode,
    ...(liq !== undefined ? { liquidationPrice: liq } : {}),
  };
}

export function parseBalance(details: OkxBalanceDetail[], asset: string): Balance {
  const row = details.find((d) => d.ccy === asset);
  if (row === undefined) return { asset, total: '0', available: '0', unrealizedPnl: '0' };
  return {
    asset,
    total: canonical(str(row.eq)),
    available: canonical(str(row.availEq, str(row.availBal))),
    unrealizedPnl: canonical(str(row.upl)),
  };
}

/** `[ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm]` → Kline; `vol` is in contracts (× ctVal). */
export function parseCandle(row: unknown, ctVal = '1'): Kline {
  if (!Array.isArray(row) || row.length < 6) {
    throw ExchangeErrors.create('EXCHANGE_ERROR', {
      message: 'OKX returned a malformed candle',
      details: { venue: 'okx', row },
    });
  }
  return {
    openTime: Number(row[0]),
    open: Number(row[1]),
    high: Number(row[2]),
    low: Number(row[3]),
    close: Number(row[4]),
    volume: new Decimal(String(row[5])).mul(ctVal).toNumber(),
    // confirm: "0" still forming, "1" complete (the candlesticks doc above). It is the last field: index 8 in
    // today's 9-field rows, 7 in the older `[ts,o,h,l,c,vol,volCcy,confirm]` layout; absent = complete.
    closed: confirmOf(row) !== '0',
  };
}

function confirmOf(row: unknown[]): string | undefined {
  const value = row.length >= 9 ? row[8] : row.length === 8 ? row[7] : undefined;
  return value === undefined ? undefined : String(value);
}

/** OKX pages newest first; the interface is oldest first. */
export function parseCandles(rows: unknown[], ctVal = '1'): Kline[] {
  return rows.map((row) => parseCandle(row, ctVal)).sort((a, b) => a.openTime - b.openTime);
}
