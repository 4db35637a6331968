import type { Command } from 'commander';
import { LIVE_VENUE_IDS, venueList } from '@tradingbot/core';
import { downloadCandles, downloadFunding, timeframeMs, VENUES } from '@tradingbot/exchange';
import { CliUsageError } from '../cli-error.ts';
import { choiceOption, dateOption } from '../options.ts';

type DownloadFlags = {
  exchange?: string;
  symbol?: string;
  timeframe: string;
  from?: string;
  to?: string;
  out?: string;
  baseUrl?: string;
  quiet?: boolean;
  funding?: boolean;
};

export async function runDataDownload(flags: DownloadFlags) {
  const exchange = choiceOption('--exchange', flags.exchange, LIVE_VENUE_IDS);
  if (exchange === undefined)
    throw new CliUsageError(`--exchange is required (${venueList(LIVE_VENUE_IDS)})`);
  const venue = VENUES[exchange];
  if (flags.symbol === undefined || flags.symbol.trim() === '')
    throw new CliUsageError('--symbol is required');
  if (flags.out === undefined || flags.out.trim() === '') throw new CliUsageError('--out is required');
  try {
    timeframeMs(flags.timeframe);
  } catch {
    throw new CliUsageError(`--timeframe must look like 1m, 15m, 1h, 4h, 1d (got "${flags.timeframe}")`);
  }
  const from = dateOption('--from', flags.from);
  if (from === undefined) throw new CliUsageError('--from is required');
  const to = dateOption('--to', flags.to);
  if (to !== undefined && to <= from) throw new CliUsageError('--to must be after --from');
  if (flags.baseUrl !== undefined && !/^https?:\/\//.test(flags.baseUrl)) {
    throw new CliUsageError(`--base-url must be an http(s) URL (got "${flags.baseUrl}")`);
  }
  if (flags.funding === true) {
    if (venue.fundingPage === undefined)
      throw new CliUsageError(`--funding: ${exchange} funding history is not supported yet (binance, okx)`);
    return downloadFunding({
      fetchPage: venue.fundingPage(flags.baseUrl),
      symbol: flags.symbol.trim(),
      from,
      ...(to !== undefined ? { to } : {}),
      out: flags.out,
      onProgress: flags.quiet
        ? undefined
        : ({ written, lastTime }) =>
            process.stderr.write(`  ${written} funding events, up to ${new Date(lastTime).toISOString()}\n`),
    });
  }
  return downloadCandles({
    fetchPage: venue.klinesPage(flags.baseUrl),
    symbol: flags.symbol.trim(),
    timeframe: flags.timeframe,
    from,
    ...(to !== undefined ? { to } : {}),
    out: flags.out,
    onProgress: flags.quiet
      ? undefined
      : ({ written, lastTime }) =>
          process.stderr.write(`  ${written} candles, up to ${new Date(lastTime).toISOString()}\n`),
  });
}

export function registerData(program: Command): void {
  const data = program.command('data').description('market data tools');
  data
    .command('download')
    .description(
      'download closed candles (or, with --funding, the funding-rate history) from a venue into a CSV (resumes an existing file)',
    )
    .option('--exchange <venue>', `venue: ${LIVE_VENUE_IDS.join(', ')}`)
    .option('--symbol <symbol>', 'venue symbol, e.g. BTCUSDT (okx: BTC-USDT-SWAP or BTCUSDT)')
    .option('--timeframe <tf>', 'candle timeframe', '1h')
    .option('--from <date>', 'first candle (ISO date or epoch ms)')
    .option('--to <date>', 'end of the range, exclusive (default: now)')
    .option('--out <file.csv>', 'CSV file to write or resume')
    .option('--base-url <url>', 'venue REST base URL (e.g. a local simulator)')
    .option(
      '--funding',
      'the funding-rate history instead of candles (CSV time,rate,mark_price; binance, okx)',
    )
    .option('--quiet', 'no progress lines')
    .action(async (flags: DownloadFlags) => {
      const result = await runDataDownload(flags);
      const range =
        result.lastTime === undefined
          ? 'nothing new'
          : `${new Date(result.startTime).toISOString()} → ${new Date(result.lastTime).toISOString()}`;
      process.stdout.write(
        `${result.resumed ? 'resumed' : 'wrote'} ${flags.out}: ${result.written} ${flags.funding ? 'funding events' : 'candles'} (${range})\n`,
      );
    });
  for (const sub of data.commands) sub.exitOverride();
}
