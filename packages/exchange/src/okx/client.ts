import Decimal from 'decimal.js';
import type { AppError } from '@tradingbot/core';
import { ExchangeErrors } from '../errors.ts';
import { checkCallbackRate } from '../trailing.ts';
import { clientOrderId } from '../client-order-id.ts';
import { checkLeverage, prepareOrderPrice, prepareOrderQty, toContracts } from '../instrument.ts';
import { nearMatches, normalizeSymbol } from '../symbols.ts';
import {
  transportOptions,
  venueClientState,
  type VenueClientOptions,
  type VenueClientState,
} from '../venue/client-options.ts';
import {
  cancelByRef,
  closesLeg,
  limitPrice,
  nullIfNotFound,
  positionToClose,
  requireOrderRef,
  type OrderRef,
} from '../venue/orders.ts';
import type {
  Balance,
  ConditionalOrderRequest,
  Exchange,
  Instrument,
  Kline,
  KlineQuery,
  MarginMode,
  Order,
  OrderSide,
  PlaceOrderRequest,
  Position,
  PositionMode,
  PositionSide,
  ProtectionRequest,
  Ticker,
  TrailingStopRequest,
} from '../types.ts';
import { OKX_VENUE } from './errors.ts';
import { OkxHttp } from './http.ts';
import {
  algoClientId,
  okxBarMs,
  parseAlgoOrder,
  parseBalance,
  parseCandles,
  parseInstrument,
  parseOrder,
  parsePosition,
  toOkxBar,
  type OkxAlgoOrder,
  type OkxBalanceDetail,
  type OkxInstrument,
  type OkxOrder,
  type OkxPosition,
} from './parse.ts';
import type { Query } from './signing.ts';
import type {
  AccountStream,
  FundingPayment,
  MarketStream,
  StreamingVenue,
  VenueFill,
} from '../stream/types.ts';
import {
  OKX_WS_URLS,
  OkxAccountStream,
  OkxMarketStream,
  type OkxStreamHost,
  type OkxStreamOptions,
} from './stream.ts';
import { fillFromRest, triggerKind, type OkxFillRow } from './stream-parse.ts';

/**
 * OKX's REST base, for live and demo alike (demo adds `x-simulated-trading: 1`;
 * https://www.okx.com/docs-v5/en/#overview-demo-trading-services).
 */
export const OKX_REST_URL = 'https://www.okx.com';

export type OkxSwapClientOptions = VenueClientOptions & {
  apiKey: string;
  apiSecret: string;
  passphrase: string;
  /** Demo trading: sends `x-simulated-trading: 1` on every request. */
  demo?: boolean;
  /** Alias of `demo`, named like the Binance client's option and the accounts' `testnet` flag. */
  testnet?: boolean;
  /**
   * An order POST carries `expTime` = now + this (server clock): OKX discards it unexecuted after
   * that (50037), which bounds how long an unanswered placement can still happen. Default: timeoutMs.
   */
  orderExpiryMs?: number;
  /** How long an unanswered algo / close-position request is looked up before it counts as absent. */
  lookupWindowMs?: number;
  /** `tdMode` / `mgnMode` when a request names none (default cross). */
  defaultMarginMode?: MarginMode;
  /**
   * WebSocket base (`…/ws/v5`; the sockets are `/public`, `/private`, `/business`). Default: beside a
   * non-OKX `baseUrl` (a simulator serves both on one origin, `okxStreamUrlBeside`), else the
   * production host, or `wspap` for demo trading (streams.md §2.1).
   */
  wsBaseUrl?: string;
};

/** Placement kinds: a regular order, an algo (TP/SL) order, the close-position call. */
type Kind = 'order' | 'algo' | 'close';
type OkxPosSide = 'net' | 'long' | 'short';

const ORDER_PATH = '/api/v5/trade/order';
const ALGO_PATH = '/api/v5/trade/order-algo';
const CLOSE_PATH = '/api/v5/trade/close-position';
const PATHS: Record<Kind, string> = { order: ORDER_PATH, algo: ALGO_PATH, close: CLOSE_PATH };
/** Candles newer than this many bars are served by /market/candles; older ones by history-candles. */
const RECENT_CANDLES = 1440;
const CANDLES_LIMIT = 300;

/**
 * OKX v5 perpetual swaps (`BTC-USDT-SWAP`) through the REST API. Implements the exchange-neutral
 * `Exchange` interface: quantities in BASE units (converted to contracts with ctVal here, at the
 * edge), decimal strings, typed errors. Placement is idempotent per idempotency key: `clOrdId` /
 * `algoClOrdId` are derived from it, an uncertain outcome (timeout, dropped connection, 50004) is
 * resolved by looking the order up by that id, and an order POST carries `expTime` so that after
 * it the venue can no longer execute a request that went unanswered.
 */
export class OkxSwapClient implements Exchange, StreamingVenue {
  readonly id = 'okx' as const;
  readonly baseUrl: string;
  readonly demo: boolean;
  readonly wsBaseUrl: string;
  private readonly credentials: { apiKey: string; apiSecret: string; passphrase: string };
  private readonly http: OkxHttp;
  private readonly orderExpiryMs: number;
  private readonly lookupWindowMs: number;
  private readonly defaultMarginMode: MarginMode;
  private readonly now: () => number;
  /** The instrument and position-mode caches and the order submitter. */
  private readonly venue: VenueClientState;

  constructor(options: OkxSwapClientOptions) {
    if (
      typeof options.apiKey !== 'string' ||
      typeof options.apiSecret !== 'string' ||
      typeof options.passphrase !== 'string'
    ) {
      throw ExchangeErrors.create('INVALID_REQUEST', {
        message: 'OKX client needs apiKey, apiSecret and passphrase',
      });
    }
    this.baseUrl = options.baseUrl ?? OKX_REST_URL;
    this.demo = options.demo === true || options.testnet === true;
    this.wsBaseUrl = (
      options.wsBaseUrl ??
      okxStreamUrlBeside(options.baseUrl) ??
      (this.demo ? OKX_WS_URLS.demo : OKX_WS_URLS.live)
    ).replace(/\/+$/, '');
    this.credentials = {
      apiKey: options.apiKey,
      apiSecret: options.apiSecret,
      passphrase: options.passphrase,
    };
    this.now = options.now ?? Date.now;
    const transport = transportOptions(options, this.baseUrl, this.now);
    this.http = new OkxHttp({
      ...transport,
      apiKey: options.apiKey,
      apiSecret: options.apiSecret,
      passphrase: options.passphrase,
      demo: this.demo,
    });
    this.venue = venueClientState(options, {
      venue: OKX_VENUE,
      clock: this.http,
      now: this.now,
      loadInstruments: () => this.loadInstruments(),
      readPositionMode: () => this.readPositionMode(),
    });
    this.orderExpiryMs = options.orderExpiryMs ?? transport.timeoutMs;
    this.lookupWindowMs = options.lookupWindowMs ?? 5_000;
    this.defaultMarginMode = options.defaultMarginMode ?? 'cross';
  }

  /** The HTTP layer (time offset), for diagnostics. */
  get transport(): OkxHttp {
    return this.http;
  }

  // ── Market data ────────────────────────────────────────────────────────────────────────────

  async serverTime(): Promise<number> {
    const data = await this.publicGet<{ ts: string }>('/api/v5/public/time');
    return Number(data[0]?.ts);
  }

  async instruments(): Promise<Instrument[]> {
    return [...(await this.venue.instruments.map()).values()];
  }

  async instrument(venueSymbol: string): Promise<Instrument> {
    const id = venueSymbol.trim().toUpperCase();
    const { found, bySymbol: map } = await this.venue.instruments.find(id);
    if (found === undefined) {
      const suggestions = nearMatches(id, [...map.keys()]);
      // `BTCUSDT`, `BTC-USDT`, `OKX:BTCUSDT.P` name a listed swap: suggest its instId.
      try {
        const alias = normalizeSymbol(venueSymbol, 'okx', [...map.values()]);
        if (!suggestions.includes(alias)) suggestions.unshift(alias);
      } catch {
        // not a recognisable ticker
      }
      throw ExchangeErrors.create('UNKNOWN_SYMBOL', {
        message:
          `OKX has no live SWAP instrument "${venueSymbol}"` +
          (suggestions.length > 0 ? `; did you mean ${suggestions.join(', ')}?` : ''),
        details: { venue: 'okx', venueSymbol, suggestions },
      });
    }
    return found;
  }

  /** The live linear swaps, by instId. */
  private async loadInstruments(): Promise<Map<string, Instrument>> {
    const rows = await this.publicGet<OkxInstrument>('/api/v5/public/instruments', { instType: 'SWAP' });
    const byId = new Map<string, Instrument>();
    for (const row of rows) {
      // Inverse swaps are sized in USD, not in the base asset: outside this interface.
      if (row.state !== 'live' || row.ctType === 'inverse') continue;
      byId.set(row.instId, parseInstrument(row));
    }
    return byId;
  }

  /** ctVal of an instrument id, "1" when the instrument is not (or no longer) listed. */
  private async ctVal(instId: string): Promise<string> {
    const map = await this.venue.instruments.map();
    return map.get(instId)?.contractSize ?? '1';
  }

  async ticker(venueSymbol: string): Promise<Ticker> {
    const instId = (await this.instrument(venueSymbol)).venueSymbol;
    const data = await this.publicGet<{ instId: string; last: string; ts: string }>('/api/v5/market/ticker', {
      instId,
    });
    const row = data[0];
    if (row === undefined) {
      throw ExchangeErrors.create('EXCHANGE_ERROR', {
        message: `OKX returned no ticker for ${instId}`,
        details: { venue: 'okx', instId },
      });
    }
    return { venueSymbol: row.instId, price: new Decimal(row.last).toFixed(), time: Number(row.ts) };
  }

  /**
   * Candles oldest first. OKX pages newest first with `after` (older than) and `before` (newer
   * than); `startTime`/`endTime` map onto them. Volumes are converted from contracts to base units.
   * Ranges older than the latest 1440 bars go to `/market/history-candles`, which returns at most
   * 100 candles a call (page with startTime for more, as okxKlinesPage does).
   */
  async klines(query: KlineQuery): Promise<Kline[]> {
    const instrument = await this.instrument(query.venueSymbol);
    const bar = toOkxBar(query.timeframe);
    if (bar === undefined) {
      throw ExchangeErrors.create('INVALID_REQUEST', {
        message: `OKX has no candle bar "${query.timeframe}"`,
        details: { venue: 'okx', timeframe: query.timeframe },
      });
    }
    if (
      query.limit !== undefined &&
      (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > CANDLES_LIMIT)
    ) {
      throw ExchangeErrors.create('INVALID_REQUEST', {
        message: `OKX candle limit must be an integer in 1..${CANDLES_LIMIT}`,
      });
    }
    const step = okxBarMs(bar);
    const limit = query.limit ?? 100;
    let after = query.endTime !== undefined ? query.endTime + 1 : undefined;
    if (after === undefined && query.startTime !== undefined && step !== undefined) {
      after = query.startTime + limit * step;
    }
    const before = query.startTime !== undefined ? query.startTime - 1 : undefined;
    const rows = await this.fetchCandles(instrument.venueSymbol, bar, { after, before, limit }, step);
    return parseCandles(rows, instrument.contractSize);
  }

  /** One page of raw candle rows (newest first, as OKX sends them). */
  async fetchCandles(
    instId: string,
    bar: string,
    page: { after?: number | undefined; before?: number | undefined; limit: number },
    step = okxBarMs(bar),
  ): Promise<unknown[]> {
    const serverNow = this.http.serverNow();
    const old =
      page.after !== undefined && step !== undefined && page.after < serverNow - RECENT_CANDLES * step;
    // history-candles serves at most 100 rows a call (candles 300).
    return this.publicGet<unknown>(old ? '/api/v5/market/history-candles' : '/api/v5/market/candles', {
      instId,
      bar,
      after: page.after,
      before: page.before,
      limit: old ? Math.min(page.limit, 100) : page.limit,
    });
  }

  // ── Account ────────────────────────────────────────────────────────────────────────────────

  async balance(asset = 'USDT'): Promise<Balance> {
    const data = await this.signedGet<{ details?: OkxBalanceDetail[] }>('/api/v5/account/balance', {
      ccy: asset,
    });
    return parseBalance(data[0]?.details ?? [], asset);
  }

  async positions(venueSymbol?: string): Promise<Position[]> {
    const instId = venueSymbol === undefined ? undefined : (await this.instrument(venueSymbol)).venueSymbol;
    const rows = await this.signedGet<OkxPosition>('/api/v5/account/positions', { instType: 'SWAP', instId });
    const out: Position[] = [];
    for (const row of rows) {
      if (row.pos === undefined || row.pos === '' || new Decimal(row.pos).isZero()) continue;
      out.push(parsePosition(row, await this.ctVal(row.instId)));
    }
    return out;
  }

  /** `net_mode` → one_way, `long_short_mode` → hedge, read from `GET /api/v5/account/config` and cached. */
  positionMode(): Promise<PositionMode> {
    return this.venue.positionMode.get();
  }

  private async readPositionMode(): Promise<PositionMode> {
    const data = await this.signedGet<{ posMode: string }>('/api/v5/account/config');
    return data[0]?.posMode === 'long_short_mode' ? 'hedge' : 'one_way';
  }

  /** Forgets the cached position mode (the next call reads it again). */
  invalidatePositionMode(): void {
    this.venue.positionMode.invalidate();
  }

  /** Switches the account between net_mode and long_short_mode. */
  async setPositionMode(mode: PositionMode): Promise<void> {
    await this.signedPost('/api/v5/account/set-position-mode', {
      posMode: mode === 'hedge' ? 'long_short_mode' : 'net_mode',
    });
    this.venue.positionMode.set(mode);
  }

  /**
   * Leverage of an instrument for a margin mode (OKX keeps one per mgnMode). In long/short mode
   * isolated leverage is per leg, so both legs are set.
   */
  async setLeverage(
    venueSymbol: string,
    leverage: number,
    marginMode?: MarginMode,
  ): Promise<{ leverage: number }> {
    const instrument = await this.instrument(venueSymbol);
    checkLeverage(instrument, leverage, 'okx');
    const mgnMode = marginMode ?? this.defaultMarginMode;
    const legs: (OkxPosSide | undefined)[] =
      mgnMode === 'isolated' && (await this.positionMode()) === 'hedge' ? ['long', 'short'] : [undefined];
    let set = leverage;
    for (const posSide of legs) {
      const data = await this.signedPost<{ lever: string }>('/api/v5/account/set-leverage', {
        instId: instrument.venueSymbol,
        lever: String(leverage),
        mgnMode,
        ...(posSide !== undefined ? { posSide } : {}),
      });
      set = Number(data[0]?.lever ?? leverage);
    }
    return { leverage: set };
  }

  // ── Orders ─────────────────────────────────────────────────────────────────────────────────

  async placeOrder(request: PlaceOrderRequest): Promise<Order> {
    const instrument = await this.instrument(request.venueSymbol);
    const qty = prepareOrderQty(instrument, request.qty, { market: request.type === 'market' });
    const sz = toContracts(instrument, qty);
    const price = limitPrice(instrument, request);
    const sl =
      request.attachedStopLoss === undefined
        ? undefined
        : prepareOrderPrice(instrument, request.attachedStopLoss);
    const tp =
      request.attachedTakeProfit === undefined
        ? undefined
        : prepareOrderPrice(instrument, request.attachedTakeProfit);
    const cid = clientOrderId(request.idempotencyKey, 'okx');
    const tdMode =
      request.marginMode ??
      (request.reduceOnly === true || closesLeg(request.side, request.positionSide)
        ? await this.marginModeOfPosition(instrument, request.side)
        : this.defaultMarginMode);
    const build = (mode: PositionMode): Record<string, unknown> => {
      const side = mapPosSide(mode, request.side, request.positionSide, request.reduceOnly === true);
      return {
        instId: instrument.venueSymbol,
        tdMode,
        side: request.side,
        posSide: side.posSide,
        ordType: request.type,
        sz,
        ...(price !== undefined ? { px: price } : {}),
        ...(side.reduceOnly ? { reduceOnly: true } : {}),
        clOrdId: cid,
        ...(sl !== undefined || tp !== undefined
          ? {
              attachAlgoOrds: [
                {
                  attachAlgoClOrdId: clientOrderId(request.idempotencyKey, 'okx', 'p'),
                  ...(tp !== undefined ? { tpTriggerPx: tp, tpOrdPx: '-1', tpTriggerPxType: 'mark' } : {}),
                  ...(sl !== undefined ? { slTriggerPx: sl, slOrdPx: '-1', slTriggerPxType: 'mark' } : {}),
                },
              ],
            }
          : {}),
      };
    };
    const orders = await this.venue.positionMode.withMode((mode) =>
      this.submit('order', instrument, cid, build(mode)),
    );
    return orders[0] as Order;
  }

  async placeConditional(request: ConditionalOrderRequest, role?: string): Promise<Order> {
    const instrument = await this.instrument(request.venueSymbol);
    const cid = clientOrderId(request.idempotencyKey, 'okx', role);
    const legs = await this.placeAlgo(instrument, cid, {
      side: request.side,
      ...(request.positionSide !== undefined ? { positionSide: request.positionSide } : {}),
      ...(request.kind === 'stop_loss'
        ? { stopLoss: request.triggerPrice }
        : { takeProfit: request.triggerPrice }),
      ...(request.qty !== undefined ? { qty: request.qty } : {}),
      ...(request.marginMode !== undefined ? { marginMode: request.marginMode } : {}),
    });
    return legs[0] as Order;
  }

  /**
   * A trailing stop as an OKX `move_order_stop` algo order (`POST /api/v5/trade/order-algo`):
   * `callbackRatio` the percent as a fraction (1 % → "0.01"), `activePx` when given, `sz` in
   * contracts, reduce-only in net mode (the leg in long/short mode), in the position's margin mode.
   * OKX lists it apart from TP/SL: `orders-algo-pending` takes `move_order_stop` on its own.
   */
  async placeTrailingStop(request: TrailingStopRequest): Promise<Order> {
    const instrument = await this.instrument(request.venueSymbol);
    const pct = checkCallbackRate('okx', request.callbackRatePct);
    const activePx =
      request.activationPrice === undefined
        ? undefined
        : prepareOrderPrice(instrument, request.activationPrice);
    const sz = toContracts(instrument, prepareOrderQty(instrument, request.qty, { market: true }));
    const cid = clientOrderId(request.idempotencyKey, 'okx');
    const tdMode = request.marginMode ?? (await this.marginModeOfPosition(instrument, request.side));
    const build = (mode: PositionMode): Record<string, unknown> => {
      const side = mapPosSide(
        mode,
        request.side,
        request.positionSide ?? (request.side === 'sell' ? 'long' : 'short'),
        true,
      );
      return {
        instId: instrument.venueSymbol,
        tdMode,
        side: request.side,
        posSide: side.posSide,
        ordType: 'move_order_stop',
        sz,
        ...(side.reduceOnly ? { reduceOnly: true } : {}),
        callbackRatio: new Decimal(pct).div(100).toFixed(),
        ...(activePx !== undefined ? { activePx } : {}),
        algoClOrdId: cid,
      };
    };
    const [order] = await this.venue.positionMode.withMode((mode) =>
      this.submit('algo', instrument, cid, build(mode)),
    );
    return order as Order;
  }

  /**
   * SL and TP for a position. Both → ONE `oco` algo order (OKX runs only the stop of a `conditional`
   * carrying both; https://www.okx.com/docs-v5/en/#order-book-trading-algo-trading-post-place-algo-order),
   * reported as its two legs; one → a `conditional`. Without `qty`
   * the algo closes the whole position (`closeFraction: "1"`).
   */
  async placeProtection(request: ProtectionRequest): Promise<Order[]> {
    if (request.stopLoss === undefined && request.takeProfit === undefined) {
      throw ExchangeErrors.create('INVALID_REQUEST', {
        message: 'Protection needs a stop-loss, a take-profit or both',
      });
    }
    const instrument = await this.instrument(request.venueSymbol);
    const role =
      request.stopLoss !== undefined && request.takeProfit !== undefined
        ? 'p'
        : request.stopLoss !== undefined
          ? 'sl'
          : 'tp';
    const cid = clientOrderId(request.idempotencyKey, 'okx', role);
    return this.placeAlgo(instrument, cid, {
      side: request.positionSide === 'long' ? 'sell' : 'buy',
      positionSide: request.positionSide,
      ...(request.stopLoss !== undefined ? { stopLoss: request.stopLoss } : {}),
      ...(request.takeProfit !== undefined ? { takeProfit: request.takeProfit } : {}),
      ...(request.qty !== undefined ? { qty: request.qty } : {}),
      ...(request.marginMode !== undefined ? { marginMode: request.marginMode } : {}),
    });
  }

  private async placeAlgo(
    instrument: Instrument,
    cid: string,
    spec: {
      side: OrderSide;
      positionSide?: PositionSide;
      stopLoss?: string;
      takeProfit?: string;
      qty?: string;
      marginMode?: MarginMode;
    },
  ): Promise<Order[]> {
    const sl = spec.stopLoss === undefined ? undefined : prepareOrderPrice(instrument, spec.stopLoss);
    const tp = spec.takeProfit === undefined ? undefined : prepareOrderPrice(instrument, spec.takeProfit);
    const sz =
      spec.qty === undefined
        ? await this.sizeBesideWholePositionAlgo(instrument, cid, spec.side, spec.positionSide)
        : toContracts(instrument, prepareOrderQty(instrument, spec.qty, { market: true }));
    // A protective order trades in the margin mode of the position it closes.
    const tdMode = spec.marginMode ?? (await this.marginModeOfPosition(instrument, spec.side));
    const build = (mode: PositionMode): Record<string, unknown> => {
      // A protective order always reduces: the leg it closes in hedge mode, reduce-only in net mode.
      const side = mapPosSide(
        mode,
        spec.side,
        spec.positionSide ?? (spec.side === 'sell' ? 'long' : 'short'),
        true,
      );
      return {
        instId: instrument.venueSymbol,
        tdMode,
        side: spec.side,
        posSide: side.posSide,
        ordType: sl !== undefined && tp !== undefined ? 'oco' : 'conditional',
        ...(sz !== undefined ? { sz } : { closeFraction: '1' }),
        ...(side.reduceOnly ? { reduceOnly: true } : {}),
        ...(tp !== undefined ? { tpTriggerPx: tp, tpOrdPx: '-1', tpTriggerPxType: 'mark' } : {}),
        ...(sl !== undefined ? { slTriggerPx: sl, slOrdPx: '-1', slTriggerPxType: 'mark' } : {}),
        algoClOrdId: cid,
      };
    };
    return this.venue.positionMode.withMode((mode) => this.submit('algo', instrument, cid, build(mode)));
  }

  /**
   * The margin mode (tdMode) of the position an order on `closingSide` reduces — a sell reduces a
   * long — so a reducing order without an explicit mode matches its position; the default otherwise.
   */
  private async marginModeOfPosition(instrument: Instrument, closingSide: OrderSide): Promise<MarginMode> {
    const rows = await this.positions(instrument.venueSymbol).catch(() => []);
    const row = rows.find((p) =>
      closingSide === 'sell' ? new Decimal(p.qty).isPositive() : new Decimal(p.qty).isNegative(),
    );
    return row?.marginMode ?? this.defaultMarginMode;
  }

  /**
   * OKX keeps ONE whole-position (`closeFraction`) TP/SL per position. When another one already
   * rests on this position (e.g. the stop placed before this take-profit), this order is sized to
   * the position instead (contracts, reduce-only), so both can rest. Undefined = use closeFraction.
   */
  private async sizeBesideWholePositionAlgo(
    instrument: Instrument,
    cid: string,
    side: OrderSide,
    positionSide: PositionSide | undefined,
  ): Promise<string | undefined> {
    const mode = await this.positionMode();
    const leg = positionSide ?? (side === 'sell' ? 'long' : 'short');
    const posSide = mapPosSide(mode, side, leg, true).posSide;
    const algos = await this.signedGet<OkxAlgoOrder>('/api/v5/trade/orders-algo-pending', {
      ordType: 'conditional,oco',
      instType: 'SWAP',
      instId: instrument.venueSymbol,
    });
    const taken = algos.some(
      (a) =>
        a.posSide === posSide &&
        a.side === side &&
        a.algoClOrdId !== cid &&
        (a.closeFraction === '1' || a.closeFraction === '1.0'),
    );
    if (!taken) return undefined;
    // The position this order closes: a sell closes a long (qty > 0), a buy a short.
    const position = (await this.positions(instrument.venueSymbol)).find(
      (p) =>
        (mode === 'hedge' ? p.side === leg : p.side === 'net') &&
        (side === 'sell' ? new Decimal(p.qty).isPositive() : new Decimal(p.qty).isNegative()),
    );
    if (position === undefined) return undefined;
    return toContracts(instrument, new Decimal(position.qty).abs().toFixed());
  }

  /**
   * Closes a whole position with `POST /api/v5/trade/close-position` (a market order for the
   * position's full size, `clOrdId` from the key, `autoCxl` so resting reduce-only orders do not
   * block it). Returns null when flat, or the earlier close when this key already closed it.
   */
  async closePosition(
    venueSymbol: string,
    positionSide: PositionSide,
    idempotencyKey: string,
  ): Promise<Order | null> {
    const instrument = await this.instrument(venueSymbol);
    const cid = clientOrderId(idempotencyKey, 'okx');
    const mode = await this.positionMode();
    const row = positionToClose(await this.positions(instrument.venueSymbol), mode, positionSide);
    if (row === undefined) {
      const earlier = await this.lookup('order', instrument, cid);
      return earlier?.[0] ?? null;
    }
    const orders = await this.submit('close', instrument, cid, {
      instId: instrument.venueSymbol,
      mgnMode: row.marginMode,
      ...(mode === 'hedge' ? { posSide: row.side } : {}),
      autoCxl: true,
      clOrdId: cid,
    });
    return orders[0] ?? null;
  }

  async cancelOrder(venueSymbol: string, ref: OrderRef): Promise<void> {
    requireOrderRef(ref);
    const instrument = await this.instrument(venueSymbol);
    const instId = instrument.venueSymbol;
    // An oco leg's clientOrderId (`…/sl`, `…/tp`) names an algo order; OKX ids have no "/".
    const ocoLeg = ref.clientOrderId !== undefined && algoClientId(ref.clientOrderId) !== ref.clientOrderId;
    await cancelByRef(
      ocoLeg ? true : ref.isAlgo,
      async (kind) => {
        if (kind === 'order') {
          await this.signedPost('/api/v5/trade/cancel-order', {
            instId,
            ...(ref.venueOrderId !== undefined
              ? { ordId: ref.venueOrderId }
              : { clOrdId: ref.clientOrderId }),
          });
          return;
        }
        let algoId = ref.venueOrderId;
        if (algoId === undefined) {
          const found = await this.lookup('algo', instrument, algoClientId(ref.clientOrderId as string));
          algoId = found?.[0]?.venueOrderId;
          if (algoId === undefined) throw notFound(instId, ref);
        }
        await this.signedPost('/api/v5/trade/cancel-algos', [{ instId, algoId }]);
      },
      async (kind) => (await this.queryOrder(kind, instrument, ref).catch(() => null))?.status === 'canceled',
    );
  }

  /** Cancels the regular and the algo (TP/SL) orders of an instrument. */
  async cancelAllOrders(venueSymbol: string): Promise<void> {
    const instrument = await this.instrument(venueSymbol);
    const instId = instrument.venueSymbol;
    const pending = await this.signedGet<OkxOrder>('/api/v5/trade/orders-pending', {
      instType: 'SWAP',
      instId,
    });
    for (const order of pending) {
      try {
        await this.signedPost('/api/v5/trade/cancel-order', { instId, ordId: order.ordId });
      } catch (error) {
        if (!ExchangeErrors.is(error, 'ORDER_NOT_FOUND')) throw error; // filled or gone meanwhile
      }
    }
    const algos = await this.pendingAlgos(instId);
    for (let i = 0; i < algos.length; i += 10) {
      const batch = algos.slice(i, i + 10).map((a) => ({ instId, algoId: a.algoId }));
      try {
        await this.signedPost('/api/v5/trade/cancel-algos', batch);
      } catch (error) {
        if (!ExchangeErrors.is(error, 'ORDER_NOT_FOUND')) throw error;
        // Part of the batch had triggered or gone: cancel the rest one by one.
        for (const one of batch) {
          await this.signedPost('/api/v5/trade/cancel-algos', [one]).catch((e: unknown) => {
            if (!ExchangeErrors.is(e, 'ORDER_NOT_FOUND')) throw e;
          });
        }
      }
    }
  }

  async openOrders(venueSymbol?: string): Promise<Order[]> {
    const instId = venueSymbol === undefined ? undefined : (await this.instrument(venueSymbol)).venueSymbol;
    const regular = await this.signedGet<OkxOrder>('/api/v5/trade/orders-pending', {
      instType: 'SWAP',
      instId,
    });
    const algos = await this.pendingAlgos(instId);
    const out: Order[] = [];
    for (const o of regular) out.push(parseOrder(o, await this.ctVal(o.instId)));
    for (const a of algos) out.push(...parseAlgoOrder(a, await this.ctVal(a.instId)));
    return out;
  }

  /**
   * The live algo orders: TP/SL (`conditional,oco`, one request) and trailing stops
   * (`move_order_stop`, which OKX lists only on its own). Both are cancelled through `cancel-algos`,
   * as the current docs have it; older docs sent trailing stops to `cancel-advance-algos` (not
   * checked against the live venue).
   */
  private async pendingAlgos(instId: string | undefined): Promise<OkxAlgoOrder[]> {
    const query = (ordType: string) =>
      this.signedGet<OkxAlgoOrder>('/api/v5/trade/orders-algo-pending', {
        ordType,
        instType: 'SWAP',
        instId,
      });
    return [...(await query('conditional,oco')), ...(await query('move_order_stop'))];
  }

  async orderByIdempotencyKey(venueSymbol: string, idempotencyKey: string): Promise<Order | null> {
    const instrument = await this.instrument(venueSymbol);
    const cid = clientOrderId(idempotencyKey, 'okx');
    const found =
      (await this.lookup('order', instrument, cid)) ?? (await this.lookup('algo', instrument, cid));
    return found?.[0] ?? null;
  }

  /**
   * The TP/SL OKX created from the `attachAlgoOrds` of the order placed with this key: one algo
   * order (`oco` for both, `conditional` for one) named by the `attachAlgoClOrdId` we sent
   * (`clientOrderId(key, 'okx', 'p')`), as its legs. [] while there is none.
   */
  async attachedProtection(venueSymbol: string, idempotencyKey: string): Promise<Order[]> {
    const instrument = await this.instrument(venueSymbol);
    return (await this.lookup('algo', instrument, clientOrderId(idempotencyKey, 'okx', 'p'))) ?? [];
  }

  // ── Streams and history (AccountHistory / StreamingVenue) ─────────────────────────────────

  /** The private stream: orders, positions, balances and funding as they happen (see stream.ts). */
  accountStream(options?: OkxStreamOptions): AccountStream {
    return new OkxAccountStream(this.streamHost(), options);
  }

  /** Mark prices (public socket) and candles (business socket). */
  marketStream(options?: OkxStreamOptions): MarketStream {
    return new OkxMarketStream(this.streamHost(), options);
  }

  private streamHost(): OkxStreamHost {
    return {
      wsBaseUrl: this.wsBaseUrl,
      credentials: this.credentials,
      serverNow: () => this.http.serverNow(),
      ctVal: async (instId) => (await this.venue.instruments.find(instId)).found?.contractSize,
      pendingAlgos: async () =>
        (
          await this.signedGet<OkxAlgoOrder>('/api/v5/trade/orders-algo-pending', {
            ordType: 'conditional,oco',
            instType: 'SWAP',
          })
        ).map((a) => ({
          algoId: a.algoId,
          ...(a.slTriggerPx ? { slTriggerPx: a.slTriggerPx } : {}),
          ...(a.tpTriggerPx ? { tpTriggerPx: a.tpTriggerPx } : {}),
        })),
      fundingSince: (query) => this.fundingSince(query),
    };
  }

  /**
   * Executions since `since`, oldest first: `GET /api/v5/trade/fills` (the last 3 days) and, for an
   * older `since`, `/fills-history` (3 months), both paged newest first by `after` = the last
   * `billId`. The REST rows carry no algo or category fields, so each distinct order is read once
   * (`GET /trade/order`: `category`, `algoId`, `source`) to tell a triggered stop from our own order;
   * liquidation and ADL also show in the fill's `subType`.
   */
  async fillsSince(query: { since: number; venueSymbol?: string; limit?: number }): Promise<VenueFill[]> {
    const instId =
      query.venueSymbol === undefined ? undefined : (await this.instrument(query.venueSymbol)).venueSymbol;
    const cap = query.limit ?? 1000;
    const recentFrom = this.http.serverNow() - 3 * 86_400_000;
    const rows: OkxFillRow[] = [];
    if (query.since < recentFrom) {
      rows.push(
        ...(await this.pageByBillId<OkxFillRow>('/api/v5/trade/fills-history', instId, query.since, {})),
      );
    }
    rows.push(...(await this.pageByBillId<OkxFillRow>('/api/v5/trade/fills', instId, query.since, {})));
    const byTrade = new Map<string, OkxFillRow>();
    for (const row of rows) byTrade.set(`${row.instId} ${row.tradeId}`, row);
    const unique = [...byTrade.values()]
      .filter((r) => Number(r.ts) >= query.since)
      .sort((a, b) => Number(a.ts) - Number(b.ts) || Number(a.billId) - Number(b.billId))
      .slice(0, cap);
    const orders = new Map<string, Record<string, unknown> | undefined>();
    const algos = new Map<string, OkxAlgoOrder | undefined>();
    const out: VenueFill[] = [];
    for (const row of unique) {
      const key = `${row.instId} ${row.ordId}`;
      if (!orders.has(key)) {
        const found = await this.signedGet<Record<string, unknown>>(ORDER_PATH, {
          instId: row.instId,
          ordId: row.ordId,
        }).catch(() => []);
        orders.set(key, found[0]);
      }
      const order = orders.get(key);
      const algoId = typeof order?.algoId === 'string' ? order.algoId : '';
      if (algoId !== '' && !algos.has(algoId)) {
        const found = await this.signedGet<OkxAlgoOrder>(ALGO_PATH, { algoId }).catch(() => []);
        algos.set(algoId, found[0]);
      }
      const algo = algos.get(algoId);
      const fill = fillFromRest(row, await this.ctVal(row.instId), order);
      if (fill.cause === 'trigger' && fill.trigger === undefined && algo !== undefined) {
        const kind = triggerKind(
          {
            ...(algo.slTriggerPx ? { slTriggerPx: algo.slTriggerPx } : {}),
            ...(algo.tpTriggerPx ? { tpTriggerPx: algo.tpTriggerPx } : {}),
            ...(algo.actualSide ? { actualSide: algo.actualSide } : {}),
          },
          fill.price,
        );
        if (kind !== undefined) fill.trigger = kind;
      }
      out.push(fill);
    }
    return out;
  }

  /**
   * Funding payments since `since`, oldest first: `GET /api/v5/account/bills?type=8` (funding fee;
   * the last 7 days, `/bills-archive` before that), paged by billId. `balChg` is the amount
   * (positive received, negative paid); the billId is the entry id.
   */
  async fundingSince(query: {
    since: number;
    venueSymbol?: string;
    limit?: number;
  }): Promise<FundingPayment[]> {
    const instId =
      query.venueSymbol === undefined ? undefined : (await this.instrument(query.venueSymbol)).venueSymbol;
    const cap = query.limit ?? 1000;
    const path =
      query.since < this.http.serverNow() - 7 * 86_400_000
        ? '/api/v5/account/bills-archive'
        : '/api/v5/account/bills';
    type Bill = { billId: string; instId: string; ccy: string; balChg: string; ts: string };
    const rows = await this.pageByBillId<Bill>(path, instId, query.since, { type: '8' });
    return rows
      .filter((r) => Number(r.ts) >= query.since)
      .sort((a, b) => Number(a.ts) - Number(b.ts) || Number(a.billId) - Number(b.billId))
      .slice(0, cap)
      .map((r) => ({
        venueEntryId: r.billId,
        venueSymbol: r.instId,
        amount: new Decimal(r.balChg).toFixed(),
        asset: r.ccy,
        time: Number(r.ts),
      }));
  }

  /**
   * Pages a newest-first list by `after` = the last row's billId back to `since` (the caller wants
   * the oldest rows from `since`, so stopping early would leave a gap), at most 100 pages.
   */
  private async pageByBillId<T extends { billId: string; ts: string }>(
    path: string,
    instId: string | undefined,
    since: number,
    extra: Query,
  ): Promise<T[]> {
    const out: T[] = [];
    let after: string | undefined;
    for (let page = 0; page < 100; page++) {
      const data = await this.signedGet<T>(path, {
        instType: 'SWAP',
        instId,
        ...extra,
        begin: String(since),
        after,
        limit: '100',
      });
      out.push(...data);
      const last = data[data.length - 1];
      if (data.length < 100 || last === undefined || Number(last.ts) < since) break;
      after = last.billId;
    }
    return out;
  }

  // ── Internals ──────────────────────────────────────────────────────────────────────────────

  private publicGet<T>(path: string, query: Query = {}): Promise<T[]> {
    return this.http.request<T>({ method: 'GET', path, query, signed: false, safe: true });
  }

  private signedGet<T>(path: string, query: Query = {}): Promise<T[]> {
    return this.http.request<T>({ method: 'GET', path, query, signed: true, safe: true });
  }

  private signedPost<T>(path: string, body: unknown): Promise<T[]> {
    return this.http.request<T>({ method: 'POST', path, body, signed: true, safe: false });
  }

  /**
   * Sends a placement through the shared idempotent protocol (`OrderSubmitter`). A regular order
   * carries `expTime`: once the venue's clock has passed the last one sent (+ a margin for clock
   * error) it can no longer execute, so an order still absent is sent once more. An algo or
   * close-position request carries no expTime and is never resent: confirmed absent after
   * `lookupWindowMs`, it fails with EXCHANGE_UNAVAILABLE.
   */
  private submit(
    kind: Kind,
    instrument: Instrument,
    cid: string,
    body: Record<string, unknown>,
  ): Promise<Order[]> {
    const lookupKind = kind === 'algo' ? 'algo' : 'order';
    let sent: { expTime?: number } = {};
    return this.venue.submitter.submit({
      clientOrderId: cid,
      venueSymbol: instrument.venueSymbol,
      kind: lookupKind,
      request: kind,
      send: async () => {
        sent = {};
        const data = await this.http.request<Record<string, unknown>>({
          method: 'POST',
          path: PATHS[kind],
          body,
          signed: true,
          safe: false,
          ...(kind === 'order' ? { expiresInMs: this.orderExpiryMs, sent } : {}),
        });
        return this.afterAccept(kind, instrument, cid, data[0] ?? {}, body);
      },
      lookup: () => this.lookup(lookupKind, instrument, cid),
      executableUntil: () =>
        kind === 'order' && sent.expTime !== undefined
          ? sent.expTime + 500
          : this.http.serverNow() + this.lookupWindowMs,
      resendWhenAbsent: kind === 'order',
    });
  }

  /** The placed order as the venue now reports it (a market order is usually filled already). */
  private async afterAccept(
    kind: Kind,
    instrument: Instrument,
    cid: string,
    ack: Record<string, unknown>,
    body: Record<string, unknown>,
  ): Promise<Order[]> {
    try {
      if (kind === 'algo') {
        const algoId = typeof ack.algoId === 'string' && ack.algoId !== '' ? ack.algoId : undefined;
        const found = await this.queryAlgo(
          instrument,
          algoId !== undefined ? { algoId } : { algoClOrdId: cid },
        );
        if (found !== null) return found;
      } else {
        const ordId = typeof ack.ordId === 'string' && ack.ordId !== '' ? ack.ordId : undefined;
        const found = await this.queryRegular(instrument, ordId !== undefined ? { ordId } : { clOrdId: cid });
        if (found !== null) return [found];
      }
    } catch {
      // Accepted, but the details could not be read: report what the acknowledgement says.
    }
    const ct = instrument.contractSize;
    const sz = typeof body.sz === 'string' ? new Decimal(body.sz).mul(ct).toFixed() : '0';
    return [
      {
        venueOrderId: String(ack.ordId ?? ack.algoId ?? ''),
        clientOrderId: cid,
        venueSymbol: instrument.venueSymbol,
        side: body.side === 'sell' ? 'sell' : 'buy',
        positionSide: body.posSide === 'long' ? 'long' : body.posSide === 'short' ? 'short' : 'net',
        type:
          body.ordType === 'limit'
            ? 'limit'
            : body.ordType === 'move_order_stop'
              ? 'trailing_stop_market'
              : kind === 'algo'
                ? 'stop_market'
                : 'market',
        status: 'new',
        qty: sz,
        filledQty: '0',
        reduceOnly: body.reduceOnly === true || kind === 'close',
        isAlgo: kind === 'algo',
        raw: ack,
      },
    ];
  }

  /** The order with this client id (`clOrdId` / `algoClOrdId`), or null when OKX has none. */
  private async lookup(kind: 'order' | 'algo', instrument: Instrument, cid: string): Promise<Order[] | null> {
    if (kind === 'algo') return this.queryAlgo(instrument, { algoClOrdId: cid });
    const order = await this.queryRegular(instrument, { clOrdId: cid });
    return order === null ? null : [order];
  }

  private queryRegular(
    instrument: Instrument,
    ref: { ordId?: string; clOrdId?: string },
  ): Promise<Order | null> {
    return nullIfNotFound(
      this.signedGet<OkxOrder>(ORDER_PATH, { instId: instrument.venueSymbol, ...ref }).then((data) => {
        const row = data[0];
        return row === undefined ? null : parseOrder(row, instrument.contractSize);
      }),
    );
  }

  private queryAlgo(
    instrument: Instrument,
    ref: { algoId?: string; algoClOrdId?: string },
  ): Promise<Order[] | null> {
    return nullIfNotFound(
      this.signedGet<OkxAlgoOrder>(ALGO_PATH, ref).then((data) => {
        const row = data.find((r) => r.instId === instrument.venueSymbol) ?? data[0];
        return row === undefined ? null : parseAlgoOrder(row, instrument.contractSize);
      }),
    );
  }

  private async queryOrder(
    kind: 'order' | 'algo',
    instrument: Instrument,
    ref: { venueOrderId?: string; clientOrderId?: string },
  ): Promise<Order | null> {
    if (kind === 'algo') {
      const found = await this.queryAlgo(
        instrument,
        ref.venueOrderId !== undefined
          ? { algoId: ref.venueOrderId }
          : { algoClOrdId: algoClientId(ref.clientOrderId ?? '') },
      );
      return found?.[0] ?? null;
    }
    return this.queryRegular(
      instrument,
      ref.venueOrderId !== undefined ? { ordId: ref.venueOrderId } : { clOrdId: ref.clientOrderId ?? '' },
    );
  }
}

/**
 * The stream base beside a REST base URL that is not OKX's own host (a simulator or a local gateway
 * serves both on one origin): `http://127.0.0.1:8080` → `ws://127.0.0.1:8080/ws/v5`.
 */
export function okxStreamUrlBeside(baseUrl: string | undefined): string | undefined {
  if (baseUrl === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return undefined;
  }
  if (/(^|\.)okx\.com$/.test(url.hostname)) return undefined;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}/ws/v5`;
}

/**
 * OKX's posSide (and whether to send reduceOnly) for an order in a given account mode.
 * net_mode: always `net`; a request naming a leg maps onto it (selling the long = reducing).
 * long_short_mode: `long` / `short`, never reduceOnly (OKX takes it in net mode only); `net` is
 * ambiguous there and refused before sending — the python-okx "51000 Parameter posSide error"
 * trap is caught locally with a clear message.
 */
export function mapPosSide(
  mode: PositionMode,
  side: OrderSide,
  positionSide: PositionSide | undefined,
  reduceOnly: boolean,
): { posSide: OkxPosSide; reduceOnly: boolean } {
  const requested = positionSide ?? 'net';
  if (mode === 'one_way') {
    if (requested === 'net') return { posSide: 'net', reduceOnly };
    return { posSide: 'net', reduceOnly: reduceOnly || closesLeg(side, requested) };
  }
  if (requested === 'net') {
    throw ExchangeErrors.create('POSITION_SIDE_MISMATCH', {
      message:
        'The OKX account is in long/short (hedge) mode: the order must name the long or short position ' +
        '(OKX would answer 51000 "Parameter posSide error")',
      details: { venue: 'okx', positionMode: mode },
    });
  }
  const opens = (side === 'buy') === (requested === 'long');
  if (reduceOnly && opens) {
    // OKX takes no reduceOnly in long/short mode, so it would silently open the leg: refuse here.
    throw ExchangeErrors.create('REDUCE_ONLY_REJECTED', {
      message: `A ${side} on the ${requested} leg opens it; it cannot be reduce-only`,
      details: { venue: 'okx', positionMode: mode, side, positionSide: requested },
    });
  }
  return { posSide: requested, reduceOnly: false };
}

function notFound(instId: string, ref: { venueOrderId?: string; clientOrderId?: string }): AppError {
  return ExchangeErrors.create('ORDER_NOT_FOUND', {
    message: `OKX has no algo order ${ref.venueOrderId ?? ref.clientOrderId} on ${instId}`,
    details: { venue: 'okx', instId, ...ref },
  });
}
