import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { count, eq } from 'drizzle-orm';
import {
  accounts,
  bots,
  fills,
  migrate,
  openTestDatabase,
  type AccountRow,
  type BotRow,
  type Database,
} from '@tradingbot/db';
import type { LiveAction } from '@tradingbot/engine';
import { startBinanceSimulator, type BinanceSimulator } from '@tradingbot/exchange/sim';
import { buildApp } from '../src/app.ts';
import { createExchangeFactory } from '../src/exchange-factory.ts';
import { recordSentDecision } from '../src/services/bots/bot-signals.ts';
import { storedPlan } from '../src/services/bots/plan.ts';
import { TEST_DATABASE_URL, signUp, testConfig } from './helpers.ts';

/*
 * Issue 20: a bot's PnL and trade count in the bots list and detail. A bot's decisions go through
 * the real pipeline (`recordSentDecision`, as its session records them; the signal worker; the
 * executor) to the Binance simulator, and the account mirror records the venue's fills from its
 * stream. The bot's `pnl` is the realized PnL, fees and round trips of its own fills — its stop-loss
 * fill included — and not of a webhook alert's trade on the same account.
 */

const KEY = 'B'.repeat(32) + 'b'.repeat(32);
const SECRET = 'C'.repeat(32) + 'c'.repeat(32);
const BOT_SYMBOL = 'BTCUSDT';
const OTHER = 'ETHUSDT';

let sim: BinanceSimulator;
let database: Database;
let app: FastifyInstance;
let auth: Record<string, string>;
let account: AccountRow;
let webhookSecret: string;

beforeAll(async () => {
  sim = await startBinanceSimulator({
    host: '127.0.0.1',
    port: 0,
    apiKey: KEY,
    apiSecret: SECRET,
    balance: 100_000,
    prices: { [BOT_SYMBOL]: 50_000, [OTHER]: 3_000 },
  });
  database = await openTestDatabase(TEST_DATABASE_URL);
  await migrate(database);
  app = await buildApp({
    config: testConfig({ STREAMS_ENABLED: 'true', BOTS_ENABLED: 'false' }),
    database,
    logStream: new Writable({ write: (_c, _e, done) => done() }),
    connectExchange: createExchangeFactory({ baseUrls: { binance: sim.url }, requestTimeoutMs: 5_000 }),
    mirror: { sweepIntervalMs: 150, leaseMs: 1_500, reconnectMinMs: 50, reconnectMaxMs: 300 },
    worker: { sweepIntervalMs: 100 },
  });
  await app.ready();
  auth = (await signUp(app, 'bot-pnl@example.com')).auth;
  const registered = await app.inject({
    method: 'POST',
    url: '/api/v1/accounts-secure/register',
    headers: auth,
    payload: { exchange: 'binance', api_key: KEY, api_secret: SECRET },
  });
  expect(registered.statusCode, registered.body).toBe(200);
  const body = registered.json() as { id: string; webhook_secret: string };
  webhookSecret = body.webhook_secret;
  [account] = (await database.db.select().from(accounts).where(eq(accounts.id, body.id))) as [AccountRow];
}, 60_000);

afterAll(async () => {
  await app?.close();
  await database?.close();
  await sim?.close();
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The bot decides `action` on a bar: recorded as its session records it, executed by the worker. */
async function decide(bot: BotRow, bar: number, action: LiveAction) {
  const { signalId } = await recordSentDecision(database, {
    bot,
    account,
    plan: storedPlan(bot.plan),
    barOpenTime: bar,
    action,
    position: action === 'long' ? 'long' : action === 'short' ? 'short' : 'flat',
    receivedAt: Date.now(),
  });
  app.webhook.worker.kick(account.id);
  const result = await app.webhook.worker.waitFor(signalId, 20_000);
  expect(result).not.toBe('timeout');
  // (what the executor said, if it did not execute: the PnL below is only meaningful when it did)
  expect(result === 'timeout' || result.success, JSON.stringify(result)).toBe(true);
}

const positionOf = async (symbol: string) =>
  (await sim.venue.positions(symbol)).find((p) => Number(p.qty) !== 0);

describe('a bot’s PnL', () => {
  it('is the realized PnL, fees and round trips of its own fills (its stop-loss included), not the account’s other trades', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/bots',
      headers: auth,
      payload: {
        account_id: account.id,
        strategy: 'ema_cross',
        symbol: BOT_SYMBOL,
        timeframe: '1h',
        plan: { sl_pct: 1, tp_atr: 0, size_pct: 10, leverage: 2 },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      pnl: { realized_pnl: '0', fees: '0', net_pnl: '0', closed_trades: 0, open_trades: 0, wins: 0 },
    });
    const botId = (created.json() as { id: string }).id;
    const [bot] = (await database.db.select().from(bots).where(eq(bots.id, botId))) as [BotRow];
    const hour = 3_600_000;
    const t0 = Math.floor(Date.now() / hour) * hour - 10 * hour;

    // A winning round trip closed by the strategy …
    await decide(bot, t0, 'long');
    sim.venue.setPrice(BOT_SYMBOL, 50_600);
    await decide(bot, t0 + hour, 'close_long');
    // … a losing one closed by its stop-loss (1 % under the entry) …
    await decide(bot, t0 + 2 * hour, 'long');
    sim.venue.setPrice(BOT_SYMBOL, 49_000);
    await until('the stop-loss to close the position', async () =>
      (await positionOf(BOT_SYMBOL)) === undefined ? true : undefined,
    );
    // … and a third still open.
    await decide(bot, t0 + 3 * hour, 'short');
    // A webhook alert trades another symbol on the same account: not the bot's.
    for (const action of ['long', 'close_long']) {
      const sent = await app.inject({
        method: 'POST',
        url: '/api/v1/webhook/tradingview',
        payload: {
          account_id: account.id,
          secret: webhookSecret,
          exchange: 'binance',
          symbol: OTHER,
          action,
          leverage: 2,
          size_usdt: 300,
          sl_atr: 0,
          tp_atr: 0,
        },
      });
      expect(sent.statusCode, sent.body).toBe(200);
    }
    sim.venue.setPrice(OTHER, 3_100);

    const venueFills = await sim.venue.fillsSince({ since: 0 });
    await until('the account mirror to record every fill', async () => {
      const [row] = await database.db
        .select({ n: count() })
        .from(fills)
        .where(eq(fills.accountId, account.id));
      return Number(row?.n ?? 0) === venueFills.length ? true : undefined;
    });
    const own = venueFills.filter((f) => f.venueSymbol === BOT_SYMBOL);
    expect(venueFills.length).toBeGreaterThan(own.length);
    expect(own.some((f) => f.cause === 'trigger')).toBe(true);
    const sum = (key: 'realizedPnl' | 'fee') => own.reduce((total, f) => total + Number(f[key]), 0);

    const list = await app.inject({ method: 'GET', url: '/api/v1/bots', headers: auth });
    const pnl = (list.json() as { bots: Array<{ id: string; pnl: Record<string, unknown> }> }).bots.find(
      (b) => b.id === botId,
    )!.pnl;
    expect(pnl).toMatchObject({ closed_trades: 2, open_trades: 1, wins: 1 });
    expect(Number(pnl.realized_pnl)).toBeCloseTo(sum('realizedPnl'), 6);
    expect(Number(pnl.fees)).toBeCloseTo(sum('fee'), 6);
    expect(Number(pnl.net_pnl)).toBeCloseTo(sum('realizedPnl') - sum('fee'), 6);
    expect(sum('realizedPnl')).not.toBe(0);
    // The detail states the same.
    const detail = await app.inject({ method: 'GET', url: `/api/v1/bots/${botId}`, headers: auth });
    expect((detail.json() as { pnl: unknown }).pnl).toEqual(pnl);
  }, 90_000);
});
