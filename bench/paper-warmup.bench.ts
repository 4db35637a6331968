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
const startedAt = performance.now();
const alerts = Promise.all(
  accounts.map((account, i) =>
    post('/api/v1/webhook/tradingview', {
      account_id: account.id,
      exchange: 'paper',
      action: 'long',
      symbol: 'BINANCE:BTCUSDT.P',
      leverage: 2,
      qty_pct: 5,
      id: `warmup-${i}`,
      secret: account.webhook_secret,
    }).then((r) => r.text()),
  ),
);
// the alerts answer 202 at 2.5 s at the latest; the venues finish warming up after that
const warmUp = alerts.then(() => app.webhook.drain());
const busy = await probe(url, PROBES, warmUp);
await warmUp;
const warmUpMs = performance.now() - startedAt;
const busyLoopMaxMs = loop.max / 1e6;
loop.disable();
const row = (name: string, t: number[]) =>
  `${name.padEnd(22)} n=${String(t.length).padStart(4)}  p50 ${quantile(t, 0.5).toFixed(1).padStart(6)} ms  p99 ${quantile(t, 0.99).toFixed(1).padStart(6)} ms`;
console.log(
  `paper warm-up: ${ACCOUNTS} new paper accounts, first alert each (took ${(warmUpMs / 1000).toFixed(1)} s)`,
);
console.log(row('health, quiet', quiet));
console.log(row('health, during warm-up', busy));
console.log(
  `ratio during/quiet: p50 ${(quantile(busy, 0.5) / quantile(quiet, 0.5)).toFixed(2)}×, p99 ${(quantile(busy, 0.99) / quantile(quiet, 0.99)).toFixed(2)}×`,
);
console.log(
  `event loop, longest delay: quiet ${quietLoopMaxMs.toFixed(0)} ms, during warm-up ${busyLoopMaxMs.toFixed(0)} ms`,
);
await app.close();
await database.close();
