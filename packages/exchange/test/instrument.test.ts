import { describe, expect, it } from 'vitest';
import { AppError } from '@tradingbot/core';
import {
  checkMinNotional,
  fromContracts,
  isMultipleOf,
  prepareOrderPrice,
  prepareOrderQty,
  roundPrice,
  roundQtyDown,
  sizeForNotional,
  toContracts,
  validateOrder,
} from '../src/instrument.ts';
import type { Instrument } from '../src/types.ts';

const btc: Instrument = {
  venueSymbol: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  tickSize: '0.1',
  stepSize: '0.001',
  minQty: '0.001',
  maxQty: '1000',
  minNotional: '5',
  contractSize: '1',
  maxLeverage: 125,
};
const btc100: Instrument = { ...btc, minNotional: '100' };
/** OKX BTC-USDT-SWAP with ctVal 0.01 and lotSz 1 contract: step 0.01 BTC. */
const okxBtc: Instrument = {
  venueSymbol: 'BTC-USDT-SWAP',
  base: 'BTC',
  quote: 'USDT',
  tickSize: '0.1',
  stepSize: '0.01',
  minQty: '0.01',
  minNotional: '0',
  contractSize: '0.01',
  maxLeverage: 100,
};
/** ctVal 0.01 with lotSz 0.1 contract: step 0.001 BTC. */
const okxBtcFine: Instrument = { ...okxBtc, stepSize: '0.001', minQty: '0.001' };
/** ctVal 1 (one SOL per contract), lotSz 1. */
const okxSol: Instrument = {
  venueSymbol: 'SOL-USDT-SWAP',
  base: 'SOL',
  quote: 'USDT',
  tickSize: '0.01',
  stepSize: '1',
  minQty: '1',
  minNotional: '0',
  contractSize: '1',
  maxLeverage: 50,
};

function caught(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('roundQtyDown', () => {
  it('rounds down to the step, never up', () => {
    expect(roundQtyDown(btc, '0.0019')).toBe('0.001');
    expect(roundQtyDown(btc, '1.23456')).toBe('1.234');
    expect(roundQtyDown(btc, '0.005')).toBe('0.005');
    expect(roundQtyDown(btc, '0.0009')).toBe('0');
  });
  it('does not drift on float input', () => {
    expect(roundQtyDown(btc, 0.1 + 0.2)).toBe('0.3');
    expect(roundQtyDown(btc, 0.009999999999)).toBe('0.009');
  });
  it('rounds whole-unit steps', () => {
    expect(roundQtyDown(okxSol, '7.99')).toBe('7');
  });
  it('refuses a non-number', () => {
    expect(caught(() => roundQtyDown(btc, 'abc')).code).toBe('INVALID_QUANTITY');
  });
});

describe('roundPrice', () => {
  it('nearest rounds half up', () => {
    expect(roundPrice(btc, '100.05')).toBe('100.1');
    expect(roundPrice(btc, '100.04')).toBe('100');
    expect(roundPrice(btc, '100.15', 'nearest')).toBe('100.2');
  });
  it('down and up', () => {
    expect(roundPrice(btc, '100.09', 'down')).toBe('100');
    expect(roundPrice(btc, '100.01', 'up')).toBe('100.1');
    expect(roundPrice(btc, '100.1', 'up')).toBe('100.1');
    expect(roundPrice(btc, '100.1', 'down')).toBe('100.1');
  });
  it('takes floats without drift', () => {
    expect(roundPrice(okxSol, 0.1 + 0.2, 'down')).toBe('0.3');
  });
});

describe('isMultipleOf', () => {
  it('checks quantities and prices exactly', () => {
    expect(isMultipleOf('0.003', btc.stepSize)).toBe(true);
    expect(isMultipleOf('0.0035', btc.stepSize)).toBe(false);
    expect(isMultipleOf('100.1', btc.tickSize)).toBe(true);
    expect(isMultipleOf('100.15', btc.tickSize)).toBe(false);
    expect(isMultipleOf(0.1 + 0.2, btc.tickSize)).toBe(false); // 0.30000000000000004 is off the grid
    expect(isMultipleOf('0.3', '0.1')).toBe(true);
    expect(isMultipleOf('abc', '0.1')).toBe(false);
    expect(isMultipleOf('1', '0')).toBe(false);
  });
});

describe('validateOrder', () => {
  it('refuses an order value below the minimum with a message a user understands', () => {
    const error = caught(() => validateOrder(btc, { qty: '0.042' }, '100'));
    expect(error.code).toBe('ORDER_BELOW_MIN_NOTIONAL');
    expect(error.message).toBe(
      'Order value 4.2 USDT is below the minimum of 5 USDT for BTCUSDT; increase the size or the leverage',
    );
    expect(error.details).toMatchObject({ reason: 'min_notional', notional: '4.2', minNotional: '5' });
  });

  it('uses the limit price as reference when given', () => {
    // 0.05 × 99.9 = 4.995 < 5, although 0.05 × 200 would pass
    expect(caught(() => validateOrder(btc, { qty: '0.05', price: '99.9' }, '200')).code).toBe(
      'ORDER_BELOW_MIN_NOTIONAL',
    );
    expect(validateOrder(btc, { qty: '0.05', price: '100' }, '1')).toEqual({
      qty: '0.05',
      price: '100',
      notional: '5',
    });
  });

  it('min notional 100: 0.002 × 49999.9 = 99.9998', () => {
    const error = caught(() => validateOrder(btc100, { qty: '0.002' }, '49999.9'));
    expect(error.message).toBe(
      'Order value 99.9998 USDT is below the minimum of 100 USDT for BTCUSDT; increase the size or the leverage',
    );
    expect(validateOrder(btc100, { qty: '0.002' }, '50000').notional).toBe('100');
  });

  it('exempts reduce-only orders from the minimum notional (as Binance)', () => {
    expect(validateOrder(btc, { qty: '0.042', reduceOnly: true }, '100')).toEqual({
      qty: '0.042',
      notional: '4.2',
    });
  });

  it('skips the notional check when no reference price is known', () => {
    expect(validateOrder(btc, { qty: '0.001' })).toEqual({ qty: '0.001' });
  });

  it('refuses quantities: ≤ 0, NaN, off the step grid, above maxQty, below minQty', () => {
    const reason = (qty: string | number, instrument = btc) => {
      const error = caught(() => validateOrder(instrument, { qty }, '50000'));
      return [error.code, error.details?.reason];
    };
    expect(reason('0')).toEqual(['INVALID_QUANTITY', 'qty_not_positive']);
    expect(reason('-0.01')).toEqual(['INVALID_QUANTITY', 'qty_not_positive']);
    expect(reason('abc')).toEqual(['INVALID_QUANTITY', 'qty_not_a_number']);
    expect(reason(Number.NaN)).toEqual(['INVALID_QUANTITY', 'qty_not_a_number']);
    expect(reason('0x10')).toEqual(['INVALID_QUANTITY', 'qty_not_a_number']);
    expect(reason('0.0015')).toEqual(['INVALID_QUANTITY', 'qty_precision']);
    expect(reason('1000.001')).toEqual(['INVALID_QUANTITY', 'max_qty']);
    expect(reason('0.005', { ...btc, minQty: '0.01' })).toEqual(['ORDER_BELOW_MIN_QTY', 'min_qty']);
  });

  it('explains an off-grid quantity with the rounded value', () => {
    expect(caught(() => validateOrder(btc, { qty: '0.0015' })).message).toBe(
      'Quantity 0.0015 is not a multiple of the step size 0.001 for BTCUSDT; round it down to 0.001',
    );
  });

  it('refuses prices: off the tick grid, ≤ 0, not a number', () => {
    const reason = (price: string) => {
      const error = caught(() => validateOrder(btc, { qty: '1', price }));
      return [error.code, error.details?.reason];
    };
    expect(reason('100.05')).toEqual(['INVALID_PRICE', 'price_precision']);
    expect(reason('0')).toEqual(['INVALID_PRICE', 'price_not_positive']);
    expect(reason('1e')).toEqual(['INVALID_PRICE', 'price_not_a_number']);
  });

  it('returns canonical strings', () => {
    expect(validateOrder(btc, { qty: '0.0500', price: '100.10' })).toEqual({
      qty: '0.05',
      price: '100.1',
      notional: '5.005',
    });
    expect(prepareOrderQty(btc, 0.003)).toBe('0.003');
    expect(prepareOrderPrice(btc, '1e2')).toBe('100');
  });

  it('checkMinNotional ignores an instrument without a minimum', () => {
    expect(() => checkMinNotional(okxBtc, '0.01', '1')).not.toThrow();
  });
});

describe('sizeForNotional', () => {
  it('rounds the quantity for a value down to the step', () => {
    expect(sizeForNotional(btc, '100', '30000')).toBe('0.003'); // 0.00333…
    expect(sizeForNotional(btc, '150', '50000')).toBe('0.003'); // exactly 0.003
    expect(sizeForNotional(okxSol, '5', '3')).toBe('1'); // 1.66…
    expect(sizeForNotional(btc, '0', '30000')).toBe('0');
  });
  it('refuses a non-positive price', () => {
    expect(caught(() => sizeForNotional(btc, '100', '0')).code).toBe('INVALID_PRICE');
  });
});

describe('"100 %" sizing that lands below the minimum notional', () => {
  it('explains the minimum instead of sending a doomed order', () => {
    // 90 USDT at 1× and 50000: 0.0018 → 0.001 BTC = 50 USDT < 100
    const qty = sizeForNotional(btc100, '90', '50000');
    expect(qty).toBe('0.001');
    expect(caught(() => validateOrder(btc100, { qty }, '50000')).message).toBe(
      'Order value 50 USDT is below the minimum of 100 USDT for BTCUSDT; increase the size or the leverage',
    );
    // 150 USDT: exactly 0.003 BTC = 150 USDT passes
    expect(validateOrder(btc100, { qty: sizeForNotional(btc100, '150', '50000') }, '50000').qty).toBe(
      '0.003',
    );
  });
});

describe('toContracts / fromContracts', () => {
  it('ctVal 0.01: base BTC ↔ contracts', () => {
    expect(toContracts(okxBtc, '0.05')).toBe('5');
    expect(toContracts(okxBtc, '1')).toBe('100');
    expect(fromContracts(okxBtc, '7')).toBe('0.07');
    expect(fromContracts(okxBtc, 250)).toBe('2.5');
  });
  it('ctVal 0.01 with a 0.1-contract lot: 0.005 BTC = 0.5 contracts', () => {
    expect(toContracts(okxBtcFine, '0.005')).toBe('0.5');
    expect(caught(() => toContracts(okxBtcFine, '0.0005')).details?.reason).toBe('not_whole_lots');
  });
  it('ctVal 1: the same number', () => {
    expect(toContracts(okxSol, '3')).toBe('3');
    expect(fromContracts(okxSol, '3')).toBe('3');
  });
  it('refuses a base quantity that is not a whole number of lots', () => {
    const error = caught(() => toContracts(okxBtc, '0.015'));
    expect(error.code).toBe('INVALID_QUANTITY');
    expect(error.details).toMatchObject({ reason: 'not_whole_lots', qty: '0.015', contractSize: '0.01' });
    expect(error.message).toContain('round it down to 0.01');
    expect(caught(() => toContracts(okxSol, '2.5')).code).toBe('INVALID_QUANTITY');
  });
  it('Binance instruments (contractSize 1) pass through', () => {
    expect(toContracts(btc, '0.123')).toBe('0.123');
  });
});
