import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startBinanceSimulator, startOkxSimulator } from '@tradingbot/exchange/sim';
import { main } from '../src/main.ts';
import { SHARED_DATA } from './support/run-cli.ts';

let dir: string;
let stdout: string[];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tb-cli-funding-'));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout.push(String(chunk));
    return true;
  });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  stdout = [];
  const code = await main(['node', 'tradingbot', ...args]);
  return { code, out: stdout.join('') };
}

type Report = {
  funding: string | null;
  barMagnifier: string | null;
  metrics: { netProfit: number; funding: number; totalTrades: number };
  trades: Array<{ pnl: number; funding: number; exitTime: number; exitReason: string }>;
};

describe('tradingbot data download --funding, then backtest --funding', () => {
  const file = () => join(dir, 'btc-funding.csv');

  it('downloads the funding history of 2023 from the Binance simulator into the documented CSV', async () => {
    const sim = await startBinanceSimulator({ port: 0, apiKey: 'k', apiSecret: 's' });
    try {
      const run = await cli(
        'data',
        'download',
        '--funding',
        '--exchange',
        'binance',
        '--symbol',
        'BTCUSDT',
        '--from',
        '2023-01-01',
        '--to',
        '2024-01-01',
        '--out',
        file(),
        '--base-url',
        sim.url,
        '--quiet',
      );
      expect(run.code).toBe(0);
      expect(run.out).toMatch(/1095 funding events/);
    } finally {
      await sim.close();
    }
    const lines = (await readFile(file(), 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('time,rate,mark_price');
    expect(lines).toHaveLength(1 + 365 * 3);
    expect(lines[1]!.split(',')[0]).toBe(String(Date.UTC(2023, 0, 1)));
  });

  it('a backtest with --funding pays and receives it: closed trades differ by exactly their funding', async () => {
    const common = ['backtest', '--strategy', 'ema_cross', '--size-qty', '1', '--json'];
    const without = JSON.parse((await cli(...common)).out) as Report;
    const run = await cli(...common, '--funding', file());
    expect(run.code).toBe(0);
    const withFunding = JSON.parse(run.out) as Report;
    expect(withFunding.funding).toBe(file());
    expect(without.metrics.funding).toBe(0);
    expect(withFunding.metrics.totalTrades).toBe(without.metrics.totalTrades);
    expect(withFunding.metrics.funding).not.toBe(0);
    const closedFunding = withFunding.trades.reduce((sum, t) => sum + t.funding, 0);
    expect(withFunding.trades.filter((t) => t.funding !== 0).length).toBeGreaterThan(0);
    expect(withFunding.metrics.netProfit - without.metrics.netProfit).toBeCloseTo(closedFunding, 6);
  });

  it('downloads from the OKX simulator (no mark price), and refuses a venue without the endpoint', async () => {
    const now = Date.now();
    const sim = await startOkxSimulator({ port: 0, apiKey: 'k', apiSecret: 's', passphrase: 'p' });
    try {
      const out = join(dir, 'okx.csv');
      const from = new Date(now - 10 * 86_400_000).toISOString().slice(0, 10);
      const run = await cli(
        ...['data', 'download', '--funding', '--exchange', 'okx', '--symbol', 'BTCUSDT'],
        ...['--from', from, '--out', out, '--base-url', sim.url, '--quiet'],
      );
      expect(run.code).toBe(0);
      const rows = (await readFile(out, 'utf8')).trim().split('\n').slice(1);
      expect(rows.length).toBeGreaterThanOrEqual(27);
      expect(rows.every((r) => r.endsWith(','))).toBe(true);
    } finally {
      await sim.close();
    }
    const bybit = await cli(
      ...['data', 'download', '--funding', '--exchange', 'bybit', '--symbol', 'BTCUSDT'],
      ...['--from', '2024-01-01', '--out', join(dir, 'bybit.csv')],
    );
    expect(bybit.code).toBe(2);
  });
});

const h1 = join(SHARED_DATA, 'BTCUSDT-1h.csv');
const m5 = join(SHARED_DATA, 'BTCUSDT-5m.csv');

describe.skipIf(!existsSync(h1) || !existsSync(m5))('tradingbot backtest --bar-magnifier', () => {
  it('runs with 5-minute candles under the hourly ones, which change some exits; refuses candles that are not shorter', async () => {
    // Tight levels (0.5 %) so that many hourly bars hold both the stop and the take-profit.
    const range = ['--from', '2023-06-01', '--to', '2023-09-01', '--sl-pct', '0.5', '--tp-pct', '0.5'];
    const common = [
      'backtest',
      '--strategy',
      'ema_cross',
      '--data',
      h1,
      ...range,
      '--trades',
      '1000',
      '--json',
    ];
    const plain = JSON.parse((await cli(...common)).out) as Report;
    const magnified = await cli(...common, '--bar-magnifier', m5);
    expect(magnified.code).toBe(0);
    const report = JSON.parse(magnified.out) as Report;
    expect(report.barMagnifier).toBe(m5);
    expect(report.metrics.totalTrades).toBeGreaterThan(0);
    // Some bar reached both levels and its 5-minute bars went the other way than the assumed path.
    const exits = (r: Report) => r.trades.map((t) => `${t.exitTime}:${t.exitReason}`).join(' ');
    expect(exits(report)).not.toBe(exits(plain));
    expect((await cli(...common, '--bar-magnifier', h1)).code).toBe(2);
  });
});
