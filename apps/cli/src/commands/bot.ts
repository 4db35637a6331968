import type { Command } from 'commander';
import { STRATEGY_IDS } from '@tradingbot/engine';
import { loadConfig, loadDotEnv, runHeadlessBot } from '@tradingbot/server';
import { CliUsageError } from '../cli-error.ts';
import { jsonObjectOption, numberOption } from '../options.ts';

type BotRunFlags = {
  account: string;
  strategy: string;
  params?: string;
  symbol: string;
  timeframe: string;
  plan?: string;
  maxSignalAge?: string;
};

/** The plan fields `--plan` takes (the API's `plan`, snake_case). */
const PLAN_FIELDS = new Set([
  'size_pct',
  'leverage',
  'margin_mode',
  'sl_atr',
  'sl_pct',
  'tp_atr',
  'tp_pct',
  'atr_period',
  'direction',
]);

export function registerBot(program: Command): void {
  const bot = program
    .command('bot')
    .description('strategy bots: the server runs a strategy itself on live candles');
  bot
    .command('run')
    .description(
      'run one bot in this process until Ctrl-C, on the configured database (same code path as the server: warm-up from REST history, closed klines from the venue stream, signals through the signal worker), with a one-line live status',
    )
    .requiredOption('--account <id>', 'the exchange account the bot trades (its id in the accounts list)')
    .requiredOption('--strategy <id>', `strategy id: ${STRATEGY_IDS.join(', ')}`)
    .option('--params <json>', 'strategy parameters as JSON, e.g. \'{"fastLength":8}\'')
    .option('--symbol <symbol>', 'the venue symbol (BTCUSDT, BTC-USDT-SWAP)', 'BTCUSDT')
    .option('--timeframe <tf>', 'candle timeframe the venue has (1m, 15m, 1h, 4h, 1d, …)', '1h')
    .option(
      '--plan <json>',
      'the trade plan as JSON: size_pct, leverage, margin_mode, sl_atr | sl_pct, tp_atr | tp_pct (0 ATR = none), atr_period, direction',
    )
    .option('--max-signal-age <s>', 'a signal whose bar closed longer ago is skipped, not traded (seconds)')
    .action(async (flags: BotRunFlags) => {
      loadDotEnv();
      const config = loadConfig({ ...process.env, BOTS_ENABLED: 'true' });
      const params = jsonObjectOption('--params', flags.params);
      const plan = jsonObjectOption('--plan', flags.plan);
      for (const key of Object.keys(plan)) {
        if (!PLAN_FIELDS.has(key))
          throw new CliUsageError(`--plan: unknown field "${key}"; fields: ${[...PLAN_FIELDS].join(', ')}`);
      }
      const maxAge = numberOption('--max-signal-age', flags.maxSignalAge, {
        min: 1,
        max: 86_400,
        integer: true,
      });
      const tty = process.stdout.isTTY === true;
      const running = await runHeadlessBot(config, {
        accountId: flags.account,
        strategy: flags.strategy,
        params: params as Record<string, number>,
        symbol: flags.symbol,
        timeframe: flags.timeframe,
        ...(Object.keys(plan).length > 0 ? { plan } : {}),
        ...(maxAge !== undefined ? { max_signal_age_s: maxAge } : {}),
        // On a terminal the line is rewritten in place; piped, one line per change.
        onStatus: (line) => process.stdout.write(tty ? `\r\x1b[2K${line}` : `${line}\n`),
      });
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await running.stop();
      process.stdout.write(tty ? '\nstopped\n' : 'stopped\n');
    });
}
