import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backtestStrategy,
  candleAt,
  parseCandlesCsv,
  parseFundingCsv,
  resample,
  syntheticCandles,
  writeCandlesCsv,
} from '@tradingbot/engine';
import { startBinanceSimulator, type BinanceSimulator } from '@tradingbot/exchange/sim';
import { backtestOptions } from '../src/services/lab.ts';
import { signUp, testApp, testConfig, type TestApp } from './helpers.ts';

const HOUR = 3_600_000;
// Closed 15-minute candles ending an hour ago (400 hours of them): the hourly data is their aggregate.
const first = Math.floor(Date.now() / HOUR) * HOUR - 401 * HOUR;
const lower = syntheticCandles({ bars: 400 * 4, timeframe: '15m', seed: 7, startTime: first });
const hourly = resample(lower, '1h');
const hourlyCsv = writeCandlesCsv(hourly);
const lowerCsv = writeCandlesCsv(lower);
const RATE = 0.0001;
const MARK = 20_000;

let t: TestApp;
let alice: Awaited<ReturnType<typeof signUp>>;
let sim: BinanceSimulator;
// The one funding event the simulator serves, set once the trade it falls in is known.
const served: { time: number; rate: number; markPrice: number }[] = [];

beforeAll(async () => {
  const candles = Array.from({ length: lower.length }, (_, k) => candleAt(lower, k));
  sim = await startBinanceSimulator({ apiKey: 'k', apiSecret: 's', candles, fundingRates: served });
  t = await testApp({ config: testConfig({ BINANCE_BASE_URL: sim.url }) });
  alice = await signUp(t.app, 'alice-realism@example.com');
});
afterAll(async () => {
  await t.close();
  await sim.close();
});

type Result = {
  metrics: { funding: number; net_profit: number; total_trades: number };
  trades: {
    side: 'long' | 'short';
    entry_time: number;
    exit_time: number;
    qty: number;
    bars_held: number;
    exit_reason: string;
  }[];
};

async function backtest(data: object, options: object = {}) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/backtests',
    headers: alice.auth,
    payload: { strategy: 'ema_cross', options, data },
  });
}

type Job = {
  status: string;
  result: null | { ranking: { metrics: { net_profit: number } }[] };
  error: null | { code: string; message: string };
};

async function waitForJob(id: string): Promise<Job> {
  for (let k = 0; k < 600; k++) {
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/v1/optimizations/${id}`,
      headers: alice.auth,
    });
    const job = response.json() as Job;
    if (job.status !== 'queued' && job.status !== 'running') return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('optimization did not finish');
}

function fieldOf(body: { error: { code: string; details?: { issues?: { field: string }[] } } }) {
  return { code: body.error.code, field: body.error.details?.issues?.[0]?.field };
}

describe('lab backtests with funding payments', () => {
  it('charges one funding event on the position it falls in: qty × mark price × rate, as the CLI computes', async () => {
    const plain = await backtest({ source: 'csv', csv: hourlyCsv, name: 'h1.csv' });
    expect(plain.statusCode, plain.body).toBe(200);
    const without = plain.json() as Result;
    expect(without.metrics.funding).toBe(0);
    const trade = without.trades.find((tr) => tr.bars_held >= 2)!;
    expect(trade).toBeDefined();
    // Settled at the end of the entry bar: the position is open after that bar's fills.
    const time = trade.entry_time + HOUR;
    const fundingCsv = `time,rate,mark_price\n${time},${RATE},${MARK}\n`;
    served.push({ time, rate: RATE, markPrice: MARK });

    const response = await backtest({
      source: 'csv',
      csv: hourlyCsv,
      name: 'h1.csv',
      funding_csv: fundingCsv,
    });
    expect(response.statusCode, response.body).toBe(200);
    const withFunding = response.json() as Result;
    // Hand computation: a long pays qty × mark × rate, a short receives it.
    const sign = trade.side === 'long' ? -1 : 1;
    const expected = sign * trade.qty * MARK * RATE;
    expect(expected).not.toBe(0);
    expect(withFunding.metrics.funding).toBeCloseTo(expected, 9);
    // The trades up to the charged one are the same (sizing follows equity only afterwards).
    const k = without.trades.indexOf(trade);
    expect(withFunding.trades[k]).toMatchObject({ entry_time: trade.entry_time, qty: trade.qty });

    // The CLI's path (`tradingbot backtest --funding`): the engine's parsers and backtest on the same inputs.
    const cli = backtestStrategy(
      'ema_cross',
      parseCandlesCsv(hourlyCsv, 'h1.csv'),
      {},
      // The lab's options (the trade plan's default ATR stop and take-profit), as the CLI's defaults.
      backtestOptions({}),
      { funding: parseFundingCsv(fundingCsv) },
    );
    expect(withFunding.metrics.funding).toBeCloseTo(cli.result.metrics.funding, 9);
    expect(withFunding.metrics.net_profit).toBeCloseTo(cli.result.metrics.netProfit, 6);

    // The same from the exchange: the server downloads the funding history of the range.
    const range = {
      source: 'exchange',
      exchange: 'binance',
      symbol: 'BTCUSDT',
      timeframe: '1h',
      from: first,
      to: first + 400 * HOUR,
    };
    // The simulator's candles are rounded to its tick size: the quantity is the downloaded run's own.
    const off = (await backtest(range)).json() as Result;
    expect(off.metrics.funding).toBe(0);
    const same = off.trades.find((tr) => tr.entry_time === trade.entry_time && tr.side === trade.side)!;
    expect(same).toBeDefined();
    const downloaded = await backtest({ ...range, funding: true });
    expect(downloaded.statusCode, downloaded.body).toBe(200);
    expect((downloaded.json() as Result).metrics.funding).toBeCloseTo(sign * same.qty * MARK * RATE, 9);
  });

  it('a saved run keeps its funding CSV: restored to the form, and its result charges it again', async () => {
    const fundingCsv = `time,rate,mark_price\n${served[0]!.time},${RATE},${MARK}\n`;
    const data = {
      source: 'csv',
      csv: hourlyCsv,
      name: 'h1.csv',
      funding_csv: fundingCsv,
      funding_name: 'f.csv',
    };
    const live = (await backtest(data)).json() as Result;
    const saved = await t.app.inject({
      method: 'POST',
      url: '/api/v1/lab/runs',
      headers: alice.auth,
      payload: { name: 'with funding', strategy: 'ema_cross', data },
    });
    expect(saved.statusCode, saved.body).toBe(201);
    const id = saved.json().id as string;
    expect(saved.json().data).toMatchObject({ source: 'csv', funding_name: 'f.csv' });
    expect(saved.json().data.funding_csv).toBeUndefined();
    expect(saved.json().metrics.funding).toBeCloseTo(live.metrics.funding, 9);
    const one = await t.app.inject({ method: 'GET', url: `/api/v1/lab/runs/${id}`, headers: alice.auth });
    expect(one.json().data.funding_csv).toBe(fundingCsv);
    const result = await t.app.inject({
      method: 'GET',
      url: `/api/v1/lab/runs/${id}/result`,
      headers: alice.auth,
    });
    expect((result.json() as Result).metrics.funding).toBeCloseTo(live.metrics.funding, 9);
    expect(live.metrics.funding).not.toBe(0);
  });

  it('refuses a bad funding CSV and a venue without funding history, naming the field', async () => {
    const bad = await backtest({ source: 'csv', csv: hourlyCsv, funding_csv: 'time,rate\n1,2\n' });
    expect(bad.statusCode).toBe(400);
    expect(fieldOf(bad.json())).toEqual({ code: 'VALIDATION_FAILED', field: 'data.funding_csv' });
    const bybit = await backtest({
      source: 'exchange',
      exchange: 'bybit',
      symbol: 'BTCUSDT',
      timeframe: '1h',
      from: first,
      to: first + 400 * HOUR,
      funding: true,
    });
    expect(bybit.statusCode).toBe(400);
    expect(fieldOf(bybit.json())).toEqual({ code: 'VALIDATION_FAILED', field: 'data.funding' });
    const notBoolean = await backtest({
      source: 'exchange',
      exchange: 'binance',
      symbol: 'BTCUSDT',
      timeframe: '1h',
      from: first,
      funding: 'yes',
    });
    expect(notBoolean.statusCode).toBe(400);
    expect(fieldOf(notBoolean.json())).toEqual({ code: 'VALIDATION_FAILED', field: 'data.funding' });
  });

  it('optimizations take them too: the one candidate scores as the backtest with funding; a bad file is refused up front', async () => {
    const fundingCsv = `time,rate,mark_price\n${served[0]!.time},${RATE},${MARK}\n`;
    const data = { source: 'csv', csv: hourlyCsv, funding_csv: fundingCsv };
    const optimize = (body: object) =>
      t.app.inject({ method: 'POST', url: '/api/v1/optimizations', headers: alice.auth, payload: body });
    const body = {
      strategy: 'ema_cross',
      data,
      space: { fastLength: 9, slowLength: 21 },
      walk_forward: 0,
      min_trades: 0,
    };
    const accepted = await optimize(body);
    expect(accepted.statusCode, accepted.body).toBe(202);
    const job = await waitForJob(accepted.json().id as string);
    expect(job.status, JSON.stringify(job.error)).toBe('done');
    const withFunding = (await backtest(data)).json() as Result;
    const without = (await backtest({ source: 'csv', csv: hourlyCsv })).json() as Result;
    expect(withFunding.metrics.net_profit).not.toBeCloseTo(without.metrics.net_profit, 6);
    expect(job.result!.ranking[0]!.metrics.net_profit).toBeCloseTo(withFunding.metrics.net_profit, 6);

    const refused = await optimize({ ...body, data: { ...data, funding_csv: 'time,rate\n' } });
    expect(refused.statusCode).toBe(400);
    expect(fieldOf(refused.json())).toEqual({ code: 'VALIDATION_FAILED', field: 'data.funding_csv' });
  });
});

describe('lab backtests with the bar magnifier', () => {
  // Tight levels so that many hourly bars reach both the stop and the take-profit.
  const tight = { stop_loss_pct: 0.3, take_profit_pct: 0.3 };
  const exits = (r: Result) => r.trades.map((tr) => `${tr.exit_time}:${tr.exit_reason}`).join(' ');

  it('orders fills inside a bar by the lower-timeframe candles, uploaded or downloaded', async () => {
    const plain = (await backtest({ source: 'csv', csv: hourlyCsv }, tight)).json() as Result;
    const response = await backtest({ source: 'csv', csv: hourlyCsv, bar_magnifier_csv: lowerCsv }, tight);
    expect(response.statusCode, response.body).toBe(200);
    const magnified = response.json() as Result;
    expect(magnified.metrics.total_trades).toBeGreaterThan(0);
    expect(exits(magnified)).not.toBe(exits(plain));
    // The engine's magnifier (the CLI's `--bar-magnifier`) on the same candles.
    const cli = backtestStrategy(
      'ema_cross',
      parseCandlesCsv(hourlyCsv, 'h1.csv'),
      {},
      backtestOptions(tight),
      { lowerTimeframe: parseCandlesCsv(lowerCsv, 'm15.csv') },
    );
    expect(magnified.metrics.net_profit).toBeCloseTo(cli.result.metrics.netProfit, 6);

    const range = {
      source: 'exchange',
      exchange: 'binance',
      symbol: 'BTCUSDT',
      timeframe: '1h',
      from: first,
      to: first + 400 * HOUR,
    };
    const downloaded = await backtest({ ...range, bar_magnifier_timeframe: '15m' }, tight);
    expect(downloaded.statusCode, downloaded.body).toBe(200);
    expect(exits(downloaded.json() as Result)).toBe(exits(magnified));
  });

  it('refuses a timeframe that is not shorter, and a download over the cap', async () => {
    const same = await backtest({ source: 'csv', csv: hourlyCsv, bar_magnifier_csv: hourlyCsv });
    expect(same.statusCode).toBe(400);
    expect(fieldOf(same.json())).toEqual({ code: 'VALIDATION_FAILED', field: 'data.bar_magnifier_csv' });
    const range = {
      source: 'exchange',
      exchange: 'binance',
      symbol: 'BTCUSDT',
      timeframe: '1h',
      from: first,
      to: first + 400 * HOUR,
    };
    const longer = await backtest({ ...range, bar_magnifier_timeframe: '1h' });
    expect(longer.statusCode).toBe(400);
    expect(fieldOf(longer.json())).toEqual({
      code: 'VALIDATION_FAILED',
      field: 'data.bar_magnifier_timeframe',
    });
    // 2000 days of 1-minute candles: 2.88 million, over the 150 000 cap (refused before any download).
    const huge = await backtest({
      ...range,
      timeframe: '1d',
      from: first - 2000 * 24 * HOUR,
      bar_magnifier_timeframe: '1m',
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error).toMatchObject({
      code: 'LAB_DATA_TOO_LARGE',
      details: { field: 'data.bar_magnifier_timeframe' },
    });
  });
});
