/**
 * Issue 15, finding 1: webhook latency while new paper accounts warm up.
 *
 * Starts the real server app (PGlite, in this process, listening on 127.0.0.1:0), registers
 * PAPER_ACCOUNTS (default 20) paper accounts, then measures the latency of a stream of
 * /api/v1/health requests twice: quiet (baseline), and while the first alert of every paper account
 * is sent (each builds its venue: history, feed). Reports p50/p99 of both and their ratio.
 * `npm run bench:paper-warmup`; PAPER_ACCOUNTS / PROBES for longer runs.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { migrate, openTestDatabase } from '@tradingbot/db';
import { buildApp } from '../apps/server/src/app.ts';
import { loadConfig } from '../apps/server/src/config.ts';
import { generateSecrets } from '../apps/server/src/crypto/credentials.ts';

const ACCOUNTS = Number(process.env.PAPER_ACCOUNTS ?? 20);
const PROBES = Number(process.env.PROBES ?? 200);

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

async function probe(url: string, count: number, until?: Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  let done = false;
  void until?.then(() => (done = true));
  for (let i = 0; i < count || (until !== undefined && !done); i++) {
    const start = performance.now();
    const response = await fetch(`${url}/api/v1/health`);
    await response.text();
    times.push(performance.now() - start);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return times;
}

const database = await openTestDatabase(undefined);
await migrate(database);
const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...generateSecrets() });
const app = await buildApp({ config, database });
const url = await app.listen({ port: 0, host: '127.0.0.1' });
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
await post('/api/v1/auth/register', {
  email: 'bench@example.com',
  password: 'correct horse battery',
  name: 'b',
});
const login = (await (
  await post('/api/v1/auth/login', { email: 'bench@example.com', password: 'correct horse battery' })
).json()) as { session_token: string };
const auth = { authorization: `Bearer ${login.session_token}` };
const accounts: Array<{ id: string; webhook_secret: string }> = [];
for (let i = 0; i < ACCOUNTS; i++) {
  const response = await post(
    '/api/v1/accounts-secure/register',
    { exchange: 'paper', api_key: 'k', api_secret: 's' },
    auth,
  );
  accounts.push((await response.json()) as { id: string; webhook_secret: string });
}

const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const quiet = await probe(url, PROBES);
const quietLoopMaxMs = loop.max / 1e6;
loop.reset();
/** One alert per account at once; the health stream is probed until they have all run. */
async function burst(action: string, tag: string) {
  const startedAt = performance.now();
  loop.reset();
  const alerts = Promise.all(
    accounts.map((account, i) =>
      post('/api/v1/webhook/tradingview', {
        account_id: account.id,
        exchange: 'paper',
        action,
        symbol: 'BINANCE:BTCUSDT.P',
        leverage: 2,
        qty_pct: 5,
        id: `${tag}-${i}`,
        secret: account.webhook_secret,
      }).then((r) => r.text()),
    ),
  );
  // the alerts answer 202 at 2.5 s at the latest; the executions may finish after that
  const done = alerts.then(() => app.webhook.drain());
  const times = await probe(url, PROBES, done);
  await done;
  return { times, ms: performance.now() - startedAt, loopMaxMs: loop.max / 1e6 };
}

// The first alert of each account builds its venue; the second runs on a warm venue (the peer:
// the same signal work without the warm-up).
const busy = await burst('long', 'warmup');
const warm = await burst('close_all', 'warm');
loop.disable();
const row = (name: string, t: number[]) =>
  `${name.padEnd(22)} n=${String(t.length).padStart(4)}  p50 ${quantile(t, 0.5).toFixed(1).padStart(6)} ms  p99 ${quantile(t, 0.99).toFixed(1).padStart(6)} ms`;
console.log(
  `paper warm-up: ${ACCOUNTS} new paper accounts, first alert each (${(busy.ms / 1000).toFixed(1)} s), then a second alert each (${(warm.ms / 1000).toFixed(1)} s)`,
);
const ratio = (a: number[], b: number[]) =>
  `p50 ${(quantile(a, 0.5) / quantile(b, 0.5)).toFixed(2)}×, p99 ${(quantile(a, 0.99) / quantile(b, 0.99)).toFixed(2)}×`;
console.log(row('health, quiet', quiet));
console.log(row('health, first alerts', busy.times));
console.log(row('health, second alerts', warm.times));
console.log(`ratio first alerts / quiet: ${ratio(busy.times, quiet)}`);
console.log(`ratio first alerts / second alerts: ${ratio(busy.times, warm.times)}`);
console.log(
  `event loop, longest delay: quiet ${quietLoopMaxMs.toFixed(0)} ms, first alerts ${busy.loopMaxMs.toFixed(0)} ms, second alerts ${warm.loopMaxMs.toFixed(0)} ms`,
);
await app.close();
await database.close();
