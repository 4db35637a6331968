import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { startBinanceSimulator, type BinanceSimulator, type Position } from '@tradingbot/exchange';
import { orders } from '@tradingbot/db';
import { createExchangeFactory } from '../src/exchange-factory.ts';
import { signUp, testApp, type TestApp } from './helpers.ts';

/*
 * The webhook end to end, through HTTP, against the Binance wire simulator: every action in one-way
 * and hedge mode, judged by what the venue holds afterwards; then the venue faults a user meets
 * (an answer lost after the order was accepted, 429, insufficient margin, a position mode changed
 * behind our back: -4061) — the answer a user gets, and never a duplicate order.
 */

const KEY = 'V'.repeat(32) + 'v'.repeat(32);
const SECRET = 'W'.repeat(32) + 'w'.repeat(32);

type Venue = {
  sim: BinanceSimulator;
  t: TestApp;
  account: { id: string; webhook_secret: string };
  close(): Promise<void>;
};

async function startVenue(hedge: boolean): Promise<Venue> {
  const sim = await startBinanceSimulator({
    port: 0,
    host: '127.0.0.1',
    apiKey: KEY,
    apiSecret: SECRET,
    balance: 10_000,
    hedge,
    prices: { BTCUSDT: 50_000 },
  });
  const t = await testApp({
    connectExchange: createExchangeFactory({ baseUrls: { binance: sim.url }, requestTimeoutMs: 1_000 }),
  });
  const user = await signUp(t.app, `venue-${hedge ? 'hedge' : 'oneway'}@example.com`);
  const registered = await t.app.inject({
    method: 'POST',
    url: '/api/v1/accounts-secure/register',
    headers: user.auth,
    payload: { exchange: 'binance', api_key: KEY, api_secret: SECRET },
  });
  return {
    sim,
    t,
    account: registered.json(),
    close: async () => {
      await t.close();
      await sim.close();
    },
  };
}

let alertNo = 0;
async function send(v: Venue, fields: Record<string, unknown>) {
  const response = await v.t.app.inject({
    method: 'POST',
    url: '/api/v1/webhook/tradingview',
    headers: { 'content-type': 'text/plain' },
    payload: JSON.stringify({
      account_id: v.account.id,
      secret: v.account.webhook_secret,
      exchange: 'binance',
      symbol: 'BINANCE:BTCUSDT.P',
      leverage: 5,
      sl_pct: 2,
      qty: 0.1, // default sizing (10 % of what is available) is the seed-flow test's; here a fixed size
      id: `venue-alert-${++alertNo}`,
      ...fields,
    }),
  });
  return { status: response.statusCode, body: response.json() };
}

/** The venue's own view: signed quantity per leg, zero legs left out. */
async function legs(v: Venue): Promise<Record<string, number>> {
  const positions: Position[] = await v.sim.venue.positions('BTCUSDT');
  return Object.fromEntries(positions.filter((p) => Number(p.qty) !== 0).map((p) => [p.side, Number(p.qty)]));
}
const restingStops = async (v: Venue) =>
  (await v.sim.venue.openOrders('BTCUSDT')).filter((o) => o.type === 'stop_market');

/** Order requests the venue accepted (HTTP 200) since `from`, as the venue received them. */
const acceptedOrders = (v: Venue, from: number) =>
  v.sim.requests
    .slice(from)
    .filter((r) => r.method === 'POST' && r.path === '/fapi/v1/order' && r.status === 200)
    .map((r) => new URLSearchParams(`${r.query}&${r.body}`));

describe.each([
  { mode: 'one-way', hedge: false },
  { mode: 'hedge', hedge: true },
])('every action in $mode mode', ({ hedge }) => {
  let v: Venue;
  beforeAll(async () => {
    v = await startVenue(hedge);
  });
  afterAll(async () => v.close());

  const long = hedge ? 'long' : 'net';
  const short = hedge ? 'short' : 'net';

  it('long opens a long with its stop; the venue gets the position side of the mode', async () => {
    const from = v.sim.requests.length;
    const { status, body } = await send(v, { action: 'LONG', qty: undefined });
    expect(status).toBe(200);
    expect(body).toMatchObject({ success: true, message: 'LONG order executed on binance' });
    // 10 % of 10,000 × 5 ÷ 50,000 = 0.1 BTC
    expect(await legs(v)).toEqual({ [long]: 0.1 });
    expect(await restingStops(v)).toHaveLength(1);
    const [entry] = acceptedOrders(v, from);
    expect(entry!.get('side')).toBe('BUY');
    expect(entry!.get('positionSide')).toBe(hedge ? 'LONG' : 'BOTH');
  });

  it('long again is not a second position', async () => {
    const { status, body } = await send(v, { action: 'long' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ success: true, code: 'ALREADY_IN_POSITION' });
    expect(await legs(v)).toEqual({ [long]: 0.1 });
  });

  it('close_short with only a long open sends nothing and says so', async () => {
    const from = v.sim.requests.length;
    const { body } = await send(v, { action: 'close_short' });
    expect(body).toMatchObject({ success: true, code: 'NO_POSITION_TO_CLOSE' });
    expect(acceptedOrders(v, from)).toHaveLength(0);
  });

  it('short reverses: the long and its stop go, a short with its own stop comes', async () => {
    const { status, body } = await send(v, { action: 'short' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ success: true, message: 'SHORT order executed on binance' });
    const held = await legs(v);
    expect(held[short]).toBeLessThan(0);
    expect(held).not.toHaveProperty(hedge ? 'long' : 'none');
    if (hedge) expect(Object.keys(held)).toEqual(['short']);
    const stops = await restingStops(v);
    expect(stops).toHaveLength(1);
    expect(stops[0]!.side).toBe('buy');
  });

  it('close_short closes it with reduce-only (one-way) or positionSide SHORT (hedge), and cancels its stop', async () => {
    const from = v.sim.requests.length;
    const { body } = await send(v, { action: 'Close_Short' });
    expect(body).toMatchObject({ success: true });
    expect(await legs(v)).toEqual({});
    expect(await restingStops(v)).toHaveLength(0);
    const [close] = acceptedOrders(v, from);
    expect(close!.get('side')).toBe('BUY');
    if (hedge) {
      expect(close!.get('positionSide')).toBe('SHORT');
      expect(close!.get('reduceOnly')).toBeNull(); // Binance refuses reduceOnly in hedge mode (-1106)
    } else {
      expect(close!.get('reduceOnly')).toBe('true');
    }
  });

  it("TradingView's buy / sell with market_position open and close", async () => {
    expect((await send(v, { action: 'buy', market_position: 'long' })).body.success).toBe(true);
    expect(await legs(v)).toEqual({ [long]: 0.1 });
    const { body } = await send(v, { action: 'sell', market_position: 'flat' });
    expect(body).toMatchObject({ success: true });
    expect(await legs(v)).toEqual({});
  });

  it('close_long closes a long; close_all closes whatever is open', async () => {
    await send(v, { action: 'long' });
    expect((await send(v, { action: 'close_long' })).body.success).toBe(true);
    expect(await legs(v)).toEqual({});
    await send(v, { action: 'short' });
    expect(Object.keys(await legs(v))).toHaveLength(1);
    expect((await send(v, { action: 'close_all' })).body.success).toBe(true);
    expect(await legs(v)).toEqual({});
    expect(await restingStops(v)).toHaveLength(0);
  });
});

describe('venue faults', () => {
  let v: Venue;
  beforeAll(async () => {
    v = await startVenue(false);
  });
  afterAll(async () => v.close());

  async function flatten() {
    v.sim.faults.clear();
    await send(v, { action: 'close_all' });
    expect(await legs(v)).toEqual({});
  }

  it('an entry accepted but never answered: looked up by its client id, executed once', async () => {
    await flatten();
    v.sim.faults.add({ kind: 'delay_after_accept', path: '/fapi/v1/order', method: 'POST', ms: 3_000 });
    const from = v.sim.requests.length;
    const { status, body } = await send(v, { action: 'long', id: 'lost-answer' });
    expect([200, 202]).toContain(status);
    await v.t.app.webhook.worker.idle();
    const stored = await v.t.database.db.select().from(orders).where(eq(orders.signalId, body.signal_id));
    const entry = stored.find((o) => o.role === 'entry')!;
    expect(entry.status).toBe('filled');
    const sent = v.sim.requests.slice(from).filter((r) => r.method === 'POST' && r.path === '/fapi/v1/order');
    expect(sent).toHaveLength(1); // never a second placement
    expect(await legs(v)).toEqual({ net: 0.1 });
  });

  it('429 on the entry: not executed by the venue, so sent again after Retry-After, and placed once', async () => {
    await flatten();
    v.sim.faults.add({ kind: 'rate_limit', path: '/fapi/v1/order', method: 'POST', retryAfterSec: 1 });
    const from = v.sim.requests.length;
    const { status, body } = await send(v, { action: 'short', id: 'rate-limited' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ success: true, message: 'SHORT order executed on binance' });
    const placements = v.sim.requests
      .slice(from)
      .filter((r) => r.method === 'POST' && r.path === '/fapi/v1/order')
      .map((r) => r.status);
    expect(placements).toEqual([429, 200]);
    expect(await legs(v)).toEqual({ net: -0.1 });
  });

  it('insufficient margin from the venue: a failed signal that says "Insufficient balance", no position', async () => {
    await flatten();
    v.sim.faults.add({
      kind: 'http_error',
      path: '/fapi/v1/order',
      method: 'POST',
      status: 400,
      code: -2019,
      msg: 'Margin is insufficient.',
    });
    const { status, body } = await send(v, { action: 'long', id: 'no-margin' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ success: false, code: 'INSUFFICIENT_BALANCE' });
    expect(body.message).toContain('Insufficient balance');
    expect(body.error.details).toMatchObject({ venueCode: -2019 });
    expect(await legs(v)).toEqual({});
  });

  it('-4061 after the account was switched to hedge mode behind us: re-read, placed once on the right side', async () => {
    await flatten();
    await send(v, { action: 'long', id: 'mode-cache-warm' }); // the client now believes one-way
    await send(v, { action: 'close_all', id: 'mode-cache-warm-close' });
    const switched = await fetch(`${v.sim.url}/__sim/position-mode`, {
      method: 'POST',
      body: JSON.stringify({ hedge: true }),
    });
    expect(switched.ok).toBe(true);
    const from = v.sim.requests.length;
    const { status, body } = await send(v, { action: 'long', id: 'after-switch' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ success: true, message: 'LONG order executed on binance' });
    const placements = v.sim.requests
      .slice(from)
      .filter((r) => r.method === 'POST' && r.path === '/fapi/v1/order');
    expect(placements.map((r) => r.status)).toEqual([400, 200]);
    expect(placements[0]!.venueCode).toBe(-4061);
    expect(await legs(v)).toEqual({ long: 0.1 });
  });
});
