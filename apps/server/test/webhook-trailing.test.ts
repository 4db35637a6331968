import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { fills, orders, type Database } from '@tradingbot/db';
import { startBinanceSimulator } from '@tradingbot/exchange/sim';
import { streamingAppOnSimulator, until } from './helpers.ts';

/*
 * A trailing stop end to end, through real sockets: an alert with `trail_pct` → the webhook → the
 * executor → BinanceFuturesClient → the Binance simulator's Algo Service (TRAILING_STOP_MARKET); the
 * price runs up and retraces on the simulator → the position is closed there, and the account
 * mirror, reading the user-data stream, records the fill with reason `trailing`.
 */

const KEY = 'T'.repeat(32) + 't'.repeat(32);
const SECRET = 'R'.repeat(32) + 'r'.repeat(32);
const SYMBOL = 'BTCUSDT';

type Sim = Awaited<ReturnType<typeof startBinanceSimulator>>;

async function price(sim: Sim, value: string): Promise<void> {
  const response = await fetch(`${sim.url}/__sim/price`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ symbol: SYMBOL, price: value }),
  });
  if (!response.ok) throw new Error(`price: ${response.status} ${await response.text()}`);
}

describe('a trailing stop through the webhook, on the Binance simulator', () => {
  let sim: Sim;
  let database: Database;
  let app: FastifyInstance;
  let account: { id: string; webhook_secret: string };
  let auth: Record<string, string>;

  beforeAll(async () => {
    sim = await startBinanceSimulator({
      port: 0,
      host: '127.0.0.1',
      apiKey: KEY,
      apiSecret: SECRET,
      balance: 10_000,
      prices: { [SYMBOL]: 50_000 },
    });
    ({ app, database, account, auth } = await streamingAppOnSimulator({
      exchange: 'binance',
      simUrl: sim.url,
      credentials: { api_key: KEY, api_secret: SECRET },
      email: 'trailing@example.com',
    }));
  });
  afterAll(async () => {
    await app.close();
    await sim.close();
    await database.close();
  });

  it('trail_pct rests as TRAILING_STOP_MARKET with its callbackRate; a run and a retrace close the long, recorded as trailing', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/webhook/tradingview',
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify({
        account_id: account.id,
        secret: account.webhook_secret,
        exchange: 'binance',
        symbol: 'BINANCE:BTCUSDT.P',
        action: 'long',
        leverage: 5,
        qty: 0.1,
        sl_pct: 5,
        tp_pct: 0,
        trail_pct: 1,
        trail_activation_pct: 1,
        id: 'trailing-alert-1',
      }),
    });
    const answer = response.json() as {
      success: boolean;
      warning?: string;
      order_details: { results: { trailing_stop?: Record<string, unknown> } };
    };
    expect(answer.success, response.body).toBe(true);
    expect(answer.warning).toBeUndefined();
    // Entry 50,000: callback 1 % as stated; activation 50,000 × 1.01 = 50,500.
    expect(answer.order_details.results.trailing_stop).toMatchObject({
      type: 'trailing_stop_market',
      callback_rate_pct: '1',
      activation_price: '50500',
      qty: '0.1',
    });

    // What the venue was sent, on its own wire: the Algo Service, TRAILING_STOP_MARKET, 1 %.
    const sent = sim.requests
      .filter((r) => r.method === 'POST' && r.path === '/fapi/v1/algoOrder')
      .map((r) => new URLSearchParams(`${r.query}&${r.body}`))
      .find((p) => p.get('type') === 'TRAILING_STOP_MARKET');
    expect(sent?.get('callbackRate')).toBe('1');
    expect(sent?.get('activatePrice')).toBe('50500');
    expect(sent?.get('side')).toBe('SELL');
    expect(sent?.get('quantity')).toBe('0.1');
    expect(sent?.get('reduceOnly')).toBe('true');
    expect(sent?.get('closePosition')).toBeNull();
    const resting = (await sim.venue.openOrders(SYMBOL)).filter((o) => o.type === 'trailing_stop_market');
    expect(resting).toHaveLength(1);
    expect(resting[0]).toMatchObject({ callbackRatePct: '1', activationPrice: '50500', side: 'sell' });
    const [row] = await database.db
      .select()
      .from(orders)
      .where(and(eq(orders.accountId, account.id), eq(orders.role, 'trail')));
    expect(row).toMatchObject({ symbol: SYMBOL, clientOrderId: resting[0]!.clientOrderId });
    const listed = await app.inject({
      method: 'GET',
      url: `/api/v1/accounts-secure/${account.id}/open-orders`,
      headers: auth,
    });
    expect(listed.statusCode, listed.body).toBe(200);
    expect((listed.json() as { orders: { kind: string }[] }).orders.map((o) => o.kind).sort()).toEqual([
      'stop_loss',
      'trailing_stop',
    ]);

    // 50,400: not active yet. 51,000 activates; the high 52,000 puts the stop at 51,480.
    await price(sim, '50400');
    await price(sim, '51000');
    await price(sim, '52000');
    await price(sim, '51600');
    expect((await sim.venue.positions(SYMBOL)).map((p) => p.qty)).toEqual(['0.1']);
    await price(sim, '51400');
    expect(await sim.venue.positions(SYMBOL)).toEqual([]);

    const exit = await until('the trailing fill', async () =>
      (await database.db.select().from(fills).where(eq(fills.accountId, account.id))).find(
        (f) => f.reason === 'trailing',
      ),
    );
    // Sold at the price that crossed the level, 0.1 × (51,400 − 50,000) = 140 before fees.
    expect(exit).toMatchObject({ side: 'sell', qty: '0.1', price: '51400', realizedPnl: '140' });
    expect(exit.signalId).not.toBeNull();
  });
});
