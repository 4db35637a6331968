import { describe, expect, it } from 'vitest';
import { PaperExchange, type Order } from '@tradingbot/exchange';
import {
  OrderExecutor,
  admitEntry,
  toSignal,
  type AccountSettings,
  type SignalPayload,
} from '../src/index.ts';
import { CANDLES, HOUR, T0, harness, signal } from './helpers.ts';

/**
 * Issue 18.4: the account's caps, enforced by the executor with one code each, before any order is
 * sent — maximum leverage, maximum position notional, maximum open positions — and the daily-loss
 * pause in admission (entries refused, closes pass). Same hand-made market as executor-paper:
 * SOLUSDT at 98, balance 1000 USDT, no fees, default leverage 5.
 */

function venue(): PaperExchange {
  const start = Date.now();
  const now = () => T0 + 5 * HOUR + 60_000 + (Date.now() - start);
  const paper = new PaperExchange({
    positionMode: 'one_way',
    balances: { USDT: '1000' },
    makerFeeRate: 0,
    takerFeeRate: 0,
    prices: { SOLUSDT: '98', BTCUSDT: '50000' },
    now,
  });
  CANDLES.forEach((c, i) => paper.applyCandle('SOLUSDT', { openTime: T0 + i * HOUR, ...c }));
  paper.setPrice('SOLUSDT', '98');
  return paper;
}

const fast = { protectionBackoffMs: 1, fillPollIntervalMs: 1, sleep: async () => {} };

async function run(settings: Partial<AccountSettings>, payload: Partial<SignalPayload> & { action: string }) {
  const paper = venue();
  const h = harness(paper, { tpAtr: 0, ...settings }, { now: () => paper.now() });
  const placed: Order[] = [];
  const executor = new OrderExecutor(fast);
  const result = await executor.executeSignal(signal(payload), h.context);
  placed.push(...(await paper.openOrders()));
  return { result, paper, h, executor, placed };
}

describe('the account caps', () => {
  it('refuses a leverage above the account maximum (MAX_LEVERAGE_EXCEEDED) and sends nothing', async () => {
    const { result, paper, h } = await run({ maxLeverage: 3 }, { action: 'long', leverage: 5 });
    expect(result).toMatchObject({ success: false, code: 'MAX_LEVERAGE_EXCEEDED' });
    expect(result.error?.status).toBe(422);
    expect(h.records).toEqual([]);
    expect(await paper.positions()).toEqual([]);
    const allowed = await run({ maxLeverage: 5 }, { action: 'long', leverage: 5 });
    expect(allowed.result.success).toBe(true);
  });

  it('refuses an entry whose notional is above the account maximum (MAX_NOTIONAL_EXCEEDED)', async () => {
    // 1000 × 10% margin × 5x / 98 = 5.10 → 5 SOL: notional 5 × 98 = 490.
    const refused = await run({ maxPositionNotional: '489.99' }, { action: 'long' });
    expect(refused.result).toMatchObject({ success: false, code: 'MAX_NOTIONAL_EXCEEDED' });
    expect(refused.result.message).toContain('490');
    expect(refused.h.records.filter((r) => r.role === 'entry')).toEqual([]);
    expect(await refused.paper.positions()).toEqual([]);
    const allowed = await run({ maxPositionNotional: '490' }, { action: 'long' });
    expect(allowed.result.success).toBe(true);
    expect(allowed.result.order_details.results.sizing?.notional).toBe('490');
  });

  it('refuses an entry on a new symbol when the open positions reach the maximum (MAX_OPEN_POSITIONS)', async () => {
    const paper = venue();
    const h = harness(paper, { tpAtr: 0, maxOpenPositions: 1 }, { now: () => paper.now() });
    const executor = new OrderExecutor(fast);
    expect((await executor.executeSignal(signal({ action: 'long' }), h.context)).success).toBe(true);
    const second = await executor.executeSignal(
      signal({ action: 'long', symbol: 'BTCUSDT', sl_pct: 2 }),
      h.context,
    );
    expect(second).toMatchObject({ success: false, code: 'MAX_OPEN_POSITIONS' });
    expect((await paper.positions()).map((p) => p.venueSymbol)).toEqual(['SOLUSDT']);
    // Reversing the one open position is not a new one: allowed.
    const reverse = await executor.executeSignal(signal({ action: 'short' }), h.context);
    expect(reverse.success).toBe(true);
    expect((await paper.positions()).map((p) => [p.venueSymbol, p.qty])).toEqual([['SOLUSDT', '-5']]);
  });

  it('sizes from the default fixed USDT margin and stops at the default percent', async () => {
    // 50 USDT × 5 / 98 = 2.55 → 2 SOL; stop 2% under 98 = 96.04.
    const { result } = await run({ defaultSizeUsdt: '50', slPct: 2 }, { action: 'long' });
    expect(result.success).toBe(true);
    expect(result.order_details.results.sizing).toMatchObject({ basis: 'usdt', qty: '2', margin: '50' });
    expect(result.order_details.results.stop_loss).toMatchObject({
      trigger_price: '96.04',
      basis: { kind: 'pct', pct: 2, source: 'account' },
    });
  });
});

describe('the daily-loss pause (admission)', () => {
  const at = Date.UTC(2026, 11, 7, 15, 0, 0);
  const until = Date.UTC(2026, 11, 8);
  const account = { id: 'acc-1', exchange: 'binance', lossPausedUntil: new Date(until) };
  const of = (action: string) =>
    toSignal({ account_id: 'acc-1', exchange: 'binance', action, symbol: 'SOLUSDT', leverage: 2 });

  it('refuses entries with DAILY_LOSS_LIMIT_REACHED (409) until the pause ends; closes pass', () => {
    for (const action of ['long', 'short']) {
      expect(() => admitEntry(account, of(action).action, at)).toThrow(
        expect.objectContaining({ code: 'DAILY_LOSS_LIMIT_REACHED', status: 409 }),
      );
    }
    for (const action of ['close_long', 'close_short', 'close_all']) {
      expect(() => admitEntry(account, of(action).action, at)).not.toThrow();
    }
    expect(() => admitEntry(account, 'LONG', until)).not.toThrow();
    expect(() => admitEntry({ ...account, lossPausedUntil: null }, 'LONG', at)).not.toThrow();
  });
});
