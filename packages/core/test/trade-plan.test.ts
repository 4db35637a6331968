import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TRADE_PLAN,
  partialTakeProfitAlertFields,
  partialTakeProfitProblem,
  trailingAlertFields,
} from '../src/trade-plan.ts';
import { WebhookPayloadSchema } from '../src/webhook-payload.ts';

describe('trade plan: trade management', () => {
  it('states no trailing stop and a whole-position close by default', () => {
    expect(DEFAULT_TRADE_PLAN.trailing).toEqual({ type: 'none' });
    expect(DEFAULT_TRADE_PLAN.closePct).toBe(100);
  });

  it('writes the trailing stop as alert fields the webhook accepts, none as trail_atr 0', () => {
    expect(trailingAlertFields({ type: 'none' })).toEqual({ trail_atr: 0 });
    expect(trailingAlertFields({ type: 'atr', activation: 1, offset: 2 })).toEqual({
      trail_atr: 2,
      trail_activation_atr: 1,
    });
    const pct = trailingAlertFields({ type: 'percent', activation: 0.5, offset: 1.5 });
    expect(pct).toEqual({ trail_pct: 1.5, trail_activation_pct: 0.5 });
    const alert = {
      account_id: 'a',
      exchange: 'binance',
      action: 'long',
      symbol: 'BTCUSDT',
      leverage: 1,
      secret: 's'.repeat(16),
      ...pct,
    };
    expect(WebhookPayloadSchema.parse(alert)).toMatchObject(pct);
  });

  it('writes partial take-profits and the break-even move as alert fields the webhook accepts', () => {
    const partials = [
      { distance: { type: 'atr' as const, multiplier: 1.5 }, qtyPct: 50 },
      { distance: { type: 'percent' as const, percent: 2 }, qtyPct: 25 },
    ];
    const fields = partialTakeProfitAlertFields(partials, true);
    expect(fields).toEqual({ tp1_atr: 1.5, tp1_qty_pct: 50, tp2_pct: 2, tp2_qty_pct: 25, break_even: 1 });
    expect(partialTakeProfitAlertFields([], false)).toEqual({});
    const alert = {
      account_id: 'a',
      exchange: 'binance',
      action: 'long',
      symbol: 'BTCUSDT',
      leverage: 1,
      secret: 's'.repeat(16),
      tp_atr: 3,
      ...fields,
    };
    expect(WebhookPayloadSchema.parse(alert)).toMatchObject({ ...fields, break_even: true });
  });

  it('refuses partial take-profits that are not a plan, naming why', () => {
    const atr = (multiplier: number) => ({ type: 'atr' as const, multiplier });
    const last = atr(3);
    expect(partialTakeProfitProblem([{ distance: atr(1.5), qtyPct: 50 }], last)).toBeUndefined();
    expect(
      partialTakeProfitProblem(
        [
          { distance: atr(1.5), qtyPct: 60 },
          { distance: atr(2), qtyPct: 40 },
        ],
        last,
      ),
    ).toMatchObject({ index: 1, field: 'qtyPct', message: expect.stringContaining('sum below 100') });
    expect(
      partialTakeProfitProblem(
        [
          { distance: atr(2), qtyPct: 30 },
          { distance: atr(1), qtyPct: 30 },
        ],
        last,
      ),
    ).toMatchObject({ index: 1, field: 'distance', message: expect.stringContaining('nearest first') });
    expect(partialTakeProfitProblem([{ distance: atr(3), qtyPct: 30 }], last)).toMatchObject({
      index: 0,
      field: 'distance',
    });
    expect(partialTakeProfitProblem([{ distance: atr(1), qtyPct: 100 }], last)).toMatchObject({
      index: 0,
      field: 'qtyPct',
    });
    // A different unit from the last take-profit cannot be ordered without a price: allowed.
    expect(
      partialTakeProfitProblem([{ distance: { type: 'percent', percent: 9 }, qtyPct: 30 }], last),
    ).toBeUndefined();
    const three = [1, 1.5, 2].map((m) => ({ distance: atr(m), qtyPct: 10 }));
    expect(partialTakeProfitProblem(three, last)).toMatchObject({ index: 2 });
  });
});
