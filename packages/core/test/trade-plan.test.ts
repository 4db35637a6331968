import { describe, expect, it } from 'vitest';
import { DEFAULT_TRADE_PLAN, trailingAlertFields } from '../src/trade-plan.ts';
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
});
