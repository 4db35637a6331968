import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/main.ts';

let out = '';
let err = '';
beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
});
afterEach(() => vi.restoreAllMocks());

const cli = (...args: string[]) => main(['node', 'tradingbot', 'export-pine', ...args]);

describe('tradingbot export-pine', () => {
  it('prints the script with the given account, secret and SL/TP, and the guide on request', async () => {
    const code = await cli(
      '--strategy',
      'rsi_ema',
      '--params',
      '{"rsiLength":10}',
      '--account-id',
      'acc_7',
      '--exchange',
      'okx',
      '--leverage',
      '2',
      '--secret',
      'abcdefghijklmnopqrstuvwxyz',
      '--sl-atr',
      '1.5',
      '--tp-atr',
      '4',
      '--guide',
      'ko',
    );
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out.startsWith('//@version=6\n')).toBe(true);
    expect(out).toContain('rsiLength = input.int(10,');
    expect(out).toContain('"account_id":"acc_7","exchange":"okx"');
    expect(out).toContain('"secret":"abcdefghijklmnopqrstuvwxyz"');
    expect(out).toMatch(/slMode = input\.string\(\s*'ATR'/);
    expect(out).toContain('default_qty_value = 20');
    expect(out).toContain('# TradingView 웹훅 설정 가이드');
  });

  it('--group-id targets an account group: the alerts name group_id and no exchange', async () => {
    expect(await cli('--strategy', 'ema_cross', '--no-secret', '--group-id', 'grp_3')).toBe(0);
    expect(out).toContain('"group_id":"grp_3"');
    expect(out).not.toContain('"account_id"');
    expect(out).not.toContain('"exchange"');
  });

  it('--no-secret writes the placeholder', async () => {
    expect(await cli('--strategy', 'ema_cross', '--no-secret')).toBe(0);
    expect(out).toContain('PASTE_YOUR_WEBHOOK_SECRET');
  });

  it('exits 2 with one line on bad input', async () => {
    for (const args of [
      ['--strategy', 'nope', '--no-secret'],
      ['--strategy', 'ema_cross'],
      ['--strategy', 'ema_cross', '--no-secret', '--params', '{"fastLength":50,"slowLength":20}'],
      ['--strategy', 'ema_cross', '--no-secret', '--leverage', '500'],
      ['--strategy', 'ema_cross', '--no-secret', '--sl-atr', '1', '--sl-pct', '2'],
      ['--strategy', 'ema_cross', '--secret', 'short'],
      ['--strategy', 'ema_cross', '--no-secret', '--exchange', 'ftx'],
      ['--strategy', 'ema_cross', '--no-secret', '--params', 'nope'],
      ['--strategy', 'ema_cross', '--no-secret', '--account-id', 'a', '--group-id', 'g'],
    ]) {
      err = '';
      expect(await cli(...args), args.join(' ')).toBe(2);
      expect(err.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });
});
