/**
 * `npm run bench:bots` (issue 20): one server process running BENCH_BOTS strategy bots (default
 * 500: the six strategies with their default parameters, BENCH_BOTS_PER_ACCOUNT per user and account
 * (default 100, the most a user may define), one symbol per account) on 1m candles, fed by the Binance wire simulator's kline stream (in this process, with
 * the paper venue behind it). The server is `tradingbot serve`'s start-up on PGlite
 * (apps/server/test/support/serve-market-clock.ts): its bots read the market clock of the replayed
 * candles from a file, so BENCH_BARS one-minute bars replay in seconds. Measured:
 *  - the server's CPU: at rest (bots running, no bar closing) and per closed bar (all bots
 *    evaluating it, their signals executed), as a share of one core at the real pace of one bar a
 *    minute; its RSS (now and peak);
 *  - closed kline → entry order at the venue: from the moment the simulator closes the bar on its
 *    stream to the order's arrival, every order of every bar (p50, p99);
 *  - peers measured in the same run: a bare loop updating the same strategies (`LiveStrategy`,
 *    in this process) per bar, and the webhook path (an alert → its order at the venue).
 * Not part of `npm test`; numbers depend on the machine (README records one run).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LiveStrategy, STRATEGIES, resolveParams, warmupBars, type CandleRow } from '@tradingbot/engine';
import { startBinanceSimulator } from '@tradingbot/exchange/sim';
import { generateSecrets } from '../apps/server/src/crypto/credentials.ts';
import { marketClock } from '../apps/server/test/support/market-clock.ts';
import {
  api,
  startProcess,
  stopProcess,
  userWithAccount,
  type Server,
} from '../apps/server/test/support/server-process.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SERVE = join(ROOT, 'apps/server/test/support/serve-market-clock.ts');
const KEY = 'B'.repeat(32) + 'o'.repeat(32);
const SECRET = 'T'.repeat(32) + 's'.repeat(32);
const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT', 'DOGEUSDT'];
const PRICES = [50_000, 3_000, 150, 0.5, 0.1];
const BOTS = Number(process.env.BENCH_BOTS ?? 500);
const BARS = Number(process.env.BENCH_BARS ?? 20);
const PER_ACCOUNT = Number(process.env.BENCH_BOTS_PER_ACCOUNT ?? 100);
const MINUTE = 60_000;
/** Wall time given to each bar before its CPU is read (the bots' work is done well within it). */
const BAR_WINDOW_MS = Number(process.env.BENCH_BAR_WINDOW_MS ?? 2_000);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
const ms = (value: number) => `${value.toFixed(1)} ms`;
function summary(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return `${label.padEnd(46)} p50 ${ms(percentile(sorted, 50)).padStart(9)}   p99 ${ms(percentile(sorted, 99)).padStart(9)}   (n=${samples.length})`;
}
const sleep = (msToWait: number) => new Promise((done) => setTimeout(done, msToWait));

/** User and system CPU time of a process so far (ms), from /proc (Linux). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks of 1/100 s
}
/** Resident set size now and at its peak (MB), from /proc (Linux). */
function rssMb(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** A seeded random walk of one-minute candles per symbol (crossings enough for every strategy). */
function candles(count: number, start: number): CandleRow[][] {
  let seed = 42;
  const random = () => ((seed = (seed * 16_807) % 2_147_483_647) - 1) / 2_147_483_646;
  return PRICES.map((first) => {
    const rows: CandleRow[] = [];
    let price = first;
    let drift = 0;
    for (let i = 0; i < count; i++) {
      if (i % 15 === 0) drift = (random() - 0.5) * 0.004;
      const open = price;
      const close = open * (1 + drift + (random() - 0.5) * 0.004);
      const high = Math.max(open, close) * (1 + random() * 0.001);
      const low = Math.min(open, close) * (1 - random() * 0.001);
      rows.push({ time: start + i * MINUTE, open, high, low, close, volume: 10 + random() * 10 });
      price = close;
    }
    return rows;
  });
}

/** Users, each with an account on the simulator's keys and its 100 bots on one symbol. */
async function createBots(server: Server) {
  const users: Array<{ token: string; account: string; secret: string }> = [];
  for (let u = 0; u * PER_ACCOUNT < BOTS; u++) {
    const { token, id, secret } = await userWithAccount(server, `bench-bots-${u}@example.com`, {
      key: KEY,
      secret: SECRET,
    });
    users.push({ token, account: id, secret });
    for (let b = 0; b < PER_ACCOUNT && u * PER_ACCOUNT + b < BOTS; b++) {
      const created = await api(server, '/api/v1/bots', {
        token,
        body: {
          account_id: id,
          strategy: STRATEGIES[b % STRATEGIES.length]!.id,
          symbol: SYMBOLS[u % SYMBOLS.length],
          timeframe: '1m',
          plan: { sl_atr: 0, tp_atr: 0, size_pct: 1, leverage: 2 },
          start: true,
        },
      });
      if (created.status !== 201) throw new Error(`bot: ${JSON.stringify(created.body)}`);
    }
  }
  return users;
}

type Bot = { last_bar_time: number | null; status: string; status_reason: string | null };
/** Every bot has evaluated the bar (polled: outside the CPU windows). */
async function settled(server: Server, users: Array<{ token: string }>, barTime: number) {
  const deadline = Date.now() + 600_000;
  for (;;) {
    let done = 0;
    let errors = '';
    for (const user of users) {
      const list = await api(server, '/api/v1/bots', { token: user.token });
      if (list.status !== 200) continue;
      const bots = list.body.bots as Bot[];
      done += bots.filter((b) => b.last_bar_time === barTime).length;
      for (const b of bots) if (b.status === 'error') errors = `an error: ${b.status_reason}`;
    }
    if (done === BOTS) return;
    if (Date.now() > deadline)
      throw new Error(`${done} of ${BOTS} bots evaluated the bar at ${barTime}; ${errors}`);
    await sleep(250);
  }
}

/** The bare loop: the same strategies updated on the same bars, CPU ms per bar (this process). */
function bareLoop(rows: CandleRow[][], from: number, to: number): number {
  const strategies = Array.from({ length: BOTS }, (_, i) => ({
    live: new LiveStrategy(STRATEGIES[(i % PER_ACCOUNT) % STRATEGIES.length]!),
    symbol: Math.floor(i / PER_ACCOUNT) % SYMBOLS.length,
  }));
  for (let i = 0; i < from; i++) for (const s of strategies) s.live.update(rows[s.symbol]![i]!);
  const before = process.cpuUsage();
  for (let i = from; i < to; i++) for (const s of strategies) s.live.update(rows[s.symbol]![i]!);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / (to - from);
}

async function main() {
  const warmup = Math.max(...STRATEGIES.map((d) => warmupBars(d, resolveParams(d, {}))));
  const first = warmup + 5;
  const start = Math.floor(Date.UTC(2026, 0, 1) / MINUTE) * MINUTE;
  const rows = candles(first + BARS + 1, start);
  const dir = mkdtempSync(join(tmpdir(), 'tb-bench-bots-'));
  const clock = marketClock(dir, rows[0]![first]!.time);
  // The venue serves closed bars only: each is added as it closes.
  const served = rows.map((r) => r.slice(0, first).map((c) => ({ ...c })));
  const sim = await startBinanceSimulator({
    host: '127.0.0.1',
    port: 0,
    apiKey: KEY,
    apiSecret: SECRET,
    now: clock.now,
    balance: 10_000_000,
    candles: Object.fromEntries(SYMBOLS.map((s, i) => [s, served[i]!])),
    prices: Object.fromEntries(SYMBOLS.map((s, i) => [s, rows[i]![first]!.open])),
    weightLimit: 100_000_000,
  });
  for (const [i, s] of SYMBOLS.entries()) sim.venue.setPrice(s, rows[i]![first]!.open, clock.now());
  const env = {
    ...generateSecrets(),
    DATA_DIR: join(dir, 'data'),
    BINANCE_BASE_URL: sim.url,
    BOTS_ENABLED: 'true',
    API_RATE_LIMIT: '100000000',
    WEBHOOK_RATE_LIMIT: '100000000',
    TEST_MARKET_CLOCK_FILE: clock.file,
  };
  const server = await startProcess(env, SERVE);
  const pid = server.process.pid!;
  try {
    console.log(
      `bench:bots — ${BOTS} bots (${STRATEGIES.length} strategies), 1m candles, ${BARS} bars; warm-up ${warmup} bars`,
    );
    const users = await createBots(server);
    await settled(server, users, rows[0]![first - 1]!.time);
    console.log(`  ${BOTS} bots running (RSS ${rssMb(pid).now.toFixed(0)} MB)`);

    // At rest: the bots wait for a bar.
    const restWindow = 10_000;
    let cpu = cpuMs(pid);
    await sleep(restWindow);
    const restRate = (cpuMs(pid) - cpu) / restWindow;

    // Each bar's path moves the venue (its stream's bar), as a market does between two closes.
    const applyBar = (k: number) => {
      for (const [i, s] of SYMBOLS.entries()) {
        const bar = rows[i]![k]!;
        sim.venue.applyCandle(s, {
          openTime: bar.time,
          open: bar.open,
          high: bar.high,
          low: bar.low,
          close: bar.close,
        });
      }
    };
    applyBar(first);
    const latencies: number[] = [];
    const barCpu: number[] = [];
    for (let k = first + 1; k <= first + BARS; k++) {
      const before = sim.requests.length;
      clock.set(rows[0]![k]!.time);
      cpu = cpuMs(pid);
      const closedAt = new Map<string, number>();
      for (const [i, s] of SYMBOLS.entries()) {
        served[i]!.push({ ...rows[i]![k - 1]! });
        closedAt.set(s, performance.now());
        sim.venue.setPrice(s, rows[i]![k]!.open, rows[i]![k]!.time); // closes bar k-1 on the stream
      }
      await sleep(BAR_WINDOW_MS);
      barCpu.push(cpuMs(pid) - cpu);
      await settled(server, users, rows[0]![k - 1]!.time);
      for (const r of sim.requests.slice(before)) {
        if (r.method !== 'POST' || r.path !== '/fapi/v1/order' || r.at === undefined) continue;
        const symbol = new URLSearchParams(`${r.query}&${r.body}`).get('symbol') ?? '';
        const at = closedAt.get(symbol);
        if (at !== undefined) latencies.push(r.at - at);
      }
      applyBar(k);
    }
    const rss = rssMb(pid);
    const perBar = barCpu.reduce((a, b) => a + b, 0) / barCpu.length;
    const barWork = Math.max(0, perBar - restRate * BAR_WINDOW_MS);
    const share = (restRate + barWork / MINUTE) * 100;
    const bare = bareLoop(rows, first, first + BARS);

    // The webhook path on the same server: an alert → its order at the venue (open, close, …).
    const webhook: number[] = [];
    const user = users[0]!;
    for (let n = 0; n < 40; n++) {
      const before = sim.requests.length;
      const sent = performance.now();
      const answer = await api(server, '/api/v1/webhook/tradingview', {
        body: {
          account_id: user.account,
          secret: user.secret,
          exchange: 'binance',
          symbol: SYMBOLS[0],
          action: n % 2 === 0 ? 'short' : 'close_short',
          id: `bench-bots-webhook-${n}`,
          leverage: 2,
          size_usdt: 100,
          sl_atr: 0,
          tp_atr: 0,
        },
      });
      const order = sim.requests
        .slice(before)
        .find((r) => r.method === 'POST' && r.path === '/fapi/v1/order');
      if (answer.status === 200 && order?.at !== undefined) webhook.push(order.at - sent);
    }

    console.log(`  server CPU at rest: ${(restRate * 100).toFixed(2)} % of a core`);
    console.log(
      `  server CPU per closed bar (${BOTS} bots evaluating it, their signals executed): ${barWork.toFixed(0)} ms` +
        ` (${perBar.toFixed(0)} ms in its ${BAR_WINDOW_MS} ms window)`,
    );
    console.log(`  → at one 1m bar a minute: ${share.toFixed(2)} % of one core (goal < 10 %)`);
    console.log(`  server RSS: ${rss.now.toFixed(0)} MB now, ${rss.peak.toFixed(0)} MB peak (goal < 300 MB)`);
    console.log(
      `  peer, bare loop (${BOTS} LiveStrategy updates per bar, this process): ${bare.toFixed(2)} ms CPU per bar` +
        ` → the server's bar ${(barWork / bare).toFixed(0)}× it`,
    );
    console.log(summary('  closed kline → entry order at the venue', latencies));
    console.log(summary('  peer, webhook alert → entry order at the venue', webhook));
    const p99 = percentile(
      [...latencies].sort((a, b) => a - b),
      99,
    );
    const webhookP99 = percentile(
      [...webhook].sort((a, b) => a - b),
      99,
    );
    console.log(
      `  ratio of the p99s (bots / webhook): ${(p99 / webhookP99).toFixed(2)} (goal: bots p99 < 20 ms)`,
    );
  } finally {
    await stopProcess(server);
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
