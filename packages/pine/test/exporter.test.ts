import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError, WebhookPayloadSchema } from '@tradingbot/core';
import { checkPine, formatIssues } from '../src/checker/check.ts';
import { parseScript } from '../src/checker/parser.ts';
import type { Expr, Stmt } from '../src/checker/parser.ts';
import { getStrategy, STRATEGIES } from '../src/engine.ts';
import { exportStrategy, pineString, SECRET_PLACEHOLDER } from '../src/exporter.ts';
import { runPine } from '../src/interpreter/run.ts';
import { GOLDEN_DIR, GOLDEN_OPTIONS } from './support/golden.ts';

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

/** A small deterministic price path with swings, enough for every strategy to trade. */
function syntheticCandles(bars: number) {
  const time: number[] = [];
  const open: number[] = [];
  const high: number[] = [];
  const low: number[] = [];
  const close: number[] = [];
  let price = 100;
  let seed = 7;
  const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let i = 0; i < bars; i++) {
    const o = price;
    const drift = Math.sin(i / 120) * 0.002;
    const c = Math.round(o * (1 + drift + (rand() + rand() + rand() - 1.5) * 0.012) * 100) / 100;
    time.push(Date.UTC(2024, 0, 1) + i * 3_600_000);
    open.push(o);
    close.push(c);
    high.push(Math.round(Math.max(o, c) * (1 + rand() * 0.006) * 100) / 100);
    low.push(Math.round(Math.min(o, c) * (1 - rand() * 0.006) * 100) / 100);
    price = c;
  }
  return { length: bars, time, open, high, low, close, volume: close.map(() => 1) };
}

describe('golden files', () => {
  for (const declaration of STRATEGIES) {
    it(`${declaration.id}.pine is what the exporter emits, byte for byte`, () => {
      const expected = readFileSync(resolve(GOLDEN_DIR, `${declaration.id}.pine`), 'utf8');
      const actual = exportStrategy(declaration, {}, GOLDEN_OPTIONS);
      // On purpose: regenerate with `npm run -w @tradingbot/pine golden:update` and review the diff.
      expect(actual).toBe(expected);
    });
  }
});

describe('every exported script', () => {
  const variants = [
    { name: 'defaults (the trade plan)', options: { exchange: 'binance' as const, secret: 's'.repeat(32) } },
    {
      name: 'no SL/TP, stated',
      options: {
        exchange: 'binance' as const,
        secret: 's'.repeat(32),
        backtest: { stopLoss: { type: 'none' as const }, takeProfit: { type: 'none' as const } },
      },
    },
    { name: 'golden options', options: GOLDEN_OPTIONS },
    {
      name: 'percent SL/TP, leverage 5, fill on close, short only',
      options: {
        exchange: 'okx' as const,
        accountId: '42',
        leverage: 5,
        secret: `we"ird\\secret'with quotes`,
        backtest: {
          stopLoss: { type: 'percent' as const, percent: 1.5 },
          takeProfit: { type: 'percent' as const, percent: 4 },
          fillOnClose: true,
          direction: 'short' as const,
          slippageTicks: 2,
        },
      },
    },
  ];
  for (const declaration of STRATEGIES) {
    for (const variant of variants) {
      it(`${declaration.id} (${variant.name}) passes the checker and sends valid webhook payloads`, () => {
        const script = exportStrategy(declaration, {}, variant.options);
        const check = checkPine(script);
        expect(formatIssues(check.errors)).toBe('');
        expect(check.warnings).toEqual([]);
        const run = runPine(script, syntheticCandles(4000), { timenow: Date.UTC(2024, 2, 1) });
        expect(run.alerts.length).toBe(run.fills.length);
        expect(run.fills.length).toBeGreaterThan(0);
        for (const message of run.alerts) {
          const payload = JSON.parse(message) as Record<string, unknown>;
          const parsed = WebhookPayloadSchema.safeParse(payload);
          expect(parsed.success, `${message}\n${JSON.stringify(parsed.error?.issues)}`).toBe(true);
        }
      });
    }
  }

  it('declares use_bar_magnifier = true when the backtest used lower-timeframe bars, false by default', () => {
    const declaration = getStrategy('ema_cross');
    expect(exportStrategy(declaration, {}, GOLDEN_OPTIONS)).toContain('use_bar_magnifier = false');
    const script = exportStrategy(declaration, {}, { ...GOLDEN_OPTIONS, backtest: { barMagnifier: true } });
    expect(script).toContain('use_bar_magnifier = true');
    expect(formatIssues(checkPine(script).errors)).toBe('');
    expect(() =>
      exportStrategy(
        declaration,
        {},
        { ...GOLDEN_OPTIONS, backtest: { barMagnifier: 'yes' as unknown as boolean } },
      ),
    ).toThrow(/barMagnifier/);
  });

  it('writes each parameter as an input with our default, range, step and label', () => {
    const declaration = getStrategy('bb_rsi');
    const script = exportStrategy(declaration, { bbMult: 2.5 }, GOLDEN_OPTIONS);
    expect(script).toContain(
      `bbMult = input.float(2.5, 'Bands width (σ)', minval = 0.5, maxval = 5.0, step = 0.1, tooltip = 'default 2', group = 'Strategy parameters')`,
    );
    expect(script).toContain(`bbLength = input.int(20, 'Bands length', minval = 5, maxval = 100, step = 1,`);
    expect(script).toContain(
      `if oversold >= overbought\n    runtime.error('oversold must be below overbought')`,
    );
  });

  it('sets every strategy() setting explicitly, sizing = size × leverage, margin = 100 / leverage', () => {
    const script = exportStrategy(
      getStrategy('ema_cross'),
      {},
      {
        exchange: 'binance',
        leverage: 4,
        includeSecret: false,
        backtest: { sizePct: 5, initialCapital: 2500, commissionPct: 0.05, slippageTicks: 3 },
      },
    );
    for (const setting of [
      'initial_capital = 2500',
      'default_qty_type = strategy.percent_of_equity',
      'default_qty_value = 20',
      'commission_type = strategy.commission.percent',
      'commission_value = 0.05',
      'slippage = 3',
      'pyramiding = 0',
      'margin_long = 25',
      'margin_short = 25',
      'process_orders_on_close = false',
      'calc_on_every_tick = false',
    ]) {
      expect(script).toContain(setting);
    }
    expect(script).toContain("Leverage 4x: TradingView's margin-call emulation differs");
  });

  it('computes every ta.* call at the top level, never inside an if', () => {
    for (const declaration of STRATEGIES) {
      const script = parseScript(exportStrategy(declaration, {}, GOLDEN_OPTIONS));
      const inBlocks: string[] = [];
      const visitExpr = (expr: Expr, local: boolean): void => {
        if (expr.k === 'call') {
          if (local && expr.callee.startsWith('ta.')) inBlocks.push(expr.callee);
          expr.args.forEach((arg) => visitExpr(arg.value, local));
        } else if (expr.k === 'binary') [expr.left, expr.right].forEach((e) => visitExpr(e, local));
        else if (expr.k === 'unary') visitExpr(expr.arg, local);
        else if (expr.k === 'ternary') [expr.cond, expr.then, expr.else].forEach((e) => visitExpr(e, local));
        else if (expr.k === 'index') [expr.target, expr.offset].forEach((e) => visitExpr(e, local));
      };
      const visit = (body: Stmt[], local: boolean): void => {
        for (const stmt of body) {
          if (stmt.k === 'if') {
            visitExpr(stmt.cond, local);
            visit(stmt.then, true);
            if (stmt.else) visit(stmt.else, true);
          } else if (stmt.k === 'expr') visitExpr(stmt.expr, local);
          else visitExpr(stmt.value, local);
        }
      };
      visit(script.body, false);
      expect(inBlocks, declaration.id).toEqual([]);
    }
  });

  it('uses the cloud of displacement − 1 bars ago for Ichimoku', () => {
    const script = exportStrategy(getStrategy('ichimoku'), {}, GOLDEN_OPTIONS);
    expect(script).toContain(
      'ichiConversion = math.avg(ta.lowest(low, conversion), ta.highest(high, conversion))',
    );
    expect(script).toContain('ichiCloudA = ichiSpanA[displacement - 1]');
    expect(script).toContain('longEntry = crossUp and close > math.max(ichiCloudA, ichiCloudB)');
  });
});

describe('secrets', () => {
  it('writes a visible placeholder instead of the secret when asked, and says so in the header', () => {
    const script = exportStrategy(getStrategy('supertrend'), {}, { exchange: 'paper', includeSecret: false });
    expect(script).toContain(SECRET_PLACEHOLDER);
    expect(script).toContain('The webhook secret is NOT in this script');
    const run = runPine(script, syntheticCandles(600));
    const payload = WebhookPayloadSchema.parse(JSON.parse(run.alerts[0]!));
    expect(payload.secret).toBe(SECRET_PLACEHOLDER);
    expect(payload.account_id).toBe('PASTE_YOUR_ACCOUNT_ID');
  });

  it('escapes any secret so the message stays valid JSON carrying the exact secret', () => {
    const secret = `a"b\\c'd{e}f,g:h 1234567890`;
    const script = exportStrategy(
      getStrategy('ema_cross'),
      {},
      { exchange: 'binance', accountId: 'x1', secret },
    );
    const run = runPine(script, syntheticCandles(600));
    for (const message of run.alerts)
      expect(WebhookPayloadSchema.parse(JSON.parse(message)).secret).toBe(secret);
  });

  it('refuses a secret of the wrong length and bad options with a 400 naming the field', () => {
    const declaration = getStrategy('ema_cross');
    const short = errorOf(() => exportStrategy(declaration, {}, { exchange: 'binance', secret: 'short' }));
    expect(isAppError(short) && short.code === 'INVALID_EXPORT_OPTIONS' && short.status === 400).toBe(true);
    const lev = errorOf(() =>
      exportStrategy(declaration, {}, { exchange: 'binance', includeSecret: false, leverage: 200 }),
    );
    expect(isAppError(lev) && lev.details?.field).toBe('leverage');
    const ex = errorOf(() =>
      exportStrategy(declaration, {}, { exchange: 'ftx' as 'okx', includeSecret: false }),
    );
    expect(isAppError(ex) && ex.details?.field).toBe('exchange');
    const missing = errorOf(() => exportStrategy(declaration, {}, { exchange: 'okx', includeSecret: true }));
    expect(isAppError(missing) && missing.details?.field).toBe('secret');
  });

  it('refuses parameters the backtester refuses', () => {
    const error = errorOf(() =>
      exportStrategy(getStrategy('ema_cross'), { fastLength: 30, slowLength: 20 }, GOLDEN_OPTIONS),
    );
    expect(isAppError(error) && error.code).toBe('INVALID_STRATEGY_PARAMS');
  });
});

describe('alert messages', () => {
  it('carry a per-order id that is unique per order and the entry settings', () => {
    const script = exportStrategy(getStrategy('ema_cross'), {}, { ...GOLDEN_OPTIONS, maxLagSeconds: 30 });
    const run = runPine(script, syntheticCandles(1500), {
      ticker: 'ETHUSDT.P',
      timeframe: '240',
      timenow: 1_717_000_000_000,
    });
    const payloads = run.alerts.map((m) => WebhookPayloadSchema.parse(JSON.parse(m)));
    const ids = payloads.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const entry = payloads.find((p) => p.action === 'long')!;
    expect(entry).toMatchObject({
      account_id: 'acc_demo_1',
      exchange: 'binance',
      symbol: 'ETHUSDT.P',
      leverage: 1,
      timeframe: '240',
      max_lag: 30,
      timestamp: 1_717_000_000_000,
      sl_atr: 2,
      tp_atr: 3,
      size_pct: 10,
    });
    expect(entry.id).toMatch(/^BINANCE:ETHUSDT\.P-\d+-long$/);
    // A reversal sends the new side; the executor closes the opposite position first.
    const kinds = new Set(run.fills.map((f) => `${f.kind}:${JSON.parse(f.alertMessage!).action}`));
    expect(kinds).toContain('entry:short');
    expect(
      [...kinds].every((k) =>
        /^(entry:(long|short)|close:close_(long|short)|exit:close_(long|short))$/.test(k),
      ),
    ).toBe(true);
  });

  it('every entry alert states its protection: the plan default (2 / 3 ATR), a percent, or none as 0', () => {
    const entries = (backtest: Parameters<typeof exportStrategy>[2]['backtest']) => {
      const script = exportStrategy(getStrategy('ema_cross'), {}, { ...GOLDEN_OPTIONS, backtest });
      const run = runPine(script, syntheticCandles(1500), { timenow: 1_717_000_000_000 });
      return run.alerts
        .map((m) => JSON.parse(m) as Record<string, unknown>)
        .filter((p) => p.action === 'long' || p.action === 'short');
    };
    const pick = (p: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(p).filter(([k]) => /^(sl|tp)_/.test(k)));
    const defaults = entries(undefined);
    expect(defaults.length).toBeGreaterThan(0);
    for (const p of defaults) expect(pick(p)).toEqual({ sl_atr: 2, tp_atr: 3 });
    const none = entries({ stopLoss: { type: 'none' }, takeProfit: { type: 'none' } });
    expect(none.length).toBeGreaterThan(0);
    for (const p of none) expect(pick(p)).toEqual({ sl_atr: 0, tp_atr: 0 });
    const mixed = entries({ stopLoss: { type: 'percent', percent: 1.5 }, takeProfit: { type: 'none' } });
    for (const p of mixed) expect(pick(p)).toEqual({ sl_pct: 1.5, tp_atr: 0 });
  });

  it('entries state the trailing stop (none as trail_atr 0) and signal closes their close_pct, as the webhook accepts them', () => {
    const alerts = (backtest: Parameters<typeof exportStrategy>[2]['backtest']) => {
      const script = exportStrategy(getStrategy('ema_cross'), {}, { ...GOLDEN_OPTIONS, backtest });
      expect(checkPine(script).ok).toBe(true);
      const run = runPine(script, syntheticCandles(1500), { timenow: 1_717_000_000_000 });
      return run.fills.map((f) => ({
        kind: f.kind,
        payload: WebhookPayloadSchema.parse(JSON.parse(f.alertMessage!)),
      }));
    };
    const trailingKeys = (p: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(p).filter(([k]) => k.startsWith('trail_')));
    const none = alerts(undefined).filter((a) => a.kind === 'entry');
    expect(none.length).toBeGreaterThan(0);
    for (const { payload } of none) expect(trailingKeys(payload)).toEqual({ trail_atr: 0 });
    const managed = alerts({
      trailing: { type: 'percent', activation: 0.5, offset: 1.5 },
      closePct: 50,
      // Long only: the exit signal meets the position instead of reversing it.
      direction: 'long',
    });
    const entries = managed.filter((a) => a.kind === 'entry');
    expect(entries.length).toBeGreaterThan(0);
    for (const { payload } of entries) {
      expect(trailingKeys(payload)).toEqual({ trail_pct: 1.5, trail_activation_pct: 0.5 });
    }
    const closes = managed.filter((a) => a.kind === 'close');
    expect(closes.length).toBeGreaterThan(0);
    for (const { payload } of closes) expect(payload.close_pct).toBe(50);
    // A stop, take-profit or trailing-stop fill closes what is left: no close_pct.
    for (const { payload } of managed.filter((a) => a.kind === 'exit'))
      expect(payload.close_pct).toBeUndefined();
  });

  it('pineString escapes quotes and backslashes', () => {
    expect(pineString(`it's a \\ "x"`)).toBe(`'it\\'s a \\\\ "x"'`);
  });
});

describe('one language per script', () => {
  const HANGUL = /[\u3131-\uD7A3]/;
  it.each(STRATEGIES.map((s) => [s.id]))(
    '%s: the English script has no Korean, the Korean one its labels',
    (id) => {
      const declaration = getStrategy(id);
      const english = exportStrategy(declaration, {}, { ...GOLDEN_OPTIONS, lang: 'en' });
      expect(english).not.toMatch(HANGUL);
      const korean = exportStrategy(declaration, {}, { ...GOLDEN_OPTIONS, lang: 'ko' });
      for (const spec of Object.values(declaration.params)) {
        expect(korean).toContain(pineString(spec.label.ko));
        expect(korean).not.toContain(pineString(spec.label.en));
      }
      expect(korean).toContain(pineString('손절'));
      expect(korean).toContain(`${declaration.name.ko} [TradingBot AI]`);
      const check = checkPine(korean);
      expect(check.ok, formatIssues(check.errors)).toBe(true);
    },
  );
});

describe('an account group as the target', () => {
  it('names group_id and no exchange in every alert; each member’s alert, as the server builds it, is a valid payload', () => {
    const script = exportStrategy(
      getStrategy('ema_cross'),
      {},
      { exchange: 'binance', groupId: 'grp_7', includeSecret: false, leverage: 3 },
    );
    expect(script).toContain('Account group: grp_7');
    expect(script).not.toContain('PASTE_YOUR_ACCOUNT_ID');
    const run = runPine(script, syntheticCandles(1500));
    expect(run.alerts.length).toBeGreaterThan(2);
    for (const message of run.alerts) {
      const alert = JSON.parse(message) as Record<string, unknown>;
      expect(alert.group_id).toBe('grp_7');
      expect(alert).not.toHaveProperty('account_id');
      expect(alert).not.toHaveProperty('exchange');
      // The webhook runs it on each member as `{ ...alert, account_id, exchange: the member's }`.
      for (const exchange of ['binance', 'okx'])
        expect(WebhookPayloadSchema.parse({ ...alert, account_id: 'member-1', exchange })).toMatchObject({
          leverage: 3,
          secret: SECRET_PLACEHOLDER,
        });
    }
  });

  it('refuses an account and a group together, naming groupId', () => {
    const error = errorOf(() =>
      exportStrategy(
        getStrategy('ema_cross'),
        {},
        { exchange: 'binance', accountId: 'a1', groupId: 'g1', includeSecret: false },
      ),
    );
    expect(isAppError(error) && error.details?.field).toBe('groupId');
  });
});
