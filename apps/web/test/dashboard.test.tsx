import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import Dashboard from '@/app/(app)/page';
import { renderWithI18n } from './render';

vi.mock('next-auth/react', () => ({
  useSession: () => ({ data: { accessToken: 'session-token' } }),
  signOut: vi.fn(),
}));
vi.mock('@/lib/navigate', () => ({ hardNavigate: vi.fn() }));

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const unavailable = () =>
  json(
    {
      detail: 'The exchange did not answer',
      error: { code: 'VENUE_UNAVAILABLE', message: 'The exchange did not answer' },
    },
    503,
  );

const account = (id: string, label: string) => ({
  id,
  exchange: 'paper',
  label,
  testnet: true,
  is_active: true,
  created_at: '2026-12-01T00:00:00Z',
  webhook_secret_hint: '…',
});

function fakeApi(routes: Record<string, () => Response>) {
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input) => {
    const url = String(input);
    const answer = routes[url];
    if (answer) return answer();
    if (url === '/api/v1/events') return new Response('', { status: 503 });
    throw new Error(`unexpected ${url}`);
  });
}

const common = {
  '/api/v1/auth/me': () =>
    json({
      id: 'u',
      email: 'e@x',
      name: 'e',
      created_at: '',
      total_xp: 30,
      level: 1,
      total_trades: 3,
      totp_enabled: false,
    }),
  '/api/v1/signals?limit=10': () => json({ signals: [], total: 0 }),
  '/api/v1/accounts-secure/up/pnl': () =>
    json({ account_id: 'up', realized_pnl: 0, fills: 0, open: [], basis: 'fills' }),
  '/api/v1/accounts-secure/down/pnl': () =>
    json({ account_id: 'down', realized_pnl: 0, fills: 0, open: [], basis: 'fills' }),
};

afterEach(() => vi.restoreAllMocks());

describe('the dashboard', () => {
  it('shows the stop-loss and take-profit resting on the venue beside each position, with a link to its chart', async () => {
    fakeApi({
      ...common,
      '/api/v1/accounts-secure/list': () => json({ accounts: [account('up', 'Paper one')] }),
      '/api/v1/accounts-secure/up/balance': () =>
        json({ account_id: 'up', asset: 'USDT', total: '10000', available: '9000', unrealized_pnl: '5' }),
      '/api/v1/accounts-secure/up/positions': () =>
        json({
          account_id: 'up',
          positions: [
            {
              venue_symbol: 'BTCUSDT',
              side: 'net',
              qty: '0.01',
              entry_price: '50000',
              mark_price: '50500',
              unrealized_pnl: '5',
              leverage: 5,
              margin_mode: 'cross',
            },
          ],
        }),
      '/api/v1/accounts-secure/up/open-orders': () =>
        json({
          account_id: 'up',
          orders: [
            {
              venue_order_id: '1',
              client_order_id: 'a',
              symbol: 'BTCUSDT',
              kind: 'stop_loss',
              side: 'sell',
              position_side: 'net',
              qty: '0.01',
              price: null,
              trigger_price: '49000',
              reduce_only: true,
              status: 'new',
            },
            {
              venue_order_id: '2',
              client_order_id: 'b',
              symbol: 'BTCUSDT',
              kind: 'take_profit',
              side: 'sell',
              position_side: 'net',
              qty: '0.01',
              price: null,
              trigger_price: '52000',
              reduce_only: true,
              status: 'new',
            },
          ],
        }),
    });
    renderWithI18n(<Dashboard />);
    const table = await screen.findByTestId('positions', {}, { timeout: 10_000 });
    await vi.waitFor(() => expect(within(table).getByTestId('position-stop')).toHaveTextContent('49,000'));
    expect(within(table).getByText('52,000')).toBeInTheDocument();
    expect(within(table).getByRole('link', { name: 'Chart of BTCUSDT' })).toHaveAttribute(
      'href',
      '/history/up/BTCUSDT',
    );
    expect(screen.getByTestId('xp-explained')).toBeInTheDocument();
  });

  it('an account whose venue does not answer shows the error, since when, and what to check — not "Loading…"', async () => {
    fakeApi({
      ...common,
      '/api/v1/accounts-secure/list': () => json({ accounts: [account('down', 'Broken')] }),
      '/api/v1/accounts-secure/down/balance': unavailable,
      '/api/v1/accounts-secure/down/positions': unavailable,
      '/api/v1/accounts-secure/down/open-orders': unavailable,
    });
    renderWithI18n(<Dashboard />);
    const problem = await screen.findByTestId('account-problem', {}, { timeout: 10_000 });
    expect(problem).toHaveTextContent(
      'This account’s exchange is not answering: The exchange did not answer',
    );
    expect(problem).toHaveTextContent('VENUE_UNAVAILABLE');
    expect(problem).toHaveTextContent('No answer since this page opened.');
    expect(problem).toHaveTextContent(/What to check: .*IP whitelist/);
    const card = screen.getByRole('article', { name: 'Broken' });
    expect(within(card).queryByText('Loading…')).toBeNull();
  });

  it('keeps the last figures and says when they were fine when the venue stops answering', async () => {
    fakeApi({
      ...common,
      '/api/v1/accounts-secure/list': () => json({ accounts: [account('up', 'Flaky')] }),
      '/api/v1/accounts-secure/up/balance': () =>
        json({ account_id: 'up', asset: 'USDT', total: '10000', available: '9000', unrealized_pnl: '0' }),
      '/api/v1/accounts-secure/up/positions': unavailable,
      '/api/v1/accounts-secure/up/open-orders': unavailable,
    });
    renderWithI18n(<Dashboard />, 'ko');
    const problem = await screen.findByTestId('account-problem', {}, { timeout: 10_000 });
    await vi.waitFor(() =>
      expect(problem).toHaveTextContent(/마지막 응답: .+\. 아래 수치는 그 시점 기준입니다\./),
    );
    expect(screen.getByTestId('balance')).toHaveTextContent('10,000 USDT');
  });
});
