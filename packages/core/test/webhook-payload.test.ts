import { describe, expect, it } from 'vitest';
import { WebhookPayloadSchema } from '../src/webhook-payload.ts';

const base = {
  account_id: 'acc_1',
  exchange: 'binance',
  action: 'long',
  symbol: 'BTCUSDT',
  leverage: 10,
  secret: 'x'.repeat(32),
};

const issues = (payload: unknown) =>
  WebhookPayloadSchema.safeParse(payload).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

describe('WebhookPayloadSchema', () => {
  it('accepts the original six-field payload unchanged', () => {
    expect(WebhookPayloadSchema.parse(base)).toEqual(base);
  });

  it('accepts and drops unknown fields, lower-cases enums, turns numeric strings into numbers', () => {
    const parsed = WebhookPayloadSchema.parse({
      ...base,
      exchange: 'OKX',
      action: 'Close_Long',
      leverage: '5',
      size_pct: ' 12.5 ',
      note: 'added by the user',
      account_id: 42,
      symbol: 'BINANCE:BTCUSDT.P',
      timeframe: 60,
    });
    expect(parsed).toMatchObject({
      exchange: 'okx',
      action: 'close_long',
      leverage: 5,
      size_pct: 12.5,
      account_id: '42',
      timeframe: '60',
    });
    expect(parsed).not.toHaveProperty('note');
  });

  it('accepts every optional field of the Pine export', () => {
    const full = {
      ...base,
      id: 'BINANCE:BTCUSDT.P-1717200000000-long',
      timestamp: 1717203600000,
      max_lag: 60,
      size_pct: 10,
      order_type: 'limit',
      price: 65000.5,
      sl_atr: 2,
      tp_atr: 3,
      timeframe: '1D',
      margin_mode: 'isolated',
    };
    expect(WebhookPayloadSchema.parse(full)).toEqual(full);
    expect(WebhookPayloadSchema.parse({ ...base, timestamp: '2024-06-01T00:00:00Z' }).timestamp).toBe(
      '2024-06-01T00:00:00Z',
    );
  });

  it('refuses what it cannot act on, naming the field', () => {
    expect(issues({ ...base, secret: 'short' })[0]).toMatch(/^secret:/);
    expect(issues({ ...base, secret: 'x'.repeat(129) })[0]).toMatch(/^secret:/);
    expect(issues({ ...base, leverage: 126 })[0]).toMatch(/^leverage:/);
    expect(issues({ ...base, leverage: 2.5 })[0]).toMatch(/^leverage:/);
    expect(issues({ ...base, leverage: undefined })[0]).toMatch(/^leverage: an entry needs leverage/);
    expect(issues({ ...base, symbol: 'BTC USDT' })[0]).toMatch(/^symbol:/);
    expect(issues({ ...base, symbol: 'BTC"USDT' })[0]).toMatch(/^symbol:/);
    expect(issues({ ...base, action: 'buy_more' })[0]).toMatch(/^action:/);
    expect(issues({ ...base, action: 'buy' })[0]).toMatch(/^market_position:/);
    expect(issues({ ...base, exchange: 'ftx' })[0]).toMatch(/^exchange:/);
    expect(issues({ ...base, size_pct: 0 })[0]).toMatch(/^size_pct:/);
    expect(issues({ ...base, size_pct: 10, qty: 1 })[0]).toMatch(/at most one/);
    expect(issues({ ...base, order_type: 'limit' })[0]).toMatch(/^price: a limit order needs price/);
    expect(issues({ ...base, sl_atr: 2, sl_pct: 1 })[0]).toMatch(/sl_atr or sl_pct/);
    expect(issues({ ...base, sl_pct: 100 })[0]).toMatch(/^sl_pct:/);
    expect(issues({ ...base, max_lag: -5 })[0]).toMatch(/^max_lag:/);
    expect(issues({ ...base, timestamp: 'yesterday' })[0]).toMatch(/^timestamp:/);
    expect(issues({ ...base, id: 'has space' })[0]).toMatch(/^id:/);
    expect(issues({ ...base, timeframe: '1 hour' })[0]).toMatch(/^timeframe:/);
    expect(issues({ ...base, account_id: '' })[0]).toMatch(/^account_id:/);
  });

  it('lets closes omit leverage', () => {
    const { leverage: _leverage, ...close } = base;
    expect(WebhookPayloadSchema.parse({ ...close, action: 'CLOSE_ALL' }).action).toBe('close_all');
  });
});

describe('trade management fields', () => {
  it('accepts a trailing stop in one unit and close_pct on a close', () => {
    expect(WebhookPayloadSchema.parse({ ...base, trail_atr: '1.5', trail_activation_atr: 1 })).toMatchObject({
      trail_atr: 1.5,
      trail_activation_atr: 1,
    });
    expect(WebhookPayloadSchema.parse({ ...base, trail_atr: 0 })).toMatchObject({ trail_atr: 0 });
    expect(WebhookPayloadSchema.parse({ ...base, action: 'close_long', close_pct: '50' })).toMatchObject({
      close_pct: 50,
    });
  });

  it('refuses mixed trailing units, an activation without its offset, close_pct on an entry or out of range', () => {
    expect(issues({ ...base, trail_atr: 1, trail_pct: 1 })).toContain(
      'trail_pct: send trail_atr or trail_pct, not both',
    );
    expect(issues({ ...base, trail_activation_pct: 1 })).toContain(
      'trail_activation_pct: trail_activation_pct needs trail_pct in the same unit',
    );
    expect(issues({ ...base, trail_atr: 1, trail_activation_pct: 1 })).toHaveLength(1);
    expect(issues({ ...base, close_pct: 50 })).toContain(
      'close_pct: close_pct goes with a close, not an entry',
    );
    expect(issues({ ...base, action: 'close_long', close_pct: 0 })).toHaveLength(1);
    expect(issues({ ...base, action: 'close_long', close_pct: 101 })).toHaveLength(1);
  });
});

describe('partial take-profits and break-even', () => {
  const entry = {
    account_id: 'a',
    exchange: 'binance',
    action: 'long',
    symbol: 'BTCUSDT',
    leverage: 1,
    secret: 's'.repeat(16),
  };
  const problem = (extra: Record<string, unknown>) => {
    const result = WebhookPayloadSchema.safeParse({ ...entry, ...extra });
    return result.success ? undefined : result.error.issues.map((i) => [i.path.join('.'), i.message]);
  };

  it('reads numbers sent as strings and break_even as 1, "true" or true', () => {
    const parsed = WebhookPayloadSchema.parse({
      ...entry,
      tp1_atr: '1.5',
      tp1_qty_pct: '50',
      break_even: 'true',
    });
    expect(parsed).toMatchObject({ tp1_atr: 1.5, tp1_qty_pct: 50, break_even: true });
    expect(
      WebhookPayloadSchema.parse({ ...entry, tp1_pct: 1, tp1_qty_pct: 50, break_even: 0 }).break_even,
    ).toBe(false);
  });

  it('names the field of each mistake', () => {
    expect(problem({ tp1_atr: 1, tp1_pct: 1, tp1_qty_pct: 50 })?.[0]?.[0]).toBe('tp1_pct');
    expect(problem({ tp1_atr: 1 })?.[0]?.[0]).toBe('tp1_qty_pct');
    expect(problem({ tp1_qty_pct: 50 })?.[0]?.[0]).toBe('tp1_atr');
    expect(problem({ tp2_atr: 1, tp2_qty_pct: 50 })?.[0]).toEqual(['tp2_atr', 'tp2 needs tp1']);
    expect(problem({ tp1_atr: 1, tp1_qty_pct: 100 })?.[0]?.[0]).toBe('tp1_qty_pct');
    expect(problem({ tp1_atr: 4, tp1_qty_pct: 50, tp_atr: 3 })?.[0]?.[0]).toBe('tp1_qty_pct');
    expect(problem({ break_even: 1 })?.[0]?.[0]).toBe('break_even');
    expect(
      problem({ tp1_atr: 1, tp1_qty_pct: 50, tp2_atr: 2, tp2_qty_pct: 25, tp_atr: 3, break_even: 1 }),
    ).toBeUndefined();
  });
});
