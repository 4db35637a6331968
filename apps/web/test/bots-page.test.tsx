import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import BotsPage from '@/app/(app)/bots/page';
import BotPage from '@/app/(app)/bots/[id]/page';
import type { Bot, BotChart } from '@/lib/types';
import { renderWithI18n } from './render';

vi.mock('next-auth/react', () => ({
  useSession: () => ({ data: { accessToken: 'session-token' } }),
  signOut: vi.fn(),
}));
vi.mock('next/navigation', () => ({ useParams: () => ({ id: 'bot-2' }), usePathname: () => '/bots/bot-2' }));
// lightweight-charts draws on a canvas, which jsdom does not have: the chart gets the API's answer as is.
const drawn: BotChart[] = [];
vi.mock('@/components/Charts', () => ({
  BotLiveChart: ({ chart }: { chart: BotChart }) => {
    drawn.push(chart);
    return <div data-testid="bot-chart" />;
  },
}));

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const HOUR = 3_600_000;
const T = Date.UTC(2026, 11, 7, 10);

const bot = (overrides: Partial<Bot> = {}): Bot => ({
  id: 'bot-1',
  account_id: 'acc-1',
  exchange: 'paper',
  name: 'ema 1h',
  strategy: 'ema_cross',
  params: { fastLength: 9, slowLength: 21 },
  symbol: 'BTCUSDT',
  timeframe: '1h',
  plan: {
    size_pct: 10,
    leverage: 3,
    margin_mode: 'cross',
    sl_atr: 2,
    sl_pct: null,
    tp_atr: 0,
    tp_pct: null,
    atr_period: 14,
    direction: 'both',
  },
  max_signal_age_s: 90,
  desired_state: 'running',
  status: 'running',
  status_reason: null,
  status_since: '2026-12-07T09:00:00Z',
  position: 'long',
  last_bar_time: T - HOUR,
  next_bar_due: T + HOUR,
  pnl: {
    realized_pnl: '41.5',
    fees: '1.5',
    net_pnl: '40',
    closed_trades: 3,
    open_trades: 1,
    wins: 2,
  },
  created_at: '2026-12-07T08:00:00Z',
  updated_at: '2026-12-07T09:00:00Z',
  ...overrides,
});

const account = {
  id: 'acc-1',
  exchange: 'paper',
  label: 'Paper real',
  testnet: true,
  is_active: true,
  created_at: '2026-12-01T00:00:00Z',
  webhook_secret_hint: 'abcd',
  market_data: 'binance',
};

function fakeApi(routes: Record<string, (body: unknown) => Response>) {
  const calls: string[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const route = `${init?.method ?? 'GET'} ${String(input)}`;
    calls.push(route);
    const answer = routes[route];
    if (!answer) throw new Error(`unexpected ${route}`);
    return answer(init?.body ? JSON.parse(String(init.body)) : undefined);
  });
  return calls;
}

afterEach(() => vi.restoreAllMocks());

describe('the bots page', () => {
  it('lists bots with status (and an error’s reason), bars, position and PnL; stops one after confirmation', async () => {
    const user = userEvent.setup();
    const calls = fakeApi({
      'GET /api/v1/bots': () =>
        json({
          bots: [
            bot(),
            bot({
              id: 'bot-3',
              name: '',
              status: 'error',
              status_reason: 'ACCOUNT_INACTIVE: the account is deactivated',
              position: 'flat',
              desired_state: 'running',
            }),
            bot({ id: 'bot-4', name: 'rsi', status: 'warming_up', last_bar_time: null, next_bar_due: null }),
          ],
          total: 3,
        }),
      'GET /api/v1/accounts-secure/list': () => json({ accounts: [account], total: 1 }),
      'GET /api/v1/accounts-secure/acc-1/positions': () =>
        json({
          account_id: 'acc-1',
          positions: [
            {
              venue_symbol: 'BTCUSDT',
              side: 'net',
              qty: '0.01',
              entry_price: '50000',
              mark_price: '50250',
              unrealized_pnl: '-2.5',
              leverage: 3,
              margin_mode: 'cross',
            },
          ],
        }),
      'GET /api/v1/strategies': () => json({ strategies: [] }),
      'POST /api/v1/bots/bot-1/stop': () => json(bot({ desired_state: 'stopped', status: 'stopped' })),
    });
    renderWithI18n(<BotsPage />);
    const row = await screen.findByTestId('bot-bot-1');
    expect(within(row).getByTestId('bot-status')).toHaveTextContent('Running');
    expect(within(row).getByText('BTCUSDT · 1h')).toBeInTheDocument();
    expect(within(row).getByText('Paper real')).toBeInTheDocument();
    expect(within(row).getByText('Long')).toBeInTheDocument();
    expect(await within(row).findByTestId('bot-pnl')).toHaveTextContent('-2.5');
    // What the bot traded (its own fills): net realized PnL and round trips.
    expect(within(row).getByTestId('bot-realized')).toHaveTextContent('40');
    expect(within(row).getByTestId('bot-trades')).toHaveTextContent('3 closed · 2 won · 1 open');
    const failing = screen.getByTestId('bot-bot-3');
    expect(within(failing).getByTestId('bot-status')).toHaveTextContent('Error');
    expect(within(failing).getByTestId('bot-status-reason')).toHaveTextContent('the account is deactivated');
    expect(within(screen.getByTestId('bot-bot-4')).getByTestId('bot-status')).toHaveTextContent('Warming up');

    await user.click(within(row).getByRole('button', { name: 'Stop' }));
    const dialog = within(row).getByRole('alertdialog');
    expect(dialog).toHaveTextContent(
      'Stop ema 1h? Its open position and resting stop-loss stay on the venue.',
    );
    expect(calls).not.toContain('POST /api/v1/bots/bot-1/stop');
    await user.click(within(dialog).getByRole('button', { name: 'Confirm' }));
    expect(calls).toContain('POST /api/v1/bots/bot-1/stop');
  });

  it('creates a bot and puts the API’s field error next to the timeframe', async () => {
    const user = userEvent.setup();
    const posted: unknown[] = [];
    fakeApi({
      'GET /api/v1/bots': () => json({ bots: [], total: 0 }),
      'GET /api/v1/accounts-secure/list': () => json({ accounts: [account], total: 1 }),
      'GET /api/v1/strategies': () =>
        json({
          strategies: [{ id: 'ema_cross', name: { en: 'EMA Crossover', ko: 'EMA 교차' }, params: [] }],
        }),
      'POST /api/v1/bots': (body) => {
        posted.push(body);
        return json(
          {
            detail: 'timeframe: Binance has no 2h',
            error: {
              code: 'VALIDATION_FAILED',
              message: 'timeframe: the venue has no such timeframe',
              details: {
                issues: [{ field: 'timeframe', code: 'custom', message: 'the venue has no such timeframe' }],
              },
            },
          },
          400,
        );
      },
    });
    renderWithI18n(<BotsPage />);
    expect(await screen.findByText(/No bots yet/)).toBeInTheDocument();
    await screen.findByRole('option', { name: 'EMA Crossover' });
    await user.selectOptions(screen.getByLabelText('Timeframe'), '4h');
    await user.click(screen.getByRole('button', { name: 'Create bot' }));
    expect(posted).toEqual([
      { account_id: 'acc-1', strategy: 'ema_cross', symbol: 'BTCUSDT', timeframe: '4h', start: false },
    ]);
    const timeframe = await screen.findByLabelText('Timeframe');
    expect(timeframe).toHaveAttribute('aria-invalid', 'true');
    expect(timeframe).toHaveAccessibleDescription(
      'This account’s exchange has no candles of this timeframe.',
    );
  });
});

describe('a bot’s page', () => {
  it('shows its plan, position, resting stop, market data badge, chart and decisions', async () => {
    const chart: BotChart = {
      bot_id: 'bot-2',
      symbol: 'BTCUSDT',
      timeframe: '1h',
      candles: { time: [T - HOUR, T], open: [1, 2], high: [2, 3], low: [0.5, 1], close: [2, 2.5] },
      indicators: [{ title: 'EMA 9', color: '#f00', overlay: true, values: [null, 2] }],
      decisions: [{ time: T, action: 'long', outcome: 'sent', reason: null }],
      protection: [{ kind: 'stop_loss', price: '49000' }],
      position: { side: 'long', qty: '0.01', entry_price: '50000', mark_price: '50100', unrealized_pnl: '1' },
      market_data: { source: 'synthetic', state: 'up', since: '2026-12-07T00:00:00Z' },
    };
    fakeApi({
      'GET /api/v1/bots/bot-2': () =>
        json({
          ...bot({ id: 'bot-2' }),
          decisions: [
            {
              bar_time: T - HOUR,
              action: 'long',
              outcome: 'sent',
              reason: null,
              signal_id: 'sig-1',
              signal_status: 'executed',
              created_at: '2026-12-07T10:00:01Z',
            },
            {
              bar_time: T - 5 * HOUR,
              action: 'short',
              outcome: 'skipped',
              reason: 'signal older than 90 s (catch-up)',
              signal_id: null,
              signal_status: null,
              created_at: '2026-12-07T10:00:01Z',
            },
          ],
        }),
      'GET /api/v1/bots/bot-2/chart': () => json(chart),
    });
    renderWithI18n(<BotPage />);
    expect(await screen.findByTestId('bot-chart')).toBeInTheDocument();
    expect(drawn.at(-1)).toEqual(chart);
    expect(screen.getByText('10 % of the balance, 3×, stop 2 ATR, take-profit none')).toBeInTheDocument();
    expect(screen.getByTestId('bot-position')).toHaveTextContent('Long 0.01 · Entry 50,000 · Mark 50,100');
    expect(screen.getByTestId('bot-protection')).toHaveTextContent('Stop-loss 49,000');
    expect(screen.getByTestId('bot-realized')).toHaveTextContent('40 (realized 41.5, fees 1.5)');
    expect(screen.getByTestId('bot-trades')).toHaveTextContent('3 closed · 2 won · 1 open');
    expect(screen.getByTestId('market-data')).toHaveTextContent('Synthetic prices');
    const decisions = screen.getByTestId('bot-decisions');
    expect(within(decisions).getByRole('link', { name: 'Executed' })).toHaveAttribute(
      'href',
      '/signals/sig-1',
    );
    expect(within(decisions).getByText('signal older than 90 s (catch-up)')).toBeInTheDocument();
    expect(within(decisions).getByText('Skipped')).toBeInTheDocument();
  });

  it('says it all in Korean: status, start button, no decisions, no resting stop', async () => {
    fakeApi({
      'GET /api/v1/bots/bot-2': () =>
        json({ ...bot({ id: 'bot-2', status: 'stopped', desired_state: 'stopped' }), decisions: [] }),
      'GET /api/v1/bots/bot-2/chart': () =>
        json({
          bot_id: 'bot-2',
          symbol: 'BTCUSDT',
          timeframe: '1h',
          candles: { time: [], open: [], high: [], low: [], close: [] },
          indicators: [],
          decisions: [],
          protection: [],
          position: null,
        }),
    });
    renderWithI18n(<BotPage />, 'ko');
    expect(await screen.findByTestId('bot-status')).toHaveTextContent('중지됨');
    expect(screen.getByRole('button', { name: '시작' })).toBeInTheDocument();
    expect(screen.getByText(/아직 결정이 없습니다/)).toBeInTheDocument();
    expect(screen.getByTestId('bot-protection')).toHaveTextContent('걸려 있는 손절·익절이 없습니다.');
    expect(screen.getByTestId('bot-trades')).toHaveTextContent('청산 3건 · 수익 2건 · 보유 1건');
  });
});
