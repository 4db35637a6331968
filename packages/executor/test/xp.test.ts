import { describe, expect, it } from 'vitest';
import { levelForXp, xpForLevel, xpForTrade, type ExecutionResult } from '../src/index.ts';

function result(
  success: boolean,
  results: ExecutionResult['order_details']['results'],
  code?: string,
): ExecutionResult {
  return {
    success,
    message: '',
    idempotency_key: 'k',
    ...(code !== undefined ? { code } : {}),
    order_details: { exchange: 'binance', action: 'LONG', symbol: 'BTCUSDT', results },
  };
}

const order = {
  order_id: '1',
  client_order_id: 'c',
  side: 'buy',
  position_side: 'net',
  type: 'market',
  status: 'filled',
  qty: '0.01',
  filled_qty: '0.01',
};
const protection = {
  ...order,
  basis: { kind: 'pct' as const, pct: 2, source: 'alert' as const },
  reference_price: '100',
  attempts: 1,
};

describe('xpForTrade', () => {
  it('pays for executed trades only', () => {
    expect(xpForTrade(result(true, { entry: order }))).toBe(10);
    expect(xpForTrade(result(true, { entry: order, stop_loss: protection }))).toBe(15);
    expect(xpForTrade(result(true, { entry: order, stop_loss: protection, take_profit: protection }))).toBe(
      20,
    );
    expect(xpForTrade(result(true, { closed: [order] }))).toBe(5);
    expect(xpForTrade(result(false, { entry: order }))).toBe(0);
    expect(xpForTrade(result(true, {}, 'NO_POSITION_TO_CLOSE'))).toBe(0);
    expect(xpForTrade(result(true, {}, 'ALREADY_IN_POSITION'))).toBe(0);
    // A re-execution that found the orders already placed earns nothing twice.
    expect(xpForTrade(result(true, { entry: { ...order, reused: true } }))).toBe(0);
  });
});

describe('level curve: level n needs 100·n·(n−1)/2 XP', () => {
  it('has the documented thresholds', () => {
    expect([1, 2, 3, 4, 5, 10].map(xpForLevel)).toEqual([0, 100, 300, 600, 1000, 4500]);
  });

  it('maps XP to levels at and around each threshold', () => {
    expect(levelForXp(0)).toBe(1);
    expect(levelForXp(99)).toBe(1);
    expect(levelForXp(100)).toBe(2);
    expect(levelForXp(299)).toBe(2);
    expect(levelForXp(300)).toBe(3);
    expect(levelForXp(599)).toBe(3);
    expect(levelForXp(600)).toBe(4);
    expect(levelForXp(4499)).toBe(9);
    expect(levelForXp(4500)).toBe(10);
    expect(levelForXp(-5)).toBe(1);
    for (let n = 1; n <= 300; n++) {
      expect(levelForXp(xpForLevel(n))).toBe(n);
      expect(levelForXp(xpForLevel(n + 1) - 1)).toBe(n);
    }
  });
});
