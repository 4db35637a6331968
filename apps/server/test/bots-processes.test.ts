import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  LiveStrategy,
  getStrategy,
  resolveParams,
  warmupBars,
  type CandleRow,
  type LiveAction,
} from '@tradingbot/engine';
import { startBinanceSimulator, type BinanceSimulator } from '@tradingbot/exchange/sim';
import { generateSecrets } from '../src/crypto/credentials.ts';
import {
  KEY,
  SECRET,
  TEST_DATABASE_URL,
  api,
  startProcess,
  stopProcess,
  storage,
  until,
  userWithAccount,
  type Server,
} from './support/server-process.ts';
import { marketClock } from './support/market-clock.ts';
import { sampleRows } from './support/sample-bars.ts';

/*
 * Issue 20: kill -9 the process running a bot mid-stream, restart it. A real server process
 * (test/support/serve-market-clock.ts: `tradingbot serve`'s start-up, with the market clock of the
 * replayed candles read from a file this test moves) runs an ema_cross bot on the Binance
 * simulator, which streams the vendored real hourly klines bar by bar. On a bar whose signal trades,
 * the process is killed with SIGKILL while its entry order is at the venue (accepted, the answer
 * held back); more bars close while nobody runs the bot; a new process on the same database
 * finishes the signal and catches up. Judged by the bot's recorded decisions and by what reached the
 * simulator: every bar the strategy acts on has exactly one decision (sent, or skipped with the
 * catch-up reason — none missing, none doubled) and every order of every sent signal reached the
 * venue once. Waits for conditions, asserts no timings.
 */

const SERVE_MARKET_CLOCK = resolve(dirname(fileURLToPath(import.meta.url)), 'support/serve-market-clock.ts');
const SYMBOL = 'BTCUSDT';
const STRATEGY = 'ema_cross';
/** Short EMAs: a signal every few bars, and a short warm-up. */
const PARAMS = { fastLength: 3, slowLength: 8 };
/** Bars streamed after the warm-up. */
const LIVE_BARS = 30;

type Decision = {
  bar_time: number;
  action: LiveAction;
  outcome: 'sent' | 'skipped';
  reason: string | null;
  signal_id: string | null;
  signal_status: string | null;
};
type BotDetail = { last_bar_time: number | null; status: string; position: string; decisions: Decision[] };

const ROWS = sampleRows();
const declaration = getStrategy(STRATEGY);
const WARMUP = warmupBars(declaration, resolveParams(declaration, PARAMS));

/** The actions of a bot that starts flat on bar `start` and is never interrupted (its position follows them). */
function uninterruptedActions(start: number): Array<LiveAction | null> {
  const live = new LiveStrategy(declaration, PARAMS);
  for (let i = 0; i < start; i++) live.update(ROWS[i]!);
  live.setPosition('flat');
  return ROWS.slice(start, start + LIVE_BARS).map((row) => live.update(row).action);
}

/**
 * Where to start and kill: the first live bar (after the warm-up), a bar K a few bars in whose
 * action trades, followed closely by another action (bar J), so that the bars closing while the
 * process is down (K+1 … J+1) hold an action the catch-up must record as skipped.
 */
function killPlan(): { start: number; kill: number; down: number } {
  for (let start = WARMUP + 3; start < WARMUP + 100; start++) {
    const actions = uninterruptedActions(start);
    for (let k = 4; k < LIVE_BARS - 8; k++) {
      if (actions[k] === null) continue;
      for (let j = k + 1; j <= k + 3; j++)
        if (actions[j] !== null) return { start, kill: start + k, down: j - k + 1 };
    }
  }
  throw new Error('no pair of close actions in the sample');
}
const PLAN = killPlan();
const START = PLAN.start;
const LAST = START + LIVE_BARS;

const dirs: string[] = [];
/** Every process started: none outlives the test, even one that failed or timed out. */
const started: Server[] = [];
afterAll(async () => {
  for (const server of started) await stopProcess(server, 'SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const start = async (env: Record<string, string>) => {
  const server = await startProcess(env, SERVE_MARKET_CLOCK);
  started.push(server);
  return server;
};

async function botDetail(server: Server, token: string, botId: string): Promise<BotDetail | undefined> {
  const answer = await api(server, `/api/v1/bots/${botId}`, { token });
  return answer.status === 200 ? (answer.body as unknown as BotDetail) : undefined;
}

/** The bot has evaluated the bar and none of its signals is still running. */
function settled(server: Server, token: string, botId: string, barTime: number) {
  return until(`the bot to finish the bar at ${new Date(barTime).toISOString()}`, async () => {
    const bot = await botDetail(server, token, botId);
    if (bot?.last_bar_time !== barTime || bot.status !== 'running') return undefined;
    const busy = bot.decisions.some(
      (d) => d.outcome === 'sent' && (d.signal_status === 'received' || d.signal_status === 'executing'),
    );
    return busy ? undefined : bot;
  });
}

/** Checks the decisions against the strategy bar by bar, following what the bot really did. */
function checkDecisions(decisions: Decision[], plan: typeof PLAN) {
  const byBar = new Map<number, Decision>();
  for (const d of decisions) {
    expect(byBar.has(d.bar_time), `two decisions on ${new Date(d.bar_time).toISOString()}`).toBe(false);
    byBar.set(d.bar_time, d);
  }
  const live = new LiveStrategy(declaration, PARAMS);
  for (let i = 0; i < START; i++) live.update(ROWS[i]!);
  live.setPosition('flat');
  let caughtUp = 0;
  for (let i = START; i < LAST; i++) {
    const before = live.position;
    const { action } = live.update(ROWS[i]!);
    const decision = byBar.get(ROWS[i]!.time);
    const at = `bar ${i} (${new Date(ROWS[i]!.time).toISOString()})`;
    if (action === null) {
      expect(decision, at).toBeUndefined();
      continue;
    }
    expect(decision, `${at}: ${action} has no decision`).toMatchObject({ action });
    // Closed while the process was down and not the latest when it came back: recorded, not traded.
    if (i > plan.kill && i < plan.kill + plan.down) {
      expect(decision, at).toMatchObject({ outcome: 'skipped', signal_id: null });
      expect(decision!.reason, at).toMatch(/^catch-up/);
      live.setPosition(before);
      caughtUp++;
    } else {
      expect(decision, at).toMatchObject({ outcome: 'sent' });
    }
  }
  expect(byBar.size).toBe(decisions.length);
  return caughtUp;
}

/** Every order of every sent signal reached the venue once, and no other order did. */
async function checkOrders(server: Server, token: string, sim: BinanceSimulator, decisions: Decision[]) {
  const ids = new Set<string>();
  for (const d of decisions.filter((x) => x.outcome === 'sent')) {
    const signal = await api(server, `/api/v1/signals/${d.signal_id}`, { token });
    expect(signal.body.status, JSON.stringify(signal.body.result)).toBe('executed');
    for (const order of signal.body.orders as Array<{ client_order_id: string }>)
      ids.add(order.client_order_id);
  }
  const posted = sim.requests
    .filter((r) => r.method === 'POST' && r.path === '/fapi/v1/order')
    .map((r) => new URLSearchParams(`${r.query}&${r.body}`).get('newClientOrderId'));
  // (the killed process's entry counts: the venue took it, the process never heard back)
  expect(posted.filter((id) => !ids.has(id ?? ''))).toEqual([]);
  expect(new Set(posted).size).toBe(posted.length);
  return posted.length;
}

describe(`a bot's server process killed mid-stream (${TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('restarted, it trades no bar twice and skips none silently', { timeout: 90_000 }, async () => {
    const plan = PLAN;
    const clockDir = mkdtempSync(join(tmpdir(), 'tb-bot-clock-'));
    dirs.push(clockDir);
    const clock = marketClock(clockDir, ROWS[START]!.time);
    // The venue serves closed bars only: each is added as it closes.
    const served: CandleRow[] = ROWS.slice(0, START).map((r) => ({ ...r }));
    const sim = await startBinanceSimulator({
      host: '127.0.0.1',
      port: 0,
      apiKey: KEY,
      apiSecret: SECRET,
      now: clock.now,
      balance: 100_000,
      candles: { [SYMBOL]: served },
      prices: { [SYMBOL]: ROWS[START]!.open },
      weightLimit: 1_000_000,
    });
    sim.venue.setPrice(SYMBOL, ROWS[START]!.open, clock.now());
    const store = await storage();
    const env = {
      ...generateSecrets(),
      ...store.env,
      BINANCE_BASE_URL: sim.url,
      BOTS_ENABLED: 'true',
      BOT_LEASE_MS: '1500',
      SIGNAL_LEASE_MS: '1500',
      // This test polls the API while it waits.
      API_RATE_LIMIT: '1000000',
      TEST_MARKET_CLOCK_FILE: clock.file,
    };
    let server = await start(env);
    try {
      const account = await userWithAccount(server, 'bot-killed@example.com');
      const created = await api(server, '/api/v1/bots', {
        token: account.token,
        body: {
          account_id: account.id,
          strategy: STRATEGY,
          params: PARAMS,
          symbol: SYMBOL,
          timeframe: '1h',
          plan: { sl_atr: 0, tp_atr: 0, size_pct: 10, leverage: 2 },
          start: true,
        },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const botId = created.body.id as string;
      await settled(server, account.token, botId, ROWS[START - 1]!.time);

      for (let k = START; k <= LAST; k++) {
        const closing = k - 1;
        if (k > START) {
          const requestsBefore = sim.requests.length;
          // The kill bar's entry is accepted by the venue and its answer held back: the process dies then.
          if (closing === plan.kill)
            sim.faults.add({
              kind: 'delay_after_accept',
              path: '/fapi/v1/order',
              method: 'POST',
              ms: 30_000,
            });
          clock.set(ROWS[k]!.time);
          served.push({ ...ROWS[closing]! });
          sim.venue.setPrice(SYMBOL, ROWS[k]!.open, ROWS[k]!.time); // closes the bar on the stream
          if (closing === plan.kill) {
            await until('the kill bar’s order to reach the venue', async () =>
              sim.requests
                .slice(requestsBefore)
                .some((r) => r.method === 'POST' && r.path === '/fapi/v1/order')
                ? true
                : undefined,
            );
            await stopProcess(server, 'SIGKILL');
            sim.faults.clear();
          } else if (closing === plan.kill + plan.down) {
            server = await start(env);
            await settled(server, account.token, botId, ROWS[closing]!.time);
          } else if (closing < plan.kill || closing > plan.kill + plan.down) {
            await settled(server, account.token, botId, ROWS[closing]!.time);
          }
        }
        if (k < LAST)
          sim.venue.applyCandle(SYMBOL, {
            openTime: ROWS[k]!.time,
            open: ROWS[k]!.open,
            high: ROWS[k]!.high,
            low: ROWS[k]!.low,
            close: ROWS[k]!.close,
          });
      }

      const bot = (await botDetail(server, account.token, botId))!;
      expect(bot.last_bar_time).toBe(ROWS[LAST - 1]!.time);
      expect(checkDecisions(bot.decisions, plan)).toBeGreaterThanOrEqual(1);
      expect(await checkOrders(server, account.token, sim, bot.decisions)).toBeGreaterThanOrEqual(3);
      // The bot's idea of its position is the venue's.
      const held = (await sim.venue.positions(SYMBOL)).find((p) => Number(p.qty) !== 0);
      const venueSide = held === undefined ? 'flat' : Number(held.qty) > 0 ? 'long' : 'short';
      expect(bot.position).toBe(venueSide);
    } finally {
      await stopProcess(server);
      await sim.close();
      await store.close();
    }
  });
});
