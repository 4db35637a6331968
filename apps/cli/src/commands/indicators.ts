import type { Command } from 'commander';
import {
  computeIndicatorColumns,
  formatIndicatorValue,
  INDICATOR_LIST_HELP,
  parseIndicatorList,
  type CandleSeries,
  type IndicatorColumn,
} from '@tradingbot/engine';
import { CliUsageError } from '../cli-error.ts';
import { loadCandlesInput, SAMPLE_DATA } from '../candles-input.ts';
import { numberOption } from '../options.ts';

type IndicatorsFlags = { data?: string; list?: string; csv?: boolean; timeframe?: string; last?: string };

/**
 * Renders the indicator table: one row per bar, time first (ISO-8601 UTC in the table, epoch ms
 * with --csv), then one column per output; warm-up bars are empty.
 */
export function renderIndicatorTable(
  series: CandleSeries,
  columns: IndicatorColumn[],
  options: { csv: boolean; last?: number },
): string {
  const n = series.length;
  const from = options.last === undefined ? 0 : Math.max(0, n - options.last);
  const headers = ['time', ...columns.map((c) => c.header)];
  const rows: string[][] = [];
  for (let i = from; i < n; i++) {
    const t = series.time[i]!;
    const row = [options.csv ? String(t) : new Date(t).toISOString().replace('.000Z', 'Z')];
    for (const c of columns) row.push(formatIndicatorValue(c.values[i]!));
    rows.push(row);
  }
  if (options.csv) {
    // Headers such as `macd(12,26,9).signal` contain commas: quote them (RFC 4180).
    const head = headers.map((h) => (/[",]/.test(h) ? `"${h.replace(/"/g, '""')}"` : h)).join(',');
    return [head, ...rows.map((r) => r.join(','))].join('\n') + '\n';
  }
  const widths = headers.map((h) => h.length);
  for (const row of rows) row.forEach((cell, k) => (widths[k] = Math.max(widths[k]!, cell.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, k) => (k === 0 ? cell.padEnd(widths[k]!) : cell.padStart(widths[k]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

export async function runIndicators(flags: IndicatorsFlags): Promise<string> {
  if (flags.list === undefined || flags.list.trim() === '') {
    throw new CliUsageError('--list is required, e.g. --list "rsi(14),atr(14),macd(12,26,9)"');
  }
  const specs = parseIndicatorList(flags.list); // before loading, so a typo fails fast
  const last = numberOption('--last', flags.last, { min: 1, integer: true });
  const series = await loadCandlesInput(
    flags.data,
    flags.timeframe !== undefined ? { timeframe: flags.timeframe } : {},
  );
  const columns = computeIndicatorColumns(series, specs);
  return renderIndicatorTable(series, columns, {
    csv: flags.csv === true,
    ...(last !== undefined ? { last } : {}),
  });
}

export function registerIndicators(program: Command): void {
  program
    .command('indicators')
    .description('compute TradingView-exact indicators on a candle file and print them bar by bar')
    .option(
      '--data <file.csv>',
      `candle CSV file, or "${SAMPLE_DATA}" for the built-in synthetic series`,
      SAMPLE_DATA,
    )
    .option('--list <indicators>', 'comma-separated list, e.g. "rsi(14),supertrend(3,10),bb(20,2)"')
    .option('--timeframe <tf>', 'resample the candles first (5m, 15m, 1h, 4h, 1d, …)')
    .option('--last <n>', 'print only the last n bars')
    .option('--csv', 'CSV output (time as epoch ms) instead of a table (time as ISO-8601 UTC)')
    .addHelpText(
      'after',
      `\nIndicators (source = close unless stated; empty cells = warm-up bars, as na in Pine):\n${INDICATOR_LIST_HELP}\n`,
    )
    .action(async (flags: IndicatorsFlags) => {
      const text = await runIndicators(flags);
      await new Promise<void>((resolve, reject) =>
        process.stdout.write(text, (error) => (error ? reject(error) : resolve())),
      );
    });
}
