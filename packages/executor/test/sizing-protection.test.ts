import { describe, expect, it } from 'vitest';
import type { AppError } from '@tradingbot/core';
import type { Instrument } from '@tradingbot/exchange';
import { partialCloseQty } from '../src/partial-close.ts';
import {
  computeEntrySize,
  protectionPrice,
  resolveProtectionPlan,
  triggerAlreadyCrossed,
  type SizingInput,
} from '../src/index.ts';

// Binance-style rules, written out by hand.
const BTC: Instrument = {
  venueSymbol: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  tickSize: '0.1',
  stepSize: '0.001',
  minQty: '0.001',
  minNotional: '100',
  contractSize: '1',
  maxLeverage: 125,
};
const ETH: Instrument = {
  ...BTC,
  venueSymbol: 'ETHUSDT',
  base: 'ETH',
  tickSize: '0.01',
  minNotional: '20',
  maxLeverage: 100,
};

function balance(available: string) {
  return { asset: 'USDT', total: available, available, unrealizedPnl: '0' };
}

function refusal(input: SizingInput): AppError {
  try {
    computeEntrySize(input);
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected a refusal');
}

describe('computeEntrySize (BTCUSDT: step 0.001, min qty 0.001, min notional 100)', () => {
  const at = (available: string, sizing: SizingInput['sizing'], leverage = 10): SizingInput => ({
    instrument: BTC,
    balance: balance(available),
    leverage,
    referencePrice: '65000',
    sizing,
  });

  it('sizes 10% of available × leverage ÷ price, rounded down to the step', () => {
    // 1000 × 10% = 100 margin; × 10 = 1000 notional; 1000 / 65000 = 0.015384… → 0.015
    expect(computeEntrySize(at('1000', { kind: 'pct', pct: '10' }))).toEqual({
      basis: 'pct',
      available_balance: '1000',
      reference_price: '65000',
      leverage: 10,
      margin: '100',
      pct: '10',
      notional: '975',
      qty: '0.015',
    });
  });

  it('takes size_usdt as margin and qty as base units', () => {
    // 250 × 5 = 1250 / 65000 = 0.01923… → 0.019
    expect(computeEntrySize(at('1000', { kind: 'usdt', margin: '250' }, 5)).qty).toBe('0.019');
    // 0.0219 → 0.021; margin 0.021 × 65000 / 10 = 136.5 ≤ 1000
    expect(computeEntrySize(at('1000', { kind: 'qty', qty: '0.0219' })).qty).toBe('0.021');
  });

  it('answers "Insufficient balance" when the balance is the cause', () => {
    const zero = refusal(at('0', { kind: 'pct', pct: '10' }));
    expect([zero.code, zero.message]).toEqual(['INSUFFICIENT_BALANCE', 'Insufficient balance']);
    expect(zero.details?.['explanation']).toBe('0 USDT available on the account');
    expect(refusal(at('100', { kind: 'usdt', margin: '200' })).code).toBe('INSUFFICIENT_BALANCE');
    // 0.1 BTC × 65000 / 10 = 650 margin > 100
    expect(refusal(at('100', { kind: 'qty', qty: '0.1' })).code).toBe('INSUFFICIENT_BALANCE');
    // "100%" below the minimum: 5 × 10 = 50 USDT notional buys 0.000 BTC, and 100% could not either.
    const hundred = refusal(at('5', { kind: 'pct', pct: '100' }));
    expect(hundred.code).toBe('INSUFFICIENT_BALANCE');
    expect(String(hundred.details?.['explanation'])).toContain('even 100% of the 5 USDT available');
  });

  it('refuses a size below the minimum with ORDER_TOO_SMALL when a larger size would do', () => {
    // 50 × 10% × 10 = 50 notional → 0.000769 → 0 BTC; 100% would be 500 → 0.007 BTC (455 USDT): fine.
    const small = refusal(at('50', { kind: 'pct', pct: '10' }));
    expect(small.code).toBe('ORDER_TOO_SMALL');
    expect(refusal(at('1000', { kind: 'qty', qty: '0.0005' })).code).toBe('ORDER_TOO_SMALL');
    // ETHUSDT min notional 20: 100 × 10% × 1 = 10 USDT → 0.005 ETH at 2000 = 10 USDT < 20.
    const eth = refusal({
      instrument: ETH,
      balance: balance('100'),
      leverage: 1,
      referencePrice: '2000',
      sizing: { kind: 'pct', pct: '10' },
    });
    expect(eth.code).toBe('ORDER_TOO_SMALL');
    expect(eth.details?.['reason']).toBe('min_notional');
    expect(eth.message).toContain('below the minimum of 20 USDT');
  });
});

describe('protectionPrice (BTCUSDT tick 0.1): rounded away from the entry', () => {
  const atr = 123.456;
  it('ATR multiples, long and short', () => {
    // long SL: 65000.05 − 246.912 = 64753.138 → down → 64753.1; TP: + 370.368 = 65370.418 → up → 65370.5
    expect(
      protectionPrice(BTC, 'stop_loss', 'long', '65000.05', { kind: 'atr', multiplier: 2 }, atr)?.price,
    ).toBe('64753.1');
    expect(
      protectionPrice(BTC, 'take_profit', 'long', '65000.05', { kind: 'atr', multiplier: 3 }, atr)?.price,
    ).toBe('65370.5');
    // short SL: 65246.962 → up → 65247; TP: 64629.682 → down → 64629.6
    expect(
      protectionPrice(BTC, 'stop_loss', 'short', '65000.05', { kind: 'atr', multiplier: 2 }, atr)?.price,
    ).toBe('65247');
    expect(
      protectionPrice(BTC, 'take_profit', 'short', '65000.05', { kind: 'atr', multiplier: 3 }, atr)?.price,
    ).toBe('64629.6');
  });

  it('percentages', () => {
    expect(
      protectionPrice(BTC, 'stop_loss', 'long', '65000', { kind: 'pct', pct: 2 }, undefined)?.price,
    ).toBe('63700');
    expect(
      protectionPrice(BTC, 'stop_loss', 'short', '65000', { kind: 'pct', pct: 2 }, undefined)?.price,
    ).toBe('66300');
    expect(
      protectionPrice(BTC, 'take_profit', 'long', '65000', { kind: 'pct', pct: 1.5 }, undefined)?.price,
    ).toBe('65975');
  });

  it('refuses a stop below zero', () => {
    expect(
      protectionPrice(BTC, 'stop_loss', 'long', '100', { kind: 'atr', multiplier: 2 }, 60),
    ).toBeUndefined();
  });

  it('knows when a trigger is already crossed', () => {
    expect(triggerAlreadyCrossed('stop_loss', 'long', '64000', '63999.9')).toBe(true);
    expect(triggerAlreadyCrossed('stop_loss', 'long', '64000', '64000.1')).toBe(false);
    expect(triggerAlreadyCrossed('stop_loss', 'short', '66000', '66000')).toBe(true);
    expect(triggerAlreadyCrossed('take_profit', 'long', '66000', '66500')).toBe(true);
  });
});

describe('resolveProtectionPlan', () => {
  it('defaults to the trade plan: a 2×ATR stop and a 3×ATR take-profit (the original design sets both)', () => {
    expect(resolveProtectionPlan({}, {})).toEqual({
      stopLoss: { kind: 'atr', multiplier: 2, source: 'default' },
      takeProfit: { kind: 'atr', multiplier: 3, source: 'default' },
    });
  });
  it('payload pct > payload ATR > account > plan, and says which applied; 0 is an explicit none', () => {
    expect(resolveProtectionPlan({ slPct: 1, slAtr: 3, tpAtr: 4 }, { slAtr: 1.5, tpAtr: 3 })).toEqual({
      stopLoss: { kind: 'pct', pct: 1, source: 'alert' },
      takeProfit: { kind: 'atr', multiplier: 4, source: 'alert' },
    });
    expect(resolveProtectionPlan({}, { slAtr: 1.5, tpAtr: 2.5 })).toEqual({
      stopLoss: { kind: 'atr', multiplier: 1.5, source: 'account' },
      takeProfit: { kind: 'atr', multiplier: 2.5, source: 'account' },
    });
    // The exported script's "None" arrives as sl_atr: 0 / tp_atr: 0: no order, never the default.
    expect(resolveProtectionPlan({ slAtr: 0, tpAtr: 0 }, {})).toEqual({});
    expect(resolveProtectionPlan({ slAtr: 0 }, { slAtr: 1.5 })).toEqual({
      takeProfit: { kind: 'atr', multiplier: 3, source: 'default' },
    });
    expect(resolveProtectionPlan({}, { slAtr: 0, tpAtr: 0 })).toEqual({});
  });
});

describe('partialCloseQty (close_pct)', () => {
  const btc: Instrument = {
    venueSymbol: 'BTCUSDT',
    base: 'BTC',
    quote: 'USDT',
    tickSize: '0.1',
    stepSize: '0.001',
    minQty: '0.005',
    minNotional: '5',
    contractSize: '1',
    maxLeverage: 125,
  };
  it('rounds the part down to the step; the whole position when pct is absent or 100', () => {
    expect(partialCloseQty(btc, '0.123', 50)).toBe('0.061');
    expect(partialCloseQty(btc, '0.123', undefined)).toBeUndefined();
    expect(partialCloseQty(btc, '0.123', 100)).toBeUndefined();
  });
  it('closes everything when the rest would be below the minimum quantity, refuses a part below it', () => {
    // 0.010 × 60 % = 0.006 leaves 0.004 < 0.005: the whole position.
    expect(partialCloseQty(btc, '0.010', 60)).toBeUndefined();
    // 0.010 × 40 % = 0.004 < 0.005: refused.
    expect(() => partialCloseQty(btc, '0.010', 40)).toThrow(/below the minimum order quantity/);
  });
});
