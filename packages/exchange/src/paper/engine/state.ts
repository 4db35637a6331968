import type Decimal from 'decimal.js';
import { D } from '../../decimal.ts';
import { nearMatches } from '../../symbols.ts';
import type { AccountEvent, FundingPayment } from '../../stream/types.ts';
import type { Instrument, MarginMode, OrderStatus, PositionMode, PositionSide } from '../../types.ts';
import { PAPER_DEFAULT_INSTRUMENTS } from '../instruments.ts';
import { fail, parseAmount, parsePositivePrice } from './rejections.ts';
import type {
  Bar,
  OrderRecord,
  PaperFill,
  PaperMarketUpdate,
  PaperVenueOptions,
  PositionRecord,
} from './types.ts';

export const ZERO = new D(0);

const OPEN_STATUSES: ReadonlySet<OrderStatus> = new Set(['new', 'partially_filled']);

export function isOpen(order: { status: OrderStatus }): boolean {
  return OPEN_STATUSES.has(order.status);
}

/**
 * Everything the paper venue knows: instruments, settings, balances, prices, positions, orders,
 * fills and candles, with the small look-ups every engine module needs. The behaviour lives in
 * the modules beside this one (matching, margin, liquidation, order entry, account, candles), all
 * plain functions over one VenueState; `PaperVenue` (venue.ts) is their public face.
 */
export class VenueState {
  readonly instruments: readonly Instrument[];
  private readonly instrumentMap = new Map<string, Instrument>();
  readonly wallets = new Map<string, Decimal>();
  /** One price per symbol: last = mark. */
  readonly marks = new Map<string, Decimal>();
  readonly leverages = new Map<string, number>();
  readonly marginModes = new Map<string, MarginMode>();
  /** Open positions by `positionKey`; a position is deleted when it goes flat. */
  readonly positions = new Map<string, PositionRecord>();
  /** Every order ever accepted, oldest first. */
  readonly orders: OrderRecord[] = [];
  readonly ordersById = new Map<string, OrderRecord>();
  /** Every order that used a client id, oldest first (a done order's id may be reused). */
  readonly ordersByClientId = new Map<string, OrderRecord[]>();
  readonly fillLog: PaperFill[] = [];
  readonly listeners = new Set<(fill: PaperFill) => void>();
  /** Account event listeners (events.ts); with none, nothing is built. */
  readonly eventListeners = new Set<(event: AccountEvent) => void>();
  /** The latest funding payments (bounded, events.ts FUNDING_LOG_LIMIT), oldest first. */
  readonly fundingLog: FundingPayment[] = [];
  /** Margin calls in force (events.ts checkMarginCalls): warned once until the ratio falls back. */
  readonly marginCalls = new Set<string>();
  /** Price moves and bar changes (venue.ts); with none, nothing is built. */
  readonly marketListeners = new Set<(update: PaperMarketUpdate) => void>();
  readonly bars = new Map<string, Map<number, Bar>>();
  positionMode: PositionMode;
  readonly defaultLeverage: number;
  readonly defaultMarginMode: MarginMode;
  readonly makerRate: Decimal;
  readonly takerRate: Decimal;
  readonly funding: PaperVenueOptions['funding'];
  private readonly mmrOption: PaperVenueOptions['maintenanceMarginRate'];
  private readonly clockOption: (() => number) | undefined;
  /** The last time the feed gave (setPrice, applyCandle), never moving back. */
  clock: number | undefined;
  lastFundingCheck: number | undefined;
  /** The last order sequence number (venue order ids and `paper-<n>` client ids derive from it). */
  seq = 0;
  fillSeq = 0;
  /** The last funding payment's number (its venueEntryId). */
  fundingSeq = 0;
  /**
   * Places the take-profit / stop-loss attached to an order once it has filled. Set by PaperVenue:
   * placing goes through order entry, which itself fills through matching, so matching reaches it
   * through this hook rather than an import (the modules stay acyclic).
   */
  attachProtection: (order: OrderRecord) => void = () => {};

  constructor(options: PaperVenueOptions) {
    this.instruments = (options.instruments ?? PAPER_DEFAULT_INSTRUMENTS).map((i) => ({ ...i }));
    for (const instrument of this.instruments) this.instrumentMap.set(instrument.venueSymbol, instrument);
    for (const [asset, amount] of Object.entries(options.balances ?? { USDT: 10_000 })) {
      this.wallets.set(asset, parseAmount(amount, 'balance'));
    }
    this.positionMode = options.positionMode ?? 'one_way';
    this.defaultLeverage = options.defaultLeverage ?? 20;
    this.defaultMarginMode = options.defaultMarginMode ?? 'cross';
    this.makerRate = parseAmount(options.makerFeeRate ?? '0.0002', 'makerFeeRate');
    this.takerRate = parseAmount(options.takerFeeRate ?? '0.0004', 'takerFeeRate');
    this.mmrOption = options.maintenanceMarginRate;
    this.clockOption = options.now;
    this.funding = options.funding;
    if (options.onFill !== undefined) this.listeners.add(options.onFill);
    for (const [symbol, price] of Object.entries(options.prices ?? {})) {
      this.instrument(symbol);
      this.marks.set(symbol, parsePositivePrice(price));
    }
  }

  /** The venue clock (ms): the injected clock, else the feed's last time, else the wall clock. */
  now(): number {
    return this.clockOption?.() ?? this.clock ?? Date.now();
  }

  /** The instrument of a symbol (case-insensitive); UNKNOWN_SYMBOL with near matches otherwise. */
  instrument(venueSymbol: string): Instrument {
    const found =
      this.instrumentMap.get(venueSymbol) ?? this.instrumentMap.get(String(venueSymbol).toUpperCase());
    if (found !== undefined) return found;
    const suggestions = nearMatches(String(venueSymbol).toUpperCase(), [...this.instrumentMap.keys()]);
    throw fail(
      'UNKNOWN_SYMBOL',
      'unknown_symbol',
      `Unknown symbol "${venueSymbol}" on the paper venue` +
        (suggestions.length > 0 ? `; did you mean ${suggestions.join(', ')}?` : ''),
      { venueSymbol, suggestions },
    );
  }

  positionKey(symbol: string, side: PositionSide): string {
    return `${symbol}|${side}`;
  }

  /** The position an order on `positionSide` books into: its leg in hedge mode, net otherwise. */
  legOf(positionSide: PositionSide): PositionSide {
    return this.positionMode === 'hedge' ? positionSide : 'net';
  }

  position(symbol: string, side: PositionSide): PositionRecord | undefined {
    return this.positions.get(this.positionKey(symbol, side));
  }

  /** Signed quantity held on a leg (0 when flat). */
  heldQty(symbol: string, side: PositionSide): Decimal {
    return this.position(symbol, side)?.qty ?? ZERO;
  }

  symbolPositions(symbol: string): PositionRecord[] {
    return [...this.positions.values()].filter((p) => p.venueSymbol === symbol && !p.qty.isZero());
  }

  leverageOf(symbol: string): number {
    return this.leverages.get(symbol) ?? Math.min(this.defaultLeverage, this.instrument(symbol).maxLeverage);
  }

  marginModeOf(symbol: string): MarginMode {
    return this.marginModes.get(symbol) ?? this.defaultMarginMode;
  }

  wallet(asset: string): Decimal {
    return this.wallets.get(asset) ?? ZERO;
  }

  /** Maintenance margin rate of an instrument. */
  mmr(instrument: Instrument): Decimal {
    const option = this.mmrOption;
    const value = option === undefined ? '0.005' : typeof option === 'function' ? option(instrument) : option;
    return parseAmount(value, 'maintenanceMarginRate');
  }
}
