import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { migrate, openTestDatabase, type Database } from '@tradingbot/db';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '../src/app.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { generateSecrets } from '../src/crypto/credentials.ts';
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
