import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candleAt, syntheticCandles, writeCandlesCsv } from '@tradingbot/engine';
import { startBinanceSimulator, type BinanceSimulator } from '@tradingbot/exchange/sim';
import { LAB_LIMITS } from '../src/services/lab.ts';
import { signUp, testApp, testConfig, type TestApp } from './helpers.ts';

let t: TestApp;
let alice: Awaited<ReturnType<typeof signUp>>;
let bob: Awaited<ReturnType<typeof signUp>>;
let sim: BinanceSimulator;
const HOUR = 3_600_000;
const firstCandle = Math.floor(Date.now() / HOUR) * HOUR - 401 * HOUR;

beforeAll(async () => {
  const series = syntheticCandles({ bars: 400, timeframe: '1h', seed: 5, startTime: firstCandle });
  const candles = Array.from({ length: series.length }, (_, k) => candleAt(series, k));
  sim = await startBinanceSimulator({ apiKey: 'k', apiSecret: 's', candles });
  t = await testApp({ config: testConfig({ BINANCE_BASE_URL: sim.url }) });
  alice = await signUp(t.app, 'alice-runs@example.com');
  bob = await signUp(t.app, 'bob-runs@example.com');
});
let simClosed = false;
afterAll(async () => {
  await t.close();
  if (!simClosed) await sim.close();
});

type Run = {
  id: string;
  name: string;
  strategy: string;
  params: Record<string, number>;
  options: Record<string, unknown>;
  data: Record<string, unknown>;
  data_info: { bars: number; from: number; to: number };
  metrics: Record<string, unknown>;
  created_at: string;
};
type Result = {
  params: Record<string, number>;
  metrics: Record<string, unknown>;
  equity: (number | null)[];
  buy_hold_equity: (number | null)[];
  candles: { close: (number | null)[] };
  trades: unknown[];
};

const sampleRequest = {
  strategy: 'ema_cross',
  params: { fastLength: 12 },
  options: { initial_capital: 5_000, size_pct: 20, commission_pct: 0.1, stop_loss_atr: 0 },
  data: { source: 'sample', timeframe: '4h', bars: 2_000 },
};

async function save(auth: Record<string, string>, body: unknown) {
  return t.app.inject({ method: 'POST', url: '/api/v1/lab/runs', headers: auth, payload: body as object });
}

describe('buy-and-hold overlay in a backtest', () => {
  it('is capital × close_t / close_0 minus the entry commission, checked by hand on the served candles', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/backtests',
      headers: alice.auth,
      payload: sampleRequest,
    });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json() as Result;
    const close = body.candles.close as number[];
    expect(body.buy_hold_equity).toHaveLength(close.length);
    const fee = 5_000 * 0.001;
    for (const k of [0, 1, 17, close.length - 1])
      expect(body.buy_hold_equity[k]).toBeCloseTo((5_000 * close[k]!) / close[0]! - fee, 6);
  });
});

describe('saved lab runs', () => {
  it('saves a run with its settings and metrics, lists it, and recomputes the same result', async () => {
    const direct = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/backtests',
        headers: alice.auth,
        payload: sampleRequest,
      })
    ).json() as Result;
    const saved = await save(alice.auth, { name: '  EMA 12/21 on 4h ', ...sampleRequest });
    expect(saved.statusCode, saved.body).toBe(201);
    const run = saved.json() as Run;
    expect(run.name).toBe('EMA 12/21 on 4h');
    expect(run.strategy).toBe('ema_cross');
    // Defaults filled in: the saved parameters are the ones the backtest used.
    expect(run.params).toEqual({ fastLength: 12, slowLength: 21 });
    expect(run.options).toEqual(sampleRequest.options);
    expect(run.data).toEqual(sampleRequest.data);
    expect(run.metrics).toEqual(direct.metrics);
    expect(run.data_info.bars).toBe(direct.candles.close.length);

    const list = await t.app.inject({ method: 'GET', url: '/api/v1/lab/runs', headers: alice.auth });
    expect(list.statusCode).toBe(200);
    expect((list.json() as { runs: Run[] }).runs.map((r) => r.id)).toContain(run.id);

    const one = await t.app.inject({ method: 'GET', url: `/api/v1/lab/runs/${run.id}`, headers: alice.auth });
    expect(one.json()).toEqual(run);

    const result = await t.app.inject({
      method: 'GET',
      url: `/api/v1/lab/runs/${run.id}/result`,
      headers: alice.auth,
    });
    expect(result.statusCode, result.body).toBe(200);
    expect(result.json()).toEqual(direct);
  });

  it('keeps an uploaded CSV’s text out of the list and returns it with the one run', async () => {
    const csv = writeCandlesCsv(syntheticCandles({ bars: 300, timeframe: '1h', seed: 9 }));
    const saved = await save(alice.auth, {
      name: 'csv run',
      strategy: 'ema_cross',
      data: { source: 'csv', csv, name: 'mine.csv' },
    });
    expect(saved.statusCode, saved.body).toBe(201);
    const run = saved.json() as Run;
    expect(run.data).toEqual({ source: 'csv', name: 'mine.csv' });
    const list = (
      await t.app.inject({ method: 'GET', url: '/api/v1/lab/runs', headers: alice.auth })
    ).json() as {
      runs: Run[];
    };
    expect(list.runs.find((r) => r.id === run.id)!.data.csv).toBeUndefined();
    const one = (
      await t.app.inject({ method: 'GET', url: `/api/v1/lab/runs/${run.id}`, headers: alice.auth })
    ).json() as Run;
    expect(one.data.csv).toBe(csv);
  });

  it('downloads an exchange range once, fixes its end, and recomputes from the stored candles', async () => {
    const saved = await save(alice.auth, {
      name: 'binance',
      strategy: 'ema_cross',
      data: {
        source: 'exchange',
        exchange: 'binance',
        symbol: 'BTCUSDT',
        timeframe: '1h',
        from: firstCandle,
      },
    });
    expect(saved.statusCode, saved.body).toBe(201);
    const run = saved.json() as Run;
    expect(run.data.source).toBe('exchange');
    expect(typeof run.data.to).toBe('number');
    expect(run.data_info.bars).toBe(400);
    // The venue is gone: the saved run still opens, from its own candles.
    await sim.close();
    simClosed = true;
    const result = await t.app.inject({
      method: 'GET',
      url: `/api/v1/lab/runs/${run.id}/result`,
      headers: alice.auth,
    });
    expect(result.statusCode, result.body).toBe(200);
    expect((result.json() as Result).metrics).toEqual(run.metrics);
  });

  it('hides another user’s runs: list, read, result and delete are 404 for them', async () => {
    const run = (await save(alice.auth, { name: 'mine', ...sampleRequest })).json() as Run;
    const list = (
      await t.app.inject({ method: 'GET', url: '/api/v1/lab/runs', headers: bob.auth })
    ).json() as {
      runs: Run[];
    };
    expect(list.runs).toEqual([]);
    for (const [method, url] of [
      ['GET', `/api/v1/lab/runs/${run.id}`],
      ['GET', `/api/v1/lab/runs/${run.id}/result`],
      ['DELETE', `/api/v1/lab/runs/${run.id}`],
    ] as const) {
      const response = await t.app.inject({ method, url, headers: bob.auth });
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code).toBe('LAB_RUN_NOT_FOUND');
    }
    // Still there for its owner, then gone once deleted.
    const mine = await t.app.inject({
      method: 'GET',
      url: `/api/v1/lab/runs/${run.id}`,
      headers: alice.auth,
    });
    expect(mine.statusCode).toBe(200);
    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/lab/runs/${run.id}`,
      headers: alice.auth,
    });
    expect(deleted.json()).toEqual({ success: true });
    const gone = await t.app.inject({
      method: 'GET',
      url: `/api/v1/lab/runs/${run.id}`,
      headers: alice.auth,
    });
    expect(gone.statusCode).toBe(404);
  });

  it('keeps the partial take-profits and the break-even move of a saved run (issue 18.5)', async () => {
    const options = { ...sampleRequest.options, tp1_pct: 2, tp1_qty_pct: 40, break_even: true };
    const saved = await save(alice.auth, { name: 'scale out', ...sampleRequest, options });
    expect(saved.statusCode, saved.body).toBe(201);
    const run = saved.json() as Run;
    expect(run.options).toEqual(options);
    const read = await t.app.inject({
      method: 'GET',
      url: `/api/v1/lab/runs/${run.id}`,
      headers: alice.auth,
    });
    expect((read.json() as Run).options).toEqual(options);
  });

  it('refuses bad input with 400 and the field, never 500', async () => {
    const cases: Array<[body: unknown, field: string]> = [
      [{ ...sampleRequest }, 'name'],
      [{ ...sampleRequest, name: '   ' }, 'name'],
      [{ ...sampleRequest, name: 'x'.repeat(101) }, 'name'],
      [{ ...sampleRequest, name: 'ok', options: { leverage: 500 } }, 'options.leverage'],
      [{ ...sampleRequest, name: 'ok', data: { source: 'ftp' } }, 'data.source'],
      [{ ...sampleRequest, name: 'ok', extra: true }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const response = await save(alice.auth, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
      expect(response.json().error.details.issues[0].field).toBe(field);
    }
    const unknown = await save(alice.auth, { ...sampleRequest, name: 'ok', strategy: 'nope' });
    expect(unknown.statusCode).toBe(400);
    const badId = await t.app.inject({
      method: 'GET',
      url: '/api/v1/lab/runs/not-a-uuid',
      headers: alice.auth,
    });
    expect(badId.statusCode).toBe(400);
    expect(badId.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('requires a session', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/lab/runs'],
      ['POST', '/api/v1/lab/runs'],
      ['GET', '/api/v1/lab/runs/00000000-0000-4000-8000-000000000000'],
      ['GET', '/api/v1/lab/runs/00000000-0000-4000-8000-000000000000/result'],
      ['DELETE', '/api/v1/lab/runs/00000000-0000-4000-8000-000000000000'],
    ] as const) {
      const response = await t.app.inject({ method, url, payload: method === 'POST' ? {} : undefined });
      expect(response.statusCode, url).toBe(401);
    }
  });

  it(`keeps at most ${LAB_LIMITS.savedRuns} runs per user (409 LAB_RUNS_FULL)`, async () => {
    const carol = await signUp(t.app, 'carol-runs@example.com');
    const first = (await save(carol.auth, { name: 'template', ...sampleRequest })).json() as Run;
    // Fill the quota directly (each save runs a backtest); the limit is what the API checks.
    const row = await t.database.query<Record<string, unknown>>('SELECT * FROM lab_runs WHERE id = $1', [
      first.id,
    ]);
    for (let k = 1; k < LAB_LIMITS.savedRuns; k++) {
      await t.database.query(
        `INSERT INTO lab_runs (id, owner_id, name, strategy, settings, data, data_info, metrics)
         SELECT gen_random_uuid()::text, owner_id, name, strategy, settings, data, data_info, metrics FROM lab_runs WHERE id = $1`,
        [row[0]!.id],
      );
    }
    const refused = await save(carol.auth, { name: 'one too many', ...sampleRequest });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('LAB_RUNS_FULL');
  });
});

describe('optimization results for a parameter heatmap', () => {
  it('answer the searched ranges and every candidate’s score of a two-parameter grid', async () => {
    const started = await t.app.inject({
      method: 'POST',
      url: '/api/v1/optimizations',
      headers: bob.auth,
      payload: {
        strategy: 'ema_cross',
        data: { source: 'sample', timeframe: '4h', bars: 2_000 },
        objective: 'net_profit',
        method: 'grid',
        walk_forward: 0,
        min_trades: 0,
        space: { fastLength: { min: 5, max: 15, step: 5 }, slowLength: { min: 10, max: 30, step: 10 } },
      },
    });
    expect(started.statusCode, started.body).toBe(202);
    let job = started.json() as {
      id: string;
      status: string;
      result: null | {
        candidates: number;
        space: Record<string, { min: number; max: number; step: number }>;
        scores: { params: Record<string, number>; score: number | null }[];
        ranking: {
          params: Record<string, number>;
          metrics: { score: number | null; net_profit: number | null };
        }[];
      };
    };
    for (let k = 0; k < 600 && (job.status === 'queued' || job.status === 'running'); k++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = (
        await t.app.inject({ method: 'GET', url: `/api/v1/optimizations/${job.id}`, headers: bob.auth })
      ).json();
    }
    expect(job.status).toBe('done');
    const result = job.result!;
    expect(result.space).toEqual({
      fastLength: { min: 5, max: 15, step: 5 },
      slowLength: { min: 10, max: 30, step: 10 },
    });
    // 3 × 3 grid less the sets where fast ≥ slow (10/10, 15/10): 7 valid sets, each scored once.
    expect(result.candidates).toBe(7);
    expect(result.scores).toHaveLength(7);
    const keys = result.scores.map((s) => `${s.params.fastLength}/${s.params.slowLength}`);
    expect(new Set(keys).size).toBe(7);
    expect(keys).not.toContain('10/10');
    // The objective is net profit: each score is the ranked set's net profit.
    for (const r of result.ranking) {
      const cell = result.scores.find(
        (s) => s.params.fastLength === r.params.fastLength && s.params.slowLength === r.params.slowLength,
      );
      expect(cell!.score).toBe(r.metrics.score);
    }
  });
});
