/**
 * The exporter's partial take-profits and break-even move (issue 18): the script checks as Pine,
 * names its inputs in both languages, and its entry alerts state the same plan the server trades
 * (core's partialTakeProfitAlertFields, parsed by WebhookPayloadSchema). Trade-for-trade agreement
 * with the backtester is in parity.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { isAppError, partialTakeProfitAlertFields, WebhookPayloadSchema } from '@tradingbot/core';
import { checkPine, formatIssues } from '../src/checker/check.ts';
import { getStrategy, STRATEGIES } from '../src/engine.ts';
import { exportStrategy, type PineExportOptions } from '../src/exporter.ts';
import { runPine } from '../src/interpreter/run.ts';
import { readCandles, SAMPLE_FILE } from './support/data.ts';

const PARTIALS = [
  { distance: { type: 'atr', multiplier: 1 }, qtyPct: 50 },
  { distance: { type: 'percent', percent: 2.5 }, qtyPct: 25 },
] as const;

const OPTIONS: PineExportOptions = {
  exchange: 'binance',
  accountId: 'acc_tp',
  includeSecret: false,
  backtest: {
    stopLoss: { type: 'atr', multiplier: 2 },
    takeProfit: { type: 'atr', multiplier: 4 },
    partialTakeProfits: PARTIALS,
    breakEven: true,
  },
};

describe('partial take-profits in the exported script', () => {
  for (const declaration of STRATEGIES) {
    it(`${declaration.id}: checks as Pine, one qty_percent exit per take-profit, the break-even move`, () => {
      for (const lang of ['en', 'ko'] as const) {
        const script = exportStrategy(declaration, {}, { ...OPTIONS, lang });
        const check = checkPine(script);
        expect(formatIssues(check.errors)).toBe('');
        expect(check.warnings).toEqual([]);
        expect(script).toMatch(/strategy\.exit\(\s*"Long TP1"/);
        expect(script).toMatch(/strategy\.exit\(\s*"Short TP2"/);
        expect(script).toContain('qty_percent = tp2Qty');
        expect(script).toContain('stop = strategy.position_avg_price');
      }
    });
  }

  it('names the inputs in the script language', () => {
    const en = exportStrategy(getStrategy('ema_cross')!, {}, OPTIONS);
    const ko = exportStrategy(getStrategy('ema_cross')!, {}, { ...OPTIONS, lang: 'ko' });
    expect(en).toMatch(/tp1Mode = input\.string\(\s*'ATR',\s*'Take-profit 1 \(before the last\)'/);
    expect(en).toMatch(/tp2Value = input\.float\(\s*2\.5,/);
    expect(en).toMatch(/tp1Qty = input\.float\(\s*50\.0,\s*'Take-profit 1 closes \(% of the entry\)'/);
    expect(en).toMatch(/breakEven = input\.bool\(\s*true,/);
    expect(ko).toContain("'익절 2 청산 비율 (진입 수량의 %)'");
    expect(ko).toContain("'익절 후 손절을 본전으로 이동'");
  });

  it('states the take-profits and break-even in every entry alert, as the server reads them', () => {
    const script = exportStrategy(getStrategy('ema_cross')!, {}, OPTIONS);
    const run = runPine(script, readCandles(SAMPLE_FILE, 1500));
    const entries = run.alerts
      .map((text) => WebhookPayloadSchema.parse(JSON.parse(text)))
      .filter((payload) => payload.action === 'long' || payload.action === 'short');
    expect(entries.length).toBeGreaterThan(0);
    const fields = partialTakeProfitAlertFields(PARTIALS, true);
    expect(fields).toEqual({ tp1_atr: 1, tp1_qty_pct: 50, tp2_pct: 2.5, tp2_qty_pct: 25, break_even: 1 });
    for (const alert of entries) {
      expect(alert).toMatchObject({ ...fields, break_even: true, sl_atr: 2, tp_atr: 4 });
    }
    // The script really scales out: some entry leaves in several fills.
    expect(run.trades.some((t, i) => i > 0 && run.trades[i - 1]!.entryBar === t.entryBar)).toBe(true);
  });

  it('states no break_even field without the move', () => {
    const script = exportStrategy(
      getStrategy('ema_cross')!,
      {},
      {
        ...OPTIONS,
        backtest: { ...OPTIONS.backtest, breakEven: false },
      },
    );
    const alert = runPine(script, readCandles(SAMPLE_FILE, 1500))
      .alerts.map((text) => JSON.parse(text) as Record<string, unknown>)
      .find((payload) => payload.action === 'long');
    expect(alert).toMatchObject({ tp1_atr: 1, tp1_qty_pct: 50 });
    expect(alert).not.toHaveProperty('break_even');
  });

  it('leaves plans without partial take-profits untouched', () => {
    const script = exportStrategy(
      getStrategy('ema_cross')!,
      {},
      { ...OPTIONS, backtest: { breakEven: true } },
    );
    expect(script).not.toContain('TP1');
    expect(script).not.toContain('break_even');
  });

  it('refuses partial take-profits core refuses, naming the field', () => {
    const refuse = (backtest: PineExportOptions['backtest']) => {
      try {
        exportStrategy(getStrategy('ema_cross')!, {}, { ...OPTIONS, backtest });
      } catch (caught) {
        expect(isAppError(caught) && caught.code).toBe('INVALID_EXPORT_OPTIONS');
        return (caught as Error).message;
      }
      return 'accepted';
    };
    expect(
      refuse({
        takeProfit: { type: 'atr', multiplier: 1 },
        partialTakeProfits: [{ distance: { type: 'atr', multiplier: 1.5 }, qtyPct: 50 }],
      }),
    ).toMatch(/partialTakeProfits\[0\].*nearer than the last/);
    expect(
      refuse({ partialTakeProfits: [{ distance: { type: 'atr', multiplier: 1 }, qtyPct: 100 }] }),
    ).toMatch(/partialTakeProfits\[0\]\.qtyPct/);
    expect(refuse({ breakEven: 'yes' as never })).toMatch(/breakEven/);
  });
});
