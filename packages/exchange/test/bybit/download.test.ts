import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadCandles, type CandleRow } from '../../src/download.ts';
import { bybitKlinesPage } from '../../src/bybit/klines.ts';
import { startBybitSimulator, type BybitSimulator } from '../../src/bybit/simulator.ts';
import { expectedCandlesCsv as csv, handMadeMinuteCandles } from '../contract/minute-candles.ts';
import { API_KEY, API_SECRET } from './helpers.ts';

const START = Date.UTC(2024, 0, 1);
const N = 2500; // 3 pages of at most 1000
let candles: CandleRow[];
let sim: BybitSimulator;
let dir: string;

beforeAll(async () => {
  candles = handMadeMinuteCandles(N, START);
  sim = await startBybitSimulator({
    port: 0,
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    candles: { BTCUSDT: candles },
  });
  dir = await mkdtemp(join(tmpdir(), 'tb-bybit-download-'));
});
afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

describe('Bybit candle download (V5 kline: newest-first pages, start/end windows)', () => {
  it('pages 2500 one-minute candles, 1000 a page, oldest first into the CSV', async () => {
    const out = join(dir, 'full.csv');
    const before = sim.requests.length;
    const result = await downloadCandles({
      fetchPage: bybitKlinesPage({ baseUrl: sim.url }),
      symbol: 'BTCUSDT',
      timeframe: '1m',
      from: START,
      to: START + N * 60_000,
      out,
    });
    expect(result).toMatchObject({ written: N, resumed: false, lastTime: START + (N - 1) * 60_000 });
    expect(await readFile(out, 'utf8')).toBe(csv(candles));
    const pages = sim.requests
      .slice(before)
      .filter((r) => r.path === '/v5/market/kline')
      .map((r) => new URLSearchParams(r.query));
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages[0]!.get('category')).toBe('linear');
    expect(pages[0]!.get('interval')).toBe('1');
    expect(pages[0]!.get('start')).toBe(String(START));
    expect(Number(pages[0]!.get('end')) - START).toBe(999 * 60_000);
  });
});
