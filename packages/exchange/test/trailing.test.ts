import { describe, expect, it } from 'vitest';
import { ExchangeErrors } from '../src/errors.ts';
import {
  checkCallbackRate,
  fitCallbackRate,
  supportsTrailingStop,
  TRAILING_CALLBACK_RULES,
} from '../src/trailing.ts';

describe('trailing-stop callback rules', () => {
  it("Binance's range is the algo docs' 0.1–10 % in steps of 0.1; Bybit places none", () => {
    expect(TRAILING_CALLBACK_RULES.binance).toEqual({ minPct: '0.1', maxPct: '10', stepPct: '0.1' });
    expect(supportsTrailingStop('binance')).toBe(true);
    expect(supportsTrailingStop('okx')).toBe(true);
    expect(supportsTrailingStop('paper')).toBe(true);
    expect(supportsTrailingStop('bybit')).toBe(false);
  });

  it.each([
    // requested, placed, clamped, rounded
    ['1.5', '1.5', false, false],
    ['5.2532', '5.3', false, true], // nearest 0.1, half up
    ['5.25', '5.3', false, true],
    ['5.249', '5.2', false, true],
    ['0.04', '0.1', true, true], // rounds to 0, then held at the minimum
    ['0.1', '0.1', false, false],
    ['15.76', '10', true, true],
    ['10.04', '10', false, true], // the grid alone brings it in range: not clamped
  ])('fits %s %% to %s %% on Binance', (requested, placed, clamped, rounded) => {
    expect(fitCallbackRate('binance', requested)).toMatchObject({ pct: placed, clamped, rounded });
  });

  it('refuses what is off the range or the grid, and a venue without trailing stops, before sending', () => {
    expect(checkCallbackRate('binance', '2.0')).toBe('2');
    for (const bad of ['0.05', '10.1', '1.25', '-1', 'abc', '']) {
      expect(() => checkCallbackRate('binance', bad), bad).toThrow(
        expect.objectContaining({ code: 'INVALID_REQUEST' }),
      );
    }
    let caught: unknown;
    try {
      fitCallbackRate('bybit', '1');
    } catch (error) {
      caught = error;
    }
    expect(ExchangeErrors.is(caught, 'TRAILING_STOP_UNSUPPORTED')).toBe(true);
  });
});
