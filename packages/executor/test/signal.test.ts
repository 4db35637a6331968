import { describe, expect, it } from 'vitest';
import { WebhookPayloadSchema } from '@tradingbot/core';
import { ExecutorErrors, mapAction, normalizeTimeframe, toSignal, type SignalPayload } from '../src/index.ts';

const base: SignalPayload = {
  account_id: 'acc-1',
  exchange: 'binance',
  action: 'long',
  symbol: 'BTCUSDT',
  leverage: 10,
  secret: 's3cret',
};

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return ExecutorErrors.is(error) ? error.code : `not-executor:${String(error)}`;
  }
  return undefined;
}

describe('mapAction', () => {
  it('maps the five actions (long, short, close_long, close_short, close_all) case-insensitively', () => {
    expect(mapAction('long')).toBe('LONG');
    expect(mapAction('SHORT')).toBe('SHORT');
    expect(mapAction('Close_Long')).toBe('CLOSE_LONG');
    expect(mapAction('close_short')).toBe('CLOSE_SHORT');
    expect(mapAction('CLOSE_ALL')).toBe('CLOSE_ALL');
  });

  it("maps TradingView's buy/sell with market_position", () => {
    expect(mapAction('buy', 'long')).toBe('LONG');
    expect(mapAction('sell', 'short')).toBe('SHORT');
    expect(mapAction('sell', 'flat')).toBe('CLOSE_LONG');
    expect(mapAction('buy', 'flat')).toBe('CLOSE_SHORT');
    expect(mapAction('BUY', 'Long')).toBe('LONG');
  });

  it('refuses buy/sell without market_position, partial closes and unknown actions', () => {
    expect(code(() => mapAction('buy'))).toBe('INVALID_SIGNAL');
    expect(code(() => mapAction('sell', ''))).toBe('INVALID_SIGNAL');
    expect(code(() => mapAction('buy', 'short'))).toBe('UNSUPPORTED_ACTION');
    expect(code(() => mapAction('sell', 'long'))).toBe('UNSUPPORTED_ACTION');
    expect(code(() => mapAction('buy', 'sideways'))).toBe('INVALID_SIGNAL');
    expect(code(() => mapAction('hodl'))).toBe('UNSUPPORTED_ACTION');
  });
});

describe('normalizeTimeframe', () => {
  it("accepts TradingView's {{interval}} and our spelling", () => {
    expect(normalizeTimeframe('1')).toBe('1m');
    expect(normalizeTimeframe(15)).toBe('15m');
    expect(normalizeTimeframe('60')).toBe('1h');
    expect(normalizeTimeframe('240')).toBe('4h');
    expect(normalizeTimeframe('D')).toBe('1d');
    expect(normalizeTimeframe('1D')).toBe('1d');
    expect(normalizeTimeframe('W')).toBe('1w');
    expect(normalizeTimeframe('1M')).toBe('1M');
    expect(normalizeTimeframe('4H')).toBe('4h');
    expect(normalizeTimeframe('5m')).toBe('5m');
    expect(code(() => normalizeTimeframe('fortnight'))).toBe('INVALID_SIGNAL');
    expect(code(() => normalizeTimeframe('30S'))).toBe('INVALID_SIGNAL');
  });
});

describe('toSignal', () => {
  it('normalises a minimal payload (account, exchange, action, symbol, leverage, secret)', () => {
    const s = toSignal(base, { receivedAt: 1_700_000_000_000 });
    expect(s).toMatchObject({
      accountId: 'acc-1',
      exchange: 'binance',
      action: 'LONG',
      symbol: 'BTCUSDT',
      leverage: 10,
      orderType: 'market',
      protection: {},
      idempotencyKeySource: 'content',
      receivedAt: 1_700_000_000_000,
    });
    expect(s.sizing).toBeUndefined();
  });

  it('carries sizing, order type, SL/TP, timeframe, margin mode and max_lag', () => {
    const s = toSignal(
      {
        ...base,
        action: 'SHORT',
        size_usdt: '25.5',
        order_type: 'limit',
        price: '65000.05',
        sl_atr: 1.5,
        tp_pct: '3',
        timeframe: '240',
        margin_mode: 'ISOLATED',
        timestamp: '2026-11-23T22:00:00Z',
        max_lag: 30,
      },
      { receivedAt: Date.parse('2026-11-23T22:00:02Z') },
    );
    expect(s).toMatchObject({
      action: 'SHORT',
      sizing: { kind: 'usdt', margin: '25.5' },
      orderType: 'limit',
      price: '65000.05',
      protection: { slAtr: 1.5, tpPct: 3 },
      timeframe: '4h',
      marginMode: 'isolated',
      signalTime: Date.parse('2026-11-23T22:00:00Z'),
      maxLagSeconds: 30,
    });
    expect(toSignal({ ...base, size_pct: 25 }).sizing).toEqual({ kind: 'pct', pct: '25' });
    expect(toSignal({ ...base, qty: '0.005' }).sizing).toEqual({ kind: 'qty', qty: '0.005' });
  });

  it('refuses contradictory or invalid fields', () => {
    expect(code(() => toSignal({ ...base, size_pct: 10, qty: 1 }))).toBe('INVALID_SIGNAL');
    expect(code(() => toSignal({ ...base, size_pct: 150 }))).toBe('INVALID_SIGNAL');
    expect(code(() => toSignal({ ...base, leverage: 2.5 }))).toBe('INVALID_SIGNAL');
    expect(code(() => toSignal({ ...base, leverage: 0 }))).toBe('INVALID_SIGNAL');
    expect(code(() => toSignal({ ...base, order_type: 'limit' }))).toBe('INVALID_SIGNAL');
    expect(code(() => toSignal({ ...base, order_type: 'stop' }))).toBe('INVALID_SIGNAL');
    expect(code(() => toSignal({ ...base, exchange: 'kraken' }))).toBe('INVALID_SIGNAL');
    expect(code(() => toSignal({ ...base, margin_mode: 'portfolio' }))).toBe('INVALID_SIGNAL');
    expect(code(() => toSignal({ ...base, qty: '-1' }))).toBe('INVALID_SIGNAL');
  });

  it("normalises the symbol to the venue's id", () => {
    expect(toSignal({ ...base, symbol: 'BINANCE:BTCUSDT.P' }).symbol).toBe('BTCUSDT');
    expect(toSignal({ ...base, symbol: 'btcusdt' }).symbol).toBe('BTCUSDT');
    expect(toSignal({ ...base, exchange: 'okx', symbol: 'OKX:BTCUSDT.P' }).symbol).toBe('BTC-USDT-SWAP');
    expect(toSignal({ ...base, exchange: 'OKX', symbol: 'BTC-USDT-SWAP' }).symbol).toBe('BTC-USDT-SWAP');
    expect(toSignal({ ...base, symbol: 'BINANCE:BTCUSDT.P' }).sourceSymbol).toBe('BINANCE:BTCUSDT.P');
  });

  it('maps buy/sell + market_position', () => {
    expect(toSignal({ ...base, action: 'buy', market_position: 'long' }).action).toBe('LONG');
    expect(toSignal({ ...base, action: 'sell', market_position: 'short' }).action).toBe('SHORT');
    expect(toSignal({ ...base, action: 'sell', market_position: 'flat' }).action).toBe('CLOSE_LONG');
    expect(toSignal({ ...base, action: 'buy', market_position: 'flat' }).action).toBe('CLOSE_SHORT');
  });
});

describe('idempotency key', () => {
  const t0 = Date.parse('2026-11-23T22:00:10Z');

  it('uses an explicit id, scoped to the account', () => {
    const a = toSignal({ ...base, id: 'BTCUSDT-1700000000' }, { receivedAt: t0 });
    const b = toSignal({ ...base, id: 'BTCUSDT-1700000000', leverage: 5 }, { receivedAt: t0 + 3_600_000 });
    const other = toSignal({ ...base, account_id: 'acc-2', id: 'BTCUSDT-1700000000' }, { receivedAt: t0 });
    expect(a.idempotencyKey).toBe('acct:acc-1:id:BTCUSDT-1700000000');
    expect(a.idempotencyKeySource).toBe('id');
    expect(b.idempotencyKey).toBe(a.idempotencyKey);
    expect(other.idempotencyKey).not.toBe(a.idempotencyKey);
    expect(a.alternateKeys).toEqual([]);
  });

  it('hashes the content without secret/timestamp, within a 60 s bucket', () => {
    const a = toSignal(base, { receivedAt: t0 });
    // Same alert re-delivered 15 s later, secret rotated, keys in another order: same key.
    const again = toSignal(
      {
        secret: 'other',
        symbol: 'BTCUSDT',
        leverage: 10,
        action: 'long',
        exchange: 'binance',
        account_id: 'acc-1',
      },
      { receivedAt: t0 + 15_000 },
    );
    expect(again.idempotencyKey).toBe(a.idempotencyKey);
    expect(a.idempotencyKey).toMatch(/^acct:acc-1:h:[0-9a-f]{32}:1795471200000$/);
    // Different content → different key; next bucket → different key whose alternate is the first.
    expect(toSignal({ ...base, action: 'short' }, { receivedAt: t0 }).idempotencyKey).not.toBe(
      a.idempotencyKey,
    );
    const later = toSignal(base, { receivedAt: t0 + 60_000 });
    expect(later.idempotencyKey).not.toBe(a.idempotencyKey);
    expect(later.alternateKeys).toEqual([a.idempotencyKey]);
  });

  it("takes the bucket from the payload's timestamp when present (identical in every re-delivery)", () => {
    const payload = { ...base, timestamp: '2026-11-23T22:00:59Z' };
    const first = toSignal(payload, { receivedAt: Date.parse('2026-11-23T22:00:59.500Z') });
    const retried = toSignal(payload, { receivedAt: Date.parse('2026-11-23T22:01:16Z') });
    expect(retried.idempotencyKey).toBe(first.idempotencyKey);
    // A new trigger of the same alert (new timestamp) is a new signal.
    const next = toSignal({ ...base, timestamp: '2026-11-23T23:00:00Z' }, { receivedAt: t0 });
    expect(next.idempotencyKey).not.toBe(first.idempotencyKey);
  });
});

describe('with the shared WebhookPayloadSchema', () => {
  it('maps a validated TradingView body', () => {
    const payload = WebhookPayloadSchema.parse({
      account_id: 42,
      exchange: 'OKX',
      action: 'SELL',
      market_position: 'Short',
      symbol: 'OKX:ETHUSDT.P',
      leverage: '3',
      secret: 'a-very-long-webhook-secret',
      id: 'ETHUSDT-1795471200',
      size_pct: '25',
      sl_atr: '1.5',
      timeframe: '240',
      extra_field_from_user: 'dropped',
    });
    const s = toSignal(payload, { receivedAt: 1 });
    expect(s).toMatchObject({
      accountId: '42',
      exchange: 'okx',
      action: 'SHORT',
      symbol: 'ETH-USDT-SWAP',
      leverage: 3,
      sizing: { kind: 'pct', pct: '25' },
      protection: { slAtr: 1.5 },
      timeframe: '4h',
      idempotencyKey: 'acct:42:id:ETHUSDT-1795471200',
    });
  });
});
