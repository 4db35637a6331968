import { fmt } from '../../decimal.ts';
import type { Order } from '../../types.ts';
import type { OrderRecord } from './types.ts';

// An order record as the interface's `Order` (its own module so the event emitters can use it
// without importing order booking).

export function toOrder(record: OrderRecord): Order {
  const order: Order = {
    venueOrderId: record.venueOrderId,
    clientOrderId: record.clientOrderId,
    venueSymbol: record.venueSymbol,
    side: record.side,
    positionSide: record.positionSide,
    type: record.type,
    status: record.status,
    qty: fmt(record.qty),
    filledQty: fmt(record.filledQty),
    reduceOnly: record.reduceOnly,
    isAlgo: record.isAlgo,
    raw: {
      closePosition: record.closePosition,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      fee: fmt(record.fee),
      realizedPnl: fmt(record.realizedPnl),
      ...(record.idempotencyKey !== undefined ? { idempotencyKey: record.idempotencyKey } : {}),
      ...(record.statusReason !== undefined ? { statusReason: record.statusReason } : {}),
      ...(record.ocoGroup !== undefined ? { ocoGroup: record.ocoGroup } : {}),
      ...(record.protection.length > 0 ? { protection: [...record.protection] } : {}),
      ...(record.protectionError !== undefined ? { protectionError: record.protectionError } : {}),
    },
  };
  if (record.avgPrice !== undefined) order.avgPrice = fmt(record.avgPrice.toDecimalPlaces(12));
  if (record.price !== undefined) order.price = fmt(record.price);
  if (record.triggerPrice !== undefined) order.triggerPrice = fmt(record.triggerPrice);
  if (record.callbackRate !== undefined) order.callbackRatePct = fmt(record.callbackRate);
  if (record.activationPrice !== undefined) order.activationPrice = fmt(record.activationPrice);
  return order;
}
