import { createHash } from 'node:crypto';
import {
  isVenueId,
  partialTakeProfitProblem,
  venueList,
  type ExitSpec,
  type WebhookPayload,
} from '@tradingbot/core';
import { parseDecimal, type ExchangeId, type Instrument, type MarginMode } from '@tradingbot/exchange';
import { ExecutorErrors } from './errors.ts';
import { normalizeVenueSymbol } from './symbol.ts';

/** What a signal asks for, normalised from the payload's `action` (+ `market_position`). */
export type SignalAction =
  'LONG' | 'SHORT' | 'CLOSE_LONG' | 'CLOSE_SHORT' | 'CLOSE_ALL' | 'CANCEL_ORDERS' | 'MOVE_STOP_TO_ENTRY';

export const SIGNAL_ACTIONS: readonly SignalAction[] = [
  'LONG',
  'SHORT',
  'CLOSE_LONG',
  'CLOSE_SHORT',
  'CLOSE_ALL',
  'CANCEL_ORDERS',
  'MOVE_STOP_TO_ENTRY',
];

/**
 * The action the server queues itself (never an alert's: the webhook schema does not accept it) when
 * the first take-profit of an entry that asked for `break_even` has filled: the stop-loss of that
 * position moves to its entry price. Its payload names the leg in `market_position`.
 */
export const MOVE_STOP_TO_ENTRY_ACTION = 'move_stop_to_entry';

/**
 * A take-profit before the last one (`tp1_*`, `tp2_*`): its distance, the percent of the entry's
 * filled quantity it closes, and its order role.
 */
export type PartialTakeProfitOverride = {
  role: 'tp1' | 'tp2';
  distance: { kind: 'atr'; multiplier: number } | { kind: 'pct'; pct: number };
  qtyPct: number;
};

/** The symbol an account-wide signal carries (`scope: "account"`): it names no one symbol. */
export const ACCOUNT_WIDE_SYMBOL = '*';

/**
 * How big the entry is, when the payload overrides the account's default (10% of available balance):
 * - `pct`: percent of the AVAILABLE balance used as margin (notional = margin × leverage);
 * - `usdt`: margin in quote units (notional = margin × leverage);
 * - `qty`: base-asset quantity, as is (rounded down to the step).
 */
export type SizingOverride =
  { kind: 'pct'; pct: string } | { kind: 'usdt'; margin: string } | { kind: 'qty'; qty: string };

/** Stop-loss / take-profit requested by the payload. Percentages are in percent (2 = 2%). */
export type ProtectionOverride = {
  slAtr?: number;
  tpAtr?: number;
  slPct?: number;
  tpPct?: number;
  /** A trailing stop the alert states (offset > 0; `trail_atr` / `trail_pct`), placed after a market entry (`trail`). */
  trailing?: { unit: 'atr' | 'pct'; offset: number; activation: number };
  /** Take-profits before the last one, nearest first (`tp1_*`, `tp2_*`); absent when the alert states none. */
  partialTakeProfits?: PartialTakeProfitOverride[];
  /** `break_even`: once the first take-profit has filled, the stop-loss moves to the entry price. */
  breakEven?: boolean;
};

/** A validated, normalised trading signal: what `OrderExecutor.executeSignal` executes. */
export type Signal = {
  /**
   * Identity of this alert for deduplication and for every order it places (order keys are
   * `${idempotencyKey}:${role}`). See `signalIdempotencyKey`.
   */
  idempotencyKey: string;
  /** `id` when the payload carried one; `content` when the key is a hash of the payload. */
  idempotencyKeySource: 'id' | 'content';
  /**
   * Content keys only: the key the same content would have had in the previous time bucket. A
   * re-delivery that straddles a bucket boundary gets a new key; the pipeline treats a signal as a
   * duplicate when ANY of `[idempotencyKey, ...alternateKeys]` is already known for the account.
   */
  alternateKeys: string[];
  accountId: string;
  exchange: ExchangeId;
  action: SignalAction;
  /**
   * `symbol` (default): the action acts on `symbol` only. `account` (CLOSE_ALL, CANCEL_ORDERS): on
   * every symbol of the account — every position closed / every open order cancelled; `symbol` is
   * then `ACCOUNT_WIDE_SYMBOL`.
   */
  scope: 'symbol' | 'account';
  /** The venue's symbol (`BTCUSDT`, `BTC-USDT-SWAP`), or `*` for an account-wide signal. */
  symbol: string;
  /** The symbol as the payload sent it (`BINANCE:BTCUSDT.P`). */
  sourceSymbol: string;
  /** Leverage requested by the payload; the account's default applies when absent. */
  leverage?: number;
  sizing?: SizingOverride;
  orderType: 'market' | 'limit';
  /** Limit price (limit orders only), as sent; rounded to the tick by the executor. */
  price?: string;
  protection: ProtectionOverride;
  /** Closes only: percent of the open position to close (payload `close_pct`; absent = all of it). */
  closePct?: number;
  /** MOVE_STOP_TO_ENTRY only: the leg whose stop-loss moves (payload `market_position`). */
  leg?: 'long' | 'short';
  /** Canonical timeframe for the ATR (`1m`…`1w`), when sent. */
  timeframe?: string;
  marginMode?: MarginMode;
  /** When the alert fired (payload `timestamp`, ms), if sent. */
  signalTime?: number;
  /** Seconds after `signalTime` beyond which the signal is stale and refused. */
  maxLagSeconds?: number;
  /** When the server received it (ms). */
  receivedAt: number;
  /**
   * When its execution first started (ms), set by a caller that queues signals: admission judges
   * `max_lag` at that moment, so a signal resumed after a crash is finished whatever its age.
   */
  startedAt?: number;
};

/**
 * The webhook payload as `toSignal` reads it: `WebhookPayload` (the output of `WebhookPayloadSchema`
 * in @tradingbot/core) fits it, and so does a raw object whose numbers are still numeric strings
 * (toSignal re-checks every field it uses, so it is safe on either).
 */
export type SignalPayload = {
  account_id: string | number;
  exchange: string;
  action: string;
  symbol?: string | null;
  scope?: string | null;
  leverage?: number | string | null;
  secret?: string;
  id?: string | number | null;
  timestamp?: string | number | null;
  max_lag?: number | string | null;
  market_position?: string | null;
  size_pct?: number | string | null;
  size_usdt?: number | string | null;
  qty?: number | string | null;
  order_type?: string | null;
  price?: number | string | null;
  sl_atr?: number | string | null;
  tp_atr?: number | string | null;
  sl_pct?: number | string | null;
  tp_pct?: number | string | null;
  close_pct?: number | string | null;
  timeframe?: string | number | null;
  margin_mode?: string | null;
  [extra: string]: unknown;
};

export type ToSignalOptions = {
  /** Receive time (ms); default Date.now(). Used for the content key's time bucket. */
  receivedAt?: number;
  /** The venue's instruments: lets OKX symbols without a separator (`BTCUSDT`) be split correctly. */
  instruments?: readonly Instrument[];
  /** Width of the content key's time bucket; default 60 s. */
  dedupeBucketMs?: number;
};

/** Fields that never enter the content hash: the secret, the alert's own time and delivery metadata. */
const UNHASHED_FIELDS = new Set(['secret', 'timestamp', 'id', 'max_lag']);

export const DEFAULT_DEDUPE_BUCKET_MS = 60_000;

function invalid(message: string, details: Record<string, unknown> = {}): never {
  throw ExecutorErrors.create('INVALID_SIGNAL', { message, details });
}

function present<T>(value: T | null | undefined): value is T {
  return value !== null && value !== undefined && value !== '';
}

/**
 * Maps `action` (+ `market_position` for TradingView's `buy`/`sell`) onto a SignalAction.
 *
 * `{{strategy.order.action}}` is `buy`/`sell`; `{{strategy.market_position}}` is the position AFTER
 * the order: buy+long → LONG, sell+short → SHORT, sell+flat → CLOSE_LONG, buy+flat → CLOSE_SHORT.
 * buy+short / sell+long are partial reductions, which we do not execute (UNSUPPORTED_ACTION).
 * buy/sell WITHOUT market_position are refused: a close alert would otherwise open the opposite
 * position.
 */
export function mapAction(action: string, marketPosition?: string | null): SignalAction {
  const a = action.trim().toLowerCase();
  switch (a) {
    case 'long':
      return 'LONG';
    case 'short':
      return 'SHORT';
    case 'close_long':
      return 'CLOSE_LONG';
    case 'close_short':
      return 'CLOSE_SHORT';
    case 'close_all':
    case 'close':
    case 'flat':
      return 'CLOSE_ALL';
    case 'cancel_orders':
      return 'CANCEL_ORDERS';
    case MOVE_STOP_TO_ENTRY_ACTION:
      return 'MOVE_STOP_TO_ENTRY';
    case 'buy':
    case 'sell': {
      if (!present(marketPosition)) {
        throw ExecutorErrors.create('INVALID_SIGNAL', {
          message: `Action "${action}" needs "market_position" ({{strategy.market_position}}) to tell an entry from a close`,
          details: { field: 'market_position', action },
        });
      }
      const mp = marketPosition.trim().toLowerCase();
      if (a === 'buy' && mp === 'long') return 'LONG';
      if (a === 'sell' && mp === 'short') return 'SHORT';
      if (a === 'sell' && mp === 'flat') return 'CLOSE_LONG';
      if (a === 'buy' && mp === 'flat') return 'CLOSE_SHORT';
      if (mp === 'long' || mp === 'short') {
        throw ExecutorErrors.create('UNSUPPORTED_ACTION', {
          message: `Action "${action}" with market_position "${marketPosition}" is a partial close, which is not supported`,
          details: { action, market_position: marketPosition },
        });
      }
      throw ExecutorErrors.create('INVALID_SIGNAL', {
        message: `market_position "${marketPosition}" must be long, short or flat`,
        details: { field: 'market_position', market_position: marketPosition },
      });
    }
    default:
      throw ExecutorErrors.create('UNSUPPORTED_ACTION', {
        message: `Unsupported action "${action}"; use long, short, close_long, close_short, close_all, cancel_orders, or buy/sell with market_position`,
        details: { action },
      });
  }
}

const TV_MINUTES: Record<string, string> = {
  '1': '1m',
  '3': '3m',
  '5': '5m',
  '15': '15m',
  '30': '30m',
  '60': '1h',
  '120': '2h',
  '240': '4h',
  '360': '6h',
  '480': '8h',
  '720': '12h',
};

/**
 * Canonical timeframe (`1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w 1M`) from TradingView's
 * `{{interval}}` (`1`, `60`, `240`, `D`, `1D`, `W`) or our own spelling (`1h`, `4H`).
 */
export function normalizeTimeframe(input: string | number): string {
  const raw = String(input).trim();
  const minutes = TV_MINUTES[raw];
  if (minutes !== undefined) return minutes;
  if (/^\d*[sS]$/.test(raw)) {
    invalid(
      `Seconds timeframes ("${raw}") have no exchange candles for the ATR; use sl_pct or a chart of 1 minute or more`,
      {
        field: 'timeframe',
        timeframe: raw,
      },
    );
  }
  const m = /^(\d*)([mMhHdDwW])$/.exec(raw);
  if (m === null) invalid(`Unknown timeframe "${raw}"`, { field: 'timeframe', timeframe: raw });
  const n = m[1] === '' ? '1' : m[1];
  const unit = m[2] ?? '';
  // Upper-case M is a month on TradingView and Binance; lower-case m is minutes.
  const canon = unit === 'M' ? 'M' : unit.toLowerCase();
  return `${n}${canon}`;
}

function positiveDecimal(value: number | string, field: string): string {
  const d = parseDecimal(value);
  if (d === undefined || d.lte(0)) invalid(`"${field}" must be a positive number`, { field, value });
  return d.toFixed();
}

function positiveNumber(value: number | string, field: string, allowZero = false): number {
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
    invalid(`"${field}" must be a ${allowZero ? 'non-negative' : 'positive'} number`, { field, value });
  }
  return n;
}

/** Alert time in ms from `{{timenow}}` (ISO) or epoch seconds / ms. */
export function parseSignalTime(value: string | number): number {
  if (typeof value === 'number' || /^\d+(\.\d+)?$/.test(String(value).trim())) {
    const n = Number(value);
    if (Number.isFinite(n) && n > 0) return n < 1e12 ? Math.round(n * 1000) : Math.round(n);
  } else {
    const t = Date.parse(String(value));
    if (Number.isFinite(t)) return t;
  }
  return invalid(`"timestamp" is not a time: ${String(value)}`, { field: 'timestamp' });
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The signal's idempotency key, scoped to the account:
 *
 * - with an explicit `id` (e.g. `{{ticker}}-{{timenow}}` or our Pine export's alert id):
 *   `acct:<account_id>:id:<id>` — every delivery of that alert maps to it, forever;
 * - otherwise a content key `acct:<account_id>:h:<hash>:<bucket>`: sha256 of the payload in canonical
 *   JSON (keys sorted) WITHOUT `secret`, `timestamp`, `id`, `max_lag`, and a time bucket (default 60 s)
 *   taken from the payload's `timestamp` when present — TradingView re-sends the same body, so all
 *   deliveries of one trigger share it — else from the receive time. Two identical alerts inside one
 *   bucket are one signal (harmless: a second identical LONG would be a no-op anyway); re-deliveries
 *   that straddle a bucket edge are caught through `alternateKeys` (the previous bucket's key).
 *   TradingView re-sends after 5 s, at most 3 times, so a 60 s bucket plus its predecessor covers them.
 */
export function signalIdempotencyKey(
  payload: SignalPayload,
  options: { receivedAt: number; bucketMs?: number },
): { key: string; source: 'id' | 'content'; alternateKeys: string[] } {
  const account = String(payload.account_id);
  if (present(payload.id)) {
    return { key: `acct:${account}:id:${String(payload.id).trim()}`, source: 'id', alternateKeys: [] };
  }
  const hashed: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(payload)) if (!UNHASHED_FIELDS.has(k)) hashed[k] = v;
  const digest = createHash('sha256').update(canonicalJson(hashed), 'utf8').digest('hex').slice(0, 32);
  const bucketMs = options.bucketMs ?? DEFAULT_DEDUPE_BUCKET_MS;
  const time = present(payload.timestamp) ? parseSignalTime(payload.timestamp) : options.receivedAt;
  const bucket = Math.floor(time / bucketMs);
  const key = (b: number) => `acct:${account}:h:${digest}:${b * bucketMs}`;
  return { key: key(bucket), source: 'content', alternateKeys: [key(bucket - 1)] };
}

/** The alert's stop-loss, take-profit and trailing stop (0 states none), checked field by field. */
function protectionOf(payload: WebhookPayload | SignalPayload): ProtectionOverride {
  const protection: ProtectionOverride = {};
  if (present(payload.sl_atr)) protection.slAtr = positiveNumber(payload.sl_atr, 'sl_atr', true);
  if (present(payload.tp_atr)) protection.tpAtr = positiveNumber(payload.tp_atr, 'tp_atr', true);
  if (present(payload.sl_pct)) protection.slPct = positiveNumber(payload.sl_pct, 'sl_pct', true);
  if (present(payload.tp_pct)) protection.tpPct = positiveNumber(payload.tp_pct, 'tp_pct', true);
  for (const unit of ['atr', 'pct'] as const) {
    const offset = payload[`trail_${unit}`];
    if (!present(offset)) continue;
    const value = positiveNumber(offset as number | string, `trail_${unit}`, true);
    const activation = payload[`trail_activation_${unit}`];
    if (value > 0) {
      protection.trailing = {
        unit,
        offset: value,
        activation: present(activation)
          ? positiveNumber(activation as number | string, `trail_activation_${unit}`, true)
          : 0,
      };
    }
  }
  if (protection.slPct !== undefined && protection.slPct >= 100)
    invalid('"sl_pct" must be below 100', { field: 'sl_pct' });
  const partials = partialTakeProfitsOf(payload);
  if (partials.length > 0) protection.partialTakeProfits = partials;
  const breakEven = payload.break_even;
  if (breakEven === true || breakEven === 1 || breakEven === '1' || breakEven === 'true') {
    if (partials.length === 0)
      invalid('break_even needs tp1 (it moves the stop after the first take-profit)', {
        field: 'break_even',
      });
    protection.breakEven = true;
  }
  return protection;
}

/**
 * The alert's partial take-profits (`tp1_atr` / `tp1_pct` + `tp1_qty_pct`, the same for `tp2_*`),
 * checked by the trade plan's one rule (`partialTakeProfitProblem`, @tradingbot/core) against the
 * last take-profit, as the webhook schema does: the worker re-reads stored payloads through here.
 */
function partialTakeProfitsOf(payload: WebhookPayload | SignalPayload): PartialTakeProfitOverride[] {
  const partials: PartialTakeProfitOverride[] = [];
  for (const n of [1, 2] as const) {
    const atrValue = payload[`tp${n}_atr`];
    const pctValue = payload[`tp${n}_pct`];
    const qtyValue = payload[`tp${n}_qty_pct`];
    if (!present(atrValue) && !present(pctValue) && !present(qtyValue)) continue;
    const field = `tp${n}_qty_pct`;
    if (present(atrValue) === present(pctValue))
      invalid(`tp${n} needs exactly one of tp${n}_atr and tp${n}_pct`, { field: `tp${n}_atr` });
    if (!present(qtyValue)) invalid(`tp${n} needs ${field} (percent of the entry)`, { field });
    if (n === 2 && partials.length === 0) invalid('tp2 needs tp1', { field: 'tp2_atr' });
    const distance: PartialTakeProfitOverride['distance'] = present(atrValue)
      ? { kind: 'atr', multiplier: positiveNumber(atrValue as number | string, `tp${n}_atr`) }
      : { kind: 'pct', pct: positiveNumber(pctValue as number | string, `tp${n}_pct`) };
    partials.push({ role: `tp${n}`, distance, qtyPct: positiveNumber(qtyValue as number | string, field) });
  }
  if (partials.length === 0) return partials;
  const tpAtr = present(payload.tp_atr) ? Number(payload.tp_atr) : undefined;
  const tpPct = present(payload.tp_pct) ? Number(payload.tp_pct) : undefined;
  const last: ExitSpec =
    tpAtr !== undefined
      ? tpAtr > 0
        ? { type: 'atr', multiplier: tpAtr }
        : { type: 'none' }
      : tpPct !== undefined && tpPct > 0
        ? { type: 'percent', percent: tpPct }
        : { type: 'none' };
  const problem = partialTakeProfitProblem(
    partials.map((p) => ({
      distance:
        p.distance.kind === 'atr'
          ? { type: 'atr', multiplier: p.distance.multiplier }
          : { type: 'percent', percent: p.distance.pct },
      qtyPct: p.qtyPct,
    })),
    last,
  );
  if (problem !== undefined) invalid(problem.message, { field: `tp${problem.index + 1}_qty_pct` });
  return partials;
}

/**
 * Maps a validated webhook payload onto a Signal: action (see `mapAction`), the venue's symbol
 * (`normalizeSymbol` of @tradingbot/exchange), leverage, at most one sizing override, order type and
 * price, SL/TP settings, timeframe, margin mode, alert time / max_lag, and the idempotency key
 * (see `signalIdempotencyKey`). Throws INVALID_SIGNAL / UNSUPPORTED_ACTION with the field at fault.
 */
export function toSignal(payload: WebhookPayload | SignalPayload, options: ToSignalOptions = {}): Signal {
  const receivedAt = options.receivedAt ?? Date.now();
  const exchange = String(payload.exchange).trim().toLowerCase();
  if (!isVenueId(exchange)) {
    invalid(`Unknown exchange "${payload.exchange}"; use ${venueList()}`, { field: 'exchange' });
  }
  const venue: ExchangeId = exchange;
  const action = mapAction(payload.action, payload.market_position);
  const scope = present(payload.scope) ? String(payload.scope).trim().toLowerCase() : 'symbol';
  if (scope !== 'symbol' && scope !== 'account')
    invalid('"scope" must be symbol or account', { field: 'scope' });
  if (scope === 'account' && action !== 'CLOSE_ALL' && action !== 'CANCEL_ORDERS')
    invalid('scope "account" is for close_all and cancel_orders only', { field: 'scope' });
  const accountWide = scope === 'account';
  if (!accountWide && (!present(payload.symbol) || String(payload.symbol).trim() === ''))
    invalid('"symbol" is required', { field: 'symbol' });
  const symbol = accountWide
    ? ACCOUNT_WIDE_SYMBOL
    : normalizeVenueSymbol(String(payload.symbol), venue, options.instruments);

  let leverage: number | undefined;
  if (present(payload.leverage)) {
    leverage = positiveNumber(payload.leverage, 'leverage');
    if (!Number.isInteger(leverage)) invalid('"leverage" must be a whole number', { field: 'leverage' });
  }

  const sizings: SizingOverride[] = [];
  if (present(payload.size_pct)) {
    const pct = positiveDecimal(payload.size_pct, 'size_pct');
    if (Number(pct) > 100)
      invalid('"size_pct" cannot exceed 100 (% of the available balance)', { field: 'size_pct' });
    sizings.push({ kind: 'pct', pct });
  }
  if (present(payload.size_usdt))
    sizings.push({ kind: 'usdt', margin: positiveDecimal(payload.size_usdt, 'size_usdt') });
  if (present(payload.qty)) sizings.push({ kind: 'qty', qty: positiveDecimal(payload.qty, 'qty') });
  if (sizings.length > 1) {
    invalid('Send at most one of "size_pct", "size_usdt" and "qty"', { field: 'size_pct' });
  }

  const orderType = present(payload.order_type) ? String(payload.order_type).trim().toLowerCase() : 'market';
  if (orderType !== 'market' && orderType !== 'limit') {
    invalid(`"order_type" must be market or limit, not "${payload.order_type}"`, { field: 'order_type' });
  }
  let price: string | undefined;
  if (orderType === 'limit') {
    if (!present(payload.price)) invalid('A limit order needs "price"', { field: 'price' });
    price = positiveDecimal(payload.price, 'price');
  }

  const protection = protectionOf(payload);

  let marginMode: MarginMode | undefined;
  if (present(payload.margin_mode)) {
    const m = String(payload.margin_mode).trim().toLowerCase();
    if (m !== 'cross' && m !== 'isolated')
      invalid('"margin_mode" must be cross or isolated', { field: 'margin_mode' });
    marginMode = m;
  }

  const id = signalIdempotencyKey(payload, {
    receivedAt,
    ...(options.dedupeBucketMs !== undefined ? { bucketMs: options.dedupeBucketMs } : {}),
  });
  const signal: Signal = {
    idempotencyKey: id.key,
    idempotencyKeySource: id.source,
    alternateKeys: id.alternateKeys,
    accountId: String(payload.account_id),
    exchange: venue,
    action,
    scope,
    symbol,
    sourceSymbol: present(payload.symbol) ? String(payload.symbol) : ACCOUNT_WIDE_SYMBOL,
    orderType,
    protection,
    receivedAt,
  };
  if (leverage !== undefined) signal.leverage = leverage;
  if (sizings[0] !== undefined) signal.sizing = sizings[0];
  if (price !== undefined) signal.price = price;
  if (present(payload.timeframe)) signal.timeframe = normalizeTimeframe(payload.timeframe);
  if (marginMode !== undefined) signal.marginMode = marginMode;
  if (present(payload.timestamp)) signal.signalTime = parseSignalTime(payload.timestamp);
  if (present(payload.max_lag)) signal.maxLagSeconds = positiveNumber(payload.max_lag, 'max_lag');
  if (present(payload.close_pct)) {
    const pct = positiveNumber(payload.close_pct, 'close_pct');
    if (pct > 100) invalid('"close_pct" must be at most 100', { field: 'close_pct' });
    if (action === 'LONG' || action === 'SHORT')
      invalid('"close_pct" goes with a close, not an entry', { field: 'close_pct' });
    if (pct < 100) signal.closePct = pct;
  }
  if (action === 'MOVE_STOP_TO_ENTRY') {
    const leg = present(payload.market_position) ? String(payload.market_position).trim().toLowerCase() : '';
    if (leg !== 'long' && leg !== 'short')
      invalid('move_stop_to_entry needs "market_position" long or short', { field: 'market_position' });
    signal.leg = leg;
  }
  return signal;
}
