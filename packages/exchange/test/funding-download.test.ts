import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadFunding, FUNDING_CSV_HEADER } from '../src/funding-download.ts';
import { binanceFundingPage } from '../src/binance/klines.ts';
import { okxFundingPage } from '../src/okx/klines.ts';
import { startBinanceSimulator, type BinanceSimulator } from '../src/binance/simulator.ts';
import { startOkxSimulator, type OkxSimulator } from '../src/okx/simulator.ts';
import type { SimFundingRate } from '../src/sim/funding.ts';
import { API_KEY, API_SECRET } from './binance/helpers.ts';
import { API_KEY as OKX_KEY, API_SECRET as OKX_SECRET, PASSPHRASE } from './okx/helpers.ts';

const H8 = 8 * 3_600_000;
const START = Date.UTC(2021, 0, 1);
const N = 2500; // 3 pages of at most 1000 on Binance

/** Hand-made events: rates of 1e-6 steps, both signs; mark prices in halves. */
function events(n: number, start: number, withMark: boolean): SimFundingRate[] {
  return Array.from({ length: n }, (_, i) => ({
    time: start + i * H8,
    rate: ((i % 7) - 2) / 1e6,
    ...(withMark ? { markPrice: 30_000 + i / 2 } : {}),
  }));
}

const csv = (rows: SimFundingRate[]): string =>
  `${FUNDING_CSV_HEADER}\n` + rows.map((r) => `${r.time},${r.rate},${r.markPrice ?? ''}\n`).join('');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tb-funding-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('Binance funding download (GET /fapi/v1/fundingRate on the simulator)', () => {
  let sim: BinanceSimulator;
  const given = events(N, START, true);
  beforeAll(async () => {
    sim = await startBinanceSimulator({
      port: 0,
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      fundingRates: { BTCUSDT: given },
    });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('pages 2500 events, 1000 a page from startTime, into the documented CSV', async () => {
    const out = join(dir, 'binance.csv');
    const result = await downloadFunding({
      fetchPage: binanceFundingPage({ baseUrl: sim.url }),
      symbol: 'BTCUSDT',
      from: START,
      to: START + N * H8,
      out,
    });
    expect(result).toMatchObject({ written: N, resumed: false, lastTime: START + (N - 1) * H8 });
    expect(await readFile(out, 'utf8')).toBe(csv(given));
    const pages = sim.requests.filter((r) => r.path === '/fapi/v1/fundingRate');
    expect(pages.slice(0, 3).map((r) => new URLSearchParams(r.query).get('startTime'))).toEqual([
      String(START),
      String(START + 999 * H8 + 1),
      String(START + 1999 * H8 + 1),
    ]);
    expect(pages.every((r) => new URLSearchParams(r.query).get('limit') === '1000')).toBe(true);
  });

  it('resumes after the last event of an existing file', async () => {
    const out = join(dir, 'binance-resume.csv');
    await writeFile(out, csv(given.slice(0, 1200)));
    const result = await downloadFunding({
      fetchPage: binanceFundingPage({ baseUrl: sim.url }),
      symbol: 'BTCUSDT',
      from: START,
      to: START + N * H8,
      out,
    });
    expect(result).toMatchObject({ resumed: true, written: N - 1200, startTime: START + 1199 * H8 + 1 });
    expect(await readFile(out, 'utf8')).toBe(csv(given));
  });

  it('refuses to append to a file that is not a funding CSV', async () => {
    const out = join(dir, 'candles.csv');
    await writeFile(out, 'time,open,high,low,close,volume\n1,1,1,1,1,1\n');
    await expect(
      downloadFunding({
        fetchPage: binanceFundingPage({ baseUrl: sim.url }),
        symbol: 'BTCUSDT',
        from: START,
        out,
      }),
    ).rejects.toThrow(/not a funding CSV/);
  });

  it('serves the real response shape', async () => {
    const res = await fetch(`${sim.url}/fapi/v1/fundingRate?symbol=BTCUSDT&startTime=${START}&limit=2`);
    expect(await res.json()).toEqual([
      { symbol: 'BTCUSDT', fundingTime: START, fundingRate: '-0.00000200', markPrice: '30000.00000000' },
      { symbol: 'BTCUSDT', fundingTime: START + H8, fundingRate: '-0.00000100', markPrice: '30000.50000000' },
    ]);
  });
});

describe('OKX funding download (GET /api/v5/public/funding-rate-history on the simulator)', () => {
  let sim: OkxSimulator;
  const NOW = Date.UTC(2024, 3, 1);
  const FROM = Date.UTC(2024, 0, 15); // within OKX's three months
  const given = events(180, FROM, false);
  beforeAll(async () => {
    sim = await startOkxSimulator({
      port: 0,
      apiKey: OKX_KEY,
      apiSecret: OKX_SECRET,
      passphrase: PASSPHRASE,
      now: () => NOW,
      fundingRates: { 'BTC-USDT-SWAP': given },
    });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('walks the newest-first pages back (100 a request) and writes the events oldest first, no mark price', async () => {
    const out = join(dir, 'okx.csv');
    const result = await downloadFunding({
      fetchPage: okxFundingPage({ baseUrl: sim.url, now: () => NOW }),
      symbol: 'BTCUSDT', // mapped to BTC-USDT-SWAP
      from: FROM,
      to: FROM + 180 * H8,
      out,
      now: () => NOW,
    });
    expect(result).toMatchObject({ written: 180, resumed: false });
    expect(await readFile(out, 'utf8')).toBe(csv(given));
    const calls = sim.requests.filter((r) => r.path === '/api/v5/public/funding-rate-history');
    const q = calls.map((r) => new URLSearchParams(r.query));
    expect(q[0]!.get('instId')).toBe('BTC-USDT-SWAP');
    expect(q[0]!.get('limit')).toBe('100');
    expect(q[0]!.get('after')).toBe(String(FROM + 180 * H8));
    expect(q[1]!.get('after')).toBe(String(FROM + 80 * H8)); // the oldest of the first page
  });

  it('serves the real response shape, newest first', async () => {
    const res = await fetch(
      `${sim.url}/api/v5/public/funding-rate-history?instId=BTC-USDT-SWAP&before=${FROM + 177 * H8}`,
    );
    const body = (await res.json()) as { code: string; data: unknown[] };
    expect(body.code).toBe('0');
    expect(body.data).toEqual(
      [179, 178].map((i) => ({
        instType: 'SWAP',
        instId: 'BTC-USDT-SWAP',
        formulaType: 'noRate',
        fundingRate: (((i % 7) - 2) / 1e6).toFixed(10),
        realizedRate: (((i % 7) - 2) / 1e6).toFixed(10),
        fundingTime: String(FROM + i * H8),
        method: 'current_period',
      })),
    );
  });
});
