import { describe, expect, it } from 'vitest';
import { isAppError, WebhookPayloadSchema } from '@tradingbot/core';
import {
  buildPineExport,
  checkPine,
  generateWebhookSetupGuide,
  TRADINGVIEW_WEBHOOK_IPS,
} from '../src/index.ts';

const URL = 'https://bot.example.com/api/v1/webhook/tradingview';

describe('buildPineExport (what GET /api/v1/simple/export-pine answers)', () => {
  it('returns a checked script, the guide, the URL and an example message that passes the schema', () => {
    const out = buildPineExport({
      strategy: 'supertrend',
      params: { factor: '2.5' },
      account: { id: 'acc_9', exchange: 'okx', webhookSecret: 'S'.repeat(40) },
      webhookUrl: URL,
      leverage: 3,
      backtest: { stopLoss: { type: 'atr', multiplier: 1.5 } },
      lang: 'ko',
    });
    expect(checkPine(out.script).ok).toBe(true);
    expect(out.script).toContain('factor = input.float(2.5,');
    expect(out.script).toContain('"secret":"' + 'S'.repeat(40));
    expect(out.webhook_url).toBe(URL);
    expect(out.secret_included).toBe(true);
    expect(out.guide).toContain('# TradingView 웹훅 설정 가이드 — 슈퍼트렌드');
    const example = { ...out.alert_message_example, secret: 'S'.repeat(40) };
    expect(WebhookPayloadSchema.parse(example)).toMatchObject({
      action: 'long',
      account_id: 'acc_9',
      exchange: 'okx',
      leverage: 3,
      sl_atr: 1.5,
      trail_atr: 0,
    });
    // The example never repeats the real secret.
    expect(JSON.stringify(out.alert_message_example)).not.toContain('S'.repeat(40));
  });

  it('leaves the secret out on request', () => {
    const out = buildPineExport({
      strategy: 'ema_cross',
      account: { id: 'a', exchange: 'paper', webhookSecret: 'S'.repeat(40) },
      webhookUrl: URL,
      includeSecret: false,
    });
    expect(out.script).not.toContain('S'.repeat(40));
    expect(out.script).toContain('PASTE_YOUR_WEBHOOK_SECRET');
    expect(out.secret_included).toBe(false);
  });

  it('answers bad input with 4xx AppErrors', () => {
    for (const input of [
      { strategy: 'nope', account: { exchange: 'binance' as const }, webhookUrl: URL },
      {
        strategy: 'ema_cross',
        params: { fastLength: 1 },
        account: { exchange: 'binance' as const },
        webhookUrl: URL,
      },
      { strategy: 'ema_cross', account: { exchange: 'binance' as const }, webhookUrl: 'ftp://x' },
      { strategy: 'ema_cross', account: { exchange: 'binance' as const }, webhookUrl: URL, leverage: 0 },
    ]) {
      let caught: unknown;
      try {
        buildPineExport(input);
      } catch (error) {
        caught = error;
      }
      expect(isAppError(caught) && caught.status).toBe(400);
    }
  });
});

describe('generateWebhookSetupGuide', () => {
  for (const lang of ['en', 'ko'] as const) {
    it(`${lang}: URL, alert steps, TradingView rules, paper first, every error message`, () => {
      const guide = generateWebhookSetupGuide({
        webhookUrl: URL,
        accountId: 'acc_1',
        exchange: 'binance',
        lang,
      });
      for (const text of [
        URL,
        'acc_1',
        '{{strategy.order.alert_message}}',
        'Order fills only',
        'Webhook URL',
        '2FA',
        '443',
        'HTTPS',
        'paper',
        'Invalid webhook secret',
        'User not found',
        'Decryption failed',
        'Insufficient balance',
        'max_lag',
        ...TRADINGVIEW_WEBHOOK_IPS,
      ]) {
        expect(guide).toContain(text);
      }
      expect(guide).toMatch(lang === 'en' ? /3 seconds/ : /3초/);
    });
  }

  it('warns about a URL TradingView cannot deliver to', () => {
    const guide = generateWebhookSetupGuide({
      webhookUrl: 'http://localhost:8001/api/v1/webhook/tradingview',
      exchange: 'paper',
      lang: 'en',
    });
    expect(guide).toContain('not HTTPS');
    expect(guide).toContain('Port 8001');
    expect(guide).toContain('cannot be reached from the internet');
  });
});

describe('a lab plan exported (issue 18.3)', () => {
  it('a 5x plan with ATR SL/TP: the script defaults and every alert it sends state 5x and that SL/TP', async () => {
    const { readCandles, SAMPLE_FILE } = await import('./support/data.ts');
    const { runPine } = await import('../src/interpreter/run.ts');
    const out = buildPineExport({
      strategy: 'ema_cross',
      account: { id: 'acc_5x', exchange: 'binance' },
      webhookUrl: URL,
      includeSecret: false,
      leverage: 5,
      backtest: {
        stopLoss: { type: 'atr', multiplier: 1.5 },
        takeProfit: { type: 'atr', multiplier: 4 },
        sizePct: 20,
        commissionPct: 0.05,
        slippageTicks: 2,
        atrPeriod: 10,
      },
      expected: {
        net_profit_pct: 12.345,
        total_trades: 42,
        win_rate: 40.5,
        max_drawdown_pct: 8.1,
        profit_factor: 1.31,
      },
    });
    // The Strategy Tester's properties and the risk inputs' defaults.
    expect(out.script).toContain('default_qty_value = 100'); // 20 % margin × 5x
    expect(out.script).toContain('commission_value = 0.05');
    expect(out.script).toContain('slippage = 2');
    expect(out.script).toContain('margin_long = 20');
    expect(out.script).toMatch(/slMode = input\.string\(\s*'ATR'/);
    expect(out.script).toMatch(/slValue = input\.float\(\s*1\.5,/);
    expect(out.script).toMatch(/tpValue = input\.float\(\s*4\.0?,/);
    expect(out.plan).toMatchObject({
      sizePct: 20,
      atrPeriod: 10,
      stopLoss: { type: 'atr', multiplier: 1.5 },
    });
    // What the script sends, run by the project's Pine interpreter over real candles.
    const run = runPine(out.script, readCandles(SAMPLE_FILE, 1500));
    const entries = run.alerts
      .map((text) => WebhookPayloadSchema.parse(JSON.parse(text)))
      .filter(
        (p) => p.action === 'long' || p.action === 'short' || p.action === 'buy' || p.action === 'sell',
      );
    expect(entries.length).toBeGreaterThan(0);
    for (const alert of entries) {
      expect(alert).toMatchObject({
        leverage: 5,
        sl_atr: 1.5,
        tp_atr: 4,
        size_pct: 20,
        account_id: 'acc_5x',
      });
    }
    // The guide lists the plan and the Strategy Tester figures to expect.
    expect(out.guide).toContain('Leverage: 5x');
    expect(out.guide).toContain('Stop-loss: 1.5 × ATR · take-profit: 4 × ATR · ATR(10)');
    expect(out.guide).toContain('commission 0.05 %, slippage 2 ticks');
    expect(out.guide).toContain('Total closed trades: 42');
    expect(out.guide).toContain('Net profit: 12.35 %');
    const ko = buildPineExport({
      strategy: 'ema_cross',
      account: { id: 'acc_5x', exchange: 'binance' },
      webhookUrl: URL,
      leverage: 5,
      lang: 'ko',
      expected: { total_trades: 42 },
    });
    expect(ko.guide).toContain('레버리지: 5x');
    expect(ko.guide).toContain('총 거래 수: 42');
  });

  it('a plan that trails: the guide says the venues trail by percent, an ATR offset becoming a percent at entry', () => {
    const out = buildPineExport({
      strategy: 'ema_cross',
      account: { id: 'acc_trail', exchange: 'binance' },
      webhookUrl: URL,
      leverage: 3,
      backtest: { trailing: { type: 'atr', activation: 1, offset: 2 } },
    });
    expect(out.guide).toContain(
      "- Trailing stop: 2 × ATR behind the best price, from 1 × ATR in the position's favour.",
    );
    expect(out.guide).toContain('an ATR offset becomes a percent of the entry when the order is placed');
    const none = buildPineExport({
      strategy: 'ema_cross',
      account: { id: 'acc_trail', exchange: 'binance' },
      webhookUrl: URL,
      leverage: 3,
    });
    expect(none.guide).not.toContain('Trailing stop');
  });

  it('a plan with partial take-profits: the guide names each share and distance and the break-even move', () => {
    const out = buildPineExport({
      strategy: 'ema_cross',
      account: { id: 'acc_tp', exchange: 'binance' },
      webhookUrl: URL,
      leverage: 2,
      backtest: {
        partialTakeProfits: [{ distance: { type: 'atr', multiplier: 1.5 }, qtyPct: 50 }],
        breakEven: true,
      },
    });
    expect(out.guide).toContain(
      '- Partial take-profits: TP1 50 % of the entry at 1.5 × ATR, the rest at the last take-profit; once one fills, the stop-loss moves to the entry price.',
    );
    const none = buildPineExport({
      strategy: 'ema_cross',
      account: { id: 'acc_tp', exchange: 'binance' },
      webhookUrl: URL,
      leverage: 2,
    });
    expect(none.guide).not.toContain('Partial take-profits');
    // The example alert is what the script sends: it states them too, and a plan without them does not.
    expect(out.alert_message_example).toMatchObject({ tp1_atr: 1.5, tp1_qty_pct: 50, break_even: 1 });
    expect(none.alert_message_example).not.toHaveProperty('tp1_qty_pct');
  });
});
