import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadCandles, type CandleRow } from '../../src/download.ts';
import { okxKlinesPage, OKX_KLINES_PAGE_LIMIT } from '../../src/okx/klines.ts';
import { startOkxSimulator, type OkxSimulator } from '../../src/okx/simulator.ts';
import { expectedCandlesCsv as csv, handMadeMinuteCandles } from '../contract/minute-candles.ts';
import { API_KEY, API_SECRET, PASSPHRASE } from './helpers.ts';

const START = Date.UTC(2024, 0, 1); // 2024-01-01T00:00Z
const N = 250; // 3 pages of 100
let candles: CandleRow[];
let sim: OkxSimulator;
let dir: string;

beforeAll(async () => {
  // Hand-made 1m candles with one decimal (BTC-USDT-SWAP tick 0.1) and volumes in BTC that are whole
  // multiples of ctVal 0.01 after ×1000 (the wire carries contracts: 1.125 BTC = 112.5 contracts).
  candles = handMadeMinuteCandles(N, START);
  sim = await startOkxSimulator({
    port: 0,
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    passphrase: PASSPHRASE,
    candles: { 'BTC-USDT-SWAP': candles },
  });
  dir = await mkdtemp(join(tmpdir(), 'tb-okx-download-'));
});
afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

describe('OKX candle download (newest-first pages, after/before windows)', () => {
  it('pages 250 old one-minute candles from history-candles, 100 a page, oldest first into the CSV', async () => {
    const out = join(dir, 'full.csv');
    const before = sim.requests.length;
    const result = await downloadCandles({
      fetchPage: okxKlinesPage({ baseUrl: sim.url }),
      symbol: 'BTCUSDT', // mapped to BTC-USDT-SWAP
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
    const requests = sim.requests.slice(before);
    // older than the latest 1440 bars: /market/candles would not serve them
    expect(requests.filter((r) => r.path === '/api/v5/market/candles')).toHaveLength(0);
    const pages = requests
      .filter((r) => r.path === '/api/v5/market/history-candles')
      .map((r) => new URLSearchParams(r.query));
    expect(
      pages.map((q) => [q.get('instId'), q.get('bar'), q.get('before'), q.get('after'), q.get('limit')]),
    ).toEqual([
      ['BTC-USDT-SWAP', '1m', String(START - 1), String(START + 100 * 60_000), String(OKX_KLINES_PAGE_LIMIT)],
      ['BTC-USDT-SWAP', '1m', String(START + 100 * 60_000 - 1), String(START + 200 * 60_000), '100'],
      ['BTC-USDT-SWAP', '1m', String(START + 200 * 60_000 - 1), String(START + 250 * 60_000), '100'],
    ]);
  });

  it('resumes after the last candle of an existing file', async () => {
    const out = join(dir, 'resume.csv');
    await writeFile(out, csv(candles.slice(0, 170)));
    const result = await downloadCandles({
      fetchPage: okxKlinesPage({ baseUrl: sim.url }),
      symbol: 'BTC-USDT-SWAP',
      timeframe: '1m',
      from: START,
      to: START + N * 60_000,
      out,
    });
    expect(result).toMatchObject({ written: N - 170, resumed: true, startTime: START + 170 * 60_000 });
    expect(await readFile(out, 'utf8')).toBe(csv(candles));
  });

  it('aggregates to 1H and skips a gap in the data', async () => {
    const out = join(dir, 'hourly.csv');
    const result = await downloadCandles({
      fetchPage: okxKlinesPage({ baseUrl: sim.url }),
      symbol: 'BTC-USDT-SWAP',
      timeframe: '1h',
      from: START - 3 * 3_600_000, // three empty hours before the data starts
      to: START + 4 * 3_600_000,
      out,
    });
    // hours 0..3 of the data (all starting before `to`); the empty hours before it are skipped
    expect(result.written).toBe(4);
    const text = await readFile(out, 'utf8');
    const first = text.split('\n')[1]?.split(',');
    expect(first?.[0]).toBe(String(START));
    expect(Number(first?.[1])).toBe(candles[0]?.open);
    expect(Number(first?.[2])).toBe(Math.max(...candles.slice(0, 60).map((c) => c.high)));
  });

  it('recent ranges come from /market/candles; the forming candle is not written', async () => {
    const live = await startOkxSimulator({
      port: 0,
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      passphrase: PASSPHRASE,
    });
    try {
      const out = join(dir, 'recent.csv');
      const minute = Math.floor(Date.now() / 60_000) * 60_000;
      const result = await downloadCandles({
        fetchPage: okxKlinesPage({ baseUrl: live.url }),
        symbol: 'ETH-USDT-SWAP',
        timeframe: '1m',
        from: minute - 30 * 60_000,
        out,
      });
      expect(result.written).toBe(30);
      expect(result.lastTime).toBe(minute - 60_000);
      expect(live.requests.filter((r) => r.path === '/api/v5/market/candles').length).toBeGreaterThan(0);
      expect(live.requests.filter((r) => r.path === '/api/v5/market/history-candles')).toHaveLength(0);
    } finally {
      await live.close();
    }
  });
});
