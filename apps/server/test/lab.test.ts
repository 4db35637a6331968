import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candleAt, syntheticCandles, writeCandlesCsv } from '@tradingbot/engine';
import {
  startBinanceSimulator,
  startOkxSimulator,
  type BinanceSimulator,
  type OkxSimulator,
} from '@tradingbot/exchange/sim';
import { signUp, testApp, testConfig, type TestApp } from './helpers.ts';

let t: TestApp;
let alice: Awaited<ReturnType<typeof signUp>>;
let bob: Awaited<ReturnType<typeof signUp>>;
let sim: BinanceSimulator;
let okx: OkxSimulator;
const HOUR = 3_600_000;
// 600 closed hourly candles ending an hour ago, served by the local Binance simulator.
const firstCandle = Math.floor(Date.now() / HOUR) * HOUR - 601 * HOUR;

beforeAll(async () => {
  const series = syntheticCandles({ bars: 600, timeframe: '1h', seed: 3, startTime: firstCandle });
  const candles = Array.from({ length: series.length }, (_, k) => candleAt(series, k));
  sim = await startBinanceSimulator({ apiKey: 'k', apiSecret: 's', candles });
  okx = await startOkxSimulator({ apiKey: 'k', apiSecret: 's', passphrase: 'p', candles });
  t = await testApp({ config: testConfig({ BINANCE_BASE_URL: sim.url, OKX_BASE_URL: okx.url }) });
  alice = await signUp(t.app, 'alice-lab@example.com');
  bob = await signUp(t.app, 'bob-lab@example.com');
});
afterAll(async () => {
  await t.close();
  await sim.close();
  await okx.close();
});

type Job = {
  id: string;
  status: string;
  progress: { done: number; total: number };
  result: null | {
    ranking: { params: Record<string, number> }[];
    walk_forward: null | { windows: { in_sample_metrics: object; out_of_sample_metrics: object }[] };
  };
  error: null | { code: string; message: string };
};

async function waitForJob(id: string, headers: Record<string, string>): Promise<Job> {
  for (let k = 0; k < 600; k++) {
    const response = await t.app.inject({ method: 'GET', url: `/api/v1/optimizations/${id}`, headers });
    expect(response.statusCode).toBe(200);
    const job = response.json() as Job;
    if (job.status !== 'queued' && job.status !== 'running') return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('optimization did not finish');
}

describe('strategy lab API', () => {
  it('requires a session', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/strategies'],
      ['POST', '/api/v1/backtests'],
      ['POST', '/api/v1/optimizations'],
      ['GET', '/api/v1/optimizations/x'],
    ] as const) {
      const response = await t.app.inject({ method, url, payload: method === 'POST' ? {} : undefined });
      expect(response.statusCode, url).toBe(401);
      expect(response.json().error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('lists the six strategies with parameter ranges and both languages', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/strategies', headers: alice.auth });
    expect(response.statusCode).toBe(200);
    const { strategies } = response.json() as {
      strategies: {
        id: string;
        name: { en: string; ko: string };
        description: { en: string; ko: string };
        params: { name: string; min: number; max: number; default: number }[];
      }[];
    };
    expect(strategies).toHaveLength(6);
    expect(strategies.map((s) => s.id)).toContain('ema_cross');
    for (const strategy of strategies) {
      expect(strategy.name.ko.length).toBeGreaterThan(0);
      expect(strategy.description.en.length).toBeGreaterThan(0);
      for (const p of strategy.params) expect(p.min <= p.default && p.default <= p.max).toBe(true);
    }
  });

  it('backtests on the built-in sample with chart series aligned to the candles', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/backtests',
      headers: alice.auth,
      payload: {
        strategy: 'ema_cross',
        params: { fastLength: 9, slowLength: 21 },
        options: { initial_capital: 10_000, size_pct: 10, leverage: 2 },
        data: { source: 'sample', timeframe: '4h' },
      },
    });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body.data.bars).toBe(body.candles.time.length);
    expect(body.equity).toHaveLength(body.data.bars);
    expect(body.drawdown).toHaveLength(body.data.bars);
    expect(body.indicators.map((i: { title: string }) => i.title)).toEqual(['Fast EMA', 'Slow EMA']);
    expect(body.indicators[0].values).toHaveLength(body.data.bars);
    expect(body.trades.length).toBeGreaterThan(0);
    expect(body.metrics.total_trades).toBe(body.trades.length);
    expect(body.data.source).toMatch(/^synthetic:/);
  });

  it('without stop-loss / take-profit options backtests the trade plan (2 / 3 ATR); 0 states none', async () => {
    const run = async (extra: Record<string, number>) => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/backtests',
        headers: alice.auth,
        payload: {
          strategy: 'ema_cross',
          options: { initial_capital: 10_000, size_pct: 10, ...extra },
          data: { source: 'sample', timeframe: '4h' },
        },
      });
      expect(response.statusCode, response.body).toBe(200);
      return (response.json() as { trades: { exit_reason: string; exit_time: number }[] }).trades;
    };
    const silent = await run({});
    const plan = await run({ stop_loss_atr: 2, take_profit_atr: 3 });
    const none = await run({ stop_loss_atr: 0, take_profit_atr: 0 });
    expect(silent).toEqual(plan);
    const reasons = new Set(silent.map((trade) => trade.exit_reason));
    expect(reasons.has('stop_loss') || reasons.has('take_profit')).toBe(true);
    expect(
      none.some((trade) => trade.exit_reason === 'stop_loss' || trade.exit_reason === 'take_profit'),
    ).toBe(false);
  });

  it('backtests a trailing stop and a partial close when the options state them', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/backtests',
      headers: alice.auth,
      payload: {
        strategy: 'ema_cross',
        options: { trailing_atr: 1.5, trailing_activation: 1, close_pct: 50, direction: 'long' },
        data: { source: 'sample', timeframe: '4h' },
      },
    });
    expect(response.statusCode, response.body).toBe(200);
    const trades = (response.json() as { trades: { exit_reason: string; entry_time: number }[] }).trades;
    expect(trades.some((trade) => trade.exit_reason === 'trailing_stop')).toBe(true);
    // A half closed by the exit signal and the rest closed later share their entry.
    expect(trades.some((trade, i) => i > 0 && trades[i - 1]!.entry_time === trade.entry_time)).toBe(true);
    const both = await t.app.inject({
      method: 'POST',
      url: '/api/v1/backtests',
      headers: alice.auth,
      payload: {
        strategy: 'ema_cross',
        options: { trailing_atr: 1, trailing_pct: 1 },
        data: { source: 'sample', timeframe: '4h' },
      },
    });
    expect(both.statusCode).toBe(400);
  });

  it('backtests partial take-profits and the break-even move when the options state them (issue 18.5)', async () => {
    type Run = { trades: { exit_reason: string; entry_time: number; qty: number }[]; metrics: object };
    const run = async (extra: Record<string, unknown>) => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/backtests',
        headers: alice.auth,
        payload: { strategy: 'ema_cross', options: extra, data: { source: 'sample', timeframe: '4h' } },
      });
      expect(response.statusCode, response.body).toBe(200);
      return response.json() as Run;
    };
    const plain = await run({});
    const scaled = await run({ tp1_atr: 1, tp1_qty_pct: 50 });
    expect(scaled.trades).not.toEqual(plain.trades);
    // Half of an entry taken at 1 ATR: some entry is closed in two pieces, the first by its take-profit.
    const pieces = scaled.trades.filter(
      (trade, i) => i > 0 && scaled.trades[i - 1]!.entry_time === trade.entry_time,
    );
    expect(pieces.length).toBeGreaterThan(0);
    const withBreakEven = await run({ tp1_atr: 1, tp1_qty_pct: 50, break_even: true });
    expect(withBreakEven.trades).not.toEqual(scaled.trades);
  });

  it('refuses partial take-profits that are not a plan with 400 and the field they are about', async () => {
    const refused = async (options: Record<string, unknown>) => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/backtests',
        headers: alice.auth,
        payload: { strategy: 'ema_cross', options, data: { source: 'sample', timeframe: '4h' } },
      });
      expect(response.statusCode, response.body).toBe(400);
      const error = response.json().error as { code: string; details: { issues: { field: string }[] } };
      expect(error.code).toBe('VALIDATION_FAILED');
      return error.details.issues.map((issue) => issue.field);
    };
    expect(await refused({ tp1_atr: 1.5 })).toEqual(['options.tp1_qty_pct']);
    expect(await refused({ tp1_qty_pct: 50 })).toEqual(['options.tp1_atr']);
    expect(await refused({ tp1_atr: 1, tp1_pct: 2, tp1_qty_pct: 50 })).toEqual(['options.tp1_pct']);
    expect(await refused({ tp2_pct: 2, tp2_qty_pct: 50 })).toEqual(['options.tp2_atr']);
    // Core's rule (`partialTakeProfitProblem`): the shares sum below 100, nearest first, nearer than the last.
    expect(await refused({ tp1_atr: 1, tp1_qty_pct: 60, tp2_atr: 2, tp2_qty_pct: 40 })).toEqual([
      'options.tp2_qty_pct',
    ]);
    expect(await refused({ tp1_pct: 3, tp1_qty_pct: 30, tp2_pct: 2, tp2_qty_pct: 30 })).toEqual([
      'options.tp2_pct',
    ]);
    // The last take-profit is the plan's 3 ATR unless the options state another.
    expect(await refused({ tp1_atr: 3, tp1_qty_pct: 50 })).toEqual(['options.tp1_atr']);
    expect(await refused({ tp1_atr: 3, tp1_qty_pct: 50, take_profit_atr: 2.5 })).toEqual(['options.tp1_atr']);
    expect(await refused({ tp1_atr: 1, tp1_qty_pct: 0 })).toEqual(['options.tp1_qty_pct']);
    expect(await refused({ break_even: 'yes' })).toEqual(['options.break_even']);
  });

  it('backtests uploaded CSV text', async () => {
    const csv = writeCandlesCsv(
      syntheticCandles({ bars: 500, timeframe: '1h', seed: 7, startTime: Date.UTC(2024, 0, 1) }),
    );
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/backtests',
      headers: alice.auth,
      payload: { strategy: 'supertrend', data: { source: 'csv', csv, name: 'mine.csv' } },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().data.bars).toBe(500);
  });

  it('downloads candles from an exchange (here the local Binance simulator)', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/backtests',
      headers: alice.auth,
      payload: {
        strategy: 'ema_cross',
        data: {
          source: 'exchange',
          exchange: 'binance',
          symbol: 'BTCUSDT',
          timeframe: '1h',
          from: firstCandle,
          to: firstCandle + 600 * HOUR,
        },
      },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().data).toMatchObject({
      bars: 600,
      from: firstCandle,
      source: 'binance:BTCUSDT:1h',
    });

    const tooMuch = await t.app.inject({
      method: 'POST',
      url: '/api/v1/backtests',
      headers: alice.auth,
      payload: {
        strategy: 'ema_cross',
        data: { source: 'exchange', exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1m', from: 1 },
      },
    });
    expect(tooMuch.statusCode).toBe(413);
    expect(tooMuch.json().error.code).toBe('LAB_DATA_TOO_LARGE');

    // A body over this route's own limit (larger than the API's 64 KB) names that limit.
    const oversize = await t.app.inject({
      method: 'POST',
      url: '/api/v1/backtests',
      headers: { ...alice.auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ strategy: 'ema_cross', data: { source: 'csv', csv: 'x'.repeat(9_000_000) } }),
    });
    expect(oversize.statusCode).toBe(413);
    expect(oversize.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    const limit = Number(/larger than (\d+) bytes/.exec(oversize.json().error.message)?.[1]);
    expect(limit).toBeGreaterThan(8_000_000);
  });

  it('refuses bad parameters, bad CSV and unknown strategies with stable codes', async () => {
    const cases = [
      [{ strategy: 'ema_cross', params: { fastLength: 1000 } }, 400, 'INVALID_STRATEGY_PARAMS'],
      [{ strategy: 'ema_cross', params: { fastLength: 30, slowLength: 20 } }, 400, 'INVALID_STRATEGY_PARAMS'],
      [{ strategy: 'nope' }, 400, 'UNKNOWN_STRATEGY'],
      [{ strategy: 'ema_cross', data: { source: 'csv', csv: 'time,open\n1,2' } }, 400, undefined],
      [{ strategy: 'ema_cross', data: { source: 'ftp' } }, 400, 'VALIDATION_FAILED'],
      [{ strategy: 'ema_cross', options: { leverage: 500 } }, 400, 'VALIDATION_FAILED'],
      [
        { strategy: 'ema_cross', data: { source: 'sample', timeframe: '1d', bars: 200 } },
        400,
        'LAB_DATA_TOO_SMALL',
      ],
    ] as const;
    for (const [payload, status, code] of cases) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/backtests',
        headers: alice.auth,
        payload,
      });
      expect(response.statusCode, JSON.stringify(payload)).toBe(status);
      const error = response.json().error;
      expect(error.message.length).toBeGreaterThan(0);
      if (code) expect(error.code).toBe(code);
    }
  });

  it('runs an optimization job with progress and in-sample / out-of-sample results, owner-only', async () => {
    const started = await t.app.inject({
      method: 'POST',
      url: '/api/v1/optimizations',
      headers: alice.auth,
      payload: {
        strategy: 'ema_cross',
        data: { source: 'sample', timeframe: '4h' },
        trials: 40,
        method: 'random',
        walk_forward: 2,
        min_trades: 1,
      },
    });
    expect(started.statusCode, started.body).toBe(202);
    const { id, status } = started.json() as Job;
    expect(['queued', 'running']).toContain(status);

    // A second job of the same user waits for the first.
    const busy = await t.app.inject({
      method: 'POST',
      url: '/api/v1/optimizations',
      headers: alice.auth,
      payload: { strategy: 'ema_cross', trials: 5 },
    });
    expect(busy.statusCode).toBe(409);
    expect(busy.json().error.code).toBe('OPTIMIZATION_BUSY');

    // Another user cannot see it.
    const foreign = await t.app.inject({
      method: 'GET',
      url: `/api/v1/optimizations/${id}`,
      headers: bob.auth,
    });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('OPTIMIZATION_NOT_FOUND');

    const job = await waitForJob(id, alice.auth);
    expect(job.error).toBeNull();
    expect(job.status).toBe('done');
    expect(job.progress.done).toBe(job.progress.total);
    expect(job.progress.total).toBe(40);
    expect(job.result!.ranking.length).toBeGreaterThan(0);
    expect(job.result!.walk_forward!.windows).toHaveLength(2);
    expect(job.result!.walk_forward!.windows[0]).toHaveProperty('out_of_sample_metrics');
  });

  it('refuses invalid optimization requests before a job exists', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/optimizations',
      headers: bob.auth,
      payload: { strategy: 'ema_cross', trials: 1_000_000 },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION_FAILED');
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/v1/optimizations',
      headers: bob.auth,
      payload: { strategy: 'nope' },
    });
    expect(unknown.json().error.code).toBe('UNKNOWN_STRATEGY');
  });
});
