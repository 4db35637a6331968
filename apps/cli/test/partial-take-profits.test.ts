import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { partialTakeProfitsFromFlags } from '../src/backtest-flags.ts';
import { main } from '../src/main.ts';
import { runCli } from './support/run-cli.ts';

const atr = (multiplier: number) => ({ type: 'atr' as const, multiplier });
const last = atr(3);

describe('--tp1-* / --tp2-* / --break-even', () => {
  it('reads up to two partial take-profits, nearest first, and the break-even move', () => {
    expect(
      partialTakeProfitsFromFlags(
        { tp1Atr: '1.5', tp1QtyPct: '50', tp2Pct: '4', tp2QtyPct: '25', breakEven: true },
        last,
      ),
    ).toEqual({
      partialTakeProfits: [
        { distance: atr(1.5), qtyPct: 50 },
        { distance: { type: 'percent', percent: 4 }, qtyPct: 25 },
      ],
      breakEven: true,
    });
    // None stated: none, and no break-even move.
    expect(partialTakeProfitsFromFlags({}, last)).toEqual({ partialTakeProfits: [], breakEven: false });
  });

  it('refuses what is not a plan with a message naming the flag', () => {
    const refused = (flags: Record<string, string | boolean>) => {
      try {
        partialTakeProfitsFromFlags(flags, last);
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(refused({ tp1Atr: '1', tp1Pct: '2', tp1QtyPct: '50' })).toBe(
      'use either --tp1-atr or --tp1-pct, not both',
    );
    expect(refused({ tp1Atr: '1' })).toMatch(/^--tp1-atr needs --tp1-qty-pct/);
    expect(refused({ tp1QtyPct: '50' })).toMatch(/^--tp1-qty-pct needs --tp1-atr or --tp1-pct/);
    expect(refused({ tp2Atr: '1', tp2QtyPct: '50' })).toBe('--tp2-* needs --tp1-* first');
    expect(refused({ tp1Atr: 'x', tp1QtyPct: '50' })).toMatch(/^--tp1-atr must be a number/);
    // The trade plan's rule (core `partialTakeProfitProblem`), worded with the flag it is about.
    expect(refused({ tp1Atr: '1', tp1QtyPct: '60', tp2Atr: '2', tp2QtyPct: '40' })).toMatch(
      /^--tp2-qty-pct: .*sum below 100/,
    );
    expect(refused({ tp1Atr: '2', tp1QtyPct: '30', tp2Atr: '1', tp2QtyPct: '30' })).toMatch(
      /^--tp2-atr: .*nearest first/,
    );
    expect(refused({ tp1Atr: '3', tp1QtyPct: '50' })).toMatch(/^--tp1-atr: .*nearer than the last/);
    expect(refused({ tp1Pct: '0', tp1QtyPct: '50' })).toMatch(/^--tp1-pct: .*above 0/);
    expect(refused({ tp1Pct: '2', tp1QtyPct: '100' })).toMatch(/^--tp1-qty-pct: /);
  });

  it('backtest passes them to the broker emulator: the trades change, the options say what ran', async () => {
    const args = ['backtest', '--strategy', 'ema_cross', '--timeframe', '4h', '--json'];
    const plain = JSON.parse((await runCli(args)).stdout);
    const scaled = JSON.parse((await runCli([...args, '--tp1-atr', '1', '--tp1-qty-pct', '50'])).stdout);
    const breakEven = JSON.parse(
      (await runCli([...args, '--tp1-atr', '1', '--tp1-qty-pct', '50', '--break-even'])).stdout,
    );
    expect(plain.options).not.toHaveProperty('partialTakeProfits');
    expect(plain.options).not.toHaveProperty('breakEven');
    expect(scaled.options.partialTakeProfits).toEqual([{ distance: atr(1), qtyPct: 50 }]);
    expect(breakEven.options.breakEven).toBe(true);
    expect(scaled.trades).not.toEqual(plain.trades);
    expect(breakEven.trades).not.toEqual(scaled.trades);
  });

  it('backtest refuses a bad ladder with exit code 2 and one line naming the flag', async () => {
    const run = await runCli([
      'backtest',
      '--strategy',
      'ema_cross',
      '--tp1-atr',
      '4',
      '--tp1-qty-pct',
      '50',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--tp1-atr: a partial take-profit must be nearer than the last take-profit/);
    expect(run.stdout).toBe('');
  });
});

describe('export-pine --tp1-* / --break-even', () => {
  let out = '';
  let err = '';
  beforeEach(() => {
    out = '';
    err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  });
  afterEach(() => vi.restoreAllMocks());
  const cli = (...args: string[]) =>
    main(['node', 'tradingbot', 'export-pine', '--strategy', 'ema_cross', '--no-secret', ...args]);

  it('writes the partial take-profits and break-even into the script and its alert messages', async () => {
    expect(await cli('--tp1-atr', '1.5', '--tp1-qty-pct', '50', '--break-even')).toBe(0);
    expect(err).toBe('');
    expect(out).toContain('tp1_qty_pct');
    expect(out).toContain('break_even');
    out = '';
    // Without them the script names neither: alerts of plans without a ladder stay as they were.
    expect(await cli()).toBe(0);
    expect(out).not.toContain('tp1_qty_pct');
    expect(out).not.toContain('break_even');
  });

  it('takes the trailing stop and the exit close percent like backtest does', async () => {
    expect(await cli('--trail-pct', '1.5', '--trail-activation', '2', '--close-pct', '50')).toBe(0);
    expect(out).toMatch(/trailMode = input\.string\(\s*'Percent'/);
    expect(out).toContain("trailOffset = input.float(1.5, 'Trailing offset");
    expect(out).toContain("trailActivation = input.float(2.0, 'Trailing activation");
    expect(out).toContain('closePct = input.float(50.0,');
    expect(await cli('--trail-pct', '1', '--trail-atr', '1')).toBe(2);
    expect(err).toContain('give --trail-atr or --trail-pct, not both');
  });

  it('refuses a partial take-profit beyond the last one (the plan default 3 ATR when --tp-* is not given)', async () => {
    expect(await cli('--tp1-atr', '3.5', '--tp1-qty-pct', '50')).toBe(2);
    expect(err).toMatch(/--tp1-atr: a partial take-profit must be nearer than the last take-profit/);
    expect(out).toBe('');
  });
});
