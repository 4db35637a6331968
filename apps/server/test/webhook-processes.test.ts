import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@tradingbot/db';
import { startBinanceSimulator, type BinanceSimulator } from '@tradingbot/exchange/sim';
import { generateSecrets } from '../src/crypto/credentials.ts';
import {
  KEY,
  SECRET,
  TEST_DATABASE_URL,
  acceptedWith,
  api,
  startProcess,
  stopProcess,
  storage,
  until,
  userWithAccount,
} from './support/server-process.ts';

/*
 * Real server processes (test/support/serve.ts, configured from the environment like `tradingbot
 * serve`) against one database and the Binance wire simulator: one killed with SIGKILL in the
 * middle of an execution and restarted; two sharing a PostgreSQL and 500 signals, each delivered
 * to both. Nothing lost, nothing doubled — judged by what reached the simulator.
 */

/** The simulator's symbols: one account per symbol, as the accounts share its one venue account. */
const BURST_SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT', 'DOGEUSDT'];

const SIM_WEIGHT_LIMIT = 1_000_000;
/**
 * The servers' venue: the simulator, and its weight limit (the servers' gate assumes Binance's 2,400
 * a minute otherwise, and these bursts pass it: every server would wait for the next minute).
 */
const simEnv = () => ({ BINANCE_BASE_URL: sim.url, BINANCE_WEIGHT_LIMIT: String(SIM_WEIGHT_LIMIT) });

/** `perAccount` alerts for each account, longs and shorts in turn, the a-th account trading `symbols[a]`. */
function alternatingAlerts(
  accounts: ReadonlyArray<{ id: string; secret: string }>,
  symbols: readonly string[],
  perAccount: number,
  idPrefix: string,
) {
  return accounts.flatMap((account, a) =>
    Array.from({ length: perAccount }, (_, n) => ({
      account_id: account.id,
      secret: account.secret,
      exchange: 'binance',
      action: n % 2 === 0 ? 'long' : 'short',
      symbol: symbols[a]!,
      leverage: 2,
      size_usdt: 100,
      id: `${idPrefix}-${a}-${n}`,
    })),
  );
}

let sim: BinanceSimulator;
beforeAll(async () => {
  sim = await startBinanceSimulator({
    host: '127.0.0.1',
    port: 0,
    apiKey: KEY,
    apiSecret: SECRET,
    balance: 10_000_000,
    prices: { BTCUSDT: 50_000, ETHUSDT: 3_000, SOLUSDT: 150, XRPUSDT: 0.5, DOGEUSDT: 0.1 },
    weightLimit: SIM_WEIGHT_LIMIT,
  });
});
afterAll(async () => sim.close());

describe(`server processes (${TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('a server killed mid-execution, once restarted, finishes the signal without a second order', async () => {
    const store = await storage();
    const env = { ...generateSecrets(), ...store.env, ...simEnv(), SIGNAL_LEASE_MS: '1500' };
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

  it('a server killed with SIGKILL during a burst executes, once restarted, every recorded signal exactly once', async () => {
    const store = await storage();
    const env = { ...generateSecrets(), ...store.env, ...simEnv(), SIGNAL_LEASE_MS: '1500' };
    let server = await startProcess(env);
    try {
      // One account per symbol (they share the simulator's one venue account), reversals back to back.
      const accounts: Array<Awaited<ReturnType<typeof userWithAccount>>> = [];
      for (const [i] of BURST_SYMBOLS.entries())
        accounts.push(await userWithAccount(server, `kill-burst-${i}@example.com`));
      const alerts = alternatingAlerts(accounts, BURST_SYMBOLS, 12, 'kill-burst');
      const before = sim.requests.length;
      const orderPosts = () =>
        sim.requests.slice(before).filter((r) => r.method === 'POST' && r.path === '/fapi/v1/order').length;
      // All at once; killed once a dozen orders reached the venue, with more in flight.
      const deliveries = alerts.map((alert) =>
        api(server, '/api/v1/webhook/tradingview', { body: alert }).catch(() => undefined),
      );
      // (a wait, not a timing goal: a loaded CI machine starts the burst slowly)
      await until('orders to reach the venue', async () => (orderPosts() >= 12 ? true : undefined), 150_000);
      await stopProcess(server, 'SIGKILL');
      await Promise.all(deliveries);

      server = await startProcess(env);
      type Row = {
        id: string;
        status: string;
        result: { code?: string } | null;
        token: string;
      };
      const rows = await until(
        'the restarted server to finish every recorded signal',
        async () => {
          const all: Row[] = [];
          for (const account of accounts) {
            const list = await api(server, `/api/v1/signals?account_id=${account.id}&limit=200`, {
              token: account.token,
            });
            // Not an answer yet (a restart still warming up, or the API's rate limit under this polling): ask again.
            if (list.status !== 200) return undefined;
            all.push(...(list.body.signals as Row[]).map((r) => ({ ...r, token: account.token })));
          }
          return all.every((r) => r.status === 'executed' || r.status === 'failed') ? all : undefined;
        },
        120_000,
      );
      expect(rows.length).toBeGreaterThan(0);
      let entries = 0;
      let notExecuted = 0;
      for (const row of rows) {
        const detail = await api(server, `/api/v1/signals/${row.id}`, { token: row.token });
        const stored = (detail.body.orders ?? []) as Array<{ role: string; client_order_id: string }>;
        if (row.status !== 'executed') {
          // Not executed: it never started and its turn came more than two minutes after it arrived
          // (SIGNAL_EXPIRED, nothing sent), or the simulator in this test process stalled on a loaded
          // machine (a timeout, an outcome it could not confirm). Either way it failed, and no order
          // reached the venue twice.
          expect(row.status, JSON.stringify(row.result)).toBe('failed');
          for (const order of stored) {
            expect(
              acceptedWith(sim, '/fapi/v1/order', 'newClientOrderId', order.client_order_id),
            ).toBeLessThanOrEqual(1);
          }
          notExecuted++;
          continue;
        }
        for (const order of stored.filter((o) => o.role === 'entry' || o.role === 'close')) {
          // each order reached the venue once, across both lives of the server
          expect(acceptedWith(sim, '/fapi/v1/order', 'newClientOrderId', order.client_order_id)).toBe(1);
          if (order.role === 'entry') entries++;
        }
      }
      // Arrival order within an account is the network's: two longs in a row make the second a no-op.
      const noops = rows.filter((r) => r.result?.code === 'ALREADY_IN_POSITION').length;
      expect(entries + noops + notExecuted).toBe(rows.length);
      expect(entries).toBeGreaterThan(0);
    } finally {
      await stopProcess(server);
      await store.close();
    }
  }, 300_000);

  it.skipIf(!TEST_DATABASE_URL)(
    'two server processes on one PostgreSQL share a burst, each alert delivered to both, no account executed twice',
    async () => {
      const store = await storage();
      const env = { ...generateSecrets(), ...store.env, ...simEnv() };
      const servers = await Promise.all([startProcess(env), startProcess(env)]);
      const database: Database = await openTestDatabaseAt(store.env.DATABASE_URL!);
      try {
        const accounts: Array<Awaited<ReturnType<typeof userWithAccount>>> = [];
        for (const [i] of BURST_SYMBOLS.entries())
          accounts.push(await userWithAccount(servers[0]!, `share-burst-${i}@example.com`));
        const alerts = alternatingAlerts(accounts, BURST_SYMBOLS, 8, 'share-burst');
        // The whole burst at once, every alert to both processes.
        const answers = await Promise.all(
          alerts.flatMap((alert) =>
            servers.map((s) => api(s, '/api/v1/webhook/tradingview', { body: alert })),
          ),
        );
        expect(answers.map((a) => a.status).filter((s) => s !== 200 && s !== 202)).toEqual([]);
        const rows = await until(
          'every signal to finish',
          async () => {
            const all = await database.query<{
              id: string;
              status: string;
              attempts: number;
              code: string | null;
            }>(
              `SELECT id, status, attempts, result->>'code' AS code FROM signals WHERE payload->>'id' LIKE 'share-burst-%'`,
            );
            return all.length === alerts.length &&
              all.every((r) => r.status === 'executed' || r.status === 'failed')
              ? all
              : undefined;
          },
          240_000,
        );
        expect(rows.filter((r) => r.status !== 'executed')).toEqual([]);
        // Each signal ran once, in one of the two processes.
        expect(rows.every((r) => r.attempts === 1)).toBe(true);
        const runners = await database.query<{ signal_id: string }>(
          `SELECT signal_id FROM orders WHERE role = 'entry' AND signal_id = ANY($1)`,
          [rows.map((r) => r.id)],
        );
        for (const { client_order_id } of await database.query<{ client_order_id: string }>(
          `SELECT client_order_id FROM orders WHERE role IN ('entry', 'close') AND signal_id = ANY($1)`,
          [rows.map((r) => r.id)],
        )) {
          expect(acceptedWith(sim, '/fapi/v1/order', 'newClientOrderId', client_order_id)).toBe(1);
        }
        const noops = rows.filter((r) => r.code === 'ALREADY_IN_POSITION').length;
        expect(runners.length + noops).toBe(alerts.length);
      } finally {
        await Promise.all(servers.map((s) => stopProcess(s)));
        await database.close();
        await store.close();
      }
    },
    300_000,
  );

  it.skipIf(!TEST_DATABASE_URL)(
    'two server processes on one PostgreSQL execute 500 signals, each delivered to both, exactly once',
    async () => {
      const store = await storage();
      // 125 alerts per account arrive within seconds and wait in its queue; on a loaded CI machine the
      // last ones start more than the default 120 s after they arrived and would expire. This test is
      // about exactly-once across processes, so they may wait.
      const env = {
        ...generateSecrets(),
        ...store.env,
        ...simEnv(),
        SIGNAL_MAX_START_DELAY_MS: '600000',
      };
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
        const alerts = alternatingAlerts(accounts, symbols, 500 / symbols.length, 'multi');
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
