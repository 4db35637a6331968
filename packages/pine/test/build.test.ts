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
