import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import SignalsPage from '@/app/(app)/signals/page';
import { SignalSummary } from '@/app/(app)/signals/[id]/SignalSummary';
import type { Signal, SignalDetail } from '@/lib/types';
import { renderWithI18n } from './render';

vi.mock('next-auth/react', () => ({
  useSession: () => ({ data: { accessToken: 'session-token' } }),
  signOut: vi.fn(),
}));
vi.mock('@/lib/navigate', () => ({ hardNavigate: vi.fn() }));

const json = (body: unknown) =>
  new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });

const signal = (overrides: Partial<Signal>): Signal => ({
  id: 'sig-1',
  account_id: 'acc-a-0123456789',
  account_label: 'Alpha',
  status: 'executed',
  outcome: 'executed',
  action: 'long',
  symbol: 'BTCUSDT',
  qty: '0.02',
  price: '50123.5',
  realized_pnl: null,
  received_at: '2026-03-01T10:00:00.000Z',
  finished_at: '2026-03-01T10:00:01.000Z',
  source_ip: '203.0.113.7',
  payload: { action: 'long', symbol: 'BINANCE:BTCUSDT.P' },
  result: null,
  error_code: null,
  error_message: null,
  ...overrides,
});

const SIGNALS = [
  signal({}),
  signal({
    id: 'sig-2',
    action: 'close_long',
    outcome: 'nothing_to_do',
    qty: null,
    price: null,
    result: {
      success: true,
      code: 'NO_POSITION_TO_CLOSE',
      message: 'No open long position on BTCUSDT to close',
    },
  }),
  signal({ id: 'sig-3', account_label: '', action: 'close_long', realized_pnl: '-12.5', price: '49000' }),
];

const REFUSED = [
  {
    id: '7',
    account_id: 'acc-a-0123456789',
    account_label: 'Alpha',
    reason: 'INVALID_WEBHOOK_SECRET',
    count: 14,
    first_seen: '2026-03-01T09:00:00.000Z',
    last_seen: '2026-03-01T09:00:42.000Z',
    source_ip: '52.89.214.238',
    summary: {
      action: 'long',
      symbol: 'BINANCE:ETHUSDT.P',
      id: 'a1',
      fields: ['account_id'],
      secret_present: true,
    },
  },
  {
    id: '8',
    account_id: 'acc-b-0123456789',
    account_label: 'Beta',
    reason: 'INVALID_WEBHOOK_SECRET',
    count: 1,
    first_seen: '2026-03-01T08:00:00.000Z',
    last_seen: '2026-03-01T08:00:00.000Z',
    source_ip: null,
    summary: { action: 'close_all', fields: ['account_id'], secret_present: false },
  },
];

function fakeApi() {
  const calls: string[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input) => {
    const url = String(input);
    calls.push(url);
    if (url === '/api/v1/accounts-secure/list')
      return json({
        accounts: [
          { id: 'acc-a-0123456789', exchange: 'paper', label: 'Alpha', testnet: true, is_active: true },
        ],
      });
    if (url.startsWith('/api/v1/signals/refused')) return json({ refused: REFUSED, total: REFUSED.length });
    if (url.startsWith('/api/v1/signals') && url.includes('format=csv'))
      return new Response('received_at\r\n', { headers: { 'content-type': 'text/csv' } });
    if (url.startsWith('/api/v1/signals')) return json({ signals: SIGNALS, total: SIGNALS.length });
    throw new Error(`unexpected ${url}`);
  });
  return calls;
}

afterEach(() => vi.restoreAllMocks());

/** The rows of the table in the region of that name (the refused alerts' section and table share it: the inner one). */
const rowsOf = async (name: string) => {
  const regions = await screen.findAllByRole('region', { name }, { timeout: 10_000 });
  const rows = await within(regions.at(-1)!).findAllByRole('row', {}, { timeout: 10_000 });
  return rows.slice(1);
};

describe('the signals log', () => {
  it('shows account, outcome, quantity, price and PnL, with "Nothing to do" for an execution that sent nothing', async () => {
    fakeApi();
    renderWithI18n(<SignalsPage />);
    const rows = await rowsOf('Signals log');
    expect(rows).toHaveLength(3);
    const cells = (row: HTMLElement) =>
      within(row)
        .getAllByRole('cell')
        .map((c) => c.textContent);
    expect(cells(rows[0]!).slice(1, 8)).toEqual([
      'Alpha',
      'Executed',
      'Long',
      'BTCUSDT',
      '0.02',
      '50,123.5',
      '—',
    ]);
    expect(cells(rows[1]!).slice(1, 8)).toEqual([
      'Alpha',
      'Nothing to do',
      'Close long',
      'BTCUSDT',
      '—',
      '—',
      '—',
    ]);
    // No label: the start of the account id; a loss is coloured as one.
    expect(cells(rows[2]!)[1]).toBe('acc-a-01');
    expect(within(rows[2]!).getByText('-12.5')).toHaveClass('neg');
  });

  it('lists refused alerts with the count and the mistake (wrong or missing secret), never a secret', async () => {
    fakeApi();
    renderWithI18n(<SignalsPage />);
    const rows = await rowsOf('Refused alerts');
    expect(rows).toHaveLength(2);
    expect(within(rows[0]!).getByText('Wrong webhook secret')).toBeInTheDocument();
    expect(within(rows[0]!).getByText('14')).toBeInTheDocument();
    expect(within(rows[0]!).getByText('long · BINANCE:ETHUSDT.P · #a1')).toBeInTheDocument();
    expect(within(rows[0]!).getByText('52.89.214.238')).toBeInTheDocument();
    expect(within(rows[1]!).getByText('No secret in the alert message')).toBeInTheDocument();
    expect(within(rows[1]!).getByText('Beta')).toBeInTheDocument();
  });

  it('sends the filters to both lists and downloads the filtered CSV', async () => {
    const user = userEvent.setup();
    const calls = fakeApi();
    vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:signals');
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    renderWithI18n(<SignalsPage />);
    await rowsOf('Signals log');
    await screen.findByRole('option', { name: /Alpha/ });
    await user.selectOptions(screen.getByLabelText('Account'), 'acc-a-0123456789');
    await user.selectOptions(screen.getByLabelText('Status'), 'nothing_to_do');
    await user.type(screen.getByLabelText('Symbol contains'), ' btc ');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    await vi.waitFor(() =>
      expect(calls).toContain(
        '/api/v1/signals?account_id=acc-a-0123456789&outcome=nothing_to_do&symbol=btc&limit=100',
      ),
    );
    await vi.waitFor(() =>
      expect(calls).toContain('/api/v1/signals/refused?account_id=acc-a-0123456789&limit=100'),
    );
    await user.click(screen.getByRole('button', { name: 'Download CSV' }));
    await vi.waitFor(() =>
      expect(calls).toContain(
        '/api/v1/signals?account_id=acc-a-0123456789&outcome=nothing_to_do&symbol=btc&limit=1000&format=csv',
      ),
    );
  });
});

describe('the signal detail', () => {
  it('says "Nothing to do" with the reason, in English and Korean', () => {
    const detail: SignalDetail = { ...SIGNALS[1]!, orders: [] };
    const { unmount } = renderWithI18n(<SignalSummary signal={detail} />);
    expect(screen.getByText('Nothing to do')).toBeInTheDocument();
    expect(
      screen.getByText('Nothing was sent to the exchange: No open long position on BTCUSDT to close'),
    ).toBeInTheDocument();
    unmount();
    renderWithI18n(<SignalSummary signal={detail} />, 'ko');
    expect(screen.getByText('할 일 없음')).toBeInTheDocument();
    expect(screen.getByText(/거래소로 보낸 주문이 없습니다/)).toBeInTheDocument();
  });
});

describe('the break-even move in the log', () => {
  it('names the signal the server queues when a partial take-profit fills, in English and Korean', async () => {
    const { SignalTable } = await import('@/components/SignalTable');
    const move = signal({ id: 'sig-be', action: 'move_stop_to_entry', qty: null, price: null });
    const en = renderWithI18n(<SignalTable signals={[move]} />);
    expect(within(screen.getByRole('table')).getByText('Stop to break-even')).toBeTruthy();
    en.unmount();
    renderWithI18n(<SignalTable signals={[move]} />, 'ko');
    expect(within(screen.getByRole('table')).getByText('손절가 본전 이동')).toBeTruthy();
  });
});
