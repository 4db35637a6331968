import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { eq, inArray } from 'drizzle-orm';
import { botDecisions, migrate, openTestDatabase, signals } from '@tradingbot/db';
import {
  backtestStrategy,
  getStrategy,
  resolveBacktestOptions,
  resolveParams,
  seriesFromRows,
  warmupBars,
  type CandleRow,
} from '@tradingbot/engine';
import type { VenueFill } from '@tradingbot/exchange';
import { startBinanceSimulator, startOkxSimulator } from '@tradingbot/exchange/sim';
import { buildApp } from '../src/app.ts';
import { createExchangeFactory } from '../src/exchange-factory.ts';
import { TEST_DATABASE_URL, signUp, testConfig } from './helpers.ts';
import { HOUR, sampleRows } from './support/sample-bars.ts';

/*
 * Issue 20 item 3, the replay parity test: a simulator streams real hourly klines (the vendored
 * BTCUSDT sample, packages/engine/test/fixtures) bar by bar through its real WebSocket dialect, a
 * bot trades the simulator through the whole server (warm-up from REST history, closed klines from
 * the market stream, signals through the webhook's worker and executor), and the round trips the
 * venue's fills make equal `tradingbot backtest` on the same bars: entries, exits and exit reasons
 * bar for bar, prices equal but for real fills.
 *
 * The driver plays each bar as a venue would: the next bar's open price arrives first (it closes
 * the bar before on the stream, and a market order sent on that close fills there — the
 * backtester's "decided on the close, filled at the next open"), then the bar's path (open →
 * nearer extreme → other extreme → close) moves the venue, where stops and take-profits trigger.
 * Percent exits: the executor reads no venue ATR, whose closed bars the client judges by its
 * server-time estimate, which lags a clock that jumps an hour per bar.
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const CLI = join(ROOT, 'apps/cli/bin/tradingbot.js');
const KEYS = {
  binance: { key: 'R'.repeat(32) + 'r'.repeat(32), secret: 'S'.repeat(32) + 's'.repeat(32) },
  okx: { key: '6f1d2c3b-4a59-4e7d-8c1b-2a3f4e5d6c70', secret: '0A1B2C3D4E5F60718293A4B5C6D7E8F0' },
};
const PASSPHRASE = 'Replay-Passphrase-1';
/** Bars replayed live after the warm-up. */
const LIVE_BARS = 120;

type RoundTrip = {
  side: 'long' | 'short';
  entryTime: number;
  exitTime: number | null;
  exitReason: string | null;
};
type Case = {
  venue: 'binance' | 'okx';
  strategy: string;
  plan: Record<string, number>;
  /** `tradingbot backtest` flags stating the same plan. */
  flags: string[];
};

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** `tradingbot backtest --json` on the bars, as a user would run it. */
function cliBacktest(rows: CandleRow[], testCase: Case) {
  const dir = mkdtempSync(join(tmpdir(), 'tb-bot-replay-'));
  dirs.push(dir);
  const file = join(dir, 'bars.csv');
  writeFileSync(
    file,
    `time,open,high,low,close,volume\n${rows.map((r) => [r.time, r.open, r.high, r.low, r.close, r.volume].join(',')).join('\n')}\n`,
  );
  const run = spawnSync(
    process.execPath,
    [
      CLI,
      'backtest',
      '--strategy',
      testCase.strategy,
      '--data',
      file,
      '--json',
      '--trades',
      '100000',
      ...testCase.flags,
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`tradingbot backtest failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as {
    trades: Array<{
      side: 'long' | 'short';
      entryTime: number;
      entryPrice: number;
      exitTime: number;
      exitPrice: number;
      exitReason: string;
    }>;
    openTrade: { side: 'long' | 'short'; entryTime: number; entryPrice: number } | null;
  };
}

/**
 * Where the live replay starts: after the strategy's warm-up, on a bar where the backtest holds no
 * position (the bot starts flat), with at least a few trades in the live stretch.
 */
function replayStart(rows: CandleRow[], testCase: Case): number {
  const declaration = getStrategy(testCase.strategy);
  const warmup = warmupBars(declaration, resolveParams(declaration, {}));
  const options = resolveBacktestOptions({
    ...(testCase.plan.sl_pct ? { stopLoss: { type: 'percent', percent: testCase.plan.sl_pct } } : {}),
    ...(testCase.plan.tp_pct ? { takeProfit: { type: 'percent', percent: testCase.plan.tp_pct } } : {}),
  });
  const { trades } = backtestStrategy(declaration, seriesFromRows(rows, 'sample', HOUR), {}, options).result;
  for (let s = warmup + 5; s + LIVE_BARS < rows.length; s++) {
    const holding = trades.some((t) => t.entryBar <= s && (t.exitBar > s || t.entryBar === s));
    const ahead = trades.filter((t) => t.entryBar > s && t.entryBar < s + LIVE_BARS).length;
    if (!holding && ahead >= 3) return s;
  }
  throw new Error(`no flat start with trades ahead for ${testCase.strategy}`);
}

/** The venue's fills as round trips (one-way account): what the bot really traded. */
function roundTrips(fills: VenueFill[]): RoundTrip[] {
  const trips: RoundTrip[] = [];
  let position = 0;
  let open: RoundTrip | undefined;
  for (const fill of [...fills].sort((a, b) => a.time - b.time)) {
    const bar = Math.floor(fill.time / HOUR) * HOUR;
    const qty = (fill.side === 'buy' ? 1 : -1) * Number(fill.qty);
    if (position === 0 || Math.sign(qty) === Math.sign(position)) {
      if (position === 0)
        open = { side: qty > 0 ? 'long' : 'short', entryTime: bar, exitTime: null, exitReason: null };
      position += qty;
      continue;
    }
    position += qty;
    if (Math.abs(position) < 1e-9) {
      position = 0;
      open!.exitTime = bar;
      open!.exitReason = fill.cause === 'trigger' ? (fill.trigger ?? 'trigger') : 'signal';
      trips.push(open!);
      open = undefined;
    }
  }
  if (open) trips.push(open);
  // A signal exit followed on its bar by an entry the other way is the backtester's reversal.
  for (let i = 0; i + 1 < trips.length; i++) {
    const [a, b] = [trips[i]!, trips[i + 1]!];
    if (a.exitReason === 'signal' && a.exitTime === b.entryTime && a.side !== b.side)
      a.exitReason = 'reverse';
  }
  return trips;
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Options of one replay: `handOverAt` crashes the process running the bot that many bars in. */
type ReplayOptions = { handOverAt?: number };

async function replay(
  testCase: Case,
  options: ReplayOptions = {},
): Promise<{
  bot: RoundTrip[];
  backtest: RoundTrip[];
  prices: Array<[number, number]>;
  holders: Set<string>;
}> {
  const all = sampleRows();
  const start = replayStart(all, testCase);
  const rows = all.slice(0, start + LIVE_BARS + 1);
  const symbol = testCase.venue === 'okx' ? 'BTC-USDT-SWAP' : 'BTCUSDT';
  let clock = rows[start]!.time;
  const simOptions = {
    port: 0,
    host: '127.0.0.1',
    apiKey: KEYS[testCase.venue].key,
    apiSecret: KEYS[testCase.venue].secret,
    now: () => clock,
    balance: 100_000,
    candles: { [symbol]: rows.map((r) => ({ ...r })) },
    prices: { [symbol]: rows[start]!.open },
  };
  const sim =
    testCase.venue === 'okx'
      ? await startOkxSimulator({ ...simOptions, passphrase: PASSPHRASE })
      : await startBinanceSimulator(simOptions);
  const database = await openTestDatabase(TEST_DATABASE_URL);
  const apps: FastifyInstance[] = [];
  try {
    await migrate(database);
    sim.venue.setPrice(symbol, rows[start]!.open, clock);
    // One deployment: every server process shares the configuration (key ring) and the database.
    const config = testConfig({ BOTS_ENABLED: 'true' });
    const processes = options.handOverAt === undefined ? 1 : 2;
    for (let i = 0; i < processes; i++) {
      const app = await buildApp({
        config,
        database,
        logStream: new Writable({ write: (_c, _e, done) => done() }),
        connectExchange: createExchangeFactory({
          baseUrls: { [testCase.venue]: sim.url },
          requestTimeoutMs: 5_000,
        }),
        bots: { now: () => clock, sweepIntervalMs: 100, leaseMs: 1_500, settleMs: 10_000 },
        worker: { sweepIntervalMs: 200 },
      });
      await app.ready();
      apps.push(app);
    }
    const app = apps[0]!;
    const user = await signUp(app, `replay-${testCase.venue}-${testCase.strategy}@example.com`);
    const registered = await app.inject({
      method: 'POST',
      url: '/api/v1/accounts-secure/register',
      headers: user.auth,
      payload: {
        exchange: testCase.venue,
        api_key: KEYS[testCase.venue].key,
        api_secret: KEYS[testCase.venue].secret,
        ...(testCase.venue === 'okx' ? { passphrase: PASSPHRASE } : {}),
      },
    });
    expect(registered.statusCode, registered.body).toBe(200);
    const accountId = (registered.json() as { id: string }).id;
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/bots',
      headers: user.auth,
      payload: {
        account_id: accountId,
        strategy: testCase.strategy,
        symbol,
        timeframe: '1h',
        plan: testCase.plan,
        start: true,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const botId = (created.json() as { id: string }).id;

    const alive = new Set(apps);
    const holders = new Set<string>();
    /** The one process running the bot; two at once fails the test. */
    const running = () => {
      const runs = [...alive].filter((a) => a.bots?.session(botId) !== undefined);
      expect(runs.length).toBeLessThanOrEqual(1);
      if (runs[0]) holders.add(runs[0].bots!.holder);
      return runs[0];
    };
    const settled = (barTime: number) =>
      until(`the bot to finish the bar at ${new Date(barTime).toISOString()}`, async () => {
        const session = running()?.bots?.session(botId);
        if (session?.lastBar !== barTime) return false;
        const open = await database.db
          .select({ id: signals.id })
          .from(signals)
          .where(inArray(signals.status, ['received', 'executing']));
        return open.length === 0;
      });
    await settled(rows[start - 1]!.time); // warmed up on the history before the live stretch

    for (let k = start; k < rows.length; k++) {
      const bar = rows[k]!;
      if (k > start) {
        clock = bar.time;
        sim.venue.setPrice(symbol, bar.open, bar.time); // the bar before closes on the stream
        await settled(rows[k - 1]!.time);
      }
      if (k < rows.length - 1) {
        sim.venue.applyCandle(symbol, {
          openTime: bar.time,
          open: bar.open,
          high: bar.high,
          low: bar.low,
          close: bar.close,
        });
      }
      if (options.handOverAt !== undefined && k === start + options.handOverAt) {
        // The process running the bot dies (its lease is neither renewed nor let go): the next bar
        // closes while nobody runs the bot; the other process takes it over once the lease expires.
        const holder = running()!;
        await holder.bots!.halt();
        alive.delete(holder);
      }
    }

    const fills = await sim.venue.fillsSince({ since: 0 });
    const cli = cliBacktest(rows, testCase);
    const firstLive = rows[start + 1]!.time;
    const backtest: RoundTrip[] = [
      ...cli.trades.map((tr) => ({
        side: tr.side,
        entryTime: tr.entryTime,
        exitTime: tr.exitTime,
        exitReason: tr.exitReason,
      })),
      ...(cli.openTrade
        ? [{ side: cli.openTrade.side, entryTime: cli.openTrade.entryTime, exitTime: null, exitReason: null }]
        : []),
    ].filter((tr) => tr.entryTime >= firstLive);
    const prices: Array<[number, number]> = [];
    for (const tr of cli.trades.filter((x) => x.entryTime >= firstLive)) {
      const entry = fills.find((f) => Math.floor(f.time / HOUR) * HOUR === tr.entryTime);
      if (entry) prices.push([Number(entry.price), tr.entryPrice]);
    }
    // Each decision once: one signal per bar and action, and every signal recorded as a decision.
    const sent = await database.db.select().from(botDecisions).where(eq(botDecisions.outcome, 'sent'));
    const rowsOfSignals = await database.db.select({ key: signals.idempotencyKey }).from(signals);
    expect(new Set(rowsOfSignals.map((r) => r.key)).size).toBe(rowsOfSignals.length);
    expect(rowsOfSignals.length).toBe(sent.length);
    return { bot: roundTrips(fills), backtest, prices, holders };
  } finally {
    for (const app of apps) await app.close();
    await database.close();
    await sim.close();
  }
}

const CASES: Case[] = [
  {
    venue: 'binance',
    strategy: 'ema_cross',
    plan: { sl_pct: 2, tp_pct: 4 },
    flags: ['--sl-pct', '2', '--tp-pct', '4'],
  },
  {
    venue: 'binance',
    strategy: 'supertrend',
    plan: { sl_pct: 1, tp_atr: 0 },
    flags: ['--sl-pct', '1', '--tp-atr', '0'],
  },
  {
    venue: 'okx',
    strategy: 'macd_stoch',
    plan: { sl_pct: 1.5, tp_atr: 0 },
    flags: ['--sl-pct', '1.5', '--tp-atr', '0'],
  },
  {
    venue: 'okx',
    strategy: 'ema_cross',
    plan: { sl_atr: 0, tp_pct: 3 },
    flags: ['--sl-atr', '0', '--tp-pct', '3'],
  },
];

describe('a bot trading the simulator makes the round trips of `tradingbot backtest` on the same bars', () => {
  for (const testCase of CASES) {
    it(
      `${testCase.strategy} on ${testCase.venue} (${testCase.flags.join(' ')})`,
      { timeout: 480_000 },
      async () => {
        const { bot, backtest, prices } = await replay(testCase);
        expect(backtest.length).toBeGreaterThanOrEqual(3);
        expect(bot).toEqual(backtest);
        // The market entries filled at the bar's open, as the backtester's did (no slippage on either side).
        for (const [filled, tested] of prices) expect(Math.abs(filled - tested) / tested).toBeLessThan(1e-6);
      },
    );
  }

  it(
    'two processes: exactly one runs the bot; when it dies mid-stream the other takes over, and no bar is traded twice or skipped',
    { timeout: 480_000 },
    async () => {
      const { bot, backtest, holders } = await replay(CASES[0]!, { handOverAt: 40 });
      expect(holders.size).toBe(2);
      expect(backtest.length).toBeGreaterThanOrEqual(3);
      expect(bot).toEqual(backtest);
    },
  );
});
