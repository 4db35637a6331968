import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticCandles, writeCandlesCsv } from '@tradingbot/engine';
import { serializerCompiler } from 'fastify-type-provider-zod';
import { BacktestResult } from '../src/routes/lab.schema.ts';
import { runLabBacktest } from '../src/services/lab.ts';
import { LAB_THREAD_NICE } from '../src/services/lab-pool.ts';
import { signUp, testApp, testConfig, type TestApp } from './helpers.ts';

let t: TestApp;
let alice: Awaited<ReturnType<typeof signUp>>;
// The largest data a lab backtest accepts: 50,000 hourly candles, uploaded as CSV text.
const bigCsv = writeCandlesCsv(
  syntheticCandles({ bars: 50_000, timeframe: '1h', seed: 7, startTime: Date.UTC(2019, 0, 1) }),
);
const bigBacktest = {
  strategy: 'supertrend',
  params: {},
  options: { initial_capital: 10_000, size_pct: 10 },
  data: { source: 'csv', csv: bigCsv, name: 'big.csv' },
};

beforeAll(async () => {
  t = await testApp();
  alice = await signUp(t.app, 'alice-lab-workers@example.com');
});
afterAll(async () => {
  await t.close();
});

describe('lab backtests off the event loop', () => {
  it('leaves the event loop free while a 50,000-bar backtest runs', async () => {
    // Warm-up: the first run pays for module loading and worker start-up.
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/backtests',
      headers: alice.auth,
      payload: bigBacktest,
    });
    // Event-loop utilization: the share of the request's time this thread was busy rather than
    // waiting. A backtest on the main thread keeps it busy throughout (utilization 1.0 measured), so a
    // webhook arriving meanwhile waits; on a worker thread this thread only parses the body and hands
    // the answer over. (How long webhooks wait is measured in bench/lab-load.bench.ts.)
    const before = performance.eventLoopUtilization();
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/backtests',
      headers: alice.auth,
      payload: bigBacktest,
    });
    const { utilization } = performance.eventLoopUtilization(before);
    expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
    expect(response.json().data.bars).toBe(50_000);
    expect(utilization).toBeLessThan(0.5);
  });

  // Linux keeps a nice value per thread (/proc/self/task/<tid>/stat, field 19): the lab's threads
  // run at a lower priority than the event loop, so on a small machine a webhook gets the CPU first.
  it.runIf(process.platform === 'linux')(
    'runs lab threads at a lower CPU priority than the event loop',
    async () => {
      const niceOf = (task: string) => {
        const stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
      };
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/backtests',
        headers: alice.auth,
        payload: { strategy: 'ema_cross', params: {}, data: { source: 'sample', timeframe: '4h' } },
      });
      expect(response.statusCode).toBe(200);
      const tasks = readdirSync('/proc/self/task');
      expect(niceOf(String(process.pid))).toBe(0); // the main thread (the event loop)
      expect(tasks.filter((task) => niceOf(task) === LAB_THREAD_NICE).length).toBeGreaterThanOrEqual(1);
    },
  );

  it('answers the same body as the backtest on the main thread did', async () => {
    // The old route: the service on the event loop, its object serialized by the route's schema.
    const serialize = serializerCompiler({
      schema: BacktestResult,
      method: 'POST',
      url: '/api/v1/backtests',
    });
    for (const input of [
      {
        strategy: 'ema_cross',
        params: { fastLength: 9, slowLength: 21 },
        options: { initial_capital: 10_000, size_pct: 10, leverage: 2, stop_loss_atr: 2 },
        data: { source: 'sample', timeframe: '4h' } as const,
      },
      {
        ...bigBacktest,
        data: { source: 'csv', csv: bigCsv.slice(0, 200_000).replace(/\n[^\n]*$/, '\n') } as const,
      },
    ]) {
      const expected = serialize(await runLabBacktest(input)) as string;
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/backtests',
        headers: alice.auth,
        payload: input,
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body === expected, 'byte-identical body').toBe(true);
    }
  });

  it('caps the lab: with one worker and no queue, a backtest arriving while one runs gets 503 LAB_BUSY', async () => {
    const capped = await testApp({ config: testConfig({ LAB_WORKERS: '1', LAB_QUEUE: '0' }) });
    try {
      const bob = await signUp(capped.app, 'bob-lab-workers@example.com');
      const send = () =>
        capped.app.inject({
          method: 'POST',
          url: '/api/v1/backtests',
          headers: bob.auth,
          payload: bigBacktest,
        });
      const answers = await Promise.all([send(), send(), send()]);
      const statuses = answers.map((answer) => answer.statusCode).sort();
      expect(statuses[0]).toBe(200);
      expect(statuses).toContain(503);
      const busy = answers.find((answer) => answer.statusCode === 503)!;
      expect(busy.json().error.code).toBe('LAB_BUSY');
      // Once it is free again, it answers.
      expect((await send()).statusCode).toBe(200);
    } finally {
      await capped.close();
    }
  });
});
