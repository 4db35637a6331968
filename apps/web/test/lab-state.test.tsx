import { describe, expect, it } from 'vitest';
import {
  backtestDataBody,
  dataBody,
  dataFromRun,
  initialLabState,
  labReducer,
  optionsBody,
  partialTakeProfitProblems,
  realismOf,
  settingsFromOptions,
  type LabAction,
  type LabState,
} from '@/app/(app)/lab/lab-state';
import { exportHref } from '@/app/(app)/lab/LabResults';
import { ApiError } from '@/lib/api';
import type { BacktestResult, OptimizationJob, StrategyDecl } from '@/lib/types';

const NOW = Date.parse('2026-04-01T12:00:00Z');

function strategy(id: string, defaults: Record<string, number>): StrategyDecl {
  const text = { en: id, ko: id };
  return {
    id,
    name: text,
    description: text,
    rules: { long_entry: text, long_exit: text, short_entry: text, short_exit: text },
    params: Object.entries(defaults).map(([name, value]) => ({
      name,
      type: 'int' as const,
      default: value,
      min: 1,
      max: 500,
      step: 1,
      label: { en: name, ko: name },
    })),
    constraints: [],
    plots: [],
  };
}

const emaCross = strategy('ema_cross', { fastLength: 9, slowLength: 21 });
const rsi = strategy('rsi', { length: 14 });
const result = { strategy: 'ema_cross', params: { fastLength: 12 } } as unknown as BacktestResult;
const job = (status: OptimizationJob['status']): OptimizationJob => ({
  id: 'job-1',
  strategy: 'ema_cross',
  status,
  progress: { done: status === 'running' ? 3 : 20, total: 20 },
  created_at: '2026-01-01T00:00:00.000Z',
  finished_at: null,
  result: null,
  error: null,
});
const refused = new ApiError('VALIDATION_FAILED', 'no', 400);

/** Applies the actions in order, from the initial state unless one is given. */
function after(actions: LabAction[], from: LabState = initialLabState(NOW)): LabState {
  return actions.reduce(labReducer, from);
}

describe('initialLabState', () => {
  it('starts on the sample at 4h, default options, a Binance BTCUSDT 1h download of the last 90 days', () => {
    const state = initialLabState(NOW);
    expect(state).toEqual({
      strategyId: '',
      draft: {},
      settings: {
        capital: '10000',
        sizePct: '10',
        leverage: '1',
        commission: '0.04',
        direction: 'both',
        stopLossMode: 'atr',
        stopLoss: '2',
        takeProfitMode: 'atr',
        trailingMode: 'none',
        trailingOffset: '',
        trailingActivation: '0',
        closePct: '100',
        takeProfit: '3',
        partialTakeProfits: {
          rows: [
            { mode: 'none', distance: '', qtyPct: '' },
            { mode: 'none', distance: '', qtyPct: '' },
          ],
          breakEven: false,
        },
      },
      data: {
        choice: 'sample',
        timeframe: '4h',
        csv: null,
        csvError: null,
        download: { exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1h', from: '2026-01-01', to: '' },
        // Funding and the bar magnifier start off.
        funding: false,
        fundingCsv: null,
        magnifierTimeframe: '',
        magnifierCsv: null,
        sideFileErrors: {},
      },
      backtest: { busy: false, error: undefined, result: null, request: null },
      optimizer: {
        objective: 'sharpe',
        trials: '100',
        windows: '3',
        ranges: {},
        job: null,
        error: undefined,
      },
      comparison: null,
    });
  });
});

describe('labReducer: the strategy and its parameters', () => {
  it('strategiesLoaded preselects the first strategy with its defaults, once', () => {
    const loaded = after([{ type: 'strategiesLoaded', strategies: [emaCross, rsi] }]);
    expect(loaded.strategyId).toBe('ema_cross');
    expect(loaded.draft).toEqual({ fastLength: '9', slowLength: '21' });

    const edited = after([{ type: 'paramsEdited', draft: { fastLength: '5', slowLength: '21' } }], loaded);
    expect(after([{ type: 'strategiesLoaded', strategies: [rsi, emaCross] }], edited)).toBe(edited);
    const empty = initialLabState(NOW);
    expect(labReducer(empty, { type: 'strategiesLoaded', strategies: [] })).toBe(empty);
  });

  it("strategyChosen takes the strategy's defaults and drops the other strategy's result and job", () => {
    const state = after([
      { type: 'strategiesLoaded', strategies: [emaCross, rsi] },
      { type: 'backtestFinished', result },
      { type: 'optimizationAccepted', job: job('running') },
      { type: 'optimizationRefused', error: refused },
      { type: 'strategyChosen', strategy: rsi },
    ]);
    expect(state.strategyId).toBe('rsi');
    expect(state.draft).toEqual({ length: '14' });
    expect(state.backtest.result).toBeNull();
    expect(state.optimizer.job).toBeNull();
    // The optimizer's own message stays until the next optimization is requested.
    expect(state.optimizer.error).toBe(refused);
  });

  it('paramsEdited replaces the draft', () => {
    expect(after([{ type: 'paramsEdited', draft: { fastLength: '12' } }]).draft).toEqual({
      fastLength: '12',
    });
  });
});

describe('labReducer: the options and the data', () => {
  it('settingEdited changes one option', () => {
    const state = after([
      { type: 'settingEdited', key: 'leverage', value: '5' },
      { type: 'settingEdited', key: 'direction', value: 'short' },
    ]);
    expect(state.settings).toEqual({ ...initialLabState(NOW).settings, leverage: '5', direction: 'short' });
  });

  it('dataSourceChosen resets the timeframe: 4h for the sample, the data’s own otherwise', () => {
    expect(after([{ type: 'dataSourceChosen', choice: 'csv' }]).data).toMatchObject({
      choice: 'csv',
      timeframe: '',
    });
    expect(after([{ type: 'dataSourceChosen', choice: 'exchange' }]).data.timeframe).toBe('');
    expect(
      after([
        { type: 'timeframeChosen', timeframe: '1d' },
        { type: 'dataSourceChosen', choice: 'sample' },
      ]).data.timeframe,
    ).toBe('4h');
  });

  it('timeframeChosen sets the resampling timeframe', () => {
    expect(after([{ type: 'timeframeChosen', timeframe: '1h' }]).data.timeframe).toBe('1h');
  });

  it('a chosen CSV file clears the previous one and its error; then it is read or refused', () => {
    const read = after([
      { type: 'dataSourceChosen', choice: 'csv' },
      { type: 'csvFileTooLarge', message: 'too large' },
      { type: 'csvFileChosen' },
      { type: 'csvFileRead', name: 'btc.csv', text: 'time,open' },
    ]);
    expect(read.data.csv).toEqual({ name: 'btc.csv', text: 'time,open' });
    expect(read.data.csvError).toBeNull();

    const refusedFile = after(
      [{ type: 'csvFileChosen' }, { type: 'csvFileTooLarge', message: 'too large' }],
      read,
    );
    expect(refusedFile.data.csv).toBeNull();
    expect(refusedFile.data.csvError).toBe('too large');
  });

  it('downloadEdited changes one download field', () => {
    const state = after([
      { type: 'downloadEdited', key: 'exchange', value: 'okx' },
      { type: 'downloadEdited', key: 'symbol', value: 'ethusdt' },
      { type: 'downloadEdited', key: 'to', value: '2026-03-01' },
    ]);
    expect(state.data.download).toEqual({
      exchange: 'okx',
      symbol: 'ethusdt',
      timeframe: '1h',
      from: '2026-01-01',
      to: '2026-03-01',
    });
  });
});

describe('labReducer: the backtest', () => {
  it('backtestRefused says the CSV is missing only when a CSV is the (missing) source', () => {
    const refusal: LabAction = { type: 'backtestRefused', csvMissingMessage: 'choose a file' };
    expect(after([{ type: 'dataSourceChosen', choice: 'csv' }, refusal]).data.csvError).toBe('choose a file');
    const sample = initialLabState(NOW);
    expect(labReducer(sample, refusal)).toBe(sample);
    const loaded = after([
      { type: 'dataSourceChosen', choice: 'csv' },
      { type: 'csvFileRead', name: 'a.csv', text: 'x' },
    ]);
    expect(labReducer(loaded, refusal)).toBe(loaded);
  });

  it('a backtest is busy from start to answer, and keeps the last result when it fails', () => {
    const started = after([{ type: 'backtestStarted' }]);
    expect(started.backtest).toEqual({ busy: true, error: undefined, result: null, request: null });
    const finished = after([{ type: 'backtestFinished', result }], started);
    expect(finished.backtest).toEqual({ busy: false, error: undefined, result, request: null });
    const failed = after([{ type: 'backtestStarted' }, { type: 'backtestFailed', error: refused }], finished);
    expect(failed.backtest).toEqual({ busy: false, error: refused, result, request: null });
    expect(after([{ type: 'backtestStarted' }], failed).backtest.error).toBeUndefined();
  });
});

describe('labReducer: the optimizer', () => {
  it('the optimizer settings change one at a time', () => {
    const state = after([
      { type: 'objectiveChosen', objective: 'calmar' },
      { type: 'trialsEdited', trials: '20' },
      { type: 'windowsEdited', windows: '2' },
    ]);
    expect(state.optimizer).toEqual({
      objective: 'calmar',
      trials: '20',
      windows: '2',
      ranges: {},
      job: null,
      error: undefined,
    });
  });

  it('an optimization: requested clears the error, accepted and polled show the job, a failed poll drops it', () => {
    const requested = after([
      { type: 'optimizationRefused', error: refused },
      { type: 'optimizationRequested' },
    ]);
    expect(requested.optimizer.error).toBeUndefined();
    const running = after([{ type: 'optimizationAccepted', job: job('running') }], requested);
    expect(running.optimizer.job).toEqual(job('running'));
    const done = after([{ type: 'optimizationPolled', job: job('done') }], running);
    expect(done.optimizer.job?.status).toBe('done');
    const lost = after([{ type: 'optimizationPollFailed', error: refused }], running);
    expect(lost.optimizer).toMatchObject({ job: null, error: refused });
  });

  it('an optimization refused keeps the job shown before', () => {
    const state = after([
      { type: 'optimizationAccepted', job: job('done') },
      { type: 'optimizationRequested' },
      { type: 'optimizationRefused', error: refused },
    ]);
    expect(state.optimizer).toMatchObject({ job: job('done'), error: refused });
  });

  it('rankedParamsUsed puts a ranked parameter set into the form', () => {
    const state = after([
      { type: 'strategiesLoaded', strategies: [emaCross] },
      { type: 'rankedParamsUsed', params: { fastLength: 7, slowLength: 30 } },
    ]);
    expect(state.draft).toEqual({ fastLength: '7', slowLength: '30' });
  });
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

describe('labReducer is pure', () => {
  it('never changes the state it is given (a frozen state throws on any write)', () => {
    const every: LabAction[] = [
      { type: 'strategiesLoaded', strategies: [rsi] },
      { type: 'strategyChosen', strategy: rsi },
      { type: 'paramsEdited', draft: { length: '3' } },
      { type: 'settingEdited', key: 'capital', value: '500' },
      { type: 'dataSourceChosen', choice: 'exchange' },
      { type: 'timeframeChosen', timeframe: '1d' },
      { type: 'csvFileChosen' },
      { type: 'csvFileTooLarge', message: 'too large' },
      { type: 'csvFileRead', name: 'a.csv', text: 'x' },
      { type: 'downloadEdited', key: 'symbol', value: 'X' },
      { type: 'backtestRefused', csvMissingMessage: 'choose a file' },
      { type: 'backtestStarted' },
      { type: 'backtestFinished', result },
      { type: 'backtestFailed', error: refused },
      { type: 'objectiveChosen', objective: 'win_rate' },
      { type: 'trialsEdited', trials: '5' },
      { type: 'windowsEdited', windows: '0' },
      { type: 'optimizationRequested' },
      { type: 'optimizationAccepted', job: job('running') },
      { type: 'optimizationRefused', error: refused },
      { type: 'optimizationPolled', job: job('done') },
      { type: 'optimizationPollFailed', error: refused },
      { type: 'rankedParamsUsed', params: { length: 20 } },
    ];
    const before = after([
      { type: 'strategiesLoaded', strategies: [emaCross] },
      { type: 'dataSourceChosen', choice: 'csv' },
      { type: 'optimizationAccepted', job: job('running') },
    ]);
    const copy = structuredClone(before);
    deepFreeze(before);
    for (const action of every) expect(() => labReducer(before, action), action.type).not.toThrow();
    expect(before).toEqual(copy);
  });
});

describe('request bodies', () => {
  it('optionsBody sends numbers and always states the stop-loss and take-profit (the plan default, a percent, or none as 0)', () => {
    const { settings } = initialLabState(NOW);
    expect(optionsBody(settings)).toEqual({
      initial_capital: 10000,
      size_pct: 10,
      leverage: 1,
      commission_pct: 0.04,
      direction: 'both',
      stop_loss_atr: 2,
      take_profit_atr: 3,
      trailing_atr: 0,
      close_pct: 100,
    });
    expect(
      optionsBody({ ...settings, trailingMode: 'percent', trailingOffset: '1.5', trailingActivation: '' }),
    ).toMatchObject({ trailing_pct: 1.5, trailing_activation: 0 });
    const edited = optionsBody({
      ...settings,
      stopLossMode: 'percent',
      stopLoss: '2',
      takeProfitMode: 'none',
      takeProfit: ' 6 ',
    });
    expect(edited).toMatchObject({ stop_loss_pct: 2, take_profit_atr: 0 });
    expect(edited).not.toHaveProperty('stop_loss_atr');
    expect(edited).not.toHaveProperty('take_profit_pct');
  });

  it('dataBody: the sample, a CSV once read, a download with a symbol and a start date', () => {
    const state = initialLabState(NOW);
    expect(dataBody(state.data)).toEqual({ source: 'sample', timeframe: '4h' });

    const csv = after([{ type: 'dataSourceChosen', choice: 'csv' }], state);
    expect(dataBody(csv.data)).toBeNull();
    expect(dataBody(after([{ type: 'csvFileRead', name: 'a.csv', text: 'x' }], csv).data)).toEqual({
      source: 'csv',
      csv: 'x',
      name: 'a.csv',
    });

    const exchange = after(
      [
        { type: 'dataSourceChosen', choice: 'exchange' },
        { type: 'downloadEdited', key: 'symbol', value: ' ethusdt ' },
      ],
      state,
    );
    expect(dataBody(exchange.data)).toEqual({
      source: 'exchange',
      exchange: 'binance',
      symbol: 'ETHUSDT',
      timeframe: '1h',
      from: Date.parse('2026-01-01T00:00:00Z'),
    });
    const ranged = after([{ type: 'downloadEdited', key: 'to', value: '2026-02-01' }], exchange);
    expect(dataBody(ranged.data)).toMatchObject({ to: Date.parse('2026-02-01T00:00:00Z') });
    expect(
      dataBody(after([{ type: 'downloadEdited', key: 'symbol', value: ' ' }], exchange).data),
    ).toBeNull();
    expect(dataBody(after([{ type: 'downloadEdited', key: 'from', value: '' }], exchange).data)).toBeNull();
  });
});

describe('partial take-profits and break-even (issue 18.5)', () => {
  const { settings } = initialLabState(NOW);
  const row = (mode: 'none' | 'atr' | 'percent', distance: string, qtyPct: string) => ({
    mode,
    distance,
    qtyPct,
  });
  const ladder = (
    first: ReturnType<typeof row>,
    second = row('none', '', ''),
    breakEven = false,
  ): typeof settings => ({ ...settings, partialTakeProfits: { rows: [first, second], breakEven } });

  it('optionsBody sends the rows in use as the alert fields, and nothing when none is on', () => {
    expect(optionsBody(settings)).not.toHaveProperty('tp1_qty_pct');
    expect(optionsBody(settings)).not.toHaveProperty('break_even');
    expect(optionsBody(ladder(row('atr', '1.5', '50'), row('percent', '4', '25'), true))).toMatchObject({
      tp1_atr: 1.5,
      tp1_qty_pct: 50,
      tp2_pct: 4,
      tp2_qty_pct: 25,
      break_even: true,
      take_profit_atr: 3,
    });
    // The second row without the first is not shown, so it is not sent; break-even needs a row.
    const orphan = optionsBody(ladder(row('none', '1', '50'), row('atr', '2', '25'), true));
    expect(Object.keys(orphan).filter((key) => /^tp\d|break_even/.test(key))).toEqual([]);
  });

  it('a saved run opens with its rows and break-even; a run without them opens with none', () => {
    const options = { ...optionsBody(settings), tp1_pct: 2, tp1_qty_pct: 40, break_even: true };
    const opened = settingsFromOptions(options, ladder(row('atr', '1', '10')));
    expect(opened.partialTakeProfits).toEqual({
      rows: [row('percent', '2', '40'), row('none', '', '')],
      breakEven: true,
    });
    expect(optionsBody(opened)).toMatchObject({ tp1_pct: 2, tp1_qty_pct: 40, break_even: true });
    expect(
      settingsFromOptions(optionsBody(settings), ladder(row('atr', '1', '10'))).partialTakeProfits,
    ).toEqual(settings.partialTakeProfits);
  });

  it("checks the rows with the trade plan's rule against the take-profit the form states", () => {
    expect(partialTakeProfitProblems(ladder(row('atr', '1.5', '50')))).toEqual({});
    // Beyond the last take-profit (3 × ATR), or its share: each beside its own field.
    expect(partialTakeProfitProblems(ladder(row('atr', '3', '50')))).toEqual({
      tp1_distance: 'tp.distanceProblem',
    });
    expect(partialTakeProfitProblems(ladder(row('atr', '1', '60'), row('atr', '2', '40')))).toEqual({
      tp2_qty_pct: 'tp.qtyProblem',
    });
    expect(partialTakeProfitProblems(ladder(row('atr', '2', '30'), row('atr', '1', '30')))).toEqual({
      tp2_distance: 'tp.distanceProblem',
    });
    expect(partialTakeProfitProblems(ladder(row('percent', '', 'x')))).toEqual({
      tp1_distance: 'form.number',
      tp1_qty_pct: 'form.number',
    });
    // Without a last take-profit (none) nothing is beyond it; in another unit they are not compared.
    expect(partialTakeProfitProblems({ ...ladder(row('atr', '5', '50')), takeProfitMode: 'none' })).toEqual(
      {},
    );
    expect(partialTakeProfitProblems(ladder(row('percent', '9', '50')))).toEqual({});
  });

  it('"Export →" carries them in the plan, as the lab ran them', () => {
    const plan = optionsBody(ladder(row('atr', '1.5', '50'), row('none', '', ''), true));
    const href = new URL(
      exportHref({ ...result, metrics: {} } as unknown as BacktestResult, plan),
      'http://x',
    );
    expect(JSON.parse(href.searchParams.get('plan')!)).toMatchObject({
      tp1_atr: 1.5,
      tp1_qty_pct: 50,
      break_even: true,
    });
  });
});

describe('funding payments and the bar magnifier (issue 18.8)', () => {
  const exchange = after([{ type: 'dataSourceChosen', choice: 'exchange' }]);

  it('backtestDataBody adds them only where they apply; dataBody is the candles alone', () => {
    expect(backtestDataBody(exchange.data)).toEqual(dataBody(exchange.data));
    const on = after(
      [
        { type: 'fundingToggled', on: true },
        { type: 'magnifierTimeframeChosen', timeframe: '5m' },
      ],
      exchange,
    );
    expect(backtestDataBody(on.data)).toMatchObject({ funding: true, bar_magnifier_timeframe: '5m' });
    expect(dataBody(on.data)).not.toHaveProperty('funding');
    // No funding history on Bybit; a magnifier not shorter than the data's timeframe is not sent.
    const bybit = after(
      [
        { type: 'downloadEdited', key: 'exchange', value: 'bybit' },
        { type: 'downloadEdited', key: 'timeframe', value: '4h' },
        { type: 'magnifierTimeframeChosen', timeframe: '4h' },
      ],
      on,
    );
    expect(backtestDataBody(bybit.data)).not.toHaveProperty('funding');
    expect(backtestDataBody(bybit.data)).not.toHaveProperty('bar_magnifier_timeframe');

    const csv = after([
      { type: 'dataSourceChosen', choice: 'csv' },
      { type: 'csvFileRead', name: 'a.csv', text: 'x' },
      { type: 'sideFileRead', file: 'funding', name: 'f.csv', text: 'time,rate,mark_price\n' },
      { type: 'sideFileRead', file: 'magnifier', name: 'm.csv', text: 'y' },
    ]);
    expect(backtestDataBody(csv.data)).toEqual({
      source: 'csv',
      csv: 'x',
      name: 'a.csv',
      funding_csv: 'time,rate,mark_price\n',
      funding_name: 'f.csv',
      bar_magnifier_csv: 'y',
      bar_magnifier_name: 'm.csv',
    });
    const cleared = after([{ type: 'sideFileChosen', file: 'funding' }], csv);
    expect(backtestDataBody(cleared.data)).not.toHaveProperty('funding_csv');
    expect(backtestDataBody(cleared.data)).toHaveProperty('bar_magnifier_csv', 'y');
    const tooLarge = after([{ type: 'sideFileTooLarge', file: 'magnifier', message: 'big' }], cleared);
    expect(tooLarge.data.sideFileErrors).toEqual({ funding: undefined, magnifier: 'big' });
  });

  it('realismOf says what Export → carries: the bar magnifier and funding the run had', () => {
    expect(realismOf(undefined)).toEqual({});
    expect(realismOf({ source: 'sample' })).toEqual({});
    expect(realismOf({ source: 'exchange', funding: true, bar_magnifier_timeframe: '1m' })).toEqual({
      bar_magnifier: true,
      funding: true,
    });
    expect(realismOf({ source: 'csv', csv: 'x', funding_csv: 'y' })).toEqual({ funding: true });
  });

  it('a saved run opens with its funding and bar magnifier; a run without them opens with them off', () => {
    const on = after([{ type: 'fundingToggled', on: true }], exchange);
    const opened = dataFromRun(
      {
        source: 'exchange',
        exchange: 'okx',
        symbol: 'BTCUSDT',
        timeframe: '1h',
        from: 0,
        bar_magnifier_timeframe: '5m',
      },
      on.data,
    );
    expect(opened).toMatchObject({ funding: false, magnifierTimeframe: '5m' });
    const csv = dataFromRun(
      { source: 'csv', csv: 'x', name: 'a.csv', funding_csv: 'f', funding_name: 'f.csv' },
      on.data,
    );
    expect(csv).toMatchObject({
      fundingCsv: { name: 'f.csv', text: 'f' },
      magnifierCsv: null,
      funding: false,
    });
  });
});
