/**
 * Issue 15, finding 1: the server's latency while new paper accounts warm up.
 *
 * Starts the real server app (PGlite, in this process, listening on 127.0.0.1:0) with 2 ×
 * PAPER_ACCOUNTS (default 20) paper accounts, builds the venues of the first half, then sends the
 * same entry alert to every account of each half at once: the warm half is the peer (the signal
 * work alone), the new half adds each venue's warm-up. Meanwhile it probes `/api/v1/health/live`
 * (the event loop) and `/api/v1/health` (which also writes to the database) and reports p50/p99
 * of each phase, quiet included, and the new/warm ratios. `npm run bench:paper-warmup`;
 * PAPER_ACCOUNTS / PROBES for longer runs.
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

async function probe(
  url: string,
  count: number,
  until: Promise<unknown> | undefined,
  path: string,
): Promise<number[]> {
  const times: number[] = [];
  let done = false;
  void until?.then(() => (done = true));
  for (let i = 0; i < count || (until !== undefined && !done); i++) {
    const start = performance.now();
    const response = await fetch(`${url}${path}`);
    await response.text();
    times.push(performance.now() - start);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return times;
}

const database = await openTestDatabase(undefined);
await migrate(database);
const config = loadConfig({
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  MAX_ACCOUNTS_PER_USER: String(2 * ACCOUNTS),
  ...generateSecrets(),
});
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
for (let i = 0; i < 2 * ACCOUNTS; i++) {
  const response = await post(
    '/api/v1/accounts-secure/register',
    { exchange: 'paper', api_key: 'k', api_secret: 's' },
    auth,
  );
  accounts.push((await response.json()) as { id: string; webhook_secret: string });
}

const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

/**
 * The latency of both health endpoints, probed in turn until `until` settles (or `count` each):
 * `/health/live` answers from the event loop alone, so it shows stalls of the server; `/health`
 * also writes a row, so it shows the queue in front of the database as well (PGlite runs every
 * statement in this thread, one at a time).
 */
async function probeBoth(count: number, until?: Promise<unknown>) {
  loop.reset();
  const [live, health] = await Promise.all([
    probe(url, count, until, '/api/v1/health/live'),
    probe(url, count, until, '/api/v1/health'),
  ]);
  return { live, health, loopMaxMs: loop.max / 1e6 };
}

/** One alert per account at once; both health streams are probed until they have all run. */
async function burst(group: typeof accounts, action: string, tag: string) {
  const startedAt = performance.now();
  const alerts = Promise.all(
    group.map((account, i) =>
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
  const probes = await probeBoth(PROBES, done);
  await done;
  return { ...probes, ms: performance.now() - startedAt };
}

// Half the accounts get their venue built first (a close_all with nothing to close), so that the
// same entry alert can be measured on warm venues (the peer) and on new ones (the warm-up).
const warmGroup = accounts.slice(0, ACCOUNTS);
const newGroup = accounts.slice(ACCOUNTS);
await burst(warmGroup, 'close_all', 'prepare');
const quiet = await probeBoth(PROBES);
const warm = await burst(warmGroup, 'long', 'warm');
const cold = await burst(newGroup, 'long', 'cold');
loop.disable();
const row = (name: string, t: number[]) =>
  `${name.padEnd(46)} n=${String(t.length).padStart(4)}  p50 ${quantile(t, 0.5).toFixed(1).padStart(6)} ms  p99 ${quantile(t, 0.99).toFixed(1).padStart(6)} ms`;
console.log(
  `paper warm-up: the same entry alert on ${ACCOUNTS} warm paper venues (${(warm.ms / 1000).toFixed(1)} s) and on ${ACCOUNTS} new ones that build their venue (${(cold.ms / 1000).toFixed(1)} s)`,
);
for (const [name, phase] of [
  ['quiet', quiet],
  ['entries on warm venues', warm],
  ['entries on new venues (warm-up)', cold],
] as const) {
  console.log(row(`health/live, ${name}`, phase.live));
  console.log(row(`health (db write), ${name}`, phase.health));
}
const ratio = (a: number[], b: number[]) =>
  `p50 ${(quantile(a, 0.5) / quantile(b, 0.5)).toFixed(2)}×, p99 ${(quantile(a, 0.99) / quantile(b, 0.99)).toFixed(2)}×`;
console.log(`ratio new / warm venues, health/live: ${ratio(cold.live, warm.live)}`);
console.log(`ratio new / warm venues, health (db write): ${ratio(cold.health, warm.health)}`);
console.log(
  `event loop, longest delay: quiet ${quiet.loopMaxMs.toFixed(0)} ms, warm ${warm.loopMaxMs.toFixed(0)} ms, new ${cold.loopMaxMs.toFixed(0)} ms`,
);
await app.close();
await database.close();
