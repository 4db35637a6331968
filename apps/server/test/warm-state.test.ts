import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { auditLog, migrate, openTestDatabase, type Database } from '@tradingbot/db';
import { startBinanceSimulator } from '@tradingbot/exchange/sim';
import { buildApp } from '../src/app.ts';
import { createExchangeFactory } from '../src/exchange-factory.ts';
import { TEST_DATABASE_URL, signUp, testConfig } from './helpers.ts';

/*
 * The warm account state end to end, through real sockets: the server's mirror follows the Binance
 * simulator's user-data stream and its mark-price stream; once the account is known, an alert's
 * entry is the first request the simulator receives. A dropped stream sends the next alert back to
 * REST (and says so) until the mirror has re-synced.
 */

const KEY = 'W'.repeat(32) + 'w'.repeat(32);
const SECRET = 'Q'.repeat(32) + 'q'.repeat(32);
const SYMBOL = 'BTCUSDT';

type Sim = Awaited<ReturnType<typeof startBinanceSimulator>>;
type Answer = {
  success: boolean;
  message: string;
  order_details: { results: { state?: { path: string; rest_reads: string[]; reasons?: string[] } } };
};

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the warm account state against the Binance simulator', () => {
  let sim: Sim;
  let database: Database;
  let app: FastifyInstance;
  let account: { id: string; webhook_secret: string };
  let alertNo = 0;

  const alert = async (fields: object): Promise<Answer> => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/webhook/tradingview',
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify({
        account_id: account.id,
        secret: account.webhook_secret,
        exchange: 'binance',
        symbol: 'BINANCE:BTCUSDT.P',
        leverage: 5,
        qty: 0.01,
        sl_pct: 2,
        tp_pct: 3,
        id: `warm-alert-${++alertNo}`,
        ...fields,
      }),
    });
    return response.json() as Answer;
  };
  const synced = () =>
    until('the stream up and re-synced', async () => {
      const session = app.mirror?.session(account.id);
      return session?.connectedOnce && session.downSince === undefined && session.stream.status.state === 'up'
        ? session
        : undefined;
    });
  /** Signed venue requests (the account's), from the simulator's log. */
  const signed = (from: number) =>
    sim.requests.slice(from).filter((r) => r.apiKey === KEY && !r.path.includes('listenKey'));

  beforeAll(async () => {
    sim = await startBinanceSimulator({
      port: 0,
      host: '127.0.0.1',
      apiKey: KEY,
      apiSecret: SECRET,
      balance: 10_000,
      prices: { [SYMBOL]: 50_000 },
    });
    database = await openTestDatabase(TEST_DATABASE_URL);
    await migrate(database);
    app = await buildApp({
      config: testConfig({ STREAMS_ENABLED: 'true', WARM_STATE_MAX_AGE_MS: '60000' }),
      database,
      connectExchange: createExchangeFactory({ baseUrls: { binance: sim.url }, requestTimeoutMs: 2_000 }),
      mirror: {
        sweepIntervalMs: 150,
        leaseMs: 1_500,
        reconnectMinMs: 50,
        reconnectMaxMs: 300,
        reconcileIntervalMs: 60_000,
      },
      worker: { sweepIntervalMs: 200 },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const user = await signUp(app, 'warm-owner@example.com');
    const registered = await app.inject({
      method: 'POST',
      url: '/api/v1/accounts-secure/register',
      headers: user.auth,
      payload: { exchange: 'binance', api_key: KEY, api_secret: SECRET },
    });
    account = registered.json() as { id: string; webhook_secret: string };
    await synced();
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await sim?.close();
    await database?.close();
  });

  it('first alert cold (nothing learned yet), then the entry is the first venue request; a dropped stream falls back to REST', async () => {
    // Nothing learned yet: instrument and mode come from REST, and the path says why.
    const first = await alert({ action: 'long' });
    expect(first.success).toBe(true);
    expect(first.order_details.results.state?.path).toBe('cold');
    expect(first.order_details.results.state?.rest_reads).toContain('instrument');
    const closed = await alert({ action: 'close_long' });
    expect(closed.success).toBe(true);

    // The stream has told the state about both (fills, positions), the balance was read again in
    // the background, the mark-price stream follows BTCUSDT: the next entry needs no read.
    const warmAnswer = await until('a warm entry', async () => {
      const before = sim.requests.length;
      const answer = await alert({ action: 'long' });
      if (answer.order_details.results.state?.path === 'warm') return { answer, before };
      await alert({ action: 'close_long' });
      await new Promise((r) => setTimeout(r, 200));
      return undefined;
    });
    expect(warmAnswer.answer.success).toBe(true);
    expect(warmAnswer.answer.order_details.results.state).toEqual({ path: 'warm', rest_reads: [] });
    // The simulator's log also holds the mirror's own reads (its protection check after a position
    // change, the balance refresh): none of the executor's reads precedes the entry, and nothing
    // of the executor's (look-up, poll) sits between the entry and its SL and TP.
    const requests = signed(warmAnswer.before).map((r) => `${r.method} ${r.path}`);
    const entryAt = requests.indexOf('POST /fapi/v1/order');
    expect(entryAt).toBeGreaterThanOrEqual(0);
    const executorReads =
      /^GET \/fapi\/v[12]\/(order|klines|ticker\/price|premiumIndex)\b|^POST \/fapi\/v1\/(leverage|marginType)/;
    expect(requests.slice(0, entryAt).filter((r) => executorReads.test(r))).toEqual([]);
    const afterEntry = requests
      .slice(entryAt + 1)
      .filter((r) => r.startsWith('POST') || executorReads.test(r));
    expect(afterEntry.slice(0, 2)).toEqual(['POST /fapi/v1/algoOrder', 'POST /fapi/v1/algoOrder']);
    const audited = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.accountId, account.id), eq(auditLog.action, 'executor.state_path')));
    expect(audited.some((row) => (row.details as { path?: string }).path === 'warm')).toBe(true);
    expect((await alert({ action: 'close_long' })).success).toBe(true);

    // The venue drops the stream: until the mirror has re-synced, an alert reads REST and says why.
    const session = await synced();
    await fetch(`${sim.url}/__sim/streams`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'drop' }),
    });
    await until(
      'the stream seen down',
      async () => session.stream.status.state !== 'up' || session.downSince !== undefined,
    );
    const during = await alert({ action: 'long' });
    expect(during.success).toBe(true);
    expect(during.order_details.results.state?.path).toBe('cold');
    expect(during.order_details.results.state?.reasons).toEqual(
      expect.arrayContaining([expect.stringMatching(/stream_down|not_synced/)]),
    );
    // One entry per alert whatever the path: the venue holds exactly this position.
    const positions = (await sim.venue.positions(SYMBOL)).filter((p) => Number(p.qty) !== 0);
    expect(positions.map((p) => p.qty)).toEqual(['0.01']);
  }, 120_000);
});
