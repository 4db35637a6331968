/**
 * `npm run bench:webhook:hot-path`: alert → entry and alert → stop-loss resting, with the venue
 * 50 ms away (issue 17's "Measure", items 1–2).
 *
 * A real server process (configured from its environment, as `tradingbot serve` is; streams on)
 * trades through the Binance and the OKX wire simulators, which run in this process with the load
 * generator. The simulators are given a round-trip latency through their control API: every REST
 * request waits BENCH_VENUE_LATENCY_MS (default 50) before it is handled (`POST /__sim/faults`,
 * `latency`), and every stream message is delivered that long after it was sent (`POST
 * /__sim/streams`, `delay`). Per venue, twice: the warm path (WARM_STATE_MAX_AGE_MS default) and
 * the cold path (WARM_STATE_MAX_AGE_MS=0, every read over REST as before). Reported:
 *  - venue requests of the account between the alert and the entry (the simulator's log; it also
 *    holds the mirror's own background reads, so the executor's own count, from the answer's
 *    `state.rest_reads`, is given beside it);
 *  - alert → entry accepted (the venue's answer to the entry left the simulator), p50 / p99;
 *  - alert → stop-loss resting (the venue's answer to the stop-loss placement), p50 / p99.
 * One account, alerts one after another (long with SL and TP, then close). Not part of `npm test`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBinanceSimulator, startOkxSimulator } from '@tradingbot/exchange/sim';
import { generateSecrets } from '../apps/server/src/crypto/credentials.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SERVE = join(ROOT, 'apps/server/test/support/serve.ts');
const LATENCY_MS = Number(process.env.BENCH_VENUE_LATENCY_MS ?? 50);
const ALERTS = Number(process.env.BENCH_HOT_PATH_ALERTS ?? 40);

const BINANCE = { key: 'H'.repeat(32) + 'p'.repeat(32), secret: 'T'.repeat(32) + 'h'.repeat(32) };
const OKX = {
  key: '6f1d2c3b-4a59-4e7d-8c1b-2a3f4e5d6c7b',
  secret: '0A1B2C3D4E5F60718293A4B5C6D7E8F9',
  passphrase: 'Hot-Path-Bench-Passphrase-1',
};

type Proc = { url: string; child: ChildProcess };
/** One request the simulator received: when, and when its answer left. */
type Seen = {
  method: string;
  path: string;
  body: string;
  query: string;
  apiKey?: string;
  at: number;
  answeredAt?: number;
};

type Venue = {
  name: 'binance' | 'okx';
  symbol: string;
  entryPath: string;
  stopPath: string;
  isStop(request: Seen): boolean;
  start(): Promise<{ url: string; requests: unknown[]; close(): Promise<void> }>;
  register: Record<string, string>;
  apiKey: string;
};

const VENUES: Venue[] = [
  {
    name: 'binance',
    symbol: 'BINANCE:BTCUSDT.P',
    entryPath: '/fapi/v1/order',
    stopPath: '/fapi/v1/algoOrder',
    isStop: (r) => /type=STOP_MARKET/.test(`${r.query}&${r.body}`),
    start: () =>
      startBinanceSimulator({
        port: 0,
        host: '127.0.0.1',
        apiKey: BINANCE.key,
        apiSecret: BINANCE.secret,
        balance: 100_000,
        prices: { BTCUSDT: 50_000 },
      }),
    register: { exchange: 'binance', api_key: BINANCE.key, api_secret: BINANCE.secret },
    apiKey: BINANCE.key,
  },
  {
    name: 'okx',
    symbol: 'OKX:BTCUSDT.P',
    entryPath: '/api/v5/trade/order',
    stopPath: '/api/v5/trade/order-algo',
    isStop: (r) => /slTriggerPx/.test(r.body),
    start: () =>
      startOkxSimulator({
        port: 0,
        host: '127.0.0.1',
        apiKey: OKX.key,
        apiSecret: OKX.secret,
        passphrase: OKX.passphrase,
        balance: 100_000,
        prices: { 'BTC-USDT-SWAP': 50_000 },
      }),
    register: { exchange: 'okx', api_key: OKX.key, api_secret: OKX.secret, passphrase: OKX.passphrase },
    apiKey: OKX.key,
  },
];

function startProcess(script: string, env: Record<string, string>): Promise<Proc> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
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
    child.once('exit', (code) => fail(new Error(`${script} exited with ${code}:\n${output}`)));
  });
}

async function stop(proc: Proc): Promise<void> {
  if (proc.child.exitCode !== null) return;
  const exited = new Promise((done) => proc.child.once('exit', done));
  proc.child.kill('SIGTERM');
  await exited;
}

async function post(url: string, body: unknown, token?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Timestamps the simulator's request log: arrival, and the moment its status (the answer) is set. */
function timed(requests: unknown[]): Seen[] {
  const log = requests as Seen[];
  const push = log.push.bind(log);
  log.push = (...items: Seen[]) => {
    for (const item of items) {
      const at = performance.now();
      let status: number | undefined;
      Object.defineProperty(item, 'at', { value: at, enumerable: true });
      Object.defineProperty(item, 'status', {
        enumerable: true,
        get: () => status,
        set: (value: number) => {
          status = value;
          item.answeredAt ??= performance.now();
        },
      });
    }
    return push(...items);
  };
  return log;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const line = (label: string, samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return `${label.padEnd(40)} p50 ${percentile(sorted, 50).toFixed(1).padStart(7)} ms   p99 ${percentile(sorted, 99).toFixed(1).padStart(7)} ms   (n=${samples.length})`;
};

async function control(url: string, path: string, body: object): Promise<void> {
  const response = await fetch(`${url}/__sim/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`control ${path}: ${response.status} ${await response.text()}`);
}

async function run(venue: Venue, path: 'warm' | 'cold'): Promise<void> {
  const sim = await venue.start();
  const log = timed(sim.requests);
  const dir = mkdtempSync(join(tmpdir(), 'tradingbot-hot-path-'));
  const server = await startProcess(SERVE, {
    ...generateSecrets(),
    DATA_DIR: dir,
    [venue.name === 'binance' ? 'BINANCE_BASE_URL' : 'OKX_BASE_URL']: sim.url,
    STREAMS_ENABLED: 'true',
    WARM_STATE_MAX_AGE_MS: path === 'warm' ? '5000' : '0',
  });
  try {
    const email = `hot-path-${Date.now()}@example.com`;
    await post(`${server.url}/api/v1/auth/register`, { email, password: 'bench password 1', name: 'bench' });
    const login = await post(`${server.url}/api/v1/auth/login`, { email, password: 'bench password 1' });
    const token = login.body.session_token as string;
    const account = await post(
      `${server.url}/api/v1/accounts-secure/register`,
      { ...venue.register, testnet: true },
      token,
    );
    if (account.status !== 200 && account.status !== 201)
      throw new Error(`registration failed: ${JSON.stringify(account.body)}`);
    const webhook = `${server.url}/api/v1/webhook/tradingview`;
    let n = 0;
    const alert = (action: string) =>
      post(webhook, {
        account_id: account.body.id,
        secret: account.body.webhook_secret,
        exchange: venue.name,
        symbol: venue.symbol,
        action,
        leverage: 3,
        size_usdt: 200,
        sl_pct: 2,
        tp_pct: 3,
        id: `hot-path-${path}-${++n}`,
      });
    // Warm-up without latency: the stream connects and re-syncs, instrument, mode and leverage are learned.
    await new Promise((r) => setTimeout(r, 2_000));
    for (let i = 0; i < 4; i++) await alert(i % 2 === 0 ? 'long' : 'close_long');
    await control(sim.url, 'faults', { faults: [{ kind: 'latency', ms: LATENCY_MS, times: 1e9 }] });
    await control(sim.url, 'streams', { action: 'delay', ms: LATENCY_MS });
    await new Promise((r) => setTimeout(r, 1_500));

    const before: number[] = [];
    const executorReads: number[] = [];
    const toEntry: number[] = [];
    const toStop: number[] = [];
    const seenBefore = new Map<string, number>();
    let pending = 0;
    for (let i = 0; i < ALERTS; i++) {
      const from = log.length;
      const started = performance.now();
      const answer = await alert('long');
      if (answer.status !== 200 && answer.status !== 202)
        throw new Error(`alert refused: ${answer.status} ${JSON.stringify(answer.body)}`);
      if (answer.status === 202) pending++;
      const results = (answer.body.order_details as { results?: Record<string, unknown> } | undefined)
        ?.results;
      const mine = () =>
        log.slice(from).filter((r) => r.apiKey === venue.apiKey && !/listenKey|users\/self/.test(r.path));
      const stopOf = (rs: Seen[]) =>
        rs.find(
          (r) =>
            r.method === 'POST' && r.path === venue.stopPath && venue.isStop(r) && r.answeredAt !== undefined,
        );
      // A 202 answer: the work goes on; wait for the stop-loss to be placed before the next alert.
      for (let wait = 0; stopOf(mine()) === undefined && wait < 200; wait++)
        await new Promise((r) => setTimeout(r, 50));
      const requests = mine();
      const entryAt = requests.findIndex((r) => r.method === 'POST' && r.path === venue.entryPath);
      const entry = requests[entryAt];
      const stopLoss = stopOf(requests);
      if (entry?.answeredAt !== undefined) toEntry.push(entry.answeredAt - started);
      if (stopLoss?.answeredAt !== undefined) toStop.push(stopLoss.answeredAt - started);
      const state = results?.state as { rest_reads?: string[] } | undefined;
      if (state !== undefined) executorReads.push((state.rest_reads ?? []).length);
      before.push(entryAt);
      for (const r of requests.slice(0, Math.max(0, entryAt))) {
        const name = `${r.method} ${r.path}`;
        seenBefore.set(name, (seenBefore.get(name) ?? 0) + 1);
      }
      await alert('close_long');
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    console.log(`\n${venue.name}, ${path} path (venue ${LATENCY_MS} ms away)`);
    console.log(
      `  requests before the entry: executor ${mean(executorReads).toFixed(2)} (max ${Math.max(...executorReads)}, over ${executorReads.length} answers with a result), all of the account's seen by the venue ${mean(before).toFixed(2)} (max ${Math.max(...before)}); ${pending} answered 202 (still working)`,
    );
    console.log(
      `  of which: ${[...seenBefore].map(([name, count]) => `${name} ×${count}`).join(', ') || 'none'}`,
    );
    console.log(line('  alert → entry accepted', toEntry));
    console.log(line('  alert → stop-loss resting', toStop));
  } finally {
    await stop(server);
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
console.log(
  `bench:webhook:hot-path — ${ALERTS} alerts per run, venue latency ${LATENCY_MS} ms per request and stream message`,
);
for (const venue of VENUES.filter((v) => only.length === 0 || only.includes(v.name))) {
  await run(venue, 'warm');
  await run(venue, 'cold');
}
