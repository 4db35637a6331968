import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import LabPage from '@/app/(app)/lab/page';
import type { BacktestResult, OptimizationJob, StrategyDecl } from '@/lib/types';
import { renderWithI18n } from './render';

vi.mock('next-auth/react', () => ({
  useSession: () => ({ data: { accessToken: 'token' } }),
  signOut: vi.fn(),
}));
// lightweight-charts draws on a canvas, which jsdom does not have.
vi.mock('@/components/Charts', () => ({
  BacktestChart: () => <div data-testid="backtest-chart" />,
  CurveChart: () => null,
  LinesChart: () => null,
}));

const text = (en: string) => ({ en, ko: en });
const param = (name: string, value: number, label: string) => ({
  name,
  type: 'int' as const,
  default: value,
  min: 2,
  max: 300,
  step: 1,
  label: text(label),
});
const strategies: StrategyDecl[] = [
  {
    id: 'ema_cross',
    name: text('EMA Crossover'),
    description: text('Two EMAs'),
    rules: { long_entry: text('up'), long_exit: text('-'), short_entry: text('down'), short_exit: text('-') },
    params: [param('fastLength', 9, 'Fast EMA length'), param('slowLength', 21, 'Slow EMA length')],
    constraints: [],
    plots: [],
  },
  {
    id: 'rsi',
    name: text('RSI'),
    description: text('Oversold, overbought'),
    rules: { long_entry: text('<30'), long_exit: text('-'), short_entry: text('>70'), short_exit: text('-') },
    params: [param('length', 14, 'RSI length')],
    constraints: [],
    plots: [],
  },
];
const result = {
  strategy: 'ema_cross',
  params: { fastLength: 12, slowLength: 21 },
  data: {
    source: 'synthetic:seed=42,timeframe=1h',
    bars: 2190,
    from: 0,
    to: 86_400_000,
    timeframe_ms: 14_400_000,
  },
  metrics: { net_profit: 123.456, total_trades: 0 } as BacktestResult['metrics'],
  trades: [],
  open_trade: null,
  candles: { time: [], open: [], high: [], low: [], close: [] },
  indicators: [],
  equity: [],
  drawdown: [],
  buy_hold_equity: [],
} as BacktestResult;
const summary = {
  score: 1.5,
  net_profit: 10,
  net_profit_pct: 1,
  max_drawdown_pct: 2,
  sharpe: 1.5,
  win_rate: 50,
  profit_factor: 1.2,
  total_trades: 4,
  sortino: null,
  calmar: null,
  expectancy: null,
};
const running: OptimizationJob = {
  id: 'job-1',
  strategy: 'ema_cross',
  status: 'running',
  progress: { done: 1, total: 20 },
  created_at: '2026-01-01T00:00:00.000Z',
  finished_at: null,
  result: null,
  error: null,
};
const done: OptimizationJob = {
  ...running,
  status: 'done',
  progress: { done: 20, total: 20 },
  result: {
    strategy: 'ema_cross',
    objective: 'sharpe',
    method: 'random',
    candidates: 20,
    data: result.data,
    ranking: [{ params: { fastLength: 7, slowLength: 40 }, metrics: summary }],
    walk_forward: null,
  },
};

let requests: { method: string; path: string; body: unknown }[];
beforeEach(() => {
  requests = [];
  window.scrollTo = vi.fn() as typeof window.scrollTo;
  vi.stubGlobal(
    'fetch',
    vi.fn(async (path: string, init: { method: string; body?: string }) => {
      const body = init.body ? JSON.parse(init.body) : undefined;
      requests.push({ method: init.method, path, body });
      const answer =
        path === '/api/v1/strategies'
          ? { strategies }
          : path === '/api/v1/backtests'
            ? result
            : path === '/api/v1/optimizations'
              ? running
              : done;
      return new Response(JSON.stringify(answer), { status: 200 });
    }),
  );
});
afterEach(() => vi.unstubAllGlobals());

describe('the strategy lab page', () => {
  it('preselects the first strategy and backtests it with the form’s parameters, options and data', async () => {
    const user = userEvent.setup();
    renderWithI18n(<LabPage />);
    // The parameters show once the first strategy is preselected (a slow machine can take seconds).
    await screen.findByLabelText('Fast EMA length', {}, { timeout: 10_000 });
    expect(screen.getByRole('radio', { name: /EMA Crossover/ })).toBeChecked();
    await user.clear(screen.getByLabelText('Fast EMA length'));
    await user.type(screen.getByLabelText('Fast EMA length'), '12');
    await user.click(screen.getByRole('button', { name: 'Run backtest' }));

    // The page also moves focus to the results, on a 0 ms timer that a loaded test machine can run
    // before React has rendered them, so focus is not checked here.
    await screen.findByRole('region', { name: 'Price chart with trades' }, { timeout: 10_000 });
    expect(within(screen.getByTestId('metrics')).getByText('123.46')).toBeInTheDocument();
    expect(screen.getByText('The strategy made no trades on this data.')).toBeInTheDocument();
    // "Run live" next to "Export" (its dialog: test/lab-run-live.test.tsx).
    expect(screen.getByRole('link', { name: 'Export →' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Run live' })).toBeInTheDocument();
    expect(requests.at(-1)).toEqual({
      method: 'POST',
      path: '/api/v1/backtests',
      body: {
        strategy: 'ema_cross',
        params: { fastLength: 12, slowLength: 21 },
        options: {
          initial_capital: 10000,
          size_pct: 10,
          leverage: 1,
          commission_pct: 0.04,
          direction: 'both',
          stop_loss_atr: 2,
          take_profit_atr: 3,
          trailing_atr: 0,
          close_pct: 100,
        },
        data: { source: 'sample', timeframe: '4h' },
      },
    });

    // Another strategy: its own defaults, and the other strategy's result is gone.
    await user.click(screen.getByRole('radio', { name: /RSI/ }));
    expect(screen.getByLabelText('RSI length')).toHaveValue(14);
    expect(screen.queryByRole('region', { name: 'Price chart with trades' })).not.toBeInTheDocument();
  });

  it('backtests partial take-profits with break-even, checked beside their fields, and Export → carries them', async () => {
    const user = userEvent.setup();
    renderWithI18n(<LabPage />);
    await screen.findByLabelText('Fast EMA length', {}, { timeout: 10_000 });
    // Only the first row and no break-even box until the first is on.
    expect(screen.queryByLabelText('Partial take-profit 2')).not.toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText('Partial take-profit 1'), 'atr');
    const distance = screen.getByLabelText('Partial take-profit 1, × ATR(14)');
    await user.type(distance, '3');
    await user.type(screen.getByLabelText('Take-profit 1 closes (% of the entry)'), '50');
    // 3 × ATR is not nearer than the last take-profit (3 × ATR): the trade plan's rule says so.
    expect(distance).toHaveAttribute('aria-invalid', 'true');
    expect(distance).toHaveAccessibleDescription(/nearer than the last take-profit/);
    expect(screen.getByRole('button', { name: 'Run backtest' })).toBeDisabled();
    await user.clear(distance);
    await user.type(distance, '1.5');
    expect(distance).not.toHaveAttribute('aria-invalid');
    await user.click(
      screen.getByLabelText('Move the stop-loss to the entry price once the first take-profit filled'),
    );
    await user.click(screen.getByRole('button', { name: 'Run backtest' }));
    await screen.findByRole('region', { name: 'Price chart with trades' }, { timeout: 10_000 });
    const sent = requests.filter((r) => r.path === '/api/v1/backtests').at(-1)!.body as {
      options: Record<string, unknown>;
    };
    expect(sent.options).toMatchObject({
      tp1_atr: 1.5,
      tp1_qty_pct: 50,
      break_even: true,
      take_profit_atr: 3,
    });
    const href = new URL(screen.getByRole('link', { name: 'Export →' }).getAttribute('href')!, 'http://x');
    expect(JSON.parse(href.searchParams.get('plan')!)).toMatchObject({
      tp1_atr: 1.5,
      tp1_qty_pct: 50,
      break_even: true,
    });
  });

  it('cannot run on a CSV until a file is chosen; a download needs a symbol', async () => {
    const user = userEvent.setup();
    renderWithI18n(<LabPage />);
    const run = await screen.findByRole('button', { name: 'Run backtest' }, { timeout: 10_000 });
    await user.click(screen.getByRole('radio', { name: 'Upload a CSV file' }));
    expect(run).toBeDisabled();
    expect(screen.getByLabelText('Timeframe')).toHaveValue('');
    await user.upload(
      screen.getByLabelText(/^CSV file/),
      new File(['time,open,high,low,close\n'], 'btc.csv', { type: 'text/csv' }),
    );
    await waitFor(() => expect(run).toBeEnabled());
    expect(screen.getByText(/btc\.csv/)).toBeInTheDocument();

    await user.click(screen.getByRole('radio', { name: 'Download from an exchange' }));
    expect(screen.getByLabelText('Exchange')).toHaveValue('binance');
    await user.clear(screen.getByLabelText('Symbol'));
    expect(run).toBeDisabled();
    await user.type(screen.getByLabelText('Symbol'), 'ethusdt');
    await user.selectOptions(screen.getByLabelText('Exchange'), 'okx');
    await user.click(run);
    await waitFor(() => expect(requests.at(-1)?.path).toBe('/api/v1/backtests'));
    expect(requests.at(-1)?.body).toMatchObject({
      data: { source: 'exchange', exchange: 'okx', symbol: 'ETHUSDT', timeframe: '1h' },
    });
  });

  it('funding payments and the bar magnifier: off by default, sent for a download and to the optimizer, carried by Export →', async () => {
    const user = userEvent.setup();
    renderWithI18n(<LabPage />);
    const run = await screen.findByRole('button', { name: 'Run backtest' }, { timeout: 10_000 });
    await user.click(screen.getByRole('radio', { name: 'Download from an exchange' }));
    const funding = screen.getByRole('checkbox', { name: 'Funding payments' });
    const magnifier = screen.getByLabelText('Bar magnifier');
    expect(funding).not.toBeChecked();
    expect(funding).toBeEnabled();
    expect(magnifier).toHaveValue('');
    // Only timeframes shorter than the download's (1h) are offered.
    const offered = within(magnifier)
      .getAllByRole('option')
      .map((o) => o.getAttribute('value'));
    expect(offered).toEqual(['', '1m', '3m', '5m', '15m', '30m']);
    // A venue without funding history: the box is off and says why.
    await user.selectOptions(screen.getByLabelText('Exchange'), 'bybit');
    expect(funding).toBeDisabled();
    expect(funding).toHaveAccessibleDescription(/Binance and OKX only/);
    await user.selectOptions(screen.getByLabelText('Exchange'), 'okx');
    await user.click(funding);
    await user.selectOptions(magnifier, '5m');
    await user.click(run);
    await screen.findByRole('region', { name: 'Price chart with trades' }, { timeout: 10_000 });
    expect(requests.filter((r) => r.path === '/api/v1/backtests').at(-1)?.body).toMatchObject({
      data: { source: 'exchange', exchange: 'okx', funding: true, bar_magnifier_timeframe: '5m' },
    });
    const href = new URL(screen.getByRole('link', { name: 'Export →' }).getAttribute('href')!, 'http://x');
    expect(JSON.parse(href.searchParams.get('plan')!)).toMatchObject({ bar_magnifier: true, funding: true });

    // Optimizations run on the same data, funding and bar magnifier included.
    await user.click(screen.getByRole('button', { name: 'Start optimization' }));
    await waitFor(() => expect(requests.some((r) => r.path === '/api/v1/optimizations')).toBe(true));
    expect(requests.find((r) => r.path === '/api/v1/optimizations')!.body).toMatchObject({
      data: { source: 'exchange', exchange: 'okx', funding: true, bar_magnifier_timeframe: '5m' },
    });
  });

  it('an uploaded CSV takes a funding CSV and lower-timeframe candles beside it', async () => {
    const user = userEvent.setup();
    renderWithI18n(<LabPage />);
    const run = await screen.findByRole('button', { name: 'Run backtest' }, { timeout: 10_000 });
    await user.click(screen.getByRole('radio', { name: 'Upload a CSV file' }));
    expect(screen.queryByRole('checkbox', { name: 'Funding payments' })).not.toBeInTheDocument();
    await user.upload(
      screen.getByLabelText(/^CSV file/),
      new File(['time,open,high,low,close\n'], 'btc.csv', { type: 'text/csv' }),
    );
    await waitFor(() => expect(run).toBeEnabled());
    // Without the side files, the request states neither.
    await user.click(run);
    await waitFor(() => expect(requests.some((r) => r.path === '/api/v1/backtests')).toBe(true));
    expect(requests.at(-1)?.body).not.toHaveProperty('data.funding_csv');
    const fundingText = 'time,rate,mark_price\n1,0.0001,20000\n';
    await user.upload(
      screen.getByLabelText(/^Funding payments: funding-rate CSV/),
      new File([fundingText], 'funding.csv', { type: 'text/csv' }),
    );
    await user.upload(
      screen.getByLabelText(/^Bar magnifier: candles of a shorter timeframe/),
      new File(['time,open,high,low,close\n'], 'btc-5m.csv', { type: 'text/csv' }),
    );
    await screen.findByText(/btc-5m\.csv/);
    await user.click(run);
    await waitFor(() =>
      expect(requests.at(-1)?.body).toMatchObject({
        data: {
          source: 'csv',
          funding_csv: fundingText,
          funding_name: 'funding.csv',
          bar_magnifier_name: 'btc-5m.csv',
        },
      }),
    );
  });

  it('optimizes, polls the job until it is done, and puts a ranked set into the form', async () => {
    const user = userEvent.setup();
    renderWithI18n(<LabPage />);
    const trials = await screen.findByLabelText('Parameter sets to try', {}, { timeout: 10_000 });
    await user.clear(trials);
    await user.type(trials, '20');
    await user.click(screen.getByRole('button', { name: 'Start optimization' }));
    expect(
      await screen.findByText('Optimizing: 1 of 20 parameter sets', {}, { timeout: 10_000 }),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Start optimization' })).toBeDisabled();
    expect(requests.find((r) => r.path === '/api/v1/optimizations')?.body).toMatchObject({
      strategy: 'ema_cross',
      objective: 'sharpe',
      trials: 20,
      walk_forward: 3,
      data: { source: 'sample', timeframe: '4h' },
    });

    const ranking = await screen.findByTestId('ranking', {}, { timeout: 10_000 });
    expect(screen.getByRole('status')).toHaveTextContent('Done: 20 parameter sets');
    expect(requests.at(-1)?.path).toBe('/api/v1/optimizations/job-1');
    await user.click(within(ranking).getByRole('button', { name: 'Use these' }));
    expect(screen.getByLabelText('Fast EMA length')).toHaveValue(7);
    expect(screen.getByLabelText('Slow EMA length')).toHaveValue(40);
    expect(window.scrollTo).toHaveBeenCalled();
  });

  it('refuses 0 parameter sets with a message instead of silently running 1', async () => {
    const user = userEvent.setup();
    renderWithI18n(<LabPage />);
    const trials = await screen.findByLabelText('Parameter sets to try', {}, { timeout: 10_000 });
    await user.clear(trials);
    await user.type(trials, '0');
    expect(trials).toHaveAttribute('aria-invalid', 'true');
    expect(trials).toHaveAccessibleDescription('Enter a whole number from 1 to 2000.');
    expect(screen.getByRole('button', { name: 'Start optimization' })).toBeDisabled();
    await user.clear(trials);
    await user.type(trials, '2.5');
    expect(trials).toHaveAttribute('aria-invalid', 'true');
    expect(requests.some((r) => r.path === '/api/v1/optimizations')).toBe(false);
  });

  it('captions the chart with the timeframe the backtest ran on', async () => {
    const user = userEvent.setup();
    renderWithI18n(<LabPage />);
    await user.click(await screen.findByRole('button', { name: 'Run backtest' }, { timeout: 10_000 }));
    await screen.findByRole('region', { name: 'Price chart with trades' }, { timeout: 10_000 });
    // The data answer says 4-hour candles (timeframe_ms) from a source made at 1h.
    expect(screen.getByText(/2,190 4h candles from/)).toBeInTheDocument();
    expect(screen.queryByText(/timeframe=1h/)).not.toBeInTheDocument();
  });
});
