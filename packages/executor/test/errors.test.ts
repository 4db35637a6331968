import { describe, expect, it } from 'vitest';
import { ExchangeErrors } from '@tradingbot/exchange';
import { ERROR_HINTS, ExecutorErrors, describeError, failureMessage } from '../src/index.ts';

describe('executor error table', () => {
  it('says just "Insufficient balance" for INSUFFICIENT_BALANCE, like the exchange table', () => {
    expect(ExecutorErrors.table.INSUFFICIENT_BALANCE.message).toBe('Insufficient balance');
    expect(ExchangeErrors.table.INSUFFICIENT_BALANCE.message).toBe('Insufficient balance');
  });

  it('has a status and a message for every code, and a hint for every refusal a user can fix', () => {
    for (const [code, spec] of Object.entries(ExecutorErrors.table)) {
      expect(spec.message.length, code).toBeGreaterThan(0);
      expect(spec.status, code).toBeGreaterThanOrEqual(200);
    }
    for (const code of [
      'INSUFFICIENT_BALANCE',
      'ORDER_TOO_SMALL',
      'PROTECTION_FAILED',
      'STALE_SIGNAL',
      'INVALID_SIGNAL',
    ]) {
      expect(ERROR_HINTS[code], code).toBeDefined();
    }
  });

  it('passes exchange errors through with their codes, venue details and a hint', () => {
    const venue = ExchangeErrors.create('INSUFFICIENT_BALANCE', {
      message: 'Insufficient balance (Binance -2019: Margin is insufficient.)',
      details: { venue: 'binance', venueCode: -2019 },
    });
    const d = describeError(venue);
    expect(d).toMatchObject({ code: 'INSUFFICIENT_BALANCE', status: 422, details: { venueCode: -2019 } });
    expect(d.hint).toBe('Deposit USDT into the futures wallet, or lower the size or the leverage');
    expect(failureMessage('LONG', 'binance', d)).toBe(
      'LONG order failed on binance: Insufficient balance (Binance -2019: Margin is insufficient.)',
    );
    expect(describeError(new TypeError('bug'))).toMatchObject({ code: 'EXECUTION_FAILED', status: 500 });
  });
});
