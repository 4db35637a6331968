import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, SAMPLE_CANDLES, SHARED_DATA } from './support/run-cli.ts';

const full = join(SHARED_DATA, 'BTCUSDT-1h.csv');
const hasData = existsSync(full);
if (!hasData)
  console.warn(`real candles not found in ${SHARED_DATA}: the real-data CLI cases use the vendored sample`);
const btc = hasData ? full : SAMPLE_CANDLES;
// 92 days without a missing hour in each: June–August 2023 in the full file, October–December 2017 in the sample.
const [from, to] = hasData ? ['2023-06-01', '2023-09-01'] : ['2017-10-01', '2018-01-01'];

describe('tradingbot backtest', () => {
  it('prints exactly one JSON object with the promised shape', async () => {
    const run = await runCli(['backtest', '--strategy', 'ema_cross', '--json']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]!);
    expect(report).toMatchObject({
      strategy: 'ema_cross',
      params: { fastLength: 9, slowLength: 21 },
      bars: 8760,
    });
    expect(report.data).toMatch(/^synthetic:/);
    for (const key of [
      'netProfit',
      'netProfitPct',
      'totalTrades',
      'winRate',
      'maxDrawdownPct',
      'profitFactor',
      'sharpe',
      'sortino',
    ]) {
      expect(report.metrics).toHaveProperty(key);
    }
    expect(report.trades.length).toBe(report.metrics.totalTrades);
    const trade = report.trades[0];
    expect(Object.keys(trade)).toEqual(
      expect.arrayContaining([
        'side',
        'entryTime',
        'entryPrice',
        'exitTime',
        'exitPrice',
        'qty',
        'pnl',
        'exitReason',
      ]),
    );
    expect(trade.entryTime).toBeGreaterThan(1_600_000_000_000); // epoch ms
    expect(report.metrics.winRate).toBeGreaterThanOrEqual(0);
    expect(report.metrics.winRate).toBeLessThanOrEqual(100);
    // winRate in percent: winning trades / closed trades × 100.
    expect(report.metrics.winRate).toBeCloseTo(
      (100 * report.metrics.winningTrades) / report.metrics.totalTrades,
      9,
    );
  });

  it('passes the flags through to the broker emulator', async () => {
    const args = [
      'backtest',
      '--strategy',
      'supertrend',
      '--data',
      btc,
      '--from',
      from,
      '--to',
      to,
      '--json',
    ];
    const plain = JSON.parse((await runCli(args)).stdout);
    const none = JSON.parse((await runCli([...args, '--sl-atr', '0', '--tp-atr', '0'])).stdout);
    const withStops = JSON.parse(
      (await runCli([...args, '--sl-atr', '1.5', '--fee', '0', '--leverage', '3'])).stdout,
    );
    expect(plain.bars).toBe(92 * 24); // 92 days, no missing hours in that span
    // No exit flags: the trade plan's 2 / 3 ATR, as the lab, the Pine export and live trading; 0 states none.
    expect(plain.options).toMatchObject({
      stopLoss: { type: 'atr', multiplier: 2 },
      takeProfit: { type: 'atr', multiplier: 3 },
    });
    expect(none.options.stopLoss).toBeUndefined();
    expect(none.options.takeProfit).toBeUndefined();
    expect(none.trades.some((t: { exitReason: string }) => t.exitReason === 'stop_loss')).toBe(false);
    expect(withStops.trades.some((t: { exitReason: string }) => t.exitReason === 'stop_loss')).toBe(true);
    expect(withStops.metrics.commissionPaid).toBe(0);
    expect(withStops.options).toMatchObject({ leverage: 3, stopLoss: { type: 'atr', multiplier: 1.5 } });
    expect(plain.options.trailing).toBeUndefined();
  });

  it('passes trade management through: a trailing stop (none by default) and an exit that closes half', async () => {
    const args = [
      'backtest',
      '--strategy',
      'supertrend',
      '--data',
      btc,
      '--from',
      from,
      '--to',
      to,
      '--json',
    ];
    const managed = JSON.parse(
      (await runCli([...args, '--trail-atr', '1.5', '--trail-activation', '1', '--close-pct', '50'])).stdout,
    );
    expect(managed.options).toMatchObject({
      trailing: { type: 'atr', offset: 1.5, activation: 1 },
      closePct: 50,
    });
    expect(managed.trades.some((t: { exitReason: string }) => t.exitReason === 'trailing_stop')).toBe(true);
  });

  it('prints a readable report by default', async () => {
    const run = await runCli(['backtest', '--strategy', 'bb_rsi', '--trades', '3']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Bollinger Bands + RSI — synthetic:');
    expect(run.stdout).toMatch(/Net profit\s+-?\d/);
    expect(run.stdout).toContain('Percent profitable');
  });

  it.each([
    [['--strategy', 'nope'], 'Unknown strategy "nope"'],
    [['--strategy', 'rsi_ema', '--params', '{x'], '--params must be a JSON object'],
    [['--strategy', 'rsi_ema', '--params', '{"rsiLength":1}'], 'rsiLength must be between 2 and 100'],
    [['--strategy', 'rsi_ema', '--data', '/nonexistent/candles.csv'], '/nonexistent/candles.csv'],
    [['--strategy', 'rsi_ema', '--leverage', '500'], '--leverage must be at most 125'],
    [['--strategy', 'rsi_ema', '--sl-atr', 'abc'], '--sl-atr must be a number'],
    [
      ['--strategy', 'rsi_ema', '--trail-atr', '1', '--trail-pct', '1'],
      'use either --trail-atr or --trail-pct',
    ],
    [['--strategy', 'rsi_ema', '--close-pct', '0'], '--close-pct must be at least'],
    [['--strategy', 'rsi_ema', '--bogus'], "unknown option '--bogus'"],
    [[], "required option '--strategy <id>' not specified"],
  ])('refuses %j with one line and exit code 2', async (args, message) => {
    const run = await runCli(['backtest', ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('tradingbot optimize', () => {
  it('ranks a grid and reports walk-forward windows as JSON, on worker threads', async () => {
    const run = await runCli([
      'optimize',
      '--strategy',
      'ema_cross',
      '--space',
      '{"fastLength":{"min":5,"max":10},"slowLength":{"min":20,"max":30,"step":5}}',
      '--objective',
      'net_profit',
      '--walk-forward',
      '3',
      '--workers',
      '2',
      '--min-trades',
      '1',
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.method).toBe('grid');
    expect(result.candidates).toBe(6 * 3); // fast 5..10 × slow 20, 25, 30, all valid
    const scores = result.ranking.map((r: { metrics: { score: number } }) => r.metrics.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(result.ranking[0].metrics.score).toBe(result.ranking[0].metrics.netProfit);
    expect(result.walkForward.windows).toHaveLength(3);
    for (const window of result.walkForward.windows) {
      expect(window.inSample.to).toBe(window.outOfSample.from);
      expect(window.outOfSampleMetrics).toHaveProperty('netProfitPct');
    }
  });

  it('refuses an unknown objective with exit code 2', async () => {
    const run = await runCli(['optimize', '--strategy', 'ema_cross', '--objective', 'luck']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--objective must be one of');
  });
});

describe('research flags: Monte Carlo, several data sets, portfolio, rank by symbol', () => {
  it('backtest --monte-carlo adds seeded return and drawdown bands', async () => {
    const args = ['backtest', '--strategy', 'supertrend', '--data', btc, '--from', from, '--to', to];
    const run = await runCli([...args, '--monte-carlo', '500', '--mc-seed', '4', '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.monteCarlo).toMatchObject({ runs: 500, seed: 4, trades: report.metrics.totalTrades });
    expect(report.monteCarlo.netProfitPct.p5).toBeLessThanOrEqual(report.monteCarlo.netProfitPct.p95);
    const again = JSON.parse(
      (await runCli([...args, '--monte-carlo', '500', '--mc-seed', '4', '--json'])).stdout,
    );
    expect(again.monteCarlo).toEqual(report.monteCarlo);
  });

  it('backtest with two --data and --portfolio reports each symbol and the combined equity', async () => {
    const run = await runCli([
      'backtest',
      '--strategy',
      'ema_cross',
      '--data',
      btc,
      '--data',
      SAMPLE_CANDLES,
      '--portfolio',
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.symbols).toHaveLength(2);
    const sleeves = report.portfolio.sleeves;
    expect(sleeves.map((s: { capital: number }) => s.capital)).toEqual([5000, 5000]);
    const sleeveNet = sleeves.reduce((sum: number, s: { netProfit: number }) => sum + s.netProfit, 0);
    expect(report.portfolio.netProfit).toBeCloseTo(sleeveNet, 6);
    const last = report.portfolio.equity.at(-1);
    expect(last[1]).toBeCloseTo(report.portfolio.finalEquity, 6);
    expect(report.aggregate.worstNetProfitPct).toBe(
      Math.min(...report.symbols.map((s: { metrics: { netProfitPct: number } }) => s.metrics.netProfitPct)),
    );
  });

  it('optimize with two --data ranks by the worst symbol and reports robustness per symbol', async () => {
    const run = await runCli([
      'optimize',
      '--strategy',
      'ema_cross',
      '--data',
      btc,
      '--data',
      SAMPLE_CANDLES,
      '--space',
      '{"fastLength":{"min":5,"max":8},"slowLength":{"min":20,"max":30,"step":5}}',
      '--min-trades',
      '1',
      '--workers',
      '1',
      '--rank-by',
      'worst',
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.rankBy).toBe('worst');
    expect(result.candidates).toBe(12);
    for (const entry of result.ranking) {
      expect(entry.score).toBe(Math.min(...entry.perSymbol.map((m: { score: number }) => m.score)));
    }
    expect(result.symbols).toHaveLength(2);
    expect(result.symbols[0].robustness.neighbours.length).toBeGreaterThan(0);
  });

  it('optimize --method halving spends its budget and says so', async () => {
    const run = await runCli([
      'optimize',
      '--strategy',
      'rsi_ema',
      '--data',
      btc,
      '--method',
      'halving',
      '--budget-evals',
      '12',
      '--min-trades',
      '1',
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.method).toBe('halving');
    expect(result.search.cost).toBeLessThanOrEqual(12);
    expect(result.candidates).toBeGreaterThan(12);
  });
});
