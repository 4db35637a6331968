import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AccountGroupsSection } from '@/app/(app)/accounts/AccountGroups';
import type { Account } from '@/lib/types';
import { renderWithI18n } from './render';

vi.mock('next-auth/react', () => ({
  useSession: () => ({ data: { accessToken: 'session-token' } }),
  signOut: vi.fn(),
}));
vi.mock('@/lib/navigate', () => ({ hardNavigate: vi.fn() }));

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const account = (id: string, exchange: Account['exchange'], label = ''): Account => ({
  id,
  exchange,
  label,
  testnet: true,
  is_active: true,
  created_at: '2026-12-01T00:00:00Z',
  webhook_secret_hint: 'abcd',
  market_data: null,
});
const ACCOUNTS = [account('acct-binance-1', 'binance', 'Main'), account('acct-okx-1', 'okx')];

const group = (overrides: Record<string, unknown> = {}) => ({
  id: 'grp-1',
  name: 'Both venues',
  webhook_secret_hint: 'wxyz',
  members: [
    { account_id: 'acct-binance-1', exchange: 'binance', label: 'Main', is_active: true },
    { account_id: 'acct-okx-1', exchange: 'okx', label: '', is_active: true },
  ],
  created_at: '2026-12-01T00:00:00Z',
  updated_at: '2026-12-01T00:00:00Z',
  ...overrides,
});

function fakeApi(routes: Record<string, (body: unknown) => Response>) {
  const calls: { route: string; body: unknown; headers: unknown }[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const route = `${init?.method ?? 'GET'} ${String(input)}`;
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ route, body, headers: init?.headers });
    const answer = routes[route];
    if (!answer) throw new Error(`unexpected ${route}`);
    return answer(body);
  });
  return calls;
}

afterEach(() => vi.restoreAllMocks());

describe('account groups on the API keys page', () => {
  it('creates a group from chosen accounts and shows its secret once; empty fields are marked first', async () => {
    const user = userEvent.setup();
    let groups: unknown[] = [];
    const calls = fakeApi({
      'GET /api/v1/account-groups': () => json({ groups, total: groups.length }),
      'POST /api/v1/account-groups': (body) => {
        groups = [group(body as Record<string, unknown>)];
        return json({ ...(groups[0] as object), webhook_secret: 'group-secret-0123456789abcdef' }, 201);
      },
    });
    renderWithI18n(<AccountGroupsSection accounts={ACCOUNTS} />);
    expect(await screen.findByText('No groups yet.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Create group' }));
    expect(screen.getByLabelText('Group name')).toHaveAttribute('aria-invalid', 'true');
    expect(calls.some((c) => c.route.startsWith('POST'))).toBe(false);

    await user.type(screen.getByLabelText('Group name'), 'Both venues');
    await user.click(screen.getByRole('checkbox', { name: /Main/ }));
    await user.click(screen.getByRole('checkbox', { name: /OKX/ }));
    await user.click(screen.getByRole('button', { name: 'Create group' }));
    expect(await screen.findByText('Webhook secret for group Both venues')).toBeInTheDocument();
    expect(calls.find((c) => c.route === 'POST /api/v1/account-groups')?.body).toEqual({
      name: 'Both venues',
      account_ids: ['acct-binance-1', 'acct-okx-1'],
    });
    await user.click(screen.getByRole('button', { name: 'Reveal' }));
    expect(screen.getByTestId('webhook-secret')).toHaveTextContent('group-secret-0123456789abcdef');
    expect(await screen.findByTestId('group-grp-1')).toHaveTextContent('Main · BINANCE');
  });

  it('shows the API field errors in Korean, and rotates a group secret with the two-factor code', async () => {
    const user = userEvent.setup();
    const calls = fakeApi({
      'GET /api/v1/account-groups': () => json({ groups: [group()], total: 1 }),
      'PATCH /api/v1/account-groups/grp-1': () =>
        json(
          {
            detail: 'name: too long',
            error: {
              code: 'VALIDATION_FAILED',
              message: 'name: too long',
              details: {
                issues: [{ field: 'name', code: 'too_big', maximum: 64, origin: 'string', message: 'x' }],
              },
            },
          },
          400,
        ),
      'POST /api/v1/account-groups/grp-1/webhook-secret/rotate': () =>
        json({ group_id: 'grp-1', webhook_secret: 'rotated-group-secret-0123456789' }),
    });
    renderWithI18n(<AccountGroupsSection accounts={ACCOUNTS} />, 'ko');
    const row = await screen.findByTestId('group-grp-1');
    await user.click(within(row).getByRole('button', { name: '이름 또는 계정 변경' }));
    await user.click(within(row).getByRole('button', { name: '그룹 저장' }));
    expect(within(row).getByLabelText('그룹 이름')).toHaveAttribute('aria-invalid', 'true');

    await user.click(within(row).getByRole('button', { name: '웹훅 시크릿 재발급' }));
    await user.type(within(row).getByLabelText('2단계 인증 코드 (사용 중인 경우)'), '123456');
    await user.click(within(row).getByRole('alertdialog').querySelector('button')!);
    expect(await screen.findByText('그룹 Both venues의 웹훅 시크릿')).toBeInTheDocument();
    const rotate = calls.find((c) => c.route.endsWith('/webhook-secret/rotate'));
    expect(JSON.stringify(rotate?.headers)).toContain('123456');
  });
});
