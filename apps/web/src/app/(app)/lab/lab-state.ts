import { LIVE_VENUE_IDS, type LiveVenueId } from '@tradingbot/core/venues';
import { DEFAULT_TRADE_PLAN, type ExitSpec } from '@tradingbot/core/trade-plan';
import { defaultDraft, type ParamDraft } from '@/components/ParamsForm';
import type { ApiError } from '@/lib/api';
import type { BacktestResult, OptimizationJob, StrategyDecl } from '@/lib/types';

/**
 * The strategy lab's whole state, changed only by `labReducer`. Each action is named for what the
 * user did (or what the API answered), so the page reads as a list of events.
 */
export type LabState = {
  strategyId: string;
  draft: ParamDraft;
  settings: LabSettingsState;
  data: LabDataState;
  backtest: { busy: boolean; error: ApiError | undefined; result: BacktestResult | null };
  optimizer: LabOptimizerState;
};

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
};

export type ExitMode = 'atr' | 'percent' | 'none';

/** The form's mode and value for a trade-plan exit. */
function exitField(spec: ExitSpec): { mode: ExitMode; value: string } {
  if (spec.type === 'atr') return { mode: 'atr', value: String(spec.multiplier) };
  if (spec.type === 'percent') return { mode: 'percent', value: String(spec.percent) };
  return { mode: 'none', value: '' };
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
export type LabDataState = {
  choice: DataChoice;
  /** Resampling of the sample or CSV candles; '' keeps their own timeframe. */
  timeframe: string;
  csv: { name: string; text: string } | null;
  csvError: string | null;
  download: DownloadState;
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
  | { type: 'backtestRefused'; csvMissingMessage: string }
  | { type: 'backtestStarted' }
  | { type: 'backtestFinished'; result: BacktestResult }
  | { type: 'backtestFailed'; error: ApiError }
  | { type: 'objectiveChosen'; objective: Objective }
  | { type: 'trialsEdited'; trials: string }
  | { type: 'windowsEdited'; windows: string }
  | { type: 'optimizationRequested' }
  | { type: 'optimizationAccepted'; job: OptimizationJob }
  | { type: 'optimizationRefused'; error: ApiError }
  | { type: 'optimizationPolled'; job: OptimizationJob }
  | { type: 'optimizationPollFailed'; error: ApiError }
  | { type: 'rankedParamsUsed'; params: Record<string, number> };

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
    },
    backtest: { busy: false, error: undefined, result: null },
    optimizer: { objective: 'sharpe', trials: '100', windows: '3', job: null, error: undefined },
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
      return { ...state, strategyId: first.id, draft: defaultDraft(first) };
    }
    case 'strategyChosen':
      // Another strategy's result and optimization no longer describe what the form shows.
      return {
        ...state,
        strategyId: action.strategy.id,
        draft: defaultDraft(action.strategy),
        backtest: { ...state.backtest, result: null },
        optimizer: { ...state.optimizer, job: null },
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
    case 'backtestRefused':
      return state.data.choice === 'csv' && !state.data.csv
        ? data({ csvError: action.csvMissingMessage })
        : state;
    case 'backtestStarted':
      return backtest({ busy: true, error: undefined });
    case 'backtestFinished':
      return backtest({ busy: false, result: action.result });
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
  };
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
export type DataBody = ReturnType<typeof dataBody>;
