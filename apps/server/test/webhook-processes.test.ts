import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type Database } from '@tradingbot/db';
import { startBinanceSimulator, type BinanceSimulator } from '@tradingbot/exchange/sim';
import { generateSecrets } from '../src/crypto/credentials.ts';

/*
 * Real server processes (test/support/serve.ts, configured from the environment like `tradingbot
 * serve`) against one database and the Binance wire simulator: one killed with SIGKILL in the
 * middle of an execution and restarted; two sharing a PostgreSQL and 500 signals, each delivered
 * to both. Nothing lost, nothing doubled — judged by what reached the simulator.
 */

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
const SERVE = resolve(dirname(fileURLToPath(import.meta.url)), 'support/serve.ts');
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const KEY = 'P'.repeat(32) + 'p'.repeat(32);
const SECRET = 'Q'.repeat(32) + 'q'.repeat(32);

type Server = { url: string; process: ChildProcess; output: string[] };

function startProcess(env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVE], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output.join('')}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output.push(String(chunk));
      const match = /LISTENING (\S+)/.exec(output.join(''));
      if (match) {
        clearTimeout(timer);
        resolvePromise({ url: match[1]!, process: child, output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => output.push(String(chunk)));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output.join('')}`));
    });
  });
}

async function stopProcess(server: Server, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (server.process.exitCode !== null || server.process.signalCode !== null) return;
  const exited = new Promise((done) => server.process.once('exit', done));
  server.process.kill(signal);
  await exited;
}

async function api(
  server: Server,
  path: string,
  init: { method?: string; body?: unknown; token?: string } = {},
) {
  const response = await fetch(`${server.url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
  };
}

/** Registers a user and a Binance account on the simulator's keys. */
async function userWithAccount(server: Server, email: string) {
  await api(server, '/api/v1/auth/register', {
    body: { email, password: 'correct horse battery', name: 'p' },
  });
  const login = await api(server, '/api/v1/auth/login', {
    body: { email, password: 'correct horse battery' },
  });
  const token = login.body.session_token as string;
  const account = await api(server, '/api/v1/accounts-secure/register', {
    token,
    body: { exchange: 'binance', api_key: KEY, api_secret: SECRET },
  });
  expect(account.status).toBe(200);
  return { token, id: account.body.id as string, secret: account.body.webhook_secret as string };
}

/** Requests that reached the simulator with this client id (and, unless `anyStatus`, were answered 200). */
const acceptedWith = (
  sim: BinanceSimulator,
  path: string,
  clientIdParam: string,
  clientId: string,
  anyStatus = false,
) =>
  sim.requests.filter(
    (r) =>
      r.method === 'POST' &&
      r.path === path &&
      (anyStatus || r.status === 200) &&
      new URLSearchParams(`${r.query}&${r.body}`).get(clientIdParam) === clientId,
  ).length;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let sim: BinanceSimulator;
beforeAll(async () => {
  sim = await startBinanceSimulator({
    host: '127.0.0.1',
    port: 0,
    apiKey: KEY,
    apiSecret: SECRET,
    balance: 10_000_000,
    prices: { BTCUSDT: 50_000 },
    weightLimit: 1_000_000,
  });
});
afterAll(async () => sim.close());

/** Where the server processes keep their data: a PostgreSQL schema, or a PGlite folder. */
async function storage(): Promise<{ env: Record<string, string>; close(): Promise<void> }> {
  if (TEST_DATABASE_URL) {
    const database = await openTestDatabase(TEST_DATABASE_URL);
    const [row] = await database.query<{ schema: string }>('SELECT current_schema() AS schema');
    const schema = row!.schema;
    const url = new URL(TEST_DATABASE_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    return { env: { DATABASE_URL: url.toString() }, close: () => database.close() };
  }
  const dir = mkdtempSync(join(tmpdir(), 'tradingbot-proc-'));
  return { env: { DATA_DIR: dir }, close: async () => rmSync(dir, { recursive: true, force: true }) };
}

describe(`server processes (${TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('a server killed mid-execution, once restarted, finishes the signal without a second order', async () => {
    const store = await storage();
    const env = { ...generateSecrets(), ...store.env, BINANCE_BASE_URL: sim.url, SIGNAL_LEASE_MS: '1500' };
    let server = await startProcess(env);
    try {
      const account = await userWithAccount(server, 'killed@example.com');
      // The stop-loss is accepted by the venue, and its answer held back: the process is killed then.
      sim.faults.add({ kind: 'delay_after_accept', path: '/fapi/v1/algoOrder', method: 'POST', ms: 30_000 });
      const requestsBefore = sim.requests.length;
      const delivery = api(server, '/api/v1/webhook/tradingview', {
        body: {
          account_id: account.id,
          secret: account.secret,
          exchange: 'binance',
          action: 'long',
          symbol: 'BTCUSDT',
          leverage: 3,
          size_usdt: 500,
          sl_pct: 2,
          id: 'kill-me',
        },
      }).catch(() => undefined);
      await until('the stop-loss to reach the venue', async () =>
        sim.requests.slice(requestsBefore).some((r) => r.path === '/fapi/v1/algoOrder') ? true : undefined,
      );
      await stopProcess(server, 'SIGKILL');
      await delivery;

      server = await startProcess(env);
      const signal = await until('the restarted server to finish the signal', async () => {
        const list = await api(server, `/api/v1/signals?account_id=${account.id}`, { token: account.token });
        const row = (
          list.body.signals as
            Array<{ id: string; status: string; result: unknown; payload: { id?: string } }> | undefined
        )?.find((s) => s.payload.id === 'kill-me');
        return row && (row.status === 'executed' || row.status === 'failed') ? row : undefined;
      });
      expect(signal.status, JSON.stringify(signal.result)).toBe('executed');
      const detail = await api(server, `/api/v1/signals/${signal.id}`, { token: account.token });
      const stored = detail.body.orders as Array<{ role: string; client_order_id: string }>;
      expect(stored.map((o) => o.role).sort()).toEqual(['entry', 'sl', 'tp']);
      const entry = stored.find((o) => o.role === 'entry')!;
      const stop = stored.find((o) => o.role === 'sl')!;
      // exactly one of each reached the venue, across both lives of the server
      expect(acceptedWith(sim, '/fapi/v1/order', 'newClientOrderId', entry.client_order_id)).toBe(1);
      // (the stop's answer never arrived: the venue executed it, the killed process never heard back)
      expect(acceptedWith(sim, '/fapi/v1/algoOrder', 'clientAlgoId', stop.client_order_id, true)).toBe(1);
      const resting = (await sim.venue.openOrders('BTCUSDT')).filter(
        (o) => o.clientOrderId === stop.client_order_id,
      );
      expect(resting).toHaveLength(1);
    } finally {
      sim.faults.clear();
      await stopProcess(server);
      await store.close();
    }
  });

  it.skipIf(!TEST_DATABASE_URL)(
    'two server processes on one PostgreSQL execute 500 signals, each delivered to both, exactly once',
    async () => {
      const store = await storage();
      const env = { ...generateSecrets(), ...store.env, BINANCE_BASE_URL: sim.url };
      const servers = await Promise.all([startProcess(env), startProcess(env)]);
      const database: Database = await openTestDatabaseAt(store.env.DATABASE_URL!);
      try {
        // The accounts share the simulator's one venue account, so each trades its own symbol (BTCUSDT
        // still holds the first test's position): their executions run in parallel without touching
        // each other's positions.
        const symbols = ['ETHUSDT', 'SOLUSDT', 'XRPUSDT', 'DOGEUSDT'];
        const accounts = [];
        for (let i = 0; i < symbols.length; i++)
          accounts.push(await userWithAccount(servers[0]!, `multi${i}@example.com`));
        const alerts = accounts.flatMap((account, a) =>
          Array.from({ length: 500 / symbols.length }, (_, n) => ({
            account_id: account.id,
            secret: account.secret,
            exchange: 'binance',
            action: n % 2 === 0 ? 'long' : 'short',
            symbol: symbols[a]!,
            leverage: 2,
            size_usdt: 100,
            id: `multi-${a}-${n}`,
          })),
        );
        const statuses: number[] = [];
        let next = 0;
        // 16 concurrent senders; every alert goes to both servers at once
        await Promise.all(
          Array.from({ length: 16 }, async () => {
            while (next < alerts.length) {
              const alert = alerts[next++]!;
              const answers = await Promise.all(
                servers.map((s) => api(s, '/api/v1/webhook/tradingview', { body: alert })),
              );
              statuses.push(...answers.map((a) => a.status));
            }
          }),
        );
        expect(statuses.every((s) => s === 200 || s === 202)).toBe(true);
        const rows = await until(
          'every signal to finish',
          async () => {
            const all = await database.query<{
              id: string;
              status: string;
              attempts: number;
              error_message: string | null;
            }>(`SELECT id, status, attempts, error_message FROM signals`);
            const finished = all.every((r) => r.status === 'executed' || r.status === 'failed');
            return all.length === 500 && finished ? all : undefined;
          },
          240_000,
        );
        const failed = rows.filter((r) => r.status !== 'executed');
        // On failure, the first failed signal's decisions, with the process that made each, say why.
        const trail =
          failed.length === 0
            ? []
            : await database.query<{ action: string; details: unknown }>(
                `SELECT action, details FROM audit_log WHERE signal_id = $1 ORDER BY id`,
                [failed[0]!.id],
              );
        expect(
          failed.map((r) => r.error_message),
          `signals that did not execute; the first one's audit trail:\n${trail.map((a) => `${a.action} ${JSON.stringify(a.details)}`).join('\n')}`,
        ).toEqual([]);
        expect(rows.every((r) => r.attempts === 1)).toBe(true);
        const entries = await database.query<{ client_order_id: string }>(
          `SELECT client_order_id FROM orders WHERE role = 'entry'`,
        );
        // Senders race, so an account may see two longs in a row: the second is a no-op, not an entry.
        const [{ noops } = { noops: 0 }] = await database.query<{ noops: number }>(
          `SELECT count(*)::int AS noops FROM signals WHERE result->>'code' = 'ALREADY_IN_POSITION'`,
        );
        expect(entries.length + noops).toBe(500);
        for (const { client_order_id } of entries) {
          expect(acceptedWith(sim, '/fapi/v1/order', 'newClientOrderId', client_order_id)).toBe(1);
        }
      } finally {
        await Promise.all(servers.map((s) => stopProcess(s)));
        await database.close();
        await store.close();
      }
    },
    300_000,
  );
});

async function openTestDatabaseAt(url: string): Promise<Database> {
  const { openDatabase } = await import('@tradingbot/db');
  return openDatabase({ url });
}
