import type { Command } from 'commander';
import {
  backtestPortfolio,
  backtestStrategy,
  getStrategy,
  monteCarloTrades,
  STRATEGY_IDS,
  type BacktestMetrics,
  type BacktestOptions,
  type CandleSeries,
  type MonteCarloResult,
  type StrategyDeclaration,
  type Trade,
} from '@tradingbot/engine';
import {
  addBacktestFlags,
  backtestOptionsFromFlags,
  dataFiles,
  dataFlags,
  type BacktestFlags,
} from '../backtest-flags.ts';
import { backtestInputsFromFlags } from '../backtest-inputs.ts';
import { loadCandlesInput } from '../candles-input.ts';
import { CliUsageError } from '../cli-error.ts';
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
    .option(
      '--monte-carlo <n>',
      'resample the closed trades n times (bootstrap): return and drawdown bands — is it luck?',
    )
    .option('--mc-seed <n>', 'seed of the Monte Carlo resampling', '1')
    .option('--portfolio', 'with several --data: one capital split equally over them, combined equity')
    .option(
      '--funding <file.csv>',
      'funding-rate history (time,rate,mark_price; `data download --funding`): open positions pay or receive funding',
    )
    .option(
      '--bar-magnifier <file.csv>',
      'lower-timeframe candles of the same range: they decide which of a bar’s stop and take-profit fills first',
    )
    .option('--json', 'print exactly one JSON object instead of the report')
    .action(async (flags: BacktestFlags) => {
      const declaration = getStrategy(flags.strategy as string);
      const params = jsonObjectOption('--params', flags.params as string | undefined);
      const options = backtestOptionsFromFlags(flags);
      const showTrades = numberOption('--trades', flags.trades as string, { min: 0, integer: true })!;
      const mcRuns = numberOption('--monte-carlo', flags.monteCarlo as string | undefined, {
        min: 1,
        max: 1_000_000,
        integer: true,
      });
      const mcSeed = numberOption('--mc-seed', flags.mcSeed as string, { integer: true })!;
      const monteCarlo = (trades: Trade[]) =>
        mcRuns === undefined
          ? null
          : monteCarloTrades(
              trades.map((t) => t.pnl),
              options.initialCapital,
              { runs: mcRuns, seed: mcSeed, compound: options.sizing === 'percent' },
            );
      const files = dataFiles(flags);
      const inputs = await backtestInputsFromFlags(flags);
      if (files.length > 1 || flags.portfolio === true) {
        if (Object.keys(inputs).length > 0)
          throw new CliUsageError('--funding and --bar-magnifier take one --data file, not several');
        const datasets: CandleSeries[] = [];
        for (const file of files) datasets.push(await loadCandlesInput(file, dataFlags(flags)));
        several(
          declaration,
          datasets,
          params,
          options,
          flags.portfolio === true,
          monteCarlo,
          flags.json === true,
        );
        return;
      }
      const candles = await loadCandlesInput(files[0], dataFlags(flags));
      const run = backtestStrategy(declaration, candles, params, options, inputs);
      const { metrics, trades } = run.result;
      const mc = monteCarlo(trades);
      if (flags.json) {
        printJson({
          strategy: declaration.id,
          params: run.params,
          data: candles.source,
          bars: candles.length,
          from: candles.time[0],
          to: candles.time[candles.length - 1],
          options,
          funding: inputs.funding?.source ?? null,
          barMagnifier: inputs.lowerTimeframe?.source ?? null,
          metrics,
          trades: trades.map(tradeJson),
          openTrade: run.result.openTrade ? tradeJson(run.result.openTrade) : null,
          monteCarlo: mc,
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
        ) + (mc === null ? '' : monteCarloReport(mc)),
      );
    });
}

/** Several data sets: one backtest per symbol, the worst and median, and optionally one portfolio. */
function several(
  declaration: StrategyDeclaration,
  datasets: CandleSeries[],
  params: Record<string, unknown>,
  options: BacktestOptions,
  portfolio: boolean,
  monteCarlo: (trades: Trade[]) => MonteCarloResult | null,
  json: boolean,
): void {
  const symbols = datasets.map((candles) => {
    const run = backtestStrategy(declaration, candles, params, options);
    return {
      data: candles.source,
      bars: candles.length,
      from: candles.time[0],
      to: candles.time[candles.length - 1],
      params: run.params,
      metrics: run.result.metrics,
      monteCarlo: monteCarlo(run.result.trades),
    };
  });
  const returns = symbols.map((s) => s.metrics.netProfitPct).sort((a, b) => a - b);
  const aggregate = {
    worstNetProfitPct: returns[0]!,
    medianNetProfitPct: returns[Math.floor((returns.length - 1) / 2)]!,
    bestNetProfitPct: returns[returns.length - 1]!,
  };
  const combined = portfolio ? backtestPortfolio(declaration, datasets, params, options) : null;
  const portfolioJson =
    combined === null
      ? null
      : {
          initialCapital: combined.initialCapital,
          finalEquity: combined.finalEquity,
          netProfit: combined.netProfit,
          netProfitPct: combined.netProfitPct,
          maxDrawdown: combined.maxDrawdown,
          maxDrawdownPct: combined.maxDrawdownPct,
          bars: combined.time.length,
          sleeves: combined.sleeves,
          equity: Array.from(combined.time, (time, i) => [time, combined.equity[i]!]),
        };
  if (json) {
    printJson({ strategy: declaration.id, options, symbols, aggregate, portfolio: portfolioJson });
    return;
  }
  const lines = [`${declaration.name.en} — ${symbols.length} data sets`, ''];
  for (const s of symbols) {
    const m = s.metrics;
    lines.push(
      `${s.data}: ${s.bars} bars  net ${fmt(m.netProfitPct).padStart(8)} %  dd ${fmt(m.maxDrawdownPct).padStart(6)} %  trades ${String(m.totalTrades).padStart(4)}  sharpe ${fmt(m.sharpe, 3)}`,
    );
  }
  lines.push(
    '',
    `net profit by symbol: worst ${fmt(aggregate.worstNetProfitPct)} %, median ${fmt(aggregate.medianNetProfitPct)} %, best ${fmt(aggregate.bestNetProfitPct)} %`,
  );
  if (combined !== null) {
    lines.push(
      '',
      `Portfolio: ${fmt(combined.initialCapital)} split equally over ${combined.sleeves.length} sleeves (no rebalancing)`,
      row('Combined net profit', `${fmt(combined.netProfit)} (${fmt(combined.netProfitPct)} %)`),
      row('Combined max drawdown', `${fmt(combined.maxDrawdown)} (${fmt(combined.maxDrawdownPct)} %)`),
      row('Combined equity points', String(combined.time.length)),
    );
  }
  let text = lines.join('\n') + '\n';
  for (const s of symbols) if (s.monteCarlo) text += `\n${s.data}:\n` + monteCarloReport(s.monteCarlo);
  process.stdout.write(text);
}

function monteCarloReport(mc: MonteCarloResult): string {
  const bandText = (b: MonteCarloResult['netProfitPct']) =>
    `${fmt(b.p5)} / ${fmt(b.p25)} / ${fmt(b.p50)} / ${fmt(b.p75)} / ${fmt(b.p95)} %`;
  return (
    [
      `Monte Carlo: ${mc.runs} resamples of ${mc.trades} closed trades (bootstrap, seed ${mc.seed}${mc.compound ? ', returns compounded' : ''})`,
      row('Net profit p5/p25/p50/p75/p95', bandText(mc.netProfitPct)),
      row('Max drawdown p5/…/p95', bandText(mc.maxDrawdownPct)),
      row(
        'Actual (closed trades)',
        `net ${fmt(mc.actual.netProfitPct)} %, max drawdown ${fmt(mc.actual.maxDrawdownPct)} %`,
      ),
      row('Probability of a loss', `${fmt(mc.lossProbability * 100, 1)} %`),
    ].join('\n') + '\n'
  );
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
    funding: trade.funding ?? 0,
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
    row('Funding (received − paid)', fmt(m.funding)),
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
