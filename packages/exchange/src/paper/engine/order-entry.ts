import Decimal from 'decimal.js';
import { clientOrderId } from '../../client-order-id.ts';
import { D, fmt } from '../../decimal.ts';
import { checkMinNotional, prepareOrderPrice, prepareOrderQty } from '../../instrument.ts';
import { checkCallbackRate } from '../../trailing.ts';
import type { Instrument, Order, OrderSide, PositionSide } from '../../types.ts';
import { setMarginMode } from './account.ts';
import { availableMargin, initialMargin, openingQty, takerFee } from './margin.ts';
import { conditionalWhen, executeOrder, holds, trackTrailing } from './matching.ts';
import { emitOrder } from './events.ts';
import { bookOrder, nextGeneratedClientId, toOrder } from './orders.ts';
import { fail } from './rejections.ts';
import { isOpen, ZERO, type VenueState } from './state.ts';
import type { OrderRecord, PaperOrderRequest } from './types.ts';

// Order entry: every check a venue makes before it accepts an order, then booking and (for market
// and marketable limit orders) the immediate fill; and the TP/SL an order places once filled. The
// rules are in docs/paper-venue.md ("Orders").

const BINANCE_CLIENT_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;
const ORDER_TYPES: ReadonlySet<string> = new Set([
  'market',
  'limit',
  'stop_market',
  'take_profit_market',
  'trailing_stop_market',
]);

/** An order request that passed the checks so far, in the venue's terms. */
type Draft = {
  instrument: Instrument;
  symbol: string;
  side: OrderSide;
  positionSide: PositionSide;
  cid: string;
  isConditional: boolean;
  closePosition: boolean;
  reduceOnly: boolean;
  /** Hedge mode: a buy on the short leg or a sell on the long leg. */
  closesLeg: boolean;
  qty: Decimal;
  price: Decimal | undefined;
  triggerPrice: Decimal | undefined;
  /** Trailing stops: callback (percent) and activation price. */
  callbackRate: Decimal | undefined;
  activationPrice: Decimal | undefined;
  attachedStopLoss: string | undefined;
  attachedTakeProfit: string | undefined;
  /** The symbol's price now (undefined before the first one). */
  mark: Decimal | undefined;
};

/** Places an order as a venue would; see PaperOrderRequest and docs/paper-venue.md for the rules. */
export function submitOrder(state: VenueState, request: PaperOrderRequest): Order {
  const draft = draftOrder(state, request);
  checkReduction(state, request, draft);
  checkPrices(request, draft);
  const marketable = isMarketable(request, draft);
  const reservedMargin = reserveMargin(state, request, draft, marketable);

  // The first change of state: everything above only checked.
  if (request.marginMode !== undefined) setMarginMode(state, draft.symbol, request.marginMode);
  const record = bookOrder(state, {
    clientOrderId: draft.cid,
    idempotencyKey: request.idempotencyKey,
    venueSymbol: draft.symbol,
    side: draft.side,
    positionSide: draft.positionSide,
    type: request.type,
    qty: draft.qty,
    price: draft.price,
    triggerPrice: draft.triggerPrice,
    reduceOnly: draft.reduceOnly,
    closePosition: draft.closePosition,
    isAlgo: draft.isConditional,
    ocoGroup: request.ocoGroup,
    callbackRate: draft.callbackRate,
    activationPrice: draft.activationPrice,
    reservedMargin,
    statusReason: undefined,
    attachedStopLoss: draft.attachedStopLoss,
    attachedTakeProfit: draft.attachedTakeProfit,
  });
  if (draft.mark !== undefined) trackTrailing(state, draft.symbol, draft.mark);
  emitOrder(state, record);
  if (marketable) executeOrder(state, record, draft.mark as Decimal);
  return toOrder(record);
}

/** Symbol, side, type, position side and client id, then the amounts on the instrument's grid. */
function draftOrder(state: VenueState, request: PaperOrderRequest): Draft {
  const instrument = state.instrument(request.venueSymbol);
  const symbol = instrument.venueSymbol;
  if (request.side !== 'buy' && request.side !== 'sell') {
    throw fail(
      'INVALID_REQUEST',
      'invalid_side',
      `Order side must be buy or sell, not "${String(request.side)}"`,
    );
  }
  if (!ORDER_TYPES.has(request.type)) {
    throw fail('INVALID_REQUEST', 'invalid_order_type', `Unsupported order type "${String(request.type)}"`);
  }
  const positionSide = resolvePositionSide(state, request.positionSide, symbol);
  const cid = request.clientOrderId ?? nextGeneratedClientId(state);
  checkClientId(state, cid);
  const isConditional =
    request.type === 'stop_market' ||
    request.type === 'take_profit_market' ||
    request.type === 'trailing_stop_market';
  const closePosition = request.closePosition === true;
  const opensLeg = state.positionMode === 'hedge' && (request.side === 'buy') === (positionSide === 'long');
  return {
    instrument,
    symbol,
    side: request.side,
    positionSide,
    cid,
    isConditional,
    closePosition,
    reduceOnly: request.reduceOnly === true || closePosition,
    closesLeg: state.positionMode === 'hedge' && !opensLeg,
    ...orderAmounts(request, instrument, isConditional),
    mark: state.marks.get(symbol),
  };
}

/** The Binance charset and length (the stricter venue), and no other OPEN order with the id. */
function checkClientId(state: VenueState, cid: string): void {
  if (!BINANCE_CLIENT_ID.test(cid)) {
    throw fail('INVALID_REQUEST', 'invalid_client_order_id', `Client order id "${cid}" is not valid`, {
      clientOrderId: cid,
    });
  }
  const duplicate = state.ordersByClientId.get(cid)?.find(isOpen);
  if (duplicate !== undefined) {
    throw fail(
      'DUPLICATE_CLIENT_ORDER_ID',
      'duplicate_client_order_id',
      `An open order with client id ${cid} already exists`,
      { clientOrderId: cid, venueOrderId: duplicate.venueOrderId },
    );
  }
}

/** Quantity, limit price, trigger price and attached TP/SL, each required where the type needs it. */
function orderAmounts(
  request: PaperOrderRequest,
  instrument: Instrument,
  isConditional: boolean,
): Pick<
  Draft,
  | 'qty'
  | 'price'
  | 'triggerPrice'
  | 'callbackRate'
  | 'activationPrice'
  | 'attachedStopLoss'
  | 'attachedTakeProfit'
> {
  const symbol = instrument.venueSymbol;
  const qty = orderQty(request, instrument, isConditional);
  let price: Decimal | undefined;
  if (request.type === 'limit') {
    if (request.price === undefined) {
      throw fail('INVALID_PRICE', 'missing_price', 'A limit order needs a price', { venueSymbol: symbol });
    }
    price = new D(prepareOrderPrice(instrument, request.price));
  }
  let triggerPrice: Decimal | undefined;
  const trailing = request.type === 'trailing_stop_market' ? trailingAmounts(request, instrument) : undefined;
  if (isConditional && trailing === undefined) {
    if (request.triggerPrice === undefined) {
      throw fail(
        'INVALID_PRICE',
        'missing_trigger_price',
        'A stop or take-profit order needs a trigger price',
        {
          venueSymbol: symbol,
        },
      );
    }
    triggerPrice = new D(prepareOrderPrice(instrument, request.triggerPrice));
  }
  const attached = (value: PaperOrderRequest['attachedStopLoss']): string | undefined =>
    value === undefined ? undefined : prepareOrderPrice(instrument, value);
  return {
    qty,
    price,
    triggerPrice,
    callbackRate: trailing?.callbackRate,
    activationPrice: trailing?.activationPrice,
    attachedStopLoss: attached(request.attachedStopLoss),
    attachedTakeProfit: attached(request.attachedTakeProfit),
  };
}

/** A trailing stop's callback (paper = Binance's range and grid) and activation price (on the tick grid). */
function trailingAmounts(
  request: PaperOrderRequest,
  instrument: Instrument,
): { callbackRate: Decimal; activationPrice: Decimal | undefined } {
  if (request.callbackRatePct === undefined) {
    throw fail('INVALID_REQUEST', 'missing_callback_rate', 'A trailing stop needs a callback rate', {
      venueSymbol: instrument.venueSymbol,
    });
  }
  let callbackRate: string;
  try {
    callbackRate = checkCallbackRate('paper', String(request.callbackRatePct));
  } catch (error) {
    throw fail('INVALID_REQUEST', 'invalid_callback_rate', (error as Error).message, {
      venueSymbol: instrument.venueSymbol,
      callbackRatePct: String(request.callbackRatePct),
    });
  }
  return {
    callbackRate: new D(callbackRate),
    activationPrice:
      request.activationPrice === undefined
        ? undefined
        : new D(prepareOrderPrice(instrument, request.activationPrice)),
  };
}

/** The quantity on the step grid; 0 for a close-position conditional (it takes the leg when triggered). */
function orderQty(request: PaperOrderRequest, instrument: Instrument, isConditional: boolean): Decimal {
  if (request.closePosition === true) {
    if (!isConditional || request.type === 'trailing_stop_market') {
      throw fail(
        'INVALID_REQUEST',
        'close_position_type',
        'closePosition is only valid on stop / take-profit orders',
      );
    }
    if (request.qty !== undefined) {
      throw fail(
        'INVALID_REQUEST',
        'close_position_with_qty',
        'closePosition cannot be combined with a quantity',
      );
    }
    return ZERO;
  }
  if (request.qty === undefined) {
    throw fail('INVALID_QUANTITY', 'missing_qty', 'The order needs a quantity', {
      venueSymbol: instrument.venueSymbol,
    });
  }
  return new D(prepareOrderQty(instrument, request.qty, { market: request.type !== 'limit' }));
}

/** Reduce-only / closing orders must have a position to reduce; a market order needs a price. */
function checkReduction(state: VenueState, request: PaperOrderRequest, draft: Draft): void {
  const { symbol, side, positionSide, closePosition } = draft;
  if (state.positionMode === 'hedge' && draft.reduceOnly && !draft.closesLeg) {
    throw fail(
      'REDUCE_ONLY_REJECTED',
      closePosition ? 'close_position_wrong_side' : 'reduce_only_would_increase',
      `A ${side} order on the ${positionSide} side opens that position; it cannot be reduce-only or close-position`,
      { venueSymbol: symbol, side, positionSide },
    );
  }
  if (draft.isConditional) return;
  if (draft.mark === undefined && request.type === 'market') {
    throw fail(
      'EXCHANGE_UNAVAILABLE',
      'no_price',
      `No price yet for ${symbol}; the paper venue needs a price feed`,
      {
        venueSymbol: symbol,
      },
    );
  }
  if (draft.reduceOnly || draft.closesLeg) assertReducible(state, symbol, positionSide, side);
}

/** Minimum notional of an opening order, and no conditional that would trigger at once (Binance -2021). */
function checkPrices(request: PaperOrderRequest, draft: Draft): void {
  const { instrument, symbol, mark, triggerPrice } = draft;
  if (!draft.reduceOnly && !draft.closesLeg) {
    const reference = draft.price ?? triggerPrice ?? mark;
    if (reference !== undefined) checkMinNotional(instrument, draft.qty, reference);
  }
  if (request.type === 'trailing_stop_market') {
    checkActivation(draft);
    return;
  }
  if (!draft.isConditional || mark === undefined || triggerPrice === undefined) return;
  if (holds(conditionalWhen(request.type, draft.side), triggerPrice, mark)) {
    throw fail(
      'ORDER_REJECTED',
      'would_immediately_trigger',
      `The ${request.type === 'stop_market' ? 'stop' : 'take-profit'} trigger ${fmt(triggerPrice)} would trigger ` +
        `immediately at the current price ${fmt(mark)} of ${symbol}`,
      { venueSymbol: symbol, triggerPrice: fmt(triggerPrice), price: fmt(mark) },
    );
  }
}

/**
 * Binance's rule for a trailing stop's activation price: a sell's must lie above the current price, a
 * buy's below (-2021 "Order would immediately trigger" otherwise).
 */
function checkActivation({ activationPrice, mark, side, symbol }: Draft): void {
  if (activationPrice === undefined || mark === undefined) return;
  if (side === 'sell' ? activationPrice.gt(mark) : activationPrice.lt(mark)) return;
  throw fail(
    'ORDER_REJECTED',
    'would_immediately_trigger',
    `The trailing stop's activation price ${fmt(activationPrice)} must lie ${side === 'sell' ? 'above' : 'below'} ` +
      `the current price ${fmt(mark)} of ${symbol}`,
    { venueSymbol: symbol, activationPrice: fmt(activationPrice), price: fmt(mark) },
  );
}

/** A market order, or a limit order that crosses the current price (it fills at once, as taker). */
function isMarketable(request: PaperOrderRequest, { price, mark, side }: Draft): boolean {
  return (
    request.type === 'market' ||
    (request.type === 'limit' &&
      price !== undefined &&
      mark !== undefined &&
      (side === 'buy' ? price.gte(mark) : price.lte(mark)))
  );
}

/**
 * The margin (plus the taker fee when it fills now) the opening part needs must be available.
 * Returns what a resting limit order reserves; nothing for the rest.
 */
function reserveMargin(
  state: VenueState,
  request: PaperOrderRequest,
  draft: Draft,
  marketable: boolean,
): Decimal {
  if (draft.isConditional || draft.reduceOnly || draft.closesLeg) return ZERO;
  const { instrument, symbol } = draft;
  const fillPrice = marketable ? (draft.mark as Decimal) : (draft.price as Decimal);
  const openQty = openingQty(state, {
    venueSymbol: symbol,
    positionSide: draft.positionSide,
    side: request.side,
    qty: draft.qty,
  });
  const margin = initialMargin(state, symbol, openQty, fillPrice);
  const fee = marketable ? takerFee(state, openQty, fillPrice) : ZERO;
  const available = availableMargin(state, instrument.quote);
  if (margin.plus(fee).gt(available)) {
    throw fail(
      'INSUFFICIENT_BALANCE',
      'insufficient_margin',
      `The order needs ${fmt(margin.plus(fee).toDecimalPlaces(8, Decimal.ROUND_UP))} ${instrument.quote} of margin ` +
        `and fees; ${fmt(available.toDecimalPlaces(8, Decimal.ROUND_DOWN))} ${instrument.quote} is available`,
      {
        venueSymbol: symbol,
        required: fmt(margin.plus(fee)),
        available: fmt(available),
        asset: instrument.quote,
      },
    );
  }
  return marketable ? ZERO : margin;
}

function resolvePositionSide(
  state: VenueState,
  requested: PositionSide | undefined,
  symbol: string,
): PositionSide {
  if (state.positionMode === 'hedge') {
    if (requested !== 'long' && requested !== 'short') {
      throw fail(
        'POSITION_SIDE_MISMATCH',
        'position_side_mismatch_hedge',
        `The account is in hedge mode: the order must say which position it is for (long or short), not ` +
          `"${requested ?? 'nothing'}"`,
        { venueSymbol: symbol, positionMode: 'hedge', positionSide: requested ?? null },
      );
    }
    return requested;
  }
  if (requested !== undefined && requested !== 'net') {
    throw fail(
      'POSITION_SIDE_MISMATCH',
      'position_side_mismatch_one_way',
      `The account is in one-way mode: positionSide "${requested}" is only valid in hedge mode (use net or omit it)`,
      { venueSymbol: symbol, positionMode: 'one_way', positionSide: requested },
    );
  }
  return 'net';
}

function assertReducible(
  state: VenueState,
  symbol: string,
  positionSide: PositionSide,
  side: OrderSide,
): void {
  const key = state.legOf(positionSide);
  const held = state.heldQty(symbol, key);
  if (held.isZero()) {
    throw fail(
      'REDUCE_ONLY_REJECTED',
      'reduce_only_no_position',
      `There is no ${key === 'net' ? '' : `${key} `}position on ${symbol} for this reduce-only order to reduce`,
      { venueSymbol: symbol, positionSide: key, side },
    );
  }
  const reduces = side === 'buy' ? held.lt(0) : held.gt(0);
  if (!reduces) {
    throw fail(
      'REDUCE_ONLY_REJECTED',
      'reduce_only_would_increase',
      `A reduce-only ${side} order would increase the ${held.gt(0) ? 'long' : 'short'} position on ${symbol}`,
      { venueSymbol: symbol, positionSide: key, side, positionQty: fmt(held) },
    );
  }
}

/**
 * Places an order's attached stop-loss and take-profit, once it has filled, as close-position
 * conditionals in one oco group. A leg the venue refuses is noted on the order, not thrown.
 */
export function attachProtection(state: VenueState, order: OrderRecord): void {
  const side: OrderSide = order.side === 'buy' ? 'sell' : 'buy';
  const group = `${order.clientOrderId.slice(0, 30)}p`;
  const legs: ['stop_market' | 'take_profit_market', string | undefined, string][] = [
    ['stop_market', order.attachedStopLoss, 'sl'],
    ['take_profit_market', order.attachedTakeProfit, 'tp'],
  ];
  for (const [type, triggerPrice, role] of legs) {
    if (triggerPrice === undefined) continue;
    const cid =
      order.idempotencyKey !== undefined
        ? clientOrderId(order.idempotencyKey, 'paper', role)
        : `${order.clientOrderId.slice(0, 33)}${role}`;
    try {
      const placed = submitOrder(state, {
        venueSymbol: order.venueSymbol,
        side,
        type,
        triggerPrice,
        positionSide: order.positionSide,
        closePosition: true,
        clientOrderId: cid,
        ...(order.idempotencyKey !== undefined ? { idempotencyKey: order.idempotencyKey } : {}),
        ocoGroup: group,
      });
      order.protection.push(placed.clientOrderId);
    } catch (error) {
      order.protectionError = error instanceof Error ? error.message : String(error);
    }
  }
}
