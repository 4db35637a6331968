import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import {
  getStrategy,
  optimize,
  optimizeMany,
  type CandleSeries,
  type MultiOptimizeResult,
  OBJECTIVE_NAMES,
  STRATEGY_IDS,
  type MetricsSummary,
  type Objective,
  type OptimizeResult,
} from '@tradingbot/engine';
import {
  addBacktestFlags,
  backtestOptionsFromFlags,
  dataFiles,
  dataFlags,
  type BacktestFlags,
} from '../backtest-flags.ts';
import { loadCandlesInput } from '../candles-input.ts';
import { choiceOption, jsonObjectOption, numberOption, printJson } from '../options.ts';

export function registerOptimize(program: Command): void {
  addBacktestFlags(
    program
      .command('optimize')
      .description(
        "search a strategy's parameters (grid or random), with walk-forward validation against overfitting",
      )
      .requiredOption('--strategy <id>', `strategy id: ${STRATEGY_IDS.join(', ')}`)
      .option('--objective <name>', `what to maximise: ${OBJECTIVE_NAMES.join(', ')}`, 'sharpe')
      .option(
        '--method <m>',
        'grid, random, auto (grid when it fits in --trials), or halving (random + successive halving under a budget)',
        'auto',
      )
      .option('--budget-evals <n>', 'halving: budget in full-data backtests per search (default --trials)')
      .option('--budget-seconds <s>', 'halving: budget in seconds per search')
      .option('--trials <n>', 'number of parameter sets to try', '200')
      .option('--seed <n>', 'random search seed', '1')
      .option(
        '--space <json>',
        'narrow or fix parameters, e.g. \'{"atrPeriod":10,"factor":{"min":2,"max":4,"step":0.5}}\'',
      )
      .option('--min-trades <n>', 'rank parameter sets with fewer closed trades last', '5')
      .option('--walk-forward <n>', 'rolling walk-forward windows (0 = off)', '0')
      .option('--in-sample-ratio <r>', 'in-sample length as a multiple of the out-of-sample length', '3')
      .option('--workers <n>', 'worker threads (default: all cores)'),
  )
    .option('--rank-by <how>', 'with several --data: rank a set by its worst or median symbol', 'worst')
    .option('--top <n>', 'how many ranked results to print', '10')
    .option('--json', 'print exactly one JSON object instead of the report')
    .action(async (flags: BacktestFlags) => {
      const declaration = getStrategy(flags.strategy as string);
      const { request, top, rankBy } = requestFromFlags(flags, declaration.id);
      const datasets: CandleSeries[] = [];
      for (const file of dataFiles(flags)) datasets.push(await loadCandlesInput(file, dataFlags(flags)));
      const bar =
        process.stderr.isTTY && !flags.json
          ? new cliProgress.SingleBar(
              {
                format: 'optimizing [{bar}] {value}/{total} parameter sets  {eta_formatted} left',
                stream: process.stderr,
              },
              cliProgress.Presets.shades_classic,
            )
          : null;
      const started = performance.now();
      const onProgress = (done: number, total: number) => {
        if (bar === null) return;
        if (done === 1 || bar.getTotal() !== total) bar.start(total, done);
        bar.update(done);
      };
      const name = declaration.name.en;
      const seconds = () => (performance.now() - started) / 1000;
      try {
        if (datasets.length > 1) {
          const many = await optimizeMany({ ...request, datasets, rankBy, onProgress });
          bar?.stop();
          printMany(name, request.objective, many, top, seconds(), flags.json === true);
          return;
        }
        const candles = datasets[0]!;
        const result = await optimize({ ...request, candles, onProgress });
        bar?.stop();
        if (flags.json) {
          printJson({
            ...result,
            data: candles.source,
            bars: candles.length,
            seconds: seconds(),
            ranking: result.ranking.slice(0, top),
          });
          return;
        }
        process.stdout.write(
          report(name, candles.source, candles.length, request.objective, result, top, seconds()),
        );
      } finally {
        bar?.stop();
      }
    });
}

function requestFromFlags(flags: BacktestFlags, strategy: string) {
  const str = (name: string) => flags[name] as string | undefined;
  const workers = numberOption('--workers', str('workers'), { min: 1, max: 256, integer: true });
  const budgetEvals = numberOption('--budget-evals', str('budgetEvals'), { min: 1, max: 1_000_000 });
  const budgetSeconds = numberOption('--budget-seconds', str('budgetSeconds'), { min: 0.1, max: 86_400 });
  const request = {
    strategy,
    objective: choiceOption('--objective', str('objective'), OBJECTIVE_NAMES)!,
    method: choiceOption('--method', str('method'), ['grid', 'random', 'auto', 'halving'] as const)!,
    trials: numberOption('--trials', str('trials'), { min: 1, max: 100_000, integer: true })!,
    seed: numberOption('--seed', str('seed'), { integer: true })!,
    minTrades: numberOption('--min-trades', str('minTrades'), { min: 0, integer: true })!,
    walkForward: numberOption('--walk-forward', str('walkForward'), { min: 0, max: 50, integer: true })!,
    inSampleRatio: numberOption('--in-sample-ratio', str('inSampleRatio'), { min: 0.5, max: 20 })!,
    space: jsonObjectOption('--space', str('space')) as Record<string, number>,
    backtest: backtestOptionsFromFlags(flags),
    ...(workers === undefined ? {} : { workers }),
    ...(budgetEvals === undefined && budgetSeconds === undefined
      ? {}
      : {
          budget: {
            ...(budgetEvals === undefined ? {} : { evaluations: budgetEvals }),
            ...(budgetSeconds === undefined ? {} : { seconds: budgetSeconds }),
          },
        }),
  };
  return {
    request,
    top: numberOption('--top', str('top'), { min: 1, integer: true })!,
    rankBy: choiceOption('--rank-by', str('rankBy'), ['worst', 'median'] as const)!,
  };
}

function printMany(
  name: string,
  objective: Objective,
  many: MultiOptimizeResult,
  top: number,
  seconds: number,
  json: boolean,
): void {
  if (!json) {
    process.stdout.write(manyReport(name, objective, many, top, seconds));
    return;
  }
  printJson({
    ...many,
    seconds,
    ranking: many.ranking.slice(0, top),
    symbols: many.symbols.map((s) => ({
      source: s.source,
      bars: s.bars,
      best: s.result.ranking[0] ?? null,
      robustness: s.result.robustness,
      walkForward: s.result.walkForward,
    })),
  });
}

const fmt = (value: number | null | undefined, digits = 2) =>
  value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const paramsText = (params: Record<string, number>) =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
const summary = (m: MetricsSummary) =>
  `score ${fmt(m.score, 3).padStart(8)}  net ${fmt(m.netProfitPct).padStart(8)} %  dd ${fmt(m.maxDrawdownPct).padStart(6)} %  trades ${String(m.totalTrades).padStart(4)}  win ${fmt(m.winRate).padStart(6)} %`;

function report(
  name: string,
  source: string,
  bars: number,
  objective: Objective,
  result: OptimizeResult,
  top: number,
  seconds: number,
): string {
  const lines = [
    `${name} — ${source}, ${bars} bars`,
    result.search
      ? `halving search: ${result.candidates} evaluations in ${result.search.brackets} brackets costing ${result.search.cost.toFixed(1)} full backtests, ${result.ranking.length} finalists, objective ${objective}, ${seconds.toFixed(2)} s`
      : `${result.method} search over ${result.candidates} parameter sets, objective ${objective}, ${seconds.toFixed(2)} s`,
    '',
    `Top ${Math.min(top, result.ranking.length)} on the whole data (in-sample only — see walk-forward for honesty):`,
  ];
  result.ranking.slice(0, top).forEach((candidate, k) => {
    lines.push(
      `${String(k + 1).padStart(3)}. ${summary(candidate.metrics)}  ${paramsText(candidate.params)}`,
    );
  });
  if (result.robustness) lines.push('', robustnessLine(result.robustness));
  if (result.walkForward) {
    lines.push('', 'Walk-forward (best in-sample parameters, then the next unseen window):');
    result.walkForward.windows.forEach((w, k) => {
      lines.push(`window ${k + 1}: ${paramsText(w.best)}`);
      lines.push(
        `   in-sample     ${day(w.inSample.fromTime)} → ${day(w.inSample.toTime)}  ${summary(w.inSampleMetrics)}`,
      );
      lines.push(
        `   out-of-sample ${day(w.outOfSample.fromTime)} → ${day(w.outOfSample.toTime)}  ${summary(w.outOfSampleMetrics)}`,
      );
    });
    lines.push(
      `out-of-sample net profit ${fmt(result.walkForward.outOfSampleNetProfit)}; efficiency (OOS ÷ IS score) ${fmt(result.walkForward.efficiency, 2)}` +
        ' — near 1 holds up on unseen data, near 0 or negative is a curve fit.',
    );
  }
  return lines.join('\n') + '\n';
}

function robustnessLine(r: NonNullable<OptimizeResult['robustness']>): string {
  return (
    `Robustness of the best set: ${r.neighbours.length} neighbours one step away score ` +
    `mean ${fmt(r.meanNeighbourScore, 3)}, worst ${fmt(r.worstNeighbourScore, 3)} (own ${fmt(r.score, 3)}); ` +
    `ratio ${fmt(r.robustness, 2)}, worst drop ${fmt(r.worstDropPct, 1)} % — near 1 is a plateau, near 0 a lucky spike.`
  );
}

function manyReport(
  name: string,
  objective: Objective,
  many: MultiOptimizeResult,
  top: number,
  seconds: number,
): string {
  const lines = [
    `${name} — ${many.symbols.length} data sets: ${many.symbols.map((s) => `${s.source} (${s.bars} bars)`).join(', ')}`,
    `${many.symbols[0]!.result.method} search over ${many.candidates} parameter sets, objective ${objective}, ranked by the ${many.rankBy} symbol, ${seconds.toFixed(2)} s`,
    '',
    `Top ${Math.min(top, many.ranking.length)} by the ${many.rankBy} symbol's score:`,
  ];
  many.ranking.slice(0, top).forEach((entry, k) => {
    const per = entry.perSymbol.map((m) => fmt(m.score, 3)).join(' / ');
    lines.push(
      `${String(k + 1).padStart(3)}. ${many.rankBy} ${fmt(entry.score, 3).padStart(8)}  per symbol ${per}  ${paramsText(entry.params)}`,
    );
  });
  lines.push('', 'Per symbol (its own best set):');
  for (const s of many.symbols) {
    const best = s.result.ranking[0];
    lines.push(`${s.source}: ${best ? `${summary(best.metrics)}  ${paramsText(best.params)}` : 'no sets'}`);
    if (s.result.robustness) lines.push(`   ${robustnessLine(s.result.robustness)}`);
    if (s.result.walkForward) {
      lines.push(
        `   walk-forward: out-of-sample net ${fmt(s.result.walkForward.outOfSampleNetProfit)}, efficiency ${fmt(s.result.walkForward.efficiency, 2)}`,
      );
    }
  }
  return lines.join('\n') + '\n';
}
