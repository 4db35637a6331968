import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  backtestStrategy,
  buyAndHoldEquity,
  getStrategy,
  optimize,
  parseCandlesCsv,
  parseFundingCsv,
  resample,
  resolveBacktestOptions,
  searchSpace,
  STRATEGIES,
  syntheticCandles,
  type BacktestInputs,
  type BacktestOptions,
  type CandleSeries,
  type Objective,
  type OptimizeResult,
  type SearchSpace,
  type StrategyDeclaration,
  type Trade,
} from '@tradingbot/engine';
import {
  DEFAULT_TRADE_PLAN,
  statedTrailing,
  isAppError,
  LIVE_VENUE_IDS,
  statedExit,
  type LiveVenueId,
} from '@tradingbot/core';
import {
  downloadCandles,
  downloadFunding,
  timeframeMs,
  VENUES,
  type FetchFundingPage,
  type FetchKlinesPage,
} from '@tradingbot/exchange';
import { ServerErrors } from '../errors.ts';
import { statedPartialTakeProfits, type PartialTakeProfitInput } from './partial-take-profits.ts';

/** Upper bounds that keep one request from tying up the server. */
export const LAB_LIMITS = {
  /** Characters of uploaded CSV text. */
  csvChars: 4 * 1024 * 1024,
  /** Candles a backtest or optimization may run on. */
  bars: 50_000,
  /** Parameter sets per optimization. */
  trials: 2_000,
  /**
   * Lower-timeframe candles a bar magnifier download may fetch (one year of 5m candles, about 104
   * days of 1m): more would take minutes from a venue's paged endpoint.
   */
  magnifierBars: 150_000,
  /** Backtests one user may keep saved (each may hold up to `csvChars` of candles). */
  savedRuns: 100,
  /** Optimizations one user may have running at once. */
  runningPerUser: 1,
  /** Finished jobs are forgotten after this long. */
  jobTtlMs: 60 * 60 * 1000,
  /** A job running this long lost its process for good (pg-boss retries one after an hour). */
  jobAbandonedMs: 3 * 60 * 60 * 1000,
} as const;

export type DataInput =
  | { source: 'sample'; timeframe?: string | undefined; bars?: number | undefined }
  | {
      source: 'csv';
      csv: string;
      name?: string | undefined;
      timeframe?: string | undefined;
      /** Funding-rate history, the CSV `tradingbot data download --funding` writes; absent: no funding. */
      funding_csv?: string | undefined;
      funding_name?: string | undefined;
      /** Candles of a shorter timeframe over the same range (the bar magnifier); absent: off. */
      bar_magnifier_csv?: string | undefined;
      bar_magnifier_name?: string | undefined;
    }
  | {
      source: 'exchange';
      exchange: LiveVenueId;
      symbol: string;
      timeframe: string;
      /** Epoch ms. */
      from: number;
      to?: number | undefined;
      /** Download the venue's funding history for the same range (binance, okx). */
      funding?: boolean | undefined;
      /** Download candles of this shorter timeframe for the same range (the bar magnifier). */
      bar_magnifier_timeframe?: string | undefined;
    };

/**
 * Where exchange data comes from: the venues' public klines endpoints (BINANCE_BASE_URL,
 * OKX_BASE_URL) and, on venues that have one, their funding-rate history (`funding`).
 */
export type KlineSources = Record<LiveVenueId, () => FetchKlinesPage> & {
  funding?: Partial<Record<LiveVenueId, () => FetchFundingPage>>;
};

/** Each live venue's candle and funding pages, at its configured base URL (`Config.baseUrls`) or its own. */
export function klineSources(baseUrls: Partial<Record<LiveVenueId, string>> = {}): KlineSources {
  const klines = Object.fromEntries(
    LIVE_VENUE_IDS.map((id) => [id, () => VENUES[id].klinesPage(baseUrls[id])]),
  ) as Record<LiveVenueId, () => FetchKlinesPage>;
  const funding: Partial<Record<LiveVenueId, () => FetchFundingPage>> = {};
  for (const id of LIVE_VENUE_IDS) {
    const venue = VENUES[id];
    if (venue.fundingPage !== undefined) funding[id] = () => venue.fundingPage!(baseUrls[id]);
  }
  // Not enumerable: the record's keys stay the venues.
  return Object.defineProperty(klines, 'funding', { value: funding, enumerable: false }) as KlineSources;
}

/** Venues whose funding-rate history the lab can download. */
export const FUNDING_VENUE_IDS = LIVE_VENUE_IDS.filter((id) => VENUES[id].fundingPage !== undefined);

/** A request field's problem, in the validation-error shape every 400 of the API has. */
export function invalidField(field: string, message: string) {
  return ServerErrors.create('VALIDATION_FAILED', {
    message: `body.${field}: ${message}`,
    details: { issues: [{ field, message, code: 'custom' }] },
  });
}

function stepOf(timeframe: string, field: string): number {
  try {
    return timeframeMs(timeframe);
  } catch {
    throw invalidField(field, `unknown timeframe "${timeframe}"`);
  }
}

/**
 * Downloads closed candles from a venue (into a temporary CSV, the CLI's downloader) and answers
 * the CSV text, so the parsing and the backtest can run on a lab worker thread. Asked for, the
 * venue's funding history and lower-timeframe candles of the same range come along, downloaded
 * with the CLI's code too (`tradingbot data download --funding`).
 */
async function downloadCsv(
  data: Extract<DataInput, { source: 'exchange' }>,
  sources: KlineSources,
): Promise<Extract<DataInput, { source: 'csv' }>> {
  const to = data.to ?? Date.now();
  const step = stepOf(data.timeframe, 'data.timeframe');
  if (!(to > data.from))
    throw ServerErrors.create('VALIDATION_FAILED', { message: 'data.to must be after data.from' });
  const expected = Math.ceil((to - data.from) / step);
  if (expected > LAB_LIMITS.bars) {
    throw ServerErrors.create('LAB_DATA_TOO_LARGE', {
      message: `${expected} candles of ${data.timeframe} in that range; at most ${LAB_LIMITS.bars} are accepted (shorten the range or use a longer timeframe)`,
      details: { bars: expected, max: LAB_LIMITS.bars },
    });
  }
  const fundingPage = data.funding === true ? sources.funding?.[data.exchange] : undefined;
  if (data.funding === true && fundingPage === undefined) {
    throw invalidField(
      'data.funding',
      `${data.exchange} funding history is not supported (${FUNDING_VENUE_IDS.join(', ')})`,
    );
  }
  const lower = data.bar_magnifier_timeframe;
  if (lower !== undefined) {
    const lowerStep = stepOf(lower, 'data.bar_magnifier_timeframe');
    if (!(lowerStep < step)) {
      throw invalidField(
        'data.bar_magnifier_timeframe',
        `the bar magnifier needs a timeframe shorter than ${data.timeframe} (got ${lower})`,
      );
    }
    const lowerBars = Math.ceil((to - data.from) / lowerStep);
    if (lowerBars > LAB_LIMITS.magnifierBars) {
      throw ServerErrors.create('LAB_DATA_TOO_LARGE', {
        message: `${lowerBars} candles of ${lower} for the bar magnifier in that range; at most ${LAB_LIMITS.magnifierBars} are accepted (shorten the range or use a longer magnifier timeframe)`,
        details: { field: 'data.bar_magnifier_timeframe', bars: lowerBars, max: LAB_LIMITS.magnifierBars },
      });
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'tradingbot-lab-'));
  const name = `${data.exchange}:${data.symbol}:${data.timeframe}`;
  const candlesCsv = async (timeframe: string, file: string): Promise<string> => {
    const out = join(dir, file);
    const result = await downloadCandles({
      fetchPage: sources[data.exchange](),
      symbol: data.symbol,
      timeframe,
      from: data.from,
      to,
      out,
    });
    if (result.written === 0) {
      throw ServerErrors.create('LAB_DOWNLOAD_FAILED', {
        message: `${data.exchange} returned no closed ${timeframe} candles for ${data.symbol} in that range`,
      });
    }
    return readFile(out, 'utf8');
  };
  try {
    const csv = await candlesCsv(data.timeframe, 'candles.csv');
    let funding: Partial<Extract<DataInput, { source: 'csv' }>> = {};
    if (fundingPage !== undefined) {
      const out = join(dir, 'funding.csv');
      await downloadFunding({ fetchPage: fundingPage(), symbol: data.symbol, from: data.from, to, out });
      funding = { funding_csv: await readFile(out, 'utf8'), funding_name: `${name}:funding` };
    }
    const magnifier =
      lower === undefined
        ? {}
        : {
            bar_magnifier_csv: await candlesCsv(lower, 'lower.csv'),
            bar_magnifier_name: `${data.exchange}:${data.symbol}:${lower}`,
          };
    return { source: 'csv', csv, name, ...funding, ...magnifier };
  } catch (error) {
    if (isAppError(error) && (error.code.startsWith('LAB_') || error.code.startsWith('CANDLES_')))
      throw error;
    throw ServerErrors.create('LAB_DOWNLOAD_FAILED', {
      message: `Downloading ${data.symbol} from ${data.exchange} failed: ${(error as Error).message}`,
      details: { exchange: data.exchange, ...(isAppError(error) ? { cause: error.code } : {}) },
      cause: error,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The data of a lab request with any download done: the built-in sample and uploaded CSV as they
 * are, an exchange range as the CSV text of its candles (asynchronous I/O, on the calling thread;
 * what follows is CPU work for a lab worker, and a stored job needs no second download).
 */
export async function fetchData(
  data: DataInput,
  sources: KlineSources = klineSources(),
): Promise<Exclude<DataInput, { source: 'exchange' }>> {
  return data.source === 'exchange' ? downloadCsv(data, sources) : data;
}

export type OptionsInput = PartialTakeProfitInput & {
  initial_capital?: number | undefined;
  size_pct?: number | undefined;
  leverage?: number | undefined;
  commission_pct?: number | undefined;
  slippage_ticks?: number | undefined;
  direction?: 'both' | 'long' | 'short' | undefined;
  stop_loss_pct?: number | undefined;
  take_profit_pct?: number | undefined;
  stop_loss_atr?: number | undefined;
  take_profit_atr?: number | undefined;
  trailing_atr?: number | undefined;
  trailing_pct?: number | undefined;
  trailing_activation?: number | undefined;
  close_pct?: number | undefined;
  fill_on_close?: boolean | undefined;
  break_even?: boolean | undefined;
};

/**
 * The candles of a lab request: the built-in sample (the CLI's: one year of synthetic hourly
 * candles), uploaded CSV text, or a download from an exchange; optionally resampled.
 */
export async function loadCandles(
  data: DataInput,
  sources: KlineSources = klineSources(),
): Promise<CandleSeries> {
  return (await loadMarketData(data, sources)).candles;
}

/**
 * The candles of a lab request and the market data beside them (`BacktestInputs`: the funding
 * history and the bar magnifier's candles, each absent unless the request gave or asked for it).
 */
export async function loadMarketData(
  data: DataInput,
  sources: KlineSources = klineSources(),
): Promise<{ candles: CandleSeries; inputs: BacktestInputs }> {
  let series: CandleSeries;
  const fetched = await fetchData(data, sources);
  if (fetched.source === 'sample') {
    series = syntheticCandles({
      bars: fetched.bars ?? 24 * 365,
      timeframe: '1h',
      seed: 42,
      startPrice: 30_000,
      startTime: Date.UTC(2023, 0, 1),
    });
  } else {
    series = parseCandlesCsv(fetched.csv, fetched.name ?? 'upload.csv');
  }
  if (fetched.timeframe !== undefined) series = resample(series, fetched.timeframe);
  if (series.length > LAB_LIMITS.bars) {
    throw ServerErrors.create('LAB_DATA_TOO_LARGE', {
      message: `The data has ${series.length} candles; at most ${LAB_LIMITS.bars} are accepted (resample to a longer timeframe)`,
      details: { bars: series.length, max: LAB_LIMITS.bars },
    });
  }
  if (series.length < 50) {
    throw ServerErrors.create('LAB_DATA_TOO_SMALL', {
      message: `The data has ${series.length} candles; a backtest needs at least 50`,
      details: { bars: series.length, min: 50 },
    });
  }
  return { candles: series, inputs: fetched.source === 'csv' ? marketInputs(fetched, series) : {} };
}

/** A parse error of a side file, answered as a 400 naming the request field it came from. */
function parsedAs<T>(field: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (isAppError(error) && error.status === 400) throw invalidField(field, error.message);
    throw error;
  }
}

/** The funding history and bar-magnifier candles given with CSV data, checked against its candles. */
function marketInputs(data: Extract<DataInput, { source: 'csv' }>, candles: CandleSeries): BacktestInputs {
  const funding =
    data.funding_csv === undefined
      ? undefined
      : parsedAs('data.funding_csv', () =>
          parseFundingCsv(data.funding_csv!, data.funding_name ?? 'funding.csv'),
        );
  const lower =
    data.bar_magnifier_csv === undefined
      ? undefined
      : parsedAs('data.bar_magnifier_csv', () =>
          parseCandlesCsv(data.bar_magnifier_csv!, data.bar_magnifier_name ?? 'lower-timeframe.csv'),
        );
  if (lower !== undefined) {
    const barMs = candles.timeframeMs ?? candles.time[1]! - candles.time[0]!;
    const lowerMs = lower.timeframeMs ?? (lower.length > 1 ? lower.time[1]! - lower.time[0]! : 0);
    if (!(lowerMs > 0 && lowerMs < barMs)) {
      throw invalidField(
        'data.bar_magnifier_csv',
        `the bar magnifier needs candles of a shorter timeframe than the data's (${barMs / 60_000} min), got ${lowerMs / 60_000} min`,
      );
    }
    if (lower.length > LAB_LIMITS.magnifierBars) {
      throw ServerErrors.create('LAB_DATA_TOO_LARGE', {
        message: `The bar magnifier's file has ${lower.length} candles; at most ${LAB_LIMITS.magnifierBars} are accepted`,
        details: { field: 'data.bar_magnifier_csv', bars: lower.length, max: LAB_LIMITS.magnifierBars },
      });
    }
  }
  return {
    ...(funding === undefined ? {} : { funding }),
    ...(lower === undefined ? {} : { lowerTimeframe: lower }),
  };
}

export function backtestOptions(input: OptionsInput = {}): BacktestOptions {
  if (input.stop_loss_pct !== undefined && input.stop_loss_atr !== undefined)
    throw ServerErrors.create('VALIDATION_FAILED', { message: 'use either stop_loss_pct or stop_loss_atr' });
  if (input.take_profit_pct !== undefined && input.take_profit_atr !== undefined)
    throw ServerErrors.create('VALIDATION_FAILED', {
      message: 'use either take_profit_pct or take_profit_atr',
    });
  const stopLoss = statedExit(input.stop_loss_pct, input.stop_loss_atr, DEFAULT_TRADE_PLAN.stopLoss);
  const takeProfit = statedExit(input.take_profit_pct, input.take_profit_atr, DEFAULT_TRADE_PLAN.takeProfit);
  const trailing = requestTrailing(input);
  // Checked by the request schema (`checkPartialTakeProfits`); stated only when given, so options
  // without them stay as they were.
  const partialTakeProfits = statedPartialTakeProfits(input);
  return resolveBacktestOptions({
    ...(input.initial_capital !== undefined ? { initialCapital: input.initial_capital } : {}),
    ...(input.size_pct !== undefined ? { sizing: 'percent' as const, sizeValue: input.size_pct } : {}),
    ...(input.leverage !== undefined ? { leverage: input.leverage } : {}),
    ...(input.commission_pct !== undefined ? { commissionPct: input.commission_pct } : {}),
    ...(input.slippage_ticks !== undefined ? { slippageTicks: input.slippage_ticks } : {}),
    ...(input.direction !== undefined ? { direction: input.direction } : {}),
    ...(input.fill_on_close !== undefined ? { fillOnClose: input.fill_on_close } : {}),
    ...(stopLoss ? { stopLoss } : {}),
    ...(takeProfit ? { takeProfit } : {}),
    ...(trailing ? { trailing } : {}),
    ...(partialTakeProfits.length > 0 ? { partialTakeProfits } : {}),
    ...(input.break_even ? { breakEven: true } : {}),
    ...(input.close_pct !== undefined ? { closePct: input.close_pct } : {}),
  });
}

/** The trailing stop a request states (an offset of 0 states none), else the plan's default. */
function requestTrailing(input: OptionsInput): BacktestOptions['trailing'] {
  if (input.trailing_pct !== undefined && input.trailing_atr !== undefined)
    throw ServerErrors.create('VALIDATION_FAILED', { message: 'use either trailing_pct or trailing_atr' });
  return statedTrailing(
    input.trailing_pct,
    input.trailing_atr,
    input.trailing_activation,
    DEFAULT_TRADE_PLAN.trailing,
  );
}

/** A strategy as the UI needs it: names, descriptions, rules, parameter ranges, constraints, plots. */
export function strategyJson(declaration: StrategyDeclaration) {
  return {
    id: declaration.id,
    name: declaration.name,
    description: declaration.description,
    rules: {
      long_entry: declaration.rulesText.longEntry,
      long_exit: declaration.rulesText.longExit,
      short_entry: declaration.rulesText.shortEntry,
      short_exit: declaration.rulesText.shortExit,
    },
    params: Object.entries(declaration.params).map(([name, spec]) => ({
      name,
      type: spec.type,
      default: spec.default,
      min: spec.min,
      max: spec.max,
      step: spec.step,
      label: spec.label,
    })),
    constraints: declaration.constraints.map((c) => ({
      kind: c.kind,
      smaller: c.smaller,
      larger: c.larger,
      message: c.message,
    })),
    plots: declaration.plots.map((p) => ({ title: p.title, color: p.color, overlay: p.overlay })),
  };
}

/** Every strategy declaration, as the UI needs it. */
export function listStrategies() {
  return { strategies: STRATEGIES.map(strategyJson) };
}

/** NaN and ±Infinity have no JSON form: they become null (a gap in a chart series). */
const finite = (value: number) => (Number.isFinite(value) ? value : null);
const column = (values: ArrayLike<number>) => Array.from(values, finite);

function tradeJson(trade: Trade) {
  return {
    side: trade.side,
    entry_time: trade.entryTime,
    entry_price: trade.entryPrice,
    exit_time: trade.exitTime,
    exit_price: trade.exitPrice,
    qty: trade.qty,
    fees: trade.fees,
    pnl: trade.pnl,
    pnl_pct: trade.pnlPct,
    exit_reason: trade.exitReason,
    bars_held: trade.barsHeld,
  };
}

/** `netProfitPct` → `net_profit_pct`: the API's JSON is snake_case, the engine's objects camelCase. */
type SnakeCase<S extends string> = S extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${SnakeCase<Tail>}`
  : S;

/** Engine metrics as the API answers them: snake_case keys, numbers that may be null (not finite). */
export type MetricsJson<T> = {
  [K in keyof T & string as SnakeCase<K>]: T[K] extends number | null ? number | null : MetricsJson<T[K]>;
};

function metricsJson<T extends object>(metrics: T): MetricsJson<T> {
  return Object.fromEntries(
    Object.entries(metrics).map(([key, value]) => [
      key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`),
      typeof value === 'number'
        ? finite(value)
        : value !== null && typeof value === 'object'
          ? metricsJson(value)
          : value,
    ]),
  ) as MetricsJson<T>;
}

function dataInfo(candles: CandleSeries) {
  return {
    source: candles.source,
    bars: candles.length,
    from: candles.time[0]!,
    to: candles.time[candles.length - 1]!,
    timeframe_ms: candles.timeframeMs ?? null,
  };
}

/** One backtest with everything a chart needs: candles, indicator series, equity and drawdown per bar. */
export async function runLabBacktest(
  input: {
    strategy: string;
    params: Record<string, number>;
    options?: OptionsInput | undefined;
    data: DataInput;
  },
  sources?: KlineSources,
) {
  const declaration = getStrategy(input.strategy);
  const options = backtestOptions(input.options);
  const { candles, inputs } = await loadMarketData(input.data, sources);
  const run = backtestStrategy(declaration, candles, input.params, options, inputs);
  const { result } = run;
  return {
    strategy: declaration.id,
    params: run.params,
    data: dataInfo(candles),
    metrics: metricsJson(result.metrics),
    trades: result.trades.map(tradeJson),
    open_trade: result.openTrade ? tradeJson(result.openTrade) : null,
    candles: {
      time: Array.from(candles.time),
      open: column(candles.open),
      high: column(candles.high),
      low: column(candles.low),
      close: column(candles.close),
    },
    indicators: run.evaluated.plots.map((plot) => ({
      title: plot.title,
      color: plot.color,
      overlay: plot.overlay,
      values: column(plot.values),
    })),
    equity: column(result.equity),
    drawdown: column(result.drawdown),
    // The benchmark drawn under the equity: the same capital bought at the first close and held.
    buy_hold_equity: column(buyAndHoldEquity(candles, options)),
  };
}

/**
 * A backtest's parameters (defaults filled in), data span and metrics, without the chart series:
 * what a saved run keeps of its result (the series are recomputed when it is opened).
 */
export async function summarizeLabBacktest(input: {
  strategy: string;
  params: Record<string, number>;
  options?: OptionsInput | undefined;
  data: DataInput;
}) {
  const declaration = getStrategy(input.strategy);
  const options = backtestOptions(input.options);
  const { candles, inputs } = await loadMarketData(input.data);
  const run = backtestStrategy(declaration, candles, input.params, options, inputs);
  return { params: run.params, data_info: dataInfo(candles), metrics: metricsJson(run.result.metrics) };
}

/** What `summarizeLabBacktest` answers. */
export type LabBacktestSummary = Awaited<ReturnType<typeof summarizeLabBacktest>>;

export type OptimizationInput = {
  strategy: string;
  options?: OptionsInput | undefined;
  data: DataInput;
  objective: Objective;
  method: 'grid' | 'random' | 'auto';
  trials: number;
  seed: number;
  min_trades: number;
  walk_forward: number;
  in_sample_ratio: number;
  space?:
    | Record<
        string,
        number | { min?: number | undefined; max?: number | undefined; step?: number | undefined }
      >
    | undefined;
};

function optimizationJson(result: OptimizeResult, candles: CandleSeries, space: SearchSpace, top: number) {
  return {
    strategy: result.strategy,
    objective: result.objective,
    method: result.method,
    candidates: result.candidates,
    data: dataInfo(candles),
    ranking: result.ranking.slice(0, top).map((r) => ({ params: r.params, metrics: metricsJson(r.metrics) })),
    // The ranges searched and every candidate's score: what a parameter heatmap is drawn from.
    space,
    scores: result.ranking.map((r) => ({ params: r.params, score: finite(r.metrics.score) })),
    walk_forward: result.walkForward
      ? {
          windows: result.walkForward.windows.map((w) => ({
            in_sample: {
              from: w.inSample.fromTime,
              to: w.inSample.toTime,
              bars: w.inSample.to - w.inSample.from,
            },
            out_of_sample: {
              from: w.outOfSample.fromTime,
              to: w.outOfSample.toTime,
              bars: w.outOfSample.to - w.outOfSample.from,
            },
            best: w.best,
            in_sample_metrics: metricsJson(w.inSampleMetrics),
            out_of_sample_metrics: metricsJson(w.outOfSampleMetrics),
          })),
          out_of_sample_net_profit: finite(result.walkForward.outOfSampleNetProfit),
          efficiency: result.walkForward.efficiency === null ? null : finite(result.walkForward.efficiency),
        }
      : null,
  };
}

/** The result of an optimization as the API answers it (stored with its job). */
export type OptimizationResultJson = ReturnType<typeof optimizationJson>;

/**
 * One optimization on this thread (a lab worker's): the candles, every candidate on the whole data
 * and the walk-forward windows, in order on one thread (`workers: 1`: the lab pool is the cap).
 */
export async function runLabOptimization(
  input: OptimizationInput,
  onProgress?: (done: number, total: number) => void,
): Promise<OptimizationResultJson> {
  const declaration = getStrategy(input.strategy);
  const { candles, inputs } = await loadMarketData(input.data);
  const result = await optimize({
    strategy: declaration.id,
    candles,
    backtest: backtestOptions(input.options),
    objective: input.objective,
    method: input.method,
    trials: input.trials,
    seed: input.seed,
    minTrades: input.min_trades,
    walkForward: input.walk_forward,
    inSampleRatio: input.in_sample_ratio,
    ...(input.space ? { space: input.space as Record<string, number> } : {}),
    workers: 1,
    inputs,
    // The API does not answer the neighbourhood robustness (yet): do not spend backtests on it.
    robustness: false,
    ...(onProgress ? { onProgress } : {}),
  });
  const space = searchSpace(declaration, input.space as Record<string, number> | undefined);
  return optimizationJson(result, candles, space, 50);
}

/** Checks the data of a request (size, format) without running anything: what a job is refused for up front. */
export async function checkLabData(data: DataInput): Promise<{ bars: number }> {
  // The funding and bar-magnifier files too: a bad one is refused before the job is queued.
  return { bars: (await loadMarketData(data)).candles.length };
}
