import type { Command } from 'commander';
import {
  backtestStrategy,
  getStrategy,
  STRATEGY_IDS,
  type BacktestMetrics,
  type Trade,
} from '@tradingbot/engine';
import {
  addBacktestFlags,
  backtestOptionsFromFlags,
  dataFlags,
  type BacktestFlags,
} from '../backtest-flags.ts';
import { loadCandlesInput } from '../candles-input.ts';
import { jsonObjectOption, numberOption, printJson } from '../options.ts';

export function registerBacktest(program: Command): void {
  addBacktestFlags(
    program
      .command('backtest')
      .description('backtest one strategy on historical candles (TradingView Strategy Tester rules)')
      .requiredOption('--strategy <id>', `strategy id: ${STRATEGY_IDS.join(', ')}`)
      .option('--params <json>', 'strategy parameters as JSON, e.g. \'{"factor":2.5}\''),
  )
    .option('--trades <n>', 'how many of the last trades the report lists', '20')
    .option('--json', 'print exactly one JSON object instead of the report')
    .action(async (flags: BacktestFlags) => {
      const declaration = getStrategy(flags.strategy as string);
      const params = jsonObjectOption('--params', flags.params as string | undefined);
      const options = backtestOptionsFromFlags(flags);
      const showTrades = numberOption('--trades', flags.trades as string, { min: 0, integer: true })!;
      const candles = await loadCandlesInput(flags.data as string | undefined, dataFlags(flags));
      const run = backtestStrategy(declaration, candles, params, options);
      const { metrics, trades } = run.result;
      if (flags.json) {
        printJson({
          strategy: declaration.id,
          params: run.params,
          data: candles.source,
          bars: candles.length,
          from: candles.time[0],
          to: candles.time[candles.length - 1],
          options,
          metrics,
          trades: trades.map(tradeJson),
          openTrade: run.result.openTrade ? tradeJson(run.result.openTrade) : null,
        });
        return;
      }
      process.stdout.write(
        report(
          declaration.name.en,
          candles.source,
          candles.length,
          candles.time,
          run.params,
          metrics,
          trades,
          showTrades,
        ),
      );
    });
}

function tradeJson(trade: Trade) {
  return {
    side: trade.side,
    entryTime: trade.entryTime,
    entryPrice: trade.entryPrice,
    exitTime: trade.exitTime,
    exitPrice: trade.exitPrice,
    qty: trade.qty,
    fees: trade.fees,
    pnl: trade.pnl,
    pnlPct: trade.pnlPct,
    exitReason: trade.exitReason,
    barsHeld: trade.barsHeld,
  };
}

const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16);
const fmt = (value: number | null | undefined, digits = 2) =>
  value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);

function report(
  name: string,
  source: string,
  bars: number,
  time: Float64Array,
  params: Record<string, number>,
  m: BacktestMetrics,
  trades: Trade[],
  showTrades: number,
): string {
  const lines = [
    `${name} — ${source}`,
    `${bars} bars, ${iso(time[0]!)} → ${iso(time[bars - 1]!)} UTC`,
    `params: ${Object.entries(params)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
    '',
    row('Net profit', `${fmt(m.netProfit)} (${fmt(m.netProfitPct)} %)`),
    row('Gross profit / loss', `${fmt(m.grossProfit)} / ${fmt(m.grossLoss)}`),
    row('Max drawdown', `${fmt(m.maxDrawdown)} (${fmt(m.maxDrawdownPct)} %)`),
    row('Max run-up', fmt(m.maxRunUp)),
    row('Buy & hold return', `${fmt(m.buyHoldReturnPct)} %`),
    row('Sharpe / Sortino', `${fmt(m.sharpe, 3)} / ${fmt(m.sortino, 3)}`),
    row('Profit factor', fmt(m.profitFactor, 3)),
    row('Closed trades', `${m.totalTrades} (${m.winningTrades} won, ${m.losingTrades} lost)`),
    row('Percent profitable', `${fmt(m.winRate)} %`),
    row('Avg trade / win / loss', `${fmt(m.avgTrade)} / ${fmt(m.avgWin)} / ${fmt(m.avgLoss)}`),
    row('Win/loss ratio', fmt(m.winLossRatio, 3)),
    row('Largest win / loss', `${fmt(m.largestWin)} / ${fmt(m.largestLoss)}`),
    row('Avg bars in trade', fmt(m.avgBarsInTrade, 1)),
    row('Commission paid', fmt(m.commissionPaid)),
    row('CAGR / Calmar', `${fmt(m.cagrPct)} % / ${fmt(m.calmar, 3)}`),
    row('Expectancy', fmt(m.expectancy)),
    row('Max consecutive wins / losses', `${m.maxConsecutiveWins} / ${m.maxConsecutiveLosses}`),
    row('Time in market', `${fmt(m.timeInMarketPct)} %`),
    row('Liquidations', String(m.liquidations)),
    '',
  ];
  if (showTrades > 0 && trades.length > 0) {
    const shown = trades.slice(-showTrades);
    lines.push(`Last ${shown.length} of ${trades.length} trades:`);
    lines.push('side   entry (UTC)        entry price   exit (UTC)         exit price        pnl  reason');
    for (const t of shown) {
      lines.push(
        [
          t.side.padEnd(5),
          iso(t.entryTime),
          fmt(t.entryPrice).padStart(12),
          iso(t.exitTime),
          fmt(t.exitPrice).padStart(12),
          fmt(t.pnl).padStart(10),
          t.exitReason,
        ].join('  '),
      );
    }
    lines.push('');
  }
  return lines.join('\n') + '\n';
}

function row(label: string, value: string): string {
  return `${label.padEnd(30)} ${value}`;
}
