import { LIVE_VENUE_IDS, type LiveVenueId } from '@tradingbot/core/venues';
import { DEFAULT_TRADE_PLAN, type ExitSpec, type TrailingSpec } from '@tradingbot/core/trade-plan';
import { defaultDraft, type ParamDraft } from '@/components/ParamsForm';
import type { ApiError } from '@/lib/api';
import {
  lastTakeProfit,
  NO_PARTIAL_TAKE_PROFITS,
  partialTakeProfitErrors,
  partialTakeProfitFields,
  partialTakeProfitsDraft,
  type PartialTakeProfitsDraft,
} from '@/lib/partial-take-profits';
import type { BacktestResult, LabRun, OptimizationJob, StrategyDecl } from '@/lib/types';
import type { BacktestRequest } from './saved-runs';
import { rangesFor, type RangeDraft } from './search-space';

/**
 * The strategy lab's whole state, changed only by `labReducer`. Each action is named for what the
 * user did (or what the API answered), so the page reads as a list of events.
 */
export type LabState = {
  strategyId: string;
  draft: ParamDraft;
  settings: LabSettingsState;
  data: LabDataState;
  backtest: {
    busy: boolean;
    error: ApiError | undefined;
    result: BacktestResult | null;
    /** The request that produced `result` (what "Save" stores); null for a saved run opened. */
    request: BacktestRequest | null;
  };
  optimizer: LabOptimizerState;
  /** Two saved runs side by side, with their results. */
  comparison: LabComparison | null;
};

export type LabComparison = { runs: [LabRun, LabRun]; results: [BacktestResult, BacktestResult] };

export type LabSettingsState = {
  capital: string;
  sizePct: string;
  leverage: string;
  commission: string;
  direction: 'both' | 'long' | 'short';
  /** How the stop-loss is set: ATR multiples, percent from entry, or none (stated, sent as 0). */
  stopLossMode: ExitMode;
  stopLoss: string;
  takeProfitMode: ExitMode;
  takeProfit: string;
  /** The trailing stop's offset (ATR multiples or percent, none stated as 0) and its activation, same unit. */
  trailingMode: ExitMode;
  trailingOffset: string;
  trailingActivation: string;
  /** Percent of the position a strategy exit closes. */
  closePct: string;
  /** Up to two take-profits before the last one, and the break-even move (default none, off). */
  partialTakeProfits: PartialTakeProfitsDraft;
};

export type ExitMode = 'atr' | 'percent' | 'none';

/** The form's mode and value for a trade-plan exit. */
function exitField(spec: ExitSpec): { mode: ExitMode; value: string } {
  if (spec.type === 'atr') return { mode: 'atr', value: String(spec.multiplier) };
  if (spec.type === 'percent') return { mode: 'percent', value: String(spec.percent) };
  return { mode: 'none', value: '' };
}

/** The form's fields for a trade-plan trailing stop. */
function trailingField(spec: TrailingSpec): { mode: ExitMode; offset: string; activation: string } {
  if (spec.type === 'none') return { mode: 'none', offset: '', activation: '0' };
  return { mode: spec.type, offset: String(spec.offset), activation: String(spec.activation) };
}

/** A trailing stop as the API takes it: `trailing_atr` (0 = none, stated) or `trailing_pct`, with its activation. */
function trailingBody(mode: ExitMode, offset: string, activation: string) {
  if (mode === 'none') return { trailing_atr: 0 };
  return {
    [`trailing_${mode === 'atr' ? 'atr' : 'pct'}`]: Number(offset),
    trailing_activation: Number(activation || 0),
  };
}

/** An exit as the API takes it: `*_atr` (0 = none, stated) or `*_pct`. */
function exitBody(prefix: 'stop_loss' | 'take_profit', mode: ExitMode, value: string) {
  if (mode === 'none') return { [`${prefix}_atr`]: 0 };
  return { [`${prefix}_${mode === 'atr' ? 'atr' : 'pct'}`]: Number(value) };
}

export type DataChoice = 'sample' | 'csv' | 'exchange';
/** The venues the lab can download candles from. */
export type DownloadExchange = LiveVenueId;
export type DownloadState = {
  exchange: DownloadExchange;
  symbol: string;
  timeframe: string;
  from: string;
  to: string;
};
/** The venues whose funding-rate history the server downloads (Binance `/fapi/v1/fundingRate`, OKX). */
export const FUNDING_VENUES: readonly LiveVenueId[] = ['binance', 'okx'];

/** A file read in the browser: its name and text. */
export type LoadedFile = { name: string; text: string };
/** The files that may come with an uploaded CSV: the funding history and the bar magnifier's candles. */
export type SideFile = 'funding' | 'magnifier';

export type LabDataState = {
  choice: DataChoice;
  /** Resampling of the sample or CSV candles; '' keeps their own timeframe. */
  timeframe: string;
  csv: LoadedFile | null;
  csvError: string | null;
  download: DownloadState;
  /** Funding payments (off by default): the venue's history for a download, a funding CSV for an upload. */
  funding: boolean;
  fundingCsv: LoadedFile | null;
  /** The bar magnifier (off by default): a lower timeframe to download ('' = off), or a CSV of lower-timeframe candles. */
  magnifierTimeframe: string;
  magnifierCsv: LoadedFile | null;
  sideFileErrors: Partial<Record<SideFile, string>>;
};

export const OBJECTIVES = [
  'sharpe',
  'net_profit',
  'sortino',
  'calmar',
  'profit_factor',
  'win_rate',
  'expectancy',
  'profit_drawdown',
] as const;
export type Objective = (typeof OBJECTIVES)[number];
export type LabOptimizerState = {
  objective: Objective;
  trials: string;
  windows: string;
  /** The search range of each parameter (or the value it is fixed at). */
  ranges: Record<string, RangeDraft>;
  job: OptimizationJob | null;
  error: ApiError | undefined;
};

/** One field's new value, typed by the field (`{ key: 'direction'; value: 'both' | 'long' | 'short' }`). */
type FieldEdit<T> = { [K in keyof T]: { key: K; value: T[K] } }[keyof T];

export type LabAction =
  | { type: 'strategiesLoaded'; strategies: StrategyDecl[] }
  | { type: 'strategyChosen'; strategy: StrategyDecl }
  | { type: 'paramsEdited'; draft: ParamDraft }
  | ({ type: 'settingEdited' } & FieldEdit<LabSettingsState>)
  | { type: 'dataSourceChosen'; choice: DataChoice }
  | { type: 'timeframeChosen'; timeframe: string }
  | { type: 'csvFileChosen' }
  | { type: 'csvFileTooLarge'; message: string }
  | { type: 'csvFileRead'; name: string; text: string }
  | ({ type: 'downloadEdited' } & FieldEdit<DownloadState>)
  | { type: 'fundingToggled'; on: boolean }
  | { type: 'magnifierTimeframeChosen'; timeframe: string }
  | { type: 'sideFileChosen'; file: SideFile }
  | { type: 'sideFileTooLarge'; file: SideFile; message: string }
  | { type: 'sideFileRead'; file: SideFile; name: string; text: string }
  | { type: 'backtestRefused'; csvMissingMessage: string }
  | { type: 'backtestStarted' }
  | { type: 'backtestFinished'; result: BacktestResult; request?: BacktestRequest }
  | { type: 'backtestFailed'; error: ApiError }
  | { type: 'objectiveChosen'; objective: Objective }
  | { type: 'trialsEdited'; trials: string }
  | { type: 'windowsEdited'; windows: string }
  | { type: 'optimizationRequested' }
  | { type: 'optimizationAccepted'; job: OptimizationJob }
  | { type: 'optimizationRefused'; error: ApiError }
  | { type: 'optimizationPolled'; job: OptimizationJob }
  | { type: 'optimizationPollFailed'; error: ApiError }
  | { type: 'rankedParamsUsed'; params: Record<string, number> }
  | { type: 'rangeEdited'; name: string; range: RangeDraft }
  | { type: 'runOpened'; run: LabRun; result: BacktestResult; strategy: StrategyDecl }
  | { type: 'comparisonOpened'; comparison: LabComparison }
  | { type: 'comparisonClosed' };

const DAY_MS = 86_400_000;

/** The lab as first shown; `now` dates the download range (the last 90 days). */
export function initialLabState(now: number): LabState {
  return {
    strategyId: '',
    draft: {},
    settings: {
      capital: '10000',
      sizePct: '10',
      leverage: '1',
      commission: '0.04',
      direction: DEFAULT_TRADE_PLAN.direction,
      // The trade plan's defaults, as the exported script and live trading apply them.
      stopLossMode: exitField(DEFAULT_TRADE_PLAN.stopLoss).mode,
      stopLoss: exitField(DEFAULT_TRADE_PLAN.stopLoss).value,
      takeProfitMode: exitField(DEFAULT_TRADE_PLAN.takeProfit).mode,
      takeProfit: exitField(DEFAULT_TRADE_PLAN.takeProfit).value,
      trailingMode: trailingField(DEFAULT_TRADE_PLAN.trailing).mode,
      trailingOffset: trailingField(DEFAULT_TRADE_PLAN.trailing).offset,
      trailingActivation: trailingField(DEFAULT_TRADE_PLAN.trailing).activation,
      closePct: String(DEFAULT_TRADE_PLAN.closePct),
      partialTakeProfits: NO_PARTIAL_TAKE_PROFITS,
    },
    data: {
      choice: 'sample',
      timeframe: '4h',
      csv: null,
      csvError: null,
      download: {
        exchange: LIVE_VENUE_IDS[0],
        symbol: 'BTCUSDT',
        timeframe: '1h',
        from: new Date(now - 90 * DAY_MS).toISOString().slice(0, 10),
        to: '',
      },
      funding: false,
      fundingCsv: null,
      magnifierTimeframe: '',
      magnifierCsv: null,
      sideFileErrors: {},
    },
    backtest: { busy: false, error: undefined, result: null, request: null },
    optimizer: { objective: 'sharpe', trials: '100', windows: '3', ranges: {}, job: null, error: undefined },
    comparison: null,
  };
}

export function labReducer(state: LabState, action: LabAction): LabState {
  const data = (patch: Partial<LabDataState>) => ({ ...state, data: { ...state.data, ...patch } });
  const backtest = (patch: Partial<LabState['backtest']>) => ({
    ...state,
    backtest: { ...state.backtest, ...patch },
  });
  const optimizer = (patch: Partial<LabOptimizerState>) => ({
    ...state,
    optimizer: { ...state.optimizer, ...patch },
  });
  switch (action.type) {
    case 'strategiesLoaded': {
      // The first strategy is preselected once; a reload keeps the user's choice.
      const first = action.strategies[0];
      if (state.strategyId || !first) return state;
      return {
        ...state,
        strategyId: first.id,
        draft: defaultDraft(first),
        optimizer: { ...state.optimizer, ranges: rangesFor(first) },
      };
    }
    case 'strategyChosen':
      // Another strategy's result and optimization no longer describe what the form shows.
      return {
        ...state,
        strategyId: action.strategy.id,
        draft: defaultDraft(action.strategy),
        backtest: { ...state.backtest, result: null, request: null },
        optimizer: { ...state.optimizer, job: null, ranges: rangesFor(action.strategy) },
      };
    case 'paramsEdited':
      return { ...state, draft: action.draft };
    case 'settingEdited':
      return { ...state, settings: { ...state.settings, [action.key]: action.value } };
    case 'dataSourceChosen':
      // The built-in sample (hourly candles) starts resampled to 4h; a CSV starts in its own timeframe.
      return data({ choice: action.choice, timeframe: action.choice === 'sample' ? '4h' : '' });
    case 'timeframeChosen':
      return data({ timeframe: action.timeframe });
    case 'csvFileChosen':
      return data({ csv: null, csvError: null });
    case 'csvFileTooLarge':
      return data({ csvError: action.message });
    case 'csvFileRead':
      return data({ csv: { name: action.name, text: action.text } });
    case 'downloadEdited':
      return data({ download: { ...state.data.download, [action.key]: action.value } });
    case 'fundingToggled':
    case 'magnifierTimeframeChosen':
    case 'sideFileChosen':
    case 'sideFileTooLarge':
    case 'sideFileRead':
      return { ...state, data: realismEdited(state.data, action) };
    case 'backtestRefused':
      return state.data.choice === 'csv' && !state.data.csv
        ? data({ csvError: action.csvMissingMessage })
        : state;
    case 'backtestStarted':
      return backtest({ busy: true, error: undefined });
    case 'backtestFinished':
      return backtest({ busy: false, result: action.result, request: action.request ?? null });
    case 'backtestFailed':
      return backtest({ busy: false, error: action.error });
    case 'objectiveChosen':
      return optimizer({ objective: action.objective });
    case 'trialsEdited':
      return optimizer({ trials: action.trials });
    case 'windowsEdited':
      return optimizer({ windows: action.windows });
    case 'optimizationRequested':
      return optimizer({ error: undefined });
    case 'optimizationAccepted':
    case 'optimizationPolled':
      return optimizer({ job: action.job });
    case 'optimizationRefused':
      return optimizer({ error: action.error });
    case 'optimizationPollFailed':
      return optimizer({ error: action.error, job: null });
    case 'rankedParamsUsed':
      return {
        ...state,
        draft: Object.fromEntries(Object.entries(action.params).map(([k, v]) => [k, String(v)])),
      };
    case 'rangeEdited':
      return optimizer({ ranges: { ...state.optimizer.ranges, [action.name]: action.range } });
    case 'runOpened':
      // The form shows what the run was made with, and its result (recomputed by the server).
      return {
        ...state,
        strategyId: action.run.strategy,
        draft: Object.fromEntries(Object.entries(action.run.params).map(([k, v]) => [k, String(v)])),
        settings: settingsFromOptions(action.run.options, initialLabState(0).settings),
        data: dataFromRun(action.run.data, state.data),
        backtest: { busy: false, error: undefined, result: action.result, request: null },
        optimizer: { ...state.optimizer, job: null, ranges: rangesFor(action.strategy) },
      };
    case 'comparisonOpened':
      return { ...state, comparison: action.comparison };
    case 'comparisonClosed':
      return { ...state, comparison: null };
  }
}

type RealismAction = Extract<
  LabAction,
  {
    type:
      'fundingToggled' | 'magnifierTimeframeChosen' | 'sideFileChosen' | 'sideFileTooLarge' | 'sideFileRead';
  }
>;

/** The funding and bar magnifier fields after the user changed one of them. */
function realismEdited(d: LabDataState, action: RealismAction): LabDataState {
  switch (action.type) {
    case 'fundingToggled':
      return { ...d, funding: action.on };
    case 'magnifierTimeframeChosen':
      return { ...d, magnifierTimeframe: action.timeframe };
    case 'sideFileChosen':
      return {
        ...d,
        [action.file === 'funding' ? 'fundingCsv' : 'magnifierCsv']: null,
        sideFileErrors: { ...d.sideFileErrors, [action.file]: undefined },
      };
    case 'sideFileTooLarge':
      return { ...d, sideFileErrors: { ...d.sideFileErrors, [action.file]: action.message } };
    case 'sideFileRead':
      return {
        ...d,
        [action.file === 'funding' ? 'fundingCsv' : 'magnifierCsv']: { name: action.name, text: action.text },
      };
  }
}

/** The backtest options as the API takes them; the stop-loss and take-profit are always stated (none as 0). */
export function optionsBody(s: LabSettingsState) {
  return {
    initial_capital: Number(s.capital),
    size_pct: Number(s.sizePct),
    leverage: Number(s.leverage),
    commission_pct: Number(s.commission),
    direction: s.direction,
    ...exitBody('stop_loss', s.stopLossMode, s.stopLoss),
    ...exitBody('take_profit', s.takeProfitMode, s.takeProfit),
    ...trailingBody(s.trailingMode, s.trailingOffset, s.trailingActivation),
    close_pct: Number(s.closePct),
    ...partialTakeProfitFields(s.partialTakeProfits),
  } as {
    initial_capital: number;
    size_pct: number;
    leverage: number;
    commission_pct: number;
    direction: LabSettingsState['direction'];
    stop_loss_atr?: number;
    stop_loss_pct?: number;
    take_profit_atr?: number;
    take_profit_pct?: number;
    trailing_atr?: number;
    trailing_pct?: number;
    trailing_activation?: number;
    close_pct: number;
    tp1_atr?: number;
    tp1_pct?: number;
    tp1_qty_pct?: number;
    tp2_atr?: number;
    tp2_pct?: number;
    tp2_qty_pct?: number;
    break_even?: boolean;
  };
}

/** The partial take-profits' errors by field, checked against the take-profit the form states last. */
export function partialTakeProfitProblems(s: LabSettingsState) {
  const take = Number(s.takeProfit);
  const last =
    s.takeProfitMode === 'none'
      ? lastTakeProfit(undefined, 0)
      : s.takeProfitMode === 'atr'
        ? lastTakeProfit(undefined, take)
        : lastTakeProfit(take, undefined);
  return partialTakeProfitErrors(s.partialTakeProfits, last);
}
export type OptionsBody = ReturnType<typeof optionsBody>;

/** The `data` field of a backtest or optimization request, or null while the choice is incomplete. */
export function dataBody(d: LabDataState) {
  const tf = d.timeframe ? { timeframe: d.timeframe } : {};
  if (d.choice === 'csv') return d.csv ? { source: 'csv', csv: d.csv.text, name: d.csv.name, ...tf } : null;
  if (d.choice === 'sample') return { source: 'sample', ...tf };
  const { download } = d;
  const from = Date.parse(`${download.from}T00:00:00Z`);
  const to = download.to ? Date.parse(`${download.to}T00:00:00Z`) : undefined;
  if (!download.symbol.trim() || !Number.isFinite(from)) return null;
  return {
    source: 'exchange',
    exchange: download.exchange,
    symbol: download.symbol.trim().toUpperCase(),
    timeframe: download.timeframe,
    from,
    ...(to !== undefined && Number.isFinite(to) ? { to } : {}),
  };
}

/** Timeframes in minutes, for comparing the bar magnifier's with the data's ("15m", "1h", "1d", "1w"). */
export function timeframeMinutes(tf: string): number {
  const match = /^(\d+)([mhdw])$/.exec(tf);
  if (!match) return NaN;
  return Number(match[1]) * { m: 1, h: 60, d: 1440, w: 10080 }[match[2] as 'm' | 'h' | 'd' | 'w'];
}

/**
 * The `data` field of a backtest or optimization request: `dataBody` with the funding and bar
 * magnifier the form turned on. Each only where it applies: a funding download on a
 * venue with funding history, a lower timeframe shorter than the download's.
 */
export function backtestDataBody(d: LabDataState) {
  const base = dataBody(d);
  if (base === null) return null;
  if (d.choice === 'csv')
    return {
      ...base,
      ...(d.fundingCsv ? { funding_csv: d.fundingCsv.text, funding_name: d.fundingCsv.name } : {}),
      ...(d.magnifierCsv
        ? { bar_magnifier_csv: d.magnifierCsv.text, bar_magnifier_name: d.magnifierCsv.name }
        : {}),
    };
  if (d.choice === 'exchange') {
    const lower = d.magnifierTimeframe;
    return {
      ...base,
      ...(d.funding && FUNDING_VENUES.includes(d.download.exchange) ? { funding: true } : {}),
      ...(lower && timeframeMinutes(lower) < timeframeMinutes(d.download.timeframe)
        ? { bar_magnifier_timeframe: lower }
        : {}),
    };
  }
  return base;
}

export type DataBody = ReturnType<typeof backtestDataBody>;

/** What a backtest's data added for the export page: the bar magnifier (Pine has it) and funding (Pine has not). */
export function realismOf(data: Record<string, unknown> | undefined): {
  bar_magnifier?: true;
  funding?: true;
} {
  if (!data) return {};
  return {
    ...(data['bar_magnifier_timeframe'] !== undefined || data['bar_magnifier_csv'] !== undefined
      ? { bar_magnifier: true as const }
      : {}),
    ...(data['funding'] === true || data['funding_csv'] !== undefined ? { funding: true as const } : {}),
  };
}

type RunOptions = LabRun['options'];

/** A saved exit back in the form: `*_pct` is percent, `*_atr` 0 none, else ATR; unstated, the form's default. */
function savedExitField(
  pct: number | undefined,
  atr: number | undefined,
  fallback: { mode: ExitMode; value: string },
): { mode: ExitMode; value: string } {
  if (pct !== undefined) return { mode: 'percent', value: String(pct) };
  if (atr === 0) return { mode: 'none', value: '' };
  if (atr !== undefined) return { mode: 'atr', value: String(atr) };
  return fallback;
}

/** The settings form for a saved run's options; what the run left unstated keeps `defaults`. */
export function settingsFromOptions(options: RunOptions, defaults: LabSettingsState): LabSettingsState {
  const text = (value: number | undefined, fallback: string) =>
    value === undefined ? fallback : String(value);
  const stop = savedExitField(options.stop_loss_pct, options.stop_loss_atr, {
    mode: defaults.stopLossMode,
    value: defaults.stopLoss,
  });
  const take = savedExitField(options.take_profit_pct, options.take_profit_atr, {
    mode: defaults.takeProfitMode,
    value: defaults.takeProfit,
  });
  return {
    capital: text(options.initial_capital, defaults.capital),
    sizePct: text(options.size_pct, defaults.sizePct),
    leverage: text(options.leverage, defaults.leverage),
    commission: text(options.commission_pct, defaults.commission),
    direction: options.direction ?? defaults.direction,
    stopLossMode: stop.mode,
    stopLoss: stop.value,
    takeProfitMode: take.mode,
    takeProfit: take.value,
    ...savedTrailing(options, defaults),
    closePct: text(options.close_pct, defaults.closePct),
    // A run without them had none (the plan's default), whatever the form shows now.
    partialTakeProfits: partialTakeProfitsDraft(options),
  };
}

/** A saved trailing stop back in the form: `trailing_pct`, `trailing_atr` (0 none), else the form's default. */
function savedTrailing(
  options: RunOptions,
  defaults: LabSettingsState,
): Pick<LabSettingsState, 'trailingMode' | 'trailingOffset' | 'trailingActivation'> {
  const activation = String(options.trailing_activation ?? 0);
  if (options.trailing_pct !== undefined)
    return {
      trailingMode: 'percent',
      trailingOffset: String(options.trailing_pct),
      trailingActivation: activation,
    };
  if (options.trailing_atr === 0)
    return { trailingMode: 'none', trailingOffset: '', trailingActivation: '0' };
  if (options.trailing_atr !== undefined)
    return {
      trailingMode: 'atr',
      trailingOffset: String(options.trailing_atr),
      trailingActivation: activation,
    };
  const { trailingMode, trailingOffset, trailingActivation } = defaults;
  return { trailingMode, trailingOffset, trailingActivation };
}

const day = (ms: number | undefined) => (ms === undefined ? '' : new Date(ms).toISOString().slice(0, 10));

/** The data form for a saved run's data: the sample, its CSV file (text included), or its exchange range. */
export function dataFromRun(data: LabRun['data'], current: LabDataState): LabDataState {
  // A run without funding or the bar magnifier had them off, whatever the form shows now.
  const base = {
    ...current,
    csvError: null,
    timeframe: data.timeframe ?? '',
    funding: data.funding === true,
    fundingCsv: null,
    magnifierTimeframe: data.bar_magnifier_timeframe ?? '',
    magnifierCsv: null,
    sideFileErrors: {},
  };
  if (data.source === 'sample') return { ...base, choice: 'sample' };
  if (data.source === 'csv')
    return {
      ...base,
      choice: 'csv',
      csv: data.csv === undefined ? null : { name: data.name ?? 'upload.csv', text: data.csv },
      fundingCsv:
        data.funding_csv === undefined
          ? null
          : { name: data.funding_name ?? 'funding.csv', text: data.funding_csv },
      magnifierCsv:
        data.bar_magnifier_csv === undefined
          ? null
          : { name: data.bar_magnifier_name ?? 'lower-timeframe.csv', text: data.bar_magnifier_csv },
    };
  const exchange = LIVE_VENUE_IDS.includes(data.exchange as LiveVenueId)
    ? (data.exchange as LiveVenueId)
    : current.download.exchange;
  return {
    ...base,
    choice: 'exchange',
    timeframe: '',
    download: {
      exchange,
      symbol: data.symbol ?? current.download.symbol,
      timeframe: data.timeframe ?? current.download.timeframe,
      from: day(data.from),
      to: day(data.to),
    },
  };
}
