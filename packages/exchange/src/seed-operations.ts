import { randomUUID } from 'node:crypto';
import type {
  Balance,
  ConditionalOrderRequest,
  Order,
  OrderSide,
  PlaceOrderRequest,
  Position,
  PositionSide,
} from './types.ts';

type OrderOptions = { positionSide?: PositionSide; reduceOnly?: boolean; idempotencyKey?: string };
type ProtectionOptions = { qty?: string; idempotencyKey?: string };

/**
 * The seed's operation names (its BinanceClient / OKXClient), written once over the `Exchange`
 * operations every venue client implements. Without an idempotency key a call gets a fresh one.
 */
export abstract class SeedOperations {
  abstract balance(asset?: string): Promise<Balance>;
  abstract positions(venueSymbol?: string): Promise<Position[]>;
  abstract placeOrder(request: PlaceOrderRequest): Promise<Order>;
  abstract placeConditional(request: ConditionalOrderRequest): Promise<Order>;

  getAccountBalance(asset = 'USDT'): Promise<Balance> {
    return this.balance(asset);
  }

  getPositions(venueSymbol?: string): Promise<Position[]> {
    return this.positions(venueSymbol);
  }

  createMarketOrder(
    venueSymbol: string,
    side: OrderSide,
    qty: string,
    options: OrderOptions = {},
  ): Promise<Order> {
    return this.placeOrder({ venueSymbol, side, type: 'market', qty, ...orderOptions(options) });
  }

  createLimitOrder(
    venueSymbol: string,
    side: OrderSide,
    qty: string,
    price: string,
    options: OrderOptions = {},
  ): Promise<Order> {
    return this.placeOrder({ venueSymbol, side, type: 'limit', qty, price, ...orderOptions(options) });
  }

  /** Stop-loss for the position held on `positionSide` (`long` → a sell stop). Whole position unless `qty`. */
  createStopLoss(
    venueSymbol: string,
    positionSide: 'long' | 'short',
    triggerPrice: string,
    options: ProtectionOptions = {},
  ): Promise<Order> {
    return this.protectiveLeg('stop_loss', venueSymbol, positionSide, triggerPrice, options);
  }

  /** Take-profit for the position held on `positionSide`. Whole position unless `qty`. */
  createTakeProfit(
    venueSymbol: string,
    positionSide: 'long' | 'short',
    triggerPrice: string,
    options: ProtectionOptions = {},
  ): Promise<Order> {
    return this.protectiveLeg('take_profit', venueSymbol, positionSide, triggerPrice, options);
  }

  private protectiveLeg(
    kind: ConditionalOrderRequest['kind'],
    venueSymbol: string,
    positionSide: 'long' | 'short',
    triggerPrice: string,
    options: ProtectionOptions,
  ): Promise<Order> {
    return this.placeConditional({
      venueSymbol,
      kind,
      side: positionSide === 'long' ? 'sell' : 'buy',
      positionSide,
      triggerPrice,
      ...(options.qty !== undefined ? { qty: options.qty } : {}),
      idempotencyKey: options.idempotencyKey ?? randomUUID(),
    });
  }
}

function orderOptions(options: OrderOptions) {
  return {
    ...(options.positionSide !== undefined ? { positionSide: options.positionSide } : {}),
    ...(options.reduceOnly !== undefined ? { reduceOnly: options.reduceOnly } : {}),
    idempotencyKey: options.idempotencyKey ?? randomUUID(),
  };
}
