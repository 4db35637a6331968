import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { signals } from '@tradingbot/db';
import type { Exchange } from '@tradingbot/exchange';
import { closeGracefully } from '../src/app.ts';
import { createExchangeFactory, type ConnectExchange } from '../src/exchange-factory.ts';
import { signUp, testApp, testConfig, type TestApp } from './helpers.ts';

/*
 * /api/v1/health fails (503) when the database does not take writes; /health/ready reports the
 * database, the key ring and the signal worker; /health/live answers while the process does.
 * Graceful shutdown: new signals get 503, executions in flight finish (for SHUTDOWN_DRAIN_MS at
 * most), then the app closes.
 */

/** Makes the probe row unwritable, as a full disk or a read-only database would. */
async function refuseWrites(t: TestApp) {
  await t.database.query(`CREATE FUNCTION refuse_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'could not extend file: No space left on device'; END $$`);
  await t.database.query(
    'CREATE TRIGGER refuse_write BEFORE INSERT OR UPDATE ON health_probe FOR EACH ROW EXECUTE FUNCTION refuse_write()',
  );
}

describe('health', () => {
  it('health, ready and live answer 200 on a working server; 503 when the database takes no writes', async () => {
    const t = await testApp();
    try {
      await t.app.ready();
      const health = await t.app.inject({ method: 'GET', url: '/api/v1/health' });
      expect(health.statusCode).toBe(200);
      expect(health.json()).toEqual({ status: 'ok', database: t.database.kind });
      const ready = await t.app.inject({ method: 'GET', url: '/api/v1/health/ready' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toEqual({
        status: 'ready',
        checks: { database: 'ok', key_ring: 'ok', worker: 'ok' },
      });
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/health/live' })).json()).toEqual({
        status: 'ok',
      });

      await refuseWrites(t);
      const failing = await t.app.inject({ method: 'GET', url: '/api/v1/health' });
      expect(failing.statusCode).toBe(503);
      expect(failing.json().error.code).toBe('DATABASE_UNAVAILABLE');
      expect(failing.body).not.toContain('No space left');
      const notReady = await t.app.inject({ method: 'GET', url: '/api/v1/health/ready' });
      expect(notReady.statusCode).toBe(503);
      expect(notReady.json()).toEqual({
        status: 'not_ready',
        checks: { database: 'failed', key_ring: 'ok', worker: 'ok' },
      });
      // liveness does not depend on the database
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/health/live' })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});

/** A paper venue whose orders wait for `open()`: an execution held in flight. */
function gatedVenues() {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const real = createExchangeFactory({});
  const connect: ConnectExchange = (account, credentials) => {
    const exchange = real(account, credentials);
    return new Proxy(exchange, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (property !== 'placeOrder' || typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          await gate;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }) as Exchange;
  };
  return { connect, open };
}

async function paperAccount(t: TestApp) {
  const user = await signUp(t.app, 'drain@example.com');
  const registered = await t.app.inject({
    method: 'POST',
    url: '/api/v1/accounts-secure/register',
    headers: user.auth,
    payload: { exchange: 'paper', api_key: 'k', api_secret: 's' },
  });
  return registered.json() as { id: string; webhook_secret: string };
}

const alert = (account: { id: string; webhook_secret: string }, id: string) => ({
  method: 'POST' as const,
  url: '/api/v1/webhook/tradingview',
  headers: { 'content-type': 'application/json' },
  payload: JSON.stringify({
    account_id: account.id,
    secret: account.webhook_secret,
    exchange: 'paper',
    action: 'long',
    symbol: 'BTCUSDT',
    leverage: 2,
    sl_pct: 2,
    id,
  }),
});

async function statusOf(t: TestApp, id: string) {
  const [row] = await t.database.db.select().from(signals).where(eq(signals.id, id));
  return row?.status;
}

describe('graceful shutdown', () => {
  it('refuses new signals with 503, reports not ready, and lets the execution in flight finish', async () => {
    const venues = gatedVenues();
    const t = await testApp({ connectExchange: venues.connect, answerWithinMs: 300 });
    try {
      await t.app.ready();
      const account = await paperAccount(t);
      const first = await t.app.inject(alert(account, 'in-flight'));
      expect(first.statusCode, first.body).toBe(202); // its order waits at the gate
      const signalId = first.json().signal_id as string;
      expect(await statusOf(t, signalId)).toBe('executing');

      const closing = closeGracefully(t.app);
      // new requests are refused while the execution drains (Fastify answers 503 while closing)
      const refused = await t.app.inject(alert(account, 'too-late'));
      expect(refused.statusCode).toBe(503);
      expect(t.app.webhook.isAccepting).toBe(false);

      venues.open();
      await closing;
      expect(await statusOf(t, signalId)).toBe('executed');
    } finally {
      venues.open();
      await t.app.close();
      await t.database.close();
    }
  });

  it('the webhook answers SHUTTING_DOWN and readiness fails as soon as shutdown begins', async () => {
    const t = await testApp();
    try {
      await t.app.ready();
      const account = await paperAccount(t);
      t.app.webhook.stopAccepting();
      const refused = await t.app.inject(alert(account, 'after-stop'));
      expect(refused.statusCode).toBe(503);
      expect(refused.json().error.code).toBe('SHUTTING_DOWN');
      const ready = await t.app.inject({ method: 'GET', url: '/api/v1/health/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().checks.worker).toBe('draining');
    } finally {
      await t.close();
    }
  });

  it('waits no longer than SHUTDOWN_DRAIN_MS for a hung execution; it stays recorded to resume', async () => {
    const venues = gatedVenues();
    const t = await testApp({
      config: testConfig({ SHUTDOWN_DRAIN_MS: '300' }),
      connectExchange: venues.connect,
      answerWithinMs: 300,
    });
    try {
      await t.app.ready();
      const account = await paperAccount(t);
      const first = await t.app.inject(alert(account, 'hung'));
      expect(first.statusCode).toBe(202);
      const signalId = first.json().signal_id as string;
      const closed = await Promise.race([
        closeGracefully(t.app).then(() => 'closed'),
        new Promise((resolve) => setTimeout(() => resolve('still waiting'), 15_000)),
      ]);
      expect(closed).toBe('closed');
      expect(await statusOf(t, signalId)).toBe('executing'); // resumed by the next process
      expect(t.logs.join('')).toContain('SHUTDOWN_DRAIN_MS');
    } finally {
      venues.open();
      // The released execution still writes (lease, orders): let it finish before the schema is dropped.
      await t.app.webhook.drain(10_000);
      await t.database.close();
    }
  });
});
