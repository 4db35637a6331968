import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import {
  getStrategy,
  optimize,
  OBJECTIVE_NAMES,
  STRATEGY_IDS,
  type MetricsSummary,
  type Objective,
  type OptimizeResult,
} from '@tradingbot/engine';
import {
  addBacktestFlags,
  backtestOptionsFromFlags,
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
      .option('--method <m>', 'grid, random, or auto (grid when it fits in --trials)', 'auto')
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
    .option('--top <n>', 'how many ranked results to print', '10')
    .option('--json', 'print exactly one JSON object instead of the report')
    .action(async (flags: BacktestFlags) => {
      const declaration = getStrategy(flags.strategy as string);
      const str = (name: string) => flags[name] as string | undefined;
      const objective = choiceOption('--objective', str('objective'), OBJECTIVE_NAMES)!;
      const method = choiceOption('--method', str('method'), ['grid', 'random', 'auto'] as const)!;
      const trials = numberOption('--trials', str('trials'), { min: 1, max: 100_000, integer: true })!;
      const seed = numberOption('--seed', str('seed'), { integer: true })!;
      const minTrades = numberOption('--min-trades', str('minTrades'), { min: 0, integer: true })!;
      const walkForward = numberOption('--walk-forward', str('walkForward'), {
        min: 0,
        max: 50,
        integer: true,
      })!;
      const inSampleRatio = numberOption('--in-sample-ratio', str('inSampleRatio'), { min: 0.5, max: 20 })!;
      const workers = numberOption('--workers', str('workers'), { min: 1, max: 256, integer: true });
      const top = numberOption('--top', str('top'), { min: 1, integer: true })!;
      const space = jsonObjectOption('--space', str('space')) as Record<string, number>;
      const backtest = backtestOptionsFromFlags(flags);
      const candles = await loadCandlesInput(str('data'), dataFlags(flags));

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
      let result: OptimizeResult;
      try {
        result = await optimize({
          strategy: declaration.id,
          candles,
          backtest,
          objective,
          method,
          trials,
          seed,
          space,
          minTrades,
          walkForward,
          inSampleRatio,
          ...(workers === undefined ? {} : { workers }),
          onProgress: (done, total) => {
            if (bar === null) return;
            if (done === 1 || bar.getTotal() !== total) bar.start(total, done);
            bar.update(done);
          },
        });
      } finally {
        bar?.stop();
      }
      const seconds = (performance.now() - started) / 1000;
      if (flags.json) {
        printJson({
          ...result,
          data: candles.source,
          bars: candles.length,
          seconds,
          ranking: result.ranking.slice(0, top),
        });
        return;
      }
      process.stdout.write(
        report(declaration.name.en, candles.source, candles.length, objective, result, top, seconds),
      );
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
    `${result.method} search over ${result.candidates} parameter sets, objective ${objective}, ${seconds.toFixed(2)} s`,
    '',
    `Top ${Math.min(top, result.ranking.length)} on the whole data (in-sample only — see walk-forward for honesty):`,
  ];
  result.ranking.slice(0, top).forEach((candidate, k) => {
    lines.push(
      `${String(k + 1).padStart(3)}. ${summary(candidate.metrics)}  ${paramsText(candidate.params)}`,
    );
  });
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
