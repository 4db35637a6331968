import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/main.ts';
import { startSimulatorFromFlags } from '../src/commands/sim.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tb-cli-sim-'));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

const base = { port: '0', host: '127.0.0.1', balance: '10000', symbol: 'BTCUSDT' };

describe('tradingbot sim', () => {
  it('exits 2 on bad input', async () => {
    expect(await main(['node', 'tradingbot', 'sim', 'binance', '--port', '0'])).toBe(2); // no key
    expect(await main(['node', 'tradingbot', 'sim', 'kraken', '--api-key', 'k', '--api-secret', 's'])).toBe(
      2,
    );
    expect(
      await main([
        'node',
        'tradingbot',
        'sim',
        'binance',
        '--port',
        '70000',
        '--api-key',
        'k',
        '--api-secret',
        's',
      ]),
    ).toBe(2);
    expect(
      await main([
        'node',
        'tradingbot',
        'sim',
        'binance',
        '--balance',
        'lots',
        '--api-key',
        'k',
        '--api-secret',
        's',
      ]),
    ).toBe(2);
  });

  it('starts the Binance simulator with --data candles and serves them; the price is the last close', async () => {
    const data = join(dir, 'candles.csv');
    await writeFile(
      data,
      'time,open,high,low,close,volume\n1704067200000,42000,42100,41900,42050.5,12.5\n1704070800000,42050.5,42200,42000,42150,8\n',
    );
    const sim = await startSimulatorFromFlags('binance', { ...base, apiKey: 'k', apiSecret: 's', data });
    try {
      const rows = (await (
        await fetch(`${sim.url}/fapi/v1/klines?symbol=BTCUSDT&interval=1h&startTime=1704067200000`)
      ).json()) as unknown[][];
      expect(rows.map((r) => [r[0], r[1], r[4], r[5]])).toEqual([
        [1704067200000, '42000.0', '42050.5', '12.500'],
        [1704070800000, '42050.5', '42150.0', '8.000'],
      ]);
      const ticker = (await (await fetch(`${sim.url}/fapi/v2/ticker/price?symbol=BTCUSDT`)).json()) as {
        price: string;
      };
      expect(ticker.price).toBe('42150.0');
    } finally {
      await sim.close();
    }
  });

  it('starts the OKX simulator: passphrase required, --data candles served for BTC-USDT-SWAP, signed calls checked', async () => {
    await expect(startSimulatorFromFlags('okx', { ...base, apiKey: 'k', apiSecret: 's' })).rejects.toThrow(
      /passphrase/,
    );
    const data = join(dir, 'okx-candles.csv');
    await writeFile(
      data,
      'time,open,high,low,close,volume\n1704067200000,42000,42100,41900,42050.5,12.5\n1704070800000,42050.5,42200,42000,42150,8\n',
    );
    const sim = await startSimulatorFromFlags('okx', {
      ...base,
      apiKey: 'k',
      apiSecret: 's',
      passphrase: 'p',
      data,
    });
    try {
      const candles = (await (
        await fetch(`${sim.url}/api/v5/market/history-candles?instId=BTC-USDT-SWAP&bar=1H`)
      ).json()) as { code: string; data: string[][] };
      // newest first; volume in contracts (ctVal 0.01), volCcy in BTC
      expect(candles.data.map((r) => [r[0], r[1], r[4], r[5], r[6], r[8]])).toEqual([
        ['1704070800000', '42050.5', '42150.0', '800', '8', '1'],
        ['1704067200000', '42000.0', '42050.5', '1250', '12.5', '1'],
      ]);
      const ticker = (await (await fetch(`${sim.url}/api/v5/market/ticker?instId=BTC-USDT-SWAP`)).json()) as {
        data: { last: string }[];
      };
      expect(ticker.data[0]?.last).toBe('42150.0');
      const { OkxSwapClient } = await import('@tradingbot/exchange');
      const good = new OkxSwapClient({ apiKey: 'k', apiSecret: 's', passphrase: 'p', baseUrl: sim.url });
      expect((await good.balance()).total).toBe('10000');
      const bad = new OkxSwapClient({ apiKey: 'k', apiSecret: 's', passphrase: 'wrong', baseUrl: sim.url });
      await expect(bad.balance()).rejects.toMatchObject({
        code: 'EXCHANGE_AUTH_FAILED',
        details: { venueCode: '50105' },
      });
    } finally {
      await sim.close();
    }
  });
});

describe('tradingbot data download', () => {
  it.each([
    { venue: 'binance', flags: {}, note: '' },
    { venue: 'okx', flags: { passphrase: 'p' }, note: ' (BTCUSDT mapped to BTC-USDT-SWAP)' },
    { venue: 'bybit', flags: {}, note: ' (V5 kline, newest-first pages)' },
  ])(
    'downloads from the $venue simulator given by --base-url$note, then resumes with nothing new',
    async ({ venue, flags }) => {
      const sim = await startSimulatorFromFlags(venue, { ...base, apiKey: 'k', apiSecret: 's', ...flags });
      try {
        const out = join(dir, `${venue}-dl.csv`);
        const to = String(Math.floor(Date.now() / 3_600_000) * 3_600_000);
        const from = String(Number(to) - 3 * 3_600_000);
        const args = ['node', 'tradingbot', 'data', 'download', '--exchange', venue, '--symbol', 'BTCUSDT'];
        const range = [
          '--timeframe',
          '1h',
          '--from',
          from,
          '--to',
          to,
          '--out',
          out,
          '--base-url',
          sim.url,
          '--quiet',
        ];
        expect(await main([...args, ...range])).toBe(0);
        const text = await readFile(out, 'utf8');
        expect(
          text
            .split('\n')
            .filter(Boolean)
            .map((l) => l.split(',')[0]),
        ).toEqual(['time', from, String(Number(from) + 3_600_000), String(Number(from) + 7_200_000)]);
        expect(await main([...args, ...range])).toBe(0);
        expect(await readFile(out, 'utf8')).toBe(text);
      } finally {
        await sim.close();
      }
    },
  );

  it('exits 2 on bad input', async () => {
    const args = ['node', 'tradingbot', 'data', 'download'];
    expect(
      await main([
        ...args,
        '--exchange',
        'kraken',
        '--symbol',
        'X',
        '--from',
        '2024-01-01',
        '--out',
        'x.csv',
      ]),
    ).toBe(2);
    expect(
      await main([
        ...args,
        '--exchange',
        'binance',
        '--symbol',
        'X',
        '--from',
        'yesterday',
        '--out',
        'x.csv',
      ]),
    ).toBe(2);
    expect(
      await main([
        ...args,
        '--exchange',
        'binance',
        '--symbol',
        'X',
        '--from',
        '2024-01-01',
        '--timeframe',
        '7x',
        '--out',
        'x.csv',
      ]),
    ).toBe(2);
    expect(await main([...args, '--exchange', 'binance', '--symbol', 'X', '--from', '2024-01-01'])).toBe(2);
  });
});
