import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticCandles, writeCandlesCsv } from '@tradingbot/engine';
import { signUp, testApp, type TestApp } from './helpers.ts';

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
});
