import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { migrate, openTestDatabase, type Database } from '@tradingbot/db';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '../src/app.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { generateSecrets } from '../src/crypto/credentials.ts';
import { createExchangeFactory } from '../src/exchange-factory.ts';
import type { FillReceived } from '../src/events.ts';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

export function testConfig(overrides: Record<string, string> = {}): Config {
  const secrets = generateSecrets();
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'info', ...secrets, ...overrides });
}

export type TestApp = {
  app: FastifyInstance;
  database: Database;
  config: Config;
  logs: string[];
  close(): Promise<void>;
};

/** The real app on a fresh database (PGlite, or a throwaway PostgreSQL schema), capturing every log line. */
export async function testApp(options: Partial<AppDeps> = {}): Promise<TestApp> {
  const database = await openTestDatabase(TEST_DATABASE_URL);
  await migrate(database);
  const config = options.config ?? testConfig();
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  // On PostgreSQL each test app queues lab jobs in a pg-boss schema of its own: test files run at once on
  // one database, and a job must only ever be taken by the app whose tables hold it.
  const pgBossSchema = database.kind === 'postgres' ? `pgboss_${randomBytes(5).toString('hex')}` : undefined;
  const app = await buildApp({
    ...options,
    config,
    database,
    logStream,
    labQueue: { ...(pgBossSchema ? { pgBossSchema } : {}), ...options.labQueue },
  });
  return {
    app,
    database,
    config,
    logs,
    close: async () => {
      await app.close();
      if (pgBossSchema) await database.exec(`DROP SCHEMA IF EXISTS ${pgBossSchema} CASCADE`);
      await database.close();
    },
  };
}

export async function signUp(app: FastifyInstance, email: string, password = 'correct horse battery') {
  const registered = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/register',
    payload: { email, password, name: email.split('@')[0] },
  });
  if (registered.statusCode !== 201) throw new Error(`register failed: ${registered.body}`);
  const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  const body = login.json() as { access_token: string; session_token: string; user: { id: string } };
  return {
    ...body,
    auth: { authorization: `Bearer ${body.session_token}` },
    jwt: { authorization: `Bearer ${body.access_token}` },
  };
}

/** A `fill.received` event of a 0.1 BTC buy at 50,000 (the live-event tests' unit of traffic). */
export function fillReceived(
  userId: string,
  accountId: string,
  venueTradeId: string,
  at = Date.now(),
): FillReceived {
  return {
    accountId,
    userId,
    exchange: 'binance',
    venueSymbol: 'BTCUSDT',
    venueTradeId,
    venueOrderId: '1',
    clientOrderId: 'c1',
    side: 'buy',
    positionSide: 'net',
    qty: '0.1',
    price: '50000',
    fee: '2',
    feeAsset: 'USDT',
    realizedPnl: '0',
    reason: 'signal',
    signalId: null,
    at,
  };
}

/** Polls `probe` every 25 ms until it gives a value (not undefined / false); throws naming `what` after `ms`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  ms = 5_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * The app listening on loopback with venue streams on, its exchange at a simulator's address, the
 * account mirror's timings shortened for tests; one user registers an account on that venue, and the
 * account's stream is up and re-synced before this returns.
 */
export async function streamingAppOnSimulator(options: {
  exchange: string;
  simUrl: string;
  credentials: Record<string, string>;
  email: string;
  /** How long to wait for the stream (default 5 s). */
  waitMs?: number;
}) {
  const database = await openTestDatabase(TEST_DATABASE_URL);
  await migrate(database);
  const app = await buildApp({
    config: testConfig({ STREAMS_ENABLED: 'true' }),
    database,
    logStream: new Writable({ write: (_chunk, _encoding, done) => done() }),
    connectExchange: createExchangeFactory({
      baseUrls: { [options.exchange]: options.simUrl },
      requestTimeoutMs: 2_000,
    }),
    mirror: {
      sweepIntervalMs: 150,
      leaseMs: 1_500,
      protectionCheckDelayMs: 150,
      reconnectMinMs: 50,
      reconnectMaxMs: 300,
      reconcileIntervalMs: 60_000,
    },
    worker: { sweepIntervalMs: 200 },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const user = await signUp(app, options.email);
  const registered = await app.inject({
    method: 'POST',
    url: '/api/v1/accounts-secure/register',
    headers: user.auth,
    payload: { exchange: options.exchange, ...options.credentials },
  });
  if (registered.statusCode !== 200) throw new Error(`register: ${registered.statusCode} ${registered.body}`);
  const account = registered.json() as { id: string; webhook_secret: string };
  await until(
    'the stream to be up and re-synced',
    async () => {
      const session = app.mirror?.session(account.id);
      return session?.connectedOnce === true && session.stream.status.state === 'up';
    },
    options.waitMs,
  );
  return { app, database, account, auth: user.auth };
}
