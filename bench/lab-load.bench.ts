/**
 * `npm run bench:lab-load`: does the strategy lab slow the webhook down?
 *
 * A real server process (PGlite in a temporary DATA_DIR, configured from its environment as
 * `tradingbot serve` is). A probe sends one webhook alert (for an account that does not exist: the
 * full route — body parse, schema, database lookup — answered 404) and one `GET /api/v1/health`
 * every 10 ms, first with the lab quiet, then while four 50,000-bar lab backtests (uploaded CSV,
 * the largest accepted) run at once, each resent as soon as it answers. Reported: the probes' p50
 * and p99 in both phases and their ratio, and the backtests completed (or refused with LAB_BUSY).
 * The backtests are sent from a second process, so that handling their answers does not delay the
 * probes. Before the lab moved to worker threads the same load raised the webhook's p50 from 7 ms to 469 ms.
 * Knobs: BENCH_LAB_PROBES (probes per phase, default 200), BENCH_LAB_CONCURRENT (default 4),
 * LAB_WORKERS / LAB_QUEUE (passed to the server), BENCH_LAB_CPU_PROF (a folder for the server's CPU
 * profiles). Not part of `npm test`.
 */
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syntheticCandles, writeCandlesCsv } from '@tradingbot/engine';
import { generateSecrets } from '../apps/server/src/crypto/credentials.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SERVE = join(ROOT, 'apps/server/test/support/serve.ts');
const PROBES = Number(process.env.BENCH_LAB_PROBES ?? 200);
const CONCURRENT = Number(process.env.BENCH_LAB_CONCURRENT ?? 4);

type Proc = { url: string; child: ChildProcess };

function startServer(env: Record<string, string>): Promise<Proc> {
  // BENCH_LAB_CPU_PROF=<dir>: the server writes V8 CPU profiles there (its main thread and each worker).
  const profile = process.env.BENCH_LAB_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_LAB_CPU_PROF}`]
    : [];
  // BENCH_LAB_NODE_FLAGS: extra V8/Node flags for the server (e.g. `--max-semi-space-size=32`), to compare GC settings.
  const flags = (process.env.BENCH_LAB_NODE_FLAGS ?? '').split(' ').filter((f) => f !== '');
  const child = spawn(process.execPath, [...profile, ...flags, '--import', 'tsx', SERVE], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((done, fail) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += String(chunk);
      const match = /LISTENING (\S+)/.exec(output);
      if (match) done({ url: match[1]!, child });
    });
    child.stderr.on('data', (chunk: Buffer) => (output += String(chunk)));
    child.once('exit', (code) => fail(new Error(`server exited with ${code}:\n${output}`)));
  });
}

async function stop(proc: Proc): Promise<void> {
  if (proc.child.exitCode !== null) return;
  const exited = new Promise((done) => proc.child.once('exit', done));
  proc.child.kill('SIGTERM');
  await exited;
}

async function post(url: string, body: string, token?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
  const text = await response.text();
  return { status: response.status, text };
}

/**
 * A POST whose answer is drained unread (status only): the load's own client work — megabytes of
 * chart series per answer — must not stall this process's probes and be counted as server latency.
 */
function postDrained(url: string, body: Buffer, token: string): Promise<{ status: number; text: string }> {
  return new Promise((done, fail) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          'content-length': body.length,
        },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        let text = '';
        if (status === 200) res.resume();
        else res.on('data', (chunk: Buffer) => (text += String(chunk)));
        res.on('end', () => done({ status, text }));
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

type Stats = { p50: number; p99: number; n: number };
function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), n: samples.length };
}

const ALERT = JSON.stringify({
  account_id: 'acc_does_not_exist',
  secret: 'x'.repeat(32),
  exchange: 'binance',
  symbol: 'BINANCE:BTCUSDT.P',
  action: 'long',
  leverage: 3,
  size_usdt: 100,
});

/** PROBES rounds, 10 ms apart: one webhook alert, one health check; their round-trip times. */
async function probe(url: string): Promise<{ webhook: Stats; health: Stats }> {
  const webhook: number[] = [];
  const health: number[] = [];
  for (let k = 0; k < PROBES; k++) {
    let start = performance.now();
    const answer = await post(`${url}/api/v1/webhook/tradingview`, ALERT);
    webhook.push(performance.now() - start);
    if (answer.status !== 404) throw new Error(`webhook probe: ${answer.status} ${answer.text}`);
    start = performance.now();
    const ok = await fetch(`${url}/api/v1/health`);
    await ok.arrayBuffer();
    health.push(performance.now() - start);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { webhook: stats(webhook), health: stats(health) };
}

/**
 * The server's own event-loop delay since the previous scrape (prom-client's default metrics reset
 * it at each scrape): a stalled event loop shows here; a probe that was slow only because the two
 * cores were busy does not.
 */
async function eventLoopLag(url: string): Promise<{ p99: number; max: number }> {
  const text = await (
    await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
  ).text();
  const read = (name: string) => 1000 * Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { p99: read('nodejs_eventloop_lag_p99_seconds'), max: read('nodejs_eventloop_lag_max_seconds') };
}

/** /metrics answers only this bearer token (it is not public). */
const METRICS_TOKEN = randomBytes(24).toString('hex');

/** Runs this file as `--load URL TOKEN`: CONCURRENT backtest senders until its stdin closes. */
async function startLoad(url: string, token: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--load', url, token],
    {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += String(chunk)));
  const exited = new Promise<number | null>((done) => child.once('exit', done));
  await new Promise<void>((done, fail) => {
    const check = () => (output.includes('LOADING') ? done() : undefined);
    child.stdout.on('data', check);
    void exited.then((code) => fail(new Error(`load exited with ${code}: ${output}`)));
  });
  return {
    async finish(): Promise<{ done: number; busy: number }> {
      child.stdin.end();
      const code = await exited;
      const result = /RESULT (\{.*\})/.exec(output);
      if (code !== 0 || !result) throw new Error(`load exited with ${code}: ${output}`);
      return JSON.parse(result[1]!) as { done: number; busy: number };
    },
  };
}

function backtestBody(): Buffer {
  const csv = writeCandlesCsv(
    syntheticCandles({ bars: 50_000, timeframe: '1h', seed: 7, startTime: Date.UTC(2019, 0, 1) }),
  );
  return Buffer.from(
    JSON.stringify({
      strategy: 'supertrend',
      params: {},
      options: { initial_capital: 10_000, size_pct: 10 },
      data: { source: 'csv', csv, name: 'bench.csv' },
    }),
  );
}

/** The load process: CONCURRENT senders, each resending its backtest as soon as it answers. */
async function runLoad(url: string, token: string): Promise<void> {
  const body = backtestBody();
  let loaded = true;
  process.stdin.on('end', () => (loaded = false));
  process.stdin.resume();
  const outcomes = { done: 0, busy: 0 };
  const senders = Array.from({ length: CONCURRENT }, async () => {
    while (loaded) {
      const answer = await postDrained(`${url}/api/v1/backtests`, body, token);
      if (answer.status === 200) outcomes.done += 1;
      else if (answer.status === 503) outcomes.busy += 1;
      else throw new Error(`backtest: ${answer.status} ${answer.text.slice(0, 300)}`);
    }
  });
  console.log('LOADING');
  await Promise.all(senders);
  console.log(`RESULT ${JSON.stringify(outcomes)}`);
}

const row = (label: string, s: Stats) =>
  `${label.padEnd(40)} p50 ${s.p50.toFixed(1).padStart(7)} ms   p99 ${s.p99.toFixed(1).padStart(7)} ms   (n=${s.n})`;

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'tradingbot-bench-lab-'));
  const env: Record<string, string> = {
    ...generateSecrets(),
    DATA_DIR: dataDir,
    METRICS_TOKEN,
    API_RATE_LIMIT: '100000',
    WEBHOOK_RATE_LIMIT: '100000',
    ...(process.env.LAB_WORKERS ? { LAB_WORKERS: process.env.LAB_WORKERS } : {}),
    ...(process.env.LAB_QUEUE ? { LAB_QUEUE: process.env.LAB_QUEUE } : {}),
  };
  const server = await startServer(env);
  try {
    const email = `bench-lab-${Date.now()}@example.com`;
    const password = 'bench password 1';
    await post(`${server.url}/api/v1/auth/register`, JSON.stringify({ email, password, name: 'bench' }));
    const login = await post(`${server.url}/api/v1/auth/login`, JSON.stringify({ email, password }));
    if (login.status !== 200) throw new Error(`login: ${login.status} ${login.text}`);
    const token = (JSON.parse(login.text) as { session_token: string }).session_token;
    const runBacktest = () => postDrained(`${server.url}/api/v1/backtests`, backtestBody(), token);
    const warm = await runBacktest();
    if (warm.status !== 200) throw new Error(`backtest: ${warm.status} ${warm.text.slice(0, 300)}`);

    await eventLoopLag(server.url);
    const quiet = await probe(server.url);
    const quietLag = await eventLoopLag(server.url);

    // The load runs in a process of its own: receiving megabytes of chart series per answer and
    // sending 3 MB bodies is client work that, in this process, would delay the probes' own timers
    // and be counted as server latency.
    const load = await startLoad(server.url, token);
    await new Promise((resolve) => setTimeout(resolve, 500)); // the backtests are under way
    const started = performance.now();
    const busy = await probe(server.url);
    const seconds = (performance.now() - started) / 1000;
    const busyLag = await eventLoopLag(server.url);
    const outcomes = await load.finish();

    console.log(
      `lab load: ${CONCURRENT} concurrent 50,000-bar backtests, ${availableParallelism()} cores, LAB_WORKERS=${process.env.LAB_WORKERS ?? 'default'}`,
    );
    console.log(row('webhook alert, lab quiet', quiet.webhook));
    console.log(row(`webhook alert, ${CONCURRENT} backtests running`, busy.webhook));
    console.log(row('health, lab quiet', quiet.health));
    console.log(row(`health, ${CONCURRENT} backtests running`, busy.health));
    console.log(
      `ratio loaded/quiet: webhook p50 ${(busy.webhook.p50 / quiet.webhook.p50).toFixed(2)}×, p99 ${(busy.webhook.p99 / quiet.webhook.p99).toFixed(2)}×; health p50 ${(busy.health.p50 / quiet.health.p50).toFixed(2)}×, p99 ${(busy.health.p99 / quiet.health.p99).toFixed(2)}×`,
    );
    const lag = (l: { p99: number; max: number }) => `p99 ${l.p99.toFixed(1)} ms, max ${l.max.toFixed(1)} ms`;
    console.log(
      `server event-loop delay: lab quiet ${lag(quietLag)}; ${CONCURRENT} backtests running ${lag(busyLag)}`,
    );
    console.log(
      `backtests while probing: ${outcomes.done} answered, ${outcomes.busy} refused LAB_BUSY, over ${seconds.toFixed(1)} s`,
    );
  } finally {
    await stop(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--load') await runLoad(process.argv[3]!, process.argv[4]!);
else await main();
