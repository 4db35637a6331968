import { z } from 'zod';
import { LIVE_VENUE_IDS } from '@tradingbot/core';
import {
  OBJECTIVE_NAMES,
  type BacktestMetrics as EngineBacktestMetrics,
  type MetricsSummary as EngineMetricsSummary,
  type Objective,
  type TradeStats as EngineTradeStats,
} from '@tradingbot/engine';
import { LAB_LIMITS, type MetricsJson } from '../services/lab.ts';
import { checkPartialTakeProfits, PARTIAL_TAKE_PROFIT_FIELDS } from '../services/partial-take-profits.ts';
import { nameSchemas } from './schema-registry.ts';

export const Localized = z.object({ en: z.string(), ko: z.string() });

export const StrategyParam = z.object({
  name: z.string(),
  type: z.enum(['int', 'float']),
  default: z.number(),
  min: z.number(),
  max: z.number(),
  step: z.number(),
  label: Localized,
});

export const Strategy = z.object({
  id: z.string(),
  name: Localized,
  description: Localized,
  rules: z.object({
    long_entry: Localized,
    long_exit: Localized,
    short_entry: Localized,
    short_exit: Localized,
  }),
  params: z.array(StrategyParam),
  constraints: z.array(
    z.object({ kind: z.string(), smaller: z.string(), larger: z.string(), message: Localized }),
  ),
  plots: z.array(z.object({ title: z.string(), color: z.string(), overlay: z.boolean() })),
});

export const StrategyList = z.object({ strategies: z.array(Strategy) });

const timeframe = z
  .string()
  .regex(/^\d+[mhdw]$/, 'a timeframe such as 15m, 1h, 4h or 1d')
  .max(8);

const SampleData = z.strictObject({
  source: z.literal('sample'),
  timeframe: timeframe.optional(),
  bars: z
    .number()
    .int()
    .min(100)
    .max(24 * 365 * 2)
    .optional(),
});

const csvText = (what: string) =>
  z.string().min(1).max(LAB_LIMITS.csvChars, `at most ${LAB_LIMITS.csvChars} characters of ${what}`);

const CsvData = z.strictObject({
  source: z.literal('csv'),
  csv: csvText('CSV'),
  name: z.string().max(200).optional(),
  timeframe: timeframe.optional(),
});

const ExchangeData = z.strictObject({
  source: z.literal('exchange'),
  exchange: z.enum(LIVE_VENUE_IDS),
  symbol: z
    .string()
    .trim()
    .min(3)
    .max(32)
    .regex(/^[A-Za-z0-9-]+$/, 'a symbol such as BTCUSDT'),
  timeframe,
  from: z.union([
    z.number().int().positive(),
    z.iso.datetime({ offset: true }).transform((v) => Date.parse(v)),
  ]),
  to: z
    .union([z.number().int().positive(), z.iso.datetime({ offset: true }).transform((v) => Date.parse(v))])
    .optional(),
});

/**
 * The data a backtest or optimization runs on: the sample, uploaded CSV or an exchange range, with
 * the market data a backtest may take beside its candles, each
 * off when absent (the CLI's `--funding` and `--bar-magnifier`): with uploaded CSV, the funding
 * CSV (`time,rate,mark_price`) and candles of a shorter timeframe; with an exchange range, the
 * venue's funding history (`funding: true`; binance, okx) and a shorter timeframe to download.
 */
const LabData = z.discriminatedUnion('source', [
  SampleData,
  CsvData.extend({
    funding_csv: csvText('funding CSV').optional(),
    funding_name: z.string().max(200).optional(),
    bar_magnifier_csv: csvText('lower-timeframe CSV').optional(),
    bar_magnifier_name: z.string().max(200).optional(),
  }),
  ExchangeData.extend({
    funding: z.boolean().optional(),
    bar_magnifier_timeframe: timeframe.optional(),
  }),
]);

export const Options = z
  .strictObject({
    initial_capital: z.number().positive().max(1e12),
    size_pct: z.number().positive().max(100),
    leverage: z.number().min(1).max(125),
    commission_pct: z.number().min(0).max(10),
    slippage_ticks: z.number().int().min(0).max(1000),
    direction: z.enum(['both', 'long', 'short']),
    stop_loss_pct: z.number().positive().max(100),
    take_profit_pct: z.number().positive().max(1000),
    /** ATR multiples; 0 = none. Neither `*_pct` nor `*_atr`: the trade plan's default (stop 2, take-profit 3 ATR). */
    stop_loss_atr: z.number().min(0).max(100),
    take_profit_atr: z.number().min(0).max(100),
    /** Trailing stop offset behind the best price: ATR multiples or percent; 0 or absent = none (the plan's default). */
    trailing_atr: z.number().min(0).max(100),
    trailing_pct: z.number().min(0).lt(100),
    /** How far the price must move in the position's favour before the trailing stop starts, in the offset's unit. Default 0. */
    trailing_activation: z.number().min(0).max(1000),
    /** Percent of the position a strategy exit closes. Default 100. */
    close_pct: z.number().positive().max(100),
    fill_on_close: z.boolean(),
    /** Up to two partial take-profits before the last one, and the break-even move (the alert's fields). */
    ...PARTIAL_TAKE_PROFIT_FIELDS,
  })
  .partial()
  .superRefine(checkPartialTakeProfits);

/** Parameter values by the strategy's parameter names (the names its declaration and Pine inputs use). */
const Params = z.record(z.string().max(64), z.number());

export const BacktestBody = z.strictObject({
  strategy: z.string().min(1).max(32),
  params: Params.default({}),
  options: Options.optional(),
  data: LabData.default({ source: 'sample' }),
});

export const Trade = z.object({
  side: z.enum(['long', 'short']),
  entry_time: z.number(),
  entry_price: z.number(),
  exit_time: z.number(),
  exit_price: z.number(),
  qty: z.number(),
  fees: z.number(),
  pnl: z.number(),
  pnl_pct: z.number(),
  exit_reason: z.string(),
  bars_held: z.number(),
});

export const DataInfo = z.object({
  source: z.string(),
  bars: z.number().int(),
  from: z.number(),
  to: z.number(),
  timeframe_ms: z.number().nullable(),
});

/** A metric: null where it is undefined (a ratio with a zero denominator, no trades) or not finite. */
const metric = z.number().nullable();
const metrics = <const K extends string>(keys: readonly K[]) =>
  z.object(Object.fromEntries(keys.map((key) => [key, metric])) as Record<K, typeof metric>);

/** Trade statistics of one direction or of all trades (money in quote currency, percentages 0–100). */
export const TradeStats = metrics([
  'net_profit',
  'net_profit_pct',
  'gross_profit',
  'gross_loss',
  'profit_factor',
  'total_trades',
  'winning_trades',
  'losing_trades',
  'even_trades',
  'win_rate',
  'avg_trade',
  'avg_win',
  'avg_loss',
  'win_loss_ratio',
  'largest_win',
  'largest_loss',
  'avg_bars_in_trade',
  'avg_bars_in_winning_trade',
  'avg_bars_in_losing_trade',
  'commission_paid',
  'funding',
  'expectancy',
  'expectancy_ratio',
  'max_consecutive_wins',
  'max_consecutive_losses',
  'open_trades',
  'open_pnl',
  'liquidations',
  'max_contracts_held',
]);

/** A backtest's metrics: TradingView's Strategy Tester set and more (engine `BacktestMetrics`). */
export const BacktestMetrics = TradeStats.extend(
  metrics([
    'initial_capital',
    'final_equity',
    'max_drawdown',
    'max_drawdown_pct',
    'max_run_up',
    'max_run_up_pct',
    'buy_hold_return_pct',
    'sharpe',
    'sortino',
    'cagr_pct',
    'calmar',
    'time_in_market_pct',
    'months',
  ]).shape,
).extend({ long: TradeStats, short: TradeStats });

/** What an optimization reports for one parameter set on one range; `score` is the objective's value. */
export const MetricsSummary = metrics([
  'score',
  'net_profit',
  'net_profit_pct',
  'max_drawdown_pct',
  'sharpe',
  'sortino',
  'calmar',
  'profit_factor',
  'win_rate',
  'expectancy',
  'total_trades',
]);

// The metric schemas list exactly the engine's metrics, snake_cased: a compile error otherwise.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type _MetricsMatchEngine = [
  Assert<Same<z.output<typeof TradeStats>, MetricsJson<EngineTradeStats>>>,
  Assert<Same<z.output<typeof BacktestMetrics>, MetricsJson<EngineBacktestMetrics>>>,
  Assert<Same<z.output<typeof MetricsSummary>, MetricsJson<EngineMetricsSummary>>>,
];

const nullableColumn = z.array(z.number().nullable());

export const BacktestResult = z.object({
  strategy: z.string(),
  params: z.record(z.string(), z.number()),
  data: DataInfo,
  metrics: BacktestMetrics,
  trades: z.array(Trade),
  open_trade: Trade.nullable(),
  candles: z.object({
    time: z.array(z.number()),
    open: nullableColumn,
    high: nullableColumn,
    low: nullableColumn,
    close: nullableColumn,
  }),
  indicators: z.array(
    z.object({ title: z.string(), color: z.string(), overlay: z.boolean(), values: nullableColumn }),
  ),
  equity: nullableColumn,
  drawdown: nullableColumn,
  /** Buying with the whole initial capital at the first close and holding (entry commission paid once). */
  buy_hold_equity: nullableColumn,
});

const Range = z.strictObject({
  min: z.number().optional(),
  max: z.number().optional(),
  step: z.number().positive().optional(),
});

const objective = z.enum(OBJECTIVE_NAMES as [Objective, ...Objective[]]);

export const OptimizationBody = z.strictObject({
  strategy: z.string().min(1).max(32),
  options: Options.optional(),
  data: LabData.default({ source: 'sample' }),
  objective: objective.default('sharpe'),
  method: z.enum(['grid', 'random', 'auto']).default('auto'),
  trials: z.number().int().min(1).max(LAB_LIMITS.trials).default(200),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31)
    .default(1),
  min_trades: z.number().int().min(0).max(10_000).default(5),
  walk_forward: z.number().int().min(0).max(20).default(3),
  in_sample_ratio: z.number().min(0.5).max(20).default(3),
  space: z.record(z.string().max(64), z.union([z.number(), Range])).optional(),
});

export const OptimizationParams = z.strictObject({ id: z.string().min(1).max(64) });

const BarSpan = z.object({ from: z.number(), to: z.number(), bars: z.number().int() });

/** One walk-forward window: the best parameters in sample, and how they did out of sample. */
export const WalkForwardWindow = z.object({
  in_sample: BarSpan,
  out_of_sample: BarSpan,
  best: z.record(z.string(), z.number()),
  in_sample_metrics: MetricsSummary,
  out_of_sample_metrics: MetricsSummary,
});

export const OptimizationResult = z.object({
  strategy: z.string(),
  objective,
  method: z.enum(['grid', 'random']),
  candidates: z.number().int(),
  data: DataInfo,
  /** The best parameter sets on the whole data, best first. */
  ranking: z.array(z.object({ params: z.record(z.string(), z.number()), metrics: MetricsSummary })),
  /** The range searched per parameter (min = max: fixed); absent in results stored before it was added. */
  space: z.record(z.string(), z.object({ min: z.number(), max: z.number(), step: z.number() })).optional(),
  /** Every candidate's objective on the whole data, best first (null: not finite): the heatmap's cells. */
  scores: z
    .array(z.object({ params: z.record(z.string(), z.number()), score: z.number().nullable() }))
    .optional(),
  walk_forward: z
    .object({
      windows: z.array(WalkForwardWindow),
      out_of_sample_net_profit: z.number().nullable(),
      efficiency: z.number().nullable(),
    })
    .nullable(),
});

export const OptimizationJob = z.object({
  id: z.string(),
  strategy: z.string(),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  progress: z.object({ done: z.number().int(), total: z.number().int() }),
  created_at: z.string(),
  finished_at: z.string().nullable(),
  result: OptimizationResult.nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});

nameSchemas({
  Localized,
  StrategyParam,
  Strategy,
  StrategyList,
  Trade,
  DataInfo,
  TradeStats,
  BacktestMetrics,
  MetricsSummary,
  BacktestResult,
  WalkForwardWindow,
  OptimizationResult,
  OptimizationJob,
});
