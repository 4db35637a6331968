import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import LabPage from '@/app/(app)/lab/page';
import { difference, returnCurve } from '@/app/(app)/lab/LabCompare';
import { heatmapOf, LabHeatmap } from '@/app/(app)/lab/LabHeatmap';
import { initialLabState, labReducer } from '@/app/(app)/lab/lab-state';
import { spaceBody } from '@/app/(app)/lab/search-space';
import type { BacktestResult, LabRun, OptimizationJob, StrategyDecl } from '@/lib/types';
import { renderWithI18n } from './render';

vi.mock('next-auth/react', () => ({
  useSession: () => ({ data: { accessToken: 'token' } }),
  signOut: vi.fn(),
}));
// lightweight-charts draws on a canvas, which jsdom does not have: the chart lists its lines instead.
vi.mock('@/components/Charts', () => ({
  BacktestChart: () => <div data-testid="backtest-chart" />,
  CurveChart: () => null,
  LinesChart: ({
    lines,
    testId,
  }: {
    lines: { label: string; values: (number | null)[] }[];
    testId?: string;
  }) => (
    <ul data-testid={testId}>
      {lines.map((l) => (
        <li
          key={l.label}
        >{`${l.label}: ${l.values.map((v) => (v === null ? 'gap' : Math.round(v * 1e6) / 1e6)).join(',')}`}</li>
      ))}
    </ul>
  ),
}));

const text = (en: string, ko = en) => ({ en, ko });
const param = (name: string, value: number, label: string, min = 2, max = 300) => ({
  name,
  type: 'int' as const,
  default: value,
  min,
  max,
  step: 1,
  label: text(label),
});
const emaCross: StrategyDecl = {
  id: 'ema_cross',
  name: text('EMA Crossover', 'EMA 크로스오버'),
  description: text('Two EMAs'),
  rules: { long_entry: text('up'), long_exit: text('-'), short_entry: text('down'), short_exit: text('-') },
  params: [param('fastLength', 9, 'Fast EMA length'), param('slowLength', 21, 'Slow EMA length')],
  constraints: [],
  plots: [],
};
const threeParams: StrategyDecl = {
  ...emaCross,
  id: 'three',
  params: [param('a', 5, 'A', 1, 10), param('b', 6, 'B', 1, 10), param('c', 7, 'C', 1, 10)],
};

function backtest(equity: number[], extra: Partial<BacktestResult['metrics']> = {}): BacktestResult {
  return {
    strategy: 'ema_cross',
    params: { fastLength: 12, slowLength: 21 },
    data: { source: 'synthetic:seed=42', bars: equity.length, from: 0, to: 3, timeframe_ms: 3_600_000 },
    metrics: {
      initial_capital: 1000,
      net_profit: 50,
      sharpe: 1.25,
      total_trades: 4,
      ...extra,
    } as BacktestResult['metrics'],
    trades: [],
    open_trade: null,
    candles: { time: equity.map((_, k) => k * 3_600_000), open: [], high: [], low: [], close: [] },
    indicators: [],
    equity,
    drawdown: [],
    buy_hold_equity: equity.map((v) => v - 1),
  };
}
const resultA = backtest([1000, 1100, 1050], { net_profit: 50, sharpe: 1.25, total_trades: 4 });
const resultB = backtest([1000, 900, 1200], { net_profit: 200, sharpe: null, total_trades: 7 });

function run(id: string, name: string, extra: Partial<LabRun> = {}): LabRun {
  return {
    id,
    name,
    strategy: 'ema_cross',
    params: { fastLength: 12, slowLength: 21 },
    options: {
      initial_capital: 1000,
      size_pct: 20,
      leverage: 3,
      commission_pct: 0.1,
      direction: 'long',
      stop_loss_pct: 1.5,
      take_profit_atr: 0,
    },
    data: { source: 'sample', timeframe: '1d' },
    data_info: { source: 'synthetic', bars: 3, from: 0, to: 2, timeframe_ms: 86_400_000 },
    metrics: { net_profit_pct: 5, max_drawdown_pct: 2, sharpe: 1.25, total_trades: 4 } as LabRun['metrics'],
    created_at: '2026-03-01T10:00:00.000Z',
    ...extra,
  };
}
const runA = run('a0000000-0000-4000-8000-000000000001', 'First try');
const runB = run('b0000000-0000-4000-8000-000000000002', 'Second try', {
  data: {
    source: 'exchange',
    exchange: 'okx',
    symbol: 'ETHUSDT',
    timeframe: '4h',
    from: Date.UTC(2026, 0, 5),
    to: Date.UTC(2026, 1, 7, 13),
  },
});

let requests: { method: string; path: string; body: unknown }[];
let runs: LabRun[];
let answers: Record<string, { status: number; body: unknown }>;
beforeEach(() => {
  requests = [];
  runs = [runA, runB];
  answers = {};
  window.scrollTo = vi.fn() as typeof window.scrollTo;
  vi.stubGlobal(
    'fetch',
    vi.fn(async (path: string, init: { method: string; body?: string }) => {
      const body = init.body ? JSON.parse(init.body) : undefined;
      requests.push({ method: init.method, path, body });
      const reply = (status: number, value: unknown) => new Response(JSON.stringify(value), { status });
      const key = `${init.method} ${path}`;
      if (answers[key]) return reply(answers[key].status, answers[key].body);
      if (path === '/api/v1/strategies') return reply(200, { strategies: [emaCross] });
      if (path === '/api/v1/backtests') return reply(200, resultA);
      if (path === '/api/v1/lab/runs' && init.method === 'GET') return reply(200, { runs });
      if (path === '/api/v1/lab/runs' && init.method === 'POST')
        return reply(201, run('c0000000-0000-4000-8000-000000000003', body.name));
      const match = /^\/api\/v1\/lab\/runs\/([^/]+)(\/result)?$/.exec(path);
      if (match) {
        const found = runs.find((r) => r.id === match[1])!;
        if (init.method === 'DELETE') {
          runs = runs.filter((r) => r !== found);
          return reply(200, { success: true });
        }
        return reply(200, match[2] ? (found === runA ? resultA : resultB) : found);
      }
      return reply(404, { error: { code: 'NOT_FOUND', message: path } });
    }),
  );
});
afterEach(() => vi.unstubAllGlobals());

describe('buy and hold on the equity chart', () => {
  it('draws the strategy’s equity and buy-and-hold from the backtest’s answer', async () => {
    const user = userEvent.setup();
    renderWithI18n(<LabPage />);
    await user.click(await screen.findByRole('button', { name: 'Run backtest' }, { timeout: 10_000 }));
    const chart = await screen.findByTestId('equity-chart', {}, { timeout: 10_000 });
    expect(within(chart).getByText('Strategy: 1000,1100,1050')).toBeInTheDocument();
    expect(within(chart).getByText('Buy & hold: 999,1099,1049')).toBeInTheDocument();
  });
});

describe('saved runs', () => {
  it('saves the backtest just run under a name, with the request that produced it', async () => {
    const user = userEvent.setup();
    renderWithI18n(<LabPage />);
    await user.click(await screen.findByRole('button', { name: 'Run backtest' }, { timeout: 10_000 }));
    const name = await screen.findByLabelText('Name', {}, { timeout: 10_000 });
    expect(name).toHaveValue('EMA Crossover 9/21');
    await user.clear(name);
    await user.type(name, 'My EMA');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Saved as “My EMA”.')).toBeInTheDocument();
    const backtestBody = requests.find((r) => r.path === '/api/v1/backtests')!.body as object;
    expect(requests.find((r) => r.method === 'POST' && r.path === '/api/v1/lab/runs')!.body).toEqual({
      name: 'My EMA',
      ...backtestBody,
    });
    // The list loads again after saving.
    await waitFor(() =>
      expect(requests.filter((r) => r.method === 'GET' && r.path === '/api/v1/lab/runs')).toHaveLength(2),
    );
  });

  it('puts the API’s refusal of the name next to the field, in Korean too', async () => {
    answers['POST /api/v1/lab/runs'] = {
      status: 400,
      body: {
        error: {
          code: 'VALIDATION_FAILED',
          message: 'body.name: Too big',
          details: {
            issues: [{ field: 'name', message: 'Too big', code: 'too_big', origin: 'string', maximum: 100 }],
          },
        },
      },
    };
    const user = userEvent.setup();
    renderWithI18n(<LabPage />, 'ko');
    await user.click(await screen.findByRole('button', { name: '백테스트 실행' }, { timeout: 10_000 }));
    const name = await screen.findByLabelText('이름', {}, { timeout: 10_000 });
    await user.click(screen.getByRole('button', { name: '저장' }));
    await waitFor(() => expect(name).toHaveAttribute('aria-invalid', 'true'));
    expect(name).toHaveAccessibleDescription(/100/);
    // An empty name is refused before anything is sent.
    await user.clear(name);
    await user.click(screen.getByRole('button', { name: '저장' }));
    expect(name).toHaveAccessibleDescription('이름을 입력하세요.');
    expect(requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/lab/runs')).toHaveLength(1);
  });

  it('lists saved runs with their strategy, parameters, data and key metrics', async () => {
    renderWithI18n(<LabPage />);
    const table = await screen.findByTestId('saved-runs', {}, { timeout: 10_000 });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(rows[1]).toHaveTextContent('First try');
    expect(rows[1]).toHaveTextContent('EMA Crossover');
    expect(rows[1]).toHaveTextContent('12 / 21');
    expect(rows[1]).toHaveTextContent('Sample · 1d');
    expect(rows[1]).toHaveTextContent('1.25');
    expect(rows[2]).toHaveTextContent('okx ETHUSDT 4h');
  });

  it('opens a saved run: its settings back in the form and its recomputed result shown', async () => {
    const user = userEvent.setup();
    renderWithI18n(<LabPage />);
    await screen.findByTestId('saved-runs', {}, { timeout: 10_000 });
    await user.click(screen.getByRole('button', { name: 'Open “Second try”' }));
    expect(await screen.findByText(/Opened “Second try”/)).toBeInTheDocument();
    expect(screen.getByLabelText('Fast EMA length')).toHaveValue(12);
    expect(screen.getByLabelText('Leverage')).toHaveValue(3);
    expect(screen.getByRole('radio', { name: 'Download from an exchange' })).toBeChecked();
    expect(screen.getByLabelText('Symbol')).toHaveValue('ETHUSDT');
    expect(screen.getByLabelText('Exchange')).toHaveValue('okx');
    const chart = await screen.findByTestId('equity-chart');
    expect(within(chart).getByText('Strategy: 1000,900,1200')).toBeInTheDocument();
    // An opened run is saved already: no second save form.
    expect(screen.queryByRole('button', { name: 'Save' })).not.toBeInTheDocument();
  });

  it('deletes a run', async () => {
    const user = userEvent.setup();
    renderWithI18n(<LabPage />);
    await screen.findByTestId('saved-runs', {}, { timeout: 10_000 });
    await user.click(screen.getByRole('button', { name: 'Delete “First try”' }));
    expect(await screen.findByText('Deleted “First try”.')).toBeInTheDocument();
    expect(requests.some((r) => r.method === 'DELETE' && r.path === `/api/v1/lab/runs/${runA.id}`)).toBe(
      true,
    );
    await waitFor(() => expect(within(screen.getByTestId('saved-runs')).getAllByRole('row')).toHaveLength(2));
  });

  it('compares two runs: metrics with B − A and both equity curves as returns', async () => {
    const user = userEvent.setup();
    renderWithI18n(<LabPage />);
    await screen.findByTestId('saved-runs', {}, { timeout: 10_000 });
    const compare = screen.getByRole('button', { name: 'Compare the two selected' });
    expect(compare).toBeDisabled();
    await user.click(screen.getByRole('checkbox', { name: 'Compare “First try”' }));
    expect(compare).toBeDisabled();
    await user.click(screen.getByRole('checkbox', { name: 'Compare “Second try”' }));
    await user.click(compare);
    const table = await screen.findByTestId('compare-metrics', {}, { timeout: 10_000 });
    const row = (label: string) => within(table).getByRole('rowheader', { name: label }).closest('tr')!;
    expect(row('Net profit')).toHaveTextContent('Net profit50200+150');
    expect(row('Closed trades')).toHaveTextContent('Closed trades47+3');
    // Sharpe of B is undefined: no difference either.
    expect(row('Sharpe ratio')).toHaveTextContent('Sharpe ratio1.25——');
    const chart = screen.getByTestId('compare-chart');
    expect(within(chart).getByText('A: First try: 0,10,5')).toBeInTheDocument();
    expect(within(chart).getByText('B: Second try: 0,-10,20')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Close the comparison' }));
    expect(screen.queryByTestId('comparison')).not.toBeInTheDocument();
  });
});

describe('comparison arithmetic', () => {
  it('differences are B − A and undefined when a side is', () => {
    expect(difference(1.5, 4)).toBe(2.5);
    expect(difference(null, 4)).toBeNull();
    expect(difference(3, null)).toBeNull();
  });
  it('a return curve is equity over initial capital, minus one, in percent; gaps stay gaps', () => {
    expect(returnCurve({ ...resultA, equity: [1000, null, 1250, 750] })).toEqual([0, null, 25, -25]);
  });
});

describe('opening a saved run in the reducer', () => {
  it('restores options (percent stop, no take-profit), draft, and a CSV file with its text', () => {
    const csvRun = run('d0000000-0000-4000-8000-000000000004', 'csv', {
      data: { source: 'csv', name: 'mine.csv', csv: 'time,open', timeframe: '4h' },
    });
    const state = labReducer(initialLabState(0), {
      type: 'runOpened',
      run: csvRun,
      result: resultA,
      strategy: emaCross,
    });
    expect(state.strategyId).toBe('ema_cross');
    expect(state.draft).toEqual({ fastLength: '12', slowLength: '21' });
    // (The trailing stop and close % fields keep their defaults: this run states neither.)
    expect(state.settings).toMatchObject({
      capital: '1000',
      sizePct: '20',
      leverage: '3',
      commission: '0.1',
      direction: 'long',
      stopLossMode: 'percent',
      stopLoss: '1.5',
      takeProfitMode: 'none',
      takeProfit: '',
    });
    expect(state.data).toMatchObject({
      choice: 'csv',
      timeframe: '4h',
      csv: { name: 'mine.csv', text: 'time,open' },
    });
    expect(state.backtest).toEqual({ busy: false, error: undefined, result: resultA, request: null });
    expect(Object.keys(state.optimizer.ranges)).toEqual(['fastLength', 'slowLength']);
  });
});

describe('search ranges', () => {
  const ranges = {
    a: { vary: true, min: '1', max: '3', step: '1' },
    b: { vary: true, min: '2', max: '10', step: '4' },
    c: { vary: false, min: '1', max: '10', step: '1' },
  };
  it('sends each searched range and each fixed parameter at the form’s value; counts the grid', () => {
    expect(spaceBody(threeParams, ranges, { a: 5, b: 6, c: 7 })).toEqual({
      space: { a: { min: 1, max: 3, step: 1 }, b: { min: 2, max: 10, step: 4 }, c: 7 },
      points: 9,
    });
  });
  it('is null while a range is outside the declaration, upside down, or not whole', () => {
    expect(spaceBody(threeParams, { ...ranges, a: { ...ranges.a, max: '11' } }, { c: 7 })).toBeNull();
    expect(spaceBody(threeParams, { ...ranges, a: { ...ranges.a, min: '4' } }, { c: 7 })).toBeNull();
    expect(spaceBody(threeParams, { ...ranges, b: { ...ranges.b, step: '0.5' } }, { c: 7 })).toBeNull();
  });
  it('the optimizer sends the space; unticking a parameter fixes it at the form’s value', async () => {
    answers['POST /api/v1/optimizations'] = {
      status: 409,
      body: { error: { code: 'OPTIMIZATION_BUSY', message: 'busy' } },
    };
    const user = userEvent.setup();
    renderWithI18n(<LabPage />);
    const slowTo = await screen.findByLabelText('Slow EMA length: To', {}, { timeout: 10_000 });
    await user.clear(slowTo);
    await user.type(slowTo, '30');
    await user.clear(screen.getByLabelText('Slow EMA length: From'));
    await user.type(screen.getByLabelText('Slow EMA length: From'), '10');
    await user.clear(screen.getByLabelText('Slow EMA length: Step'));
    await user.type(screen.getByLabelText('Slow EMA length: Step'), '10');
    await user.click(screen.getByRole('checkbox', { name: 'Search Fast EMA length' }));
    expect(screen.getByText('Fixed at 9')).toBeInTheDocument();
    expect(screen.getByTestId('grid-size')).toHaveTextContent('Full grid: 3 parameter sets, all tested.');
    await user.click(screen.getByRole('button', { name: 'Start optimization' }));
    await waitFor(() => expect(requests.some((r) => r.path === '/api/v1/optimizations')).toBe(true));
    expect(requests.find((r) => r.path === '/api/v1/optimizations')!.body).toMatchObject({
      space: { fastLength: 9, slowLength: { min: 10, max: 30, step: 10 } },
    });
  });
  it('marks a range upside down next to its field', async () => {
    const user = userEvent.setup();
    renderWithI18n(<LabPage />);
    const fastTo = await screen.findByLabelText('Fast EMA length: To', {}, { timeout: 10_000 });
    await user.clear(fastTo);
    await user.type(fastTo, '1');
    expect(fastTo).toHaveAttribute('aria-invalid', 'true');
    expect(fastTo).toHaveAccessibleDescription('Must be between 2 and 300.');
    expect(screen.getByRole('button', { name: 'Start optimization' })).toBeDisabled();
  });
});

type OptimizationResult = NonNullable<OptimizationJob['result']>;
const optimization = (
  space: OptimizationResult['space'],
  scores: OptimizationResult['scores'],
): OptimizationResult => ({
  strategy: 'ema_cross',
  objective: 'net_profit',
  method: 'grid',
  candidates: scores?.length ?? 0,
  data: resultA.data,
  ranking: [],
  walk_forward: null,
  space,
  scores,
});

describe('parameter heatmap', () => {
  const space = { fastLength: { min: 5, max: 15, step: 5 }, slowLength: { min: 10, max: 30, step: 10 } };
  const scores = [
    { params: { fastLength: 5, slowLength: 30 }, score: 40 },
    { params: { fastLength: 5, slowLength: 10 }, score: -20 },
    { params: { fastLength: 10, slowLength: 30 }, score: 10 },
    { params: { fastLength: 5, slowLength: 20 }, score: null },
  ];

  it('is drawn only when exactly two parameters were searched', () => {
    expect(heatmapOf(optimization(space, scores))).not.toBeNull();
    expect(
      heatmapOf(optimization({ ...space, slowLength: { min: 21, max: 21, step: 1 } }, scores)),
    ).toBeNull();
    expect(heatmapOf(optimization(undefined, undefined))).toBeNull();
  });

  it('writes every value in its cell, marks the best with a star and untested sets with a dash', () => {
    const heatmap = heatmapOf(optimization(space, scores))!;
    expect(heatmap.best).toEqual({ x: 5, y: 30 });
    renderWithI18n(<LabHeatmap heatmap={heatmap} strategy={emaCross} objectiveLabel="Net profit" />);
    const table = screen.getByTestId('heatmap');
    const rows = within(table).getAllByRole('row');
    // Header: the axes and the fast lengths; then one row per slow length.
    expect(rows.map((r) => r.textContent)).toEqual([
      'Slow EMA length ↓ · Fast EMA length →51015',
      '10-20——',
      '20———',
      '30★ best 4010—',
    ]);
    const best = within(rows[3]!).getAllByRole('cell')[0]!;
    expect(best).toHaveAttribute('title', 'Fast EMA length 5, Slow EMA length 30: score 40');
    // Colour is a second channel only: the worst cell is tinted red, the best green.
    expect(best.getAttribute('style')).toContain('var(--pos)');
    expect(within(rows[1]!).getAllByRole('cell')[0]!.getAttribute('style')).toContain('var(--neg)');
    expect(screen.getByText(/Each cell is one parameter set’s score \(Net profit\)/)).toBeInTheDocument();
  });
});
