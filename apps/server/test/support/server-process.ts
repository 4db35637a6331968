import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openTestDatabase } from '@tradingbot/db';
import type { BinanceSimulator } from '@tradingbot/exchange/sim';

/*
 * Real server processes for multi-process tests (webhook-processes, bots-processes): started from
 * a support script configured from the environment like `tradingbot serve`, stopped or killed,
 * asked over HTTP; their data in a PostgreSQL schema (TEST_DATABASE_URL) or a PGlite folder.
 */

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
const SERVE = resolve(dirname(fileURLToPath(import.meta.url)), 'serve.ts');
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
/** The Binance simulator's keys the accounts of these tests register. */
export const KEY = 'P'.repeat(32) + 'p'.repeat(32);
export const SECRET = 'Q'.repeat(32) + 'q'.repeat(32);

export type Server = { url: string; process: ChildProcess; output: string[] };

/** Starts `script` (default test/support/serve.ts) as a server process; resolves once it listens. */
export function startProcess(env: Record<string, string>, script = SERVE): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
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
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output.join('')}`)), 120_000);
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

export async function stopProcess(server: Server, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (server.process.exitCode !== null || server.process.signalCode !== null) return;
  const exited = new Promise((done) => server.process.once('exit', done));
  server.process.kill(signal);
  await exited;
}

export async function api(
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

/** Requests that reached the simulator with this client id (and, unless `anyStatus`, were answered 200). */
export const acceptedWith = (
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

export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Where the server processes keep their data: a PostgreSQL schema, or a PGlite folder. */
export async function storage(): Promise<{ env: Record<string, string>; close(): Promise<void> }> {
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

/** Registers a user and a Binance account on the simulator's keys (default `KEY` / `SECRET`). */
export async function userWithAccount(server: Server, email: string, keys = { key: KEY, secret: SECRET }) {
  await api(server, '/api/v1/auth/register', {
    body: { email, password: 'correct horse battery', name: 'p' },
  });
  const login = await api(server, '/api/v1/auth/login', {
    body: { email, password: 'correct horse battery' },
  });
  const token = login.body.session_token as string;
  const account = await api(server, '/api/v1/accounts-secure/register', {
    token,
    body: { exchange: 'binance', api_key: keys.key, api_secret: keys.secret },
  });
  if (account.status !== 200) throw new Error(`account not registered: ${JSON.stringify(account.body)}`);
  return { token, id: account.body.id as string, secret: account.body.webhook_secret as string };
}
