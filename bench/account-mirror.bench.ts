/**
 * `npm run bench:mirror`: the account mirror (issue 16).
 *
 *  1. Latency, venue event → fill row committed → browser notified, on loopback: the server app
 *     (PGlite in memory) streams one account from the Binance wire simulator (user-data stream over
 *     WebSocket); an SSE client reads `GET /api/v1/events` over HTTP. Each sample places a market order
 *     on the simulator's paper venue (it emits the execution at once) and waits for the `fill` event
 *     at the SSE client; p50 / p99 of BENCH_MIRROR_SAMPLES (default 300) after 20 warm-up ones.
 *  2. Idle streams: BENCH_MIRROR_IDLE (default 1,000) paper accounts, each with its mirror session
 *     (in-process stream, subscriptions, lease), then heap per stream and the process's CPU over
 *     BENCH_MIRROR_IDLE_SECONDS (default 20) of idling (lease renewals and the reconcile schedule included).
 * Not part of `npm test`; numbers depend on the machine (README records one run).
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { accounts, migrate, openTestDatabase, users } from '@tradingbot/db';
import { PaperExchange } from '@tradingbot/exchange';
import { startBinanceSimulator } from '@tradingbot/exchange/sim';
import { buildApp } from '../apps/server/src/app.ts';
import { loadConfig } from '../apps/server/src/config.ts';
import { encryptCredentials, generateSecrets, hashToken } from '../apps/server/src/crypto/credentials.ts';
import { createExchangeFactory } from '../apps/server/src/exchange-factory.ts';
import { EventBus } from '../apps/server/src/events.ts';
import { AccountMirror } from '../apps/server/src/services/account-mirror.ts';

const KEY = 'B'.repeat(32) + 'm'.repeat(32);
const SECRET = 'N'.repeat(32) + 'm'.repeat(32);
const SAMPLES = Number(process.env.BENCH_MIRROR_SAMPLES ?? 300);
const IDLE = Number(process.env.BENCH_MIRROR_IDLE ?? 1000);
const IDLE_SECONDS = Number(process.env.BENCH_MIRROR_IDLE_SECONDS ?? 20);

const quiet = new Writable({ write: (_c, _e, done) => done() });
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function latency(): Promise<void> {
  const sim = await startBinanceSimulator({
    port: 0,
    host: '127.0.0.1',
    apiKey: KEY,
    apiSecret: SECRET,
    balance: 1_000_000_000,
    prices: { BTCUSDT: 50_000 },
  });
  const database = await openTestDatabase(undefined);
  await migrate(database);
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    STREAMS_ENABLED: 'true',
    ...generateSecrets(),
  });
  const app = await buildApp({
    config,
    database,
    logStream: quiet,
    connectExchange: createExchangeFactory({ baseUrls: { binance: sim.url } }),
    mirror: { sweepIntervalMs: 200 },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  await app.inject({
    method: 'POST',
    url: '/api/v1/auth/register',
    payload: { email: 'bench@example.com', password: 'correct horse battery', name: 'bench' },
  });
  const login = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: 'bench@example.com', password: 'correct horse battery' },
  });
  const token = (login.json() as { session_token: string }).session_token;
  const account = (
    await app.inject({
      method: 'POST',
      url: '/api/v1/accounts-secure/register',
      headers: { authorization: `Bearer ${token}` },
      payload: { exchange: 'binance', api_key: KEY, api_secret: SECRET },
    })
  ).json() as { id: string };
  for (;;) {
    if (app.mirror?.session(account.id)?.connectedOnce) break;
    await new Promise((r) => setTimeout(r, 20));
  }

  let waiting: ((at: number) => void) | undefined;
  const response = await fetch(`${url}/api/v1/events`, { headers: { authorization: `Bearer ${token}` } });
  const reader = response.body!.getReader();
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        if (frame.includes('event: fill')) waiting?.(performance.now());
      }
    }
  })();

  const samples: number[] = [];
  for (let i = 0; i < SAMPLES + 20; i++) {
    const seen = new Promise<number>((resolve) => (waiting = resolve));
    const started = performance.now();
    await sim.venue.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: i % 2 === 0 ? 'buy' : 'sell',
      type: 'market',
      qty: '0.01',
      positionSide: 'net',
      idempotencyKey: `bench-mirror-${i}`,
    });
    const at = await seen;
    if (i >= 20) samples.push(at - started);
  }
  samples.sort((a, b) => a - b);
  console.log(
    `venue event → fill row → SSE client (Binance simulator, PGlite), ${SAMPLES} fills: ` +
      `p50 ${pct(samples, 50).toFixed(1)} ms, p99 ${pct(samples, 99).toFixed(1)} ms, max ${samples.at(-1)!.toFixed(1)} ms`,
  );
  await reader.cancel();
  await app.close();
  await sim.close();
  await database.close();
}

async function idle(): Promise<void> {
  const database = await openTestDatabase(undefined);
  await migrate(database);
  const secrets = generateSecrets();
  const config = loadConfig({ NODE_ENV: 'test', ...secrets });
  const userId = randomUUID();
  await database.db.insert(users).values({ id: userId, email: 'idle@example.com', passwordHash: 'x' });
  const rows = Array.from({ length: IDLE }, () => {
    const id = randomUUID();
    return {
      id,
      userId,
      exchange: 'paper' as const,
      ...encryptCredentials(config.keyRing, id, { apiKey: 'k', apiSecret: 's' }),
      webhookSecretHash: hashToken(id),
      webhookSecretHint: 'xxxx',
    };
  });
  for (let i = 0; i < rows.length; i += 200)
    await database.db.insert(accounts).values(rows.slice(i, i + 200));
  // One paper venue per account, held here so that only the streams' own cost is measured below.
  const venues = new Map(rows.map((r) => [r.id, new PaperExchange({ prices: { BTCUSDT: 50_000 } })]));
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  const mirror = new AccountMirror({
    database,
    keyRing: config.keyRing,
    connectExchange: (account) =>
      venues.get(account.id as `${string}-${string}-${string}-${string}-${string}`)!,
    events: new EventBus(),
    reconcileIntervalMs: 30_000,
    startConcurrency: 16,
  });
  const started = performance.now();
  mirror.start();
  while (
    mirror.accountIds.length < IDLE ||
    !mirror.accountIds.every((id) => mirror.session(id)?.connectedOnce)
  ) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const startMs = performance.now() - started;
  await mirror.idle();
  global.gc?.();
  const after = process.memoryUsage().heapUsed;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - t0;
  console.log(
    `${IDLE} idle paper account streams: started and re-synced in ${(startMs / 1000).toFixed(1)} s; ` +
      `heap ${((after - before) / IDLE / 1024).toFixed(1)} KB per stream${global.gc ? '' : ' (run with --expose-gc for a steadier figure)'}; ` +
      `CPU while idle ${(((cpu.user + cpu.system) / 1000 / wall) * 100).toFixed(2)} % of one core over ${IDLE_SECONDS} s`,
  );
  await mirror.stop();
  await database.close();
}

console.log(`account mirror, node ${process.version}`);
await latency();
await idle();
