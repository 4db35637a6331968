import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadCandles, parseCandlesCsv, type CandleRow } from '../../src/download.ts';
import { binanceKlinesPage } from '../../src/binance/klines.ts';
import { startBinanceSimulator, type BinanceSimulator } from '../../src/binance/simulator.ts';
import { expectedCandlesCsv as csv, handMadeMinuteCandles } from '../contract/minute-candles.ts';
import { API_KEY, API_SECRET } from './helpers.ts';

const START = Date.UTC(2024, 0, 1); // 2024-01-01T00:00Z
const N = 3200; // > 2 pages of 1500
let candles: CandleRow[];
let sim: BinanceSimulator;
let dir: string;

beforeAll(async () => {
  // Hand-made 1m candles with one decimal (BTCUSDT tick 0.1) and three-decimal volumes (step 0.001).
  candles = handMadeMinuteCandles(N, START);
  sim = await startBinanceSimulator({
    port: 0,
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    candles: { BTCUSDT: candles },
  });
  dir = await mkdtemp(join(tmpdir(), 'tb-download-'));
});
afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

describe('candle download through the public klines endpoint', () => {
  it('pages through 3200 one-minute candles (limit 1500 per page) into the CSV', async () => {
    const out = join(dir, 'full.csv');
    const result = await downloadCandles({
      fetchPage: binanceKlinesPage({ baseUrl: sim.url }),
      symbol: 'BTCUSDT',
      timeframe: '1m',
      from: START,
      to: START + N * 60_000,
      out,
    });
    expect(result).toMatchObject({
      written: N,
      resumed: false,
      pages: 3,
      lastTime: START + (N - 1) * 60_000,
    });
    expect(await readFile(out, 'utf8')).toBe(csv(candles));
    const pages = sim.requests.filter((r) => r.path === '/fapi/v1/klines');
    expect(pages.map((r) => new URLSearchParams(r.query).get('startTime'))).toEqual([
      String(START),
      String(START + 1500 * 60_000),
      String(START + 3000 * 60_000),
    ]);
    expect(pages.every((r) => new URLSearchParams(r.query).get('limit') === '1500')).toBe(true);
  });

  it('resumes after the last candle of an existing file', async () => {
    const out = join(dir, 'resume.csv');
    await writeFile(out, csv(candles.slice(0, 1700)));
    const before = sim.requests.length;
    const result = await downloadCandles({
      fetchPage: binanceKlinesPage({ baseUrl: sim.url }),
      symbol: 'BTCUSDT',
      timeframe: '1m',
      from: START,
      to: START + N * 60_000,
      out,
    });
    expect(result).toMatchObject({ resumed: true, written: N - 1700, startTime: START + 1700 * 60_000 });
    expect(await readFile(out, 'utf8')).toBe(csv(candles));
    const first = sim.requests.slice(before).find((r) => r.path === '/fapi/v1/klines');
    expect(new URLSearchParams(first?.query).get('startTime')).toBe(String(START + 1700 * 60_000));
  });

  it('waits out a 429 (Retry-After) mid-download and finishes the file', async () => {
    const out = join(dir, 'limited.csv');
    sim.faults.add({ kind: 'rate_limit', path: '/fapi/v1/klines', retryAfterSec: 1 });
    const result = await downloadCandles({
      fetchPage: binanceKlinesPage({ baseUrl: sim.url }),
      symbol: 'BTCUSDT',
      timeframe: '1m',
      from: START,
      to: START + 100 * 60_000,
      out,
    });
    expect(result.written).toBe(100);
    expect(await readFile(out, 'utf8')).toBe(csv(candles.slice(0, 100)));
    expect(sim.requests.filter((r) => r.path === '/fapi/v1/klines' && r.status === 429)).toHaveLength(1);
  });

  it('aggregates 1m data when a coarser interval is asked (1h = 60 one-minute candles)', async () => {
    const out = join(dir, 'hourly.csv');
    await downloadCandles({
      fetchPage: binanceKlinesPage({ baseUrl: sim.url }),
      symbol: 'BTCUSDT',
      timeframe: '1h',
      from: START,
      to: START + 2 * 3_600_000,
      out,
    });
    const rows = parseCandlesCsv(await readFile(out, 'utf8'));
    const firstHour = candles.slice(0, 60);
    expect(rows[0]).toEqual({
      time: START,
      open: 42000,
      high: Math.max(...firstHour.map((c) => c.high)),
      low: Math.min(...firstHour.map((c) => c.low)),
      close: (firstHour[59] as CandleRow).close,
      volume: firstHour.reduce((s, c) => s + c.volume, 0),
    });
    expect(rows).toHaveLength(2);
  });

  it('writes only closed candles (the forming one is left for the next run)', async () => {
    const live = await startBinanceSimulator({ port: 0, apiKey: API_KEY, apiSecret: API_SECRET });
    try {
      const out = join(dir, 'live.csv');
      const now = Date.now();
      await downloadCandles({
        fetchPage: binanceKlinesPage({ baseUrl: live.url }),
        symbol: 'BTCUSDT',
        timeframe: '1h',
        from: now - 5 * 3_600_000,
        out,
      });
      const rows = parseCandlesCsv(await readFile(out, 'utf8'));
      expect(rows.length).toBeGreaterThanOrEqual(4);
      const last = rows[rows.length - 1] as CandleRow;
      expect(last.time + 3_600_000).toBeLessThanOrEqual(Date.now());
      expect(last.time).toBe(Math.floor(now / 3_600_000) * 3_600_000 - 3_600_000);
    } finally {
      await live.close();
    }
  });
});
