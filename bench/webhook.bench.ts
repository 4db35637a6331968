/**
 * `npm run bench:webhook`: how fast a TradingView alert becomes orders, end to end over loopback.
 *
 * A real server process (configured from its environment, as `tradingbot serve` is) trades through
 * the Binance wire simulator (paper venue behind it, in this process). Measured, per database
 * (PGlite; PostgreSQL when 127.0.0.1:5432 answers):
 *  - latency: one account, alerts one after another (open with a stop-loss, then close), HTTP
 *    round trip of each — every answer is a 200 with the orders placed;
 *  - a repeated delivery of an alert already executed (answered from the signals table);
 *  - throughput: five accounts (one symbol each) at once, ten senders, signals executed per second;
 *  - the ceiling: a bare Fastify process answering the same POST, with the same client.
 * `--burst` instead (issue 17): the bar-close burst — BENCH_BURST_ALERTS alerts (default 1,000) for as
 * many accounts (BENCH_BURST_ACCOUNTS) of BENCH_BURST_USERS users, paper accounts and five accounts on
 * the Binance wire simulator (a process of its own, BENCH_SIM_LATENCY_MS = 50 ms injected per request),
 * all sent within one second to a server process on PGlite, then on PostgreSQL: every answer's time,
 * the time from each alert's arrival to its signal's end (its entry was sent before), lost and doubled
 * signals; then, on PostgreSQL, a repeated delivery answered from the table, sustained load
 * (BENCH_SUSTAINED_RATE signals/s for BENCH_SUSTAINED_SECONDS over the same accounts: throughput, the
 * server's CPU per signal) and the bare-Fastify ceiling in the same run.
 * Not part of `npm test`; numbers depend on the machine (README records one run).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openTestDatabase } from '@tradingbot/db';
import { startBinanceSimulator, type BinanceSimulator } from '@tradingbot/exchange/sim';
import { generateSecrets } from '../apps/server/src/crypto/credentials.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The multi-process tests' server entry point: a server configured from its environment.
const SERVE = join(ROOT, 'apps/server/test/support/serve.ts');
const BARE = join(ROOT, 'bench/support/bare-fastify.ts');
const SIM = join(ROOT, 'bench/support/binance-sim.ts');
const KEY = 'B'.repeat(32) + 'e'.repeat(32);
const SECRET = 'N'.repeat(32) + 'c'.repeat(32);
const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT', 'DOGEUSDT'];
const LATENCY_ALERTS = Number(process.env.BENCH_LATENCY_ALERTS ?? 300);
const THROUGHPUT_ALERTS = Number(process.env.BENCH_THROUGHPUT_ALERTS ?? 1000);
const BURST_ALERTS = Number(process.env.BENCH_BURST_ALERTS ?? 1000);
const BURST_ACCOUNTS = Number(process.env.BENCH_BURST_ACCOUNTS ?? BURST_ALERTS);

type Proc = { url: string; child: ChildProcess };

function startProcess(script: string, env: Record<string, string>): Promise<Proc> {
  // BENCH_NODE_ARGS: extra node flags for the server processes (e.g. `--cpu-prof` to profile one).
  const extra = script === SERVE ? (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean) : [];
  const child = spawn(process.execPath, [...extra, '--import', 'tsx', script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((done, fail) => {
    const onData = (chunk: Buffer) => {
      output += String(chunk);
      const match = /LISTENING (\S+)/.exec(output);
      if (match) done({ url: match[1]!, child });
    };
    child.stdout.on('data', onData);
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

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (value: number) => `${value.toFixed(1)} ms`;

function summary(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return `${label.padEnd(44)} p50 ${ms(percentile(sorted, 50)).padStart(9)}   p99 ${ms(percentile(sorted, 99)).padStart(9)}   (n=${samples.length})`;
}

async function accountsOn(server: Proc, count: number, exchange = 'binance') {
  const email = `bench-${Date.now()}@example.com`;
  await post(`${server.url}/api/v1/auth/register`, { email, password: 'bench password 1', name: 'bench' });
  const login = await post(`${server.url}/api/v1/auth/login`, { email, password: 'bench password 1' });
  const token = login.body.session_token as string;
  const accounts: Array<{ id: string; secret: string; token: string }> = [];
  for (let i = 0; i < count; i++) {
    const registered = await post(
      `${server.url}/api/v1/accounts-secure/register`,
      { exchange, api_key: KEY, api_secret: SECRET, testnet: true },
      token,
    );
    if (registered.status !== 200 && registered.status !== 201)
      throw new Error(`account registration failed: ${registered.status} ${String(registered.body.error)}`);
    accounts.push({
      id: registered.body.id as string,
      secret: registered.body.webhook_secret as string,
      token,
    });
  }
  return accounts;
}

async function benchServer(label: string, env: Record<string, string>, sim: BinanceSimulator): Promise<void> {
  const server = await startProcess(SERVE, { ...generateSecrets(), BINANCE_BASE_URL: sim.url, ...env });
  try {
    const accounts = await accountsOn(server, SYMBOLS.length);
    const webhook = `${server.url}/api/v1/webhook/tradingview`;
    const alert = (a: number, n: number, action: string) => ({
      account_id: accounts[a]!.id,
      secret: accounts[a]!.secret,
      exchange: 'binance',
      symbol: `BINANCE:${SYMBOLS[a]}.P`,
      action,
      leverage: 3,
      size_usdt: 100,
      sl_pct: 2,
      id: `${label.replace(/\W+/g, '-')}-${a}-${n}`,
    });
    const expectExecuted = (answer: { status: number; body: Record<string, unknown> }) => {
      if (answer.status !== 200 || answer.body.success !== true)
        throw new Error(`alert not executed: ${answer.status} ${JSON.stringify(answer.body)}`);
    };

    // warm-up: instruments, leverage, position mode, connection pool
    for (let n = 0; n < 10; n++)
      expectExecuted(await post(webhook, alert(0, -n - 1, n % 2 ? 'close_long' : 'long')));

    const opens: number[] = [];
    const closes: number[] = [];
    for (let n = 0; n < LATENCY_ALERTS; n++) {
      const action = n % 2 === 0 ? 'long' : 'close_long';
      const started = performance.now();
      expectExecuted(await post(webhook, alert(0, n, action)));
      (action === 'long' ? opens : closes).push(performance.now() - started);
    }
    const repeats: number[] = [];
    for (let n = 0; n < 100; n++) {
      const started = performance.now();
      const answer = await post(webhook, alert(0, n, n % 2 === 0 ? 'long' : 'close_long'));
      repeats.push(performance.now() - started);
      if (answer.body.duplicate !== true) throw new Error('a repeated alert was not answered as a duplicate');
    }

    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        for (;;) {
          const n = next++;
          if (n >= THROUGHPUT_ALERTS) return;
          const a = n % SYMBOLS.length;
          const round = Math.floor(n / SYMBOLS.length);
          const answer = await post(webhook, alert(a, 10_000 + round, round % 2 === 0 ? 'short' : 'long'));
          if (answer.status !== 200 && answer.status !== 202)
            throw new Error(`alert refused: ${answer.status} ${JSON.stringify(answer.body)}`);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;

    console.log(`\n${label}`);
    console.log(summary('  open (leverage known, entry + stop-loss)', opens));
    console.log(summary('  close (cancel the stop, reduce-only close)', closes));
    console.log(summary('  repeated delivery (answered from the table)', repeats));
    console.log(
      `  throughput, 5 accounts × 10 senders (reversals)  ${(THROUGHPUT_ALERTS / seconds).toFixed(0)} signals/s (${THROUGHPUT_ALERTS} in ${seconds.toFixed(1)} s)`,
    );
  } finally {
    await stop(server);
  }
}

type BenchAccount = {
  id: string;
  secret: string;
  token: string;
  exchange: 'paper' | 'binance';
  symbol: string;
};

const BURST_USERS = Number(process.env.BENCH_BURST_USERS ?? 20);
const SIM_LATENCY_MS = Number(process.env.BENCH_SIM_LATENCY_MS ?? 50);
const SUSTAINED_RATE = Number(process.env.BENCH_SUSTAINED_RATE ?? 600);
const SUSTAINED_SECONDS = Number(process.env.BENCH_SUSTAINED_SECONDS ?? 10);

/** `count` accounts over BURST_USERS users: five on the simulator (one per symbol), the rest paper. */
async function burstAccounts(server: Proc, count: number): Promise<BenchAccount[]> {
  const out: BenchAccount[] = [];
  const perUser = Math.ceil(count / BURST_USERS);
  for (let u = 0; u < BURST_USERS && out.length < count; u++) {
    const email = `burst-${u}-${Date.now()}@example.com`;
    await post(`${server.url}/api/v1/auth/register`, { email, password: 'bench password 1', name: 'bench' });
    const login = await post(`${server.url}/api/v1/auth/login`, { email, password: 'bench password 1' });
    const token = login.body.session_token as string;
    const batch = Array.from({ length: Math.min(perUser, count - out.length) }, (_, i) => out.length + i);
    // Registrations of one user at a time, eight at once.
    for (let i = 0; i < batch.length; i += 8) {
      const made = await Promise.all(
        batch.slice(i, i + 8).map(async (n) => {
          const sim = n < SYMBOLS.length;
          const registered = await post(
            `${server.url}/api/v1/accounts-secure/register`,
            sim
              ? { exchange: 'binance', api_key: KEY, api_secret: SECRET, testnet: true }
              : { exchange: 'paper', api_key: KEY, api_secret: SECRET },
            token,
          );
          if (registered.status !== 201 && registered.status !== 200)
            throw new Error(`account registration failed: ${JSON.stringify(registered.body)}`);
          return {
            id: registered.body.id as string,
            secret: registered.body.webhook_secret as string,
            token,
            exchange: sim ? ('binance' as const) : ('paper' as const),
            symbol: sim ? SYMBOLS[n]! : 'BTCUSDT',
          };
        }),
      );
      out.push(...made);
    }
  }
  return out;
}

function burstAlert(account: BenchAccount, action: string, id: string) {
  return {
    account_id: account.id,
    secret: account.secret,
    exchange: account.exchange,
    symbol: account.symbol,
    action,
    leverage: 2,
    size_usdt: 100,
    sl_pct: 2,
    tp_pct: 0,
    id,
  };
}

type SignalView = {
  id: string;
  status: string;
  received_at: string;
  finished_at: string | null;
  payload: { id?: string };
};

/** Every signal of the accounts' users whose alert id starts with `prefix` (read through the API). */
async function signalsOf(server: Proc, accounts: BenchAccount[], prefix: string): Promise<SignalView[]> {
  const tokens = [...new Set(accounts.map((a) => a.token))];
  const rows: SignalView[] = [];
  for (const token of tokens) {
    let before: string | undefined;
    for (;;) {
      const query = `limit=200${before ? `&before=${encodeURIComponent(before)}` : ''}`;
      const response = await fetch(`${server.url}/api/v1/signals?${query}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const page = ((await response.json()) as { signals: SignalView[] }).signals;
      rows.push(...page.filter((s) => String(s.payload.id ?? '').startsWith(prefix)));
      if (page.length < 200) break;
      before = page.at(-1)!.received_at;
    }
  }
  return rows;
}

async function settled(server: Proc, accounts: BenchAccount[], prefix: string, expected: number) {
  const deadline = performance.now() + 600_000;
  for (;;) {
    const rows = await signalsOf(server, accounts, prefix);
    const open = rows.filter((s) => s.status === 'received' || s.status === 'executing').length;
    if ((rows.length >= expected && open === 0) || performance.now() > deadline) return rows;
    await new Promise((done) => setTimeout(done, 500));
  }
}

/** User and system CPU time of a process so far (ms), from /proc (Linux). */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks of 1/100 s
  } catch {
    return Number.NaN;
  }
}

/** Sends `alerts` spread evenly over `spreadMs`; each answer's time and status. */
async function sendSpread(url: string, alerts: Array<Record<string, unknown>>, spreadMs: number) {
  const started = performance.now();
  return Promise.all(
    alerts.map(async (alert, n) => {
      const at = started + (spreadMs * n) / alerts.length;
      const wait = at - performance.now();
      if (wait > 0) await new Promise((done) => setTimeout(done, wait));
      const sent = performance.now();
      try {
        const answer = await post(url, alert);
        return { ms: performance.now() - sent, status: answer.status };
      } catch {
        return { ms: performance.now() - sent, status: 0 };
      }
    }),
  );
}

/**
 * The bar-close burst on one database: accounts, a warm-up alert each (venues started), then every
 * account's alert within one second.
 */
async function benchBurst(
  label: string,
  databaseEnv: Record<string, string>,
  simUrl: string,
  sustained: boolean,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tradingbot-burst-'));
  const server = await startProcess(SERVE, {
    ...generateSecrets(),
    DATA_DIR: dir,
    ...databaseEnv,
    BINANCE_BASE_URL: simUrl,
    MAX_ACCOUNTS_PER_USER: String(Math.max(20, Math.ceil(BURST_ACCOUNTS / BURST_USERS))),
    WEBHOOK_RATE_LIMIT: '10000000',
    API_RATE_LIMIT: '10000000',
  });
  try {
    const accounts = await burstAccounts(server, BURST_ACCOUNTS);
    const webhook = `${server.url}/api/v1/webhook/tradingview`;
    // Warm-up: every account's venue started (paper history replayed, the simulator's rules read).
    for (let i = 0; i < accounts.length; i += 50)
      await Promise.all(
        accounts
          .slice(i, i + 50)
          .map((a) => post(webhook, burstAlert(a, 'close_all', `warm-${label}-${a.id}`))),
      );
    await settled(server, accounts, `warm-${label}-`, accounts.length);

    const prefix = `burst-${label}-`;
    const alerts = Array.from({ length: BURST_ALERTS }, (_, n) =>
      burstAlert(accounts[n % accounts.length]!, 'long', `${prefix}${n}`),
    );
    const answers = await sendSpread(webhook, alerts, 1_000);
    const rows = await settled(server, accounts, prefix, alerts.length);
    const answerMs = answers.map((a) => a.ms).sort((a, b) => a - b);
    const refused = answers.filter((a) => a.status !== 200 && a.status !== 202).length;
    const byAlert = new Map<string, number>();
    for (const row of rows)
      byAlert.set(String(row.payload.id), (byAlert.get(String(row.payload.id)) ?? 0) + 1);
    const lost = alerts.filter((a) => !byAlert.has(a.id)).length;
    const doubled = [...byAlert.values()].filter((n) => n > 1).length;
    const toEnd = rows
      .filter((r) => r.finished_at)
      .map((r) => Date.parse(r.finished_at!) - Date.parse(r.received_at))
      .sort((a, b) => a - b);
    const failed = rows.filter((r) => r.status !== 'executed').length;
    console.log(
      `\nbar-close burst, ${label}: ${alerts.length} alerts for ${accounts.length} accounts of ${BURST_USERS} users (${SYMBOLS.length} on the Binance simulator, ${SIM_LATENCY_MS} ms per request; the rest paper) sent within 1 s`,
    );
    console.log(summary('  answer (HTTP round trip)', answerMs));
    console.log(
      `  answers over 3 s: ${answerMs.filter((v) => v > 3000).length}; refused: ${refused}; 202: ${answers.filter((a) => a.status === 202).length}; max ${ms(answerMs.at(-1)!)}`,
    );
    console.log(
      summary('  arrival → signal finished (entry sent before)', toEnd) +
        `   over 2 s: ${toEnd.filter((v) => v > 2000).length}`,
    );
    console.log(`  lost: ${lost}; doubled: ${doubled}; not executed: ${failed}`);

    if (!sustained) return;
    // Repeated delivery of an executed alert: answered from the signals table.
    const repeats: number[] = [];
    let notDuplicate = 0;
    for (let n = 0; n < 200; n++) {
      const started = performance.now();
      const answer = await post(webhook, alerts[n % alerts.length]!);
      repeats.push(performance.now() - started);
      // A server too busy to read the table by the deadline answers 202 `receiving` instead.
      if (answer.body.duplicate !== true) notDuplicate++;
    }
    console.log(`  repeated deliveries not answered as duplicates: ${notDuplicate}`);
    console.log(summary('  repeated delivery (answered from the table)', repeats));

    // Sustained: reversals over every account at a steady rate.
    const total = SUSTAINED_RATE * SUSTAINED_SECONDS;
    const sustainedPrefix = `sustained-${label}-`;
    const steady = Array.from({ length: total }, (_, n) => {
      const round = Math.floor(n / accounts.length);
      return burstAlert(
        accounts[n % accounts.length]!,
        round % 2 === 0 ? 'short' : 'long',
        `${sustainedPrefix}${n}`,
      );
    });
    const cpuBefore = cpuMs(server.child.pid!);
    const started = performance.now();
    const steadyAnswers = await sendSpread(webhook, steady, SUSTAINED_SECONDS * 1000);
    const sentSeconds = (performance.now() - started) / 1000;
    const done = await settled(server, accounts, sustainedPrefix, total);
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuMs(server.child.pid!) - cpuBefore;
    const recorded = new Set(done.map((r) => String(r.payload.id)));
    const steadyMs = steadyAnswers.map((a) => a.ms).sort((a, b) => a - b);
    console.log(
      `\nsustained, ${label}: ${total} signals offered at ${SUSTAINED_RATE}/s over ${accounts.length} accounts (reversals)`,
    );
    console.log(
      `  executed ${(done.length / seconds).toFixed(0)} signals/s (${done.length} in ${seconds.toFixed(1)} s; offered in ${sentSeconds.toFixed(1)} s); lost ${steady.filter((a) => !recorded.has(a.id)).length}; not executed ${done.filter((r) => r.status !== 'executed').length}`,
    );
    console.log(summary('  answer', steadyMs));
    console.log(
      `  server CPU: ${(cpu / Math.max(1, done.length)).toFixed(2)} ms per signal (${(cpu / 1000).toFixed(1)} s in all)`,
    );
  } finally {
    await stop(server);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `--burst`: the simulator in a process of its own, the burst on PGlite, then burst and sustained on PostgreSQL. */
async function benchBurstRuns(): Promise<void> {
  const sim = await startProcess(SIM, { BENCH_SIM_KEY: KEY, BENCH_SIM_SECRET: SECRET });
  try {
    if (SIM_LATENCY_MS > 0) {
      await post(`${sim.url}/__sim/faults`, {
        faults: [{ kind: 'latency', ms: SIM_LATENCY_MS, times: Number.MAX_SAFE_INTEGER }],
      });
    }
    console.log(`bar-close burst and sustained load, node ${process.version}`);
    await benchBurst('PGlite', {}, sim.url, false);
    const postgres = await postgresForBench();
    if (postgres) {
      try {
        await benchBurst('PostgreSQL', postgres.env, sim.url, true);
      } finally {
        await postgres.close();
      }
    }
    await benchBare();
  } finally {
    await stop(sim);
  }
}

async function benchBare(): Promise<void> {
  const bare = await startProcess(BARE, {});
  try {
    const body = { account_id: 'x', secret: 'y', action: 'long', symbol: 'BTCUSDT' };
    for (let n = 0; n < 200; n++) await post(bare.url, body);
    const samples: number[] = [];
    for (let n = 0; n < 2000; n++) {
      const started = performance.now();
      await post(bare.url, body);
      samples.push(performance.now() - started);
    }
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next++ < 10_000) await post(bare.url, body);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    console.log('\nceiling: bare Fastify echoing the POST, same client');
    console.log(summary('  one request at a time', samples));
    console.log(`  10 senders  ${(10_000 / seconds).toFixed(0)} requests/s`);
  } finally {
    await stop(bare);
  }
}

/** A throwaway schema on the PostgreSQL at BENCH_DATABASE_URL, as a DATABASE_URL; null when unreachable. */
async function postgresForBench(): Promise<{ env: Record<string, string>; close(): Promise<void> } | null> {
  const pgUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  let database: Awaited<ReturnType<typeof openTestDatabase>>;
  try {
    database = await openTestDatabase(pgUrl);
  } catch {
    console.log(`\n(PostgreSQL at ${pgUrl} not reachable: skipped)`);
    return null;
  }
  const [row] = await database.query<{ schema: string }>('SELECT current_schema() AS schema');
  const url = new URL(pgUrl);
  url.searchParams.set('options', `-c search_path=${row!.schema}`);
  return { env: { DATABASE_URL: url.toString() }, close: () => database.close() };
}

if (process.argv.includes('--burst')) {
  await benchBurstRuns();
  process.exit(0);
}

const sim = await startBinanceSimulator({
  host: '127.0.0.1',
  port: 0,
  apiKey: KEY,
  apiSecret: SECRET,
  balance: 100_000_000,
  weightLimit: 100_000_000,
});
try {
  console.log(`webhook → orders over loopback (Binance wire simulator), node ${process.version}`);
  const dir = mkdtempSync(join(tmpdir(), 'tradingbot-bench-'));
  try {
    await benchServer('PGlite (embedded default)', { DATA_DIR: dir }, sim);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const postgres = await postgresForBench();
  if (postgres) {
    try {
      await benchServer('PostgreSQL', postgres.env, sim);
    } finally {
      await postgres.close();
    }
  }
  await benchBare();
} finally {
  await sim.close();
}
