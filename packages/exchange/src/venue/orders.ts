import Decimal from 'decimal.js';
import { ExchangeErrors } from '../errors.ts';
import { prepareOrderPrice } from '../instrument.ts';
import type {
  Instrument,
  OrderSide,
  PlaceOrderRequest,
  Position,
  PositionMode,
  PositionSide,
} from '../types.ts';

// Order rules every venue client applies the same way, over the exchange-neutral types.

/** True when the order trades against the named leg: selling the long or buying back the short. */
export function closesLeg(side: OrderSide, positionSide: PositionSide | undefined): boolean {
  return (positionSide === 'long' && side === 'sell') || (positionSide === 'short' && side === 'buy');
}

/** A limit order's price on the instrument's tick (undefined for a market order). */
export function limitPrice(instrument: Instrument, request: PlaceOrderRequest): string | undefined {
  if (request.type !== 'limit') return undefined;
  if (request.price === undefined) {
    throw ExchangeErrors.create('INVALID_PRICE', { message: 'A limit order needs a price' });
  }
  return prepareOrderPrice(instrument, request.price);
}

/**
 * The open position `closePosition` closes: the named leg in hedge mode; in one-way mode the net
 * position, when it lies on the named side.
 */
export function positionToClose(
  rows: Position[],
  mode: PositionMode,
  positionSide: PositionSide,
): Position | undefined {
  const wanted = mode === 'hedge' ? positionSide : 'net';
  return rows.find((p) => p.side === wanted && (mode === 'hedge' || sideMatches(positionSide, p.qty)));
}

function sideMatches(positionSide: PositionSide, qty: string): boolean {
  if (positionSide === 'long') return new Decimal(qty).isPositive();
  if (positionSide === 'short') return new Decimal(qty).isNegative();
  return true;
}

export type OrderRef = { venueOrderId?: string; clientOrderId?: string; isAlgo?: boolean };

/** Refuses a cancel that names no order (before anything is sent). */
export function requireOrderRef(ref: OrderRef): void {
  if (ref.venueOrderId === undefined && ref.clientOrderId === undefined) {
    throw ExchangeErrors.create('INVALID_REQUEST', {
      message: 'cancelOrder needs venueOrderId or clientOrderId',
    });
  }
}

/**
 * Cancels the order `ref` names, trying the order books `isAlgo` allows (regular first). The
 * first book that has it wins; a book that says "not found" is asked whether the order is
 * there already canceled (a cancel retried after a lost answer), which is success too.
 */
export async function cancelByRef(
  isAlgo: boolean | undefined,
  cancel: (kind: 'order' | 'algo') => Promise<void>,
  isCanceled: (kind: 'order' | 'algo') => Promise<boolean>,
): Promise<void> {
  const kinds: ('order' | 'algo')[] =
    isAlgo === true ? ['algo'] : isAlgo === false ? ['order'] : ['order', 'algo'];
  let lastError: unknown;
  for (const kind of kinds) {
    try {
      await cancel(kind);
      return;
    } catch (error) {
      if (!ExchangeErrors.is(error, 'ORDER_NOT_FOUND')) throw error;
      lastError = error;
      if (await isCanceled(kind)) return;
    }
  }
  throw lastError;
}

/** The order a read returns, or null when the venue says there is no such order. */
export async function nullIfNotFound<T>(read: Promise<T | null>): Promise<T | null> {
  try {
    return await read;
  } catch (error) {
    if (ExchangeErrors.is(error, 'ORDER_NOT_FOUND')) return null;
    throw error;
  }
}
