import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { TickMarkType } from 'lightweight-charts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import HistoryPage from '@/app/(app)/history/page';
import { periodStart } from '@/app/(app)/history/history-format';
import { chartMarks } from '@/components/PositionChart';
import { tickLabel } from '@/components/Charts';
import type { PositionChartData } from '@/lib/types';
import { renderWithI18n } from './render';

vi.mock('next-auth/react', () => ({
  useSession: () => ({ data: { accessToken: 'session-token' } }),
  signOut: vi.fn(),
}));
vi.mock('@/lib/navigate', () => ({ hardNavigate: vi.fn() }));
// The canvas charts do not run in jsdom: the curve is checked by the props it is given.
const curves: { times: number[]; values: number[]; label: string }[] = [];
vi.mock('@/components/Charts', async (original) => ({
  ...(await original<Record<string, unknown>>()),
  CurveChart: (props: { times: number[]; values: number[]; label: string }) => {
    curves.push(props);
    return <div role="img" aria-label={props.label} />;
  },
}));

const json = (body: unknown) =>
  new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });

const trade = (overrides: Record<string, unknown>) => ({
  symbol: 'BTCUSDT',
  side: 'long',
  status: 'closed',
  qty: '1',
  entry_price: '100',
  exit_price: '110',
  entry_time: '2026-03-01T10:00:00.000Z',
  exit_time: '2026-03-01T12:00:00.000Z',
  entry_reason: 'signal',
  exit_reason: 'take_profit',
  realized_pnl: '10',
  fees: '0.21',
  funding: '0',
  net_pnl: '9.79',
  fills: 2,
  account_id: 'acc-a',
  account_label: 'Alpha',
  exchange: 'paper',
  ...overrides,
});

const summary = {
  closed_trades: 2,
  open_trades: 0,
  wins: 1,
  losses: 1,
  win_rate_pct: 50,
  net_pnl: '-0.315',
  fees: '0.315',
  funding: '0',
  gross_profit: '9.79',
  gross_loss: '10.105',
  profit_factor: '0.9688',
  best_trade: '9.79',
  worst_trade: '-10.105',
};
const day = (
  date: string,
  net: string,
  cumulative: string,
  returns: [string | null, string | null, string | null] = ['1000', '0.979', '0.979'],
) => ({
  date,
  realized_pnl: net,
  fees: '0',
  funding: '0',
  net_pnl: net,
  cumulative_net_pnl: cumulative,
  fills: 1,
  start_equity: returns[0],
  return_pct: returns[1],
  cumulative_return_pct: returns[2],
});

function fakeApi() {
  const calls: string[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input) => {
    const url = String(input);
    calls.push(url);
    if (url === '/api/v1/accounts-secure/list')
      return json({
        accounts: [
          { id: 'acc-a', exchange: 'paper', label: 'Alpha', testnet: true, is_active: true },
          { id: 'acc-b', exchange: 'paper', label: 'Beta', testnet: true, is_active: true },
        ],
      });
    if (url.startsWith('/api/v1/history/trades') && url.includes('format=csv'))
      return new Response('symbol,side\r\nBTCUSDT,long\r\n', { headers: { 'content-type': 'text/csv' } });
    if (url.startsWith('/api/v1/history/trades'))
      return json({
        trades: [
          trade({ symbol: 'ETHUSDT', side: 'short', exit_reason: 'stop_loss', net_pnl: '-10.105' }),
          trade({}),
        ],
        total: 2,
      });
    if (url.includes('period=month'))
      return json({
        period: 'month',
        periods: [
          day('2026-03', '9.79', '9.79'),
          day('2026-04', '-10.105', '-0.315', ['1009.79', '-1.00070312', '-0.0315']),
        ],
        summary,
      });
    if (url.startsWith('/api/v1/history/returns'))
      return json({
        period: 'day',
        periods: [
          day('2026-03-01', '9.79', '9.79'),
          day('2026-04-03', '-10.105', '-0.315', [null, null, null]),
        ],
        summary,
      });
    throw new Error(`unexpected ${url}`);
  });
  return calls;
}

afterEach(() => {
  vi.restoreAllMocks();
  curves.length = 0;
});

describe('the trade history page', () => {
  it('shows the closed trades with what closed them, the summary, the cumulative curve and daily then monthly returns', async () => {
    const user = userEvent.setup();
    const calls = fakeApi();
    renderWithI18n(<HistoryPage />);
    const trades = await screen.findByTestId('history-trades', {}, { timeout: 10_000 });
    const rows = within(trades).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(within(rows[0]!).getByText('Stop-loss')).toBeInTheDocument();
    expect(within(rows[0]!).getByText('-10.105')).toHaveClass('neg');
    expect(within(rows[1]!).getByText('Take-profit')).toBeInTheDocument();
    expect(within(rows[1]!).getByRole('link', { name: 'Chart of BTCUSDT' })).toHaveAttribute(
      'href',
      '/history/acc-a/BTCUSDT',
    );
    const stats = await screen.findByTestId('history-summary', {}, { timeout: 10_000 });
    expect(within(stats).getByText('50 %')).toBeInTheDocument();
    expect(within(stats).getByText('-0.315')).toHaveClass('neg');
    // The curve: one point per day at its UTC midnight, the running net.
    const curve = curves.at(-1)!;
    expect(curve.times).toEqual([Date.UTC(2026, 2, 1), Date.UTC(2026, 3, 3)]);
    expect(curve.values).toEqual([9.79, -0.315]);
    // Newest period first.
    const returns = await screen.findByTestId('returns');
    const [header, newest, oldest] = within(returns).getAllByRole('row');
    expect(
      within(header!)
        .getAllByRole('columnheader')
        .map((c) => c.textContent),
    ).toEqual([
      'Date',
      'Realized',
      'Fees',
      'Funding',
      'Net PnL',
      'Cumulative',
      'Return %',
      'Cumulative %',
      'Fills',
    ]);
    expect(newest).toHaveTextContent('2026-04-03');
    // Unknown returns are a dash, with the note saying why.
    expect(
      within(newest!)
        .getAllByRole('cell')
        .slice(6, 8)
        .map((c) => c.textContent),
    ).toEqual(['—', '—']);
    expect(screen.getByTestId('returns-unknown')).toHaveTextContent(/first recorded balance/);
    expect(
      within(oldest!)
        .getAllByRole('cell')
        .slice(6, 8)
        .map((c) => c.textContent),
    ).toEqual(['0.98 %', '0.98 %']);
    await user.click(screen.getByRole('radio', { name: 'Monthly' }));
    await screen.findByRole('columnheader', { name: 'Month' });
    const month = within(screen.getByTestId('returns')).getAllByRole('row')[1]!;
    expect(month).toHaveTextContent('2026-04');
    // Rounded for display only: −1.00070312 → −1 %, −0.0315 → −0.03 %.
    const monthPct = within(month).getAllByRole('cell').slice(6, 8);
    expect(monthPct.map((c) => c.textContent)).toEqual(['-1 %', '-0.03 %']);
    expect(monthPct[0]).toHaveClass('neg');
    expect(screen.queryByTestId('returns-unknown')).toBeNull();
    // One account: every read is scoped to it.
    await user.selectOptions(screen.getByLabelText('Account'), 'acc-b');
    await vi.waitFor(() => expect(calls.some((c) => c.includes('account_id=acc-b'))).toBe(true));
  });

  it('downloads the trades as CSV with the session token', async () => {
    const user = userEvent.setup();
    const calls = fakeApi();
    const created: Blob[] = [];
    URL.createObjectURL = vi.fn((blob: Blob) => {
      created.push(blob);
      return 'blob:trades';
    });
    URL.revokeObjectURL = vi.fn();
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    renderWithI18n(<HistoryPage />);
    await user.click(await screen.findByRole('button', { name: 'Download trades (CSV)' }));
    await vi.waitFor(() => expect(click).toHaveBeenCalled());
    expect(calls).toContain('/api/v1/history/trades?limit=1000&format=csv');
    const [, init] = vi.mocked(fetch).mock.calls.find(([url]) => String(url).includes('format=csv'))!;
    expect(init?.headers).toEqual({ authorization: 'Bearer session-token' });
    expect(await created[0]!.text()).toContain('BTCUSDT,long');
  });

  it('speaks Korean', async () => {
    fakeApi();
    renderWithI18n(<HistoryPage />, 'ko');
    await screen.findByRole('heading', { name: '거래 내역과 성과' });
    const trades = await screen.findByTestId('history-trades', {}, { timeout: 10_000 });
    expect(within(trades).getByText('손절')).toBeInTheDocument();
  });
});

describe('the position chart marks', () => {
  const data = (overrides: Partial<PositionChartData> = {}): PositionChartData => ({
    account_id: 'a',
    symbol: 'BTCUSDT',
    timeframe: '1h',
    candles: [0, 1, 2, 3].map((k) => ({ time: 3_600_000 * k, open: 1, high: 2, low: 0.5, close: 1.5 })),
    fills: [
      {
        time: 3_600_000 + 1_000,
        side: 'buy',
        position_side: 'net',
        qty: '1',
        price: '100',
        realized_pnl: '0',
        reason: 'signal',
      },
      {
        time: 3 * 3_600_000 + 59_000,
        side: 'sell',
        position_side: 'net',
        qty: '1',
        price: '90',
        realized_pnl: '-10',
        reason: 'stop_loss',
      },
      {
        time: -5,
        side: 'buy',
        position_side: 'net',
        qty: '1',
        price: '1',
        realized_pnl: '0',
        reason: 'signal',
      },
    ],
    orders: [
      {
        venue_order_id: '1',
        client_order_id: 'c1',
        symbol: 'BTCUSDT',
        kind: 'stop_loss',
        side: 'sell',
        position_side: 'net',
        qty: '1',
        price: null,
        trigger_price: '95',
        reduce_only: true,
        status: 'new',
      },
      {
        venue_order_id: '2',
        client_order_id: 'c2',
        symbol: 'BTCUSDT',
        kind: 'take_profit',
        side: 'sell',
        position_side: 'net',
        qty: '1',
        price: null,
        trigger_price: '120',
        reduce_only: true,
        status: 'new',
      },
      {
        venue_order_id: '3',
        client_order_id: 'c3',
        symbol: 'BTCUSDT',
        kind: 'limit',
        side: 'buy',
        position_side: 'net',
        qty: '1',
        price: '80',
        trigger_price: null,
        reduce_only: false,
        status: 'new',
      },
    ],
    positions: [{ side: 'net', qty: '1', entry_price: '100', mark_price: '101', unrealized_pnl: '1' }],
    ...overrides,
  });

  it('puts each fill on the candle it happened in, tells entries from exits, and draws the resting stop and take-profit', () => {
    const { marks, levels } = chartMarks(data());
    expect(marks).toEqual([
      { barTime: 3_600_000, kind: 'entry', side: 'buy', reason: 'signal', price: 100 },
      { barTime: 3 * 3_600_000, kind: 'exit', side: 'sell', reason: 'stop_loss', price: 90 },
    ]); // the fill before the first candle is off the chart
    expect(levels).toEqual([
      { kind: 'stop_loss', price: 95 },
      { kind: 'take_profit', price: 120 },
      { kind: 'entry', price: 100 },
    ]);
    expect(chartMarks(data({ positions: [], orders: [] })).levels).toEqual([]);
  });
});

describe('chart time axis', () => {
  it('labels ticks with dates that say which day, month or year they are', () => {
    const t = Date.UTC(2024, 3, 23, 14, 5) / 1000;
    expect(tickLabel(t, TickMarkType.Year, 'en-US')).toBe('2024');
    expect(tickLabel(t, TickMarkType.Month, 'en-US')).toBe('Apr 2024');
    expect(tickLabel(t, TickMarkType.DayOfMonth, 'en-US')).toBe('Apr 23');
    expect(tickLabel(t, TickMarkType.Time, 'en-US')).toBe('14:05');
    expect(tickLabel(t, TickMarkType.Month, 'ko-KR')).toBe('2024년 4월');
  });

  it('reads API periods as UTC midnights', () => {
    expect(periodStart('2026-04-03')).toBe(Date.UTC(2026, 3, 3));
    expect(periodStart('2026-04')).toBe(Date.UTC(2026, 3, 1));
  });
});
