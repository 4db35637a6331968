import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { fills, orders, signals, type Database } from '@tradingbot/db';
import type { PaperExchange } from '@tradingbot/exchange';
import { startBinanceSimulator, startBybitSimulator, startOkxSimulator } from '@tradingbot/exchange/sim';
import { streamingAppOnSimulator, until } from './helpers.ts';

/*
 * Partial take-profits and the break-even move end to end, through real sockets, on each venue's
 * wire simulator in one-way mode: an alert with tp1 50 % at 1 ATR, the last take-profit at 3 ATR and
 * break_even → the webhook → the executor → the venue client → the simulator; the price runs
 * through TP1 there (half the position closes), the account mirror records the fill from the
 * venue's stream, the server queues the break-even move, the stop is moved to the entry on the
 * venue; the price comes back to the entry and the rest closes at break-even.
 *
 * Hand computation: 40 hourly candles each O = C = 50,000, H 50,100, L 49,900 → every true range is
 * 200, so ATR(14) = 200 exactly. Entry 50,000 (qty 0.1): SL 2 ATR = 49,600; TP1 1 ATR = 50,200 for
 * 50 % of 0.1 = 0.05 (on the 0.001 step); last TP 3 ATR = 50,600 for the rest.
 */

const HOUR = 3_600_000;
const hourNow = Math.floor(Date.now() / HOUR) * HOUR;
const CANDLES = Array.from({ length: 40 }, (_, i) => ({
  time: hourNow - (41 - i) * HOUR,
  open: 50_000,
  high: 50_100,
  low: 49_900,
  close: 50_000,
  volume: 10,
}));

type Sim = { url: string; venue: PaperExchange; close(): Promise<void> };

const VENUES = [
  {
    name: 'binance',
    symbol: 'BTCUSDT',
    key: 'L'.repeat(32) + 'l'.repeat(32),
    secret: 'M'.repeat(32) + 'm'.repeat(32),
    alertSymbol: 'BINANCE:BTCUSDT.P',
    start: (key: string, secret: string): Promise<Sim> =>
      startBinanceSimulator({
        port: 0,
        host: '127.0.0.1',
        apiKey: key,
        apiSecret: secret,
        balance: 10_000,
        prices: { BTCUSDT: 50_000 },
        candles: { BTCUSDT: CANDLES },
      }),
  },
  {
    name: 'bybit',
    symbol: 'BTCUSDT',
    key: 'BybitLadderKey0123',
    secret: 'BybitLadderSecret0123456789abcdefghi',
    alertSymbol: 'BYBIT:BTCUSDT.P',
    start: (key: string, secret: string): Promise<Sim> =>
      startBybitSimulator({
        port: 0,
        host: '127.0.0.1',
        apiKey: key,
        apiSecret: secret,
        balance: 10_000,
        prices: { BTCUSDT: 50_000 },
        candles: { BTCUSDT: CANDLES },
      }),
  },
  {
    name: 'okx',
    symbol: 'BTC-USDT-SWAP',
    key: '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
    secret: '1F2E3D4C5B6A79808F9EADBCCBDAE9F8',
    passphrase: 'Ladder-Test-Passphrase-1',
    alertSymbol: 'OKX:BTCUSDT.P',
    start: (key: string, secret: string): Promise<Sim> =>
      startOkxSimulator({
        port: 0,
        host: '127.0.0.1',
        apiKey: key,
        apiSecret: secret,
        passphrase: 'Ladder-Test-Passphrase-1',
        balance: 10_000,
        prices: { 'BTC-USDT-SWAP': 50_000 },
        candles: { 'BTC-USDT-SWAP': CANDLES },
      }),
  },
] as const;

/** Three venues' streams on a loaded machine: a longer wait than the helper's default. */
const WAIT_MS = 8_000;

describe.each(VENUES)('a take-profit ladder with break-even on the $name simulator', (v) => {
  let sim: Sim;
  let database: Database;
  let app: FastifyInstance;
  let account: { id: string; webhook_secret: string };

  const price = async (value: string) => {
    const response = await fetch(`${sim.url}/__sim/price`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ symbol: v.symbol, price: value }),
    });
    if (!response.ok) throw new Error(`price: ${response.status} ${await response.text()}`);
  };
  const resting = async () =>
    (await sim.venue.openOrders(v.symbol))
      .filter((o) => o.type === 'stop_market' || o.type === 'take_profit_market')
      // A close-position order (Binance closePosition) reports no quantity: it closes whatever is held.
      .map((o) => ({ type: o.type, trigger: o.triggerPrice, qty: o.qty === '0' ? 'all' : o.qty }))
      .sort((a, b) => Number(a.trigger) - Number(b.trigger));

  beforeAll(async () => {
    sim = await v.start(v.key, v.secret);
    ({ app, database, account } = await streamingAppOnSimulator({
      exchange: v.name,
      simUrl: sim.url,
      credentials: {
        api_key: v.key,
        api_secret: v.secret,
        ...('passphrase' in v ? { passphrase: v.passphrase } : {}),
      },
      email: `ladder-${v.name}@example.com`,
      waitMs: WAIT_MS,
    }));
  });
  afterAll(async () => {
    await app?.close();
    await sim?.close();
    await database?.close();
  });

  it('places SL, TP1 for half and the last TP; TP1 fills half, the stop moves to the entry, the rest closes there', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/webhook/tradingview',
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify({
        account_id: account.id,
        secret: account.webhook_secret,
        exchange: v.name,
        symbol: v.alertSymbol,
        action: 'long',
        leverage: 5,
        qty: 0.1,
        sl_atr: 2,
        tp1_atr: 1,
        tp1_qty_pct: 50,
        tp_atr: 3,
        break_even: 1,
        timeframe: '60',
        id: `ladder-${v.name}-1`,
      }),
    });
    const answer = response.json() as {
      success: boolean;
      warning?: string;
      order_details: { results: Record<string, unknown> };
    };
    expect(answer.success, response.body).toBe(true);
    expect(answer.warning).toBeUndefined();
    expect(answer.order_details.results).toMatchObject({
      stop_loss: { trigger_price: '49600' },
      take_profit: { trigger_price: '50600' },
      partial_take_profits: [{ role: 'tp1', qty_pct: 50, trigger_price: '50200', qty: '0.05' }],
    });
    // Whole-position orders: Binance closePosition and OKX closeFraction close whatever is held;
    // Bybit's are sized to the position when placed (reduce-only, so they close at most what is left).
    const whole = v.name === 'bybit' ? '0.1' : 'all';
    expect(await resting()).toEqual([
      { type: 'stop_market', trigger: '49600', qty: whole },
      { type: 'take_profit_market', trigger: '50200', qty: '0.05' },
      { type: 'take_profit_market', trigger: '50600', qty: whole },
    ]);
    const roles = await database.db
      .select({ role: orders.role })
      .from(orders)
      .where(eq(orders.accountId, account.id));
    expect(roles.map((r) => r.role).sort()).toEqual(['entry', 'sl', 'tp', 'tp1']);

    // Through TP1: half closes on the venue.
    await price('50250');
    expect((await sim.venue.positions(v.symbol)).map((p) => p.qty)).toEqual(['0.05']);
    const tp1 = await until(
      'the TP1 fill',
      async () =>
        (await database.db.select().from(fills).where(eq(fills.accountId, account.id))).find(
          (f) => f.reason === 'take_profit',
        ),
      WAIT_MS,
    );
    expect(tp1).toMatchObject({ side: 'sell', qty: '0.05' });
    expect(tp1.signalId).not.toBeNull();

    // The break-even move, queued from the fill: the stop is at the entry on the venue.
    await until(
      'the stop at the entry',
      async () => {
        const now = await resting();
        return now.some((o) => o.type === 'stop_market' && o.trigger === '50000') && now;
      },
      WAIT_MS,
    );
    const moves = await until(
      'the break-even signal executed',
      async () => {
        const rows = await database.db
          .select()
          .from(signals)
          .where(and(eq(signals.accountId, account.id), eq(signals.status, 'executed')));
        const found = rows.filter((r) => (r.payload as { action?: string }).action === 'move_stop_to_entry');
        return found.length > 0 && found;
      },
      WAIT_MS,
    );
    expect(moves).toHaveLength(1);
    expect(moves[0]!.result).not.toHaveProperty('warning');
    expect(moves[0]!.result).toMatchObject({
      success: true,
      order_details: { results: { break_even: { entry_price: '50000', trigger_price: '50000' } } },
    });

    // OKX: the stop and the last take-profit were one oco attached to the entry; cancelling the stop
    // took the take-profit with it, so it is placed again, sized to the position (the new stop holds
    // OKX's one whole-position slot). Bybit: the new stop is sized to the position left.
    expect(await resting()).toEqual([
      { type: 'stop_market', trigger: '50000', qty: v.name === 'bybit' ? '0.05' : 'all' },
      {
        type: 'take_profit_market',
        trigger: '50600',
        qty: { binance: 'all', bybit: '0.1', okx: '0.05' }[v.name],
      },
    ]);
    // Back to the entry: the rest closes at break-even.
    await price('50000');
    expect(await sim.venue.positions(v.symbol)).toEqual([]);
    const stop = await until(
      'the break-even stop fill',
      async () =>
        (await database.db.select().from(fills).where(eq(fills.accountId, account.id))).find(
          (f) => f.reason === 'stop_loss',
        ),
      WAIT_MS,
    );
    expect(stop).toMatchObject({ side: 'sell', qty: '0.05', price: '50000', realizedPnl: '0' });
    // Exactly one move however often the fill was seen.
    const all = await database.db.select().from(signals).where(eq(signals.accountId, account.id));
    expect(
      all.filter((r) => (r.payload as { action?: string }).action === 'move_stop_to_entry'),
    ).toHaveLength(1);
  });
});
