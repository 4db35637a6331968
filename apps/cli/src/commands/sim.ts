import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { LIVE_VENUE_IDS, VENUE_FACTS } from '@tradingbot/core';
import { parseCandlesCsv, type CandleRow } from '@tradingbot/exchange';
import { SIMULATORS, type VenueSimulator } from '@tradingbot/exchange/sim';
import { CliUsageError } from '../cli-error.ts';
import { choiceOption, numberOption } from '../options.ts';

type SimFlags = {
  port: string;
  host: string;
  apiKey?: string;
  apiSecret?: string;
  passphrase?: string;
  balance: string;
  data?: string;
  symbol: string;
  hedge?: boolean;
};

/** Validates the flags and starts the venue's simulator (the command then waits for Ctrl-C). */
export async function startSimulatorFromFlags(venue: string, flags: SimFlags): Promise<VenueSimulator> {
  const venueId = choiceOption('venue', venue, LIVE_VENUE_IDS)!;
  const simulator = SIMULATORS[venueId];
  const port = numberOption('--port', flags.port, { min: 0, max: 65535, integer: true }) as number;
  const balance = numberOption('--balance', flags.balance, { min: 0 }) as number;
  if (flags.apiKey === undefined || flags.apiKey.trim() === '')
    throw new CliUsageError('--api-key is required');
  if (flags.apiSecret === undefined || flags.apiSecret.trim() === '')
    throw new CliUsageError('--api-secret is required');
  if (VENUE_FACTS[venueId].needsPassphrase && (flags.passphrase === undefined || flags.passphrase === '')) {
    throw new CliUsageError(`--passphrase is required for the ${venue} simulator`);
  }
  // `--symbol BTCUSDT` (the default) names the venue's own symbol, e.g. BTC-USDT-SWAP on OKX.
  let symbol: string;
  try {
    symbol = simulator.venueSymbol(flags.symbol.toUpperCase());
  } catch (error) {
    throw new CliUsageError(`--symbol: ${error instanceof Error ? error.message : String(error)}`);
  }
  const candles = flags.data === undefined ? undefined : await readCandles(flags.data);
  // A fresh venue starts at the last close of the candles it serves.
  return simulator.start({
    port,
    host: flags.host,
    apiKey: flags.apiKey,
    apiSecret: flags.apiSecret,
    ...(flags.passphrase !== undefined ? { passphrase: flags.passphrase } : {}),
    balance,
    hedge: flags.hedge === true,
    ...(candles !== undefined ? { candles: { [symbol]: candles } } : {}),
  });
}

async function readCandles(path: string): Promise<CandleRow[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new CliUsageError(`--data: cannot read ${path}`);
  }
  let candles: CandleRow[];
  try {
    candles = parseCandlesCsv(text);
  } catch (error) {
    throw new CliUsageError(`--data: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (candles.length === 0) throw new CliUsageError(`--data: ${path} holds no candles`);
  return candles;
}

/**
 * What `tradingbot sim` prints once it listens: the venue's address, and the control API a process
 * outside can use to move the market or break the streams (docs/simulators.md).
 */
export function simBanner(venue: string, url: string): string {
  return (
    `${venue} simulator listening on ${url} (Ctrl-C to stop)\n` +
    `control API: ${url}/__sim (POST /price, /candles, /faults, /streams, /position-mode; GET /state; ` +
    `see docs/simulators.md)\n`
  );
}

/** The venues whose keys carry a passphrase, as the help names them (`OKX`). */
const PASSPHRASE_VENUES = LIVE_VENUE_IDS.filter((id) => VENUE_FACTS[id].needsPassphrase)
  .map((id) => VENUE_FACTS[id].label)
  .join(', ');

export function registerSim(program: Command): void {
  program
    .command('sim')
    .description('run a wire-compatible exchange simulator (paper venue) that real clients can point at')
    .argument('<venue>', `venue to simulate: ${LIVE_VENUE_IDS.join(', ')}`)
    .option('--port <port>', 'port to listen on (0 = any free port)', '8801')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--api-key <key>', 'API key the simulator accepts')
    .option('--api-secret <secret>', 'API secret requests must be signed with')
    .option('--passphrase <passphrase>', `passphrase (${PASSPHRASE_VENUES} only)`)
    .option('--balance <usdt>', 'starting USDT balance', '10000')
    .option('--data <file.csv>', 'candles (time,open,high,low,close,volume) served by the klines endpoint')
    .option('--symbol <symbol>', 'symbol the --data candles belong to', 'BTCUSDT')
    .option('--hedge', 'start the account in hedge mode (Binance dual-side, OKX long_short_mode)')
    .action(async (venue: string, flags: SimFlags) => {
      const sim = await startSimulatorFromFlags(venue, flags);
      process.stdout.write(simBanner(venue, sim.url));
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await sim.close();
    });
}
