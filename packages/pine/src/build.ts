import { exitAlertFields, partialTakeProfitAlertFields, trailingAlertFields } from '@tradingbot/core';
import type { StrategyDeclaration } from './engine.ts';
import { getStrategy } from './engine.ts';
import { PineErrors } from './errors.ts';
import type { PineBacktestInput, PineBacktestSettings, PineExchange } from './exporter.ts';
import { exportStrategy, resolvePineOptions } from './exporter.ts';
import { checkPine, formatIssues } from './checker/check.ts';
import { generateWebhookSetupGuide, type ExpectedTesterFigures } from './guide.ts';

export type BuildPineExportInput = {
  /** Strategy id (`ema_cross`) or declaration. */
  strategy: string | StrategyDeclaration;
  /** Parameters over the defaults, validated like a backtest's (numeric strings accepted). */
  params?: Record<string, unknown>;
  account: { id?: string; exchange: PineExchange; webhookSecret?: string };
  /** An account group as the alerts' target instead of `account.id` (each member on its own venue). */
  group?: { id: string };
  /** This server's public webhook URL (…/api/v1/webhook/tradingview). */
  webhookUrl: string;
  /** Default 1. */
  leverage?: number;
  /** false: leave the secret out (placeholder). Default: true when the account has a secret. */
  includeSecret?: boolean;
  /** Default 60. */
  maxLagSeconds?: number;
  backtest?: PineBacktestInput;
  /** The lab's figures for the same plan: the guide names them as the Strategy Tester's to expect. */
  expected?: ExpectedTesterFigures;
  /** The language of the guide and of what the script shows in TradingView. Default 'en'. */
  lang?: 'ko' | 'en';
};

export type PineExport = {
  script: string;
  /** Markdown setup guide. */
  guide: string;
  webhook_url: string;
  /** What the first long entry would send (illustrative values for the chart-dependent fields). */
  alert_message_example: Record<string, unknown>;
  /** Whether the script contains the real secret. */
  secret_included: boolean;
  /** The backtest settings the script carries (defaults applied). */
  plan: PineBacktestSettings;
};

/**
 * Everything the export endpoint (`GET /api/v1/simple/export-pine`) answers: the Pine script
 * (checked by the Pine v6 checker before it leaves), the setup guide, the webhook URL and an
 * example alert message. Bad input throws AppError 400 (UNKNOWN_STRATEGY, INVALID_STRATEGY_PARAMS,
 * INVALID_EXPORT_OPTIONS).
 */
export function buildPineExport(input: BuildPineExportInput): PineExport {
  const declaration = typeof input.strategy === 'string' ? getStrategy(input.strategy) : input.strategy;
  const options = {
    exchange: input.account.exchange,
    leverage: input.leverage ?? 1,
    webhookUrl: input.webhookUrl,
    ...(input.account.id !== undefined ? { accountId: input.account.id } : {}),
    ...(input.group !== undefined ? { groupId: input.group.id } : {}),
    ...(input.account.webhookSecret !== undefined ? { secret: input.account.webhookSecret } : {}),
    ...(input.includeSecret !== undefined ? { includeSecret: input.includeSecret } : {}),
    ...(input.maxLagSeconds !== undefined ? { maxLagSeconds: input.maxLagSeconds } : {}),
    ...(input.backtest !== undefined ? { backtest: input.backtest } : {}),
    ...(input.lang !== undefined ? { lang: input.lang } : {}),
  };
  const resolved = resolvePineOptions(options);
  const script = exportStrategy(declaration, input.params ?? {}, options);
  const check = checkPine(script);
  if (!check.ok) {
    // A generator bug, never the user's input.
    throw new Error(`generated Pine script failed the checker:\n${formatIssues(check.errors)}`);
  }
  const bt = resolved.backtest;
  const example: Record<string, unknown> = {
    action: 'long',
    id: 'BINANCE:BTCUSDT.P-1717200000000-long',
    ...(resolved.groupId !== undefined
      ? { group_id: resolved.groupId }
      : { account_id: resolved.accountId, exchange: resolved.exchange }),
    symbol: 'BTCUSDT.P',
    leverage: resolved.leverage,
    timestamp: 1717203600000,
    max_lag: resolved.maxLagSeconds,
    timeframe: '60',
  };
  // As the script sends it: every entry states its protection, none as 0.
  Object.assign(
    example,
    exitAlertFields('sl', bt.stopLoss ?? { type: 'none' }),
    exitAlertFields('tp', bt.takeProfit ?? { type: 'none' }),
    trailingAlertFields(bt.trailing ?? { type: 'none' }),
    partialTakeProfitAlertFields(bt.partialTakeProfits, bt.breakEven),
  );
  example.size_pct = bt.sizePct;
  // Never echo the secret outside the script itself.
  example.secret = resolved.secretIncluded ? '(your webhook secret)' : resolved.secret;
  if (!/^https?:\/\//.test(input.webhookUrl))
    throw PineErrors.create('INVALID_EXPORT_OPTIONS', {
      message: 'webhookUrl must be an http(s) URL',
      details: { field: 'webhookUrl' },
    });
  return {
    script,
    guide: generateWebhookSetupGuide({
      webhookUrl: input.webhookUrl,
      exchange: resolved.exchange,
      lang: input.lang ?? 'en',
      strategyName: input.lang === 'ko' ? declaration.name.ko : declaration.name.en,
      ...(input.account.id !== undefined ? { accountId: input.account.id } : {}),
      ...(input.group !== undefined ? { groupId: input.group.id } : {}),
      plan: { ...bt, leverage: resolved.leverage },
      ...(input.expected !== undefined ? { expected: input.expected } : {}),
    }),
    webhook_url: input.webhookUrl,
    alert_message_example: example,
    secret_included: resolved.secretIncluded,
    plan: bt,
  };
}
