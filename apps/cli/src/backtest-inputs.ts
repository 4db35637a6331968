import { readFile } from 'node:fs/promises';
import { loadCandlesCsv, parseFundingCsv, type BacktestInputs } from '@tradingbot/engine';
import { CliUsageError } from './cli-error.ts';

/**
 * The market data a backtest may take beside its candles: `--funding FILE` (the funding CSV
 * `tradingbot data download --funding` writes) and `--bar-magnifier FILE` (candles of a shorter
 * timeframe over the same range). Both off when absent.
 */
export async function backtestInputsFromFlags(flags: {
  funding?: unknown;
  barMagnifier?: unknown;
}): Promise<BacktestInputs> {
  const funding = typeof flags.funding === 'string' ? flags.funding : undefined;
  const lower = typeof flags.barMagnifier === 'string' ? flags.barMagnifier : undefined;
  const read = async (file: string, flag: string): Promise<string> => {
    try {
      return await readFile(file, 'utf8');
    } catch {
      throw new CliUsageError(`${flag}: cannot read ${file}`);
    }
  };
  return {
    ...(funding === undefined ? {} : { funding: parseFundingCsv(await read(funding, '--funding'), funding) }),
    ...(lower === undefined ? {} : { lowerTimeframe: await loadCandlesCsv(lower) }),
  };
}
