import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import {
  auditLog,
  balanceDays,
  fills,
  migrate,
  openTestDatabase,
  orders,
  type Database,
} from '@tradingbot/db';
import { startBinanceSimulator, startOkxSimulator } from '@tradingbot/exchange/sim';
import type { PaperExchange } from '@tradingbot/exchange';
import { buildApp } from '../src/app.ts';
import { createExchangeFactory } from '../src/exchange-factory.ts';
import type { FillReceived, ProtectionMissing } from '../src/events.ts';
import { TEST_DATABASE_URL, signUp, testConfig } from './helpers.ts';

/*
 * The account mirror end to end, through real sockets: the Binance simulator's REST API and its
 * user-data stream (listenKey, ORDER_TRADE_UPDATE / ALGO_UPDATE / ACCOUNT_UPDATE), the server's
 * webhook, the mirror, its routes and the SSE endpoint read by a real HTTP client.
 */

const KEY = 'M'.repeat(32) + 'm'.repeat(32);
const SECRET = 'N'.repeat(32) + 'n'.repeat(32);
const SYMBOL = 'BTCUSDT';

type Sim = Awaited<ReturnType<typeof startBinanceSimulator>>;

const MIRROR_FAST = {
  sweepIntervalMs: 150,
  leaseMs: 1_500,
  protectionCheckDelayMs: 150,
  reconnectMinMs: 50,
  reconnectMaxMs: 300,
  reconcileIntervalMs: 60_000,
};

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const utcDay = () => new Date().toISOString().slice(0, 10);

/** One configuration (secrets, key ring) for every server of a database, as processes of one deployment share. */
const CONFIG = testConfig({ STREAMS_ENABLED: 'true' });

/** A server app on a database (shared by several apps in the hand-over tests). */
async function serverOn(
  database: Database,
  sim: { url: string },
  logs: string[] = [],
  venue: 'binance' | 'okx' = 'binance',
) {
  const logStream = new Writable({
    write(chunk, _e, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const app = await buildApp({
    config: CONFIG,
    database,
    logStream,
    connectExchange: createExchangeFactory({ baseUrls: { [venue]: sim.url }, requestTimeoutMs: 2_000 }),
    mirror: MIRROR_FAST,
    worker: { sweepIntervalMs: 200 },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, logs, url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}` };
}

/** A real HTTP client reading the SSE endpoint. */
function sse(url: string, token: string) {
  const received: Array<{ event: string; data: Record<string, unknown> }> = [];
  const controller = new AbortController();
  const ready = (async () => {
    const response = await fetch(`${url}/api/v1/events`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    return response;
  })();
  const done = ready
    .then(async (response) => {
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) break;
        buffer += decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event && data) received.push({ event, data: JSON.parse(data) as Record<string, unknown> });
        }
      }
    })
    .catch(() => undefined);
  return { received, ready, close: () => controller.abort(), done };
}

async function control(sim: Sim, path: string, body: object) {
  const response = await fetch(`${sim.url}/__sim/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`control ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

async function register(app: FastifyInstance, email: string) {
  const user = await signUp(app, email);
  const registered = await app.inject({
    method: 'POST',
    url: '/api/v1/accounts-secure/register',
    headers: user.auth,
    payload: { exchange: 'binance', api_key: KEY, api_secret: SECRET },
  });
  if (registered.statusCode !== 200) throw new Error(`registration failed: ${registered.body}`);
  return { user, account: registered.json() as { id: string; webhook_secret: string } };
}

let alertNo = 0;
async function alert(app: FastifyInstance, account: { id: string; webhook_secret: string }, fields: object) {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/webhook/tradingview',
    headers: { 'content-type': 'text/plain' },
    payload: JSON.stringify({
      account_id: account.id,
      secret: account.webhook_secret,
      exchange: 'binance',
      symbol: 'BINANCE:BTCUSDT.P',
      leverage: 5,
      qty: 0.1,
      id: `mirror-alert-${++alertNo}`,
      ...fields,
    }),
  });
  return response.json() as { success: boolean; message: string };
}

const streamUp = (app: FastifyInstance, accountId: string, ms = 5_000) =>
  until(
    'the stream to be up and re-synced',
    async () => {
      const session = app.mirror?.session(accountId);
      return session?.connectedOnce && session.stream.status.state === 'up' ? session : undefined;
    },
    ms,
  );

const fillRows = (database: Database, accountId: string) =>
  database.db.select().from(fills).where(eq(fills.accountId, accountId));

const restingStops = async (sim: Sim) =>
  (await sim.venue.openOrders(SYMBOL)).filter((o) => o.type === 'stop_market');

async function startSim(): Promise<Sim> {
  return startBinanceSimulator({
    port: 0,
    host: '127.0.0.1',
    apiKey: KEY,
    apiSecret: SECRET,
    balance: 10_000,
    prices: { [SYMBOL]: 50_000 },
  });
}

describe('the account mirror against the Binance simulator', () => {
  let sim: Sim;
  let database: Database;
  let server: Awaited<ReturnType<typeof serverOn>>;
  let owner: Awaited<ReturnType<typeof register>>;

  beforeAll(async () => {
    sim = await startSim();
    database = await openTestDatabase(TEST_DATABASE_URL);
    await migrate(database);
    server = await serverOn(database, sim);
    owner = await register(server.app, 'mirror-owner@example.com');
    await streamUp(server.app, owner.account.id);
  });
  afterAll(async () => {
    await server.app.close();
    await sim.close();
    await database.close();
  });
  afterEach(async () => {
    // Each test starts flat, with no order resting (a take-profit leaves its closePosition stop behind).
    await sim.venue.cancelAllOrders(SYMBOL);
    for (const p of await sim.venue.positions(SYMBOL)) {
      if (Number(p.qty) !== 0) await sim.venue.closePosition(SYMBOL, p.side, `cleanup-${++alertNo}`);
    }
    await control(sim, 'price', { symbol: SYMBOL, price: '50000' });
    await new Promise((r) => setTimeout(r, 300));
    await server.app.mirror!.idle();
  });

  it('a stop that fires on the venue is a stop_loss fill within 2 s: position flat, the round trip, the SSE client told', async () => {
    const client = sse(server.url, owner.user.session_token);
    const stranger = await signUp(server.app, 'mirror-stranger@example.com');
    const strangerClient = sse(server.url, stranger.session_token);
    expect((await client.ready).status).toBe(200);
    expect((await client.ready).headers.get('content-type')).toMatch(/^text\/event-stream/);
    await strangerClient.ready;

    const entry = await alert(server.app, owner.account, { action: 'long', sl_pct: 2 });
    expect(entry.success).toBe(true);
    expect(await restingStops(sim)).toHaveLength(1);
    const entryFill = await until('the entry fill', async () =>
      (await fillRows(database, owner.account.id)).find((f) => f.reason === 'signal'),
    );
    expect(entryFill).toMatchObject({ side: 'buy', qty: '0.1', symbol: SYMBOL });
    expect(entryFill.signalId).not.toBeNull();

    const fired = performance.now();
    await control(sim, 'price', { symbol: SYMBOL, price: '48500' }); // the stop rests at 49,000
    const stopFill = await until(
      'the stop-loss fill',
      async () => (await fillRows(database, owner.account.id)).find((f) => f.reason === 'stop_loss'),
      2_000,
    );
    expect(performance.now() - fired).toBeLessThan(2_000);
    expect(stopFill).toMatchObject({ side: 'sell', qty: '0.1' });
    expect(Number(stopFill.fee)).toBeGreaterThan(0);
    expect(Number(stopFill.realizedPnl)).toBeLessThan(0);

    // The position is flat in the mirror, as on the venue.
    await until('the mirror position to be flat', async () => {
      const open = await server.app.inject({
        method: 'GET',
        url: `/api/v1/accounts-secure/${owner.account.id}/pnl`,
        headers: owner.user.auth,
      });
      return (open.json() as { open: unknown[] }).open.length === 0;
    });

    const trades = await server.app.inject({
      method: 'GET',
      url: `/api/v1/accounts-secure/${owner.account.id}/trades`,
      headers: owner.user.auth,
    });
    expect(trades.statusCode).toBe(200);
    const [trade] = (trades.json() as { trades: Array<Record<string, string>> }).trades;
    expect(trade).toMatchObject({
      symbol: SYMBOL,
      side: 'long',
      status: 'closed',
      entry_reason: 'signal',
      exit_reason: 'stop_loss',
      realized_pnl: stopFill.realizedPnl, // the venue's figure
    });
    const fees = Number(entryFill.fee) + Number(stopFill.fee);
    expect(Number(trade!.net_pnl)).toBeCloseTo(Number(stopFill.realizedPnl) - fees, 6);

    const seen = await until('the SSE fill event', async () =>
      client.received.find((e) => e.event === 'fill' && e.data.reason === 'stop_loss'),
    );
    expect(seen.data).toMatchObject({ accountId: owner.account.id, venueSymbol: SYMBOL });
    expect(seen.data).not.toHaveProperty('userId');

    // CSV of the same rows.
    const csv = await server.app.inject({
      method: 'GET',
      url: `/api/v1/accounts-secure/${owner.account.id}/fills?format=csv`,
      headers: owner.user.auth,
    });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body.split('\r\n')[0]).toMatch(/^id,venue_trade_id,/);
    expect(csv.body).toContain(',stop_loss,');

    // Ownership: nothing of it reaches another user.
    for (const path of ['fills', 'trades', 'equity']) {
      const other = await server.app.inject({
        method: 'GET',
        url: `/api/v1/accounts-secure/${owner.account.id}/${path}`,
        headers: stranger.auth,
      });
      expect(other.statusCode).toBe(404);
    }
    expect(strangerClient.received).toEqual([]);
    client.close();
    strangerClient.close();
  });

  it('the equity series adds up the day', async () => {
    const response = await server.app.inject({
      method: 'GET',
      url: `/api/v1/accounts-secure/${owner.account.id}/equity`,
      headers: owner.user.auth,
    });
    const { days } = response.json() as { days: Array<Record<string, string | number>> };
    const rows = await fillRows(database, owner.account.id);
    const net = rows.reduce((sum, f) => sum + Number(f.realizedPnl) - Number(f.fee), 0);
    expect(Number(days.at(-1)!.cumulative_net_pnl)).toBeCloseTo(net, 6);
  });

  it('ACCOUNT_UPDATE DEPOSIT: the amount (bc) is a transfer, and the day starts at the balance seen at connect', async (ctx) => {
    const today = utcDay();
    const before = await database.db
      .select()
      .from(balanceDays)
      .where(eq(balanceDays.accountId, owner.account.id));
    // The balance seen at connect belongs to an earlier UTC day when midnight passed since: the figures
    // below compare one day's rows.
    if (before.some((row) => row.day !== today)) ctx.skip();
    expect(before.map((row) => row.day)).toEqual([today]);
    const transfers = Number(before[0]!.transfers);
    await sim.venue.deposit('USDT', '250');
    const [row] = await until('the deposit in balance_days', async () => {
      const rows = await database.db
        .select()
        .from(balanceDays)
        .where(eq(balanceDays.accountId, owner.account.id));
      return Number(rows[0]?.transfers) === transfers + 250 ? rows : undefined;
    });
    if (utcDay() !== today) ctx.skip();
    expect(row!.closeBalance).toBe((await sim.venue.balance('USDT')).total);

    const response = await server.app.inject({
      method: 'GET',
      url: `/api/v1/history/returns?account_id=${owner.account.id}`,
      headers: owner.user.auth,
    });
    const { periods } = response.json() as { periods: Array<Record<string, string | null>> };
    const day = periods.find((p) => p.date === today)!;
    // Everything that moved the wallet since the connect is a fill, funding or the deposit: worked
    // back from the close, the day started at the first balance the re-sync read.
    expect(Number(day.start_equity)).toBeCloseTo(Number(row!.openBalance), 6);
    expect(Number(day.return_pct)).toBeCloseTo((Number(day.net_pnl) / Number(row!.openBalance)) * 100, 6);
  });

  it('the stream drops while a take-profit fills: after the reconnect the fill is recorded once', async () => {
    const downs: unknown[] = [];
    const off = server.app.events.on('stream.down', (e) => void downs.push(e));
    expect((await alert(server.app, owner.account, { action: 'long', sl_pct: 2, tp_pct: 2 })).success).toBe(
      true,
    );
    await until('the entry in the mirror', async () =>
      (await fillRows(database, owner.account.id)).filter((f) => f.reason === 'signal').length === 2
        ? true
        : undefined,
    );
    await control(sim, 'streams', { action: 'drop' });
    await control(sim, 'price', { symbol: SYMBOL, price: '51500' }); // the take-profit at 51,000
    const tp = await until('the take-profit fill', async () => {
      const rows = (await fillRows(database, owner.account.id)).filter((f) => f.reason === 'take_profit');
      return rows.length > 0 ? rows : undefined;
    });
    await streamUp(server.app, owner.account.id);
    await server.app.mirror!.idle();
    expect(tp.length).toBeGreaterThan(0);
    const again = (await fillRows(database, owner.account.id)).filter((f) => f.reason === 'take_profit');
    expect(new Set(again.map((f) => f.venueTradeId)).size).toBe(again.length);
    expect(downs.length).toBeGreaterThan(0);
    off();
  });

  it('a stop cancelled behind the server: protection.missing and a stop resting again within 5 s', async () => {
    const missing: ProtectionMissing[] = [];
    const off = server.app.events.on('protection.missing', (e) => void missing.push(e));
    expect((await alert(server.app, owner.account, { action: 'long', sl_pct: 2 })).success).toBe(true);
    const [stop] = await restingStops(sim);
    expect(stop).toBeDefined();
    const cancelled = performance.now();
    await sim.venue.cancelOrder(SYMBOL, { venueOrderId: stop!.venueOrderId, isAlgo: stop!.isAlgo });
    const event = await until('protection.missing', async () => missing[0]);
    expect(event).toMatchObject({ accountId: owner.account.id, venueSymbol: SYMBOL, action: 'reprotected' });
    const [again] = await restingStops(sim);
    expect(performance.now() - cancelled).toBeLessThan(5_000);
    expect(again!.triggerPrice).toBe(stop!.triggerPrice);
    // The cancelled stop says cancelled; the new one is recorded as the signal's stop.
    const sl = await database.db
      .select()
      .from(orders)
      .where(and(eq(orders.accountId, owner.account.id), eq(orders.role, 'sl')));
    expect(sl.find((o) => o.clientOrderId === stop!.clientOrderId)?.status).toBe('canceled');
    expect(sl.some((o) => o.clientOrderId === again!.clientOrderId)).toBe(true);
    const audited = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.accountId, owner.account.id), eq(auditLog.action, 'mirror.protection_missing')));
    expect(audited).toHaveLength(1);
    off();
    expect((await alert(server.app, owner.account, { action: 'close_long' })).success).toBe(true);
  });

  it.each([
    { policy: 'alert', action: 'alerted' },
    { policy: 'close', action: 'closed' },
  ])('with the $policy policy a lost stop is $action', async ({ policy, action }) => {
    const set = await server.app.inject({
      method: 'PUT',
      url: `/api/v1/accounts-secure/${owner.account.id}/protection-policy`,
      headers: owner.user.auth,
      payload: { protection_policy: policy },
    });
    expect(set.json()).toMatchObject({ protection_policy: policy, stream: 'up' });
    const missing: ProtectionMissing[] = [];
    const off = server.app.events.on('protection.missing', (e) => void missing.push(e));
    expect((await alert(server.app, owner.account, { action: 'long', sl_pct: 2 })).success).toBe(true);
    const [stop] = await restingStops(sim);
    await sim.venue.cancelOrder(SYMBOL, { venueOrderId: stop!.venueOrderId, isAlgo: stop!.isAlgo });
    const event = await until('protection.missing', async () => missing[0]);
    expect(event.action).toBe(action);
    expect(await restingStops(sim)).toHaveLength(0);
    const open = (await sim.venue.positions(SYMBOL)).filter((p) => Number(p.qty) !== 0);
    expect(open).toHaveLength(policy === 'close' ? 0 : 1);
    off();
    if (policy === 'alert') {
      expect((await alert(server.app, owner.account, { action: 'close_long' })).success).toBe(true);
    }
    await server.app.inject({
      method: 'PUT',
      url: `/api/v1/accounts-secure/${owner.account.id}/protection-policy`,
      headers: owner.user.auth,
      payload: { protection_policy: 'reprotect' },
    });
  });

  it('another user cannot read or set the stream status and policy', async () => {
    const stranger = await signUp(server.app, 'mirror-stranger-2@example.com');
    const read = await server.app.inject({
      method: 'GET',
      url: `/api/v1/accounts-secure/${owner.account.id}/stream`,
      headers: stranger.auth,
    });
    expect(read.statusCode).toBe(404);
    const write = await server.app.inject({
      method: 'PUT',
      url: `/api/v1/accounts-secure/${owner.account.id}/protection-policy`,
      headers: stranger.auth,
      payload: { protection_policy: 'alert' },
    });
    expect(write.statusCode).toBe(404);
    const bad = await server.app.inject({
      method: 'PUT',
      url: `/api/v1/accounts-secure/${owner.account.id}/protection-policy`,
      headers: owner.user.auth,
      payload: { protection_policy: 'ignore' },
    });
    expect(bad.statusCode).toBe(400);
    const sseAnon = await fetch(`${server.url}/api/v1/events`);
    expect(sseAnon.status).toBe(401);
  });

  it('malformed frames and unknown events never stop the stream and are logged once', async () => {
    for (let i = 0; i < 3; i++) {
      await control(sim, 'streams', { action: 'inject', frame: '{not json' });
      await control(sim, 'streams', { action: 'inject', frame: '{"e":"SOMETHING_NEW","E":1}' });
    }
    await new Promise((r) => setTimeout(r, 300));
    const warned = server.logs.filter((l) => l.includes('the venue stream sent something unusable'));
    expect(warned.length).toBeGreaterThan(0);
    expect(warned.length).toBeLessThanOrEqual(2);
    // Still recording: one more round trip arrives.
    const before = (await fillRows(database, owner.account.id)).length;
    expect((await alert(server.app, owner.account, { action: 'short', sl_pct: 2 })).success).toBe(true);
    expect((await alert(server.app, owner.account, { action: 'close_short' })).success).toBe(true);
    await until(
      'two more fills',
      async () => (await fillRows(database, owner.account.id)).length >= before + 2,
    );
  });
});

describe('the account mirror across server processes', () => {
  let sim: Sim;
  let database: Database;

  beforeAll(async () => {
    sim = await startSim();
    database = await openTestDatabase(TEST_DATABASE_URL);
    await migrate(database);
  });
  afterAll(async () => {
    await sim.close();
    await database.close();
  });

  it('a stop that fires while the server is down is recovered from REST after the restart', async () => {
    const first = await serverOn(database, sim);
    const { account } = await register(first.app, 'mirror-restart@example.com');
    await streamUp(first.app, account.id);
    expect((await alert(first.app, account, { action: 'long', sl_pct: 2 })).success).toBe(true);
    await until('the entry fill', async () => (await fillRows(database, account.id)).length === 1);
    await first.app.close();

    await control(sim, 'price', { symbol: SYMBOL, price: '48500' });
    expect(await restingStops(sim)).toHaveLength(0);

    const received: FillReceived[] = [];
    const second = await serverOn(database, sim);
    second.app.events.on('fill.received', (e) => void received.push(e));
    await streamUp(second.app, account.id);
    const rows = await fillRows(database, account.id);
    expect(rows.map((f) => f.reason).sort()).toEqual(['signal', 'stop_loss']);
    expect(received.map((f) => f.reason)).toEqual(['stop_loss']);
    await second.app.close();
    await control(sim, 'price', { symbol: SYMBOL, price: '50000' });
  });

  it('two servers on one database: one stream per account, hand-over when its owner dies, no fill twice', async () => {
    const a = await serverOn(database, sim);
    const b = await serverOn(database, sim);
    const { account } = await register(a.app, 'mirror-two@example.com');
    const owner = await until('one owner', async () => {
      const holders = [a, b].filter((s) => s.app.mirror!.accountIds.includes(account.id));
      return holders.length === 1 ? holders[0] : undefined;
    });
    const other = owner === a ? b : a;
    await streamUp(owner!.app, account.id);
    await new Promise((r) => setTimeout(r, 400)); // several sweeps: still one
    expect(other.app.mirror!.accountIds).not.toContain(account.id);

    expect((await alert(a.app, account, { action: 'long', sl_pct: 2 })).success).toBe(true);
    await until('the entry fill', async () => (await fillRows(database, account.id)).length >= 1);
    // The owner dies: its lease is neither renewed nor let go; the other takes over once it expires.
    const died = performance.now();
    await owner!.app.mirror!.halt();
    await streamUp(other.app, account.id, 10_000); // lease expiry, a sweep, a new listenKey and the re-sync
    expect(performance.now() - died).toBeGreaterThanOrEqual(MIRROR_FAST.leaseMs - 500);
    await control(sim, 'price', { symbol: SYMBOL, price: '48500' });
    await until('the stop fill through the new owner', async () =>
      (await fillRows(database, account.id)).some((f) => f.reason === 'stop_loss'),
    );
    const rows = await fillRows(database, account.id);
    expect(new Set(rows.map((f) => f.venueTradeId)).size).toBe(rows.length);
    expect(rows.filter((f) => f.reason === 'stop_loss')).toHaveLength(1);
    await owner!.app.close();
    await other.app.close();
    await control(sim, 'price', { symbol: SYMBOL, price: '50000' });
  });
});

describe('the account mirror against the OKX simulator', () => {
  const OKX_KEY = '6f1d2c3b-4a59-4e7d-8c1b-2a3f4e5d6c7b';
  const OKX_SECRET = '0A1B2C3D4E5F60718293A4B5C6D7E8F9';
  const PASSPHRASE = 'Mirror-Test-Passphrase-1';
  const INST = 'BTC-USDT-SWAP';

  it('a stop that fires on the venue is a stop_loss fill with its fee, through the OKX private stream', async () => {
    const sim = await startOkxSimulator({
      port: 0,
      host: '127.0.0.1',
      apiKey: OKX_KEY,
      apiSecret: OKX_SECRET,
      passphrase: PASSPHRASE,
      balance: 10_000,
      prices: { [INST]: 50_000 },
    });
    const database = await openTestDatabase(TEST_DATABASE_URL);
    await migrate(database);
    const server = await serverOn(database, sim, [], 'okx');
    try {
      const user = await signUp(server.app, 'mirror-okx@example.com');
      const account = (
        await server.app.inject({
          method: 'POST',
          url: '/api/v1/accounts-secure/register',
          headers: user.auth,
          payload: { exchange: 'okx', api_key: OKX_KEY, api_secret: OKX_SECRET, passphrase: PASSPHRASE },
        })
      ).json() as { id: string; webhook_secret: string };
      await streamUp(server.app, account.id);
      const entry = await server.app.inject({
        method: 'POST',
        url: '/api/v1/webhook/tradingview',
        headers: { 'content-type': 'text/plain' },
        payload: JSON.stringify({
          account_id: account.id,
          secret: account.webhook_secret,
          exchange: 'okx',
          symbol: 'OKX:BTCUSDT.P',
          action: 'long',
          leverage: 5,
          qty: 0.1,
          sl_pct: 2,
          id: 'mirror-okx-1',
        }),
      });
      expect(entry.json()).toMatchObject({ success: true });
      // Entry and stop in ONE request (attachAlgoOrds): the stop 2 % under the 50,000 the size was
      // computed at = 49,000; no separate algo order is placed for it.
      const posts = (path: string) =>
        sim.requests
          .filter((r) => r.method === 'POST' && r.path === path)
          .map((r) => JSON.parse(r.body) as Record<string, unknown>);
      const orderPosts = posts('/api/v5/trade/order');
      expect(orderPosts).toHaveLength(1);
      const attached = (orderPosts[0]!.attachAlgoOrds as Record<string, string>[])[0];
      expect(attached).toMatchObject({ slTriggerPx: '49000', slTriggerPxType: 'mark' });
      expect(posts('/api/v5/trade/order-algo')).toEqual([]);
      expect(entry.json().order_details.results.stop_loss).toMatchObject({
        attached: true,
        reference_price: '50000',
      });
      await until('the entry fill', async () =>
        (await fillRows(database, account.id)).some((f) => f.reason === 'signal'),
      );
      const fired = performance.now();
      await control(sim as unknown as Sim, 'price', { instId: INST, price: '48500' });
      const stop = await until(
        'the stop-loss fill',
        async () => (await fillRows(database, account.id)).find((f) => f.reason === 'stop_loss'),
        2_000,
      );
      expect(performance.now() - fired).toBeLessThan(2_000);
      expect(stop).toMatchObject({ symbol: INST, side: 'sell', qty: '0.1' });
      expect(Number(stop.fee)).toBeGreaterThan(0);
      expect(stop.signalId).not.toBeNull();
      // The entry's fill may arrive before its order row is written; reconciliation names its signal.
      await until('the entry fill named with its signal', async () => {
        await server.app.mirror!.reconcile(account.id);
        return (
          (await fillRows(database, account.id)).find((f) => f.reason === 'signal')?.signalId ?? undefined
        );
      });
    } finally {
      await server.app.close();
      await sim.close();
      await database.close();
    }
  });
});

export type { PaperExchange };
