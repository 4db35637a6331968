import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import NotificationsPage from '@/app/(app)/notifications/page';
import { renderWithI18n } from './render';

vi.mock('next-auth/react', () => ({
  useSession: () => ({ data: { accessToken: 'session-token' } }),
  signOut: vi.fn(),
}));
vi.mock('@/lib/navigate', () => ({ hardNavigate: vi.fn() }));

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const EVENT_KINDS = [
  'signal_executed',
  'signal_failed',
  'alert_refused',
  'trade_closed',
  'protection_missing',
  'stream_down',
];

const channel = (overrides: Record<string, unknown> = {}) => ({
  id: 'ch-1',
  kind: 'discord',
  name: 'Trading room',
  locale: 'en',
  events: ['signal_executed', 'trade_closed'],
  enabled: false,
  disabled_reason: 'Discord refused the webhook (HTTP 404)',
  target_hint: 'https://discord.com/…',
  created_at: '2026-12-01T00:00:00Z',
  updated_at: '2026-12-01T00:00:00Z',
  ...overrides,
});

function fakeApi(routes: Record<string, (body: unknown) => Response>) {
  const calls: { route: string; body: unknown }[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const route = `${init?.method ?? 'GET'} ${String(input)}`;
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ route, body });
    const answer = routes[route];
    if (!answer) throw new Error(`unexpected ${route}`);
    return answer(body);
  });
  return calls;
}

afterEach(() => vi.restoreAllMocks());

describe('the notifications page', () => {
  it('shows a channel with its masked destination and why it was turned off; saves events; sends a test', async () => {
    const user = userEvent.setup();
    const calls = fakeApi({
      'GET /api/v1/notifications/channels': () =>
        json({
          channels: [channel(), channel({ id: 'ch-3', enabled: true, disabled_reason: null, name: 'Mail' })],
          event_kinds: EVENT_KINDS,
          available_kinds: ['discord', 'webhook'],
        }),
      'PATCH /api/v1/notifications/channels/ch-1': (body) => json(channel(body as Record<string, unknown>)),
      'POST /api/v1/notifications/channels/ch-3/test': () =>
        json({ ok: false, reason: 'Discord rate limit' }),
    });
    renderWithI18n(<NotificationsPage />);
    const card = await screen.findByTestId('channel-ch-1');
    expect(within(card).getByText('https://discord.com/…')).toBeInTheDocument();
    expect(within(card).getByRole('alert')).toHaveTextContent(
      'Turned off after repeated failures: Discord refused the webhook (HTTP 404)',
    );
    await user.click(within(card).getByLabelText('Positions without a stop-loss'));
    await user.click(within(card).getByRole('button', { name: 'Save' }));
    expect(await within(card).findByText('Saved.')).toBeInTheDocument();
    expect(calls.find((c) => c.route.startsWith('PATCH'))?.body).toEqual({
      events: ['signal_executed', 'trade_closed', 'protection_missing'],
      locale: 'en',
    });
    await user.click(within(card).getByRole('button', { name: 'Turn on' }));
    expect(calls.filter((c) => c.route.startsWith('PATCH')).at(-1)?.body).toEqual({ enabled: true });
    expect(within(card).getByRole('button', { name: 'Send test' })).toBeDisabled();
    const enabled = screen.getByTestId('channel-ch-3');
    await user.click(within(enabled).getByRole('button', { name: 'Send test' }));
    expect(
      await within(enabled).findByText('The test message was not delivered: Discord rate limit'),
    ).toBeInTheDocument();
  });

  it('adds an outgoing webhook and shows the generated signing secret once', async () => {
    const user = userEvent.setup();
    let channels: unknown[] = [];
    const calls = fakeApi({
      'GET /api/v1/notifications/channels': () =>
        json({ channels, event_kinds: EVENT_KINDS, available_kinds: ['discord', 'email', 'webhook'] }),
      'POST /api/v1/notifications/channels': (body) => {
        const created = channel({
          id: 'ch-2',
          kind: 'webhook',
          enabled: true,
          disabled_reason: null,
          ...(body as object),
        });
        channels = [created];
        return json({ ...created, signing_secret: 'generated-signing-secret-0123456789' }, 201);
      },
    });
    renderWithI18n(<NotificationsPage />);
    await user.selectOptions(await screen.findByLabelText('Kind'), 'webhook');
    await user.type(screen.getByLabelText('Name'), 'My tool');
    await user.type(screen.getByLabelText('Your endpoint URL'), 'https://tools.example.com/hook');
    await user.click(screen.getByRole('button', { name: 'Add a channel' }));
    expect(await screen.findByText('generated-signing-secret-0123456789')).toBeInTheDocument();
    const body = calls.find((c) => c.route === 'POST /api/v1/notifications/channels')?.body as Record<
      string,
      unknown
    >;
    expect(body).toMatchObject({
      kind: 'webhook',
      name: 'My tool',
      webhook_url: 'https://tools.example.com/hook',
    });
    expect(body.events).toEqual(EVENT_KINDS);
    expect(await screen.findByTestId('channel-ch-2')).toBeInTheDocument();
  });

  it('offers to link a Telegram chat with a one-time code (the link creates the telegram channel)', async () => {
    fakeApi({
      'GET /api/v1/notifications/channels': () =>
        json({ channels: [], available_kinds: ['telegram', 'discord', 'webhook'], event_kinds: EVENT_KINDS }),
      'GET /api/v1/notifications/telegram': () =>
        json({ bot_configured: true, linked: false, username: null, locale: null, linked_at: null }),
    });
    renderWithI18n(<NotificationsPage />);
    expect(await screen.findByRole('button', { name: 'Link Telegram' })).toBeInTheDocument();
  });

  it('speaks Korean', async () => {
    fakeApi({
      'GET /api/v1/notifications/channels': () =>
        json({ channels: [], event_kinds: EVENT_KINDS, available_kinds: ['discord'] }),
    });
    renderWithI18n(<NotificationsPage />, 'ko');
    expect(await screen.findByRole('heading', { level: 1, name: '알림' })).toBeInTheDocument();
    expect(await screen.findByText('아직 채널이 없습니다. 아래에서 추가하세요.')).toBeInTheDocument();
  });
});
