import type { Command } from 'commander';
import { DEFAULT_TRADE_PLAN, statedTrailing, VENUE_IDS, venueList, type VenueId } from '@tradingbot/core';
import { buildPineExport, type PineBacktestSettings } from '@tradingbot/pine';
import { addPartialTakeProfitFlags, partialTakeProfitsFromFlags } from '../backtest-flags.ts';
import { CliUsageError } from '../cli-error.ts';
import { choiceOption, jsonObjectOption, numberOption } from '../options.ts';

type ExportPineFlags = {
  strategy: string;
  params?: string;
  accountId?: string;
  groupId?: string;
  exchange: string;
  leverage: string;
  webhookUrl: string;
  /** A string with --secret S, false with --no-secret, undefined otherwise. */
  secret?: string | boolean;
  slAtr?: string;
  tpAtr?: string;
  slPct?: string;
  tpPct?: string;
  trailAtr?: string;
  trailPct?: string;
  trailActivation?: string;
  closePct?: string;
  tp1Atr?: string;
  tp1Pct?: string;
  tp1QtyPct?: string;
  tp2Atr?: string;
  tp2Pct?: string;
  tp2QtyPct?: string;
  breakEven?: boolean;
  atrPeriod?: string;
  size?: string;
  capital?: string;
  commission?: string;
  slippage?: string;
  direction?: string;
  fillOnClose?: boolean;
  barMagnifier?: boolean;
  maxLag?: string;
  guide?: string;
};

export function registerExportPine(program: Command): void {
  const command = program
    .command('export-pine')
    .description(
      'print a strategy as a TradingView Pine Script v6 strategy with webhook alert messages built in',
    )
    .requiredOption(
      '--strategy <id>',
      'strategy id: supertrend, rsi_ema, macd_stoch, ichimoku, bb_rsi, ema_cross',
    )
    .option('--params <json>', 'strategy parameters as JSON, e.g. \'{"factor":2.5}\'')
    .option('--account-id <id>', 'exchange account id the alerts trade (default: a placeholder to replace)')
    .option(
      '--group-id <id>',
      'an account group instead: every member account trades each alert on its own exchange',
    )
    .option('--exchange <name>', venueList(), 'binance' satisfies VenueId)
    .option('--leverage <n>', 'leverage 1–125', '1')
    .option(
      '--webhook-url <url>',
      "this server's webhook URL",
      'https://your-server.example.com/api/v1/webhook/tradingview',
    )
    .option('--secret <secret>', 'webhook secret to write into the alert messages')
    .option('--no-secret', 'write PASTE_YOUR_WEBHOOK_SECRET instead of the secret')
    .option('--sl-atr <k>', 'stop-loss at k × ATR from the entry')
    .option('--tp-atr <m>', 'take-profit at m × ATR from the entry')
    .option('--sl-pct <p>', 'stop-loss at p % of the close')
    .option('--tp-pct <p>', 'take-profit at p % of the close')
    .option('--trail-atr <k>', 'trailing stop k × ATR behind the best price (default none)')
    .option('--trail-pct <p>', 'trailing stop p % of the close behind the best price')
    .option('--trail-activation <a>', "start trailing once the price moved a (the offset's unit) in favour")
    .option('--close-pct <p>', 'percent of the position an exit signal closes (default 100)')
    .option('--atr-period <n>', 'ATR period for SL/TP (default 14)')
    .option('--size <pct>', 'margin per trade in % of equity (default 10)')
    .option('--capital <usdt>', 'initial capital of the Strategy Tester (default 10000)')
    .option('--commission <pct>', 'commission in % per fill (default 0.04)')
    .option('--slippage <ticks>', 'slippage in ticks (default 0)')
    .option('--direction <d>', 'both, long or short (default both)')
    .option('--fill-on-close', 'fill orders at the decision bar close (process_orders_on_close)')
    .option('--bar-magnifier', 'order stop and take-profit fills by lower-timeframe bars (use_bar_magnifier)')
    .option('--max-lag <s>', 'seconds after which the server refuses an alert as stale (default 60)')
    .option('--guide <lang>', 'print the webhook setup guide (ko or en) after the script');
  addPartialTakeProfitFlags(command).action((flags: ExportPineFlags) => {
    const params = jsonObjectOption('--params', flags.params);
    const exchange = choiceOption('--exchange', flags.exchange, VENUE_IDS)!;
    const leverage = numberOption('--leverage', flags.leverage, { min: 1, max: 125, integer: true })!;
    const guideLang = choiceOption('--guide', flags.guide, ['ko', 'en'] as const);
    if (flags.accountId !== undefined && flags.groupId !== undefined)
      throw new CliUsageError('give --account-id or --group-id, not both');
    const backtest = backtestOf(flags);
    const maxLag = numberOption('--max-lag', flags.maxLag, { min: 1, max: 86_400, integer: true });

    const secret = typeof flags.secret === 'string' ? flags.secret : undefined;
    if (flags.secret === undefined) {
      throw new CliUsageError(
        'give --secret <secret> (written into the alerts) or --no-secret (a placeholder)',
      );
    }
    const result = buildPineExport({
      strategy: flags.strategy,
      params,
      account: {
        exchange,
        ...(flags.accountId !== undefined ? { id: flags.accountId } : {}),
        ...(secret !== undefined ? { webhookSecret: secret } : {}),
      },
      ...(flags.groupId !== undefined ? { group: { id: flags.groupId } } : {}),
      webhookUrl: flags.webhookUrl,
      leverage,
      includeSecret: secret !== undefined,
      backtest,
      ...(maxLag !== undefined ? { maxLagSeconds: maxLag } : {}),
      ...(guideLang !== undefined ? { lang: guideLang } : {}),
    });
    process.stdout.write(result.script);
    if (guideLang !== undefined) process.stdout.write(`\n\n${result.guide}`);
  });
}

/** The Strategy Tester settings the flags give (defaults left to the exporter). */
function backtestOf(flags: ExportPineFlags): Partial<PineBacktestSettings> {
  if (flags.slAtr !== undefined && flags.slPct !== undefined)
    throw new CliUsageError('give --sl-atr or --sl-pct, not both');
  if (flags.tpAtr !== undefined && flags.tpPct !== undefined)
    throw new CliUsageError('give --tp-atr or --tp-pct, not both');
  const positive = (flag: string, raw: string | undefined) => numberOption(flag, raw, { min: 0.000001 });
  const backtest: Partial<PineBacktestSettings> = {};
  const slAtr = positive('--sl-atr', flags.slAtr);
  const slPct = positive('--sl-pct', flags.slPct);
  const tpAtr = positive('--tp-atr', flags.tpAtr);
  const tpPct = positive('--tp-pct', flags.tpPct);
  if (slAtr !== undefined) backtest.stopLoss = { type: 'atr', multiplier: slAtr };
  if (slPct !== undefined) backtest.stopLoss = { type: 'percent', percent: slPct };
  if (tpAtr !== undefined) backtest.takeProfit = { type: 'atr', multiplier: tpAtr };
  if (tpPct !== undefined) backtest.takeProfit = { type: 'percent', percent: tpPct };
  if (flags.trailAtr !== undefined && flags.trailPct !== undefined)
    throw new CliUsageError('give --trail-atr or --trail-pct, not both');
  const trailing = statedTrailing(
    numberOption('--trail-pct', flags.trailPct, { min: 0, max: 99.99 }),
    numberOption('--trail-atr', flags.trailAtr, { min: 0 }),
    numberOption('--trail-activation', flags.trailActivation, { min: 0 }),
    DEFAULT_TRADE_PLAN.trailing,
  );
  if (trailing !== undefined) backtest.trailing = trailing;
  const closePct = numberOption('--close-pct', flags.closePct, { min: 0.000001, max: 100 });
  if (closePct !== undefined) backtest.closePct = closePct;
  // Checked against the take-profit the script ends with: the one given, else the plan's.
  const { partialTakeProfits, breakEven } = partialTakeProfitsFromFlags(
    flags,
    backtest.takeProfit ?? DEFAULT_TRADE_PLAN.takeProfit,
  );
  if (partialTakeProfits.length > 0) backtest.partialTakeProfits = partialTakeProfits;
  if (breakEven) backtest.breakEven = true;
  const atrPeriod = numberOption('--atr-period', flags.atrPeriod, { min: 1, integer: true });
  if (atrPeriod !== undefined) backtest.atrPeriod = atrPeriod;
  const size = numberOption('--size', flags.size, { min: 0.01, max: 100 });
  if (size !== undefined) backtest.sizePct = size;
  const capital = numberOption('--capital', flags.capital, { min: 0.01 });
  if (capital !== undefined) backtest.initialCapital = capital;
  const commission = numberOption('--commission', flags.commission, { min: 0, max: 10 });
  if (commission !== undefined) backtest.commissionPct = commission;
  const slippage = numberOption('--slippage', flags.slippage, { min: 0, integer: true });
  if (slippage !== undefined) backtest.slippageTicks = slippage;
  const direction = choiceOption('--direction', flags.direction, ['both', 'long', 'short'] as const);
  if (direction !== undefined) backtest.direction = direction;
  if (flags.fillOnClose) backtest.fillOnClose = true;
  if (flags.barMagnifier) backtest.barMagnifier = true;
  return backtest;
}
